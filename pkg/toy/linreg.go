// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// LinearRegression is least-squares linear regression: inputs x_i ∈ R^d (the
// rows of X), targets y_i ∈ R, parameters w ∈ R^d, per-sample loss
//
//	l_i(w) = (y_i - x_iᵀw)² / 2        ∇l_i(w) = -(y_i - x_iᵀw) x_i.
//
// L_n is quadratic with Hessian A = XᵀX/n, so the full-batch LossGrad uses the
// exact expansion around the least-squares solution w_ls,
//
//	L_n(w) = L_n(w_ls) + g0ᵀδ + δᵀAδ/2    ∇L_n(w) = g0 + Aδ,    δ = w - w_ls,
//
// with g0 = ∇L_n(w_ls) (zero up to round-off), at cost O(d²) independent of n.
// The tempered posterior is exactly Gaussian; Posterior returns it with the
// closed forms of docs/theory.md §9.2.
//
// A LinearRegression is read-only after construction and safe for concurrent
// use. Create one with NewLinearRegression or LinearRegressionData.
type LinearRegression struct {
	n, d int
	x    []float64 // n×d row-major
	y    []float64
	xtx  *mat.SymDense // XᵀX (sum)
	a    []float64     // XᵀX/n, d×d row-major
	wls  []float64     // least squares (minimum norm)
	l0   float64       // L_n(w_ls), explicit loop
	g0   []float64     // ∇L_n(w_ls), explicit loop
}

// NewLinearRegression returns the model for design matrix x (n×d, one sample
// per row) and targets y (length n). The data are copied. The least-squares
// solution is the minimum-norm one (via SVD) when XᵀX is singular.
func NewLinearRegression(x *mat.Dense, y []float64) *LinearRegression {
	n, d := x.Dims()
	if len(y) != n || n == 0 {
		panic("toy: LinearRegression len(y) != rows of X")
	}
	m := &LinearRegression{n: n, d: d, x: make([]float64, n*d), y: append([]float64(nil), y...)}
	for i := 0; i < n; i++ {
		copy(m.x[i*d:(i+1)*d], x.RawRowView(i))
	}
	m.xtx = mat.NewSymDense(d, nil)
	m.xtx.SymOuterK(1, x.T())
	m.a = make([]float64, d*d)
	for j := 0; j < d; j++ {
		for k := 0; k < d; k++ {
			m.a[j*d+k] = m.xtx.At(j, k) / float64(n)
		}
	}
	// Minimum-norm least squares via the SVD of X.
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		panic("toy: LinearRegression SVD failed")
	}
	rank := svd.Rank(1e-12)
	m.wls = make([]float64, d)
	if rank > 0 {
		var sol mat.Dense
		svd.SolveTo(&sol, mat.NewDense(n, 1, append([]float64(nil), y...)), rank)
		for k := 0; k < d; k++ {
			m.wls[k] = sol.At(k, 0)
		}
	}
	m.g0 = make([]float64, d)
	m.l0 = m.loop(m.g0, m.wls, nil)
	return m
}

// LinearRegressionData draws x_i ~ N(0, I_d) and y_i = x_iᵀ wTrue + noise·ε_i,
// ε_i ~ N(0,1), from rng and returns the model; d = len(wTrue). noise = 0 gives
// an interpolating problem (all residuals zero when n >= d).
func LinearRegressionData(rng *rand.Rand, n int, wTrue []float64, noise float64) *LinearRegression {
	d := len(wTrue)
	x := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		var s float64
		for k := 0; k < d; k++ {
			v := rng.NormFloat64()
			x.Set(i, k, v)
			s += v * wTrue[k]
		}
		y[i] = s + noise*rng.NormFloat64()
	}
	return NewLinearRegression(x, y)
}

// Dim returns d.
func (m *LinearRegression) Dim() int { return m.d }

// NumData returns n.
func (m *LinearRegression) NumData() int { return m.n }

// Input returns x_i (a view; do not modify).
func (m *LinearRegression) Input(i int) []float64 { return m.x[i*m.d : (i+1)*m.d : (i+1)*m.d] }

// Target returns y_i.
func (m *LinearRegression) Target(i int) float64 { return m.y[i] }

// LeastSquares returns a copy of the (minimum-norm) least-squares solution w_ls.
func (m *LinearRegression) LeastSquares() []float64 { return append([]float64(nil), m.wls...) }

// Hessian returns the Hessian of the mean loss, ∇²L_n = XᵀX/n (constant in w).
// Multiply by n for the Hessian H_sum of Σ_i l_i.
func (m *LinearRegression) Hessian() *mat.SymDense {
	h := mat.NewSymDense(m.d, nil)
	h.ScaleSym(1/float64(m.n), m.xtx)
	return h
}

