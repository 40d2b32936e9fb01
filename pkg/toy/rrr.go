// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// ReducedRank is reduced-rank regression: a bias-free two-layer linear network
//
//	x ∈ R^m  →  W1 x ∈ R^h  →  M x = W2 W1 x ∈ R^o,   W1 h×m, W2 o×h,
//
// (docs/theory.md §7.3 writes (m, h, n) for (In, Hidden, Out)) with per-sample loss
//
//	l_i(w) = ||r_i||²/2,  r_i = y_i - W2 W1 x_i
//	∂l_i/∂W2 = -r_i (W1 x_i)ᵀ        ∂l_i/∂W1 = -(W2ᵀ r_i) x_iᵀ.
//
// Parameter layout: w = (vec W1, vec W2), each matrix row-major, so
// W1[k][b] = w[k*m + b] and W2[a][k] = w[h*m + a*h + k]; Dim() = h(m + o).
//
// The full-batch path uses the sufficient statistics Sxx = Σ x xᵀ,
// Syx = Σ y xᵀ and Syy = Σ ||y||²:
//
//	n L_n = Syy/2 - tr(Mᵀ Syx) + tr(M Sxx Mᵀ)/2,   G = ∂(n L_n)/∂M = M Sxx - Syx,
//	∂(n L_n)/∂W2 = G W1ᵀ,   ∂(n L_n)/∂W1 = W2ᵀ G,
//
// at cost O(o m (h + m)), independent of n. LossGrad and PointLosses use a
// stack buffer and do not allocate when In <= 256 and Hidden + Out <= 256
// (larger shapes allocate a scratch slice per call). A ReducedRank is
// read-only and safe for concurrent use.
type ReducedRank struct {
	n, m, h, o int
	x          []float64 // n×m row-major
	y          []float64 // n×o row-major
	sxx        []float64 // m×m
	syx        []float64 // o×m
	syy        float64
}

const rrrStack = 256

// rrrSmall bounds o·m for the full-batch path that keeps M and G on a small stack.
const rrrSmall = 64

// NewReducedRank returns the model with hidden width h for inputs x (n×m) and
// targets y (n×o), one sample per row. The data are copied.
func NewReducedRank(hidden int, x, y *mat.Dense) *ReducedRank {
	n, m := x.Dims()
	ny, o := y.Dims()
	if n != ny || n == 0 || hidden < 1 {
		panic("toy: bad ReducedRank shape")
	}
	r := &ReducedRank{n: n, m: m, h: hidden, o: o, x: make([]float64, n*m), y: make([]float64, n*o)}
	for i := 0; i < n; i++ {
		copy(r.x[i*m:(i+1)*m], x.RawRowView(i))
		copy(r.y[i*o:(i+1)*o], y.RawRowView(i))
	}
	r.sxx = make([]float64, m*m)
	r.syx = make([]float64, o*m)
	for i := 0; i < n; i++ {
		xi, yi := r.x[i*m:(i+1)*m], r.y[i*o:(i+1)*o]
		for b := 0; b < m; b++ {
			for c := 0; c < m; c++ {
				r.sxx[b*m+c] += xi[b] * xi[c]
			}
			for a := 0; a < o; a++ {
				r.syx[a*m+b] += yi[a] * xi[b]
			}
		}
		for _, v := range yi {
			r.syy += v * v
		}
	}
	return r
}

// ReducedRankData draws n samples x_i ~ N(0, I_in) and y_i = T x_i + ε_i,
// ε_i ~ N(0, I_out), from rng and returns the model with the given hidden
// width. teacher T (out×in) nil means T = 0: pure noise, the truth is the
// zero map (rank 0).
func ReducedRankData(rng *rand.Rand, n, in, hidden, out int, teacher *mat.Dense) *ReducedRank {
	x := mat.NewDense(n, in, nil)
	y := mat.NewDense(n, out, nil)
	for i := 0; i < n; i++ {
		for b := 0; b < in; b++ {
			x.Set(i, b, rng.NormFloat64())
		}
		for a := 0; a < out; a++ {
			v := rng.NormFloat64()
			if teacher != nil {
				for b := 0; b < in; b++ {
					v += teacher.At(a, b) * x.At(i, b)
				}
			}
			y.Set(i, a, v)
		}
	}
	return NewReducedRank(hidden, x, y)
}

