// Copyright ©2026 The susclab Authors.

package lm

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"susclab/pkg/checkpoint"
)

func trainSmall(t *testing.T, seed uint64) (*Model, []float64, *checkpoint.Series, int) {
	rng := rand.New(rand.NewPCG(3, 4))
	tok, _, _ := Planted(rng, PlantedConfig{Alphabet: 8, Context: 16, MinLen: 3, MaxLen: 5, Repeats: 2, Skip: 0.5}, 40)
	m := New(Config{Context: 16, DModel: 8, Heads: 2, Layers: 2}, 8, tok)
	calls := 0
	w, s := Train(m, m.Init(rng), TrainConfig{Steps: 23, Every: 5, LR: 0.01, Warmup: 3, BatchWindows: 3, Seed: seed, EvalWindows: 6,
		Progress: func(p Progress) { calls++ }})
	return m, w, s, calls
}

func TestTrainCheckpoints(t *testing.T) {
	m, w, s, calls := trainSmall(t, 7)
	if calls != 24 {
		t.Errorf("Progress called %d times, want 24 (steps 0..23)", calls)
	}
	want := []int{0, 5, 10, 15, 20, 23}
	if got := s.Steps(); len(got) != len(want) {
		t.Fatalf("checkpoint steps %v, want %v", got, want)
	}
	for k, st := range s.Steps() {
		if st != want[k] {
			t.Fatalf("checkpoint steps %v, want %v", s.Steps(), want)
		}
	}
	last, _ := s.Last()
	for k := range w {
		if math.Float64bits(last.Params[k]) != math.Float64bits(w[k]) {
			t.Fatal("last checkpoint is not the returned parameters")
		}
	}
	if first, _ := s.Find(0); first.Loss <= last.Loss {
		t.Errorf("loss did not decrease: %v → %v", first.Loss, last.Loss)
	}
	cfg, err := ParseSeriesConfig(s)
	if err != nil || cfg.Model != m.Config() || cfg.VocabSize != 8 || cfg.Train.Steps != 23 || cfg.Train.Beta2 != 0.999 {
		t.Errorf("series config %+v, %v", cfg, err)
	}

	// Deterministic: the same seed gives the same bits; another seed does not.
	_, w2, s2, _ := trainSmall(t, 7)
	for k := range w {
		if math.Float64bits(w2[k]) != math.Float64bits(w[k]) {
			t.Fatal("training is not deterministic")
		}
	}
	if _, w3, _, _ := trainSmall(t, 8); w3[0] == w[0] {
		t.Error("another seed gives the same parameters")
	}

	// Reloadable bit for bit.
	var buf bytes.Buffer
	if err := checkpoint.Write(&buf, s2); err != nil {
		t.Fatal(err)
	}
	r, err := checkpoint.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range s.Checkpoints {
		rc := r.Checkpoints[k]
		if rc.Step != c.Step || math.Float64bits(rc.Loss) != math.Float64bits(c.Loss) {
			t.Fatalf("checkpoint %d: step/loss changed", k)
		}
		for j := range c.Params {
			if math.Float64bits(rc.Params[j]) != math.Float64bits(c.Params[j]) {
				t.Fatalf("checkpoint %d param %d changed", k, j)
			}
		}
		// The checkpoint's loss is the loss of its parameters on the
		// evaluation windows: recomputable from the file alone.
		if k == 2 {
			if l := m.LossGrad(nil, rc.Params, EvalBatch(m, 6)); l != rc.Loss {
				t.Errorf("checkpoint loss %v, recomputed %v", rc.Loss, l)
			}
		}
	}
}

