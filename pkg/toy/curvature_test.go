// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"testing"
)

// TestCurvature checks V″ against a finite difference of V'.
func TestCurvature(t *testing.T) {
	p := Polynomial{Lambda: 1.5, Alpha: -2, Kappa: 3}
	for _, x := range []float64{-1.3, 0, 0.7} {
		d, e := RichardsonDeriv(p.Deriv, x, 1e-3)
		if got := p.Curvature(x); math.Abs(got-d) > e+1e-9 {
			t.Errorf("Polynomial V″(%g) = %g, finite difference %g ± %g", x, got, d, e)
		}
		for k := 1; k <= 3; k++ {
			m := Monomial{K: k}
			d, e := RichardsonDeriv(m.Deriv, x, 1e-3)
			if got := m.Curvature(x); math.Abs(got-d) > e+1e-9 {
				t.Errorf("Monomial{%d} V″(%g) = %g, finite difference %g ± %g", k, x, got, d, e)
			}
		}
	}
	if c := (Monomial{K: 2}).Curvature(0); c != 0 {
		t.Errorf("x⁴/4! has V″(0) = %g, want 0", c)
	}
}

// TestMonomialPosteriorVar checks the closed form against quadrature and the
// regular case Var = 1/nβ.
func TestMonomialPosteriorVar(t *testing.T) {
	if v := (Monomial{K: 1}).PosteriorVar(40); math.Abs(v-1.0/40) > 1e-15 {
		t.Errorf("K = 1: Var = %g, want 1/40", v)
	}
	for k := 1; k <= 3; k++ {
		m := Monomial{K: k}
		for _, nb := range []float64{3, 100, 1e5} {
			p, err := NewPosterior1D(Density1D{V: m.Value, NBeta: nb})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := m.PosteriorVar(nb), p.Var(); math.Abs(got/want-1) > 1e-9 {
				t.Errorf("K = %d, nβ = %g: closed form %.12g, quadrature %.12g", k, nb, got, want)
			}
		}
	}
}
