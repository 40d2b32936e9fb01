package susc_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// sgnhtSchedule returns SGNHT settings for curvatures in [kMin, kMax]
// (docs/theory.md §2.8): the time step h = c/√kMax (so that ε = h² and
// ε kMax = c²), friction A per unit time (a = hA), and the relaxation time
// of the slowest direction in steps, max(1/A, A/kMin)/h.
func sgnhtSchedule(c, A, kMin, kMax float64) (eps, a float64, relax int) {
	h := c / math.Sqrt(kMax)
	return h * h, h * A, int(math.Ceil(math.Max(1/A, A/kMin) / h))
}

// TestSGNHTGaussian checks SGNHT's stationary law on the exactly Gaussian
// posterior of Bayesian linear regression (docs/theory.md §9.2): the 3 means
// and 6 covariances, unmasked, and the conditional law of a masked chain.
// The step is small enough that the thermostat's bias, about a/2 + εk/4 on
// variances (docs/theory.md §2.8), is below a quarter of the variances'
// standard errors, which the test checks; each entry must then lie within
// 4.5 SE (the largest of 9 t₃₉ variables exceeds 4.5 with probability below
// 10⁻³), and the variances' SE must be below 3% of their value.
func TestSGNHTGaussian(t *testing.T) {
	m := toy.LinearRegressionData(rand.New(rand.NewPCG(4, 5)), 30, []float64{1, -2, 0.5}, 0.5)
	wls := m.LeastSquares()
	const nb, gamma = 30.0, 5.0
	exact := m.Posterior(nb, gamma, wls)
	K := mat.NewSymDense(3, nil)
	K.ScaleSym(nb, m.Hessian())
	for i := range 3 {
		K.SetSym(i, i, K.At(i, i)+gamma)
	}
	for _, c := range []struct {
		name string
		mask []bool
	}{{"all", nil}, {"masked", []bool{true, false, true}}} {
		// The target: the posterior, or for the masked chain the conditional
		// law of the moving coordinates given the frozen ones at w*: mean w*
		// (the centre is the posterior mean) and covariance (K_cc)⁻¹.
		move := []int{0, 1, 2}
		if c.mask != nil {
			move = []int{0, 2}
		}
		Kc := mat.NewSymDense(len(move), nil)
		for a, i := range move {
			for b, j := range move {
				Kc.SetSym(a, b, K.At(i, j))
			}
		}
		var eig mat.EigenSym
		eig.Factorize(Kc, false)
		vals := eig.Values(nil)
		var ch mat.Cholesky
		ch.Factorize(Kc)
		cov := mat.NewSymDense(len(move), nil)
		ch.InverseTo(cov)
		eps, a, relax := sgnhtSchedule(0.005, 1, vals[0], vals[len(vals)-1])
		res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: wls},
			susc.SGNHT{Epsilon: eps, Diffusion: a, Mask: c.mask},
			susc.Run{Chains: 8, Batches: 5, Draws: 4000, BurnIn: 5 * relax, Thin: relax, Seed: 13},
			susc.Param("w0", 0), susc.Param("w1", 1), susc.Param("w2", 2))
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"w0", "w1", "w2"}
		bias := a/2 + eps*vals[len(vals)-1]/4
		worst := 0.0
		for ai, i := range move {
			ci, _ := res.Coord(names[i], 0)
			mean := res.Mean(ci)
			z := (mean.Value - exact.Mean[i]) / mean.SE
			worst = math.Max(worst, math.Abs(z))
			t.Logf("%s: E[%s] = %v, exact %.5f (z = %+.2f)", c.name, names[i], mean, exact.Mean[i], z)
			for bi, j := range move[ai:] {
				cj, _ := res.Coord(names[j], 0)
				e := res.Cov(ci, cj)
				want := cov.At(ai, ai+bi)
				z := (e.Value - want) / e.SE
				worst = math.Max(worst, math.Abs(z))
				t.Logf("%s: Cov(%s, %s) = %v, exact %.5g (z = %+.2f)", c.name, names[i], names[j], e, want, z)
				if bi == 0 {
					if e.SE > 0.03*want {
						t.Errorf("%s: Var(%s): SE %.2g is more than 3%% of %.2g", c.name, names[i], e.SE, want)
					}
					if bias*want > e.SE/4 {
						t.Errorf("%s: Var(%s): step bias %.2g is not below a quarter of the SE %.2g", c.name, names[i], bias*want, e.SE)
					}
				}
			}
		}
		if c.mask != nil {
			w1 := viewTrace(t, res, "w1")
			if w1 != wls[1] {
				t.Errorf("masked coordinate moved: %v", w1)
			}
		}
		t.Logf("%s: ε = %.3g, a = %.3g, %d steps per draw; relative step bias ≈ %.2g; largest |z| %.2f", c.name, eps, a, relax, bias, worst)
		if worst > 4.5 {
			t.Errorf("%s: largest |z| over means and covariances %.2f, want ≤ 4.5", c.name, worst)
		}
	}
}

// viewTrace returns the pooled mean of a parameter observable (it is
// constant for a frozen coordinate).
func viewTrace(t *testing.T, res *susc.Result, name string) float64 {
	i, err := res.Coord(name, 0)
	if err != nil {
		t.Fatal(err)
	}
	return res.Pooled().Mean[i]
}

// TestSGNHTLLCNormalCrossing is TestLLCNormalCrossingMatchesExactFiniteNBeta
// for SGNHT: the LLC of normal crossing at nβ = n/log n, γ = 1, against the
// exact finite-nβ value by 2D quadrature, within 4 SE, with the SE below 5%
// of the value. The time step is h = 0.05/√kMax with kMax = 9nβ (so
// εkMax = 0.0025) and unit friction (a = h), whose bias (≈ a/2 = 0.07%)
// is far below the SE.
func TestSGNHTLLCNormalCrossing(t *testing.T) {
	skipShort(t)
	const n, gamma = 1000, 1.0
	nb := susc.NOverLogN(n)
	for _, pow := range [][]int{{1, 1}, {1, 2}} {
		m := toy.NormalCrossingData(rand.New(rand.NewPCG(1, 2)), n, pow, true)
		exact, err := m.LLC2D(nb, gamma, nil, 1e-9)
		if err != nil {
			t.Fatal(err)
		}
		eps, a, relax := sgnhtSchedule(0.05, 1, gamma, 9*nb)
		res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: []float64{0, 0}},
			susc.SGNHT{Epsilon: eps, Diffusion: a}, susc.Run{Chains: 8, Draws: 500, BurnIn: 3 * relax, Thin: relax / 2, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		llc, err := res.LLC()
		if err != nil {
			t.Fatal(err)
		}
		z := (llc.Mean - exact) / llc.SE
		t.Logf("%v: SGNHT LLC %.4f ± %.4f, exact %.4f (z = %+.2f); ε = %.3g, a = %.3g, %d steps per chain", pow, llc.Mean, llc.SE, exact, z, eps, a, res.Chains[0].Steps)
		if math.Abs(z) > 4 {
			t.Errorf("%v: LLC %.4f ± %.4f, exact finite-nβ value %.4f", pow, llc.Mean, llc.SE, exact)
		}
		if llc.SE > 0.05*exact {
			t.Errorf("%v: SE %.4f too large to test the estimator", pow, llc.SE)
		}
	}
}
