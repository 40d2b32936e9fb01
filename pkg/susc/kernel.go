package susc

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Kernel is a sampling kernel in the blackjax sense: Init makes a chain state,
// Step advances it by one step and returns an Info record. Kernels hold only
// hyperparameters; everything that changes lives in the State.
type Kernel interface {
	// Init validates the hyperparameters for p and returns a fresh state at
	// w0 (copied). It allocates all the memory Step will ever need.
	Init(p *Posterior, w0 []float64) (*State, error)
	// Step advances s by one step using the mean loss of batch (nil = full
	// batch) and the normal draws of rng. It must not allocate.
	Step(s *State, m Model, batch []int, rng *rand.Rand) Info
}

// State is the state of one chain. W is the current position; the other
// fields are set by Kernel.Init and read by diagnostics.
type State struct {
	// W is the current position w.
	W []float64
	// Grad is scratch for ∇L_B, the gradient of the mean batch loss.
	Grad []float64
	// Posterior is the target the kernel was initialised for.
	Posterior *Posterior
	// Epsilon is the step size ε of the Langevin proposal
	// w' ~ N(w - (ε/2) P ∇U(w), ε P) with P = diag(Precond).
	Epsilon float64
	// Precond is the current diagonal preconditioner P; nil means identity.
	Precond []float64
	// Active lists the coordinates that move; nil means all of them.
	Active []int
	// SquareAvg is RMSProp's running average V of the squared raw gradient
	// (nil for plain SGLD).
	SquareAvg []float64
	// Steps counts the steps taken.
	Steps int

	sqrtEps, sqrtOf float64 // √ε cached for sqrtOf = ε
}

// sqrtEpsilon returns √Epsilon, recomputed only when Epsilon changes.
func (s *State) sqrtEpsilon() float64 {
	if s.Epsilon != s.sqrtOf {
		s.sqrtEps, s.sqrtOf = math.Sqrt(s.Epsilon), s.Epsilon
	}
	return s.sqrtEps
}

// Info records one step.
type Info struct {
	// Loss is the mean batch loss L_B at the position before the step.
	Loss float64
}

// SGLD is stochastic gradient Langevin dynamics in the devinterp convention
// (THEORY.md §7): with L_B the MEAN loss of the minibatch,
//
//	w ← w - (ε/2) [ nβ ∇L_B(w) + γ (w - w*) ] + √ε · N(0, I)
//
// which is unadjusted Langevin with step ε/2 on U = nβ L + (γ/2)||w - w*||².
// Masked-out coordinates get no drift, no prior force and no noise.
type SGLD struct {
	// Epsilon is ε ("lr" in devinterp). Required, > 0.
	Epsilon float64
	// Mask restricts sampling to the coordinates where it is true (the
	// restricted chain of a component). nil means all coordinates move.
	Mask []bool
	// NoNoise drops the noise term, turning the step into gradient descent on
	// U with step ε/2 (for tests and for finding w*).
	NoNoise bool
}

// Init implements Kernel.
func (k SGLD) Init(p *Posterior, w0 []float64) (*State, error) {
	return initLangevin(k.Epsilon, k.Mask, p, w0)
}

// Step implements Kernel. It allocates nothing.
func (k SGLD) Step(s *State, m Model, batch []int, rng *rand.Rand) Info {
	loss := m.LossGrad(s.Grad, s.W, batch)
	p := s.Posterior
	nb, gamma, c := p.NBeta, p.Gamma, p.Center
	half := 0.5 * s.Epsilon
	sd := s.sqrtEpsilon()
	if k.NoNoise {
		sd = 0
	}
	w, g := s.W, s.Grad
	if s.Active == nil {
		c = c[:len(w)]
		g = g[:len(w)]
		for i := range w {
			drift := nb*g[i] + gamma*(w[i]-c[i])
			w[i] += -half*drift + sd*rng.NormFloat64()
		}
	} else {
		for _, i := range s.Active {
			drift := nb*g[i] + gamma*(w[i]-c[i])
			w[i] += -half*drift + sd*rng.NormFloat64()
		}
	}
	s.Steps++
	return Info{Loss: loss}
}

var _ stepRunner = SGLD{} // runChain's fast path; a signature change must not silently disable it

// stepRunner is implemented by kernels that can take many steps in one call,
// without an interface call and an Info record per step; runChain uses it
// for the steps between draws. steps takes up to n steps and returns how
// many it took and the last loss; it stops early, after the step, at a NaN
// or infinite loss.
type stepRunner interface {
	steps(s *State, m Model, batches *batcher, rng *rand.Rand, n int) (taken int, loss float64)
}

