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
	DistLongTail    = "long-tail"
)

// Latency is a one-way delay distribution. Dist selects which fields matter:
//
//   - "constant" (or ""): always Mean;
//   - "uniform": uniform in [Min, Max];
//   - "normal": Mean + Stddev·N(0,1), clamped below at Min (default 0);
//   - "exponential": Min + an exponential variate with mean Mean-Min, a
//     floor plus a long tail, like a queue in front of a link;
//   - "long-tail": a Pareto distribution with minimum Min and mean Mean
//     (shape alpha = Mean/(Mean-Min), so 0 < Min < Mean is required),
//     capped at Max when Max > 0. Its tail is polynomial, not exponential:
//     rare delays many times the mean, like a congested or retransmitting
//     path. With Mean < 2·Min (alpha > 2) the variance is finite; closer
//     to Min the tail gets heavier, and a cap keeps it bounded.
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
// sense (no negative durations, Max >= Min, Mean >= Min for exponential,
// 0 < Min < Mean and Max either 0 or >= Min for long-tail).
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
	case DistLongTail:
		if l.Min <= 0 {
			return fmt.Errorf("netmodel: long-tail latency min %v must be positive", l.Min)
		}
		if l.Mean <= l.Min {
			return fmt.Errorf("netmodel: long-tail latency mean %v must exceed min %v", l.Mean, l.Min)
		}
		if l.Max != 0 && l.Max < l.Min {
			return fmt.Errorf("netmodel: long-tail latency max %v < min %v", l.Max, l.Min)
		}
	default:
		return fmt.Errorf("netmodel: unknown latency distribution %q (want constant, uniform, normal, exponential or long-tail)", l.Dist)
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
	case DistLongTail:
		d = l.longTail(r)
	default:
		d = l.Mean
	}
	if d < 0 {
		d = 0
	}
	return d
}

// longTail draws from the Pareto distribution with scale Min and the shape
// that gives mean Mean, by inversion: Min·U^(-1/alpha) with U uniform in
// (0, 1]. Parameters that cannot vary (Mean <= Min, or a cap at Min) give
// Min without drawing.
func (l Latency) longTail(r *rand.Rand) time.Duration {
	if l.Mean <= l.Min || l.Min <= 0 || (l.Max > 0 && l.Max <= l.Min) {
		return l.Min
	}
	alpha := float64(l.Mean) / float64(l.Mean-l.Min)
	u := 1 - r.Float64() // (0, 1]: never a division by zero
	d := addFloat(0, float64(l.Min)*math.Pow(u, -1/alpha))
	if l.Max > 0 && d > l.Max {
		d = l.Max
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
	case DistLongTail:
		fmt.Fprintf(&b, ", min: %v, mean: %v", l.Min, l.Mean)
		if l.Max != 0 {
			fmt.Fprintf(&b, ", max: %v", l.Max)
		}
	default:
		fmt.Fprintf(&b, ", mean: %v", l.Mean)
	}
	b.WriteString("}")
	return b.String()
}
