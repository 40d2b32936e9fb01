// Copyright ©2026 The susclab Authors.

package lm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPlantedData(t *testing.T) {
	pc := PlantedConfig{Alphabet: 12, Filler: 6, Context: 40, MinLen: 4, MaxLen: 8, Repeats: 3, Skip: 0.5}
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
				if s < 1 || x[s-1] < 12 || x[s+1] != 12+(x[s-1]-12+1)%6 {
					t.Fatalf("skip sample %d breaks the rule", i)
				}
			}
			if !ind[i] {
				continue
			}
			if x[s] >= 12 || x[s+1] >= 12 {
				t.Fatalf("induction sample %d has a filler token", i)
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
	// Skip tokens: probability 0.5 at filler positions after a filler two
	// back; every such position holds a filler, and then a non-skip token
	// is a uniform filler, equal to the rule's by chance 1/6.
	var eligible float64
	for k := 0; k < windows; k++ {
		for q := 2; q < 40; q++ {
			if tok[k*40+q] >= 12 && tok[k*40+q-2] >= 12 {
				eligible++
			}
		}
	}
	if f := float64(nSkip) / eligible; f < 0.45 || f > 0.55 {
		t.Errorf("skip fraction %v of %v eligible positions, want 0.5", f, eligible)
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
// corpus (seed 1) and checks, on held-out windows, that it has learned the
// induction circuit:
//
//   - the mean loss on planted induction tokens is at most a quarter of
//     their unigram entropy log A;
//   - one layer-0 head is a previous-token head (attention on the previous
//     token >= 0.8) and ablating it raises that loss by at least 2 nats,
//     more than ablating any other head: the induction head reads it;
//   - a layer-1 head is an induction head (attention >= 0.6 on the tokens
//     after earlier occurrences of the current token) and ablating the
//     layer-1 head that matters most raises the loss by at least 0.5 nats,
//     while ablating any head that is neither raises it by less than 0.5.
//
// (At this width, d = 32 with two heads per layer, both layer-1 heads
// become induction heads and share the work; see the package
// documentation.)
func TestPlantedInduction(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for about a minute")
	}
	cfg, pc, tc := PlantedDefaults()
	tc.Seed, tc.Every = 1, 250
	r := TrainPlanted(cfg, pc, tc, tc.Steps*tc.BatchWindows, 1)
	H := cfg.Heads
	logA := math.Log(float64(pc.Alphabet))
	// The circuit forms within training, after a plateau: the induction
	// tokens' loss starts near log A and crosses log(A)/2 inside the run.
	t.Logf("induction-token loss over training %.2f at steps %v: formation at step %.0f", r.CurveLoss, r.CurveSteps, r.Formation)
	if !(r.Formation > 250 && r.Formation < float64(tc.Steps)) || r.CurveLoss[0] < 0.9*logA {
		t.Errorf("formation step %v (first checkpoint's loss %.3f, log A %.3f): want a crossing after the first checkpoint and before the end", r.Formation, r.CurveLoss[0], logA)
	}
	t.Logf("induction-token loss %.3f nats, log A = %.3f; all tokens %.3f", r.InductionLoss, logA, r.AllLoss)
	rise := make([]float64, len(r.Ablated))
	for k, v := range r.Ablated {
		rise[k] = v - r.InductionLoss
		t.Logf("%s: ablated %+.3f nats, attention on previous token %.2f, on induction targets %.2f",
			HeadName(k/H, k%H), rise[k], r.PrevScore[k], r.InductScore[k])
	}
	if r.InductionLoss > logA/4 {
		t.Errorf("induction-token loss %.3f > log(A)/4 = %.3f", r.InductionLoss, logA/4)
	}
	prev, ind := 0, H
	for h := 0; h < H; h++ {
		if r.PrevScore[h] > r.PrevScore[prev] {
			prev = h
		}
		if rise[H+h] > rise[ind] {
			ind = H + h
		}
	}
	if r.PrevScore[prev] < 0.8 || rise[prev] < 2 || r.TopHead != prev {
		t.Errorf("no previous-token head: best %s attends %.2f to the previous token, ablating it %+.3f nats (largest: %s)",
			HeadName(0, prev), r.PrevScore[prev], rise[prev], HeadName(r.TopHead/H, r.TopHead%H))
	}
	best := 0.0
	for h := 0; h < H; h++ {
		best = math.Max(best, r.InductScore[H+h])
	}
	if best < 0.6 || rise[ind] < 0.5 {
		t.Errorf("no induction head: best layer-1 attention on induction targets %.2f, ablating %s %+.3f nats", best, HeadName(1, ind-H), rise[ind])
	}
	for k := range rise {
		if k != prev && r.InductScore[k] < 0.6 && rise[k] >= 0.5 {
			t.Errorf("%s is neither previous-token nor induction head but ablating it raises the loss %+.3f nats", HeadName(k/H, k%H), rise[k])
		}
	}
}

func TestFormationStep(t *testing.T) {
	steps := []int{0, 100, 200, 300}
	for _, c := range []struct {
		loss []float64
		want float64
	}{
		{[]float64{3, 2.5, 1, 0.5}, 150},        // 2.5 → 1 crosses 1.75 halfway
		{[]float64{3, 2, 1.75 - 1e-12, 1}, 200}, // just below at a checkpoint
		{[]float64{1, 1, 1, 1}, 0},              // starts below
	} {
		if got := FormationStep(steps, c.loss, 1.75); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("FormationStep(%v) = %v, want %v", c.loss, got, c.want)
		}
	}
	if got := FormationStep(steps, []float64{3, 3, 2, 2}, 1.75); !math.IsNaN(got) {
		t.Errorf("a curve that never crosses gave %v, want NaN", got)
	}
}

