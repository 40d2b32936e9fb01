// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"testing"
)

// TestRichardsonDeriv checks both derivatives against closed forms, and that
// the error estimate bounds the actual error (it is meant to be loose).
func TestRichardsonDeriv(t *testing.T) {
	for _, x := range []float64{-1, 0, 0.3, 2} {
		d, e := RichardsonDeriv(math.Sin, x, 1e-3)
		if err := math.Abs(d - math.Cos(x)); err > 1e-10 || err > e {
			t.Errorf("sin'(%g): %.15g ± %.2g, exact %.15g", x, d, e, math.Cos(x))
		}
		d2, e2 := RichardsonDeriv2(math.Exp, x, 1e-2)
		if err := math.Abs(d2 - math.Exp(x)); err > 1e-8*math.Exp(x) || err > e2 {
			t.Errorf("exp''(%g): %.15g ± %.2g, exact %.15g", x, d2, e2, math.Exp(x))
		}
	}
	// D_s = f' + s² f'''/6 + O(s⁴), so errEst = |D_δ - D_2δ|/3 = δ²|f'''|/6:
	// 1e-4/6 for sin at 0 (f''' = -1), up to O(δ⁴) and the 1e-9 floor.
	_, e := RichardsonDeriv(math.Sin, 0, 1e-2)
	if want := 1e-4 / 6; math.Abs(e-want) > 1e-3*want {
		t.Errorf("error estimate %.3g, want about %.3g", e, want)
	}
	// A linear function: both steps agree exactly; the floor keeps errEst > 0.
	if d, e := RichardsonDeriv(func(x float64) float64 { return 3*x + 1 }, 0.5, 1e-3); math.Abs(d-3) > 1e-12 || !(e > 0) {
		t.Errorf("linear: %g ± %g", d, e)
	}
}
