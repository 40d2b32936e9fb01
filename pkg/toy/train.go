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
	if opt.LR == 0 {
		opt.LR = 0.01
		if opt.Method == Adam {
			opt.LR = 0.001
		}
	}
	if opt.Beta1 == 0 {
		opt.Beta1 = 0.9
	}
	if opt.Beta2 == 0 {
		opt.Beta2 = 0.999
	}
	if opt.Eps == 0 {
		opt.Eps = 1e-8
	}
	w = append([]float64(nil), w0...)
	g := make([]float64, d)
	var mom, vel []float64
	if opt.Method == Adam {
		mom, vel = make([]float64, d), make([]float64, d)
	}
	b1t, b2t := 1.0, 1.0
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
		switch opt.Method {
		case Adam:
			b1t *= opt.Beta1
			b2t *= opt.Beta2
			for k, gk := range g {
				mom[k] = opt.Beta1*mom[k] + (1-opt.Beta1)*gk
				vel[k] = opt.Beta2*vel[k] + (1-opt.Beta2)*gk*gk
				mh := mom[k] / (1 - b1t)
				vh := vel[k] / (1 - b2t)
				w[k] -= opt.LR * mh / (math.Sqrt(vh) + opt.Eps)
			}
		default:
			for k, gk := range g {
				w[k] -= opt.LR * gk
			}
		}
	}
	return w, m.LossGrad(nil, w, nil)
}