// Dim returns h(m + o).
func (r *ReducedRank) Dim() int { return r.h * (r.m + r.o) }

// NumData returns n.
func (r *ReducedRank) NumData() int { return r.n }

// Shape returns (In, Hidden, Out) = (m, h, o).
func (r *ReducedRank) Shape() (in, hidden, out int) { return r.m, r.h, r.o }

// Weights returns W1 (h×m) and W2 (o×h) as views of w in the documented layout.
func (r *ReducedRank) Weights(w []float64) (w1, w2 *mat.Dense) {
	hm := r.h * r.m
	return mat.NewDense(r.h, r.m, w[:hm:hm]), mat.NewDense(r.o, r.h, w[hm:])
}

// LearningCoefficient returns the Aoyagi–Watanabe learning coefficient of
// reduced-rank regression at a rank-0 (pure-noise) truth, with (M, H, N) =
// (In, Hidden, Out) (docs/theory.md §7.3):
//
//	M+H < N: MH/2;   N+H < M: HN/2;   M+N < H: MN/2;
//	otherwise (2MN + 2HN + 2MH - N² - M² - H² + [M+H+N odd])/8.
func (r *ReducedRank) LearningCoefficient() float64 { return RRRLearningCoefficient(r.m, r.h, r.o) }

// RRRLearningCoefficient is ReducedRank.LearningCoefficient for shape (m, h, n).
func RRRLearningCoefficient(m, h, n int) float64 {
	switch {
	case m+h < n:
		return float64(m*h) / 2
	case n+h < m:
		return float64(h*n) / 2
	case m+n < h:
		return float64(m*n) / 2
	}
	v := 2*m*n + 2*h*n + 2*m*h - n*n - m*m - h*h
	if (m+h+n)%2 == 1 {
		v++
	}
	return float64(v) / 8
}

// LossGrad returns the mean of l_i(w) = ||y_i - W2 W1 x_i||²/2 over batch
// (nil: all samples, via sufficient statistics) and, if grad != nil,
// overwrites grad with its gradient in the layout of w.
func (r *ReducedRank) LossGrad(grad, w []float64, batch []int) float64 {
	checkLen(w, r.Dim(), "ReducedRank: len(w) != Dim")
	if grad != nil {
		checkLen(grad, r.Dim(), "ReducedRank: len(grad) != Dim")
		for k := range grad {
			grad[k] = 0
		}
	}
	if batch != nil {
		return r.loop(grad, w, batch)
	}
	m, h, o := r.m, r.h, r.o
	hm := h * m
	w1, w2 := w[:hm], w[hm:]
	if o*m <= rrrSmall {
		return r.fullSmall(grad, w1, w2)
	}
	var stack [rrrStack]float64
	var mrow []float64
	if m <= rrrStack {
		mrow = stack[:m]
	} else {
		mrow = make([]float64, m)
	}
	var g1, g2 []float64
	if grad != nil {
		g1, g2 = grad[:hm], grad[hm:]
	}
	loss := r.syy / 2
	for a := 0; a < o; a++ {
		// Row a of M = W2 W1.
		for b := 0; b < m; b++ {
			var s float64
			for k := 0; k < h; k++ {
				s += w2[a*h+k] * w1[k*m+b]
			}
			mrow[b] = s
		}
		for b := 0; b < m; b++ {
			var t float64 // (M Sxx)_ab
			for c := 0; c < m; c++ {
				t += mrow[c] * r.sxx[c*m+b]
			}
			loss += mrow[b] * (t/2 - r.syx[a*m+b]) // forward: -M_ab Syx_ab + M_ab (M Sxx)_ab/2
			if grad != nil {
				gab := t - r.syx[a*m+b] // backward: G = M Sxx - Syx
				for k := 0; k < h; k++ {
					g2[a*h+k] += gab * w1[k*m+b] // G W1ᵀ
					g1[k*m+b] += w2[a*h+k] * gab // W2ᵀ G
				}
			}
		}
	}
	inv := 1 / float64(r.n)
	if grad != nil {
		for k := range grad {
			grad[k] *= inv
		}
	}
	return loss * inv
}

