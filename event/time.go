package event

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Time is virtual time since the world started. It is written as seconds with exactly nine
// decimals ("12.003400000"): exact to the nanosecond, readable, and a plain JSON number
// for jq and spreadsheets.
type Time time.Duration

// D returns t as a time.Duration.
func (t Time) D() time.Duration { return time.Duration(t) }

// Seconds returns t in seconds.
func (t Time) Seconds() float64 { return time.Duration(t).Seconds() }

// String returns the canonical text, as in the stream.
func (t Time) String() string {
	sign := ""
	v := int64(t)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%09d", sign, v/1e9, v%1e9)
}

// MarshalJSON writes the canonical text as a JSON number.
func (t Time) MarshalJSON() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalJSON reads a JSON number of seconds exactly, without going through float64.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := string(b)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 9 || !isDigits(whole) || (frac != "" && !isDigits(frac)) {
		return fmt.Errorf("event: bad time %q: want seconds with at most 9 decimals", b)
	}
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return fmt.Errorf("event: bad time %q: %w", b, err)
	}
	var ns int64
	if frac != "" {
		ns, err = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil {
			return fmt.Errorf("event: bad time %q: %w", b, err)
		}
	}
	if sec > (math.MaxInt64-ns)/1e9 {
		return fmt.Errorf("event: bad time %q: out of range", b)
	}
	v := sec*1e9 + ns
	if neg {
		v = -v
	}
	*t = Time(v)
	return nil
}

// isDigits reports whether s is one or more ASCII digits: strconv.ParseInt alone would
// also take a sign, letting "--1" or "1.-5" through.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