// LossGrad returns the mean of l_i(w) = (y_i - x_iᵀw)²/2 over batch (nil: all
// n samples via the O(d²) quadratic expansion) and, if grad != nil,
// overwrites grad with its gradient. It does not allocate.
func (m *LinearRegression) LossGrad(grad, w []float64, batch []int) float64 {
	checkLen(w, m.d, "LinearRegression: len(w) != Dim")
	if grad != nil {
		checkLen(grad, m.d, "LinearRegression: len(grad) != Dim")
	}
	if batch != nil {
		return m.loop(grad, w, batch)
	}
	d := m.d
	loss := m.l0
	for j := 0; j < d; j++ {
		// (Aδ)_j, δ = w - w_ls.
		var ad float64
		row := m.a[j*d : (j+1)*d]
		for k, akj := range row {
			ad += akj * (w[k] - m.wls[k])
		}
		dj := w[j] - m.wls[j]
		loss += m.g0[j]*dj + dj*ad/2 // forward: g0ᵀδ + δᵀAδ/2
		if grad != nil {
			grad[j] = m.g0[j] + ad // backward: g0 + Aδ
		}
	}
	return loss
}

// loop is the explicit O(|batch| d) evaluation of LossGrad (batch nil: all samples).
func (m *LinearRegression) loop(grad, w []float64, batch []int) float64 {
	checkBatch(batch)
	if grad != nil {
		for k := range grad {
			grad[k] = 0
		}
	}
	nb := len(batch)
	if batch == nil {
		nb = m.n
	}
	var loss float64
	for b := 0; b < nb; b++ {
		i := b
		if batch != nil {
			i = batch[b]
		}
		xi := m.x[i*m.d : (i+1)*m.d]
		r := m.y[i]
		for k, xk := range xi {
			r -= xk * w[k]
		}
		loss += r * r / 2 // forward: l = r²/2, r = y - xᵀw
		if grad != nil {
			for k, xk := range xi {
				grad[k] -= r * xk // backward: ∂l/∂w = -r x
			}
		}
	}
	inv := 1 / float64(nb)
	if grad != nil {
		for k := range grad {
			grad[k] *= inv
		}
	}
	return loss * inv
}

// PointLosses writes l_i(w) = (y_i - x_iᵀw)²/2 into dst for each i in idx
// (nil: all n samples in order). It does not allocate.
func (m *LinearRegression) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, m.d, "LinearRegression: len(w) != Dim")
	if idx == nil {
		checkLen(dst, m.n, "LinearRegression: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "LinearRegression: len(dst) != len(idx)")
	}
	for b := range dst {
		i := b
		if idx != nil {
			i = idx[b]
		}
		r := m.y[i]
		for k, xk := range m.x[i*m.d : (i+1)*m.d] {
			r -= xk * w[k]
		}
		dst[b] = r * r / 2
	}
}

// ClassicalInfluence returns the damped classical influence matrix for the
// per-sample-loss observables φ = l_j, evaluated at w_ls (docs/theory.md §4.1):
//
//	IF_ij = -∇l_iᵀ (H_sum + γI)⁻¹ ∇l_j = -r_i r_j x_iᵀ (XᵀX + γI)⁻¹ x_j
//
// for i, j in idx (nil: all samples), with r_i = y_i - x_iᵀw_ls. It is the
// Laplace (β = 1) approximation of the influence matrix I_ij = -Cov(l_i, l_j)
// and lacks the -c_ij²/2 term of the exact BIF (see LinRegPosterior.LossCov).
func (m *LinearRegression) ClassicalInfluence(gamma float64, idx []int) *mat.SymDense {
	p := m.Posterior(float64(m.n), gamma, nil) // V = (XᵀX + γI)⁻¹ at β = 1
	idx = p.indices(idx)
	k := len(idx)
	out := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			i, j := idx[a], idx[b]
			out.SetSym(a, b, -p.resid[i]*p.resid[j]*p.c(i, j))
		}
	}
	return out
}

// ClassicalInfluenceParams returns the d×k matrix whose column b is the damped
// classical influence of sample i = idx[b] on the parameters, evaluated at w_ls:
// -(H_sum + γI)⁻¹ ∇l_i = r_i (XᵀX + γI)⁻¹ x_i. It equals the exact
// BIF(z_i, w) = -Cov(l_i, w) at β = 1 (see LinRegPosterior.LossParamCov).
func (m *LinearRegression) ClassicalInfluenceParams(gamma float64, idx []int) *mat.Dense {
	p := m.Posterior(float64(m.n), gamma, nil)
	c := p.LossParamCov(idx)
	c.Scale(-1, c)
	return c
}

