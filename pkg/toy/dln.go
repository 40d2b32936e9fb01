// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// LinearTeacher is the data distribution of a deep linear network: targets
//
//	y = T x + σ ε,   T = U diag(s) Vᵀ = Σ_k s_k u_k v_kᵀ,   ε ~ N(0, I_out),
//
// with r = len(S) known singular modes (u_k, s_k, v_k). Its patterns are the
// modes: pattern k draws inputs x = v_k z, z ~ N(0, 1), along one input
// singular direction; the base distribution draws x ~ N(0, I_in). See
// GenerateDeepLinear.
type LinearTeacher struct {
	In, Out int
	S       []float64  // singular values s_k, k = 0..r-1 (any order, >= 0)
	U       *mat.Dense // Out×r, orthonormal columns u_k
	V       *mat.Dense // In×r, orthonormal columns v_k
	Noise   float64    // σ, the standard deviation of the target noise
}

// NewLinearTeacher returns a teacher with singular values s (r = len(s) <=
// min(in, out)) and Haar-random orthonormal U, V drawn from rng, with target
// noise σ = noise.
func NewLinearTeacher(rng *rand.Rand, in, out int, s []float64, noise float64) *LinearTeacher {
	needRand(rng)
	r := len(s)
	if r < 1 || r > in || r > out || noise < 0 {
		panic("toy: NewLinearTeacher needs 1 <= len(s) <= min(in, out) and noise >= 0")
	}
	for _, v := range s {
		if !(v >= 0) {
			panic("toy: NewLinearTeacher: negative singular value")
		}
	}
	return &LinearTeacher{In: in, Out: out, S: append([]float64(nil), s...),
		U: randomOrthonormal(rng, out, r), V: randomOrthonormal(rng, in, r), Noise: noise}
}

// randomOrthonormal returns an n×r matrix with Haar-random orthonormal
// columns: modified Gram–Schmidt on a Gaussian matrix (equivalently QR with
// a positive diagonal of R).
func randomOrthonormal(rng *rand.Rand, n, r int) *mat.Dense {
	q := mat.NewDense(n, r, nil)
	col := make([]float64, n)
	for k := 0; k < r; k++ {
		for {
			for i := range col {
				col[i] = rng.NormFloat64()
			}
			for j := 0; j < k; j++ {
				var d float64
				for i := range col {
					d += q.At(i, j) * col[i]
				}
				for i := range col {
					col[i] -= d * q.At(i, j)
				}
			}
			var nrm float64
			for _, v := range col {
				nrm += v * v
			}
			if nrm = math.Sqrt(nrm); nrm > 1e-8 {
				for i, v := range col {
					q.Set(i, k, v/nrm)
				}
				break
			}
		}
	}
	return q
}

// Patterns returns the number of patterns r = len(S).
func (t *LinearTeacher) Patterns() int { return len(t.S) }

// Map returns the teacher's map T = U diag(s) Vᵀ (Out×In).
func (t *LinearTeacher) Map() *mat.Dense {
	us := mat.DenseCopyOf(t.U)
	for k, s := range t.S {
		for i := 0; i < t.Out; i++ {
			us.Set(i, k, us.At(i, k)*s)
		}
	}
	var m mat.Dense
	m.Mul(us, t.V.T())
	return &m
}

// GenerateDeepLinear draws n independent samples (x_i, y_i = T x_i + σ ε_i)
// from the teacher with inputs from the mixture q_π = Σ_k π_k q_k + π_r q
// over the r mode patterns and the base (see PatternWeights; nil is the base
// distribution): pattern k draws x = v_k z, z ~ N(0, 1), the base x ~ N(0, I).
// It returns x (n×In), y (n×Out) and each sample's component (k < r:
// pattern k, r: base).
func GenerateDeepLinear(rng *rand.Rand, n int, t *LinearTeacher, pi []float64) (x, y *mat.Dense, pattern []int) {
	needRand(rng)
	if n < 1 {
		panic("toy: GenerateDeepLinear needs n >= 1")
	}
	r := len(t.S)
	cdf := mixtureCDF(pi, r)
	tm := t.Map()
	x, y = mat.NewDense(n, t.In, nil), mat.NewDense(n, t.Out, nil)
	pattern = make([]int, n)
	for i := 0; i < n; i++ {
		c := drawComponent(rng, cdf)
		pattern[i] = c
		xi, yi := x.RawRowView(i), y.RawRowView(i)
		if c < r {
			z := rng.NormFloat64()
			for b := range xi {
				xi[b] = t.V.At(b, c) * z
			}
		} else {
			for b := range xi {
				xi[b] = rng.NormFloat64()
			}
		}
		for a := range yi {
			v := t.Noise * rng.NormFloat64()
			for b, xb := range xi {
				v += tm.At(a, b) * xb
			}
			yi[a] = v
		}
	}
	return x, y, pattern
}

