// Copyright ©2026 The susclab Authors.

package toy

import "math"

// Method selects the update rule of Minimize.
type Method int

const (
	// GradientDescent is plain full-batch gradient descent w ← w - LR ∇L_n(w).
	GradientDescent Method = iota
	// Adam is full-batch Adam (Kingma & Ba) with bias correction.
	Adam
)

// Optimizer configures Minimize. The zero value of each field means the
// default given in its comment.
type Optimizer struct {
	Method Method  // GradientDescent (default) or Adam
	Steps  int     // number of full-batch steps; 0 means 1000
	LR     float64 // learning rate; 0 means 0.01 (GradientDescent) or 0.001 (Adam)
	Beta1  float64 // Adam first-moment decay; 0 means 0.9
	Beta2  float64 // Adam second-moment decay; 0 means 0.999
	Eps    float64 // Adam denominator offset; 0 means 1e-8
	// GradTol stops early when ||∇L_n||_∞ <= GradTol (0: never).
	GradTol float64
}

// Minimize runs the deterministic full-batch optimizer opt on m starting
// from a copy of w0 and returns the final parameters and their full-batch
// loss L_n. Randomness enters only through w0 (see RandomInit).
func Minimize(m LossGrader, w0 []float64, opt Optimizer) (w []float64, loss float64) {
	d := m.Dim()
	checkLen(w0, d, "Minimize: len(w0) != Dim")
	if opt.Steps == 0 {
		opt.Steps = 1000
	}
	u := newUpdater(opt.Method, opt.LR, opt.Beta1, opt.Beta2, opt.Eps, d)
	w = append([]float64(nil), w0...)
	g := make([]float64, d)
	for step := 0; step < opt.Steps; step++ {
		m.LossGrad(g, w, nil)
		if opt.GradTol > 0 {
			var gmax float64
			for _, v := range g {
				gmax = math.Max(gmax, math.Abs(v))
			}
			if gmax <= opt.GradTol {
				break
			}
		}
		u.step(w, g)
	}
	return w, m.LossGrad(nil, w, nil)
}

// updater applies gradient descent or Adam (with bias correction) updates.
type updater struct {
	method          Method
	lr, b1, b2, eps float64
	mom, vel        []float64
	b1t, b2t        float64
}

// newUpdater fills the defaults: LR 0.01 (GradientDescent) or 0.001 (Adam),
// β1 0.9, β2 0.999, ε 1e-8.
func newUpdater(method Method, lr, b1, b2, eps float64, d int) *updater {
	if lr == 0 {
		lr = 0.01
		if method == Adam {
			lr = 0.001
		}
	}
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	u := &updater{method: method, lr: lr, b1: b1, b2: b2, eps: eps, b1t: 1, b2t: 1}
	if method == Adam {
		u.mom, u.vel = make([]float64, d), make([]float64, d)
	}
	return u
}

// step updates w in place with the gradient g:
//
//	GradientDescent:  w ← w - LR g
//	Adam:             m ← β1 m + (1-β1) g,  v ← β2 v + (1-β2) g²,
//	                  w ← w - LR m̂ / (√v̂ + ε),  m̂ = m/(1-β1^t), v̂ = v/(1-β2^t).
func (u *updater) step(w, g []float64) {
	if u.method != Adam {
		for k, gk := range g {
			w[k] -= u.lr * gk
		}
		return
	}
	u.b1t *= u.b1
	u.b2t *= u.b2
	for k, gk := range g {
		u.mom[k] = u.b1*u.mom[k] + (1-u.b1)*gk
		u.vel[k] = u.b2*u.vel[k] + (1-u.b2)*gk*gk
		mh := u.mom[k] / (1 - u.b1t)
		vh := u.vel[k] / (1 - u.b2t)
		w[k] -= u.lr * mh / (math.Sqrt(vh) + u.eps)
	}
}
