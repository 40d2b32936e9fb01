// Copyright ©2026 The susclab Authors.

package toy

// Polynomial is a one-parameter, one-sample model whose loss is the quartic potential
//
//	V(x) = λx²/2 + αx³/6 + κx⁴/24      V'(x) = λx + αx²/2 + κx³/6
//
// with x = w[0]. Dim() = NumData() = 1 and L_n = l_1 = V. The zero value is the
// flat potential V = 0. For exact posterior expectations use NewPosterior1D
// with the method value p.Value.
type Polynomial struct {
	Lambda, Alpha, Kappa float64
}

// Value returns V(x).
func (p Polynomial) Value(x float64) float64 {
	return x * x * (p.Lambda/2 + x*(p.Alpha/6+x*p.Kappa/24))
}

// Deriv returns V'(x).
func (p Polynomial) Deriv(x float64) float64 {
	return x * (p.Lambda + x*(p.Alpha/2+x*p.Kappa/6))
}

// Dim returns 1.
func (p Polynomial) Dim() int { return 1 }

// NumData returns 1.
func (p Polynomial) NumData() int { return 1 }

// LossGrad returns V(w[0]) and, if grad != nil, sets grad[0] = V'(w[0]).
// batch must be nil or {0}.
func (p Polynomial) LossGrad(grad, w []float64, batch []int) float64 {
	checkPotential(grad, w, batch)
	if grad != nil {
		grad[0] = p.Deriv(w[0])
	}
	return p.Value(w[0])
}

// PointLosses sets dst[0] = V(w[0]). idx must be nil or {0}.
func (p Polynomial) PointLosses(dst, w []float64, idx []int) {
	checkPotential(nil, w, idx)
	checkLen(dst, 1, "potential: len(dst) != 1")
	dst[0] = p.Value(w[0])
}

// Monomial is a one-parameter, one-sample model with the singular potential
//
//	V(x) = x^{2k}/(2k)!                 V'(x) = x^{2k-1}/(2k-1)!
//
// (K = k >= 1). Its learning coefficient is 1/(2k) and its Hessian at 0
// vanishes for k >= 2 (docs/theory.md §9.5). The zero value (K = 0) is the constant V = 1.
type Monomial struct {
	K int
}

// Value returns V(x) = x^{2K}/(2K)!.
func (m Monomial) Value(x float64) float64 {
	return ipow(x, 2*m.K) / factorial(2*m.K)
}

// Deriv returns V'(x) = x^{2K-1}/(2K-1)! (0 for K = 0).
func (m Monomial) Deriv(x float64) float64 {
	if m.K == 0 {
		return 0
	}
	return ipow(x, 2*m.K-1) / factorial(2*m.K-1)
}

// Dim returns 1.
func (m Monomial) Dim() int { return 1 }

// NumData returns 1.
func (m Monomial) NumData() int { return 1 }

// LossGrad returns V(w[0]) and, if grad != nil, sets grad[0] = V'(w[0]).
// batch must be nil or {0}.
func (m Monomial) LossGrad(grad, w []float64, batch []int) float64 {
	checkPotential(grad, w, batch)
	if grad != nil {
		grad[0] = m.Deriv(w[0])
	}
	return m.Value(w[0])
}

// PointLosses sets dst[0] = V(w[0]). idx must be nil or {0}.
func (m Monomial) PointLosses(dst, w []float64, idx []int) {
	checkPotential(nil, w, idx)
	checkLen(dst, 1, "potential: len(dst) != 1")
	dst[0] = m.Value(w[0])
}

// LearningCoefficient returns 1/(2K), the learning coefficient of V at 0.
func (m Monomial) LearningCoefficient() float64 { return 1 / float64(2*m.K) }

func checkPotential(grad, w []float64, batch []int) {
	checkLen(w, 1, "potential: len(w) != 1")
	if grad != nil {
		checkLen(grad, 1, "potential: len(grad) != 1")
	}
	if batch != nil && (len(batch) != 1 || batch[0] != 0) {
		panic("toy: potential batch must be nil or {0}")
	}
}

// factorial returns k! as a float64 (exact up to 22!).
func factorial(k int) float64 {
	f := 1.0
	for i := 2; i <= k; i++ {
		f *= float64(i)
	}
	return f
}