// DeepLinear is a bias-free deep linear network with L >= 2 layers of
// widths (d_0 = in, d_1, ..., d_L = out):
//
//	f(x) = W_{L-1} ⋯ W_1 W_0 x = M x,   W_l is d_{l+1}×d_l,
//	l_i(w) = ||y_i - M x_i||²/2.
//
// Layers are numbered from 0 (the first, reading x) to L-1 (the last,
// writing y); hidden layer l = 0..L-2 is the output of W_l, the input of
// W_{l+1}. Parameter layout: w = (vec W_0, ..., vec W_{L-1}), each matrix
// row-major, so (W_l)_ab = w[LayerOffset(l) + a*d_l + b]; Dim() = Σ d_{l+1} d_l.
//
// Backward pass (docs/theory.md §1.1 per-sample loss, mean over the batch): with the
// prefix products P_0 = I, P_{l+1} = W_l P_l (so M = P_L) and the gradient
// G = ∂L/∂M, the chain rule through M = W_{L-1} ⋯ W_0 gives
//
//	E_{L-1} = G,   ∂L/∂W_l = E_l P_lᵀ,   E_{l-1} = W_lᵀ E_l.
//
// The full batch uses the sufficient statistics Sxx = Σ x xᵀ, Syx = Σ y xᵀ,
// Syy = Σ ||y||²: n L_n = Syy/2 - <M, Syx> + <M, M Sxx>/2, n G = M Sxx - Syx,
// at a cost independent of n; a minibatch computes G = -(1/|B|) Σ r_i x_iᵀ
// from the residuals r_i = y_i - M x_i.
//
// Components (docs/theory.md §5.1): LayerMask(l) (all of W_l) and HiddenUnitMask(l, j)
// (unit j of hidden layer l: row j of W_l and column j of W_{l+1}).
// Observable: ModeStrengths, u_kᵀ M v_k per teacher mode.
//
// A DeepLinear holds scratch memory: it is NOT safe for concurrent use.
// Replicate returns an independent copy (shared read-only data, own scratch)
// for another goroutine; the sampler calls it once per chain. LossGrad and
// PointLosses do not allocate.
type DeepLinear struct {
	widths []int
	off    []int // parameter offset of each layer, len L+1
	n      int
	x, y   []float64 // n×in, n×out
	sxx    []float64 // in×in
	syx    []float64 // out×in
	syy    float64

	prod []float64 // scratch: P_2..P_L stacked (P_l is d_l×in)
	poff []int     // offset of P_l in prod (P_0 = I and P_1 = W_0 are not stored)
	g    []float64 // scratch out×in: G
	e    []float64 // scratch maxw×in ×2: ping-pong E
	res  []float64 // scratch out: a residual
}

// NewDeepLinear returns the network with the given widths (in, d_1, ...,
// d_{L-1}, out), L >= 2, on inputs x (n×in) and targets y (n×out), one
// sample per row. The data are copied.
func NewDeepLinear(widths []int, x, y *mat.Dense) *DeepLinear {
	if len(widths) < 3 {
		panic("toy: DeepLinear needs at least two layers (three widths)")
	}
	for _, v := range widths {
		if v < 1 {
			panic("toy: DeepLinear widths must be >= 1")
		}
	}
	n, in := x.Dims()
	ny, out := y.Dims()
	L := len(widths) - 1
	if n != ny || n == 0 || in != widths[0] || out != widths[L] {
		panic("toy: NewDeepLinear: x must be n×in and y n×out")
	}
	d := &DeepLinear{widths: append([]int(nil), widths...), n: n, x: make([]float64, n*in), y: make([]float64, n*out)}
	d.off = make([]int, L+1)
	for l := 0; l < L; l++ {
		d.off[l+1] = d.off[l] + widths[l+1]*widths[l]
	}
	for i := 0; i < n; i++ {
		copy(d.x[i*in:(i+1)*in], x.RawRowView(i))
		copy(d.y[i*out:(i+1)*out], y.RawRowView(i))
	}
	d.sxx = make([]float64, in*in)
	d.syx = make([]float64, out*in)
	// Sxx = Xᵀ X, Syx = Yᵀ X.
	serialGemm(true, false, in, in, n, 1, d.x, in, d.x, in, 0, d.sxx, in)
	serialGemm(true, false, out, in, n, 1, d.y, out, d.x, in, 0, d.syx, in)
	for _, v := range d.y {
		d.syy += v * v
	}
	d.alloc()
	return d
}

