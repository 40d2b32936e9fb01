// Copyright ©2026 The susclab Authors.

package toy

import "gonum.org/v1/gonum/mat"

// CurvatureRange returns the largest and smallest curvature of the posterior
// potential U = nβ L_n + (γ/2)||w - c||², the extreme eigenvalues of
// nβ XᵀX/n + γI. They set the SGLD step (from kMax) and the slowest
// relaxation time (from kMin), for example through susc.NewBudget.
func (m *LinearRegression) CurvatureRange(nbeta, gamma float64) (kMax, kMin float64) {
	var eig mat.EigenSym
	if !eig.Factorize(m.Hessian(), false) {
		panic("toy: LinearRegression.CurvatureRange: eigendecomposition failed")
	}
	ev := eig.Values(nil) // ascending
	return nbeta*ev[len(ev)-1] + gamma, nbeta*ev[0] + gamma
}

// BeyondLaplace returns c_ij²/2 for i, j in idx (nil: all samples): the part
// of Cov(l_i, l_j) = r_i r_j c_ij + c_ij²/2 (LossCov) that the Laplace,
// Hessian-based formula misses. At β = 1 the influence matrix is therefore
// I = ClassicalInfluence - BeyondLaplace; at interpolation (all r_i = 0) it is
// all that is left.
func (p *LinRegPosterior) BeyondLaplace(idx []int) *mat.SymDense {
	c := p.C(idx)
	k := c.SymmetricDim()
	for a := range k {
		for b := a; b < k; b++ {
			v := c.At(a, b)
			c.SetSym(a, b, v*v/2)
		}
	}
	return c
}

// Leverage returns β c_ii = β x_iᵀ V x_i for i in idx (nil: all samples),
// β = nβ/n: the factor in the exact leave-one-out shift of the posterior
// mean, Mean₋ᵢ - Mean = -β BIF(z_i, w) / (1 - β c_ii) (see Without). It lies
// in [0, 1], below 1 when γ > 0.
func (p *LinRegPosterior) Leverage(idx []int) []float64 {
	idx = p.indices(idx)
	beta := p.NBeta / float64(p.model.n)
	out := make([]float64, len(idx))
	for a, i := range idx {
		out[a] = beta * p.c(i, i)
	}
	return out
}

// LeaveOneOutShift returns the exact shift Mean₋ᵢ - Mean of the posterior
// mean when sample i is dropped: the posterior of m.Without(i) at nβ(n-1)/n
// (the same β) minus that of m at nβ, both with localization γ around the
// full model's w_ls (the centre is kept, as in the derivative ∂<w>/∂ε_i).
func (m *LinearRegression) LeaveOneOutShift(nbeta, gamma float64, i int) []float64 {
	n := float64(m.n)
	full := m.Posterior(nbeta, gamma, nil)
	loo := m.Without(i).Posterior(nbeta*(n-1)/n, gamma, m.wls)
	out := make([]float64, m.d)
	for k := range out {
		out[k] = loo.Mean[k] - full.Mean[k]
	}
	return out
}
