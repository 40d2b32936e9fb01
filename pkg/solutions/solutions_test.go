// Copyright ©2026 The susclab Authors.

package solutions

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

func TestRepresented(t *testing.T) {
	if k := Represented([]float64{1.1, 0.9, 0.51, 0.5, 0.02, 1.3}); k != 4 {
		t.Errorf("Represented = %d, want 4", k)
	}
	if Name(4) != "square" || Name(5) != "pentagon" || Name(3) != "3 features" {
		t.Errorf("names %q %q %q", Name(4), Name(5), Name(3))
	}
}

func TestValidate(t *testing.T) {
	if err := (Options{}).Validate(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	for name, o := range map[string]Options{
		"hidden ≥ features": {Features: 3, Hidden: 3},
		"density 1":         {Density: 1},
		"patterns fill all": {Pattern: 0.2},
		"norm too large":    {Norm: 0.5},
		"one seed":          {Seeds: 1},
		"one design seed":   {DesignSeeds: 1},
		"one chain":         {Chains: 1},
		"negative burn-in":  {BurnIn: -1},
		"NaN step":          {Epsilon: math.NaN()},
		"huge N":            {N: 1 << 21},
		"decay above 1":     {Decay: 1.1},
		"slots uncoupled":   {Slots: true},
		"slots overflow":    {Slots: true, Coupled: true, Pattern: 0.15, Norm: 0.05},
		"batch above N":     {N: 100, SampleBatch: 200},
		"huge chains":       {Chains: 1 << 50},
		"huge sampling":     {Draws: 1 << 20, Thin: 1 << 10},
		"huge steps":        {Steps: 1 << 30},
		"huge eval set":     {Features: 64, Pattern: 0.01, N: 1 << 20},
		"huge probes":       {Features: 64, Pattern: 0.01, ProbeN: 1 << 13},
		"negative LR":       {LR: -1},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("%s: Run accepted", name)
		}
	}
}

// tiny is a quick configuration for the tests (its numbers mean nothing).
func tiny(workers int) Options {
	return Options{Seeds: 6, DesignSeeds: 2, Steps: 300, N: 300, Draws: 20, BurnIn: 100, Thin: 5, ProbeN: 100, Norm: 0.03, Workers: workers}
}

// Run is a deterministic function of its options whatever the number of
// workers; the arms' weights are π, π ± dh and π + a feasible direction of
// norm ‖dh‖, and dh raises J·dh within Σ dh = 0.
func TestRunDeterministic(t *testing.T) {
	a, err := Run(context.Background(), tiny(1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), tiny(3))
	if err != nil {
		t.Fatal(err)
	}
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(ja) != string(jb) {
		t.Fatal("the records differ with 1 and 3 workers")
	}
	o := a.Options
	if len(a.Points) != 2 || len(a.J) != 7 || len(a.Arms) != 4 || !slices.Equal(a.JDesign, a.J) {
		t.Fatalf("%d points, %d J entries, %d arms", len(a.Points), len(a.J), len(a.Arms))
	}
	norm := func(v []float64) float64 { return math.Sqrt(dot(v, v)) }
	if math.Abs(norm(a.Dh)-o.Norm) > 1e-12 || math.Abs(sum(a.Dh)) > 1e-12 || dot(a.J, a.Dh) <= 0 {
		t.Errorf("dh %v: norm %v, sum %v, J·dh %v", a.Dh, norm(a.Dh), sum(a.Dh), dot(a.J, a.Dh))
	}
	// The arms' results are their own jobs': two retrained by hand.
	for _, c := range [][2]int{{Minus, 2}, {Random, 5}} {
		job := toy.RetrainJob{H: a.Arms[c[0]].Weights[c[1]][:o.Features], Seed: uint64(c[1])}
		w := toy.RetrainTMS(o.retrain(), []toy.RetrainJob{job})[0]
		if phi := sum(toy.NewTMS(o.tms(), mat.NewDense(1, o.Features, nil)).FeatureNorms(nil, w)); phi != a.Arms[c[0]].Phi[c[1]] {
			t.Errorf("%s seed %d: φ %v retrained, %v recorded", a.Arms[c[0]].Name, c[1], phi, a.Arms[c[0]].Phi[c[1]])
		}
	}
	for s := range o.Seeds {
		if !slices.Equal(a.Arms[Baseline].Weights[s], a.Pi) || !slices.Equal(a.Arms[Plus].Weights[s], add(a.Pi, a.Dh, 1)) ||
			!slices.Equal(a.Arms[Minus].Weights[s], add(a.Pi, a.Dh, -1)) {
			t.Fatalf("seed %d: the designed arms' weights", s)
		}
		c := add(a.Arms[Random].Weights[s], a.Pi, -1)
		if math.Abs(norm(c)-o.Norm) > 1e-12 || math.Abs(sum(c)) > 1e-12 || slices.Min(a.Arms[Random].Weights[s]) < 0 {
			t.Errorf("seed %d: random direction %v", s, c)
		}
		for _, arm := range a.Arms {
			if k := arm.Represented[s]; k < 0 || k > o.Features || !(arm.Phi[s] > 0) || !(arm.Loss[s] > 0) {
				t.Errorf("%s seed %d: %d represented, φ %v, loss %v", arm.Name, s, k, arm.Phi[s], arm.Loss[s])
			}
		}
	}
}