func (d *DeepLinear) alloc() {
	L, in := len(d.widths)-1, d.widths[0]
	d.poff = make([]int, L+1)
	size, maxw := 0, 0
	for l := 2; l <= L; l++ {
		d.poff[l] = size
		size += d.widths[l] * in
	}
	for _, v := range d.widths {
		maxw = max(maxw, v)
	}
	d.prod = make([]float64, size)
	d.g = make([]float64, d.widths[L]*in)
	d.e = make([]float64, 2*maxw*in)
	d.res = make([]float64, d.widths[L])
}

// Replicate returns a copy that shares the read-only data and owns its
// scratch memory, for use by another goroutine.
func (d *DeepLinear) Replicate() *DeepLinear {
	c := *d
	c.alloc()
	return &c
}

// Dim returns Σ_l d_{l+1} d_l.
func (d *DeepLinear) Dim() int { return d.off[len(d.off)-1] }

// NumData returns n.
func (d *DeepLinear) NumData() int { return d.n }

// Widths returns a copy of (in, d_1, ..., out).
func (d *DeepLinear) Widths() []int { return append([]int(nil), d.widths...) }

// Layers returns the number of layers L.
func (d *DeepLinear) Layers() int { return len(d.widths) - 1 }

// LayerOffset returns the index in w of the first entry of W_l; l = L gives Dim().
func (d *DeepLinear) LayerOffset(l int) int { return d.off[l] }

// Weights returns W_0, ..., W_{L-1} as views of w in the documented layout.
func (d *DeepLinear) Weights(w []float64) []*mat.Dense {
	checkLen(w, d.Dim(), "DeepLinear: len(w) != Dim")
	ws := make([]*mat.Dense, d.Layers())
	for l := range ws {
		ws[l] = mat.NewDense(d.widths[l+1], d.widths[l], w[d.off[l]:d.off[l+1]:d.off[l+1]])
	}
	return ws
}

// EndToEnd returns the network's map M = W_{L-1} ⋯ W_0 (out×in).
func (d *DeepLinear) EndToEnd(w []float64) *mat.Dense {
	checkLen(w, d.Dim(), "DeepLinear: len(w) != Dim")
	in, out := d.widths[0], d.widths[len(d.widths)-1]
	return mat.NewDense(out, in, append([]float64(nil), d.forward(w)...))
}

// LayerMask returns the mask of component "layer l": all entries of W_l.
func (d *DeepLinear) LayerMask(l int) []bool {
	if l < 0 || l >= d.Layers() {
		panic("toy: DeepLinear.LayerMask: layer out of range")
	}
	mask := make([]bool, d.Dim())
	for k := d.off[l]; k < d.off[l+1]; k++ {
		mask[k] = true
	}
	return mask
}

// HiddenUnitMask returns the mask of component "unit j of hidden layer l"
// (l = 0..L-2, j < d_{l+1}): its incoming weights, row j of W_l, and its
// outgoing weights, column j of W_{l+1}.
func (d *DeepLinear) HiddenUnitMask(l, j int) []bool {
	if l < 0 || l >= d.Layers()-1 || j < 0 || j >= d.widths[l+1] {
		panic("toy: DeepLinear.HiddenUnitMask: unit out of range")
	}
	mask := make([]bool, d.Dim())
	din, dout := d.widths[l], d.widths[l+2]
	h := d.widths[l+1]
	for b := 0; b < din; b++ {
		mask[d.off[l]+j*din+b] = true
	}
	for a := 0; a < dout; a++ {
		mask[d.off[l+1]+a*h+j] = true
	}
	return mask
}

// dlnStack bounds 2·max width for the allocation-free ModeStrengths.
const dlnStack = 512

