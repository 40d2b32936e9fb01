// Copyright ©2026 The susclab Authors.

package toy

import "math"

// RichardsonDeriv returns f'(x) by central differences with one Richardson
// extrapolation,
//
//	D_s = (f(x+s) - f(x-s)) / 2s,     d = (4 D_δ - D_2δ) / 3,
//
// whose truncation error is O(δ⁴) for smooth f, and errEst = |D_δ - D_2δ|/3
// + 1e-9|d|: the size of the O(δ²) term that the extrapolation removed, plus
// a relative floor for the round-off of f (quadrature values are accurate to
// about 1e-12, divided by δ). errEst is a deliberately loose error bar: d is
// usually far more accurate. It is meant for checking an exact derivative,
// such as ∂_h<φ>_h of the FDT (docs/theory.md §9.3), against a closed form.
func RichardsonDeriv(f func(float64) float64, x, step float64) (d, errEst float64) {
	central := func(s float64) float64 { return (f(x+s) - f(x-s)) / (2 * s) }
	return richardson(central(step), central(2*step))
}

// RichardsonDeriv2 returns f″(x) the same way, from the second differences
// D_s = (f(x+s) - 2f(x) + f(x-s)) / s² (error O(s²)). Round-off grows like
// 1/δ², so δ should be larger than for RichardsonDeriv (1e-2 for functions
// accurate to 1e-12).
func RichardsonDeriv2(f func(float64) float64, x, step float64) (d, errEst float64) {
	f0 := f(x)
	second := func(s float64) float64 { return (f(x+s) - 2*f0 + f(x-s)) / (s * s) }
	return richardson(second(step), second(2*step))
}

// richardson combines two estimates with O(s²) error at steps δ and 2δ.
func richardson(d1, d2 float64) (d, errEst float64) {
	d = (4*d1 - d2) / 3
	return d, math.Abs(d1-d2)/3 + 1e-9*math.Abs(d)
}