// Stop ends training at a checkpoint, and the run so far is the run that
// was asked to stop there (Steps = 15): parameters and series bit for bit.
func TestTrainStop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tok, _, _ := Planted(rng, PlantedConfig{Alphabet: 8, Context: 16, MinLen: 3, MaxLen: 5, Repeats: 2, Skip: 0.5}, 40)
	m := New(Config{Context: 16, DModel: 8, Heads: 2, Layers: 2}, 8, tok)
	w0 := m.Init(rng)
	tc := TrainConfig{Steps: 15, Every: 5, LR: 0.01, BatchWindows: 3, Seed: 1, EvalWindows: 6}
	want, ws := Train(m, w0, tc)
	var seen []int
	tc.Steps, tc.Stop = 40, func(step int, w []float64) bool {
		seen = append(seen, step)
		return step == 15
	}
	got, gs := Train(m, w0, tc)
	if len(seen) != 4 || seen[3] != 15 || len(gs.Checkpoints) != len(ws.Checkpoints) {
		t.Fatalf("Stop called at %v; %d checkpoints, want 4 at 0, 5, 10, 15", seen, len(gs.Checkpoints))
	}
	for k := range want {
		if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
			t.Fatal("a stopped run differs from the shorter run")
		}
	}
	for k, c := range gs.Checkpoints {
		if c.Step != ws.Checkpoints[k].Step || c.Loss != ws.Checkpoints[k].Loss {
			t.Fatalf("checkpoint %d: %d %v, want %d %v", k, c.Step, c.Loss, ws.Checkpoints[k].Step, ws.Checkpoints[k].Loss)
		}
	}
	tc.Stop = func(int, []float64) bool { return true }
	if _, s := Train(m, w0, tc); len(s.Checkpoints) != 1 {
		t.Errorf("stopped at step 0: %d checkpoints", len(s.Checkpoints))
	}
}

// paramCount agrees with the layout, and ParseSeriesConfig refuses a
// config whose model does not have the series' parameters, however large
// its sizes, without allocating the model.
func TestParseSeriesConfigRefuses(t *testing.T) {
	for _, c := range []Config{{}, {Context: 5, DModel: 6, Heads: 3, Layers: 3}, {MLP: 16}, {MLP: 16, LayerNorm: true}, {LayerNorm: true, Layers: 1}} {
		c = c.WithDefaults()
		lay := newLayout(c, 11)
		if n, ok := paramCount(c, 11, lay.Dim); !ok || n != lay.Dim {
			t.Errorf("%+v: paramCount %d (%v), layout %d", c, n, ok, lay.Dim)
		}
		if _, ok := paramCount(c, 11, lay.Dim-1); ok {
			t.Errorf("%+v: paramCount within a limit below its count", c)
		}
	}
	_, _, s, _ := trainSmall(t, 7)
	if _, err := ParseSeriesConfig(s); err != nil {
		t.Fatalf("the valid series: %v", err)
	}
	for name, edit := range map[string]func(c map[string]any){
		"a huge context":     func(c map[string]any) { c["model"].(map[string]any)["context"] = 1 << 40 },
		"huge layers":        func(c map[string]any) { c["model"].(map[string]any)["layers"] = 1 << 60 },
		"a huge d_model":     func(c map[string]any) { c["model"].(map[string]any)["d_model"] = 1 << 32 },
		"a huge MLP":         func(c map[string]any) { c["model"].(map[string]any)["mlp"] = 1 << 62 },
		"a huge vocabulary":  func(c map[string]any) { c["vocab_size"] = 1 << 62 },
		"no vocabulary":      func(c map[string]any) { c["vocab_size"] = 0 },
		"heads not dividing": func(c map[string]any) { c["model"].(map[string]any)["heads"] = 3 },
		"one more layer":     func(c map[string]any) { c["model"].(map[string]any)["layers"] = 3 },
	} {
		var c map[string]any
		if err := json.Unmarshal(s.Config, &c); err != nil {
			t.Fatal(err)
		}
		edit(c)
		crafted := *s
		crafted.Config, _ = json.Marshal(c)
		if _, err := ParseSeriesConfig(&crafted); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	empty := *s
	empty.Checkpoints = nil
	if _, err := ParseSeriesConfig(&empty); err == nil {
		t.Error("a series without checkpoints: accepted")
	}
}
