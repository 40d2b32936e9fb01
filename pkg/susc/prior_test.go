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

// ulaCov returns SGLD's exact stationary covariance on a Gaussian target of
// precision K, (K (I - εK/4))⁻¹ (docs/theory.md §2.1).
func ulaCov(t *testing.T, K mat.Symmetric, eps float64) *mat.SymDense {
	d := K.SymmetricDim()
	var KK mat.Dense
	KK.Mul(K, K)
	prec := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			prec.SetSym(i, j, K.At(i, j)-eps/4*KK.At(i, j))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(prec) {
		t.Fatal("ULA precision not positive definite")
	}
	out := mat.NewSymDense(d, nil)
	if err := ch.InverseTo(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWeightDecayLinearRegression checks the weight-decay prior
// (docs/theory.md §2.9): with it, the posterior of Bayesian linear regression
// is N(m, V) with V = (β XᵀX + (γ + δ) I)⁻¹ and m = V (β Xᵀy + γ w*), which
// toy's closed form gives for localization γ + δ centred at γ w*/(γ + δ).
// SGLD's stationary covariance is the exact (K(I - εK/4))⁻¹
// (docs/theory.md §2.1), so the comparison carries no step bias. The 3 means and 6
// covariances must each lie within 4.5 SE (the largest of 9 t₃₉ variables
// exceeds 4.5 with probability below 10⁻³), and the mean's SE must be below
// 5% of the shift δ causes, so that a kernel ignoring δ fails by more than
// 20 SE.
func TestWeightDecayLinearRegression(t *testing.T) {
	m := toy.LinearRegressionData(rand.New(rand.NewPCG(4, 5)), 30, []float64{1, -2, 0.5}, 0.5)
	wls := m.LeastSquares()
	const nb, gamma, delta = 30.0, 5.0, 20.0
	k := gamma + delta
	anchor := make([]float64, len(wls))
	for i, c := range wls {
		anchor[i] = gamma * c / k
	}
	exact := m.Posterior(nb, k, anchor)
	without := m.Posterior(nb, gamma, wls) // the posterior a kernel ignoring δ would sample
	K := mat.NewSymDense(3, nil)
	K.ScaleSym(nb, m.Hessian())
	for i := range 3 {
		K.SetSym(i, i, K.At(i, i)+k)
	}
	var eig mat.EigenSym
	eig.Factorize(K, false)
	vals := eig.Values(nil)
	b := susc.NewBudget(0.2, vals[2], vals[0], 5, 0.5)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: wls, WeightDecay: delta},
		susc.SGLD{Epsilon: b.Epsilon}, susc.Run{Chains: 8, Batches: 5, Draws: 4000, BurnIn: b.BurnIn, Thin: b.Thin, Seed: 11},
		susc.Param("w0", 0), susc.Param("w1", 1), susc.Param("w2", 2))
	if err != nil {
		t.Fatal(err)
	}
	if res.WeightDecay != delta {
		t.Errorf("Result.WeightDecay = %v", res.WeightDecay)
	}
	cov := ulaCov(t, K, b.Epsilon)
	names := []string{"w0", "w1", "w2"}
	worst := 0.0
	for i, a := range names {
		ci, _ := res.Coord(a, 0)
		mean := res.Mean(ci)
		z := (mean.Value - exact.Mean[i]) / mean.SE
		shift := math.Abs(exact.Mean[i] - without.Mean[i])
		t.Logf("E[%s] = %v, exact %.5f (z = %+.2f); δ shifts it by %.4f = %.0f SE", a, mean, exact.Mean[i], z, shift, shift/mean.SE)
		worst = math.Max(worst, math.Abs(z))
		if mean.SE > 0.05*shift {
			t.Errorf("E[%s]: SE %.2g too large to see the prior's shift %.2g", a, mean.SE, shift)
		}
		for j := i; j < 3; j++ {
			cj, _ := res.Coord(names[j], 0)
			c := res.Cov(ci, cj)
			z := (c.Value - cov.At(i, j)) / c.SE
			t.Logf("Cov(%s, %s) = %v, exact %.5g (z = %+.2f)", a, names[j], c, cov.At(i, j), z)
			worst = math.Max(worst, math.Abs(z))
			if i == j && c.SE > 0.05*cov.At(i, i) {
				t.Errorf("Var(%s): SE %.2g is more than 5%% of %.2g", a, c.SE, cov.At(i, i))
			}
		}
	}
	if worst > 4.5 {
		t.Errorf("largest |z| over the means and covariances is %.2f, want ≤ 4.5", worst)
	}
}
