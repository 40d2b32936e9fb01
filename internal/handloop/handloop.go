// Package handloop is the machine's limit for the speed benchmarks: SGLD on
// normal crossing f = w0·w1² (powers (1,2)) written out by hand, with
//
//	L_n = c0 + c1 (f - f̂) + c2 (f - f̂)²/2
//
// from sufficient statistics (as toy.NormalCrossing does), no interfaces and
// no allocation. The library's ratio to it measures its overhead.
package handloop

import (
	"math"
	"math/rand/v2"
)

// NormalCrossing12 holds the sufficient statistics and the SGLD constants.
type NormalCrossing12 struct {
	c1, c2, fhat     float64
	nb, gamma        float64
	half, sd         float64
	W0, W1, DLossSum float64 // state, and a sum the compiler cannot drop
}

// New prepares the loop for data x, y and step ε of docs/theory.md §2.1 at nβ, γ,
// centred at w* = 0.
func New(x, y []float64, nb, gamma, eps float64) *NormalCrossing12 {
	var sxx, sxy float64
	for i := range x {
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	n := float64(len(x))
	h := &NormalCrossing12{c2: sxx / n, fhat: sxy / sxx, nb: nb, gamma: gamma, half: eps / 2, sd: math.Sqrt(eps)}
	for i := range x {
		h.c1 -= x[i] * (y[i] - x[i]*h.fhat)
	}
	h.c1 /= n
	return h
}

// Run takes steps SGLD steps with normal draws from rng.
func (h *NormalCrossing12) Run(steps int, rng *rand.Rand) {
	w0, w1, s := h.W0, h.W1, h.DLossSum
	for range steps {
		f := w0 * w1 * w1
		dldf := h.c1 + h.c2*(f-h.fhat)
		s += dldf
		g0, g1 := dldf*w1*w1, dldf*2*w0*w1
		w0 += -h.half*(h.nb*g0+h.gamma*w0) + h.sd*rng.NormFloat64()
		w1 += -h.half*(h.nb*g1+h.gamma*w1) + h.sd*rng.NormFloat64()
	}
	h.W0, h.W1, h.DLossSum = w0, w1, s
}

// Diverged reports a NaN or infinite state.
func (h *NormalCrossing12) Diverged() bool {
	v := h.W0 + h.W1 + h.DLossSum
	return math.IsNaN(v) || math.IsInf(v, 0)
}
