package plot

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// TimeTicks marks an axis of virtual seconds at a round step (1, 2 or 5 times a power of
// ten) that gives at most 10 labelled ticks, with an unlabelled one halfway between, the
// labels without trailing zeros ("12.5", not "12.50").
type TimeTicks struct{}

var _ plot.Ticker = TimeTicks{}

// Ticks implements plot.Ticker.
func (TimeTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return nil
	}
	mag := math.Pow(10, math.Floor(math.Log10(span/10)))
	step := 10 * mag
	for _, f := range []float64{1, 2, 5} {
		if span/(f*mag) <= 10 {
			step = f * mag
			break
		}
	}
	const minor = 2 // one unlabelled tick between labelled ones: each tick is SVG to carry
	prec := max(0, int(-math.Floor(math.Log10(step))))
	var ticks []plot.Tick
	sub := step / float64(minor)
	for i := math.Ceil(lo / sub); i*sub <= hi+sub*1e-9; i++ {
		v := i * sub
		t := plot.Tick{Value: v}
		if math.Mod(math.Round(i), float64(minor)) == 0 {
			t.Label = strconv.FormatFloat(v, 'f', prec, 64)
			t.Label = trimZeros(t.Label)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// trimZeros drops a decimal label's trailing zeros and point.
func trimZeros(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			for len(s) > 0 && s[len(s)-1] == '0' {
				s = s[:len(s)-1]
			}
			if s[len(s)-1] == '.' {
				s = s[:len(s)-1]
			}
			return s
		}
	}
	return s
}
