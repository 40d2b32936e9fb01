// Copyright ©2026 The susclab Authors.

package toy

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Density1D specifies the one-dimensional tempered, localized, perturbed posterior
//
//	p_h(x) ∝ exp( -nβ (V(x) + h D(x)) - γ/2 (x - c)² )
//
// used for exact expectations in FDT checks (docs/theory.md §9.3): with D = ΔL,
// ∂_h <φ>_h = -nβ Cov_h(φ, D).
type Density1D struct {
	V      func(x float64) float64 // potential (loss) V; required
	D      func(x float64) float64 // perturbation D = ΔL; nil means D = 0
	H      float64                 // perturbation strength h
	NBeta  float64                 // nβ >= 0
	Gamma  float64                 // localization γ >= 0
	Center float64                 // prior centre c

	// Panels and Order set the composite Gauss–Legendre rule (Panels
	// panels of Order nodes each on the integration range). Zero values
	// mean 200 and 20.
	Panels, Order int
}

// logDensity returns the unnormalized log density at x.
func (d *Density1D) logDensity(x float64) float64 {
	e := d.V(x)
	if d.D != nil && d.H != 0 {
		e += d.H * d.D(x)
	}
	dx := x - d.Center
	return -d.NBeta*e - d.Gamma/2*dx*dx
}

// Posterior1D is a discretization of a Density1D: nodes X and normalized
// weights W (Σ W = 1) such that E[f] ≈ Σ_k W_k f(X_k). For smooth V and D
// the relative accuracy is ~1e-12 or better.
type Posterior1D struct {
	X, W   []float64
	Lo, Hi float64 // integration range: where log p falls below max - 45
}

// logCut is the drop of the log density below its maximum at which the
// integration range is cut: e^-45 ≈ 3e-20.
const logCut = 45

// NewPosterior1D locates the bulk of the density d (the interval where
// log p > max log p - 45, found by grid scans that expand and then shrink the
// range around the centre) and discretizes it by composite Gauss–Legendre.
// It returns an error if the density cannot be normalized (no such finite
// interval is found) or is not finite. Features narrower than 1/4000 of the
// initial scan range (√(90/γ), or 1 when γ = 0) may be missed.
func NewPosterior1D(d Density1D) (*Posterior1D, error) {
	if d.V == nil {
		return nil, errors.New("toy: Density1D.V is nil")
	}
	panels, order := d.Panels, d.Order
	if panels <= 0 {
		panels = 200
	}
	if order <= 0 {
		order = 20
	}
	r := 1.0
	if d.Gamma > 0 {
		r = math.Sqrt(2 * logCut / d.Gamma)
	}
	lo, hi := d.Center-r, d.Center+r
	const ngrid = 4001
	scan := func(lo, hi float64) (max float64, first, last int, xs func(int) float64) {
		xs = func(k int) float64 { return lo + (hi-lo)*float64(k)/(ngrid-1) }
		max = math.Inf(-1)
		for k := 0; k < ngrid; k++ {
			if v := d.logDensity(xs(k)); v > max {
				max = v
			}
		}
		first, last = -1, -1
		for k := 0; k < ngrid; k++ {
			if d.logDensity(xs(k)) > max-logCut {
				if first < 0 {
					first = k
				}
				last = k
			}
		}
		return max, first, last, xs
	}
	// Expand until both ends are far below the maximum.
	for it := 0; ; it++ {
		max, first, last, _ := scan(lo, hi)
		if math.IsNaN(max) || math.IsInf(max, 0) {
			return nil, errors.New("toy: Density1D log density not finite")
		}
		if first > 0 && last < ngrid-1 {
			break
		}
		if it > 60 {
			return nil, errors.New("toy: Density1D not normalizable (range diverges)")
		}
		w := hi - lo
		if first == 0 {
			lo -= w
		}
		if last == ngrid-1 {
			hi += w
		}
	}
	// Shrink to the bulk (twice, so a narrow peak is resolved).
	for it := 0; it < 3; it++ {
		_, first, last, xs := scan(lo, hi)
		if first < 0 {
			break
		}
		nlo, nhi := xs(max(first-1, 0)), xs(min(last+1, ngrid-1))
		lo, hi = nlo, nhi
	}

	p := &Posterior1D{Lo: lo, Hi: hi, X: make([]float64, panels*order), W: make([]float64, panels*order)}
	gx := make([]float64, order)
	gw := make([]float64, order)
	quad.Legendre{}.FixedLocations(gx, gw, -1, 1)
	h := (hi - lo) / float64(panels)
	for j := 0; j < panels; j++ {
		a := lo + float64(j)*h
		for k := range gx {
			p.X[j*order+k] = a + h*(gx[k]+1)/2
			p.W[j*order+k] = gw[k] * h / 2
		}
	}
	maxLog := math.Inf(-1)
	logs := make([]float64, len(p.X))
	for k, x := range p.X {
		logs[k] = d.logDensity(x)
		maxLog = math.Max(maxLog, logs[k])
	}
	var z float64
	for k := range p.W {
		p.W[k] *= math.Exp(logs[k] - maxLog)
		z += p.W[k]
	}
	if !(z > 0) || math.IsInf(z, 0) {
		return nil, errors.New("toy: Density1D normalization failed")
	}
	for k := range p.W {
		p.W[k] /= z
	}
	return p, nil
}

// Expect returns E[f(x)] under the density.
func (p *Posterior1D) Expect(f func(x float64) float64) float64 {
	var s float64
	for k, x := range p.X {
		s += p.W[k] * f(x)
	}
	return s
}

// Cov returns Cov(f, g) = E[(f - E f)(g - E g)], computed in two passes.
func (p *Posterior1D) Cov(f, g func(x float64) float64) float64 {
	ef, eg := p.Expect(f), p.Expect(g)
	var s float64
	for k, x := range p.X {
		s += p.W[k] * (f(x) - ef) * (g(x) - eg)
	}
	return s
}

// Mean returns E[x].
func (p *Posterior1D) Mean() float64 { return p.Expect(func(x float64) float64 { return x }) }

// Var returns Var(x).
func (p *Posterior1D) Var() float64 {
	id := func(x float64) float64 { return x }
	return p.Cov(id, id)
}
