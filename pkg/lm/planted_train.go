// Copyright ©2026 The susclab Authors.

package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"susclab/internal/seeds"
	"susclab/pkg/checkpoint"
)

// PlantedDefaults returns the settings with which training learns
// induction on the planted corpus reliably and fast (see the package
// documentation): the model (T = 32, d = 32, H = 2, L = 2), the planted
// corpus (A = 32 repeat tokens, F = 16 fillers, 2 repeats of 4..10 tokens
// per window, Skip 0.8) and Adam (16 windows per batch, LR 6e-3 after 200
// warm-up steps, 3000 steps).
func PlantedDefaults() (Config, PlantedConfig, TrainConfig) {
	return Config{Context: 32, DModel: 32, Heads: 2, Layers: 2},
		PlantedConfig{Alphabet: 32, Filler: 16, Context: 32, MinLen: 4, MaxLen: 10, Repeats: 2, Skip: 0.8},
		TrainConfig{Steps: 3000, LR: 6e-3, Warmup: 200, BatchWindows: 16}
}

// PlantedResult is the outcome of TrainPlanted.
type PlantedResult struct {
	W             []float64 // trained parameters
	Model         *Model    // the model on the held-out windows
	Induction     []int     // the held-out planted induction samples of Model
	InductionLoss float64   // mean loss on them (nats)
	AllLoss       float64   // mean loss on all held-out samples
	Ablated       []float64 // InductionLoss with head l·H+h ablated
	TopHead       int       // the head whose ablation raises InductionLoss most
	SecondRise    float64   // the largest rise from ablating any other head
	PrevScore     []float64 // HeadScores on the held-out windows: weight on the previous token
	InductScore   []float64 // and on tokens after earlier occurrences of the current token
	Seconds       float64   // wall-clock training time (for reports only)
	// With checkpoints (TrainConfig.Every > 0): the induction tokens'
	// loss at each checkpoint (CurveSteps, CurveLoss) and the step at which
	// it first falls below half the unigram entropy, log(A)/2 (Formation,
	// by FormationStep; NaN if it never does).
	CurveSteps []int
	CurveLoss  []float64
	Formation  float64
	// Checkpoints is the training run's series (Train's).
	Checkpoints *checkpoint.Series
}

// TrainPlanted trains a model of architecture cfg on `windows` windows of
// the planted corpus pc (data and initialization from seed, minibatches
// from tc.Seed) and evaluates it on 64 fresh held-out windows: loss on the
// planted induction tokens, on all tokens, and with each head ablated.
func TrainPlanted(cfg Config, pc PlantedConfig, tc TrainConfig, windows int, seed uint64) *PlantedResult {
	return TrainPlantedMixture(cfg, []PlantedConfig{pc}, []float64{1}, tc, windows, seed)
}

// TrainPlantedMixture is TrainPlanted on a mixture of planted corpora
// (PlantedMixture with kinds and weights; each kind's Context is set to
// the model's): the training windows are drawn from the mixture, and the
// evaluation is on held-out windows of kinds[0] (which should have
// repeats: its induction tokens are the ones evaluated). With one kind it
// is TrainPlanted, bit for bit. With several, the arms of a reweighting
// experiment are paired: for one seed, runs with different weights start
// from the same initialization (drawn from its own stream), see every
// window whose kind did not change (PlantedMixture's coupling) in the same
// minibatch position (tc.Seed), and are evaluated on the same held-out
// windows.
func TrainPlantedMixture(cfg Config, kinds []PlantedConfig, weights []float64, tc TrainConfig, windows int, seed uint64) *PlantedResult {
	return trainPlanted(cfg, kinds, []Phase{{Weights: weights}}, tc, windows, seed, -1)
}

// A Phase of a reweighting schedule: the minibatches of steps After+1,
// After+2, ... (up to the next phase's After) are drawn with Weights.
type Phase struct {
	After   int       `json:"after"`
	Weights []float64 `json:"weights"`
}

// TrainPlantedPhases is TrainPlantedMixture with weights that change
// during training (the first phase's After is 0, the others increase and
// lie inside the first epoch, windows/BatchWindows steps) and, with
// margin ≥ 0, TrainPlantedUntilFormed's stop. Each window is drawn
// (PlantedPhases) with the weights of the step whose minibatch holds it in
// the first epoch (WindowSteps; later epochs reuse the windows). The run up
// to a phase's After is therefore the run with the earlier phases only,
// except for the last target of each window whose successor changed kind
// (a window's last target is the next window's first token). With one
// phase it is TrainPlantedMixture (or TrainPlantedUntilFormed), bit for
// bit.
func TrainPlantedPhases(cfg Config, kinds []PlantedConfig, phases []Phase, tc TrainConfig, windows int, seed uint64, margin int) *PlantedResult {
	if len(phases) == 0 || phases[0].After != 0 {
		panic("lm: TrainPlantedPhases: the first phase must start at step 0")
	}
	for i := 1; i < len(phases); i++ {
		if phases[i].After <= phases[i-1].After {
			panic("lm: TrainPlantedPhases: phases must start at increasing steps")
		}
	}
	if margin >= 0 && tc.Every < 1 {
		panic("lm: TrainPlantedPhases: a margin needs checkpoints (Every > 0)")
	}
	return trainPlanted(cfg, kinds, phases, tc, windows, seed, margin)
}

