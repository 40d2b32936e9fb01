// Copyright ©2026 The susclab Authors.

package lm

import "fmt"

// HeadName returns the component name of head h of layer l, "l{l}h{h}".
func HeadName(l, h int) string { return fmt.Sprintf("l%dh%d", l, h) }

// Components returns the model's components for restricted chains, each a
// name and a mask over the Dim parameters: "embed" (E), "pos" (P), one per
// head "l{layer}h{head}" in order of layer then head (its columns of W_Q,
// W_K and W_V and its rows of W_O, see Layout), with an MLP block one
// "l{layer}mlp" after the layer's heads (W_in and W_out), with layer norms
// one "l{layer}ln" (the layer's gains) after those and "lnf" (the final
// gain), and "unembed" (U). The masks are disjoint; together they cover
// every parameter.
func (m *Model) Components() (names []string, masks [][]bool) {
	lay := m.lay
	block := func(lo, hi int) []bool {
		mask := make([]bool, lay.Dim)
		for k := lo; k < hi; k++ {
			mask[k] = true
		}
		return mask
	}
	names = append(names, "embed", "pos")
	masks = append(masks, block(lay.Embed, lay.Pos), block(lay.Pos, lay.PosEnd))
	for l := 0; l < lay.L; l++ {
		for h := 0; h < lay.H; h++ {
			mask := make([]bool, lay.Dim)
			for i := 0; i < lay.D; i++ {
				for c := h * lay.DHead; c < (h+1)*lay.DHead; c++ {
					mask[lay.WQ(l, i, c)] = true
					mask[lay.WK(l, i, c)] = true
					mask[lay.WV(l, i, c)] = true
					mask[lay.WO(l, c, i)] = true
				}
			}
			names = append(names, HeadName(l, h))
			masks = append(masks, mask)
		}
		if lay.M > 0 {
			names = append(names, fmt.Sprintf("l%dmlp", l))
			masks = append(masks, block(lay.In[l], lay.Out[l]+lay.M*lay.D))
		}
		if lay.LNF >= 0 {
			mask := block(lay.LN1[l], lay.LN1[l]+lay.D)
			if lay.M > 0 {
				for k := lay.LN2[l]; k < lay.LN2[l]+lay.D; k++ {
					mask[k] = true
				}
			}
			names = append(names, fmt.Sprintf("l%dln", l))
			masks = append(masks, mask)
		}
	}
	if lay.LNF >= 0 {
		names = append(names, "lnf")
		masks = append(masks, block(lay.LNF, lay.LNF+lay.D))
	}
	names = append(names, "unembed")
	masks = append(masks, block(lay.Unembed, lay.Dim))
	return names, masks
}

// AblateHead writes into dst (nil: allocate) a copy of w with head h of
// layer l switched off, its rows of W_O set to zero, so that it adds
// nothing to the residual stream, and returns dst. dst may be w.
func (m *Model) AblateHead(dst, w []float64, l, h int) []float64 {
	m.checkW(w)
	lay := m.lay
	if l < 0 || l >= lay.L || h < 0 || h >= lay.H {
		panic("lm: AblateHead: no such head")
	}
	if dst == nil {
		dst = make([]float64, lay.Dim)
	}
	if len(dst) != lay.Dim {
		panic("lm: AblateHead: len(dst) != Dim")
	}
	copy(dst, w)
	for c := h * lay.DHead; c < (h+1)*lay.DHead; c++ {
		clear(dst[lay.WO(l, c, 0) : lay.WO(l, c, 0)+lay.D])
	}
	return dst
}

// AblationLosses returns, for every head (index l·H + h), the mean loss
// over the samples idx (nil: all) with that head ablated (AblateHead), and
// the mean loss of the intact model.
func (m *Model) AblationLosses(w []float64, idx []int) (ablated []float64, intact float64) {
	intact = m.LossGrad(nil, w, idx)
	wa := make([]float64, len(w))
	for l := 0; l < m.lay.L; l++ {
		for h := 0; h < m.lay.H; h++ {
			m.AblateHead(wa, w, l, h)
			ablated = append(ablated, m.LossGrad(nil, wa, idx))
		}
	}
	return ablated, intact
}

// Attention runs the model on one window of input tokens (1 <= len(tokens)
// <= T; positions 0..len-1) and writes every head's attention weights
// into dst (nil: allocate), dst[((l·H + h)·n + t)·n + j] = A_lh[t, j] for
// n = len(tokens), the weight query position t gives key position j
// (zero for j > t; each row sums to 1), and returns dst. It uses the
// model's scratch: not safe for concurrent use.
func (m *Model) Attention(dst, w []float64, tokens []int) []float64 {
	m.checkW(w)
	lay := m.lay
	n := len(tokens)
	if n < 1 || n > lay.T {
		panic("lm: Attention: need 1..T tokens")
	}
	for _, t := range tokens {
		if t < 0 || t >= lay.V {
			panic("lm: Attention: token out of range")
		}
	}
	size := lay.L * lay.H * n * n
	if dst == nil {
		dst = make([]float64, size)
	}
	if len(dst) != size {
		panic("lm: Attention: wrong len(dst)")
	}
	// The forward pass reads inputs only (no targets without a loss).
	ws := m.sc.wins[:1]
	ws[0] = winRef{in: tokens, m: n}
	m.forward(w, ws, n)
	for l := 0; l < lay.L; l++ {
		for h := 0; h < lay.H; h++ {
			A := m.sc.att[l][h*lay.T*lay.T:]
			for t := 0; t < n; t++ {
				copy(dst[((l*lay.H+h)*n+t)*n:][:n], A[t*lay.T:t*lay.T+n])
			}
		}
	}
	return dst
}
