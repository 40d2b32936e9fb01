// Copyright ©2026 The susclab Authors.

package lm

import "math"

// lnEps is the ε of the layer norms: y = g ⊙ (x - mean x)/√(var x + ε).
const lnEps = 1e-5

// lnBuf holds one layer norm's activations for the backward pass.
type lnBuf struct {
	hat []float64 // rows×d: (x - mean)/σ
	y   []float64 // rows×d: g ⊙ hat, the output
	inv []float64 // rows: 1/σ, σ = √(var + ε)
}

func newLNBuf(rows, d int) lnBuf {
	return lnBuf{hat: make([]float64, rows*d), y: make([]float64, rows*d), inv: make([]float64, rows)}
}

// lnGains returns the offsets of every layer-norm gain (none without
// LayerNorm).
func (lay *Layout) lnGains() []int {
	if lay.LNF < 0 {
		return nil
	}
	gs := append(append([]int(nil), lay.LN1...), lay.LN2...)
	return append(gs, lay.LNF)
}

// layerNorm writes, for each of the rows of x (width d), the normalized row
// hat = (x - μ)/σ and y = g ⊙ hat into b, σ = √(mean (x-μ)² + ε).
func layerNorm(b lnBuf, x, g []float64, rows, d int) {
	g = g[:d]
	for r := 0; r < rows; r++ {
		xr, hr, yr := x[r*d:(r+1)*d], b.hat[r*d:(r+1)*d], b.y[r*d:(r+1)*d]
		var mu float64
		for _, v := range xr {
			mu += v
		}
		mu /= float64(d)
		var v2 float64
		for _, v := range xr {
			v2 += (v - mu) * (v - mu)
		}
		inv := 1 / math.Sqrt(v2/float64(d)+lnEps)
		b.inv[r] = inv
		for c, v := range xr {
			h := (v - mu) * inv
			hr[c] = h
			yr[c] = g[c] * h
		}
	}
}

// lnBackward is the backward pass of layerNorm: from dy = ∂/∂y it adds
// ∂/∂g to dg and ∂/∂x to dx,
//
//	dĥ = dy ⊙ g,  ∂g += Σ_rows dy ⊙ hat,
//	∂x += (1/σ)(dĥ - mean(dĥ) - hat·mean(dĥ ⊙ hat)).
func lnBackward(b lnBuf, dy, g, dg, dx []float64, rows, d int) {
	g, dg = g[:d], dg[:d]
	for r := 0; r < rows; r++ {
		dyr, hr, dxr := dy[r*d:(r+1)*d], b.hat[r*d:(r+1)*d], dx[r*d:(r+1)*d]
		var m1, m2 float64
		for c, v := range dyr {
			dg[c] += v * hr[c]
			dh := v * g[c]
			m1 += dh
			m2 += dh * hr[c]
		}
		m1 /= float64(d)
		m2 /= float64(d)
		inv := b.inv[r]
		for c, v := range dyr {
			dxr[c] += inv * (v*g[c] - m1 - hr[c]*m2)
		}
	}
}
