package susc

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Hessian returns the Hessian H of the empirical loss L_n at w, computed by
// central differences of the full-batch gradient,
//
//	H_ij ≈ (∂_i L(w + h e_j) - ∂_i L(w - h e_j)) / 2h,   h = 1e-5 · max(1, |w_j|),
//
// then symmetrized. The error is O(h²) times the third derivatives for a
// smooth loss (exact up to rounding for a quadratic one); a kink within h of
// w, as in a ReLU network, gives a one-sided average instead. It costs
// 2·Dim() gradient evaluations and calls m from this goroutine only.
//
// The result is stored in dst and returned. If dst is nil a new matrix is
// allocated; if dst is empty it is resized to Dim() × Dim(); otherwise it
// must be Dim() × Dim(). Hessian panics if it is not, if len(w) != Dim(), if
// a gradient is not finite (the message names the step w ± h e_j), or if a
// difference quotient overflows.
func Hessian(dst *mat.SymDense, m Model, w []float64) *mat.SymDense {
	return hessian(dst, m, w, "Hessian")
}

// hessian is Hessian, with panics prefixed by the caller's name fn.
func hessian(dst *mat.SymDense, m Model, w []float64, fn string) *mat.SymDense {
	d := m.Dim()
	if len(w) != d {
		panic(fmt.Sprintf("susc: %s: len(w) = %d, Dim = %d", fn, len(w), d))
	}
	switch {
	case dst == nil:
		dst = mat.NewSymDense(d, nil)
	case dst.IsEmpty():
		dst.ReuseAsSym(d)
	case dst.SymmetricDim() != d:
		panic(fmt.Sprintf("susc: %s: dst is %d×%d, want %d×%d", fn, dst.SymmetricDim(), dst.SymmetricDim(), d, d))
	}
	x := append([]float64(nil), w...)
	gp, gm := make([]float64, d), make([]float64, d)
	grad := func(g []float64, j int, sign byte, step float64) {
		m.LossGrad(g, x, nil)
		for _, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				panic(fmt.Sprintf("susc: %s: non-finite gradient at w %c h e_%d (h = %g)", fn, sign, j, step))
			}
		}
	}
	// Column j of the difference quotient gives entry (i, j) for i < j its
	// second half (the first came from column i) and entry (j, i) for i > j
	// its first half, so every entry is set before it is added to.
	for j := range d {
		step := 1e-5 * math.Max(1, math.Abs(w[j]))
		x[j] = w[j] + step
		grad(gp, j, '+', step)
		x[j] = w[j] - step
		grad(gm, j, '-', step)
		x[j] = w[j]
		for i := range d {
			c := (gp[i] - gm[i]) / (2 * step)
			if math.IsInf(c, 0) {
				panic(fmt.Sprintf("susc: %s: difference quotient (%d, %d) overflows", fn, i, j))
			}
			switch {
			case i < j:
				dst.SetSym(i, j, dst.At(i, j)+c/2)
			case i == j:
				dst.SetSym(j, j, c)
			default:
				dst.SetSym(j, i, c/2)
			}
		}
	}
	return dst
}

// Curvatures returns the eigenvalues, in increasing order, of the Hessian H
// of the empirical loss L_n at w: the data's curvatures. The posterior's
// potential U = nβ L_n + (γ/2)||w - w*||² has curvatures nβλ + γ near w*, so
// comparing nβλ with γ says in how many directions the data, rather than the
// localizing prior, set the posterior's width (docs/theory.md §1.2, §2.7).
//
// H is the finite-difference Hessian of Hessian (its cost and accuracy).
// Curvatures panics if len(w) != Dim(), if a gradient is not finite (the
// message names the step w ± h e_j), if a difference quotient overflows, or
// if the eigendecomposition fails.
func Curvatures(m Model, w []float64) []float64 {
	h := hessian(nil, m, w, "Curvatures")
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		panic("susc: Curvatures: eigendecomposition failed")
	}
	return eig.Values(nil)
}
