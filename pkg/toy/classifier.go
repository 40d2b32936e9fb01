// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Classifier is a softmax classifier with cross-entropy loss and an optional
// tanh hidden layer. With K classes, inputs x ∈ R^In and labels y ∈ {0..K-1},
//
//	Hidden > 0:  a = tanh(W1 x + b1),  z = W2 a + b2     (W1 Hidden×In, W2 K×Hidden)
//	Hidden = 0:  z = W x + b                              (softmax regression, W K×In)
//	p = softmax(z),   l_i(w) = -log p_{y_i} = log Σ_k e^{z_k} - z_{y_i}.
//
// Hand-written backward pass (e_y the one-hot label, e = p - e_y):
//
//	∂l/∂z = e,   ∂l/∂W2 = e aᵀ,   ∂l/∂b2 = e,
//	δ = (W2ᵀ e) ⊙ (1 - a²),   ∂l/∂W1 = δ xᵀ,   ∂l/∂b1 = δ.
//
// Parameter layout, matrices row-major: w = (vec W1, b1, vec W2, b2) with
// (W1)_jb = w[j*In + b], (b1)_j = w[H*In + j], (W2)_kj = w[H*(In+1) + k*H + j],
// (b2)_k = w[H*(In+1) + K*H + k]; Dim() = H(In + 1) + K(H + 1). With
// Hidden = 0 it is w = (vec W, b), Dim() = K(In + 1). The softmax is shifted
// by max_k z_k, so the loss is finite for any finite w.
//
// The parametrization has one exact symmetry: adding the same vector to
// every row of W2 and the same number to every entry of b2 leaves p
// unchanged, so the Hessian of L_n is singular along those H + 1 directions
// (In + 1 for softmax regression). Influence functions that invert it need
// damping or weight decay.
//
// LossGrad and PointLosses loop over samples at cost O(H (In + K)) each and
// do not allocate. A Classifier holds scratch memory: it is NOT safe for
// concurrent use; Replicate returns an independent copy for another
// goroutine (the sampler calls it once per chain).
type Classifier struct {
	in, h, k, n int
	x           []float64 // n×In
	y           []int

	a, z, g []float64 // scratch: activations (H), logits then e = p - e_y (K), W2ᵀe (H)
}

// NewClassifier returns the classifier with the given hidden width (0:
// softmax regression) and number of classes on inputs x (n×In, one sample
// per row) and labels in [0, classes). The data are copied.
func NewClassifier(hidden, classes int, x *mat.Dense, labels []int) *Classifier {
	n, in := x.Dims()
	if n == 0 || len(labels) != n || hidden < 0 || classes < 2 {
		panic("toy: bad Classifier shape")
	}
	for _, y := range labels {
		if y < 0 || y >= classes {
			panic("toy: Classifier label out of range")
		}
	}
	m := &Classifier{in: in, h: hidden, k: classes, n: n, x: make([]float64, n*in), y: append([]int(nil), labels...)}
	for i := 0; i < n; i++ {
		copy(m.x[i*in:(i+1)*in], x.RawRowView(i))
	}
	m.alloc()
	return m
}

func (m *Classifier) alloc() {
	m.a, m.z, m.g = make([]float64, m.h), make([]float64, m.k), make([]float64, m.h)
}

// Replicate returns a copy that shares the read-only data and owns its
// scratch memory, for use by another goroutine.
func (m *Classifier) Replicate() *Classifier {
	c := *m
	c.alloc()
	return &c
}

// Dim returns H(In + 1) + K(H + 1), or K(In + 1) without a hidden layer.
func (m *Classifier) Dim() int {
	if m.h == 0 {
		return m.k * (m.in + 1)
	}
	return m.h*(m.in+1) + m.k*(m.h+1)
}

// NumData returns n.
func (m *Classifier) NumData() int { return m.n }

// Shape returns (In, Hidden, Classes).
func (m *Classifier) Shape() (in, hidden, classes int) { return m.in, m.h, m.k }

