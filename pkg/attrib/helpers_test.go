// Copyright ©2026 The susclab Authors.

package attrib

import (
	"susclab/pkg/checkpoint"
	"susclab/pkg/toy"
)

// trajectory trains m by full-batch gradient descent at rate eta for steps
// steps from w0, one toy.Train call per step, and keeps every step as a
// checkpoint.
func trajectory(m toy.DataLossGrader, w0 []float64, eta float64, steps int) *checkpoint.Series {
	s := &checkpoint.Series{Name: "test", Dim: m.Dim()}
	w := append([]float64(nil), w0...)
	s.Add(0, m.LossGrad(nil, w, nil), w)
	for k := 1; k <= steps; k++ {
		var loss float64
		w, loss = toy.Train(m, w, toy.TrainConfig{Steps: 1, LR: eta})
		s.Add(k, loss, w)
	}
	return s
}
