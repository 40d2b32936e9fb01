package susc

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Kernel is a sampling kernel in the blackjax sense: a value holding only
// hyperparameters, whose Init makes the State of one chain. The state owns
// everything that changes (position, scratch, adaptive averages) and takes
// the steps; the driver (Sample) only asks it to step and reads its
// position. A new kernel is a type with these three methods and a state type
// of its own, nothing else. (The MALA diagnostic, Run.MALA, needs a
// Langevin proposal, which only this package's Langevin kernels expose.)
type Kernel interface {
	// Init validates the hyperparameters for p and returns a fresh state at
	// w0 (copied). It allocates all the memory Step will ever need.
	Init(p *Posterior, w0 []float64) (State, error)
	// Masked reports whether the kernel moves only part of the coordinates.
	Masked() bool
	// WithMask returns the same kernel moving only the coordinates where
	// mask is true (the restricted chain of a component).
	WithMask(mask []bool) Kernel
}

// State is the state of one chain of a kernel. It is used by one goroutine.
type State interface {
	// Position returns the current w: the state's own slice, to be read,
	// not kept or modified.
	Position() []float64
	// Step advances the chain by one step, using the mean loss of batch (nil
	// = full batch) and the normal draws of rng. It must not allocate.
	Step(m Model, batch []int, rng *rand.Rand) Info
}

// Info records one step.
type Info struct {
	// Loss is the mean batch loss L_B at the position before the step. SGLD
	// and SGNHT in the nβ = 0 control (Posterior.PriorOnly), whose step the
	// data do not enter, do not evaluate the model and report 0.
	Loss float64
	// Drift, Localization and Noise are the Euclidean norms, over the
	// moving coordinates, of the step's terms (docs/theory.md §8.7): the
	// whole deterministic move (for SGLD (ε/2)∇U(w), the loss's force and
	// the prior's together), its prior part ((ε/2)(γ(w - w*) + δw) for
	// SGLD) and the random move (√ε ξ for SGLD). Step leaves them zero: the
	// driver asks the package's kernels for them at draws only, so the
	// steps between draws cost nothing more (Chain.DriftTrace and others).
	Drift, Localization, Noise float64
}

// recorder is implemented by states that can report the norms of a step's
// terms (Info.Drift, Localization, Noise); the driver calls stepRecorded in
// place of Step at draws. It must move the chain exactly as Step does.
type recorder interface {
	stepRecorded(m Model, batch []int, rng *rand.Rand) Info
}

// multiStepper is implemented by states that take many steps in one call,
// without an interface call and an Info record per step (see advance). steps
// takes up to n steps and returns how many it took and the batch loss of the
// last one; it stops early, after the step, at a NaN or infinite loss.
type multiStepper interface {
	steps(m Model, batches *batcher, rng *rand.Rand, n int) (taken int, loss float64)
}

// langevin is implemented by states whose step is a (preconditioned)
// Langevin proposal w' ~ N(w - (ε/2) P ∇U(w), ε P) on the moving
// coordinates, P = diag(precond) (nil: identity); the MALA diagnostic
// needs exactly this (docs/theory.md §2.5).
type langevin interface {
	proposal() (p *Posterior, eps float64, precond []float64, active []int)
}

// langevinCore is what SGLD and RMSProp-SGLD states share.
type langevinCore struct {
	post    *Posterior
	eps     float64
	sqrtEps float64
	// gamma and anchor are the prior force's strength and centre
	// (Posterior.prior): γ and w* without weight decay.
	gamma   float64
	anchor  []float64
	w, grad []float64
	active  []int // nil: all coordinates move
}

func (c *langevinCore) Position() []float64 { return c.w }

// batchLoss returns L_B(w) and writes ∇L_B(w) into c.grad. In the nβ = 0
// control the data do not enter the step (nβ ∇L_B = 0), so it evaluates
// nothing and returns 0: c.grad stays zero and the control's draws are the
// same bits, at the cost of the prior's force and the noise alone.
func (c *langevinCore) batchLoss(m Model, batch []int) float64 {
	if c.post.PriorOnly {
		return 0
	}
	return m.LossGrad(c.grad, c.w, batch)
}

func newLangevinCore(eps float64, mask []bool, p *Posterior, w0 []float64) (langevinCore, error) {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return langevinCore{}, fmt.Errorf("susc: step size ε = %v, want a finite ε > 0", eps)
	}
	d := len(w0)
	if err := p.Validate(d); err != nil {
		return langevinCore{}, err
	}
	for i, x := range w0 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return langevinCore{}, fmt.Errorf("susc: start w0[%d] = %v is not finite", i, x)
		}
	}
	c := langevinCore{post: p, eps: eps, sqrtEps: math.Sqrt(eps),
		w: append([]float64(nil), w0...), grad: make([]float64, d)}
	c.gamma, c.anchor = p.prior()
	if mask != nil {
		if len(mask) != d {
			return langevinCore{}, fmt.Errorf("susc: Mask has length %d, model dimension is %d", len(mask), d)
		}
		c.active = make([]int, 0, d)
		for i, on := range mask {
			if on {
				c.active = append(c.active, i)
			}
		}
		if len(c.active) == 0 {
			return langevinCore{}, fmt.Errorf("susc: Mask selects no coordinate")
		}
	}
	return c, nil
}