func TestPlantedMixture(t *testing.T) {
	_, pc, _ := PlantedDefaults()
	kinds := PlantedKinds(pc)
	weights := []float64{0.5, 0.3, 0.2}
	const windows = 4000
	tok, ind, skip, kind := PlantedMixture(1, kinds, weights, windows)
	T := pc.Context
	if len(tok) != windows*T+1 || len(ind) != windows*T || len(skip) != windows*T {
		t.Fatalf("lengths %d, %d, %d", len(tok), len(ind), len(skip))
	}
	count := make([]float64, 3)
	for w, k := range kind {
		count[k]++
		var repeats, skips int
		for q := w * T; q < (w+1)*T; q++ {
			if ind[q] {
				repeats++
			}
			if skip[q] {
				skips++
			}
			if k > 0 && tok[q] < pc.Alphabet {
				t.Fatalf("window %d of kind %d has a repeat-alphabet token", w, k)
			}
		}
		if (k == 0) != (repeats > 0) || (k == 2 && skips > 0) {
			t.Fatalf("window %d of kind %d: %d induction and %d skip tokens", w, k, repeats, skips)
		}
	}
	for k, w := range weights { // binomial: within 4 standard errors
		p := count[k] / windows
		if se := math.Sqrt(w * (1 - w) / windows); math.Abs(p-w) > 4*se {
			t.Errorf("kind %d: fraction %.4f, weight %.2f (SE %.4f)", k, p, w, se)
		}
	}
	_, _, _, kind = PlantedMixture(1, kinds, []float64{0, 1, 0}, 200)
	for _, k := range kind {
		if k != 1 {
			t.Fatalf("a zero-weight kind %d was drawn", k)
		}
	}
	// Coupling: a nearby mixture with the same seed keeps every window whose
	// kind did not change, and changes the kind of the windows whose
	// uniform draw fell between the two cumulative distributions.
	near := []float64{0.45, 0.4, 0.15}
	tok2, _, _, kind2 := PlantedMixture(1, kinds, near, windows)
	_, _, _, kind = PlantedMixture(1, kinds, weights, windows)
	var changed float64
	for w := range kind {
		same := slices.Equal(tok[w*T:(w+1)*T], tok2[w*T:(w+1)*T])
		if (kind[w] == kind2[w]) != same {
			t.Fatalf("window %d: kinds %d and %d, tokens equal %v", w, kind[w], kind2[w], same)
		}
		if kind[w] != kind2[w] {
			changed++
		}
	}
	// |F − F'| summed over the two inner boundaries: 0.05 + 0.05.
	if p, se := changed/windows, math.Sqrt(0.1*0.9/windows); math.Abs(p-0.1) > 4*se {
		t.Errorf("%.4f of the windows changed kind, want 0.1 (SE %.4f)", p, se)
	}
	for name, f := range map[string]func(){
		"lengths":  func() { PlantedMixture(1, kinds, []float64{1}, 2) },
		"negative": func() { PlantedMixture(1, kinds, []float64{1, -1, 1}, 2) },
		"infinite": func() { PlantedMixture(1, kinds, []float64{math.Inf(1), 1, 1}, 2) },
		"context": func() {
			PlantedMixture(1, []PlantedConfig{pc, {Context: 16}}, []float64{1, 1}, 2)
		},
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

func TestParseWeights(t *testing.T) {
	w, err := ParseWeights("0.6, 0.2,0.2", 3)
	if err != nil || !slices.Equal(w, []float64{0.6, 0.2, 0.2}) {
		t.Errorf("ParseWeights = %v, %v", w, err)
	}
	for _, s := range []string{"0.5,0.5", "1,x,1", "1,-1,1", "1,+Inf,1", "NaN,1,1", "0,0,0"} {
		if _, err := ParseWeights(s, 3); err == nil {
			t.Errorf("ParseWeights(%q) accepted", s)
		}
	}
}

// formedBefore, the stopping rule of TrainPlantedUntilFormed: a run ends at
// the first checkpoint at least margin steps after the interpolated
// formation step, and never before the curve crosses.
func TestFormedBefore(t *testing.T) {
	steps := []int{0, 100, 200, 300, 400, 500}
	loss := []float64{4, 3, 1, 0.5, 0.4, 0.4} // crosses 2 at step 150
	var stop []int
	for _, margin := range []int{0, 50, 51, 250} {
		at := -1
		for i := range steps {
			if formedBefore(steps[:i+1], loss[:i+1], 2, margin) {
				at = steps[i]
				break
			}
		}
		stop = append(stop, at)
	}
	if want := []int{200, 200, 300, 400}; !slices.Equal(stop, want) {
		t.Errorf("stops at %v for margins 0, 50, 51, 250; want %v", stop, want)
	}
	if formedBefore(steps, []float64{4, 4, 4, 4, 4, 4}, 2, 0) {
		t.Error("a curve that never crossed stops")
	}
}

func TestPlantedPhases(t *testing.T) {
	_, pc, _ := PlantedDefaults()
	kinds := PlantedKinds(pc)
	a, b := []float64{0.6, 0.2, 0.2}, []float64{0.1, 0.1, 0.8}
	const windows = 50
	T := pc.Context
	phase := make([]int, windows)
	for w := range phase {
		phase[w] = w % 2
	}
	tok, _, _, kind := PlantedPhases(7, kinds, [][]float64{a, b}, phase)
	ta, _, _, ka := PlantedMixture(7, kinds, a, windows)
	tb, _, _, kb := PlantedMixture(7, kinds, b, windows)
	for w := range phase {
		want, wk := ta, ka
		if phase[w] == 1 {
			want, wk = tb, kb
		}
		if kind[w] != wk[w] || !slices.Equal(tok[w*T:(w+1)*T], want[w*T:(w+1)*T]) {
			t.Fatalf("window %d differs from the one-phase mixture's", w)
		}
	}
}

// TestWindowSteps checks WindowSteps against Train: changing one token
// inside window w (not its first, which is also the previous window's last
// target) changes the run first at the step whose minibatch holds w.
func TestWindowSteps(t *testing.T) {
	const windows, batch = 23, 4
	steps := WindowSteps(9, windows, batch)
	count := make([]int, windows/batch+1)
	for _, s := range steps {
		count[s]++
	}
	if count[0] != windows%batch {
		t.Errorf("%d windows left out, want %d", count[0], windows%batch)
	}
	for s := 1; s < len(count); s++ {
		if count[s] != batch {
			t.Errorf("step %d holds %d windows, want %d", s, count[s], batch)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pc := PlantedConfig{Alphabet: 8, Context: 16, MinLen: 3, MaxLen: 5, Repeats: 2, Skip: 0.5}
	tok, _, _ := Planted(rng, pc, windows)
	cfg := Config{Context: 16, DModel: 8, Heads: 2, Layers: 1}
	w0 := New(cfg, pc.VocabSize(), tok).Init(rng)
	tc := TrainConfig{Steps: windows / batch, Every: 1, BatchWindows: batch, Seed: 9, LR: 0.01}
	_, ref := Train(New(cfg, pc.VocabSize(), tok), w0, tc)
	for _, w := range []int{0, 5, 11, 22} {
		alt := slices.Clone(tok)
		alt[w*16+5] = (alt[w*16+5] + 1) % pc.VocabSize()
		_, got := Train(New(cfg, pc.VocabSize(), alt), w0, tc)
		first := 0
		for k, c := range got.Checkpoints {
			if !slices.Equal(c.Params, ref.Checkpoints[k].Params) {
				first = c.Step
				break
			}
		}
		if first != steps[w] {
			t.Errorf("window %d changes the run first at step %d, WindowSteps says %d", w, first, steps[w])
		}
	}
}

// A window used at step After is in the earlier phase, at After+1 in the
// later one; a window left out (step 0) in the first.
func TestWindowPhases(t *testing.T) {
	phases := []Phase{{0, nil}, {10, nil}, {20, nil}}
	got := windowPhases([]int{0, 1, 10, 11, 20, 21, 40}, phases)
	if want := []int{0, 0, 0, 1, 1, 2, 2}; !slices.Equal(got, want) {
		t.Errorf("phases %v, want %v", got, want)
	}
}

// TestTrainPlantedPhases: one phase is TrainPlantedMixture; a switch of
// weights after step `after` changes the run after it, and before it only
// through the last target of the windows whose successor changed kind.
func TestTrainPlantedPhases(t *testing.T) {
	cfg, pc, tc := PlantedDefaults()
	cfg.DModel = 16
	tc.Steps, tc.Every, tc.BatchWindows, tc.Warmup, tc.Seed = 40, 10, 4, 0, 3
	kinds := PlantedKinds(pc)
	a, b := []float64{0.6, 0.2, 0.2}, []float64{0.05, 0.05, 0.9}
	windows := tc.Steps*tc.BatchWindows + 3
	open := TrainPlantedMixture(cfg, kinds, a, tc, windows, 5)
	const after = 20
	got := TrainPlantedPhases(cfg, kinds, []Phase{{0, a}, {after, b}}, tc, windows, 5, -1)
	if len(got.CurveLoss) != len(open.CurveLoss) {
		t.Fatalf("%d checkpoints, want %d", len(got.CurveLoss), len(open.CurveLoss))
	}
	for i, s := range got.CurveSteps {
		d := math.Abs(got.CurveLoss[i] - open.CurveLoss[i])
		if (s <= after) != (d < 0.01) {
			t.Errorf("step %d: loss %v, one-phase run %v", s, got.CurveLoss[i], open.CurveLoss[i])
		}
	}
	same := TrainPlantedPhases(cfg, kinds, []Phase{{0, a}}, tc, windows, 5, -1)
	if !slices.Equal(same.W, open.W) {
		t.Error("one phase differs from TrainPlantedMixture")
	}
	for name, p := range map[string][]Phase{"none": nil, "late start": {{5, a}}, "not increasing": {{0, a}, {10, b}, {10, a}},
		"after the first epoch": {{0, a}, {windows / tc.BatchWindows, b}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			TrainPlantedPhases(cfg, kinds, p, tc, windows, 5, -1)
		}()
	}
}
