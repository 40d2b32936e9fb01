// Copyright ©2026 The susclab Authors.

package lm

import (
	"math"
	"slices"
	"testing"
)

// GoKindPools partitions the training windows: the doubled ones exactly,
// the corpus's by the share of their targets inside comments.
func TestGoKindPools(t *testing.T) {
	c := GoCorpus()
	train, _ := GoSplitDoubled(c, Config{}, 0.25, 3)
	plain, _ := GoSplit(c, Config{})
	pools := GoKindPools(c, train)
	if len(pools) != len(GoKindNames()) {
		t.Fatalf("%d pools for %d kinds", len(pools), len(GoKindNames()))
	}
	all := slices.Concat(pools...)
	slices.Sort(all)
	if !slices.Equal(all, train.Windows()) {
		t.Fatal("the pools are not a partition of the training windows")
	}
	corpus := plain.Windows()
	if !slices.Equal(pools[GoDoubled], train.Windows()[len(corpus):]) {
		t.Error("the doubled pool is not the doubled windows")
	}
	T := train.WindowLen()
	for k, pool := range pools[:GoDoubled] {
		for _, w := range pool {
			comment := 0
			for p := 1; p <= T; p++ {
				if c.Comment[w*T+p] {
					comment++
				}
			}
			if (2*comment >= T) != (k == GoComment) {
				t.Fatalf("window %d with %d comment targets of %d is in pool %s", w, comment, T, GoKindNames()[k])
			}
		}
	}
	// Both kinds are well represented in Go's own source.
	if f := float64(len(pools[GoComment])) / float64(len(corpus)); f < 0.05 || f > 0.6 {
		t.Errorf("%.3f of the corpus's windows are comment windows", f)
	}
}