// LinRegPosterior is the exact tempered, localized posterior of a
// LinearRegression,
//
//	p(w) ∝ exp(-nβ L_n(w) - γ/2 ||w - c||²) = N(Mean, Cov),
//	Cov = V = (β XᵀX + γI)⁻¹,  Mean = V (β Xᵀy + γ c),  β = nβ/n.
//
// For c = w_ls, Mean = w_ls. Residuals r_i = y_i - x_iᵀMean and
// c_ij = x_iᵀ V x_j enter all the closed forms below; they hold for any centre.
type LinRegPosterior struct {
	NBeta, Gamma float64
	Mean         []float64
	Cov          *mat.SymDense
	model        *LinearRegression
	resid        []float64  // r_i at Mean, all samples
	vx           *mat.Dense // d×n, column i = V x_i
}

// Posterior returns the exact posterior for inverse temperature nβ, localization
// γ and prior centre center (nil: w_ls). nβ + γ must make β XᵀX + γI positive definite.
func (m *LinearRegression) Posterior(nbeta, gamma float64, center []float64) *LinRegPosterior {
	d := m.d
	beta := nbeta / float64(m.n)
	prec := mat.NewSymDense(d, nil)
	prec.ScaleSym(beta, m.xtx)
	for k := 0; k < d; k++ {
		prec.SetSym(k, k, prec.At(k, k)+gamma)
	}
	var chol mat.Cholesky
	if !chol.Factorize(prec) {
		panic("toy: LinearRegression posterior precision not positive definite")
	}
	v := mat.NewSymDense(d, nil)
	if err := chol.InverseTo(v); err != nil {
		panic("toy: " + err.Error())
	}
	c := m.wls
	if center != nil {
		checkLen(center, d, "LinearRegression: len(center) != Dim")
		c = center
	}
	// b = β Xᵀy + γ c; use XᵀX w_ls - n g0 = Xᵀy exactly (up to round-off).
	b := mat.NewVecDense(d, nil)
	for i := 0; i < m.n; i++ {
		for k := 0; k < d; k++ {
			b.SetVec(k, b.AtVec(k)+beta*m.y[i]*m.x[i*d+k])
		}
	}
	for k := 0; k < d; k++ {
		b.SetVec(k, b.AtVec(k)+gamma*c[k])
	}
	var mean mat.VecDense
	if err := chol.SolveVecTo(&mean, b); err != nil {
		panic("toy: " + err.Error())
	}
	if center == nil {
		// Exact: the mean is w_ls; avoid round-off differences.
		mean.CopyVec(mat.NewVecDense(d, append([]float64(nil), m.wls...)))
	}
	p := &LinRegPosterior{NBeta: nbeta, Gamma: gamma, Mean: append([]float64(nil), mean.RawVector().Data...), Cov: v, model: m}
	p.resid = make([]float64, m.n)
	for i := range p.resid {
		r := m.y[i]
		for k := 0; k < d; k++ {
			r -= m.x[i*d+k] * p.Mean[k]
		}
		p.resid[i] = r
	}
	xt := mat.NewDense(d, m.n, nil)
	for i := 0; i < m.n; i++ {
		for k := 0; k < d; k++ {
			xt.Set(k, i, m.x[i*d+k])
		}
	}
	p.vx = mat.NewDense(d, m.n, nil)
	p.vx.Mul(v, xt)
	return p
}

