// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// MLPTeacher is the data distribution of an MLP: targets
//
//	y = f_T(x) + σ ε,   ε ~ N(0, I_out),
//
// with f_T an MLP of the same form (layout of MLP, Hidden units) and fixed
// parameters Params. Its patterns are regions of input space: pattern k
// draws x ~ N(c_k, Spread² I) around the centre c_k (row k of Centers); the
// base distribution draws x ~ N(0, I). See GenerateMLP.
type MLPTeacher struct {
	In, Hidden, Out int
	Params          []float64  // teacher parameters in the MLP layout
	Centers         *mat.Dense // K×In, pattern centres c_k
	Spread          float64    // standard deviation of a pattern around its centre
	Noise           float64    // σ, the standard deviation of the target noise
}

// NewMLPTeacher returns a random teacher drawn from rng: W1 ~ N(0, 4/In)
// (so that the tanh units saturate over the data), b1 ~ N(0, 1/4),
// W2 ~ N(0, 1/Hidden), b2 = 0; K = patterns centres c_k = 2 u_k with u_k
// uniform on the unit sphere; pattern spread 0.3 and target noise noise.
func NewMLPTeacher(rng *rand.Rand, in, hidden, out, patterns int, noise float64) *MLPTeacher {
	needRand(rng)
	if in < 1 || hidden < 1 || out < 1 || patterns < 1 || noise < 0 {
		panic("toy: NewMLPTeacher: bad shape or noise")
	}
	t := &MLPTeacher{In: in, Hidden: hidden, Out: out, Spread: 0.3, Noise: noise,
		Params: mlpInit(rng, in, hidden, out, 2/math.Sqrt(float64(in)), 0.5), Centers: mat.NewDense(patterns, in, nil)}
	for k := 0; k < patterns; k++ {
		c := t.Centers.RawRowView(k)
		var s float64
		for b := range c {
			c[b] = rng.NormFloat64()
			s += c[b] * c[b]
		}
		s = 2 / math.Sqrt(s)
		for b := range c {
			c[b] *= s
		}
	}
	return t
}

// Patterns returns the number of patterns K.
func (t *MLPTeacher) Patterns() int { r, _ := t.Centers.Dims(); return r }

// mlpInit returns MLP parameters with W1 ~ N(0, s1²), b1 ~ N(0, sb²),
// W2 ~ N(0, 1/hidden), b2 = 0.
func mlpInit(rng *rand.Rand, in, hidden, out int, s1, sb float64) []float64 {
	w := make([]float64, hidden*(in+1)+out*(hidden+1))
	o := hidden * in
	for k := 0; k < o; k++ {
		w[k] = s1 * rng.NormFloat64()
	}
	for k := 0; k < hidden; k++ {
		w[o+k] = sb * rng.NormFloat64()
	}
	o += hidden
	s2 := 1 / math.Sqrt(float64(hidden))
	for k := 0; k < out*hidden; k++ {
		w[o+k] = s2 * rng.NormFloat64()
	}
	return w
}

// GenerateMLP draws n independent samples (x_i, y_i = f_T(x_i) + σ ε_i) from
// the teacher with inputs from the mixture q_π = Σ_k π_k q_k + π_K q over the
// K patterns and the base (see PatternWeights; nil is the base
// distribution). It returns x (n×In), y (n×Out) and each sample's component
// (k < K: pattern k, K: base).
func GenerateMLP(rng *rand.Rand, n int, t *MLPTeacher, pi []float64) (x, y *mat.Dense, pattern []int) {
	needRand(rng)
	if n < 1 {
		panic("toy: GenerateMLP needs n >= 1")
	}
	K := t.Patterns()
	cdf := mixtureCDF(pi, K)
	x, y = mat.NewDense(n, t.In, nil), mat.NewDense(n, t.Out, nil)
	pattern = make([]int, n)
	a := make([]float64, t.Hidden)
	for i := 0; i < n; i++ {
		c := drawComponent(rng, cdf)
		pattern[i] = c
		xi, yi := x.RawRowView(i), y.RawRowView(i)
		for b := range xi {
			if c < K {
				xi[b] = t.Centers.At(c, b) + t.Spread*rng.NormFloat64()
			} else {
				xi[b] = rng.NormFloat64()
			}
		}
		mlpForward(yi, a, t.Params, xi, t.In, t.Hidden, t.Out)
		for k := range yi {
			yi[k] += t.Noise * rng.NormFloat64()
		}
	}
	return x, y, pattern
}

