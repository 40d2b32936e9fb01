// Copyright ©2026 The susclab Authors.

package toy

import (
	"gonum.org/v1/gonum/mat"
)

// Closed forms for attributing the losses of query samples to training
// samples in linear regression (docs/theory.md §4.4 and §9.2). A query set is
// a LinearRegression with the same d (a test set, or the training set itself):
// its samples (x_q, y_q) have losses l_q(w) = (y_q - x_qᵀw)²/2. Every result is
// an n × Q matrix, row i a training sample, column q a query sample, and
// every entry is, or predicts, the change of the query's loss when training
// sample i is removed.

// checkQuery panics if q does not have m's input dimension.
func (m *LinearRegression) checkQuery(q *LinearRegression) {
	if q == nil || q.d != m.d {
		panic("toy: LinearRegression query set of another dimension")
	}
}

// gramInverse returns (XᵀX + λI)⁻¹, panicking if it is singular.
func (m *LinearRegression) gramInverse(lambda float64) *mat.SymDense {
	a := mat.NewSymDense(m.d, nil)
	a.CopySym(m.xtx)
	for k := 0; k < m.d; k++ {
		a.SetSym(k, k, a.At(k, k)+lambda)
	}
	var chol mat.Cholesky
	if !chol.Factorize(a) {
		panic("toy: LinearRegression: XᵀX + λI is not positive definite (fewer samples than dimensions? use λ > 0)")
	}
	inv := mat.NewSymDense(m.d, nil)
	if err := chol.InverseTo(inv); err != nil {
		panic("toy: " + err.Error())
	}
	return inv
}

// crossForm returns the n × Q matrix x_iᵀ A x_q.
func (m *LinearRegression) crossForm(a mat.Matrix, q *LinearRegression) *mat.Dense {
	x := mat.NewDense(m.n, m.d, m.x)
	xq := mat.NewDense(q.n, q.d, q.x)
	var ax mat.Dense
	ax.Mul(a, xq.T())
	out := mat.NewDense(m.n, q.n, nil)
	out.Mul(x, &ax)
	return out
}

// residuals returns y_i - x_iᵀw for every sample.
func (m *LinearRegression) residuals(w []float64) []float64 {
	r := make([]float64, m.n)
	for i := range r {
		s := m.y[i]
		for k, v := range m.Input(i) {
			s -= v * w[k]
		}
		r[i] = s
	}
	return r
}

// HatDiagonal returns the least-squares leverages h_ii = x_iᵀ(XᵀX)⁻¹x_i of
// every training sample. It panics if XᵀX is singular.
func (m *LinearRegression) HatDiagonal() []float64 {
	inv := m.gramInverse(0)
	h := make([]float64, m.n)
	for i := range h {
		xi := mat.NewVecDense(m.d, append([]float64(nil), m.Input(i)...))
		h[i] = mat.Inner(xi, inv, xi)
	}
	return h
}

// RemovalInfluence returns the first-order prediction of the change of each
// query loss when training sample i is removed and least squares refitted,
// with damping λ ≥ 0 (the classical influence function in the sign
// convention of docs/theory.md §4.4):
//
//	τ_iq = ∇l_qᵀ (XᵀX + λI)⁻¹ ∇l_i = r_i r_q x_iᵀ (XᵀX + λI)⁻¹ x_q,
//
// residuals r = y - xᵀw_ls of training and query samples at the full
// least-squares fit. For the training set as query set it is minus
// ClassicalInfluence(λ, nil).
func (m *LinearRegression) RemovalInfluence(q *LinearRegression, lambda float64) *mat.Dense {
	m.checkQuery(q)
	out := m.crossForm(m.gramInverse(lambda), q)
	r, rq := m.residuals(m.wls), q.residuals(m.wls)
	for i := range m.n {
		for j := range q.n {
			out.Set(i, j, out.At(i, j)*r[i]*rq[j])
		}
	}
	return out
}

// LeaveOneOutLoss returns the exact change of each query loss when training
// sample i is removed and least squares refitted (XᵀX must be invertible
// without sample i, that is h_ii < 1):
//
//	l_q(w₋ᵢ) - l_q(w) = δ r_q + δ²/2,    δ = h_qi r_i / (1 - h_ii),
//
// with h_qi = x_qᵀ(XᵀX)⁻¹x_i, since w₋ᵢ - w = -(XᵀX)⁻¹x_i r_i/(1 - h_ii) and the
// query's residual becomes r_q + δ. To first order it is RemovalInfluence at
// λ = 0 divided by 1 - h_ii.
func (m *LinearRegression) LeaveOneOutLoss(q *LinearRegression) *mat.Dense {
	m.checkQuery(q)
	inv := m.gramInverse(0)
	hq := m.crossForm(inv, q)
	h := m.HatDiagonal()
	r, rq := m.residuals(m.wls), q.residuals(m.wls)
	for i := range m.n {
		if !(h[i] < 1) {
			panic("toy: LeaveOneOutLoss: a sample with leverage 1 (XᵀX singular without it)")
		}
		for j := range q.n {
			dl := hq.At(i, j) * r[i] / (1 - h[i])
			hq.Set(i, j, dl*rq[j]+dl*dl/2)
		}
	}
	return hq
}

// QueryLossCov returns the exact posterior covariance between training and
// query losses, Cov(l_i, l_q) = r_i r_q c_iq + c_iq²/2 with c_iq = x_iᵀVx_q and
// residuals at the posterior mean (docs/theory.md §9.2). β Cov(l_i, l_q),
// β = nβ/n, is the BIF's score for removing sample i (docs/theory.md §4.4).
func (p *LinRegPosterior) QueryLossCov(q *LinearRegression) *mat.Dense {
	m := p.model
	m.checkQuery(q)
	c := m.crossForm(p.Cov, q)
	rq := q.residuals(p.Mean)
	for i := range m.n {
		for j := range q.n {
			v := c.At(i, j)
			c.Set(i, j, p.resid[i]*rq[j]*v+v*v/2)
		}
	}
	return c
}

// LeaveOneOutExpectedLoss returns the exact change of each query's posterior
// expected loss ⟨l_q⟩ = (y_q - x_qᵀm)²/2 + x_qᵀVx_q/2 when training sample i is
// removed with β and the prior centre kept (the posterior of Without(i) at
// nβ(n-1)/n, as in LeaveOneOutShift):
//
//	Δ⟨l_q⟩ = δ r_q + δ²/2 + β c_qi² / (2(1 - βc_ii)),    δ = β c_qi r_i / (1 - βc_ii),
//
// since the mean moves by -βVx_i r_i/(1 - βc_ii) and the query's variance
// c_qq grows by βc_qi²/(1 - βc_ii) (Sherman–Morrison). To first order in the
// removal it is β Cov(l_i, l_q) (QueryLossCov); at interpolation (all r = 0)
// only the variance term is left.
func (p *LinRegPosterior) LeaveOneOutExpectedLoss(q *LinearRegression) *mat.Dense {
	m := p.model
	m.checkQuery(q)
	beta := p.NBeta / float64(m.n)
	c := m.crossForm(p.Cov, q)
	rq := q.residuals(p.Mean)
	for i := range m.n {
		den := 1 - beta*p.c(i, i)
		for j := range q.n {
			cqi := c.At(i, j)
			dl := beta * cqi * p.resid[i] / den
			c.Set(i, j, dl*rq[j]+dl*dl/2+beta*cqi*cqi/(2*den))
		}
	}
	return c
}
