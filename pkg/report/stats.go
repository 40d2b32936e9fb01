package report

import (
	"math"

	"gonum.org/v1/gonum/stat"

	"susclab/pkg/susc"
)

// MeanEstimate returns the mean of xs with its standard error sd/√n (NaN
// with fewer than two values): for outcomes over independent seeds.
func MeanEstimate(xs []float64) susc.Estimate {
	if len(xs) == 0 {
		return susc.Estimate{Value: math.NaN(), SE: math.NaN()}
	}
	m := stat.Mean(xs, nil)
	if len(xs) < 2 {
		return susc.Estimate{Value: m, SE: math.NaN()}
	}
	return susc.Estimate{Value: m, SE: stat.StdDev(xs, nil) / math.Sqrt(float64(len(xs)))}
}

// Proportion returns the fraction k/n of successes with its binomial
// standard error √(p(1-p)/n) and the Wilson score interval [lo, hi] at z
// standard deviations (z = 1.96 for 95%), which stays inside [0, 1] and is
// informative at k = 0 or k = n where the binomial standard error is 0.
func Proportion(k, n int, z float64) (p susc.Estimate, lo, hi float64) {
	if n < 1 || k < 0 || k > n {
		panic("report: Proportion needs 0 ≤ k ≤ n, n ≥ 1")
	}
	nf := float64(n)
	f := float64(k) / nf
	p = susc.Estimate{Value: f, SE: math.Sqrt(f * (1 - f) / nf)}
	z2 := z * z
	c := (f + z2/(2*nf)) / (1 + z2/nf)
	w := z / (1 + z2/nf) * math.Sqrt(f*(1-f)/nf+z2/(4*nf*nf))
	return p, math.Max(0, c-w), math.Min(1, c+w)
}