// SGLD is stochastic gradient Langevin dynamics in the devinterp convention
// (docs/theory.md §2.1): with L_B the MEAN loss of the minibatch,
//
//	w ← w - (ε/2) [ nβ ∇L_B(w) + γ (w - w*) ] + √ε · N(0, I)
//
// which is unadjusted Langevin with step ε/2 on U = nβ L + (γ/2)||w - w*||²
// (plus δ w in the bracket and (δ/2)||w||² in U with Posterior.WeightDecay,
// docs/theory.md §2.9).
// Masked-out coordinates get no drift, no prior force and no noise. In the
// nβ = 0 control (Posterior.PriorOnly) it takes no minibatch gradient, which
// nβ would multiply away: the same draws at a fraction of the cost. The
// step is sgldState.Step in kernel.go (and its many-step copy, steps).
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
func (k SGLD) Init(p *Posterior, w0 []float64) (State, error) {
	c, err := newLangevinCore(k.Epsilon, k.Mask, p, w0)
	if err != nil {
		return nil, err
	}
	s := &sgldState{langevinCore: c}
	if k.NoNoise {
		s.sd = 0
	} else {
		s.sd = c.sqrtEps
	}
	return s, nil
}

// Masked implements Kernel.
func (k SGLD) Masked() bool { return k.Mask != nil }

// WithMask implements Kernel.
func (k SGLD) WithMask(mask []bool) Kernel { k.Mask = mask; return k }

type sgldState struct {
	langevinCore
	sd float64 // noise scale: √ε, or 0 without noise
}

var _ multiStepper = (*sgldState)(nil) // the driver's fast path; a signature change must not silently disable it

func (s *sgldState) proposal() (*Posterior, float64, []float64, []int) {
	return s.post, s.eps, nil, s.active
}

// Step implements State. It allocates nothing.
func (s *sgldState) Step(m Model, batch []int, rng *rand.Rand) Info {
	loss := s.batchLoss(m, batch)
	nb, gamma, c := s.post.NBeta, s.gamma, s.anchor
	half, sd := 0.5*s.eps, s.sd
	w, g := s.w, s.grad
	if s.active == nil {
		c = c[:len(w)]
		g = g[:len(w)]
		for i := range w {
			drift := nb*g[i] + gamma*(w[i]-c[i])
			w[i] += -half*drift + sd*rng.NormFloat64()
		}
	} else {
		for _, i := range s.active {
			drift := nb*g[i] + gamma*(w[i]-c[i])
			w[i] += -half*drift + sd*rng.NormFloat64()
		}
	}
	return Info{Loss: loss}
}

// stepRecorded implements recorder: Step, with the norms of its terms. The
// update is Step's, written with the terms named, bit for bit the same.
func (s *sgldState) stepRecorded(m Model, batch []int, rng *rand.Rand) Info {
	loss := s.batchLoss(m, batch)
	nb, gamma, c := s.post.NBeta, s.gamma, s.anchor
	half, sd := 0.5*s.eps, s.sd
	w, g := s.w, s.grad
	var d2, l2, n2 float64
	update := func(i int) {
		prior := gamma * (w[i] - c[i])
		drift := nb*g[i] + prior
		z := sd * rng.NormFloat64()
		dm, lm := half*drift, half*prior
		d2 += dm * dm
		l2 += lm * lm
		n2 += z * z
		w[i] += -half*drift + z
	}
	if s.active == nil {
		for i := range w {
			update(i)
		}
	} else {
		for _, i := range s.active {
			update(i)
		}
	}
	return Info{Loss: loss, Drift: math.Sqrt(d2), Localization: math.Sqrt(l2), Noise: math.Sqrt(n2)}
}

