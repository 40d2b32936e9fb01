package report_test

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"susclab/pkg/report"
	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/susc/structure"
)

func TestTargetOverlap(t *testing.T) {
	// J = diag(1, 3, 2): the left singular vectors are ±e_i in the order of
	// the singular values 3, 2, 1 (e₁, e₂, e₀), so the cosines are
	// ±target_i / ||target|| in that order.
	j := mat.NewDiagDense(3, []float64{1, 3, 2})
	m, err := structure.SVDModes(j)
	if err != nil {
		t.Fatal(err)
	}
	target := []float64{2, 1, -2} // norm 3
	c := report.TargetOverlap(nil, m, target)
	want := []float64{1.0 / 3, 2.0 / 3, 2.0 / 3} // modes s = 3 (e₁), 2 (e₂), 1 (e₀)
	for k := range want {
		if math.Abs(math.Abs(c[k])-want[k]) > 1e-14 {
			t.Errorf("|c_%d| = %v, want %v", k, math.Abs(c[k]), want[k])
		}
	}
	// dst is filled and returned.
	dst := make([]float64, 3)
	if got := report.TargetOverlap(dst, m, target); &got[0] != &dst[0] {
		t.Error("TargetOverlap did not return dst")
	}
}

// TestTargetOverlapPseudoInverse checks the two identities the doc comment
// states, against Pattern on a rank-deficient J: Σ c_m² = InRange², and
// J⁺ dμ = Σ_m (c_m ||dμ|| / s_m) v_m.
func TestTargetOverlapPseudoInverse(t *testing.T) {
	// 4 observables × 3 patterns of rank 2: the third column is the sum of
	// the first two, and the target has a part outside the range.
	j := mat.NewDense(4, 3, []float64{
		1, 0.5, 1.5,
		-0.3, 2, 1.7,
		0.7, 0.1, 0.8,
		0.2, -1, -0.8,
	})
	target := []float64{0.4, -0.2, 1, 0.3}
	m, err := structure.SVDModes(j)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pattern.Solve(j, target, pattern.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Rank != 2 {
		t.Fatalf("rank %d, want 2", p.Rank)
	}
	c := report.TargetOverlap(nil, m, target)
	if got := floats.Norm(c[:2], 2); math.Abs(got-p.InRange) > 1e-12 {
		t.Errorf("‖c over the kept modes‖ = %v, InRange = %v", got, p.InRange)
	}
	if p.InRange > 0.99 {
		t.Fatalf("InRange = %v: the test needs a target partly outside the range", p.InRange)
	}
	norm := floats.Norm(target, 2)
	dh := make([]float64, 3)
	for k := range 2 {
		floats.AddScaled(dh, c[k]*norm/m.S[k], mat.Col(nil, k, m.V))
	}
	for a := range dh {
		if math.Abs(dh[a]-p.Unconstrained[a]) > 1e-12 {
			t.Fatalf("Σ c ‖dμ‖/s v = %v, J⁺dμ = %v", dh, p.Unconstrained)
		}
	}
}

func TestTargetOverlapPanics(t *testing.T) {
	m, err := structure.SVDModes(mat.NewDense(2, 2, []float64{1, 0, 0, 2}))
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"zero target": func() { report.TargetOverlap(nil, m, []float64{0, 0}) },
		"length":      func() { report.TargetOverlap(nil, m, []float64{1, 0, 0}) },
		"dst length":  func() { report.TargetOverlap(make([]float64, 3), m, []float64{1, 0}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestResponseSweepReport(t *testing.T) {
	sw := &pattern.ResponseSweep{
		T: []float64{0.5, 2},
		Predicted: [][]susc.Estimate{
			{{Value: 1, SE: 0.3}, {Value: -2, SE: 0.1}},
			{{Value: 4, SE: 1.2}, {Value: -8, SE: 0.4}},
		},
		Realized: [][]susc.Estimate{
			{{Value: 1.4, SE: 0.4}, {Value: -2, SE: 0.2}},
			{{Value: 3, SE: 0.5}, {Value: -6, SE: 0.3}},
		},
	}
	c := report.SweepCombined(sw, 1, 0)
	if c.Value != 3 || math.Abs(c.SE-1.3) > 1e-15 {
		t.Errorf("Combined(1, 0) = %v, want 3 ± 1.3", c)
	}
	if z := (c.Value - sw.Predicted[1][0].Value) / c.SE; math.Abs(z-sw.Z(1, 0)) > 1e-15 {
		t.Errorf("Combined gives z = %v, Z = %v", z, sw.Z(1, 0))
	}
	x, pred, lo, hi, real := report.SweepBand(sw, 1, 2)
	want := map[string][][]float64{
		"t":        {x, {0, 0.5, 2}},
		"pred":     {pred, {0, -2, -8}},
		"lo":       {lo, {0, -2.2, -8.8}},
		"hi":       {hi, {0, -1.8, -7.2}},
		"realized": {real, {0, -2, -6}},
	}
	for name, g := range want {
		if !floats.EqualApprox(g[0], g[1], 1e-14) {
			t.Errorf("Band %s = %v, want %v", name, g[0], g[1])
		}
	}
	line := report.SweepLine(sw, 0, 0)
	for _, s := range []string{"predicted", "+1 ± 0.3", "realized", "+1.4 ± 0.4", "ratio  1.40", "z = +0.80"} {
		if !strings.Contains(line, s) {
			t.Errorf("Line(0, 0) = %q lacks %q", line, s)
		}
	}
}
