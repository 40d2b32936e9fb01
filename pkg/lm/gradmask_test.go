// Copyright ©2026 The susclab Authors.

package lm

import (
	"math/rand/v2"
	"testing"
)

// A gradient mask gives the full gradient's entries bit for bit where the
// mask is true and 0 elsewhere, for every component's mask (heads, the
// embeddings, the unembedding, a layer's MLP), a single coordinate and a
// random mask, in every architecture; nil restores the full gradient, and
// replicas and views keep the mask.
func TestGradientMask(t *testing.T) {
	for name, cfg := range map[string]Config{"attention-only": small, "MLP": smallMLP, "LayerNorm": smallLN, "LayerNorm+MLP": smallLNMLP} {
		t.Run(name, func(t *testing.T) {
			m, w := smallModelOf(cfg, 2)
			names, masks := m.Components()
			rng := rand.New(rand.NewPCG(4, 4))
			single := make([]bool, m.Dim())
			single[m.Layout().WO(1, 3, 2)] = true
			random := make([]bool, m.Dim())
			for i := range random {
				random[i] = rng.IntN(7) == 0
			}
			names, masks = append(names, "one coordinate", "random"), append(masks, single, random)
			full := make([]float64, m.Dim())
			batch := []int{8, 9, 10, 11, 12, 13, 14, 15, 3, 21}
			lf := m.LossGrad(full, w, batch)
			for c, mask := range masks {
				r := m.Replicate()
				r.SetGradientMask(mask)
				for _, v := range []*Model{r, r.Replicate(), r.Subset([]int{0, 1, 2, 3, 4})} {
					g := make([]float64, m.Dim())
					for i := range g {
						g[i] = 1 // LossGrad overwrites
					}
					if l := v.LossGrad(g, w, batch); l != lf {
						t.Fatalf("%s: loss %v, unmasked %v", names[c], l, lf)
					}
					for i, on := range mask {
						if want := map[bool]float64{true: full[i], false: 0}[on]; g[i] != want {
							t.Fatalf("%s: grad[%d] = %v, want %v (masked %v)", names[c], i, g[i], want, on)
						}
					}
				}
				r.SetGradientMask(nil)
				g := make([]float64, m.Dim())
				r.LossGrad(g, w, batch)
				for i := range g {
					if g[i] != full[i] {
						t.Fatalf("%s: after SetGradientMask(nil), grad[%d] = %v, want %v", names[c], i, g[i], full[i])
					}
				}
			}
		})
	}
	m, _ := smallModelOf(small, 2)
	defer func() {
		if recover() == nil {
			t.Error("a mask of the wrong length was accepted")
		}
	}()
	m.SetGradientMask(make([]bool, 3))
}
