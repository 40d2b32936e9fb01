package report_test

import (
	"math"
	"testing"

	"susclab/pkg/report"
)

func TestProportion(t *testing.T) {
	// Wilson 95% intervals (z = 1.96), reference values from the closed form.
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{{0, 10, 0, 0.27754}, {5, 10, 0.23659, 0.76341}, {10, 10, 0.72246, 1}, {61, 64, 0.87100, 0.98393}} {
		p, lo, hi := report.Proportion(c.k, c.n, 1.96)
		f := float64(c.k) / float64(c.n)
		if p.Value != f || math.Abs(p.SE-math.Sqrt(f*(1-f)/float64(c.n))) > 1e-15 {
			t.Errorf("%d/%d: %v", c.k, c.n, p)
		}
		if math.Abs(lo-c.lo) > 1e-4 || math.Abs(hi-c.hi) > 1e-4 {
			t.Errorf("%d/%d: Wilson [%.5f, %.5f], want [%.5f, %.5f]", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
	m := report.MeanEstimate([]float64{1, 2, 3, 4})
	if m.Value != 2.5 || math.Abs(m.SE-math.Sqrt(5.0/3/4)) > 1e-15 {
		t.Errorf("MeanEstimate = %v", m)
	}
}