func (p *LinRegPosterior) indices(idx []int) []int {
	if idx != nil {
		return idx
	}
	idx = make([]int, p.model.n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// c returns c_ij = x_iᵀ V x_j.
func (p *LinRegPosterior) c(i, j int) float64 {
	m := p.model
	var s float64
	for k := 0; k < m.d; k++ {
		s += m.x[i*m.d+k] * p.vx.At(k, j)
	}
	return s
}

// Residuals returns r_i = y_i - x_iᵀMean for i in idx (nil: all samples).
func (p *LinRegPosterior) Residuals(idx []int) []float64 {
	idx = p.indices(idx)
	r := make([]float64, len(idx))
	for a, i := range idx {
		r[a] = p.resid[i]
	}
	return r
}

// C returns the matrix c_ij = x_iᵀ V x_j for i, j in idx (nil: all samples):
// the posterior covariance of the predictions x_iᵀw.
func (p *LinRegPosterior) C(idx []int) *mat.SymDense {
	idx = p.indices(idx)
	out := mat.NewSymDense(len(idx), nil)
	for a := range idx {
		for b := a; b < len(idx); b++ {
			out.SetSym(a, b, p.c(idx[a], idx[b]))
		}
	}
	return out
}

// LossCov returns the exact covariance of per-sample losses for i, j in idx
// (nil: all samples):
//
//	Cov(l_i, l_j) = r_i r_j c_ij + c_ij²/2.
//
// The Bayesian influence matrix (docs/theory.md §4.2) is I_ij = -LossCov_ij.
// Derivation: with u_i = x_iᵀ(w - Mean) ~ N(0, c_ii) jointly Gaussian,
// l_i = r_i²/2 - r_i u_i + u_i²/2; odd moments vanish and Cov(u_i², u_j²) = 2c_ij².
func (p *LinRegPosterior) LossCov(idx []int) *mat.SymDense {
	idx = p.indices(idx)
	out := mat.NewSymDense(len(idx), nil)
	for a := range idx {
		for b := a; b < len(idx); b++ {
			i, j := idx[a], idx[b]
			c := p.c(i, j)
			out.SetSym(a, b, p.resid[i]*p.resid[j]*c+c*c/2)
		}
	}
	return out
}

// LossCorr returns the Pearson correlation Corr(l_i, l_j) =
// Cov(l_i,l_j)/sqrt(Var(l_i) Var(l_j)) for i, j in idx (nil: all samples),
// Var(l_i) = r_i² c_ii + c_ii²/2. Note the sign: +Corr, whereas the influence
// matrix is -Cov.
func (p *LinRegPosterior) LossCorr(idx []int) *mat.SymDense {
	c := p.LossCov(idx)
	k := c.SymmetricDim()
	out := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			out.SetSym(a, b, c.At(a, b)/math.Sqrt(c.At(a, a)*c.At(b, b)))
		}
	}
	return out
}

// LossParamCov returns the d×k matrix whose column b is the exact
// Cov(w, l_i) = -r_i V x_i, i = idx[b] (nil: all samples). The Bayesian
// influence on the parameters is BIF(z_i, w) = -Cov(l_i, w) = r_i V x_i and
// the response to up-weighting sample i is ∂<w>/∂ε_i = -β Cov(l_i, w).
func (p *LinRegPosterior) LossParamCov(idx []int) *mat.Dense {
	idx = p.indices(idx)
	d := p.model.d
	out := mat.NewDense(d, len(idx), nil)
	for b, i := range idx {
		for k := 0; k < d; k++ {
			out.Set(k, b, -p.resid[i]*p.vx.At(k, i))
		}
	}
	return out
}

// ExpectedLoss returns the exact posterior mean E[L_n(w)] = L_n(Mean) + tr(A V)/2,
// A = XᵀX/n.
func (p *LinRegPosterior) ExpectedLoss() float64 {
	m := p.model
	var tr float64
	for j := 0; j < m.d; j++ {
		for k := 0; k < m.d; k++ {
			tr += m.a[j*m.d+k] * p.Cov.At(k, j)
		}
	}
	return m.LossGrad(nil, p.Mean, nil) + tr/2
}

// LLC returns the exact LLC estimand nβ (E[L_n(w)] - L_n(w*)) with w* = the
// given point (nil: w_ls). For w* = w_ls and centre w_ls it equals
// (nβ/2) tr(A V) → d/2 as γ → 0 (regular model).
func (p *LinRegPosterior) LLC(wstar []float64) float64 {
	m := p.model
	if wstar == nil {
		wstar = m.wls
	}
	return p.NBeta * (p.ExpectedLoss() - m.LossGrad(nil, wstar, nil))
}

// Susceptibility returns, for the coordinate observables φ = w_k, the exact
// susceptibility to the probe dataset (a LinearRegression with the same d),
//
//	χ = -Cov(w, ΔL) = -V ∇ΔL(Mean),   ΔL = L'_n - L_n,
//
// exact because ΔL is quadratic and w Gaussian (Stein's lemma, ∇ΔL affine).
// The response of the posterior mean to the mixture q_h = (1-h)q + hq' at
// h = 0 is J = ∂<w>/∂h = nβ χ.
func (p *LinRegPosterior) Susceptibility(probe *LinearRegression) []float64 {
	m := p.model
	if probe.d != m.d {
		panic("toy: LinearRegression probe dimension mismatch")
	}
	g, gp := make([]float64, m.d), make([]float64, m.d)
	m.LossGrad(g, p.Mean, nil)
	probe.LossGrad(gp, p.Mean, nil)
	for k := range g {
		g[k] = gp[k] - g[k]
	}
	chi := make([]float64, m.d)
	for k := range chi {
		var s float64
		for j := range g {
			s += p.Cov.At(k, j) * g[j]
		}
		chi[k] = -s
	}
	return chi
}