// MixWindows draws each pool with its weight's share, couples draws across
// weights and refuses what it cannot draw.
func TestMixWindows(t *testing.T) {
	pools := [][]int{{0, 1, 2}, {10, 11}, {20, 21, 22, 23}}
	const n = 40000
	a := []float64{5, 2, 3} // shares 0.5, 0.2, 0.3: weights need not sum to 1
	chosen, kind, err := MixWindows(7, pools, a, n)
	if err != nil {
		t.Fatal(err)
	}
	count := make([]float64, len(pools))
	for w, k := range kind {
		count[k]++
		if !slices.Contains(pools[k], chosen[w]) {
			t.Fatalf("window %d: %d is not in pool %d", w, chosen[w], k)
		}
	}
	for k, w := range a {
		p := w / 10
		// A binomial share: 5 standard errors (about 0.012 at these shares).
		if se := math.Sqrt(p * (1 - p) / n); math.Abs(count[k]/n-p) > 5*se {
			t.Errorf("pool %d: share %.4f, want %.2f ± %.4f", k, count[k]/n, p, se)
		}
	}
	again, _, _ := MixWindows(7, pools, a, n)
	if !slices.Equal(again, chosen) {
		t.Error("the same seed drew other windows")
	}
	// Nearby weights: windows whose pool did not change are the same
	// windows, and the pool changes for about the weights' total
	// variation distance (0.1) of them.
	b := []float64{4, 3, 3}
	other, kindB, _ := MixWindows(7, pools, b, n)
	changed := 0
	for w := range kind {
		if kind[w] == kindB[w] {
			if other[w] != chosen[w] {
				t.Fatalf("window %d: same pool %d, different window", w, kind[w])
			}
		} else {
			changed++
		}
	}
	if f := float64(changed) / n; math.Abs(f-0.1) > 0.01 {
		t.Errorf("%.4f of the windows changed pool, want 0.1", f)
	}
	// A zero weight is never drawn.
	_, kz, _ := MixWindows(8, pools, []float64{0, 1, 0}, 1000)
	for _, k := range kz {
		if k != 1 {
			t.Fatalf("drew pool %d with weight 0", k)
		}
	}
	for name, c := range map[string]struct {
		pools   [][]int
		weights []float64
		windows int
	}{
		"no windows":     {pools, a, 0},
		"weights count":  {pools, []float64{1, 1}, 10},
		"negative":       {pools, []float64{1, -1, 1}, 10},
		"all zero":       {pools, []float64{0, 0, 0}, 10},
		"empty weighted": {[][]int{{1}, nil}, []float64{1, 1}, 10},
		"no pools":       {nil, nil, 10},
		"overflow":       {pools, []float64{1e308, 1e308, 0}, 10},
	} {
		if _, _, err := MixWindows(1, c.pools, c.weights, c.windows); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, _, err := MixWindows(1, [][]int{{1}, nil}, []float64{1, 0}, 10); err != nil {
		t.Errorf("an empty pool of weight 0: %v", err)
	}
}

// TrainGoMixture pairs runs across weights, records a mixture GoSplitOf
// re-draws, tracks the repeated probe at every checkpoint and refuses what
// it cannot run.
func TestTrainGoMixture(t *testing.T) {
	c := GoCorpus()
	cfg := Config{Context: 16, DModel: 8, Heads: 2, Layers: 2}
	train, probe := GoSplitDoubled(c, cfg, 0.5, 3)
	pools := GoKindPools(c, train)
	tc := TrainConfig{Steps: 6, Every: 2, BatchWindows: 4, LR: 1e-3, Seed: 3, Doubled: 0.5}
	a, err := TrainGoMixture(train, probe, pools, []float64{0.2, 0.2, 0.6}, tc, 11, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := TrainGoMixture(train, probe, pools, []float64{0.3, 0.1, 0.6}, tc, 11, -1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Checkpoints.Checkpoints[0].Params, b.Checkpoints.Checkpoints[0].Params) {
		t.Error("paired runs start from different initializations")
	}
	for w := range a.Windows {
		if a.Kind[w] == b.Kind[w] && a.Windows[w] != b.Windows[w] {
			t.Fatalf("window %d: same kind, different windows", w)
		}
	}
	// The curve is the induction test at each checkpoint, bit for bit.
	halves := probe.FirstHalves()
	if !slices.Equal(a.CurveSteps, []int{0, 2, 4, 6}) {
		t.Fatalf("checkpoint steps %v", a.CurveSteps)
	}
	for i, ck := range a.Checkpoints.Checkpoints {
		_, _, first, second := probe.RepeatScoresOf(ck.Params, halves)
		if math.Float64bits(second/first) != math.Float64bits(a.CurveRatio[i]) {
			t.Errorf("step %d: ratio %v, recomputed %v", ck.Step, a.CurveRatio[i], second/first)
		}
	}
	if !math.IsNaN(a.Formation) {
		t.Errorf("formed at %v in 6 steps", a.Formation)
	}
	// GoSplitOf rebuilds the training windows from the checkpoint's config.
	sc, err := ParseSeriesConfig(a.Checkpoints)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := GoSplitOf(c, sc)
	if err != nil {
		t.Fatal(err)
	}
	if again.NumData() != len(a.Windows)*16 {
		t.Fatalf("GoSplitOf re-drew %d samples, the run %d windows of 16", again.NumData(), len(a.Windows))
	}
	for i := 0; i < again.NumData(); i++ {
		k, p := again.Sample(i)
		if w := a.Windows[i/16]; k != w || p != i%16 {
			t.Fatalf("GoSplitOf's sample %d is (%d, %d), want window %d", i, k, p, w)
		}
	}
	// And training on them again from the run's initialization gives the
	// run's parameters: the run trained on the windows it reports.
	if w, _ := Train(again, a.Checkpoints.Checkpoints[0].Params, tc); !slices.Equal(w, a.W) {
		t.Error("training on GoSplitOf's windows does not reproduce the run")
	}
	// A user's Stop still ends the run.
	stop := tc
	stop.Stop = func(step int, _ []float64) bool { return step >= 2 }
	if s, _ := TrainGoMixture(train, probe, pools, []float64{1, 1, 1}, stop, 11, 0); len(s.CurveSteps) != 2 {
		t.Errorf("stopped run: checkpoints at %v", s.CurveSteps)
	}
	odd, oddProbe := GoSplit(c, Config{Context: 15, DModel: 8, Heads: 2, Layers: 2})
	for name, f := range map[string]func() (*GoMixtureResult, error){
		"no checkpoints": func() (*GoMixtureResult, error) {
			n := tc
			n.Every = 0
			return TrainGoMixture(train, probe, pools, []float64{1, 1, 1}, n, 1, -1)
		},
		"bad weights": func() (*GoMixtureResult, error) {
			return TrainGoMixture(train, probe, pools, []float64{1, -1, 1}, tc, 1, -1)
		},
		"odd context": func() (*GoMixtureResult, error) {
			return TrainGoMixture(odd, oddProbe, GoKindPools(c, odd), []float64{1, 1, 0}, tc, 1, -1)
		},
		"other probe": func() (*GoMixtureResult, error) {
			return TrainGoMixture(train, oddProbe, pools, []float64{1, 1, 1}, tc, 1, -1)
		},
		"foreign pool": func() (*GoMixtureResult, error) {
			return TrainGoMixture(train, probe, [][]int{{-1}, {1}, {2}}, []float64{1, 1, 1}, tc, 1, -1)
		},
		"too many steps": func() (*GoMixtureResult, error) {
			n := tc
			n.Steps = MaxMixSamples
			return TrainGoMixture(train, probe, pools, []float64{1, 1, 1}, n, 1, -1)
		},
	} {
		if r, err := f(); err == nil || r != nil {
			t.Errorf("%s: no error", name)
		}
	}
}