// Labels returns a copy of the labels.
func (m *Classifier) Labels() []int { return append([]int(nil), m.y...) }

// Init returns parameters with W1 ~ N(0, 1/In), W2 ~ N(0, 1/H) (W ~ N(0,
// 1/In) without a hidden layer) drawn from rng and zero biases.
func (m *Classifier) Init(rng *rand.Rand) []float64 {
	needRand(rng)
	w := make([]float64, m.Dim())
	if m.h == 0 {
		s := 1 / math.Sqrt(float64(m.in))
		for i := range w[:m.k*m.in] {
			w[i] = s * rng.NormFloat64()
		}
		return w
	}
	s1, s2 := 1/math.Sqrt(float64(m.in)), 1/math.Sqrt(float64(m.h))
	o1 := m.h * m.in
	for i := range w[:o1] {
		w[i] = s1 * rng.NormFloat64()
	}
	o2 := o1 + m.h
	for i := range w[o2 : o2+m.k*m.h] {
		w[o2+i] = s2 * rng.NormFloat64()
	}
	return w
}

// logits sets m.a (hidden layer) and m.z = z(x_i).
func (m *Classifier) logits(w []float64, i int) {
	in, h, k := m.in, m.h, m.k
	xi := m.x[i*in : (i+1)*in]
	z := m.z[:k]
	if h == 0 {
		wm, b := w[:k*in], w[k*in:k*in+k]
		for c := range z {
			s := b[c]
			for j, v := range wm[c*in : (c+1)*in] {
				s += v * xi[j]
			}
			z[c] = s // forward: z = W x + b
		}
		return
	}
	o1 := h * in
	o2 := o1 + h
	o3 := o2 + k*h
	w1, b1, w2, b2 := w[:o1], w[o1:o2], w[o2:o3], w[o3:o3+k]
	a := m.a[:h]
	for j := range a {
		s := b1[j]
		for b, v := range w1[j*in : (j+1)*in] {
			s += v * xi[b]
		}
		a[j] = math.Tanh(s) // forward: a = tanh(W1 x + b1)
	}
	for c := range z {
		s := b2[c]
		for j, v := range w2[c*h : (c+1)*h] {
			s += v * a[j]
		}
		z[c] = s // forward: z = W2 a + b2
	}
}

// sample returns l_i(w) and, if grad != nil, adds ∇l_i to grad.
func (m *Classifier) sample(grad, w []float64, i int) float64 {
	m.logits(w, i)
	in, h, k := m.in, m.h, m.k
	z := m.z[:k]
	zmax := math.Inf(-1)
	for _, v := range z {
		zmax = math.Max(zmax, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp(v - zmax)
	}
	lse := zmax + math.Log(s)
	y := m.y[i]
	l := lse - z[y] // forward: l = logsumexp(z) - z_y
	if grad == nil {
		return l
	}
	e := z
	for c := range e {
		e[c] = math.Exp(e[c] - lse) // p = softmax(z)
	}
	e[y]-- // backward: ∂l/∂z = e = p - e_y
	xi := m.x[i*in : (i+1)*in]
	if h == 0 {
		gw, gb := grad[:k*in], grad[k*in:k*in+k]
		for c, ec := range e {
			gb[c] += ec // ∂b = e
			row := gw[c*in : (c+1)*in]
			for j, v := range xi {
				row[j] += ec * v // ∂W = e xᵀ
			}
		}
		return l
	}
	o1 := h * in
	o2 := o1 + h
	o3 := o2 + k*h
	w2 := w[o2:o3]
	gw1, gb1, gw2, gb2 := grad[:o1], grad[o1:o2], grad[o2:o3], grad[o3:o3+k]
	a, g := m.a[:h], m.g[:h]
	clear(g)
	for c, ec := range e {
		gb2[c] += ec // ∂b2 = e
		row := gw2[c*h : (c+1)*h]
		for j, v := range w2[c*h : (c+1)*h] {
			row[j] += ec * a[j] // ∂W2 = e aᵀ
			g[j] += v * ec      // W2ᵀ e
		}
	}
	for j, aj := range a {
		dj := g[j] * (1 - aj*aj) // δ = (W2ᵀ e) ⊙ tanh'
		gb1[j] += dj             // ∂b1 = δ
		row := gw1[j*in : (j+1)*in]
		for b, v := range xi {
			row[b] += dj * v // ∂W1 = δ xᵀ
		}
	}
	return l
}

// LossGrad returns the mean cross-entropy over batch (nil: all samples)
// and, if grad != nil, overwrites grad with its gradient in the layout of w.
func (m *Classifier) LossGrad(grad, w []float64, batch []int) float64 {
	return meanLossGrad(m, m.n, "Classifier", grad, w, batch)
}

// PointLosses writes l_i(w) = -log p_{y_i}(x_i) into dst for i in idx (nil:
// all samples in order).
func (m *Classifier) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, m.Dim(), "Classifier: len(w) != Dim")
	if idx == nil {
		checkLen(dst, m.n, "Classifier: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "Classifier: len(dst) != len(idx)")
	}
	for b := range dst {
		i := b
		if idx != nil {
			i = idx[b]
		}
		dst[b] = m.sample(nil, w, i)
	}
}