// The options of a second run: a symmetric design, coupled data, the
// random control's opposite, seeds of its own.
func TestRunOptions(t *testing.T) {
	o := tiny(2)
	o.Symmetric, o.Coupled, o.Antithetic, o.FirstSeed = true, true, true, 100
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Arms) != 5 || r.Arms[RandomOpposite].Name != "-random" {
		t.Fatalf("%d arms", len(r.Arms))
	}
	for k := 1; k < o.Features; k++ {
		if r.JDesign[k] != r.JDesign[0] {
			t.Fatalf("symmetric design J %v", r.JDesign)
		}
	}
	if r.JDesign[6] != r.J[6] {
		t.Errorf("the base entry changed: %v, %v", r.JDesign[6], r.J[6])
	}
	for s := range o.Seeds {
		c := add(r.Arms[Random].Weights[s], r.Pi, -1)
		if !slices.Equal(r.Arms[RandomOpposite].Weights[s], add(r.Pi, c, -1)) || slices.Min(r.Arms[RandomOpposite].Weights[s]) < 0 {
			t.Errorf("seed %d: -random %v, random %v", s, r.Arms[RandomOpposite].Weights[s], r.Arms[Random].Weights[s])
		}
	}
	// Coupled alone changes the data, and so the runs.
	b, err := Run(context.Background(), tiny(2))
	if err != nil {
		t.Fatal(err)
	}
	oc := tiny(2)
	oc.Coupled = true
	c, err := Run(context.Background(), oc)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(c.Arms[Baseline].Phi, b.Arms[Baseline].Phi) {
		t.Error("Coupled did not change the baseline runs")
	}
	// FirstSeed 3 reruns tiny's seeds 3, 4, 5 in every arm.
	of := tiny(2)
	of.FirstSeed, of.Seeds = 3, 3
	f, err := Run(context.Background(), of)
	if err != nil {
		t.Fatal(err)
	}
	for a := range f.Arms {
		if !slices.Equal(f.Arms[a].Phi, b.Arms[a].Phi[3:]) {
			t.Errorf("%s: FirstSeed 3 gives %v, seeds 3.. gave %v", f.Arms[a].Name, f.Arms[a].Phi, b.Arms[a].Phi[3:])
		}
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Run(ctx, tiny(1))
	if err == nil || r == nil || len(r.Arms) != 0 {
		t.Fatalf("Run after cancel: %v, %+v", err, r)
	}
}

// The statistics on a record with known outcomes.
func TestStats(t *testing.T) {
	r := &Record{Arms: []Arm{
		{Represented: []int{4, 4, 5, 5, 4}},
		{Represented: []int{5, 5, 5, 4, 4}},
	}}
	if c := r.Count(1, 5); c != 3 {
		t.Errorf("Count = %d, want 3", c)
	}
	if f := r.Fraction(1, 5); f.Value != 0.6 || math.Abs(f.SE-math.Sqrt(0.6*0.4/5)) > 1e-15 {
		t.Errorf("Fraction = %+v", f)
	}
	// Differences 1, 1, 0, −1, 0: mean 0.2, sd √0.7, SE √0.7/√5.
	if s := r.Shift(1, 5); math.Abs(s.Value-0.2) > 1e-15 || math.Abs(s.SE-math.Sqrt(0.7/5)) > 1e-15 {
		t.Errorf("Shift = %+v, want 0.2 ± %v", s, math.Sqrt(0.7/5))
	}
	if to, from := r.Switches(1, 5); to != 2 || from != 1 {
		t.Errorf("Switches = %d, %d, want 2, 1", to, from)
	}
	// A third arm (5, 4, 4, 5, 5): arm 1 against it, per seed,
	// Contrast (1−1, 1−0, 1−0, 0−1, 0−1)/2 = (0, .5, .5, −.5, −.5): mean 0;
	// Even (1+1)/2−0, (1+0)/2−0, (1+0)/2−1, (0+1)/2−1, (0+1)/2−0 = (1, .5, −.5, −.5, .5): mean 0.2.
	r.Arms = append(r.Arms, Arm{Represented: []int{5, 4, 4, 5, 5}})
	cs := []float64{0, 0.5, 0.5, -0.5, -0.5}
	es := []float64{1, 0.5, -0.5, -0.5, 0.5}
	if c, w := r.Contrast(1, 2, 5), meanSE(cs); math.Abs(c.Value-w.Value) > 1e-15 || math.Abs(c.SE-w.SE) > 1e-15 || c.Value != 0 {
		t.Errorf("Contrast = %+v, want %+v", c, w)
	}
	if e, w := r.Even(1, 2, 5), meanSE(es); math.Abs(e.Value-0.2) > 1e-15 || math.Abs(e.SE-w.SE) > 1e-15 {
		t.Errorf("Even = %+v, want %+v", e, w)
	}
	r.Points = []Point{{Represented: 4, LLC: est(2)}, {Represented: 5, LLC: est(3)}, {Represented: 4, LLC: est(4)}}
	// Oriented: arm 1 against arm 2, signed by J·(h_s − π) = (+, −, +, −, +).
	r.Pi, r.JDesign = []float64{0.5, 0.5}, []float64{1, 0}
	r.Arms[1].Weights = [][]float64{{0.6, 0.4}, {0.4, 0.6}, {0.6, 0.4}, {0.4, 0.6}, {0.6, 0.4}}
	if o, w := r.Oriented(1, 2, 5), meanSE([]float64{0, -0.5, 0.5, 0.5, -0.5}); math.Abs(o.Value-w.Value) > 1e-15 || math.Abs(o.SE-w.SE) > 1e-15 {
		t.Errorf("Oriented = %+v, want %+v", o, w)
	}
	if l, n := r.PointsLLC(4); n != 2 || l.Value != 3 || math.Abs(l.SE-1) > 1e-15 {
		t.Errorf("PointsLLC(4) = %+v over %d", l, n)
	}
}

func est(v float64) susc.Estimate { return susc.Estimate{Value: v} }

// meanSE is the mean and its standard error sd/√n, written out.
func meanSE(x []float64) susc.Estimate {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return susc.Estimate{Value: m, SE: math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))}
}
