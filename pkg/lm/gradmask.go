// Copyright ©2026 The susclab Authors.

package lm

import "slices"

// gradPlan is what the backward pass of a gradient mask needs.
type gradPlan struct {
	mask    []bool
	unembed bool   // U or the final gain has a masked coordinate
	embed   bool   // E or P has a masked coordinate
	layer   []bool // layer l has a masked coordinate: its weight gradients are needed
	lowest  int    // the last layer the backward pass visits (L: none)
}

// SetGradientMask makes LossGrad compute the gradient only where mask is
// true (length Dim; nil restores the full gradient): those entries are
// bit for bit the full gradient's, the others are 0. The backward pass
// skips what the masked coordinates do not need: the unembedding's
// gradient if U is not masked, the weight gradients of layers without a
// masked coordinate, and everything below the lowest layer that has one
// (unless an embedding is masked). A restricted chain, which moves only
// its component's coordinates, needs no more; for a layer-1 head of the
// default model that is about a third of a step. The mask is copied; it
// applies to m and to the replicas made from it afterwards.
func (m *Model) SetGradientMask(mask []bool) {
	if mask == nil {
		m.plan = nil
		return
	}
	lay := m.lay
	if len(mask) != lay.Dim {
		panic("lm: SetGradientMask: len(mask) != Dim")
	}
	any := func(lo, hi int) bool { return slices.Contains(mask[lo:hi], true) }
	p := &gradPlan{mask: slices.Clone(mask), layer: make([]bool, lay.L), lowest: lay.L}
	p.embed = any(lay.Embed, lay.PosEnd)
	p.unembed = any(lay.Unembed, lay.Dim) || (lay.LNF >= 0 && any(lay.LNF, lay.LNF+lay.D))
	for l := lay.L - 1; l >= 0; l-- {
		lo, hi := lay.QKV[l], lay.O[l]+lay.D*lay.D
		if lay.LN1 != nil {
			lo = lay.LN1[l]
		}
		if lay.M > 0 {
			hi = lay.Out[l] + lay.M*lay.D
		}
		if p.layer[l] = any(lo, hi); p.layer[l] {
			p.lowest = l
		}
	}
	if p.embed {
		p.lowest = 0
	}
	m.plan = p
}

// needs reports, for the backward pass, whether the unembedding's gradient
// is needed, the last layer to visit, and whether layer l's weight
// gradients and the gradient below layer l are needed.
func (p *gradPlan) needUnembed() bool { return p == nil || p.unembed }
func (p *gradPlan) stop() int {
	if p == nil {
		return 0
	}
	return p.lowest
}
func (p *gradPlan) needWeights(l int) bool { return p == nil || p.layer[l] }
func (p *gradPlan) needBelow(l int) bool   { return p == nil || l > p.lowest || p.embed }

// zeroUnmasked sets the entries outside the mask to 0.
func (p *gradPlan) zeroUnmasked(grad []float64) {
	if p == nil {
		return
	}
	for i, on := range p.mask {
		if !on {
			grad[i] = 0
		}
	}
}
