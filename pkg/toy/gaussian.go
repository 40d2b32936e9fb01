// Copyright ©2026 The susclab Authors.

package toy

import (
	"math/rand/v2"
)

// GaussianMean is the problem of estimating the mean of d-dimensional data:
// samples y_1..y_n ∈ R^d, parameters w ∈ R^d and per-sample loss
//
//	l_i(w) = ||y_i - w||² / 2          ∇l_i(w) = w - y_i
//
// (the negative log-likelihood of N(w, I) up to a constant). The empirical
// loss is exactly quadratic,
//
//	L_n(w) = L_n(ȳ) + ||w - ȳ||²/2      ∇L_n(w) = w - ȳ,
//
// so the full-batch LossGrad costs O(d), independent of n. The tempered,
// localized posterior (docs/theory.md §1.2, §9.1) is Gaussian and every expectation is
// known in closed form: see PosteriorMean, PosteriorVar, Susceptibility and LLC.
//
// A GaussianMean is read-only after construction and safe for concurrent use.
// Create one with NewGaussianMean or GaussianMeanData; the zero value is not usable.
type GaussianMean struct {
	n, d int
	y    []float64 // n×d row-major data
	mean []float64 // ȳ
	l0   float64   // L_n(ȳ) computed by the explicit loop
	g0   []float64 // ∇L_n(ȳ) computed by the explicit loop (≈ 0, round-off only)
}

// NewGaussianMean returns the Gaussian mean model for the n = len(y)/d samples
// stored row-major in y (sample i is y[i*d:(i+1)*d]). The data are copied.
// It panics if d < 1, len(y) is not a positive multiple of d.
func NewGaussianMean(d int, y []float64) *GaussianMean {
	if d < 1 || len(y) == 0 || len(y)%d != 0 {
		panic("toy: bad GaussianMean data shape")
	}
	n := len(y) / d
	m := &GaussianMean{n: n, d: d, y: append([]float64(nil), y...), mean: make([]float64, d), g0: make([]float64, d)}
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			m.mean[k] += m.y[i*d+k]
		}
	}
	for k := range m.mean {
		m.mean[k] /= float64(n)
	}
	m.l0 = m.loop(m.g0, m.mean, nil)
	return m
}

// GaussianMeanData draws n samples y_i ~ N(mean, sd² I) from rng and returns
// the model for them; d = len(mean).
func GaussianMeanData(rng *rand.Rand, n int, mean []float64, sd float64) *GaussianMean {
	d := len(mean)
	y := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			y[i*d+k] = mean[k] + sd*rng.NormFloat64()
		}
	}
	return NewGaussianMean(d, y)
}

// Dim returns d.
func (m *GaussianMean) Dim() int { return m.d }

// NumData returns n.
func (m *GaussianMean) NumData() int { return m.n }

// Sample returns sample i (a view into the model's data; do not modify).
func (m *GaussianMean) Sample(i int) []float64 { return m.y[i*m.d : (i+1)*m.d : (i+1)*m.d] }

// Mean returns a copy of the data mean ȳ, the minimizer of L_n.
func (m *GaussianMean) Mean() []float64 { return append([]float64(nil), m.mean...) }

// LossGrad returns the mean of l_i(w) = ||y_i - w||²/2 over batch (nil: all n
// samples, via the sufficient statistics ȳ and L_n(ȳ) in O(d)) and, if grad
// is not nil, overwrites it with the gradient mean_i (w - y_i). It does not allocate.
func (m *GaussianMean) LossGrad(grad, w []float64, batch []int) float64 {
	checkLen(w, m.d, "GaussianMean: len(w) != Dim")
	if grad != nil {
		checkLen(grad, m.d, "GaussianMean: len(grad) != Dim")
	}
	if batch != nil {
		return m.loop(grad, w, batch)
	}
	// L(w) = L(ȳ) + g0·δ + ||δ||²/2,  ∇L(w) = g0 + δ,  δ = w - ȳ.
	loss := m.l0
	for k, wk := range w {
		dk := wk - m.mean[k]
		loss += m.g0[k]*dk + dk*dk/2
		if grad != nil {
			grad[k] = m.g0[k] + dk
		}
	}
	return loss
}

