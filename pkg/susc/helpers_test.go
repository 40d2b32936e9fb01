package susc

import (
	"math"
	"sync/atomic"
)

// gaussModel is l_i(w) = ||y_i - w||²/2 with data y (n × d, row-major); its
// full-batch loss uses sufficient statistics.
type gaussModel struct {
	d, n  int
	y     []float64
	mean  []float64
	meanS float64 // mean of ||y_i||²
	calls *atomic.Int64
	// cancelAt, if set, is called once when calls reaches its threshold.
	onCall func(n int64)
}

func newGaussModel(d int, y []float64) *gaussModel {
	n := len(y) / d
	m := &gaussModel{d: d, n: n, y: y, mean: make([]float64, d), calls: new(atomic.Int64)}
	for i := range n {
		for k := range d {
			v := y[i*d+k]
			m.mean[k] += v / float64(n)
			m.meanS += v * v / float64(n)
		}
	}
	return m
}

func (m *gaussModel) Dim() int     { return m.d }
func (m *gaussModel) NumData() int { return m.n }

func (m *gaussModel) LossGrad(grad, w []float64, batch []int) float64 {
	if c := m.calls.Add(1); m.onCall != nil {
		m.onCall(c)
	}
	if batch == nil {
		// (1/n) Σ ||y_i - w||²/2 = (meanS - 2 w·ȳ + ||w||²)/2
		var wy, ww float64
		for k := range m.d {
			wy += w[k] * m.mean[k]
			ww += w[k] * w[k]
			if grad != nil {
				grad[k] = w[k] - m.mean[k]
			}
		}
		return 0.5 * (m.meanS - 2*wy + ww)
	}
	if grad != nil {
		for k := range grad {
			grad[k] = 0
		}
	}
	var loss float64
	inv := 1 / float64(len(batch))
	for _, i := range batch {
		for k := range m.d {
			r := w[k] - m.y[i*m.d+k]
			loss += 0.5 * r * r * inv
			if grad != nil {
				grad[k] += r * inv
			}
		}
	}
	return loss
}

func (m *gaussModel) PointLosses(dst, w []float64, idx []int) {
	if idx == nil {
		idx = make([]int, m.n)
		for i := range idx {
			idx[i] = i
		}
	}
	for j, i := range idx {
		var l float64
		for k := range m.d {
			r := w[k] - m.y[i*m.d+k]
			l += 0.5 * r * r
		}
		dst[j] = l
	}
}

// gaussData returns n samples in d dimensions, deterministic, with means mu.
func gaussData(n int, mu []float64) []float64 {
	d := len(mu)
	y := make([]float64, n*d)
	for i := range n {
		for k := range d {
			y[i*d+k] = mu[k] + math.Sin(float64(1+i*d+k)*1.7)
		}
	}
	return y
}

// scratchModel holds scratch memory and replicates structurally: its
// Replicate returns *scratchModel, not Model.
type scratchModel struct {
	*gaussModel
	buf      []float64
	replicas *atomic.Int64
}

func (m *scratchModel) Replicate() *scratchModel {
	m.replicas.Add(1)
	return &scratchModel{gaussModel: m.gaussModel, buf: make([]float64, m.d), replicas: m.replicas}
}

func (m *scratchModel) LossGrad(grad, w []float64, batch []int) float64 {
	copy(m.buf, w) // a data race if two chains shared m
	return m.gaussModel.LossGrad(grad, m.buf, batch)
}
