package structure_test

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
	"susclab/pkg/toy"
)

// TestStructuralTwoBlockQuadratic checks the two-chain estimator against the
// exact two-block result of docs/theory.md §9.4: L = ½ wᵀHw, w = (u, c), w* = 0,
// ΔL = gᵀw + ½ wᵀAw, Σ_C = (t H_cc + γ I)⁻¹, Σ_F = (t H + γ I)⁻¹,
//
//	χ̂_C → -[ ¼ tr(H_cc Σ_C) tr(A_cc Σ_C) + ½ tr(H_cc Σ_C A_cc Σ_C) - ¼ tr(H_cc Σ_C) tr(A Σ_F) ].
//
// The formula holds for any Gaussian Σ_C, Σ_F, so we evaluate it at SGLD's
// exact stationary covariances (K(I - εK/4))⁻¹, K the precision; the test
// also checks that this ε-correction is below 1%.
func TestStructuralTwoBlockQuadratic(t *testing.T) {
	if testing.Short() {
		t.Skip("long statistical test; run without -short")
	}
	h := mat.NewSymDense(4, []float64{
		2, 0.5, 0.3, 0,
		0.5, 1, 0.2, 0.4,
		0.3, 0.2, 1.5, -0.3,
		0, 0.4, -0.3, 0.8,
	})
	a := mat.NewSymDense(4, []float64{
		1, 0.2, -0.5, 0.1,
		0.2, -0.5, 0.3, 0,
		-0.5, 0.3, 2, 0.6,
		0.1, 0, 0.6, -1,
	})
	g := []float64{0.03, -0.02, 0.05, 0.1} // drops out of the limit; larger g only adds noise
	const tb, gamma = 10.0, 1.0
	dL := susc.Func("dL", toy.NewQuadratic(g, a).Value)
	m := toy.NewQuadratic(nil, h) // L = ½ wᵀHw
	p := susc.Posterior{NBeta: tb, Gamma: gamma, Center: make([]float64, 4)}
	kMax := tb*3 + gamma
	eps := 0.02 / kMax
	r := susc.Run{Chains: 8, Batches: 4, Draws: 40000, BurnIn: int(10 / (eps * gamma)), Thin: int(0.5/(eps*(tb*0.5+gamma))) + 1, Seed: 3}
	comps := []structure.Component{{"u", []bool{true, true, false, false}}, {"c", []bool{false, false, true, true}}}
	s, err := structure.Sample(context.Background(), m, p, susc.SGLD{Epsilon: eps}, r, comps, dL)
	if err != nil {
		t.Fatal(err)
	}
	for c, comp := range comps {
		exact := toy.QuadraticStructural(h, a, comp.Mask, tb, gamma, eps)
		exact0 := toy.QuadraticStructural(h, a, comp.Mask, tb, gamma, 0) // without SGLD's ε-correction
		// Using E_C[X] for E_full[X] (plain Cov_C(L, X)) would give -½ tr(H_cc Σ_C A_cc Σ_C).
		naive := toy.QuadraticOneChain(h, a, comp.Mask, tb, gamma, eps)
		got, se := s.Chi.At(0, c), s.SE.At(0, c)
		t.Logf("component %s: χ̂ = %.6g ± %.2g, exact %.6g (ε = 0: %.6g; one-chain -Cov_C(L, X): %.6g)", comp.Name, got, se, exact, exact0, naive)
		if math.Abs(naive-exact) < 6*se {
			t.Errorf("component %s: SE %.2g cannot tell the two-chain estimator from Cov_C(L, X)", comp.Name, se)
		}
		if math.Abs(exact/exact0-1) > 0.01 {
			t.Errorf("ε-correction %.3g too large for this test", exact/exact0-1)
		}
		if math.Abs(got-exact) > 4*se || se > 0.1*math.Abs(exact) {
			t.Errorf("component %s: χ̂ = %v ± %v, exact %v", comp.Name, got, se, exact)
		}
	}
}