// loop is the explicit O(|batch| d) evaluation of LossGrad (batch nil: all samples).
func (m *GaussianMean) loop(grad, w []float64, batch []int) float64 {
	checkBatch(batch)
	if grad != nil {
		for k := range grad {
			grad[k] = 0
		}
	}
	nb := len(batch)
	if batch == nil {
		nb = m.n
	}
	var loss float64
	for b := 0; b < nb; b++ {
		i := b
		if batch != nil {
			i = batch[b]
		}
		yi := m.y[i*m.d : (i+1)*m.d]
		for k, wk := range w {
			r := wk - yi[k] // forward: l = Σ r²/2; backward: ∂l/∂w_k = r
			loss += r * r / 2
			if grad != nil {
				grad[k] += r
			}
		}
	}
	inv := 1 / float64(nb)
	if grad != nil {
		for k := range grad {
			grad[k] *= inv
		}
	}
	return loss * inv
}

// PointLosses writes l_i(w) = ||y_i - w||²/2 into dst for each i in idx (nil:
// all n samples in order). len(dst) must equal len(idx) (or n). It does not allocate.
func (m *GaussianMean) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, m.d, "GaussianMean: len(w) != Dim")
	if idx == nil {
		checkLen(dst, m.n, "GaussianMean: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "GaussianMean: len(dst) != len(idx)")
	}
	for b := range dst {
		i := b
		if idx != nil {
			i = idx[b]
		}
		yi := m.y[i*m.d : (i+1)*m.d]
		var s float64
		for k, wk := range w {
			r := wk - yi[k]
			s += r * r
		}
		dst[b] = s / 2
	}
}

// PosteriorVar returns 1/(nβ+γ): the posterior covariance of
// p(w) ∝ exp(-nβ L_n(w) - γ/2 ||w - c||²) is PosteriorVar·I (any centre c).
func (m *GaussianMean) PosteriorVar(nbeta, gamma float64) float64 { return 1 / (nbeta + gamma) }

// PosteriorMean writes the exact posterior mean (nβ ȳ + γ c)/(nβ + γ) of
// p(w) ∝ exp(-nβ L_n(w) - γ/2 ||w - c||²) into dst and returns it (dst nil:
// allocated). center nil means c = ȳ (then the mean is ȳ).
func (m *GaussianMean) PosteriorMean(dst []float64, nbeta, gamma float64, center []float64) []float64 {
	if dst == nil {
		dst = make([]float64, m.d)
	}
	for k := range dst {
		c := m.mean[k]
		if center != nil {
			c = center[k]
		}
		dst[k] = (nbeta*m.mean[k] + gamma*c) / (nbeta + gamma)
	}
	return dst
}

// Susceptibility writes, for each coordinate observable φ = w_k, the exact
// susceptibility χ_k = -Cov(w_k, ΔL) = (μ'_k - ȳ_k)/(nβ + γ) into dst and
// returns it (dst nil: allocated). Here ΔL = L'_n - L_n with L'_n the loss of
// the probe dataset (same d) whose mean is μ'. χ does not depend on the prior
// centre. The response is J_k = ∂<w_k>/∂h = nβ χ_k (docs/theory.md §3.2, §9.1).
func (m *GaussianMean) Susceptibility(dst []float64, probe *GaussianMean, nbeta, gamma float64) []float64 {
	if probe.d != m.d {
		panic("toy: GaussianMean probe dimension mismatch")
	}
	if dst == nil {
		dst = make([]float64, m.d)
	}
	for k := range dst {
		dst[k] = (probe.mean[k] - m.mean[k]) / (nbeta + gamma)
	}
	return dst
}

// LLC returns the exact finite-nβ value of the LLC estimand
// nβ (E[L_n(w)] - L_n(c)) for p(w) ∝ exp(-nβ L_n(w) - γ/2 ||w - c||²),
// center nil meaning c = ȳ. With m the posterior mean and s = 1/(nβ+γ),
// E[L_n] = L_n(m) + d s/2. For c = ȳ it is d nβ /(2(nβ+γ)) → d/2 as γ/nβ → 0.
func (m *GaussianMean) LLC(nbeta, gamma float64, center []float64) float64 {
	c := m.mean
	if center != nil {
		c = center
	}
	mu := m.PosteriorMean(nil, nbeta, gamma, c)
	s := 1 / (nbeta + gamma)
	return nbeta * (m.LossGrad(nil, mu, nil) + float64(m.d)*s/2 - m.LossGrad(nil, c, nil))
}