// loop is the explicit per-sample evaluation; grad (if any) is already zeroed.
func (r *ReducedRank) loop(grad, w []float64, batch []int) float64 {
	checkBatch(batch)
	m, h, o := r.m, r.h, r.o
	hm := h * m
	w1, w2 := w[:hm], w[hm:]
	var stack [rrrStack]float64
	var buf []float64
	if h+o <= rrrStack {
		buf = stack[:h+o]
	} else {
		buf = make([]float64, h+o)
	}
	z, res := buf[:h], buf[h:]
	nb := len(batch)
	if batch == nil {
		nb = r.n
	}
	var loss float64
	for bi := 0; bi < nb; bi++ {
		i := bi
		if batch != nil {
			i = batch[bi]
		}
		loss += r.residual(z, res, w1, w2, i) // forward: z = W1 x, res = y - W2 z, l = ||res||²/2
		if grad != nil {
			xi := r.x[i*m : (i+1)*m]
			g1, g2 := grad[:hm], grad[hm:]
			for k := 0; k < h; k++ {
				var u float64 // (W2ᵀ res)_k
				for a := 0; a < o; a++ {
					u += w2[a*h+k] * res[a]
					g2[a*h+k] -= res[a] * z[k] // backward: -res zᵀ
				}
				for b := 0; b < m; b++ {
					g1[k*m+b] -= u * xi[b] // backward: -(W2ᵀ res) xᵀ
				}
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

// residual sets z = W1 x_i and res = y_i - W2 z and returns ||res||²/2.
func (r *ReducedRank) residual(z, res, w1, w2 []float64, i int) float64 {
	m, h, o := r.m, r.h, r.o
	xi := r.x[i*m : (i+1)*m]
	for k := 0; k < h; k++ {
		var s float64
		for b := 0; b < m; b++ {
			s += w1[k*m+b] * xi[b]
		}
		z[k] = s
	}
	var l float64
	for a := 0; a < o; a++ {
		s := r.y[i*o+a]
		for k := 0; k < h; k++ {
			s -= w2[a*h+k] * z[k]
		}
		res[a] = s
		l += s * s
	}
	return l / 2
}

// PointLosses writes l_i(w) = ||y_i - W2 W1 x_i||²/2 into dst for i in idx
// (nil: all samples in order).
func (r *ReducedRank) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, r.Dim(), "ReducedRank: len(w) != Dim")
	if idx == nil {
		checkLen(dst, r.n, "ReducedRank: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "ReducedRank: len(dst) != len(idx)")
	}
	h, o := r.h, r.o
	hm := h * r.m
	var stack [rrrStack]float64
	var buf []float64
	if h+o <= rrrStack {
		buf = stack[:h+o]
	} else {
		buf = make([]float64, h+o)
	}
	for b := range dst {
		i := b
		if idx != nil {
			i = idx[b]
		}
		dst[b] = r.residual(buf[:h], buf[h:], w[:hm], w[hm:], i)
	}
}

// Train runs full-batch gradient descent with learning rate lr for steps
// steps from a small random initialization (entries N(0, 0.1²) drawn from
// rng) and returns the final parameters w*. For pure-noise data w* is small
// (the best rank-h fit to noise, O(1/√n)).
func (r *ReducedRank) Train(rng *rand.Rand, steps int, lr float64) []float64 {
	w, _ := Minimize(r, RandomInit(rng, r.Dim(), 0.1), Optimizer{Steps: steps, LR: lr})
	return w
}

// fullSmall is the full-batch path for o·m <= rrrSmall: M = W2 W1, P = M Sxx,
// G = P - Syx held in small stack arrays (cheap to zero), then
// n L_n = Syy/2 + Σ M ⊙ (P/2 - Syx), ∂/∂W2 = G W1ᵀ, ∂/∂W1 = W2ᵀ G.
// Products are written as row updates (axpy) so that consecutive
// multiply-adds are independent. grad, if not nil, has been zeroed.
func (r *ReducedRank) fullSmall(grad, w1, w2 []float64) float64 {
	m, h, o := r.m, r.h, r.o
	var mBuf, pBuf [rrrSmall]float64
	M, P := mBuf[:o*m], pBuf[:o*m]
	for a := 0; a < o; a++ {
		row := M[a*m : a*m+m]
		for k, v := range w2[a*h : a*h+h] {
			for b, u := range w1[k*m : k*m+m] {
				row[b] += v * u
			}
		}
		prow := P[a*m : a*m+m]
		for c, v := range row {
			for b, s := range r.sxx[c*m : c*m+m] {
				prow[b] += v * s
			}
		}
	}
	syx := r.syx[:o*m]
	loss := r.syy / 2
	for i, v := range M {
		loss += v * (P[i]/2 - syx[i])
		P[i] -= syx[i] // P now holds G = M Sxx - Syx
	}
	inv := 1 / float64(r.n)
	if grad != nil {
		hm := h * m
		g1, g2 := grad[:hm], grad[hm:]
		for a := 0; a < o; a++ {
			grow := P[a*m : a*m+m]
			for k := 0; k < h; k++ {
				v := w2[a*h+k] * inv
				w1row := w1[k*m : k*m+m]
				g1row := g1[k*m : k*m+m]
				var s float64
				for b, gab := range grow {
					s += gab * w1row[b]
					g1row[b] += v * gab
				}
				g2[a*h+k] = s * inv
			}
		}
	}
	return loss * inv
}

// Idealize returns a copy of the model whose data are transformed so that
// Sxx = Σ x xᵀ = n I exactly (x whitened) and Syx = Σ y xᵀ = 0 (y replaced by
// its residual after least squares on x). Then
//
//	L_n(w) = L_n(0) + ||W2 W1||_F²/2,
//
// the minimum is exactly at the zero map, and the data-fluctuation term of
// the LLC at w = 0 vanishes: the estimand depends only on nβ and γ.
// It needs n > In and a full-rank x.
func (r *ReducedRank) Idealize() *ReducedRank {
	xw, y := whitenResidualize(r.n, r.m, r.o, r.x, r.y)
	return NewReducedRank(r.h, xw, y)
}

// whitenResidualize returns x whitened (n×in, Σ x xᵀ = n I exactly) and y
// replaced by its residual after least squares on x (n×out, Σ y xᵀ = 0),
// from row-major x (n×in) and y (n×out), which it does not modify. It
// panics (with the messages of Idealize) unless n > in and x has full rank.
func whitenResidualize(n, m, o int, xs, ys []float64) (xw, y *mat.Dense) {
	if n <= m {
		panic("toy: Idealize needs more samples than inputs")
	}
	x := mat.NewDense(n, m, append([]float64(nil), xs...))
	y = mat.NewDense(n, o, append([]float64(nil), ys...))
	// Whiten: x ← x L⁻ᵀ √n with Sxx = L Lᵀ.
	var sxx mat.SymDense
	sxx.SymOuterK(1, x.T())
	var chol mat.Cholesky
	if !chol.Factorize(&sxx) {
		panic("toy: Idealize: inputs are rank deficient")
	}
	var l mat.TriDense
	chol.LTo(&l)
	var xt mat.Dense // solve L z = xᵀ, z = L⁻¹ xᵀ
	if err := xt.Solve(&l, x.T()); err != nil {
		panic("toy: Idealize: " + err.Error())
	}
	xt.Scale(math.Sqrt(float64(n)), &xt)
	xw = mat.DenseCopyOf(xt.T())
	// Residualize: y ← y - x (xᵀx)⁻¹ xᵀ y = y - x xᵀ y / n for whitened x.
	var xty, proj mat.Dense
	xty.Mul(xw.T(), y)
	proj.Mul(xw, &xty)
	proj.Scale(1/float64(n), &proj)
	y.Sub(y, &proj)
	return xw, y
}