// TestLinearSECalibrated checks LinearSE against the spread of combinations
// of entries over independent replicates, on the two-block quadratic with
// two nearly equal perturbations X1 = ½wᵀAw and X2 = X1 + ½wᵀBw/10. The
// entries of X1 and X2 share their chains, so the difference of a column's
// two entries is far less noisy, and the sum of all four entries noisier,
// than entries with independent errors would be; LinearSE must match the
// spread of both (the ratio's sampling error over 24 replicates is about
// 15%, so [0.6, 1.5] is three of them), where the independent-entry SE
// √(Σ w² SE²) is off by a factor of about ten for the difference.
func TestLinearSECalibrated(t *testing.T) {
	h := mat.NewSymDense(4, []float64{2, 0.5, 0.3, 0, 0.5, 1, 0.2, 0.4, 0.3, 0.2, 1.5, -0.3, 0, 0.4, -0.3, 0.8})
	a := toy.NewQuadratic(nil, mat.NewSymDense(4, []float64{1, 0.2, -0.5, 0.1, 0.2, -0.5, 0.3, 0, -0.5, 0.3, 2, 0.6, 0.1, 0, 0.6, -1}))
	b := toy.NewQuadratic(nil, mat.NewSymDense(4, []float64{0.5, 0, 0.2, 0, 0, 1, 0, -0.3, 0.2, 0, -0.4, 0, 0, -0.3, 0, 0.7}))
	x := susc.VecFunc("X", 2, func(dst, w []float64) {
		dst[0] = a.Value(w)
		dst[1] = dst[0] + 0.1*b.Value(w)
	})
	const tb, gamma, reps = 10.0, 5.0, 24
	p := susc.Posterior{NBeta: tb, Gamma: gamma, Center: make([]float64, 4)}
	eps := 0.1 / (3*tb + gamma)
	comps := []structure.Component{{"u", []bool{true, true, false, false}}, {"c", []bool{false, false, true, true}}}
	diff := mat.NewDense(2, 2, []float64{1, 0, -1, 0}) // column u: X1 - X2
	sum := mat.NewDense(2, 2, []float64{1, 1, 1, 1})
	combos := []struct {
		name string
		w    *mat.Dense
	}{{"difference", diff}, {"sum", sum}}
	vals := make([][]float64, len(combos))
	var se2, naive2 [2]float64
	for rep := range reps {
		r := susc.Run{Chains: 8, Batches: 2, Draws: 400, BurnIn: 1000, Thin: 50, Seed: uint64(100 + rep)}
		s, err := structure.Sample(context.Background(), toy.NewQuadratic(nil, h), p, susc.SGLD{Epsilon: eps}, r, comps, x)
		if err != nil {
			t.Fatal(err)
		}
		if rep == 0 { // a single entry's LinearSE is its SE
			for i := range 2 {
				for k := range 2 {
					e := mat.NewDense(2, 2, nil)
					e.Set(i, k, 1)
					if got, want := s.LinearSE(e), s.SE.At(i, k); math.Abs(got-want) > 1e-12*want {
						t.Errorf("LinearSE of entry (%d, %d) = %v, its SE %v", i, k, got, want)
					}
				}
			}
		}
		for q, c := range combos {
			var v, n2 float64
			for i := range 2 {
				for k := range 2 {
					v += c.w.At(i, k) * s.Chi.At(i, k)
					n2 += c.w.At(i, k) * c.w.At(i, k) * s.SE.At(i, k) * s.SE.At(i, k)
				}
			}
			vals[q] = append(vals[q], v)
			se := s.LinearSE(c.w)
			se2[q] += se * se / reps
			naive2[q] += n2 / reps
		}
	}
	for q, c := range combos {
		spread := stat.StdDev(vals[q], nil)
		ratio, naive := spread/math.Sqrt(se2[q]), spread/math.Sqrt(naive2[q])
		t.Logf("%s: spread over replicates %.3g; its ratio to LinearSE %.3f, to the independent-entry SE %.3f", c.name, spread, ratio, naive)
		if ratio < 0.6 || ratio > 1.5 {
			t.Errorf("%s: spread / LinearSE = %.3f, want within [0.6, 1.5]", c.name, ratio)
		}
	}
}

