// Copyright ©2026 The susclab Authors.

package toy

import (
	"errors"
	"math"
	"math/rand/v2"
)

// NormalCrossing is the singular regression model y = x·f(w) with
//
//	f(w) = Π_k w_k^{a_k}    (integer powers a_k >= 1, d = len(a) parameters)
//
// on scalar data (x_i, y_i) with per-sample loss
//
//	l_i(w) = (y_i - x_i f(w))²/2      ∇l_i(w) = -x_i (y_i - x_i f(w)) ∇f(w),
//	∂f/∂w_k = a_k w_k^{a_k-1} Π_{j≠k} w_j^{a_j}.
//
// L_n depends on w only through f and is quadratic in f:
//
//	L_n = c0 + c1 (f - f̂) + c2 (f - f̂)²/2,   ∂L_n/∂f = c1 + c2 (f - f̂),
//
// with c2 = Σx²/n, f̂ = Σxy/Σx², c0 = L_n at f = f̂ and c1 its f-derivative
// there (zero up to round-off), both computed by the explicit loop at
// construction. The full-batch LossGrad costs O(d²) in the powers (a few ns for d = 2).
//
// With pure-noise data (truth f = 0) the true parameter set is the union of
// the coordinate hyperplanes and the learning coefficient is 1/(2 max_k a_k)
// (docs/theory.md §7.3). A NormalCrossing is read-only and safe for concurrent use.
type NormalCrossing struct {
	pow        []int
	x, y       []float64
	c0, c1, c2 float64
	fhat       float64
}

// NewNormalCrossing returns the model with powers pow (all >= 1; copied) on
// the data x, y (equal lengths; copied).
func NewNormalCrossing(pow []int, x, y []float64) *NormalCrossing {
	if len(pow) == 0 || len(x) == 0 || len(x) != len(y) {
		panic("toy: bad NormalCrossing shape")
	}
	for _, a := range pow {
		if a < 1 {
			panic("toy: NormalCrossing powers must be >= 1")
		}
	}
	m := &NormalCrossing{pow: append([]int(nil), pow...), x: append([]float64(nil), x...), y: append([]float64(nil), y...)}
	var sxx, sxy float64
	for i, xi := range m.x {
		sxx += xi * xi
		sxy += xi * m.y[i]
	}
	n := float64(len(x))
	m.c2 = sxx / n
	m.fhat = sxy / sxx
	m.c0, m.c1 = m.loopF(m.fhat, nil)
	return m
}

// NormalCrossingData draws n samples x_i ~ N(0,1), y_i ~ N(0,1) (pure noise:
// truth f = 0, w = 0) from rng and returns the model with powers pow. If
// idealized, the sample is then passed through Idealize.
func NormalCrossingData(rng *rand.Rand, n int, pow []int, idealized bool) *NormalCrossing {
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
		y[i] = rng.NormFloat64()
	}
	m := NewNormalCrossing(pow, x, y)
	if idealized {
		m = m.Idealize()
	}
	return m
}

// Idealize returns a copy of the model whose data are rescaled so that
// Σx_i² = n exactly and y is orthogonalized against x (Σx_i y_i = 0):
// x ← x √(n/Σx²), y ← y - (Σxy/Σx²) x. Then L_n(w) = L_n(0) + f(w)²/2, the
// minimum is exactly at f = 0, and the data-fluctuation term of the LLC at w = 0 vanishes.
func (m *NormalCrossing) Idealize() *NormalCrossing {
	n := float64(len(m.x))
	var sxx float64
	for _, v := range m.x {
		sxx += v * v
	}
	s := math.Sqrt(n / sxx)
	x := make([]float64, len(m.x))
	for i, v := range m.x {
		x[i] = v * s
	}
	var xx, xy float64
	for i, v := range x {
		xx += v * v
		xy += v * m.y[i]
	}
	y := make([]float64, len(m.y))
	for i := range y {
		y[i] = m.y[i] - xy/xx*x[i]
	}
	return NewNormalCrossing(m.pow, x, y)
}

// Dim returns d = len(powers).
func (m *NormalCrossing) Dim() int { return len(m.pow) }

// NumData returns n.
func (m *NormalCrossing) NumData() int { return len(m.x) }

// Powers returns a copy of the powers a.
func (m *NormalCrossing) Powers() []int { return append([]int(nil), m.pow...) }

// Data returns the data x, y (views; do not modify).
func (m *NormalCrossing) Data() (x, y []float64) { return m.x, m.y }

// F returns f(w) = Π_k w_k^{a_k}.
func (m *NormalCrossing) F(w []float64) float64 {
	f := 1.0
	for k, a := range m.pow {
		f *= ipow(w[k], a)
	}
	return f
}

// LeastSquaresF returns f̂ = Σxy/Σx², the value of f minimizing L_n.
func (m *NormalCrossing) LeastSquaresF() float64 { return m.fhat }