// steps implements stepRunner: Step n times, with the unmasked update inlined.
// The update loop repeats Step's on purpose: a shared function is not
// inlined and costs about 15% on normal crossing. TestMultiStepPathMatchesPerStep
// keeps the two bit-identical.
func (k SGLD) steps(s *State, m Model, batches *batcher, rng *rand.Rand, n int) (int, float64) {
	loss := 0.0
	if s.Active != nil || k.NoNoise {
		for t := range n {
			loss = k.Step(s, m, batches.next(), rng).Loss
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return t + 1, loss
			}
		}
		return n, loss
	}
	p := s.Posterior
	nb, gamma := p.NBeta, p.Gamma
	half, sd := 0.5*s.Epsilon, s.sqrtEpsilon()
	w := s.W
	g, c := s.Grad[:len(w)], p.Center[:len(w)]
	for t := range n {
		loss = m.LossGrad(g, w, batches.next())
		for i := range w {
			drift := nb*g[i] + gamma*(w[i]-c[i])
			w[i] += -half*drift + sd*rng.NormFloat64()
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			s.Steps += t + 1
			return t + 1, loss
		}
	}
	s.Steps += n
	return n, loss
}

// RMSPropSGLD is SGLD with the diagonal RMSProp preconditioner of devinterp
// (THEORY.md §7): with g = ∇L_B the raw (unscaled) gradient,
//
//	V ← α V + (1-α) g²,   G = 1 / (√V + δ)
//	w ← w - (ε/2) G [ nβ g + γ (w - w*) ] + √(ε G) · N(0, I)
//
// elementwise, V starting at 0. The preconditioner adapts during sampling, so
// the chain is only approximately stationary for the posterior.
type RMSPropSGLD struct {
	// Epsilon is ε. Required, > 0.
	Epsilon float64
	// Alpha is the decay α of the running average, in (0, 1). Zero means 0.99.
	Alpha float64
	// Stability is δ, added to √V. Zero means 0.1 (devinterp's eps).
	Stability float64
	// Mask restricts sampling as in SGLD.
	Mask []bool
}

func (k RMSPropSGLD) params() (alpha, delta float64) {
	alpha, delta = k.Alpha, k.Stability
	if alpha == 0 {
		alpha = 0.99
	}
	if delta == 0 {
		delta = 0.1
	}
	return alpha, delta
}

// Init implements Kernel.
func (k RMSPropSGLD) Init(p *Posterior, w0 []float64) (*State, error) {
	alpha, delta := k.params()
	if !(alpha > 0 && alpha < 1) {
		return nil, fmt.Errorf("susc: RMSPropSGLD.Alpha = %v, want 0 < α < 1", k.Alpha)
	}
	if !(delta > 0) || math.IsInf(delta, 0) {
		return nil, fmt.Errorf("susc: RMSPropSGLD.Stability = %v, want a finite δ > 0", k.Stability)
	}
	s, err := initLangevin(k.Epsilon, k.Mask, p, w0)
	if err != nil {
		return nil, err
	}
	s.SquareAvg = make([]float64, len(w0))
	s.Precond = make([]float64, len(w0))
	for i := range s.Precond {
		s.Precond[i] = 1 / delta
	}
	return s, nil
}

// Step implements Kernel. It allocates nothing.
func (k RMSPropSGLD) Step(s *State, m Model, batch []int, rng *rand.Rand) Info {
	alpha, delta := k.params()
	loss := m.LossGrad(s.Grad, s.W, batch)
	p := s.Posterior
	nb, gamma, c := p.NBeta, p.Gamma, p.Center
	half := 0.5 * s.Epsilon
	sqEps := s.sqrtEpsilon()
	w, g, v, pre := s.W, s.Grad, s.SquareAvg, s.Precond
	update := func(i int) {
		v[i] = alpha*v[i] + (1-alpha)*g[i]*g[i]
		G := 1 / (math.Sqrt(v[i]) + delta)
		pre[i] = G
		drift := nb*g[i] + gamma*(w[i]-c[i])
		w[i] += -half*G*drift + sqEps*math.Sqrt(G)*rng.NormFloat64()
	}
	if s.Active == nil {
		for i := range w {
			update(i)
		}
	} else {
		for _, i := range s.Active {
			update(i)
		}
	}
	s.Steps++
	return Info{Loss: loss}
}

func initLangevin(eps float64, mask []bool, p *Posterior, w0 []float64) (*State, error) {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return nil, fmt.Errorf("susc: step size ε = %v, want a finite ε > 0", eps)
	}
	d := len(w0)
	if err := p.Validate(d); err != nil {
		return nil, err
	}
	s := &State{
		W:         append([]float64(nil), w0...),
		Grad:      make([]float64, d),
		Posterior: p,
		Epsilon:   eps,
	}
	if mask != nil {
		if len(mask) != d {
			return nil, fmt.Errorf("susc: Mask has length %d, model dimension is %d", len(mask), d)
		}
		s.Active = make([]int, 0, d)
		for i, on := range mask {
			if on {
				s.Active = append(s.Active, i)
			}
		}
		if len(s.Active) == 0 {
			return nil, fmt.Errorf("susc: Mask selects no coordinate")
		}
	}
	for i, x := range w0 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("susc: start w0[%d] = %v is not finite", i, x)
		}
	}
	return s, nil
}
