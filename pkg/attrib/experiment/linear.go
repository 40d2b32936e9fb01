// Copyright ©2026 The susclab Authors.

package experiment

import (
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
