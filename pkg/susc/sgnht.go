package susc

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SGNHT is the stochastic gradient Nosé–Hoover thermostat of Ding et al.
// (2014) in the parametrization of devinterp's SGNHT (docs/theory.md §2.8):
// with v the velocity (the last move of w), α the thermostat (a friction per
// step) and d the number of moving coordinates,
//
//	v ← (1 - α) v - ε [ nβ ∇L_B(w) + γ (w - w*) ] + √(2aε) · N(0, I)
//	w ← w + v
//	α ← α + ||v||²/d - ε
//
// with v drawn from N(0, εI) at the first step and α starting at the
// diffusion factor a. The thermostat keeps the mean ||v||²/d at ε, which
// absorbs the unknown variance of minibatch gradients. Its stationary law
// differs from the posterior by a bias of order a/2 + εk/4 on variances
// along a direction of curvature k (docs/theory.md §2.8). Masked-out
// coordinates never move. Weight decay enters the bracket as for SGLD
// (docs/theory.md §2.9). Like SGLD it takes no minibatch gradient in the
// nβ = 0 control (Posterior.PriorOnly), which nβ would multiply away. It
// has no Langevin proposal, so Run.MALA refuses it.
type SGNHT struct {
	// Epsilon is ε ("lr" in devinterp): the velocity's gradient kick per
	// step is ε∇U, its stationary mean square ε per coordinate. Required, > 0.
	Epsilon float64
	// Diffusion is the diffusion factor a > 0 (devinterp's
	// diffusion_factor): the noise has variance 2aε per step and the
	// thermostat starts at a. Zero means 0.01.
	Diffusion float64
	// Mask restricts sampling as in SGLD.
	Mask []bool
}

// Init implements Kernel.
func (k SGNHT) Init(p *Posterior, w0 []float64) (State, error) {
	a := k.Diffusion
	if a == 0 {
		a = 0.01
	}
	if !(a > 0) || math.IsInf(a, 0) {
		return nil, fmt.Errorf("susc: SGNHT.Diffusion = %v, want a finite a > 0", k.Diffusion)
	}
	c, err := newLangevinCore(k.Epsilon, k.Mask, p, w0)
	if err != nil {
		return nil, err
	}
	d := len(w0)
	if c.active != nil {
		d = len(c.active)
	}
	return &sgnhtState{langevinCore: c, a: a, alpha: a, sd: math.Sqrt(2 * a * k.Epsilon),
		invDim: 1 / float64(d), v: make([]float64, len(w0))}, nil
}

// Masked implements Kernel.
func (k SGNHT) Masked() bool { return k.Mask != nil }

// WithMask implements Kernel.
func (k SGNHT) WithMask(mask []bool) Kernel { k.Mask = mask; return k }

// sgnhtState shares the position, gradient, prior force and mask of the
// Langevin kernels (it is not one: it has no langevin proposal).
type sgnhtState struct {
	langevinCore
	a, alpha float64 // diffusion factor; thermostat
	sd       float64 // noise scale √(2aε)
	invDim   float64 // 1 / number of moving coordinates
	v        []float64
	started  bool // v drawn
}

// Step implements State. It allocates nothing.
func (s *sgnhtState) Step(m Model, batch []int, rng *rand.Rand) Info {
	return s.step(m, batch, rng, false)
}

// stepRecorded implements recorder: the norms of the velocity's gradient
// kick ε∇U (Drift), its prior part, and the noise √(2aε)ξ.
func (s *sgnhtState) stepRecorded(m Model, batch []int, rng *rand.Rand) Info {
	return s.step(m, batch, rng, true)
}

func (s *sgnhtState) step(m Model, batch []int, rng *rand.Rand, rec bool) Info {
	loss := s.batchLoss(m, batch)
	w, g, v := s.w, s.grad, s.v
	if !s.started {
		s.started = true
		s.each(func(i int) { v[i] = s.sqrtEps * rng.NormFloat64() })
	}
	nb, gamma, c := s.post.NBeta, s.gamma, s.anchor
	eps, sd, keep := s.eps, s.sd, 1-s.alpha
	var kin, d2, l2, n2 float64
	s.each(func(i int) {
		prior := gamma * (w[i] - c[i])
		kick := eps * (nb*g[i] + prior)
		z := sd * rng.NormFloat64()
		if rec {
			lm := eps * prior
			d2 += kick * kick
			l2 += lm * lm
			n2 += z * z
		}
		v[i] = keep*v[i] - kick + z
		w[i] += v[i]
		kin += v[i] * v[i]
	})
	s.alpha += kin*s.invDim - eps
	if !rec {
		return Info{Loss: loss}
	}
	return Info{Loss: loss, Drift: math.Sqrt(d2), Localization: math.Sqrt(l2), Noise: math.Sqrt(n2)}
}

// each calls f for every moving coordinate, in order.
func (s *sgnhtState) each(f func(i int)) {
	if s.active == nil {
		for i := range s.w {
			f(i)
		}
		return
	}
	for _, i := range s.active {
		f(i)
	}
}
