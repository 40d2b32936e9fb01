// Copyright ©2026 The susclab Authors.

package lm

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"susclab/pkg/checkpoint"
	"susclab/pkg/fpbits"
)

func loadShipped(t *testing.T, name string) (SeriesConfig, *checkpoint.Checkpoint) {
	t.Helper()
	s, err := checkpoint.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseSeriesConfig(s)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := s.Last()
	if !ok {
		t.Fatal("no checkpoint")
	}
	return cfg, c
}

// TestShippedCheckpoints checks the trained checkpoints of testdata: the
// Go-source model's recorded loss is recomputed from its parameters (the
// format, the layout and the forward pass have not changed), it predicts
// the held-out Go source, and both models have induction heads on repeated
// tokens (the Go-source model on repeated held-out text, the planted model
// on repeated random tokens).
func TestShippedCheckpoints(t *testing.T) {
	cfg, c := loadShipped(t, "gosrc.ckpt")
	corpus := GoCorpus()
	train, probe, err := GoSplitOf(corpus, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.VocabSize != train.VocabSize() || len(c.Params) != train.Dim() || c.Step != cfg.Train.Steps || cfg.Train.Doubled != 0.5 {
		t.Fatalf("gosrc.ckpt: vocabulary %d, %d parameters, step %d of %d, doubled %v", cfg.VocabSize, len(c.Params), c.Step, cfg.Train.Steps, cfg.Train.Doubled)
	}
	// Bit for bit on amd64; 1e-12 allows fused multiply-adds elsewhere.
	if l := train.LossGrad(nil, c.Params, EvalBatch(train, cfg.Train.EvalWindows)); math.Abs(l-c.Loss) > 1e-12*c.Loss {
		t.Errorf("gosrc.ckpt: recorded loss %v, recomputed %v", c.Loss, l)
	}
	// The model trained on Go source alone got 1.59 nats; half of this
	// one's windows were doubled (docs/theory.md §5.7).
	if l := probe.LossGrad(nil, c.Params, nil); l > 1.75 {
		t.Errorf("gosrc.ckpt: probe loss %v nats, want < 1.75", l)
	}
	_, gind, gfirst, gsecond := probe.RepeatScoresOf(c.Params, probe.FirstHalves())
	t.Logf("gosrc.ckpt on repeated held-out text: loss %.3f then %.3f; induction attention %.2f", gfirst, gsecond, gind)
	if gsecond > 0.5*gfirst || slices.Max(gind[cfg.Model.Heads:]) < 0.5 {
		t.Errorf("gosrc.ckpt: no induction on repeated text: loss %.3f then %.3f, induction attention %.2f", gfirst, gsecond, gind)
	}

	pcfg, pc := loadShipped(t, "planted.ckpt")
	m := New(pcfg.Model, pcfg.VocabSize, make([]int, pcfg.Model.Context+1))
	pool := make([]int, 32) // the repeat alphabet of PlantedDefaults
	for a := range pool {
		pool[a] = a
	}
	_, ind, first, second := m.RepeatScores(pc.Params, rand.New(rand.NewPCG(1, 1)), pool, 16)
	t.Logf("planted.ckpt on repeated random tokens: loss %.3f then %.3f; induction attention %.2f", first, second, ind)
	H := pcfg.Model.Heads
	if second > 0.3*first || math.Max(ind[H], ind[H+1]) < 0.5 {
		t.Errorf("planted.ckpt: no induction on repeated random tokens: loss %.3f then %.3f, layer-1 attention %.2f", first, second, ind[H:])
	}
}

// TestShippedCurves re-runs the first block of each shipped training
// curve (written by cmd/lmtrain -curve) bit for bit: the data, the
// initialization and the first Adam steps as cmd/lmtrain builds them (a
// block inside the warm-up, whose learning rate does not depend on the
// total number of steps).
func TestShippedCurves(t *testing.T) {
	if ok, why := fpbits.Reproducible(); !ok {
		t.Skip(why)
	}
	for _, name := range []string{"planted", "gosrc"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + name + ".curve.json")
			if err != nil {
				t.Fatal(err)
			}
			var shipped Curve
			if err := json.Unmarshal(b, &shipped); err != nil {
				t.Fatal(err)
			}
			cfg, _ := loadShipped(t, name+".ckpt")
			tc := cfg.Train
			if len(shipped.BatchLoss) == 0 || shipped.Every < 1 || shipped.Every >= tc.Warmup || shipped.Step[len(shipped.Step)-1] != tc.Steps {
				t.Fatalf("curve of %d points every %d steps, training of %d steps with %d of warm-up", len(shipped.BatchLoss), shipped.Every, tc.Steps, tc.Warmup)
			}
			rng := rand.New(rand.NewPCG(tc.Seed, 7)) // cmd/lmtrain's stream
			var train *Model
			if name == "gosrc" {
				var err error
				if train, _, err = GoSplitOf(GoCorpus(), cfg); err != nil {
					t.Fatal(err)
				}
			} else {
				_, pc, _ := PlantedDefaults()
				pc.Context = cfg.Model.Context
				tok, _, _ := Planted(rng, pc, tc.Steps*tc.BatchWindows)
				train = New(cfg.Model, cfg.VocabSize, tok)
				Planted(rng, pc, 64) // the probe windows
			}
			w0 := train.Init(rng)
			got := Curve{Every: shipped.Every}
			tc.Steps, tc.Every, tc.Progress = shipped.Every, 0, got.Add
			Train(train, w0, tc)
			if got.EvalLoss[0] != shipped.EvalLoss[0] || got.EvalStep[0] != 0 {
				t.Errorf("loss at initialization %v, shipped %v", got.EvalLoss[0], shipped.EvalLoss[0])
			}
			if _, c := loadShipped(t, name+".ckpt"); shipped.EvalLoss[len(shipped.EvalLoss)-1] != c.Loss {
				t.Errorf("the curve's last checkpoint loss %v is not the shipped checkpoint's %v", shipped.EvalLoss[len(shipped.EvalLoss)-1], c.Loss)
			}
			if math.Float64bits(got.BatchLoss[0]) != math.Float64bits(shipped.BatchLoss[0]) {
				t.Errorf("first %d steps: mean minibatch loss %v, shipped %v", shipped.Every, got.BatchLoss[0], shipped.BatchLoss[0])
			}
		})
	}
}
