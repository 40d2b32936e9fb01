// Copyright ©2026 The susclab Authors.

package toy

import "math"

// Curvature returns V″(x) = λ + αx + κx²/2, the curvature that sets the
// SGLD step (the posterior potential's curvature is nβ V″ + γ).
func (p Polynomial) Curvature(x float64) float64 {
	return p.Lambda + x*(p.Alpha+x*p.Kappa/2)
}

// Curvature returns V″(x) = x^{2K-2}/(2K-2)! (0 for K = 0). It vanishes at
// x = 0 for K >= 2: the Hessian of a singular model.
func (m Monomial) Curvature(x float64) float64 {
	if m.K == 0 {
		return 0
	}
	return ipow(x, 2*m.K-2) / factorial(2*m.K-2)
}

// PosteriorVar returns the exact variance of x under exp(-nβ V(x)) (no
// localization, γ = 0), V = x^{2K}/(2K)!, K >= 1:
//
//	Var(x) = ((2K)!/nβ)^{1/K} Γ(3/2K) / Γ(1/2K)   ∝ (nβ)^{-1/K}.
//
// The slope -1/K on a log–log plot is the singular scaling of docs/theory.md §9.5
// (slope -1, the Laplace rate, only for the regular K = 1, where Var = 1/nβ).
func (m Monomial) PosteriorVar(nbeta float64) float64 {
	if m.K < 1 || !(nbeta > 0) {
		panic("toy: Monomial.PosteriorVar needs K >= 1 and nβ > 0")
	}
	k := float64(m.K)
	return math.Pow(factorial(2*m.K)/nbeta, 1/k) * math.Gamma(3/(2*k)) / math.Gamma(1/(2*k))
}
