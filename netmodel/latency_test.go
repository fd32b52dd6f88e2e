package netmodel

import (
	"math"
	"math/rand"
	"testing"
	"time"
)

func TestLatencySample(t *testing.T) {
	cases := []struct {
		l        Latency
		mean     time.Duration // expected mean
		min, max time.Duration // bounds every sample must respect
	}{
		{Latency{Dist: DistConstant, Mean: 3 * ms}, 3 * ms, 3 * ms, 3 * ms},
		{Latency{Mean: 3 * ms}, 3 * ms, 3 * ms, 3 * ms},
		{Latency{Dist: DistUniform, Min: 1 * ms, Max: 5 * ms}, 3 * ms, 1 * ms, 5 * ms},
		{Latency{Dist: DistNormal, Mean: 10 * ms, Stddev: 2 * ms}, 10 * ms, 0, math.MaxInt64},
		{Latency{Dist: DistExponential, Min: 1 * ms, Mean: 4 * ms}, 4 * ms, 1 * ms, math.MaxInt64},
		// alpha = 3: finite variance, so the sample mean settles.
		{Latency{Dist: DistLongTail, Min: 2 * ms, Mean: 3 * ms}, 3 * ms, 2 * ms, math.MaxInt64},
	}
	for _, c := range cases {
		t.Run(c.l.String(), func(t *testing.T) {
			if err := c.l.Validate(); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewSource(7))
			const samples = 20000
			var sum float64
			for range samples {
				d := c.l.Sample(r)
				if d < c.min || d > c.max {
					t.Fatalf("sample %v outside [%v, %v]", d, c.min, c.max)
				}
				sum += float64(d)
			}
			mean := time.Duration(sum / samples)
			if diff := math.Abs(float64(mean - c.mean)); diff > 0.03*float64(c.mean) {
				t.Fatalf("mean %v, want %v ±3%%", mean, c.mean)
			}
		})
	}
}

func TestLatencySampleNeverNegative(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	// Half the mass of this normal is below zero; the clamp must hold it
	// at Min, and a zero Min must still give no negative delay.
	for _, l := range []Latency{
		{Dist: DistNormal, Mean: 1 * ms, Stddev: 5 * ms},
		{Dist: DistNormal, Mean: 1 * ms, Stddev: 5 * ms, Min: 500 * time.Microsecond},
	} {
		low := 0
		for range 10000 {
			d := l.Sample(r)
			if d < l.Min {
				t.Fatalf("%v: sample %v below min", l, d)
			}
			if d == l.Min {
				low++
			}
		}
		if low < 3000 {
			t.Fatalf("%v: only %d samples clamped, want about 4000+", l, low)
		}
	}
}

func TestLatencyLongTail(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	capped := Latency{Dist: DistLongTail, Min: ms, Mean: 1500 * time.Microsecond, Max: 4 * ms}
	var atCap, above2x int
	for range 20000 {
		d := capped.Sample(r)
		if d < capped.Min || d > capped.Max {
			t.Fatalf("%v: sample %v outside [min, max]", capped, d)
		}
		if d == capped.Max {
			atCap++
		}
		if d > 2*ms {
			above2x++
		}
	}
	// alpha = 3: P(X > 4·Min) = 4^-3 = 1.6%, P(X > 2·Min) = 2^-3 = 12.5%.
	if atCap < 200 || atCap > 450 {
		t.Errorf("%d of 20000 samples at the cap, want about 312", atCap)
	}
	if above2x < 2200 || above2x > 2800 {
		t.Errorf("%d of 20000 samples above 2·min, want about 2500", above2x)
	}
	// A heavy tail: far more mass beyond 5x the minimum than an
	// exponential with the same floor and mean would have.
	heavy := Latency{Dist: DistLongTail, Min: ms, Mean: 2 * ms} // alpha 2
	expo := Latency{Dist: DistExponential, Min: ms, Mean: 2 * ms}
	var tailP, tailE int
	for range 20000 {
		if heavy.Sample(r) > 11*ms {
			tailP++
		}
		if expo.Sample(r) > 11*ms {
			tailE++
		}
	}
	if tailP < 100 || tailE > 10 { // 1/121 = 0.8% vs e^-10
		t.Errorf("beyond 11ms: long-tail %d, exponential %d of 20000", tailP, tailE)
	}
}

func TestLatencyConstantDrawsNothing(t *testing.T) {
	a, b := rand.New(rand.NewSource(5)), rand.New(rand.NewSource(5))
	Latency{Mean: ms}.Sample(a)
	Latency{Dist: DistNormal, Mean: ms}.Sample(a)                         // Stddev 0: degenerate
	Latency{Dist: DistLongTail, Min: ms, Mean: 2 * ms, Max: ms}.Sample(a) // capped at its floor
	if a.Int63() != b.Int63() {
		t.Fatal("a constant latency consumed randomness")
	}
}

func TestLatencyValidateAndString(t *testing.T) {
	bad := []Latency{
		{Dist: "pareto", Mean: ms},
		{Dist: DistUniform, Min: 2 * ms, Max: ms},
		{Dist: DistExponential, Min: 2 * ms, Mean: ms},
		{Mean: -ms},
		{Dist: DistLongTail, Min: ms, Mean: ms},
		{Dist: DistLongTail, Mean: ms},
		{Dist: DistLongTail, Min: 2 * ms, Mean: 3 * ms, Max: ms},
	}
	for _, l := range bad {
		if l.Validate() == nil {
			t.Errorf("%+v: Validate accepted it", l)
		}
	}
	want := map[string]Latency{
		"{dist: constant, mean: 2ms}":                      {Mean: 2 * ms},
		"{dist: uniform, min: 1ms, max: 3ms}":              {Dist: DistUniform, Min: ms, Max: 3 * ms},
		"{dist: normal, mean: 2ms, stddev: 500µs}":         {Dist: DistNormal, Mean: 2 * ms, Stddev: ms / 2},
		"{dist: normal, mean: 2ms, stddev: 1ms, min: 1ms}": {Dist: DistNormal, Mean: 2 * ms, Stddev: ms, Min: ms},
		"{dist: exponential, mean: 5ms, min: 1ms}":         {Dist: DistExponential, Mean: 5 * ms, Min: ms},
		"{dist: long-tail, min: 1ms, mean: 3ms}":           {Dist: DistLongTail, Min: ms, Mean: 3 * ms},
		"{dist: long-tail, min: 1ms, mean: 3ms, max: 1s}":  {Dist: DistLongTail, Min: ms, Mean: 3 * ms, Max: time.Second},
	}
	for s, l := range want {
		if got := l.String(); got != s {
			t.Errorf("String() = %q, want %q", got, s)
		}
	}
}
