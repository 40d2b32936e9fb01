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
// default model it saves about a third of the gradient's cost. The mask is
// copied; it applies to m and to the replicas and views (Subset, Select)
// made from it afterwards.
func (m *Model) SetGradientMask(mask []bool) {
	if mask == nil {
		m.plan = nil
		return
	}
	lay := m.lay
	if len(mask) != lay.Dim {
		panic("lm: SetGradientMask: len(mask) != Dim")
	}
	has := func(lo, hi int) bool { return slices.Contains(mask[lo:hi], true) }
	p := &gradPlan{mask: slices.Clone(mask), layer: make([]bool, lay.L), lowest: lay.L}
	p.embed = has(lay.Embed, lay.PosEnd)
	p.unembed = has(lay.Unembed, lay.Dim) || (lay.LNF >= 0 && has(lay.LNF, lay.LNF+lay.D))
	for l := lay.L - 1; l >= 0; l-- {
		lo, hi := lay.QKV[l], lay.O[l]+lay.D*lay.D
		if lay.LN1 != nil {
			lo = lay.LN1[l]
		}
		if lay.M > 0 {
			hi = lay.Out[l] + lay.M*lay.D
		}
		if p.layer[l] = has(lo, hi); p.layer[l] {
			p.lowest = l
		}
	}
	if p.embed {
		p.lowest = 0
	}
	m.plan = p
}

// needUnembed reports whether the unembedding's (and final gain's)
// gradient is needed.
func (p *gradPlan) needUnembed() bool { return p == nil || p.unembed }

// needResidual reports whether the gradient with respect to the last
// residual stream is needed at all (some layer or an embedding is masked).
func (p *gradPlan) needResidual() bool { return p == nil || p.lowest < len(p.layer) || p.embed }

// stop returns the last layer the backward pass visits (L: none).
func (p *gradPlan) stop() int {
	if p == nil {
		return 0
	}
	return p.lowest
}

// needWeights reports whether layer l's weight gradients are needed.
func (p *gradPlan) needWeights(l int) bool { return p == nil || p.layer[l] }

// needBelow reports whether the gradient below layer l is needed.
func (p *gradPlan) needBelow(l int) bool { return p == nil || l > p.lowest || p.embed }

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