// LinearSE on hand-made terms: the restricted runs add in quadrature, and
// the full run enters once, through Σ_c w_pc Shift_c, so shifts of opposite
// sign cancel its part (which an independent full term per column would
// not); wrong shapes and a column without units give NaN.
func TestLinearSETerms(t *testing.T) {
	m := &structure.Matrix{Chi: mat.NewDense(2, 2, nil), SE: mat.NewDense(2, 2, nil), Terms: &structure.UnitTerms{
		Restricted: []*mat.Dense{
			mat.NewDense(3, 2, []float64{1, 0, 2, 1, 6, 2}), // units × patterns
			mat.NewDense(2, 2, []float64{0, 4, 2, 0}),
		},
		Shift: []float64{2, -2},
		Full:  mat.NewDense(2, 2, []float64{1, 1, 3, 2}),
	}}
	se := func(xs ...float64) float64 { return stat.StdDev(xs, nil) / math.Sqrt(float64(len(xs))) }
	// w = [[1, 1], [1, 1]]: column 0 gives units 1, 3, 8; column 1 gives 4, 2;
	// the full run's weights are 2 - 2 = 0 for each pattern.
	w := mat.NewDense(2, 2, []float64{1, 1, 1, 1})
	want := math.Hypot(se(1, 3, 8), se(4, 2))
	if got := m.LinearSE(w); math.Abs(got-want) > 1e-14 {
		t.Errorf("LinearSE(ones) = %v, want %v", got, want)
	}
	// w = [[1, 0], [0, 0]]: column 0 pattern 0 (units 1, 2, 6) and the full
	// run's pattern 0 times Shift_0 = 2 (units 1, 3).
	w = mat.NewDense(2, 2, []float64{1, 0, 0, 0})
	want = math.Hypot(se(1, 2, 6), 2*se(1, 3))
	if got := m.LinearSE(w); math.Abs(got-want) > 1e-14 {
		t.Errorf("LinearSE(entry) = %v, want %v", got, want)
	}
	// The same pattern in both columns: restricted parts add, the full run's
	// weight is 2 + (-2)·3 = -4 on pattern 0.
	w = mat.NewDense(2, 2, []float64{1, 3, 0, 0})
	want = math.Sqrt(math.Pow(se(1, 2, 6), 2) + math.Pow(3*se(0, 2), 2) + math.Pow(4*se(1, 3), 2))
	if got := m.LinearSE(w); math.Abs(got-want) > 1e-14 {
		t.Errorf("LinearSE(row) = %v, want %v", got, want)
	}
	m.Terms.Restricted[1] = nil
	if got := m.LinearSE(w); !math.IsNaN(got) {
		t.Errorf("a column without units: %v, want NaN", got)
	}
	m.Terms.Restricted[1] = mat.NewDense(2, 3, nil)
	if got := m.LinearSE(w); !math.IsNaN(got) {
		t.Errorf("terms of the wrong shape: %v, want NaN", got)
	}
}

// A run whose units all have fewer than two draws leaves no terms (and NaN
// standard errors); it used to panic allocating an empty matrix.
func TestSampleNoUnits(t *testing.T) {
	h := mat.NewSymDense(2, []float64{1, 0, 0, 2})
	p := susc.Posterior{NBeta: 10, Gamma: 1, Center: make([]float64, 2)}
	x := susc.Func("x", func(w []float64) float64 { return w[0] * w[1] })
	s, err := structure.Sample(context.Background(), toy.NewQuadratic(nil, h), p, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 1, Draws: 2, Batches: 2, Seed: 1}, []structure.Component{{"a", []bool{true, false}}}, x)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(s.SE.At(0, 0)) || !math.IsNaN(s.LinearSE(mat.NewDense(1, 1, []float64{1}))) {
		t.Errorf("SE %v, LinearSE %v: want NaN without units", s.SE.At(0, 0), s.LinearSE(mat.NewDense(1, 1, []float64{1})))
	}
}
