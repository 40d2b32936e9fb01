// Copyright ©2026 The susclab Authors.

package toy

import "math/rand/v2"

// LossGrader is the part of a model that the trainers need. It has the same
// method set as the first three methods of the sampler's model contract, so
// every model in this package (and any model of the sampler) satisfies it.
type LossGrader interface {
	// Dim returns the number of parameters d.
	Dim() int
	// LossGrad returns the mean loss over batch (nil means all samples) and,
	// if grad != nil, overwrites grad with its gradient.
	LossGrad(grad, w []float64, batch []int) float64
}

// checkBatch panics if a non-nil batch is empty. An empty batch has no mean loss.
func checkBatch(batch []int) {
	if batch != nil && len(batch) == 0 {
		panic("toy: empty batch")
	}
}

// checkLen panics with msg if len(s) != n.
func checkLen(s []float64, n int, msg string) {
	if len(s) != n {
		panic("toy: " + msg)
	}
}

// RandomInit returns a vector of d independent N(0, scale²) entries drawn
// from rng: the usual small random initialization for Minimize.
func RandomInit(rng *rand.Rand, d int, scale float64) []float64 {
	w := make([]float64, d)
	for i := range w {
		w[i] = scale * rng.NormFloat64()
	}
	return w
}

// ipow returns x^k for an integer k >= 0 by repeated squaring.
func ipow(x float64, k int) float64 {
	switch k {
	case 0:
		return 1
	case 1:
		return x
	case 2:
		return x * x
	case 3:
		return x * x * x
	}
	r := 1.0
	for k > 0 {
		if k&1 == 1 {
			r *= x
		}
		x *= x
		k >>= 1
	}
	return r
}

// perSample is a model whose loss is a mean of per-sample terms, each
// adding its gradient into grad (nil: loss only).
type perSample interface {
	Dim() int
	sample(grad, w []float64, i int) float64
}

// meanLossGrad is LossGrad for a perSample model with n samples: the mean
// of the per-sample losses over batch (nil: all), and, if grad != nil, its
// gradient (overwritten). name prefixes the panics on bad lengths.
func meanLossGrad(m perSample, n int, name string, grad, w []float64, batch []int) float64 {
	checkLen(w, m.Dim(), name+": len(w) != Dim")
	checkBatch(batch)
	if grad != nil {
		checkLen(grad, m.Dim(), name+": len(grad) != Dim")
		clear(grad)
	}
	nb := len(batch)
	if batch == nil {
		nb = n
	}
	var loss float64
	for bi := 0; bi < nb; bi++ {
		i := bi
		if batch != nil {
			i = batch[bi]
		}
		loss += m.sample(grad, w, i)
	}
	inv := 1 / float64(nb)
	if grad != nil {
		for k := range grad {
			grad[k] *= inv
		}
	}
	return loss * inv
}