// steps implements multiStepper: Step n times, with the unmasked noisy
// update inlined. The update loop repeats Step's on purpose: a shared
// function is not inlined and costs about 15% on normal crossing.
// TestMultiStepPathMatchesPerStep keeps the two bit-identical.
func (s *sgldState) steps(m Model, batches *batcher, rng *rand.Rand, n int) (int, float64) {
	loss := 0.0
	if s.active != nil || s.sd == 0 || s.post.PriorOnly {
		for t := range n {
			loss = s.Step(m, batches.next(), rng).Loss
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return t + 1, loss
			}
		}
		return n, loss
	}
	nb, gamma := s.post.NBeta, s.gamma
	half, sd := 0.5*s.eps, s.sd
	w := s.w
	g, c := s.grad[:len(w)], s.anchor[:len(w)]
	for t := range n {
		loss = m.LossGrad(g, w, batches.next())
		for i := range w {
			drift := nb*g[i] + gamma*(w[i]-c[i])
			w[i] += -half*drift + sd*rng.NormFloat64()
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return t + 1, loss
		}
	}
	return n, loss
}

// RMSPropSGLD is SGLD with the diagonal RMSProp preconditioner of devinterp
// (docs/theory.md §2.2): with g = ∇L_B the raw (unscaled) gradient,
//
//	V ← α V + (1-α) g²,   G = 1 / (√V + δ)
//	w ← w - (ε/2) G [ nβ g + γ (w - w*) ] + √(ε G) · N(0, I)
//
// elementwise, V starting at 0. The preconditioner adapts during sampling, so
// the chain is only approximately stationary for the posterior. G is built
// from the data's gradient even in the nβ = 0 control (Posterior.PriorOnly),
// so a control with this kernel still depends on the data; use SGLD or SGNHT
// there.
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

// Init implements Kernel.
func (k RMSPropSGLD) Init(p *Posterior, w0 []float64) (State, error) {
	alpha, delta := k.Alpha, k.Stability
	if alpha == 0 {
		alpha = 0.99
	}
	if delta == 0 {
		delta = 0.1
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, fmt.Errorf("susc: RMSPropSGLD.Alpha = %v, want 0 < α < 1", k.Alpha)
	}
	if !(delta > 0) || math.IsInf(delta, 0) {
		return nil, fmt.Errorf("susc: RMSPropSGLD.Stability = %v, want a finite δ > 0", k.Stability)
	}
	c, err := newLangevinCore(k.Epsilon, k.Mask, p, w0)
	if err != nil {
		return nil, err
	}
	s := &rmspropState{langevinCore: c, alpha: alpha, delta: delta,
		squareAvg: make([]float64, len(w0)), precond: make([]float64, len(w0))}
	for i := range s.precond {
		s.precond[i] = 1 / delta
	}
	return s, nil
}

// Masked implements Kernel.
func (k RMSPropSGLD) Masked() bool { return k.Mask != nil }

// WithMask implements Kernel.
func (k RMSPropSGLD) WithMask(mask []bool) Kernel { k.Mask = mask; return k }

type rmspropState struct {
	langevinCore
	alpha, delta float64
	// squareAvg is V, the running average of the squared raw gradient;
	// precond is the current G = 1/(√V + δ).
	squareAvg, precond []float64
}

func (s *rmspropState) proposal() (*Posterior, float64, []float64, []int) {
	return s.post, s.eps, s.precond, s.active
}

// Step implements State. It allocates nothing.
func (s *rmspropState) Step(m Model, batch []int, rng *rand.Rand) Info {
	return s.step(m, batch, rng, false)
}

// stepRecorded implements recorder.
func (s *rmspropState) stepRecorded(m Model, batch []int, rng *rand.Rand) Info {
	return s.step(m, batch, rng, true)
}

// step is Step, with the norms of its terms if rec (the terms are
// computed either way, so the move is the same bit for bit).
func (s *rmspropState) step(m Model, batch []int, rng *rand.Rand, rec bool) Info {
	loss := m.LossGrad(s.grad, s.w, batch)
	nb, gamma, c := s.post.NBeta, s.gamma, s.anchor
	alpha, delta := s.alpha, s.delta
	half, sqEps := 0.5*s.eps, s.sqrtEps
	w, g, v, pre := s.w, s.grad, s.squareAvg, s.precond
	var d2, l2, n2 float64
	update := func(i int) {
		v[i] = alpha*v[i] + (1-alpha)*g[i]*g[i]
		G := 1 / (math.Sqrt(v[i]) + delta)
		pre[i] = G
		prior := gamma * (w[i] - c[i])
		drift := nb*g[i] + prior
		z := sqEps * math.Sqrt(G) * rng.NormFloat64()
		if rec {
			dm, lm := half*G*drift, half*G*prior
			d2 += dm * dm
			l2 += lm * lm
			n2 += z * z
		}
		w[i] += -half*G*drift + z
	}
	if s.active == nil {
		for i := range w {
			update(i)
		}
	} else {
		for _, i := range s.active {
			update(i)
		}
	}
	if !rec {
		return Info{Loss: loss}
	}
	return Info{Loss: loss, Drift: math.Sqrt(d2), Localization: math.Sqrt(l2), Noise: math.Sqrt(n2)}
}