// mlpForward sets a = tanh(W1 x + b1) and f = W2 a + b2.
func mlpForward(f, a, w, x []float64, in, h, out int) {
	w1, b1 := w[:h*in], w[h*in:h*in+h]
	o := h*in + h
	w2, b2 := w[o:o+out*h], w[o+out*h:o+out*h+out]
	for j := range a[:h] {
		s := b1[j]
		for b, v := range w1[j*in : (j+1)*in] {
			s += v * x[b]
		}
		a[j] = math.Tanh(s)
	}
	for k := range f[:out] {
		s := b2[k]
		for j, v := range w2[k*h : (k+1)*h] {
			s += v * a[j]
		}
		f[k] = s
	}
}

// MLP is a one-hidden-layer tanh network with squared loss:
//
//	a = tanh(W1 x + b1),   f(x) = W2 a + b2,   l_i(w) = ||f(x_i) - y_i||²/2,
//
// W1 Hidden×In, W2 Out×Hidden. Hand-written backward pass (r = f - y):
//
//	∂l/∂W2 = r aᵀ,   ∂l/∂b2 = r,   δ = (W2ᵀ r) ⊙ (1 - a²),   ∂l/∂W1 = δ xᵀ,   ∂l/∂b1 = δ.
//
// Parameter layout: w = (vec W1, b1, vec W2, b2), matrices row-major:
// (W1)_jb = w[j*In + b], (b1)_j = w[H*In + j], (W2)_kj = w[H*(In+1) + k*H + j],
// (b2)_k = w[H*(In+1) + Out*H + k]; Dim() = H(In + 1) + Out(H + 1).
//
// Components (docs/theory.md §5.1): HiddenUnitMask(j) (row j of W1, b1_j and column j
// of W2: everything unit j reads and writes) and LayerMask(l) (l = 0: W1
// and b1; l = 1: W2 and b2).
//
// LossGrad and PointLosses loop over samples at cost O(H (In + Out)) each
// and do not allocate. An MLP holds scratch memory: it is NOT safe for
// concurrent use; Replicate returns an independent copy for another
// goroutine (the sampler calls it once per chain).
type MLP struct {
	in, h, out, n int
	x, y          []float64 // n×In, n×Out

	a, r, g []float64 // scratch: activations (H), residual (Out), W2ᵀ r (H)
}

// NewMLP returns the network with the given hidden width on inputs x
// (n×In) and targets y (n×Out), one sample per row. The data are copied.
func NewMLP(hidden int, x, y *mat.Dense) *MLP {
	n, in := x.Dims()
	ny, out := y.Dims()
	if n != ny || n == 0 || hidden < 1 {
		panic("toy: bad MLP shape")
	}
	m := &MLP{in: in, h: hidden, out: out, n: n, x: make([]float64, n*in), y: make([]float64, n*out)}
	for i := 0; i < n; i++ {
		copy(m.x[i*in:(i+1)*in], x.RawRowView(i))
		copy(m.y[i*out:(i+1)*out], y.RawRowView(i))
	}
	m.alloc()
	return m
}

func (m *MLP) alloc() {
	m.a, m.r, m.g = make([]float64, m.h), make([]float64, m.out), make([]float64, m.h)
}

// Replicate returns a copy that shares the read-only data and owns its
// scratch memory, for use by another goroutine.
func (m *MLP) Replicate() *MLP {
	c := *m
	c.alloc()
	return &c
}

// Dim returns H(In + 1) + Out(H + 1).
func (m *MLP) Dim() int { return m.h*(m.in+1) + m.out*(m.h+1) }

// NumData returns n.
func (m *MLP) NumData() int { return m.n }

// Shape returns (In, Hidden, Out).
func (m *MLP) Shape() (in, hidden, out int) { return m.in, m.h, m.out }

// Weights returns W1, b1, W2, b2 as views of w in the documented layout.
func (m *MLP) Weights(w []float64) (w1 *mat.Dense, b1 []float64, w2 *mat.Dense, b2 []float64) {
	checkLen(w, m.Dim(), "MLP: len(w) != Dim")
	o1 := m.h * m.in
	o2 := o1 + m.h
	o3 := o2 + m.out*m.h
	return mat.NewDense(m.h, m.in, w[:o1:o1]), w[o1:o2:o2], mat.NewDense(m.out, m.h, w[o2:o3:o3]), w[o3:]
}

// Init returns parameters with W1 ~ N(0, 1/In), W2 ~ N(0, 1/H) drawn from
// rng and zero biases.
func (m *MLP) Init(rng *rand.Rand) []float64 {
	needRand(rng)
	return mlpInit(rng, m.in, m.h, m.out, 1/math.Sqrt(float64(m.in)), 0)
}