// ModeStrengths writes u_kᵀ M v_k = u_kᵀ W_{L-1} ⋯ W_0 v_k, how strongly the
// network has learned teacher mode k (s_k when learned exactly, 0 when not),
// for k = 0..r-1 into dst (nil: allocate) and returns it. It reads only w
// and the teacher: safe for concurrent use, and allocation-free when
// dst != nil and every width is at most 256.
func (d *DeepLinear) ModeStrengths(dst, w []float64, t *LinearTeacher) []float64 {
	checkLen(w, d.Dim(), "DeepLinear: len(w) != Dim")
	L := d.Layers()
	if t.In != d.widths[0] || t.Out != d.widths[L] {
		panic("toy: DeepLinear.ModeStrengths: teacher shape does not match")
	}
	r := len(t.S)
	if dst == nil {
		dst = make([]float64, r)
	}
	checkLen(dst, r, "DeepLinear.ModeStrengths: len(dst) != len(t.S)")
	maxw := 0
	for _, v := range d.widths {
		maxw = max(maxw, v)
	}
	var stack [dlnStack]float64
	var buf []float64
	if 2*maxw <= dlnStack {
		buf = stack[:2*maxw]
	} else {
		buf = make([]float64, 2*maxw)
	}
	a, b := buf[:maxw], buf[maxw:]
	for k := 0; k < r; k++ {
		for i := 0; i < t.In; i++ {
			a[i] = t.V.At(i, k)
		}
		for l := 0; l < L; l++ {
			din, dout := d.widths[l], d.widths[l+1]
			wl := w[d.off[l]:d.off[l+1]]
			for p := 0; p < dout; p++ {
				var s float64
				for q, v := range wl[p*din : (p+1)*din] {
					s += v * a[q]
				}
				b[p] = s
			}
			a, b = b, a
		}
		var s float64
		for i := 0; i < t.Out; i++ {
			s += t.U.At(i, k) * a[i]
		}
		dst[k] = s
	}
	return dst
}

// LearnedModes returns how many of the teacher's modes the network at w has
// learned: the number of k with mode strength u_kᵀ M v_k above s_k/2
// (ModeStrengths). From a small initialization a deep linear network learns
// the modes one at a time, so this is the rank learned so far.
func (d *DeepLinear) LearnedModes(w []float64, t *LinearTeacher) int {
	n := 0
	var buf [dlnStack]float64
	var dst []float64
	if len(t.S) <= dlnStack {
		dst = buf[:len(t.S)]
	}
	for k, v := range d.ModeStrengths(dst, w, t) {
		if v > t.S[k]/2 {
			n++
		}
	}
	return n
}

// forward computes the prefix products into the scratch and returns M = P_L.
func (d *DeepLinear) forward(w []float64) []float64 {
	L, in := d.Layers(), d.widths[0]
	p := w[d.off[0]:d.off[1]] // P_1 = W_0
	for l := 1; l < L; l++ {
		dout, din := d.widths[l+1], d.widths[l]
		next := d.prod[d.poff[l+1] : d.poff[l+1]+dout*in]
		serialGemm(false, false, dout, in, din, 1, w[d.off[l]:d.off[l+1]], din, p, in, 0, next, in)
		p = next
	}
	return p
}

// prefix returns P_l (d_l×in) for l >= 1 after forward.
func (d *DeepLinear) prefix(w []float64, l int) []float64 {
	if l == 1 {
		return w[d.off[0]:d.off[1]]
	}
	return d.prod[d.poff[l] : d.poff[l]+d.widths[l]*d.widths[0]]
}

// LossGrad returns the mean of l_i(w) = ||y_i - M x_i||²/2 over batch (nil:
// all samples, via sufficient statistics) and, if grad != nil, overwrites
// grad with its gradient in the layout of w.
func (d *DeepLinear) LossGrad(grad, w []float64, batch []int) float64 {
	checkLen(w, d.Dim(), "DeepLinear: len(w) != Dim")
	checkBatch(batch)
	if grad != nil {
		checkLen(grad, d.Dim(), "DeepLinear: len(grad) != Dim")
	}
	L := d.Layers()
	in, out := d.widths[0], d.widths[L]
	M := d.forward(w)
	G := d.g
	var loss, inv float64
	if batch == nil {
		// forward: Q = M Sxx (into G), n L_n = Syy/2 - <M, Syx> + <M, Q>/2;
		// backward: n G = Q - Syx.
		serialGemm(false, false, out, in, in, 1, M, in, d.sxx, in, 0, G, in)
		loss = d.syy / 2
		for k, m := range M {
			loss += m * (G[k]/2 - d.syx[k])
			G[k] -= d.syx[k]
		}
		inv = 1 / float64(d.n)
	} else {
		clear(G)
		res := d.res
		for _, i := range batch {
			xi, yi := d.x[i*in:(i+1)*in], d.y[i*out:(i+1)*out]
			for a := range res {
				s := yi[a]
				for b, v := range M[a*in : (a+1)*in] {
					s -= v * xi[b]
				}
				res[a] = s // forward: r = y - M x
				loss += s * s / 2
				grow := G[a*in : (a+1)*in]
				for b, v := range xi {
					grow[b] -= s * v // backward: G = -Σ r xᵀ
				}
			}
		}
		inv = 1 / float64(len(batch))
	}
	if grad == nil {
		return loss * inv
	}
	// backward through the chain: E_{L-1} = G/nb, ∂W_l = E_l P_lᵀ, E_{l-1} = W_lᵀ E_l.
	for k := range G {
		G[k] *= inv
	}
	E := G
	half := len(d.e) / 2
	buf := [2][]float64{d.e[:half], d.e[half:]}
	for l := L - 1; l >= 0; l-- {
		dout, din := d.widths[l+1], d.widths[l]
		gl := grad[d.off[l]:d.off[l+1]]
		if l == 0 {
			copy(gl, E[:dout*in]) // P_0 = I
			break
		}
		serialGemm(false, true, dout, din, in, 1, E, in, d.prefix(w, l), in, 0, gl, din)
		next := buf[l%2][:din*in]
		serialGemm(true, false, din, in, dout, 1, w[d.off[l]:d.off[l+1]], din, E, in, 0, next, in)
		E = next
	}
	return loss * inv
}

