// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestRetrainPaired checks that the tally holds exactly the models of the
// equivalent RetrainTMS jobs, in arm and seed order, with their feature
// norms, and that PerSeed is asked once per seed with that seed.
func TestRetrainPaired(t *testing.T) {
	cfg := RetrainConfig{Config: NewTMSConfig(4, 2, 0.9, 0.2), N: 300, DataSeed: 5,
		Train: TrainConfig{Method: Adam, Steps: 300, LR: 0.01, BatchSize: 50}}
	h := []float64{0, 0, 0, 0.3}
	var asked []uint64
	perSeed := func(s uint64) []float64 {
		asked = append(asked, s)
		return []float64{0.1 * float64(s+1), 0, 0.05, 0}
	}
	arms := []RetrainArm{{Name: "base"}, {Name: "fixed", H: h}, {Name: "per seed", PerSeed: perSeed}}
	tally := RetrainPaired(cfg, 3, arms)
	if !slices.Equal(asked, []uint64{0, 1, 2}) {
		t.Errorf("PerSeed asked for seeds %v, want [0 1 2]", asked)
	}
	if !slices.Equal(tally.Names, []string{"base", "fixed", "per seed"}) || tally.Seeds != 3 {
		t.Fatalf("Names %v, Seeds %d", tally.Names, tally.Seeds)
	}
	var jobs []RetrainJob
	for a := range arms {
		for s := range uint64(3) {
			switch a {
			case 0:
				jobs = append(jobs, RetrainJob{Seed: s})
			case 1:
				jobs = append(jobs, RetrainJob{H: h, Seed: s})
			case 2:
				jobs = append(jobs, RetrainJob{H: []float64{0.1 * float64(s+1), 0, 0.05, 0}, Seed: s})
			}
		}
	}
	ws := RetrainTMS(cfg, jobs)
	for a := range arms {
		for s := range 3 {
			w := ws[3*a+s]
			if !slices.Equal(tally.W[a][s], w) {
				t.Fatalf("arm %d seed %d: model differs from RetrainTMS", a, s)
			}
			var want [4]float64
			for k := range 4 {
				want[k] = w[k]*w[k] + w[4+k]*w[4+k] // W is 2×4, row-major: ‖W[:,k]‖²
			}
			if !slices.Equal(tally.Norms[a][s], want[:]) {
				t.Fatalf("arm %d seed %d: norms %v, want %v", a, s, tally.Norms[a][s], want)
			}
		}
	}
}

func TestRetrainTallyCounts(t *testing.T) {
	tally := &RetrainTally{
		Names: []string{"a", "b"},
		Seeds: 3,
		Norms: [][][]float64{
			{{1, 0.1, 0.9}, {1.1, 0.6, 0.2}, {0.05, 0.4, 1.2}},
			{{1, 0.7, 0.9}, {0.3, 0.8, 1}, {1, 0.5, 1.1}},
		},
	}
	if got := tally.Represented(0, 0); got != 2 {
		t.Errorf("Represented(0, 0) = %d, want 2", got)
	}
	if got := tally.Represented(1, 1); got != 2 { // 0.5 is not above the default 0.5
		t.Errorf("Represented(1, 1) = %d, want 2", got)
	}
	want := [][]float64{{2.0 / 3, 1.0 / 3, 2.0 / 3}, {2.0 / 3, 2.0 / 3, 1}}
	for a, row := range tally.Fractions() {
		if !slices.Equal(row, want[a]) {
			t.Errorf("Fractions()[%d] = %v, want %v", a, row, want[a])
		}
	}
	if got := tally.NumRepresented(0); !slices.Equal(got, []float64{2, 2, 1}) {
		t.Errorf("NumRepresented(0) = %v, want [2 2 1]", got)
	}
	if got := tally.Diff(1, 0, 1); !slices.EqualFunc(got, []float64{0.6, 0.2, 0.1}, func(x, y float64) bool { return math.Abs(x-y) < 1e-15 }) {
		t.Errorf("Diff(1, 0, 1) = %v, want [0.6 0.2 0.1]", got)
	}
	tally.Threshold = 0.95
	if got := tally.NumRepresented(1); !slices.Equal(got, []float64{1, 1, 2}) {
		t.Errorf("NumRepresented(1) at threshold 0.95 = %v, want [1 1 2]", got)
	}
	for name, f := range map[string]func(){
		"arm":              func() { tally.Represented(2, 0) },
		"feature":          func() { tally.Represented(0, 3) },
		"negative feature": func() { tally.Represented(0, -1) },
		"diff":             func() { tally.Diff(0, -1, 0) },
		"seeds":            func() { RetrainPaired(RetrainConfig{}, 0, []RetrainArm{{}}) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", name)
				} else if msg, _ := r.(string); !strings.HasPrefix(msg, "toy: ") {
					t.Errorf("%s: panic %v, want a toy: message", name, r)
				}
			}()
			f()
		}()
	}
}
