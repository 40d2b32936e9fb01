// Copyright ©2026 The susclab Authors.

package toy

import "gonum.org/v1/gonum/mat"

// Quadratic is the quadratic function
//
//	q(w) = gᵀw + ½ wᵀAw,   ∇q(w) = g + Aw,
//
// on R^d, usable both as a function (Value) and as a model with one
// "sample" whose loss is q (NumData 1; a batch is nil or {0}, as for the
// one-sample potentials Polynomial and Monomial).
// With g = 0 and A = H positive definite it is the model L = ½ wᵀHw of the
// two-block test of the structural estimator (docs/theory.md §9.4, w* = 0), and
// with general g and A it is that section's perturbation X; the exact limit
// of the estimator is susc.QuadraticStructural. Read-only after
// construction, safe for concurrent use, allocation-free.
type Quadratic struct {
	d    int
	g, a []float64 // g (zero if nil at construction), A row-major d×d
}

// NewQuadratic returns q(w) = gᵀw + ½ wᵀAw; g nil means g = 0. The data are
// copied. It panics if len(g) is not the dimension of A.
func NewQuadratic(g []float64, a mat.Symmetric) *Quadratic {
	d := a.SymmetricDim()
	q := &Quadratic{d: d, g: make([]float64, d), a: make([]float64, d*d)}
	if g != nil {
		checkLen(g, d, "NewQuadratic: len(g) != dimension of A")
		copy(q.g, g)
	}
	for i := range d {
		for j := range d {
			q.a[i*d+j] = a.At(i, j)
		}
	}
	return q
}

// Dim returns d.
func (q *Quadratic) Dim() int { return q.d }

// NumData returns 1: the model has one "sample", whose loss is q.
func (q *Quadratic) NumData() int { return 1 }

// Value returns q(w).
func (q *Quadratic) Value(w []float64) float64 { return q.LossGrad(nil, w, nil) }

// LossGrad returns q(w) and, if grad != nil, overwrites grad with g + Aw.
// batch must be nil or {0} (there is one sample).
func (q *Quadratic) LossGrad(grad, w []float64, batch []int) float64 {
	if batch != nil && (len(batch) != 1 || batch[0] != 0) {
		panic("toy: Quadratic batch must be nil or {0}")
	}
	checkLen(w, q.d, "Quadratic: len(w) != Dim")
	if grad != nil {
		checkLen(grad, q.d, "Quadratic: len(grad) != Dim")
	}
	var l float64
	for i := range q.d {
		var aw float64 // (Aw)_i
		for j, v := range q.a[i*q.d : (i+1)*q.d] {
			aw += v * w[j]
		}
		l += q.g[i]*w[i] + 0.5*w[i]*aw
		if grad != nil {
			grad[i] = q.g[i] + aw
		}
	}
	return l
}

// PointLosses writes q(w) into dst for each index in idx (nil: the one
// sample); every index must be 0.
func (q *Quadratic) PointLosses(dst, w []float64, idx []int) {
	for _, i := range idx {
		if i != 0 {
			panic("toy: Quadratic.PointLosses: sample index out of range")
		}
	}
	n := len(idx)
	if idx == nil {
		n = 1
	}
	checkLen(dst, n, "Quadratic.PointLosses: len(dst) != len(idx)")
	l := q.Value(w)
	for k := range dst {
		dst[k] = l
	}
}