// PointLosses writes l_i(w) = ||y_i - M x_i||²/2 into dst for i in idx
// (nil: all samples in order).
func (d *DeepLinear) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, d.Dim(), "DeepLinear: len(w) != Dim")
	if idx == nil {
		checkLen(dst, d.n, "DeepLinear: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "DeepLinear: len(dst) != len(idx)")
	}
	L := d.Layers()
	in, out := d.widths[0], d.widths[L]
	M := d.forward(w)
	for p := range dst {
		i := p
		if idx != nil {
			i = idx[p]
		}
		xi, yi := d.x[i*in:(i+1)*in], d.y[i*out:(i+1)*out]
		var l float64
		for a := 0; a < out; a++ {
			s := yi[a]
			for b, v := range M[a*in : (a+1)*in] {
				s -= v * xi[b]
			}
			l += s * s
		}
		dst[p] = l / 2
	}
}

// serialGemm computes C = alpha op(A) op(B) + beta C for row-major slices (op(A)
// m×k, op(B) k×n) with gonum's serial Dgemm: large products are tiled so
// that Dgemm never starts goroutines (which would allocate, and the sampler
// already runs one chain per core).
func serialGemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if tA {
		ta = blas.Trans
	}
	if tB {
		tb = blas.Trans
	}
	if m*n*k <= smallGemm && !(tA && tB) {
		smallGemmLoops(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	impl := blas64.Implementation()
	const tile = 64                              // gonum's blockSize: a 64×64 tile never goes parallel
	if ((m+tile-1)/tile)*((n+tile-1)/tile) < 4 { // gonum's serial condition
		impl.Dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	for i0 := 0; i0 < m; i0 += tile {
		mi := min(tile, m-i0)
		var ai []float64
		if tA {
			ai = a[i0:]
		} else {
			ai = a[i0*lda:]
		}
		for j0 := 0; j0 < n; j0 += tile {
			nj := min(tile, n-j0)
			var bj []float64
			if tB {
				bj = b[j0*ldb:]
			} else {
				bj = b[j0:]
			}
			impl.Dgemm(ta, tb, mi, nj, k, alpha, ai, lda, bj, ldb, beta, c[i0*ldc+j0:], ldc)
		}
	}
}

// Probes returns one model per teacher mode k = 0..r-1 on n fresh samples
// of q_k drawn from rng, with the widths of d: the probe datasets of
// ΔL_k = L_k - L.
func (d *DeepLinear) Probes(rng *rand.Rand, n int, t *LinearTeacher) []*DeepLinear {
	if t.In != d.widths[0] || t.Out != d.widths[len(d.widths)-1] {
		panic("toy: DeepLinear.Probes: teacher shape does not match")
	}
	r := len(t.S)
	ps := make([]*DeepLinear, r)
	for k := range ps {
		x, y, _ := GenerateDeepLinear(rng, n, t, PatternWeights(r, k, 1))
		ps[k] = NewDeepLinear(d.widths, x, y)
	}
	return ps
}

// Idealize returns a copy of the network whose data are transformed so that
// Sxx = Σ x xᵀ = n I exactly (x whitened) and Syx = Σ y xᵀ = n T, with T
// (out×in) the given map, nil meaning T = 0: y is replaced by T x plus its
// residual after least squares on x. Then
//
//	L_n(w) = L_n* + ||W_{L-1}⋯W_0 - T||_F²/2,   L_n* = Syy/(2n) - ||T||_F²/2,
//
// every w whose end-to-end map is T is an exact minimum (w = 0 for T = 0),
// and the data-fluctuation term of the LLC there vanishes: the estimand
// depends only on nβ, γ and the point w*. With a teacher's Map (rank r) as
// T the truth has rank r, as in DLNLearningCoefficient. It needs n > in and
// a full-rank x, and panics otherwise or if T is not out×in.
func (d *DeepLinear) Idealize(t *mat.Dense) *DeepLinear {
	in, out := d.widths[0], d.widths[len(d.widths)-1]
	xw, y := whitenResidualize(d.n, in, out, d.x, d.y)
	if t != nil {
		if r, c := t.Dims(); r != out || c != in {
			panic("toy: DeepLinear.Idealize: T must be out×in")
		}
		var tx mat.Dense
		tx.Mul(xw, t.T())
		y.Add(y, &tx)
	}
	return NewDeepLinear(d.widths, xw, y)
}

// smallGemm bounds m·n·k for plain loops in serialGemm: below it, Dgemm's
// checks and dispatch cost more than the product.
const smallGemm = 8192

// smallGemmLoops is serialGemm for small products, not both transposed.
// Every C[i,j] accumulates its terms in the order p = 0, 1, ..., k-1
// (C += (αA[i,p])·B[p,j], or C += α·(A[i,:]·B[j,:]) with the dot product in
// that order), so results do not depend on the blocking: four terms per
// pass over a row of C (or four dot products per pass over a row of A)
// save loads and stores without changing a bit. (The compiler fuses no
// multiply-add at the default GOAMD64=v1.)
func smallGemmLoops(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(ci)
		case 1:
		default:
			for j := range ci {
				ci[j] *= beta
			}
		}
	}
	if tB { // B stored n×k: C[i,j] += α A[i,:]·B[j,:]
		for i := 0; i < m; i++ {
			ai := a[i*lda : i*lda+k]
			ci := c[i*ldc : i*ldc+n]
			j := 0
			for ; j+4 <= n; j += 4 {
				b0, b1 := b[j*ldb:j*ldb+k], b[(j+1)*ldb:(j+1)*ldb+k]
				b2, b3 := b[(j+2)*ldb:(j+2)*ldb+k], b[(j+3)*ldb:(j+3)*ldb+k]
				b0, b1, b2, b3 = b0[:len(ai)], b1[:len(ai)], b2[:len(ai)], b3[:len(ai)] // no bounds checks below
				var s0, s1, s2, s3 float64
				for p, v := range ai {
					s0 += v * b0[p]
					s1 += v * b1[p]
					s2 += v * b2[p]
					s3 += v * b3[p]
				}
				ci[j] += alpha * s0
				ci[j+1] += alpha * s1
				ci[j+2] += alpha * s2
				ci[j+3] += alpha * s3
			}
			for ; j < n; j++ {
				bj := b[j*ldb : j*ldb+k]
				var s float64
				for p, v := range ai {
					s += v * bj[p]
				}
				ci[j] += alpha * s
			}
		}
		return
	}
	// C[i,:] += Σ_p (α A[i,p]) B[p,:], A[i,p] = a[p·lda+i] if tA.
	aAt := func(i, p int) float64 {
		if tA {
			return a[p*lda+i]
		}
		return a[i*lda+p]
	}
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		p := 0
		for ; p+4 <= k; p += 4 {
			a0, a1, a2, a3 := alpha*aAt(i, p), alpha*aAt(i, p+1), alpha*aAt(i, p+2), alpha*aAt(i, p+3)
			b0, b1 := b[p*ldb:p*ldb+n], b[(p+1)*ldb:(p+1)*ldb+n]
			b2, b3 := b[(p+2)*ldb:(p+2)*ldb+n], b[(p+3)*ldb:(p+3)*ldb+n]
			b0, b1, b2, b3 = b0[:len(ci)], b1[:len(ci)], b2[:len(ci)], b3[:len(ci)] // no bounds checks below
			for j := range ci {
				ci[j] = ci[j] + a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]
			}
		}
		for ; p < k; p++ {
			av := alpha * aAt(i, p)
			for j, v := range b[p*ldb : p*ldb+n] {
				ci[j] += av * v
			}
		}
	}
}