// LearningCoefficient returns λ = 1/(2 max_k a_k), the learning coefficient
// at w = 0 for pure-noise truth (docs/theory.md §7.3).
func (m *NormalCrossing) LearningCoefficient() float64 {
	amax := 0
	for _, a := range m.pow {
		amax = max(amax, a)
	}
	return 1 / float64(2*amax)
}

// ncStack bounds the number of parameters handled with stack buffers.
const ncStack = 16

// gradF writes dL/df · ∂f/∂w into grad, ∂f/∂w_k = a_k w_k^{a_k-1} Π_{j≠k} w_j^{a_j},
// in O(d²) without scratch (used when d > ncStack).
func (m *NormalCrossing) gradF(grad, w []float64, dldf float64) {
	for k, a := range m.pow {
		g := dldf * float64(a) * ipow(w[k], a-1)
		for j, b := range m.pow {
			if j != k {
				g *= ipow(w[j], b)
			}
		}
		grad[k] = g
	}
}

// LossGrad returns the mean of l_i(w) = (y_i - x_i f(w))²/2 over batch (nil:
// all samples, via the quadratic in f) and, if grad != nil, overwrites grad
// with its gradient. It does not allocate.
func (m *NormalCrossing) LossGrad(grad, w []float64, batch []int) float64 {
	d := len(m.pow)
	checkLen(w, d, "NormalCrossing: len(w) != Dim")
	if grad != nil {
		checkLen(grad, d, "NormalCrossing: len(grad) != Dim")
	}
	if d > ncStack {
		f := m.F(w)
		loss, dldf := m.lossDeriv(f, batch)
		if grad != nil {
			m.gradF(grad, w, dldf)
		}
		return loss
	}
	if d == 2 { // the usual case, without scratch: f = p0 p1, ∂f/∂w_0 = a0 q0 p1, ∂f/∂w_1 = a1 q1 p0
		a0, a1 := m.pow[0], m.pow[1]
		q0, q1 := lowPow(w[0], a0-1), lowPow(w[1], a1-1)
		p0, p1 := q0*w[0], q1*w[1]
		loss, dldf := m.lossDeriv(p0*p1, batch)
		if grad != nil {
			grad[0] = dldf * float64(a0) * q0 * p1
			grad[1] = dldf * float64(a1) * q1 * p0
		}
		return loss
	}
	if d <= 4 { // a smaller stack buffer is cheaper to zero
		var p, q [4]float64
		return m.lossGradProducts(grad, w, batch, p[:d], q[:d])
	}
	var p, q [ncStack]float64
	return m.lossGradProducts(grad, w, batch, p[:d], q[:d])
}

// lossGradProducts is LossGrad with scratch p_k = w_k^{a_k}, q_k = a_k w_k^{a_k-1}.
func (m *NormalCrossing) lossGradProducts(grad, w []float64, batch []int, p, q []float64) float64 {
	d := len(p)
	f := 1.0
	for k, a := range m.pow[:d] {
		qk := lowPow(w[k], a-1)
		q[k] = float64(a) * qk
		p[k] = qk * w[k]
		f *= p[k]
	}
	loss, dldf := m.lossDeriv(f, batch)
	if grad != nil {
		// ∂f/∂w_k = q_k Π_{j≠k} p_j by prefix and suffix products (no division).
		pre := dldf
		for k := 0; k < d; k++ {
			grad[k] = pre * q[k]
			pre *= p[k]
		}
		suf := 1.0
		for k := d - 1; k >= 0; k-- {
			grad[k] *= suf
			suf *= p[k]
		}
	}
	return loss
}

// lossDeriv returns the mean loss and its derivative in f over batch (nil: all).
func (m *NormalCrossing) lossDeriv(f float64, batch []int) (loss, dldf float64) {
	if batch != nil {
		return m.loopF(f, batch)
	}
	df := f - m.fhat
	return m.c0 + m.c1*df + m.c2*df*df/2, m.c1 + m.c2*df // forward, backward
}

// loopF returns the mean loss and its f-derivative at f over batch (nil: all).
func (m *NormalCrossing) loopF(f float64, batch []int) (loss, dldf float64) {
	checkBatch(batch)
	nb := len(batch)
	if batch == nil {
		nb = len(m.x)
	}
	for b := 0; b < nb; b++ {
		i := b
		if batch != nil {
			i = batch[b]
		}
		r := m.y[i] - m.x[i]*f
		loss += r * r / 2  // forward: l = r²/2
		dldf -= m.x[i] * r // backward: ∂l/∂f = -x r
	}
	return loss / float64(nb), dldf / float64(nb)
}

