// Copyright ©2026 The susclab Authors.

package attrib

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
)

// Gradients writes the per-sample gradients ∇l_i(w), i = idx[r] (nil: every
// sample in order), into the rows of dst and returns it: the gradient of
// the model's mean loss over the batch {i}. If dst is nil a new matrix is
// allocated; otherwise it must be len(idx) × Dim(). Gradients calls m from
// this goroutine only and allocates nothing per sample. It panics if
// len(w) != Dim() or an index is out of range, and returns an error if a
// gradient is not finite.
func Gradients(dst *mat.Dense, m susc.Model, w []float64, idx []int) (*mat.Dense, error) {
	d, n := m.Dim(), m.NumData()
	if len(w) != d {
		panic(fmt.Sprintf("attrib: Gradients: len(w) = %d, Dim = %d", len(w), d))
	}
	rows := len(idx)
	if idx == nil {
		rows = n
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			panic(fmt.Sprintf("attrib: Gradients: sample %d out of range [0, %d)", i, n))
		}
	}
	if dst == nil {
		dst = mat.NewDense(rows, d, nil)
	} else if r, c := dst.Dims(); r != rows || c != d {
		panic(fmt.Sprintf("attrib: Gradients: dst is %d×%d, want %d×%d", r, c, rows, d))
	}
	batch := make([]int, 1)
	for r := range rows {
		batch[0] = r
		if idx != nil {
			batch[0] = idx[r]
		}
		g := dst.RawRowView(r)
		m.LossGrad(g, w, batch)
		for _, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return dst, fmt.Errorf("attrib: gradient of sample %d is not finite", batch[0])
			}
		}
	}
	return dst, nil
}

// checkTrain validates a training model and weights.
func checkTrain(m susc.Model, w []float64) error {
	if m == nil {
		return fmt.Errorf("attrib: nil training model")
	}
	if m.Dim() < 1 || m.NumData() < 1 {
		return fmt.Errorf("attrib: training model has %d parameters and %d samples", m.Dim(), m.NumData())
	}
	if len(w) != m.Dim() {
		return fmt.Errorf("attrib: %d weights for a model of %d parameters", len(w), m.Dim())
	}
	for k, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("attrib: weight %d is %v", k, v)
		}
	}
	return nil
}
