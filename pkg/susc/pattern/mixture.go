package pattern

import (
	"fmt"
	"math"

	"susclab/pkg/susc"
)

// Mixture is the model of the perturbed data distribution
//
//	q_h = (1 - Σ_k h_k) q + Σ_k h_k q_k,   L_h(w) = (1 - Σ_k h_k) L(w) + Σ_k h_k L_k(w)
//
// (docs/theory.md §3.3) built from the model of q (Base) and of each probe q_k: the
// exact loss whose posterior the linear response ∂<φ>/∂h_k = -nβ Cov(φ, L_k - L)
// describes, without the noise of drawing a new finite dataset.
//
// Its samples are the concatenation of the components' samples (Base first,
// then each probe in order), N in all; sample i of component c (n_c samples,
// mixture weight π_c) has loss π_c (N/n_c) l_i, so that the mean over all N
// samples is L_h and a uniform minibatch gives an unbiased estimate of it.
// h must satisfy h_k ≥ 0 and Σ h ≤ 1.
type Mixture struct {
	comps  []susc.Model
	pi     []float64 // (1 - Σh, h_1, ..., h_K)
	start  []int     // first global index of each component; start[len] = N
	scale  []float64 // π_c N / n_c
	sub    [][]int   // scratch: per-component local indices of a batch
	grad   []float64 // scratch: a component's gradient
	points []float64 // scratch for PointLosses
}

// NewMixture returns the model of q_h for the base model, the probe models
// and the weights h (one per probe).
func NewMixture(base susc.Model, probes []susc.Model, h []float64) (*Mixture, error) {
	if len(probes) != len(h) {
		return nil, fmt.Errorf("pattern: Mixture: %d probes, %d weights", len(probes), len(h))
	}
	m := &Mixture{comps: append([]susc.Model{base}, probes...), pi: []float64{1}, start: []int{0}}
	for k, p := range probes {
		if p.Dim() != base.Dim() {
			return nil, fmt.Errorf("pattern: Mixture: probe %d has dimension %d, base %d", k, p.Dim(), base.Dim())
		}
		if h[k] < 0 || math.IsNaN(h[k]) {
			return nil, fmt.Errorf("pattern: Mixture: h[%d] = %v, want ≥ 0", k, h[k])
		}
		m.pi[0] -= h[k]
		m.pi = append(m.pi, h[k])
	}
	if m.pi[0] < -1e-12 {
		return nil, fmt.Errorf("pattern: Mixture: Σh = %v > 1", 1-m.pi[0])
	}
	m.pi[0] = math.Max(m.pi[0], 0)
	for c, comp := range m.comps {
		if comp == nil {
			return nil, fmt.Errorf("pattern: Mixture: component %d is nil", c)
		}
		if _, err := susc.Replicate(comp); err != nil {
			return nil, fmt.Errorf("pattern: Mixture: component %d: %w", c, err)
		}
		if comp.NumData() < 1 {
			return nil, fmt.Errorf("pattern: Mixture: component %d has no data", c)
		}
		m.start = append(m.start, m.start[c]+comp.NumData())
	}
	n := float64(m.start[len(m.comps)])
	for c, comp := range m.comps {
		m.scale = append(m.scale, m.pi[c]*n/float64(comp.NumData()))
	}
	m.alloc()
	return m, nil
}

func (m *Mixture) alloc() {
	m.sub = make([][]int, len(m.comps))
	for c, comp := range m.comps {
		m.sub[c] = make([]int, 0, comp.NumData())
	}
	m.grad = make([]float64, m.Dim())
	m.points = make([]float64, 0, m.NumData())
}

// Weights returns the mixture weights (1 - Σh, h_1, ..., h_K).
func (m *Mixture) Weights() []float64 { return append([]float64(nil), m.pi...) }

// Dim returns the models' dimension.
func (m *Mixture) Dim() int { return m.comps[0].Dim() }

// NumData returns N, the total number of samples of all components.
func (m *Mixture) NumData() int { return m.start[len(m.comps)] }

// LossGrad returns the mean of the reweighted losses over batch (nil: L_h
// exactly) and its gradient. It allocates nothing.
func (m *Mixture) LossGrad(grad, w []float64, batch []int) float64 {
	if grad != nil {
		clear(grad)
	}
	var loss float64
	if batch == nil {
		for c, comp := range m.comps {
			if m.pi[c] != 0 {
				loss += m.pi[c] * m.add(grad, comp, w, nil, m.pi[c])
			}
		}
		return loss
	}
	m.split(batch)
	for c, comp := range m.comps {
		if len(m.sub[c]) == 0 || m.pi[c] == 0 {
			continue
		}
		f := m.scale[c] * float64(len(m.sub[c])) / float64(len(batch))
		loss += f * m.add(grad, comp, w, m.sub[c], f)
	}
	return loss
}

// add evaluates comp on batch, adds f times its gradient to grad, and
// returns its mean loss.
func (m *Mixture) add(grad []float64, comp susc.Model, w []float64, batch []int, f float64) float64 {
	if grad == nil {
		return comp.LossGrad(nil, w, batch)
	}
	l := comp.LossGrad(m.grad, w, batch)
	for i, g := range m.grad {
		grad[i] += f * g
	}
	return l
}

// split sorts the global indices of batch into per-component local indices.
func (m *Mixture) split(batch []int) {
	for c := range m.sub {
		m.sub[c] = m.sub[c][:0]
	}
	for _, i := range batch {
		c := m.component(i)
		m.sub[c] = append(m.sub[c], i-m.start[c])
	}
}

func (m *Mixture) component(i int) int {
	if i < 0 || i >= m.NumData() {
		panic("pattern: Mixture: sample index out of range")
	}
	c := 0
	for i >= m.start[c+1] {
		c++
	}
	return c
}

// PointLosses writes the reweighted losses π_c (N/n_c) l_i; every component
// must be a susc.PointLosser.
func (m *Mixture) PointLosses(dst, w []float64, idx []int) {
	if idx == nil {
		for c, comp := range m.comps {
			part := dst[m.start[c]:m.start[c+1]]
			comp.(susc.PointLosser).PointLosses(part, w, nil)
			for i := range part {
				part[i] *= m.scale[c]
			}
		}
		return
	}
	m.split(idx)
	// Evaluate per component, then scatter back in the order of idx.
	for c, comp := range m.comps {
		if len(m.sub[c]) == 0 {
			continue
		}
		vals := m.points[:len(m.sub[c])]
		comp.(susc.PointLosser).PointLosses(vals, w, m.sub[c])
		k := 0
		for j, i := range idx {
			if m.component(i) == c {
				dst[j] = m.scale[c] * vals[k]
				k++
			}
		}
	}
}

// Replicate returns a copy with its own scratch and replicated components.
func (m *Mixture) Replicate() susc.Model {
	r := &Mixture{pi: m.pi, start: m.start, scale: m.scale}
	for _, c := range m.comps {
		rc, err := susc.Replicate(c)
		if err != nil {
			panic(err) // NewMixture checked every component
		}
		r.comps = append(r.comps, rc)
	}
	r.alloc()
	return r
}