// Predict writes the most probable class of each sample at w into dst
// (length NumData; the first class on a tie) and returns dst.
func (m *Classifier) Predict(dst []int, w []float64) []int {
	checkLen(w, m.Dim(), "Classifier: len(w) != Dim")
	if len(dst) != m.n {
		panic("toy: Classifier.Predict: len(dst) != NumData")
	}
	for i := range dst {
		m.logits(w, i)
		best := 0
		for c, v := range m.z[:m.k] {
			if v > m.z[best] {
				best = c
			}
		}
		dst[i] = best
	}
	return dst
}

// GenerateClusters draws n labelled samples in In ≥ 2 dimensions from
// classes Gaussian clusters: label y uniform on {0..classes-1}, and
// x = c_y + spread·N(0, I) around the centre c_y = sep·(cos θ_y, sin θ_y, 0, …, 0),
// θ_y = 2πy/classes, evenly spaced on a circle of radius sep.
func GenerateClusters(rng *rand.Rand, n, classes, in int, sep, spread float64) (x *mat.Dense, labels []int) {
	needRand(rng)
	if n < 1 || classes < 2 || in < 2 || !(sep >= 0) || !(spread >= 0) {
		panic("toy: GenerateClusters: bad shape, separation or spread")
	}
	x = mat.NewDense(n, in, nil)
	labels = make([]int, n)
	for i := range labels {
		y := rng.IntN(classes)
		labels[i] = y
		th := 2 * math.Pi * float64(y) / float64(classes)
		row := x.RawRowView(i)
		for b := range row {
			row[b] = spread * rng.NormFloat64()
		}
		row[0] += sep * math.Cos(th)
		row[1] += sep * math.Sin(th)
	}
	return x, labels
}

// FlipLabels returns a copy of labels in which exactly round(frac·n) samples,
// chosen uniformly without replacement, carry a wrong label (uniform over
// the other classes), and the mark of each flipped sample.
func FlipLabels(rng *rand.Rand, labels []int, classes int, frac float64) (noisy []int, flipped []bool) {
	needRand(rng)
	if classes < 2 || !(frac >= 0 && frac <= 1) {
		panic("toy: FlipLabels: classes < 2 or frac not in [0, 1]")
	}
	n := len(labels)
	noisy = append([]int(nil), labels...)
	flipped = make([]bool, n)
	perm := rng.Perm(n)
	for _, i := range perm[:int(math.Round(frac*float64(n)))] {
		if labels[i] < 0 || labels[i] >= classes {
			panic("toy: FlipLabels: label out of range")
		}
		c := rng.IntN(classes - 1)
		if c >= labels[i] {
			c++
		}
		noisy[i] = c
		flipped[i] = true
	}
	return noisy, flipped
}
