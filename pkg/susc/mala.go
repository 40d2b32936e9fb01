package susc

import "math"

// malaScratch computes the Metropolis-adjusted acceptance probability of a
// Langevin step from prev to s.W (docs/theory.md §2.5):
//
//	a = min(1, exp( U(x) - U(x') + log q(x | x') - log q(x' | x) ))
//
// with q(x' | x) = N(x - (ε/2) P ∇U(x), ε P) on the moving coordinates, U the
// full-batch potential and P the kernel's current diagonal preconditioner.
// It measures how far the unadjusted step is from exact; values near 1 mean
// ε is small enough.
type malaScratch struct {
	prev, gPrev, gNew []float64
}

func newMALAScratch(d int) *malaScratch {
	return &malaScratch{prev: make([]float64, d), gPrev: make([]float64, d), gNew: make([]float64, d)}
}

// acceptance returns the acceptance probability of the step from ms.prev to
// the state's current position.
func (ms *malaScratch) acceptance(s langevin, m Model) float64 {
	p, eps, precond, active := s.proposal()
	w := s.(State).Position()
	uPrev := ms.potentialGrad(ms.gPrev, ms.prev, m, p)
	uNew := ms.potentialGrad(ms.gNew, w, m, p)
	half := 0.5 * eps
	// log q(x'|x) - log q(x|x'); normalizers cancel since P is shared.
	var fwd, bwd float64
	term := func(i int) {
		pi := 1.0
		if precond != nil {
			pi = precond[i]
		}
		x, y := ms.prev[i], w[i]
		a := y - x + half*pi*ms.gPrev[i]
		b := x - y + half*pi*ms.gNew[i]
		fwd += a * a / (2 * eps * pi)
		bwd += b * b / (2 * eps * pi)
	}
	if active == nil {
		for i := range w {
			term(i)
		}
	} else {
		for _, i := range active {
			term(i)
		}
	}
	logA := uPrev - uNew - bwd + fwd
	if math.IsNaN(logA) {
		return 0
	}
	return math.Exp(min(0, logA))
}

// potentialGrad writes ∇U(w) into g and returns U(w) = nβ L_n(w) +
// (γ/2)||w - w*||² + (δ/2)||w||².
func (ms *malaScratch) potentialGrad(g, w []float64, m Model, p *Posterior) float64 {
	loss := m.LossGrad(g, w, nil)
	for i := range g {
		g[i] = p.NBeta*g[i] + p.Gamma*(w[i]-p.Center[i]) + p.WeightDecay*w[i]
	}
	return p.potential(loss, w)
}