// PointLosses writes l_i(w) = (y_i - x_i f(w))²/2 into dst for i in idx (nil:
// all samples in order). It does not allocate.
func (m *NormalCrossing) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, len(m.pow), "NormalCrossing: len(w) != Dim")
	if idx == nil {
		checkLen(dst, len(m.x), "NormalCrossing: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "NormalCrossing: len(dst) != len(idx)")
	}
	f := m.F(w)
	for b := range dst {
		i := b
		if idx != nil {
			i = idx[b]
		}
		r := m.y[i] - m.x[i]*f
		dst[b] = r * r / 2
	}
}

// lossF returns L_n as a function of f (full batch).
func (m *NormalCrossing) lossF(f float64) float64 {
	df := f - m.fhat
	return m.c0 + m.c1*df + m.c2*df*df/2
}

// LLC2D returns the exact finite-nβ value of the LLC estimand
//
//	λ(nβ) = nβ ( E[L_n(w)] - L_n(w0) ),   p(w) ∝ exp(-nβ L_n(w) - γ/2 ||w - w0||²)
//
// for a two-parameter model (Dim() == 2), by nested adaptive Gauss–Kronrod
// quadrature on the box |w_k - w0_k| <= √(2(45 + G)/γ), G = nβ(L_n(w0) - min L_n)
// (outside it the density is below e^-45 times its maximum),
// with panels graded geometrically towards w0, the axes and the minimizing
// curve f(w) = f̂ (where the posterior concentrates). rel is the requested
// relative accuracy (e.g. 1e-9; values below 1e-10 are raised to 1e-10, and the
// accuracy is relative to max(|λ|, 1)); w0 nil means w0 = 0. γ must be > 0 (the
// posterior of a normal crossing is not normalizable without localization).
// For large nβ, λ(nβ) → 1/(2 max a_k) with logarithmic corrections when the
// maximal power is repeated (e.g. (1,1)).
func (m *NormalCrossing) LLC2D(nbeta, gamma float64, w0 []float64, rel float64) (float64, error) {
	if len(m.pow) != 2 {
		return 0, errors.New("toy: LLC2D needs a two-parameter NormalCrossing")
	}
	if !(gamma > 0) {
		return 0, errors.New("toy: LLC2D needs gamma > 0")
	}
	if w0 == nil {
		w0 = []float64{0, 0}
	}
	// Below ~1e-10 the adaptive refinement chases round-off in the inner integrals.
	rel = math.Max(rel, 1e-10)
	l0 := m.lossF(m.F(w0))
	lmin := m.lossF(m.fhat) // c0 (c1 ≈ 0)
	if m.c1 != 0 {
		// Exact minimum of the quadratic in f.
		lmin = m.c0 - m.c1*m.c1/(2*m.c2)
	}
	// Shift the log density by its upper bound g = nβ(L_n(w0) - min L_n) >= 0,
	// so that every exponent is <= 0.
	g := nbeta * (l0 - lmin)
	if math.IsNaN(g) || math.IsInf(g, 0) {
		return 0, errors.New("toy: LLC2D: non-finite loss bound")
	}
	r := math.Sqrt(2 * (logCut + g) / gamma)
	minW := r * 1e-10
	a1, a2 := m.pow[0], m.pow[1]
	// Roots of p·w^a = q in w, where f̂ is attained: w^a = q/p.
	roots := func(q, p float64, a int) []float64 {
		if p == 0 {
			return nil
		}
		v := q / p
		switch {
		case a%2 == 1:
			return []float64{math.Copysign(math.Pow(math.Abs(v), 1/float64(a)), v)}
		case v > 0:
			s := math.Pow(v, 1/float64(a))
			return []float64{s, -s}
		}
		return nil
	}
	fstar := m.fhat - m.c1/m.c2
	inner := func(w1 float64) vec2 {
		p1 := ipow(w1, a1)
		d1 := w1 - w0[0]
		f := func(w2 float64) vec2 {
			dl := m.lossF(p1*ipow(w2, a2)) - l0
			d2 := w2 - w0[1]
			e := math.Exp(-nbeta*dl - g - gamma/2*(d1*d1+d2*d2))
			return vec2{e, e * nbeta * dl}
		}
		br := append([]float64{w0[1], 0}, roots(fstar, p1, a2)...)
		return integrateGraded(f, w0[1]-r, w0[1]+r, br, minW, rel/10)
	}
	// Outer break points: the centre, the axis, and where the minimizing
	// curve leaves the box on the other axis.
	br := []float64{w0[0], 0}
	br = append(br, roots(fstar, ipow(w0[1]+r, a2), a1)...)
	br = append(br, roots(fstar, ipow(w0[1]-r, a2), a1)...)
	res := integrateGraded(inner, w0[0]-r, w0[0]+r, br, minW, rel)
	return res[1] / res[0], nil
}

// lowPow is x^k, inlined for the common k = 0, 1.
func lowPow(x float64, k int) float64 {
	switch k {
	case 0:
		return 1
	case 1:
		return x
	}
	return ipow(x, k)
}