// HiddenUnitMask returns the mask of component "hidden unit j": row j of W1,
// b1_j and column j of W2.
func (m *MLP) HiddenUnitMask(j int) []bool {
	if j < 0 || j >= m.h {
		panic("toy: MLP.HiddenUnitMask: unit out of range")
	}
	mask := make([]bool, m.Dim())
	for b := 0; b < m.in; b++ {
		mask[j*m.in+b] = true
	}
	mask[m.h*m.in+j] = true
	o := m.h * (m.in + 1)
	for k := 0; k < m.out; k++ {
		mask[o+k*m.h+j] = true
	}
	return mask
}

// LayerMask returns the mask of component "layer l": l = 0 is W1 and b1,
// l = 1 is W2 and b2.
func (m *MLP) LayerMask(l int) []bool {
	if l < 0 || l > 1 {
		panic("toy: MLP.LayerMask: layer out of range")
	}
	mask := make([]bool, m.Dim())
	o := m.h * (m.in + 1)
	lo, hi := 0, o
	if l == 1 {
		lo, hi = o, m.Dim()
	}
	for k := lo; k < hi; k++ {
		mask[k] = true
	}
	return mask
}

// LossGrad returns the mean of l_i(w) = ||W2 tanh(W1 x_i + b1) + b2 - y_i||²/2
// over batch (nil: all samples) and, if grad != nil, overwrites grad with
// its gradient in the layout of w.
func (m *MLP) LossGrad(grad, w []float64, batch []int) float64 {
	return meanLossGrad(m, m.n, "MLP", grad, w, batch)
}

// sample returns l_i(w) and, if grad != nil, adds ∇l_i to grad.
func (m *MLP) sample(grad, w []float64, i int) float64 {
	in, h, out := m.in, m.h, m.out
	xi, yi := m.x[i*in:(i+1)*in], m.y[i*out:(i+1)*out]
	a, r := m.a[:h], m.r[:out]
	mlpForward(r, a, w, xi, in, h, out) // forward: a = tanh(W1 x + b1), f = W2 a + b2
	var l float64
	for k, v := range yi {
		r[k] -= v // forward: r = f - y
		l += r[k] * r[k]
	}
	if grad == nil {
		return l / 2
	}
	o1 := h * in
	o2 := o1 + h
	o3 := o2 + out*h
	w2 := w[o2:o3]
	gw1, gb1, gw2, gb2 := grad[:o1], grad[o1:o2], grad[o2:o3], grad[o3:o3+out]
	g := m.g[:h]
	clear(g)
	for k, rk := range r {
		gb2[k] += rk // backward: ∂b2 = r
		grow := gw2[k*h : (k+1)*h]
		for j, v := range w2[k*h : (k+1)*h] {
			grow[j] += rk * a[j] // backward: ∂W2 = r aᵀ
			g[j] += v * rk       // W2ᵀ r
		}
	}
	for j, aj := range a {
		dj := g[j] * (1 - aj*aj) // backward: δ = (W2ᵀ r) ⊙ tanh'
		gb1[j] += dj             // ∂b1 = δ
		grow := gw1[j*in : (j+1)*in]
		for b, v := range xi {
			grow[b] += dj * v // ∂W1 = δ xᵀ
		}
	}
	return l / 2
}

// PointLosses writes l_i(w) into dst for i in idx (nil: all samples in order).
func (m *MLP) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, m.Dim(), "MLP: len(w) != Dim")
	if idx == nil {
		checkLen(dst, m.n, "MLP: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "MLP: len(dst) != len(idx)")
	}
	for b := range dst {
		i := b
		if idx != nil {
			i = idx[b]
		}
		dst[b] = m.sample(nil, w, i)
	}
}

// Probes returns one model per teacher pattern k = 0..K-1 on n fresh
// samples of q_k drawn from rng, with the hidden width of m: the probe
// datasets of ΔL_k = L_k - L.
func (m *MLP) Probes(rng *rand.Rand, n int, t *MLPTeacher) []*MLP {
	if t.In != m.in || t.Out != m.out {
		panic("toy: MLP.Probes: teacher shape does not match")
	}
	K := t.Patterns()
	ps := make([]*MLP, K)
	for k := range ps {
		x, y, _ := GenerateMLP(rng, n, t, PatternWeights(K, k, 1))
		ps[k] = NewMLP(m.h, x, y)
	}
	return ps
}
