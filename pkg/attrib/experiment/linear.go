// Copyright ©2026 The susclab Authors.

package experiment

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/attrib"
	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// LinearBIF returns the BIF of linear regression m at nβ and γ, centred at
// the least-squares solution, with the sampler settings of the project's
// exact linear-regression checks: ε = 0.004/k_max (SGLD's relative bias on
// variances, about εk/4, at most 0.1%), burn-in 5 and thinning 0.5 slowest
// relaxation times, 8 chains of draws draws in 5 batches each (40 units for
// the standard errors, docs/theory.md §8.1), seeded with seed.
func LinearBIF(m *toy.LinearRegression, nBeta, gamma float64, draws int, seed uint64) attrib.BIF {
	kMax, kMin := m.CurvatureRange(nBeta, gamma)
	b := susc.NewBudget(0.004, kMax, kMin, 5, 0.5)
	return attrib.BIF{
		Posterior: susc.Posterior{NBeta: nBeta, Gamma: gamma, Center: m.LeastSquares()},
		Kernel:    susc.SGLD{Epsilon: b.Epsilon},
		Run:       susc.Run{Chains: 8, Batches: 5, Draws: draws, BurnIn: b.BurnIn, Thin: b.Thin, Seed: seed},
	}
}

// Linear is the linear-regression problem of the notebook (that of notebook
// 03, docs/theory.md §9.2): N samples x ~ N(0, I₃), y = xᵀ(1, -2, 0.5) +
// Noise·ε from the PCG generator (Seed, 5), Test test samples from (Seed, 7),
// and, if Outlier is not zero, one more training sample at
// x = Outlier·(1, -1, 0) whose target is off the teacher by +2: a
// high-leverage sample with a large residual, whose leave-one-out effect the
// first-order formula underestimates by the factor 1 - h_ii.
type Linear struct {
	N, Test int
	Noise   float64
	Seed    uint64
	Outlier float64
}

// Data returns the training and the test set.
func (p Linear) Data() (train, test *toy.LinearRegression) {
	w := []float64{1, -2, 0.5}
	m := toy.LinearRegressionData(rand.New(rand.NewPCG(p.Seed, 5)), p.N, w, p.Noise)
	test = toy.LinearRegressionData(rand.New(rand.NewPCG(p.Seed, 7)), p.Test, w, p.Noise)
	if p.Outlier == 0 {
		return m, test
	}
	x := mat.NewDense(p.N+1, 3, nil)
	y := make([]float64, p.N+1)
	for i := range p.N {
		x.SetRow(i, m.Input(i))
		y[i] = m.Target(i)
	}
	out := []float64{p.Outlier, -p.Outlier, 0}
	x.SetRow(p.N, out)
	y[p.N] = out[0]*w[0] + out[1]*w[1] + 2
	return toy.NewLinearRegression(x, y), test
}

// LeaveOneOut returns, for every training sample i (rows) and test sample q
// (columns), the exact change of the test loss when sample i is left out
// and least squares refitted (toy LeaveOneOutLoss), the classical influence
// function's first-order prediction τ = r_i r_q h_qi (λ = 0), and that
// prediction corrected by the leverage, τ/(1 - h_ii) + δ²/2 with
// δ = τ/(r_q(1 - h_ii)), which docs/theory.md §4.4 says is exact. The test
// residuals r_q must not vanish (noisy data).
func (p Linear) LeaveOneOut() (exact, first, corrected *mat.Dense) {
	m, test := p.Data()
	exact, first = m.LeaveOneOutLoss(test), m.RemovalInfluence(test, 0)
	h, w := m.HatDiagonal(), m.LeastSquares()
	n, nq := m.NumData(), test.NumData()
	corrected = mat.NewDense(n, nq, nil)
	for q := range nq {
		rq := test.Target(q)
		for k, v := range test.Input(q) {
			rq -= v * w[k]
		}
		for i := range n {
			d := first.At(i, q) / (rq * (1 - h[i]))
			corrected.Set(i, q, first.At(i, q)/(1-h[i])+d*d/2)
		}
	}
	return exact, first, corrected
}