// TrainPlantedUntilFormed is TrainPlantedMixture that ends training at the
// first checkpoint at least `margin` steps after formation (tc.Every must
// be positive): the curve, the checkpoints and the formation step are
// those of the longer run up to there, so a formation step is found for
// a fraction of the cost when circuits form early in a long run.
// tc.Stop, if set, is still called (cancellation).
func TrainPlantedUntilFormed(cfg Config, kinds []PlantedConfig, weights []float64, tc TrainConfig, windows int, seed uint64, margin int) *PlantedResult {
	if tc.Every < 1 || margin < 0 {
		panic("lm: TrainPlantedUntilFormed needs checkpoints (Every > 0) and a margin >= 0")
	}
	return trainPlanted(cfg, kinds, []Phase{{Weights: weights}}, tc, windows, seed, margin)
}

// trainPlanted trains and evaluates; margin < 0 trains all tc.Steps.
func trainPlanted(cfg Config, kinds []PlantedConfig, phases []Phase, tc TrainConfig, windows int, seed uint64, margin int) *PlantedResult {
	if len(kinds) == 0 {
		panic("lm: TrainPlantedMixture: no corpus")
	}
	cfg = cfg.WithDefaults()
	kinds = append([]PlantedConfig(nil), kinds...)
	for k := range kinds {
		kinds[k].Context = cfg.Context
		kinds[k] = kinds[k].withDefaults()
	}
	pc := kinds[0]
	var rng *rand.Rand
	var tokens []int
	if len(kinds) == 1 {
		rng = rand.New(rand.NewPCG(seed, 0x1a2b3c))
		tokens, _, _ = Planted(rng, pc, windows) // the data, then the initialization, from one stream
	} else {
		rng = rand.New(seeds.PCG(seed, streamInit))
		if windows < 1 {
			panic("lm: TrainPlantedMixture: need windows >= 1")
		}
		phase := make([]int, windows)
		if len(phases) > 1 {
			bw := TrainConfig{BatchWindows: tc.BatchWindows}.withDefaults(windows).BatchWindows
			if last := phases[len(phases)-1].After; last >= windows/bw {
				panic(fmt.Sprintf("lm: TrainPlantedPhases: a phase after step %d, beyond the first epoch (%d steps)", last, windows/bw))
			}
			phase = windowPhases(WindowSteps(tc.Seed, windows, bw), phases)
		}
		ws := make([][]float64, len(phases))
		for i, p := range phases {
			ws[i] = p.Weights
		}
		tokens, _, _, _ = PlantedPhases(seed, kinds, ws, phase)
	}
	m := New(cfg, pc.VocabSize(), tokens)
	w0 := m.Init(rng)
	htok, hind, _ := Planted(rng, pc, 64) // held out: the stream's next draws
	hm := New(cfg, pc.VocabSize(), htok)
	var idx []int
	for i, b := range hind {
		if b {
			idx = append(idx, i)
		}
	}
	r := &PlantedResult{Model: hm, Induction: idx, Formation: math.NaN()}
	threshold := math.Log(float64(pc.Alphabet)) / 2
	user := tc.Stop
	tc.Stop = func(step int, w []float64) bool {
		if tc.Every > 0 {
			r.CurveSteps = append(r.CurveSteps, step)
			r.CurveLoss = append(r.CurveLoss, hm.LossGrad(nil, w, idx))
			if margin >= 0 && formedBefore(r.CurveSteps, r.CurveLoss, threshold, margin) {
				return true
			}
		}
		return user != nil && user(step, w)
	}
	start := time.Now()
	r.W, r.Checkpoints = Train(m, w0, tc)
	r.Seconds = time.Since(start).Seconds()
	if tc.Every > 0 {
		r.Formation = FormationStep(r.CurveSteps, r.CurveLoss, threshold)
	}
	r.Ablated, r.InductionLoss = hm.AblationLosses(r.W, idx)
	r.AllLoss = hm.LossGrad(nil, r.W, nil)
	r.PrevScore, r.InductScore, _ = hm.HeadScores(r.W, hm.Windows())
	for k, v := range r.Ablated {
		if v > r.Ablated[r.TopHead] {
			r.TopHead = k
		}
	}
	for k, v := range r.Ablated {
		if k != r.TopHead {
			r.SecondRise = max(r.SecondRise, v-r.InductionLoss)
		}
	}
	return r
}

// windowPhases returns each window's phase: the last one whose After is
// below the step that uses the window (step 0, a window left out, is in
// the first phase).
func windowPhases(steps []int, phases []Phase) []int {
	phase := make([]int, len(steps))
	for w, s := range steps {
		for phase[w] < len(phases)-1 && s > phases[phase[w]+1].After {
			phase[w]++
		}
	}
	return phase
}

// formedBefore reports whether the curve up to its last checkpoint formed
// (FormationStep) at least margin steps before that checkpoint.
func formedBefore(steps []int, loss []float64, threshold float64, margin int) bool {
	f := FormationStep(steps, loss, threshold)
	return float64(steps[len(steps)-1]) >= f+float64(margin) // false for NaN
}

// FormationStep returns the step at which a loss curve (loss[i] at
// steps[i], steps increasing) first falls below threshold, interpolated
// linearly between the last checkpoint above it and the first below: the
// formation step of a circuit whose tokens' loss drops when it forms
// (docs/theory.md §7.4). It returns steps[0] if the curve starts below the
// threshold and NaN if it never falls below it. It panics if the lengths
// differ.
func FormationStep(steps []int, loss []float64, threshold float64) float64 {
	if len(steps) != len(loss) {
		panic("lm: FormationStep: steps and losses differ in length")
	}
	for i, l := range loss {
		if l < threshold {
			if i == 0 {
				return float64(steps[0])
			}
			a, b := loss[i-1], l
			return float64(steps[i-1]) + (a-threshold)/(a-b)*float64(steps[i]-steps[i-1])
		}
	}
	return math.NaN()
}
