package criteria_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/toy"
)

// TestRegularModelLimits checks, from the closed forms of
// docs/theory.md §9.8 alone (no sampling), what docs/theory.md §8.6 states for a regular realizable
// model (Bayesian linear regression, d = 3, unit noise, β = 1, γ = 0):
//
//   - ν_n → d/2: at n = 10⁵ within 1% of 1.5 (its spread over datasets is
//     about d√(2/n)/2 = 0.7% there), and |ν_n - d/2| shrinking with n;
//   - over 10⁴ training sets of n = 100, n·E[WAIC - G_n] is 0 within 4 SE,
//     while n·E[T_n - G_n] is -2E[ν_n] ≈ -d within 4 SE and more than 10 SE
//     from 0: WAIC corrects the training loss's optimism, in expectation.
//
// G_n, the generalization loss of the predictive distribution, is an
// expectation over a new input x ~ N(0, I), taken over 2·10⁴ fixed draws.
func TestRegularModelLimits(t *testing.T) {
	const d = 3
	wTrue := []float64{1, -2, 0.5}
	prev := math.Inf(1)
	for _, n := range []int{100, 1000, 10000, 100000} {
		m := toy.LinearRegressionData(rand.New(rand.NewPCG(uint64(n), 1)), n, wTrue, 1)
		nu := m.Posterior(float64(n), 0, nil).Criteria(halfLog2Pi).Fluctuation
		t.Logf("n = %d: ν_n = %.4f (d/2 = 1.5)", n, nu)
		if n == 100000 && math.Abs(nu-1.5) > 0.015 {
			t.Errorf("n = %d: ν_n = %v, want d/2 = 1.5 within 1%%", n, nu)
		}
		if n >= 10000 && math.Abs(nu-1.5) > prev {
			t.Errorf("n = %d: |ν_n - d/2| = %v grew from %v", n, math.Abs(nu-1.5), prev)
		}
		prev = math.Abs(nu - 1.5)
	}

	const n, sets, xs = 100, 10000, 20000
	rx := rand.New(rand.NewPCG(7, 7))
	x := make([][d]float64, xs)
	for k := range x {
		for j := range d {
			x[k][j] = rx.NormFloat64()
		}
	}
	rng := rand.New(rand.NewPCG(8, 8))
	var sw, sw2, st, st2, snu float64
	for range sets {
		m := toy.LinearRegressionData(rng, n, wTrue, 1)
		p := m.Posterior(n, 0, nil)
		cr := p.Criteria(halfLog2Pi)
		g := generalization(p.Mean, p.Cov, wTrue, x)
		a, b := n*(cr.WAIC-g), n*(cr.Training-g)
		sw, sw2, st, st2, snu = sw+a, sw2+a*a, st+b, st2+b*b, snu+cr.Fluctuation
	}
	mean := func(s, s2 float64) (float64, float64) {
		m := s / sets
		return m, math.Sqrt((s2/sets - m*m) / sets)
	}
	mw, sew := mean(sw, sw2)
	mt, set := mean(st, st2)
	nu := snu / sets
	t.Logf("n·E[WAIC - G] = %.3f ± %.3f; n·E[T - G] = %.3f ± %.3f; -2E[ν] = %.3f", mw, sew, mt, set, -2*nu)
	if math.Abs(mw) > 4*sew {
		t.Errorf("n·E[WAIC - G] = %.3f ± %.3f, want 0", mw, sew)
	}
	if math.Abs(mt+2*nu) > 4*set || math.Abs(mt) < 10*set {
		t.Errorf("n·E[T - G] = %.3f ± %.3f, want -2E[ν] = %.3f and far from 0", mt, set, -2*nu)
	}
}

// generalization returns G_n = c + E_x[½ log(1 + s_x) + (1 + (xᵀ(w0 - m))²)/(2(1 + s_x))],
// s_x = xᵀVx, over the given inputs (docs/theory.md §9.8, unit noise).
func generalization(mean []float64, cov mat.Symmetric, w0 []float64, xs [][3]float64) float64 {
	var v [3][3]float64
	var dl [3]float64
	for i := range 3 {
		dl[i] = w0[i] - mean[i]
		for j := range 3 {
			v[i][j] = cov.At(i, j)
		}
	}
	var g float64
	for _, x := range xs {
		var s, e float64
		for i := range 3 {
			e += x[i] * dl[i]
			for j := range 3 {
				s += x[i] * v[i][j] * x[j]
			}
		}
		g += 0.5*math.Log1p(s) + (1+e*e)/(2*(1+s))
	}
	return halfLog2Pi + g/float64(len(xs))
}
