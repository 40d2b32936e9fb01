package susc

import (
	"errors"
	"fmt"
	"math"
)

// Posterior is the localized, tempered posterior
//
//	p(w) ∝ exp( -nβ L_n(w) - (γ/2) ||w - w*||² - (δ/2) ||w||² )
//
// with L_n the mean loss of the model, nβ = NBeta, γ = Gamma, w* = Center and
// δ = WeightDecay (usually 0: no prior beyond the localization).
// Only the product nβ matters. It has no default: a zero NBeta is an error
// unless PriorOnly is set (the nβ = 0 control, where the sampler sees only the
// localizing Gaussian). Use NOverLogN for the usual choice nβ = n / log n.
type Posterior struct {
	// NBeta is nβ, the inverse temperature times the number of samples.
	// Required: must be > 0, or exactly 0 together with PriorOnly.
	NBeta float64
	// Gamma is the localization strength γ ≥ 0 (0 means no localization).
	Gamma float64
	// Center is w*, the trained parameters the chains start from and the
	// localization is centred at. Required, length Model.Dim().
	Center []float64
	// PriorOnly marks the nβ = 0 control; NBeta must then be 0.
	PriorOnly bool
	// WeightDecay is δ ≥ 0, the precision of an optional Gaussian prior
	// N(0, I/δ) centred at zero (weight decay), in addition to the
	// localization at w* (docs/theory.md §2.9). Zero means none.
	WeightDecay float64
}

// NOverLogN returns nβ = n / log n, the choice devinterp calls default_nbeta
// (β = 1/log n, Watanabe's WBIC temperature). It panics if n < 2.
func NOverLogN(n int) float64 {
	if n < 2 {
		panic("susc: NOverLogN needs n ≥ 2")
	}
	return float64(n) / math.Log(float64(n))
}

// Validate reports whether p is a valid posterior for a model of dimension dim.
func (p *Posterior) Validate(dim int) error {
	switch {
	case math.IsNaN(p.NBeta) || math.IsInf(p.NBeta, 0) || p.NBeta < 0:
		return fmt.Errorf("susc: Posterior.NBeta = %v, want a finite nβ > 0", p.NBeta)
	case p.NBeta == 0 && !p.PriorOnly:
		return errors.New("susc: Posterior.NBeta is 0; nβ has no default: set it (for example susc.NOverLogN(n)) or set PriorOnly for the nβ = 0 control")
	case p.NBeta != 0 && p.PriorOnly:
		return fmt.Errorf("susc: Posterior.PriorOnly is set but NBeta = %v; the nβ = 0 control needs NBeta = 0", p.NBeta)
	case math.IsNaN(p.Gamma) || math.IsInf(p.Gamma, 0) || p.Gamma < 0:
		return fmt.Errorf("susc: Posterior.Gamma = %v, want a finite γ ≥ 0", p.Gamma)
	case math.IsNaN(p.WeightDecay) || math.IsInf(p.WeightDecay, 0) || p.WeightDecay < 0:
		return fmt.Errorf("susc: Posterior.WeightDecay = %v, want a finite δ ≥ 0", p.WeightDecay)
	case len(p.Center) != dim:
		return fmt.Errorf("susc: Posterior.Center has length %d, model dimension is %d", len(p.Center), dim)
	}
	for i, c := range p.Center {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return fmt.Errorf("susc: Posterior.Center[%d] = %v is not finite", i, c)
		}
	}
	return nil
}

// potential returns U(w) = nβ L + (γ/2)||w - w*||² + (δ/2)||w||² given
// L = L_n(w).
func (p *Posterior) potential(loss float64, w []float64) float64 {
	var r2, w2 float64
	for i, c := range p.Center {
		d := w[i] - c
		r2 += d * d
		w2 += w[i] * w[i]
	}
	return p.NBeta*loss + 0.5*p.Gamma*r2 + 0.5*p.WeightDecay*w2
}

// prior returns the strength k and centre a of the Gaussian prior force
// (docs/theory.md §2.9):
//
//	γ (w - w*) + δ w = k (w - a),   k = γ + δ,   a = γ w* / (γ + δ).
//
// Without weight decay it returns γ and w* themselves, so that the kernels'
// arithmetic is unchanged bit for bit. With γ + δ = 0 (no prior) a is w*.
func (p *Posterior) prior() (k float64, a []float64) {
	if p.WeightDecay == 0 {
		return p.Gamma, p.Center
	}
	k = p.Gamma + p.WeightDecay
	a = make([]float64, len(p.Center))
	for i, c := range p.Center {
		a[i] = p.Gamma * c / k
	}
	return k, a
}
