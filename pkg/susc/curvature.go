package susc

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Curvatures returns the eigenvalues, in increasing order, of the Hessian H
// of the empirical loss L_n at w: the data's curvatures. The posterior's
// potential U = nβ L_n + (γ/2)||w - w*||² has curvatures nβλ + γ near w*, so
// comparing nβλ with γ says in how many directions the data, rather than the
// localizing prior, set the posterior's width (THEORY.md §1, §7).
//
// H is computed by central differences of the full-batch gradient,
//
//	H_ij ≈ (∂_i L(w + h e_j) - ∂_i L(w - h e_j)) / 2h,   h = 1e-5 · max(1, |w_j|),
//
// then symmetrized; the error is O(h²) times the third derivatives for a
// smooth loss (a kink within h of w, as in a ReLU network, gives a
// one-sided average instead). It costs 2·Dim() gradient evaluations and
// calls m from this goroutine only. It panics if len(w) != Dim() or the
// eigendecomposition fails (a non-finite gradient).
func Curvatures(m Model, w []float64) []float64 {
	d := m.Dim()
	if len(w) != d {
		panic("susc: Curvatures: len(w) != Dim")
	}
	x := append([]float64(nil), w...)
	gp, gm := make([]float64, d), make([]float64, d)
	h := mat.NewDense(d, d, nil)
	for j := range d {
		step := 1e-5 * math.Max(1, math.Abs(w[j]))
		x[j] = w[j] + step
		m.LossGrad(gp, x, nil)
		x[j] = w[j] - step
		m.LossGrad(gm, x, nil)
		x[j] = w[j]
		for i := range d {
			h.Set(i, j, (gp[i]-gm[i])/(2*step))
		}
	}
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		panic("susc: Curvatures: eigendecomposition failed")
	}
	return eig.Values(nil)
}
