// Copyright ©2026 The susclab Authors.

package lm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPlantedData(t *testing.T) {
	pc := PlantedConfig{Alphabet: 12, Context: 40, MinLen: 4, MaxLen: 8, Repeats: 3, Skip: 0.5}
	const windows = 300
	tok, ind, skip := Planted(rand.New(rand.NewPCG(5, 6)), pc, windows)
	tok2, ind2, skip2 := Planted(rand.New(rand.NewPCG(5, 6)), pc, windows)
	if !slices.Equal(tok, tok2) || !slices.Equal(ind, ind2) || !slices.Equal(skip, skip2) {
		t.Fatal("Planted is not deterministic")
	}
	if len(tok) != windows*40+1 || len(ind) != windows*40 || len(skip) != windows*40 {
		t.Fatalf("lengths %d %d %d", len(tok), len(ind), len(skip))
	}
	var nInd, nSkip, runs int
	for k := 0; k < windows; k++ {
		x := tok[k*40 : k*40+41]
		perWindow := 0
		for s := 0; s < 40; s++ {
			i := k*40 + s
			if ind[i] && skip[i] {
				t.Fatalf("sample %d is both induction and skip", i)
			}
			if skip[i] {
				nSkip++
				if s < 1 || x[s+1] != (x[s-1]+1)%12 {
					t.Fatalf("skip sample %d breaks the rule", i)
				}
			}
			if !ind[i] {
				continue
			}
			nInd++
			perWindow++
			if s == 0 || !ind[i-1] {
				runs++
			}
			// The bigram (x_s, x_{s+1}) occurred earlier in the window.
			found := false
			for j := 1; j <= s; j++ {
				if x[j-1] == x[s] && x[j] == x[s+1] && j < s {
					found = true
				}
			}
			if !found {
				t.Fatalf("induction sample %d completes no earlier bigram", i)
			}
		}
		if perWindow > 3*7 {
			t.Fatalf("window %d has %d induction samples", k, perWindow)
		}
	}
	// About 3 repeats per window of mean length 6 (5 induction samples
	// each), a few dropped when they do not fit, or merged when adjacent.
	if runs < 2*windows || float64(nInd) < 4*2*windows {
		t.Errorf("%d induction samples in %d runs over %d windows", nInd, runs, windows)
	}
	// Skip tokens: probability 0.5 on positions outside the segments.
	if f := float64(nSkip) / float64(windows*40); f < 0.1 || f > 0.4 {
		t.Errorf("skip fraction %v", f)
	}
	// Planted induction targets are uniform: their empirical entropy is
	// close to log A.
	var count [12]float64
	for i, b := range ind {
		if b {
			count[tok[i+1]]++
		}
	}
	var h float64
	for _, c := range count {
		p := c / float64(nInd)
		h -= p * math.Log(p)
	}
	if h < math.Log(12)-0.02 {
		t.Errorf("entropy of planted induction targets %v, log A = %v", h, math.Log(12))
	}
}

// TestPlantedInduction trains the model of PlantedDefaults on the planted
// corpus and checks, on held-out windows, that it has learned induction:
// the mean loss on planted induction tokens is at most a quarter of their
// unigram entropy log A, and ablating one head of layer 1 (the induction
// head) raises it far more than ablating any other head of layer 1. (The
// layer-0 previous-token head that the induction head reads is the other
// half of the circuit: ablating it raises the loss too; it is reported.)
func TestPlantedInduction(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for about a minute")
	}
	cfg, pc, tc := PlantedDefaults()
	tc.Seed = 1
	r, err := TrainPlanted(cfg, pc, tc, tc.Steps*tc.BatchWindows, 1)
	if err != nil {
		t.Fatal(err)
	}
	H := cfg.Heads
	logA := math.Log(float64(pc.Alphabet))
	t.Logf("induction-token loss %.3f nats, log A = %.3f; all tokens %.3f", r.InductionLoss, logA, r.AllLoss)
	for k, v := range r.Ablated {
		t.Logf("ablate %s: %.3f (%+.3f)", HeadName(k/H, k%H), v, v-r.InductionLoss)
	}
	if r.InductionLoss > logA/4 {
		t.Errorf("induction-token loss %.3f > log(A)/4 = %.3f", r.InductionLoss, logA/4)
	}
	top, second := -1, 0.0
	for h := 0; h < H; h++ {
		if top < 0 || r.Ablated[H+h] > r.Ablated[H+top] {
			top = h
		}
	}
	for h := 0; h < H; h++ {
		if h != top {
			second = math.Max(second, r.Ablated[H+h]-r.InductionLoss)
		}
	}
	rise := r.Ablated[H+top] - r.InductionLoss
	if rise < 1 || rise < 3*second {
		t.Errorf("ablating %s raises the loss by %.3f, another layer-1 head by %.3f: no single induction head", HeadName(1, top), rise, second)
	}
}
