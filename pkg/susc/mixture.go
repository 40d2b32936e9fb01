package susc

import "fmt"

// Mixture is the model of the perturbed data distribution
//
//	q_h = (1 - Σ_k h_k) q + Σ_k h_k q_k,   L_h(w) = (1 - Σ_k h_k) L(w) + Σ_k h_k L_k(w)
//
// (THEORY.md §2) built from the model of q (Base) and of each probe q_k: the
// exact loss whose posterior the linear response ∂<φ>/∂h_k = -nβ Cov(φ, L_k - L)
// describes, without the noise of drawing a new finite dataset. It is
// full-batch only: LossGrad panics on a minibatch.
type Mixture struct {
	Base   Model
	Probes []Model
	H      []float64

	grad []float64
}

// NewMixture returns the mixture model; it checks the shapes.
func NewMixture(base Model, probes []Model, h []float64) (*Mixture, error) {
	if len(probes) != len(h) {
		return nil, fmt.Errorf("susc: Mixture: %d probes, %d weights", len(probes), len(h))
	}
	for k, p := range probes {
		if p.Dim() != base.Dim() {
			return nil, fmt.Errorf("susc: Mixture: probe %d has dimension %d, base %d", k, p.Dim(), base.Dim())
		}
	}
	return &Mixture{Base: base, Probes: probes, H: append([]float64(nil), h...), grad: make([]float64, base.Dim())}, nil
}

// Dim returns the base model's dimension.
func (m *Mixture) Dim() int { return m.Base.Dim() }

// NumData returns the base model's number of samples.
func (m *Mixture) NumData() int { return m.Base.NumData() }

// LossGrad returns L_h(w) and its gradient. It allocates nothing.
func (m *Mixture) LossGrad(grad, w []float64, batch []int) float64 {
	if batch != nil {
		panic("susc: Mixture supports full batch only")
	}
	var s float64
	for _, h := range m.H {
		s += h
	}
	loss := (1 - s) * m.Base.LossGrad(grad, w, nil)
	if grad != nil {
		for i := range grad {
			grad[i] *= 1 - s
		}
	}
	for k, p := range m.Probes {
		if m.H[k] == 0 {
			continue
		}
		var g []float64
		if grad != nil {
			g = m.grad
		}
		loss += m.H[k] * p.LossGrad(g, w, nil)
		for i := range g {
			grad[i] += m.H[k] * g[i]
		}
	}
	return loss
}

// Replicate returns a copy with its own scratch and replicated parts.
func (m *Mixture) Replicate() Model {
	r := &Mixture{Base: replicate(m.Base), H: m.H, grad: make([]float64, len(m.grad))}
	for _, p := range m.Probes {
		r.Probes = append(r.Probes, replicate(p))
	}
	return r
}
