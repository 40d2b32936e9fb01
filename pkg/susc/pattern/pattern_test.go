package pattern

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"susclab/pkg/susc"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPatternPseudoInverse(t *testing.T) {
	// Full-rank square J: dh = J⁻¹ dμ exactly, reachable 1.
	j := mat.NewDense(2, 2, []float64{2, 1, 0.5, 3})
	target := []float64{0.1, 0.2}
	p, err := Solve(j, target, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var inv mat.Dense
	inv.Inverse(j)
	want := mat.NewVecDense(2, nil)
	want.MulVec(&inv, mat.NewVecDense(2, target))
	for a := range 2 {
		if math.Abs(p.Unconstrained[a]-want.AtVec(a)) > 1e-12 {
			t.Errorf("dh = %v, want %v", p.Unconstrained, want.RawVector().Data)
		}
	}
	if p.Scale != 1 || math.Abs(p.Reachable-1) > 1e-12 || math.Abs(p.InRange-1) > 1e-12 {
		t.Errorf("scale %v, reachable %v, in range %v", p.Scale, p.Reachable, p.InRange)
	}
	// Rank truncation: J of rank one, target off its range.
	j1 := mat.NewDense(2, 2, []float64{1, 1, 1, 1})
	p1, _ := Solve(j1, []float64{0.1, 0}, Config{})
	if p1.Rank != 1 || math.Abs(p1.InRange-math.Sqrt(0.5)) > 1e-12 {
		t.Errorf("rank %d, in range %v", p1.Rank, p1.InRange)
	}
	// Minimum norm: dh along (1,1)/2 · 0.05.
	if math.Abs(p1.Unconstrained[0]-0.025) > 1e-12 || math.Abs(p1.Unconstrained[1]-0.025) > 1e-12 {
		t.Errorf("min-norm dh = %v", p1.Unconstrained)
	}
	// Tikhonov: 1/s → s/(s²+λ).
	pd, _ := Solve(j1, []float64{0.1, 0.1}, Config{Damping: 2})
	// s = 2, u = v = (1,1)/√2, uᵀdμ = 0.1√2: dh = v · 2/(4+2) · 0.1√2 = (1/30)(1,1)
	if math.Abs(pd.Unconstrained[0]-1.0/30) > 1e-12 {
		t.Errorf("damped dh = %v, want 1/30", pd.Unconstrained)
	}
}

func TestPatternFeasibility(t *testing.T) {
	j := mat.NewDense(2, 3, []float64{1, 0, -1, 0, 1, -1})
	pi := []float64{0.2, 0.3, 0.5}
	// A large target forces scaling.
	p, err := Solve(j, []float64{1, -1}, Config{Weights: pi})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for a, w := range p.Weights {
		if w < -1e-12 {
			t.Errorf("weight %d negative: %v", a, w)
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 || !(p.Scale > 0 && p.Scale < 1) || p.Reachable >= 1 {
		t.Errorf("weights %v (sum %v), scale %v, reachable %v", p.Weights, sum, p.Scale, p.Reachable)
	}
	// Projection reaches at least as much as scaling.
	pp, _ := Solve(j, []float64{1, -1}, Config{Weights: pi, Project: true})
	sum = 0
	for _, w := range pp.Weights {
		if w < -1e-9 {
			t.Errorf("projected weight negative: %v", pp.Weights)
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-9 || pp.Reachable < p.Reachable-1e-9 {
		t.Errorf("projected: weights %v, reachable %v vs scaled %v", pp.Weights, pp.Reachable, p.Reachable)
	}
	// Base outside the patterns: h ≥ 0 and Σ h ≤ 1.
	pb, _ := Solve(mat.NewDense(1, 2, []float64{1, 2}), []float64{10}, Config{})
	if s := pb.Dh[0] + pb.Dh[1]; s > 1+1e-12 || pb.Dh[0] < 0 || pb.Weights[0] < -1e-12 {
		t.Errorf("h = %v, weights %v", pb.Dh, pb.Weights)
	}
	if _, err := Solve(j, []float64{1}, Config{}); err == nil {
		t.Error("shape mismatch accepted")
	}
	if _, err := Solve(j, []float64{1, 1}, Config{Weights: []float64{0.5, 0.6, -0.1}}); err == nil {
		t.Error("invalid weights accepted")
	}
}

// With Project, rank truncation applies to the objective: a weak direction
// cut by Rank is not chased.
func TestPatternProjectRespectsRank(t *testing.T) {
	// J = diag(1, 0.01): reaching dμ = (0, 0.01) needs dh_2 = 1; rank 1 must
	// leave it alone.
	j := mat.NewDense(2, 2, []float64{1, 0, 0, 0.01})
	full, _ := Solve(j, []float64{0.05, 0.01}, Config{Project: true})
	cut, _ := Solve(j, []float64{0.05, 0.01}, Config{Project: true, Rank: 1})
	if !(full.Dh[1] > 0.5) {
		t.Errorf("full rank: dh = %v, want dh_2 near 0.95", full.Dh)
	}
	if math.Abs(cut.Dh[0]-0.05) > 1e-6 || math.Abs(cut.Dh[1]) > 1e-6 {
		t.Errorf("rank 1: dh = %v, want (0.05, 0)", cut.Dh)
	}
}

func TestPatternResultJSON(t *testing.T) {
	j := mat.NewDense(2, 3, []float64{1, 0, -1, 0, 1, -1})
	p, _ := Solve(j, []float64{1, -1}, Config{Weights: []float64{0.2, 0.3, 0.5}, Project: true})
	var buf bytes.Buffer
	if err := susc.WriteJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	var back Design
	if err := susc.ReadJSON(&buf, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.Scale) || !reflect.DeepEqual(back.Dh, p.Dh) || back.Reachable != p.Reachable || !reflect.DeepEqual(back.Weights, p.Weights) {
		t.Errorf("after JSON: %+v, want %+v", back, *p)
	}
}

// With weights, the design is the minimum-norm solution among Σ dh = 0
// moves, (J P)⁺ dμ, which reaches a reachable target exactly.
func TestPatternWeightsSumZeroSolution(t *testing.T) {
	j := mat.NewDense(1, 3, []float64{1, 0, 0})
	pi := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	p, err := Solve(j, []float64{0.01}, Config{Weights: pi})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.01, -0.005, -0.005} // J P = (2/3, -1/3, -1/3): (J P)⁺ 0.01
	for a := range want {
		if math.Abs(p.Dh[a]-want[a]) > 1e-12 {
			t.Fatalf("dh = %v, want %v", p.Dh, want)
		}
	}
	if math.Abs(p.Reachable-1) > 1e-9 || p.Scale != 1 {
		t.Errorf("reachable %v, scale %v", p.Reachable, p.Scale)
	}
	pp, _ := Solve(j, []float64{0.01}, Config{Weights: pi, Project: true})
	if math.Abs(pp.Reachable-1) > 1e-6 {
		t.Errorf("projected: reachable %v, dh %v", pp.Reachable, pp.Dh)
	}
	// A J that only sees the total mass cannot be moved by Σ dh = 0 moves.
	if _, err := Solve(mat.NewDense(1, 3, []float64{1, 1, 1}), []float64{0.01}, Config{Weights: pi}); err == nil {
		t.Error("J = (1,1,1) with weights: want an error, no move reaches the target")
	}
}

// A response matrix or target with a NaN is refused with an error that
// says so (it used to be reported as "J is zero").
func TestSolveRefusesNonFinite(t *testing.T) {
	j := mat.NewDense(2, 2, []float64{1, 0, math.NaN(), 1})
	if _, err := Solve(j, []float64{1, 0}, Config{}); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("NaN in J: %v", err)
	}
	if _, err := Solve(mat.NewDense(1, 1, []float64{1}), []float64{math.Inf(1)}, Config{}); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("infinite target: %v", err)
	}
}

func TestSteepest(t *testing.T) {
	pi := []float64{0.3, 0.3, 0.4}
	dh, err := Steepest([]float64{1, 2, 3}, pi, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-0.1 / math.Sqrt2, 0, 0.1 / math.Sqrt2}
	for i := range dh {
		if math.Abs(dh[i]-want[i]) > 1e-12 {
			t.Errorf("dh = %v, want %v", dh, want)
			break
		}
	}
	// Adding a constant to j does not change the direction (Σ dh = 0).
	if d2, _ := Steepest([]float64{11, 12, 13}, pi, 0.1); math.Abs(d2[0]-dh[0]) > 1e-12 {
		t.Errorf("shifted j: %v, want %v", d2, dh)
	}
	for name, c := range map[string]struct {
		j, pi []float64
		norm  float64
	}{
		"flat j":         {[]float64{2, 2, 2}, pi, 0.1},
		"lengths":        {[]float64{1, 2}, pi, 0.1},
		"one pattern":    {[]float64{1}, []float64{1}, 0.1},
		"zero norm":      {[]float64{1, 2, 3}, pi, 0},
		"leaves simplex": {[]float64{1, 2, 3}, pi, 0.5},
		"pi - dh leaves": {[]float64{1, 2, 3}, []float64{0.4, 0.3, 0.3}, 0.5},
		"not finite j":   {[]float64{1, math.Inf(1), 3}, pi, 0.1},
		"infinite norm":  {[]float64{1, 2, 3}, pi, math.Inf(1)},
	} {
		if _, err := Steepest(c.j, c.pi, c.norm); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
