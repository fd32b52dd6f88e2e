package netmodel

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"time"
)

// Names of the latency distributions understood by Latency.Dist.
const (
	DistConstant    = "constant"
	DistUniform     = "uniform"
	DistNormal      = "normal"
	DistExponential = "exponential"
)

// Latency is a one-way delay distribution. Dist selects which fields matter:
//
//   - "constant" (or ""): always Mean;
//   - "uniform": uniform in [Min, Max];
//   - "normal": Mean + Stddev·N(0,1), clamped below at Min (default 0);
//   - "exponential": Min + an exponential variate with mean Mean-Min, a
//     floor plus a long tail, like a queue in front of a link.
//
// A Latency is plain configuration: it is never mutated by the network.
type Latency struct {
	Dist   string
	Mean   time.Duration
	Stddev time.Duration
	Min    time.Duration
	Max    time.Duration
}

// Validate reports whether the distribution is known and its parameters make
// sense (no negative durations, Max >= Min, Mean >= Min for exponential).
func (l Latency) Validate() error {
	neg := func(name string, d time.Duration) error {
		if d < 0 {
			return fmt.Errorf("netmodel: latency %s %v is negative", name, d)
		}
		return nil
	}
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"mean", l.Mean}, {"stddev", l.Stddev}, {"min", l.Min}, {"max", l.Max}} {
		if err := neg(f.name, f.d); err != nil {
			return err
		}
	}
	switch l.Dist {
	case "", DistConstant, DistNormal:
	case DistUniform:
		if l.Max < l.Min {
			return fmt.Errorf("netmodel: uniform latency max %v < min %v", l.Max, l.Min)
		}
	case DistExponential:
		if l.Mean < l.Min {
			return fmt.Errorf("netmodel: exponential latency mean %v < min %v", l.Mean, l.Min)
		}
	default:
		return fmt.Errorf("netmodel: unknown latency distribution %q (want constant, uniform, normal or exponential)", l.Dist)
	}
	return nil
}

// Sample draws one delay. It never returns a negative duration. Constant
// latencies (and degenerate ones, such as a normal with Stddev 0) draw
// nothing from r, so switching a link to a constant latency does not shift
// the random stream of anything else.
func (l Latency) Sample(r *rand.Rand) time.Duration {
	var d time.Duration
	switch l.Dist {
	case DistUniform:
		d = l.Min
		if span := int64(l.Max - l.Min); span > 0 {
			d += time.Duration(r.Int63n(span + 1))
		}
	case DistNormal:
		d = l.Mean
		if l.Stddev > 0 {
			d = addFloat(l.Mean, r.NormFloat64()*float64(l.Stddev))
		}
		if d < l.Min {
			d = l.Min
		}
	case DistExponential:
		d = l.Min
		if l.Mean > l.Min {
			d = addFloat(l.Min, r.ExpFloat64()*float64(l.Mean-l.Min))
		}
	default:
		d = l.Mean
	}
	if d < 0 {
		d = 0
	}
	return d
}

// addFloat adds f nanoseconds to base without overflowing a Duration.
func addFloat(base time.Duration, f float64) time.Duration {
	sum := float64(base) + f
	switch {
	case sum >= math.MaxInt64:
		return math.MaxInt64
	case sum <= 0:
		return 0
	}
	return time.Duration(sum)
}

// String renders the distribution in the scenario files' flow syntax, with
// only the fields that matter, e.g. "{dist: normal, mean: 2ms, stddev: 500µs}".
func (l Latency) String() string {
	var b strings.Builder
	dist := l.Dist
	if dist == "" {
		dist = DistConstant
	}
	fmt.Fprintf(&b, "{dist: %s", dist)
	switch dist {
	case DistUniform:
		fmt.Fprintf(&b, ", min: %v, max: %v", l.Min, l.Max)
	case DistNormal:
		fmt.Fprintf(&b, ", mean: %v, stddev: %v", l.Mean, l.Stddev)
		if l.Min != 0 {
			fmt.Fprintf(&b, ", min: %v", l.Min)
		}
	case DistExponential:
		fmt.Fprintf(&b, ", mean: %v", l.Mean)
		if l.Min != 0 {
			fmt.Fprintf(&b, ", min: %v", l.Min)
		}
	default:
		fmt.Fprintf(&b, ", mean: %v", l.Mean)
	}
	b.WriteString("}")
	return b.String()
}
