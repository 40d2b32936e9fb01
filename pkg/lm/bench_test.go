// Copyright ©2026 The susclab Authors.

package lm

import (
	"math/rand/v2"
	"testing"
)

// denseFlops returns the floating-point operations of one forward pass on
// `windows` full windows, counted as a standard dense implementation does
// them (2 per multiply-add, full T×T attention products): the reference for
// GFLOP/s. The backward pass has exactly two products per forward product,
// so forward and backward together are 3× this.
func denseFlops(lay Layout, windows int) float64 {
	T, d, V := float64(lay.T), float64(lay.D), float64(lay.V)
	perLayer := 3*T*d*d + 2*T*T*d + T*d*d // [Q|K|V], S and A·V over all heads, W_O
	return 2 * float64(windows) * (float64(lay.L)*perLayer + T*d*V)
}

// benchModel is the default architecture on random tokens over 96 symbols
// (the size of the Go-source vocabulary), 64 windows.
func benchModel() (*Model, []float64, []int) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := New(Config{}, 96, randTokens(rng, 64*64+1, 96))
	w := m.Init(rng)
	batch := make([]int, 256) // 4 whole windows
	for i := range batch {
		batch[i] = 10*64 + i
	}
	return m, w, batch
}

// BenchmarkLossGrad: loss and gradient on a window-aligned batch of 256
// tokens (4 windows) at the default size (T=64, d=64, H=4, L=2, V=96).
func BenchmarkLossGrad(b *testing.B) {
	m, w, batch := benchModel()
	g := make([]float64, m.Dim())
	m.LossGrad(g, w, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.LossGrad(g, w, batch)
	}
	b.ReportMetric(3*denseFlops(m.lay, 4)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkLoss: the loss alone on the same batch.
func BenchmarkLoss(b *testing.B) {
	m, w, batch := benchModel()
	m.LossGrad(nil, w, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.LossGrad(nil, w, batch)
	}
	b.ReportMetric(denseFlops(m.lay, 4)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
