// Copyright ©2026 The susclab Authors.

package lm

import (
	"math"
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

// BenchmarkSGLDStep is one step of the SGLD loop of bench/lm_torch.py, on
// the same model and batch shape (4 random whole windows of 64 tokens):
//
//	w ← w - (ε/2)[nβ ∇L_B(w) + γ(w - w*)] + √ε N(0, I),
//
// LossGrad plus the update with fresh Gaussian noise: steps/s = 1e9/(ns/op),
// comparable with the script's "SGLD with autograd" figure.
func BenchmarkSGLDStep(b *testing.B) {
	m, w, _ := benchModel()
	center := append([]float64(nil), w...)
	g := make([]float64, m.Dim())
	rng := rand.New(rand.NewPCG(2, 2))
	const eps, nbeta, gamma = 1e-7, 1000.0, 100.0
	sq := math.Sqrt(eps)
	batch := make([]int, 4*64)
	nw := m.NumData() / 64
	step := func() {
		for j := 0; j < 4; j++ {
			k := rng.IntN(nw)
			for p := 0; p < 64; p++ {
				batch[j*64+p] = k*64 + p
			}
		}
		m.LossGrad(g, w, batch)
		for k := range w {
			w[k] -= eps/2*(nbeta*g[k]+gamma*(w[k]-center[k])) - sq*rng.NormFloat64()
		}
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkLossGradMasked: LossGrad with the gradient masked to one head
// (SetGradientMask), as a restricted chain needs it: l1h0 skips the
// backward pass below layer 1, l0h0 only the unembedding's and layer 1's
// weight gradients.
func BenchmarkLossGradMasked(b *testing.B) {
	for _, head := range []string{"l0h0", "l1h0"} {
		b.Run(head, func(b *testing.B) {
			m, w, batch := benchModel()
			names, masks := m.Components()
			for i, n := range names {
				if n == head {
					m.SetGradientMask(masks[i])
				}
			}
			g := make([]float64, m.Dim())
			m.LossGrad(g, w, batch)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m.LossGrad(g, w, batch)
			}
		})
	}
}
