// Copyright ©2026 The susclab Authors.

package lm

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"susclab/pkg/checkpoint"
)

// TrainConfig configures Train. The zero value of each field means the
// default in its comment.
type TrainConfig struct {
	Steps        int     `json:"steps"`         // Adam updates; 0 means 1000
	LR           float64 `json:"lr"`            // peak learning rate; 0 means 1e-3
	Warmup       int     `json:"warmup"`        // steps of linear warm-up from LR/Warmup to LR (0: none)
	Cosine       bool    `json:"cosine"`        // after warm-up, decay the learning rate to 0 along a half cosine
	BatchWindows int     `json:"batch_windows"` // whole windows per minibatch; 0 means 4
	Seed         uint64  `json:"seed"`          // seeds the window permutation
	Beta1        float64 `json:"beta1"`         // Adam first-moment decay; 0 means 0.9
	Beta2        float64 `json:"beta2"`         // Adam second-moment decay; 0 means 0.999
	Eps          float64 `json:"eps"`           // Adam denominator offset; 0 means 1e-8
	// Every is the checkpoint interval in steps: checkpoints are taken at
	// step 0, at every multiple of Every and at the last step. 0 means
	// only the first and the last.
	Every int `json:"every"`
	// EvalWindows is the number of the model's windows, evenly spaced, on
	// which a checkpoint's loss is measured (the same windows every time);
	// 0 means 32 (or all if there are fewer).
	EvalWindows int `json:"eval_windows"`
	// Data describes the training data in the checkpoint config (free text).
	Data string `json:"data,omitempty"`
	// Doubled is the fraction of doubled windows in Go-source training data
	// (GoSplitDoubled, seeded with Seed; 0: GoSplit's windows alone). Train
	// does not read it: it is recorded so that an analysis of the
	// checkpoint can condition on the same data (GoSplitOf).
	Doubled float64 `json:"doubled,omitempty"`
	// Mix, if not nil, records that the Go-source training windows were
	// Steps×BatchWindows windows drawn by MixWindows from GoKindPools; like
	// Doubled, Train does not read it, and GoSplitOf re-draws them.
	Mix *GoMix `json:"mix,omitempty"`
	// Progress, if not nil, is called after every step (and once for step
	// 0): see Progress.
	Progress func(Progress) `json:"-"`
	// Stop, if not nil, is called after each checkpoint (step 0's
	// included) with its step and parameters; returning true ends
	// training there. The run so far is the same as an uninterrupted
	// one's, since neither the data nor the minibatch order depend on
	// where training ends. It serves cancellation and early stopping.
	Stop func(step int, w []float64) bool `json:"-"`
}

// Progress reports one step of Train.
type Progress struct {
	Step, Steps int
	BatchLoss   float64 // the minibatch loss at this step, before its update (NaN at step 0)
	Checkpoint  bool    // whether a checkpoint was taken after this step
	EvalLoss    float64 // the checkpoint's loss (NaN if Checkpoint is false)
}

// SeriesConfig is the config stored in the checkpoint series that Train
// returns.
type SeriesConfig struct {
	Model     Config      `json:"model"`
	VocabSize int         `json:"vocab_size"`
	Train     TrainConfig `json:"train"` // with defaults filled in
}

// GoSplitOf returns the Go-source split that the checkpoints of sc were
// trained on: GoSplitDoubled with sc.Train's Doubled and Seed, and, if
// sc.Train.Mix is set, the Steps×BatchWindows training windows that
// MixWindows drew with its weights and seed from the split's GoKindPools
// (in draw order, repeats included; at most MaxMixSamples samples). It
// returns an error, not a panic, for a config that GoSplitDoubled or
// MixWindows does not accept.
func GoSplitOf(c *Corpus, sc SeriesConfig) (train, probe *Model, err error) {
	cfg, d := sc.Model.WithDefaults(), sc.Train.Doubled
	if sc.VocabSize != c.Vocab.Size() {
		return nil, nil, fmt.Errorf("lm: GoSplitOf: a vocabulary of %d tokens, the corpus has %d", sc.VocabSize, c.Vocab.Size())
	}
	if !(d >= 0 && d <= MaxDoubled) || d > 0 && cfg.Context%2 != 0 {
		return nil, nil, fmt.Errorf("lm: GoSplitOf: doubled fraction %v with context %d (want 0 <= fraction <= %v, and an even context if > 0)", d, cfg.Context, MaxDoubled)
	}
	if err := cfg.check(); err != nil {
		return nil, nil, err
	}
	if (len(c.Tokens)-1)/cfg.Context <= 2*8 {
		return nil, nil, fmt.Errorf("lm: GoSplitOf: a context of %d leaves too few windows of the corpus to hold 8 out", cfg.Context)
	}
	train, probe = GoSplitDoubled(c, cfg, d, sc.Train.Seed)
	if mix := sc.Train.Mix; mix != nil {
		if err := checkMixSize(sc.Train, cfg.Context); err != nil {
			return nil, nil, fmt.Errorf("lm: GoSplitOf: %w", err)
		}
		chosen, _, err := MixWindows(mix.Seed, GoKindPools(c, train), mix.Weights, sc.Train.Steps*sc.Train.BatchWindows)
		if err != nil {
			return nil, nil, fmt.Errorf("lm: GoSplitOf: %w", err)
		}
		train = train.Subset(chosen)
	}
	return train, probe, nil
}

// EvalBatch returns the samples of `windows` evenly spaced windows of the
// window-aligned model m (its windows ⌊(2j+1)W/(2·windows)⌋, j = 0..
// windows-1, of W): the fixed set on which Train measures a checkpoint's
// loss, so that a checkpoint's Loss can be recomputed from its parameters.
func EvalBatch(m *Model, windows int) []int {
	T := m.WindowLen()
	nw := m.NumData() / T
	windows = min(windows, nw)
	eval := make([]int, 0, windows*T)
	for j := 0; j < windows; j++ {
		k := (2*j + 1) * nw / (2 * windows)
		for p := 0; p < T; p++ {
			eval = append(eval, k*T+p)
		}
	}
	return eval
}

// ParseSeriesConfig returns the SeriesConfig of a series written by Train.
// It checks that the config describes a model whose parameters are the
// series' checkpoints (Dim of them, and at least one checkpoint), so that
// a crafted config cannot make a caller allocate a model, or windows of
// its context, beyond the size of the parameters read.
func ParseSeriesConfig(s *checkpoint.Series) (SeriesConfig, error) {
	var c SeriesConfig
	if s.Name != "lm" {
		return c, fmt.Errorf("lm: series of model %q, not lm", s.Name)
	}
	if err := json.Unmarshal(s.Config, &c); err != nil {
		return c, fmt.Errorf("lm: series config: %w", err)
	}
	if len(s.Checkpoints) == 0 {
		return c, errors.New("lm: the series has no checkpoint")
	}
	mc := c.Model.WithDefaults()
	if err := mc.check(); err != nil {
		return c, err
	}
	if n, ok := paramCount(mc, c.VocabSize, s.Dim); !ok || n != s.Dim {
		return c, fmt.Errorf("lm: the config's model (%+v, %d tokens) does not have the series' %d parameters", mc, c.VocabSize, s.Dim)
	}
	return c, nil
}

// paramCount returns the number of parameters of the model of a checked
// config c with a vocabulary of v tokens (newLayout's Dim), or false if
// it exceeds limit ≥ 0; no sum or product it forms exceeds 10·limit, so
// it cannot overflow for a limit below 2⁵⁹ (a checkpoint's Dim is at most
// the parameters read).
func paramCount(c Config, v, limit int) (int, bool) {
	d, t, l, m := c.DModel, c.Context, c.Layers, c.MLP
	if v < 1 || d > limit || d > limit/d || v > limit/d || t > limit/d || m > limit/d {
		return 0, false
	}
	layer := 4*d*d + 2*d*m // ≤ 6·limit
	if c.LayerNorm {
		layer += d
		if m > 0 {
			layer += d
		}
	}
	if l > limit/layer {
		return 0, false
	}
	n := 2*v*d + t*d + l*layer
	if c.LayerNorm {
		n += d
	}
	return n, n <= limit
}

func (c TrainConfig) withDefaults(nwin int) TrainConfig {
	if c.Steps == 0 {
		c.Steps = 1000
	}
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.BatchWindows == 0 {
		c.BatchWindows = 4
	}
	if c.Beta1 == 0 {
		c.Beta1 = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Eps == 0 {
		c.Eps = 1e-8
	}
	if c.EvalWindows == 0 {
		c.EvalWindows = 32
	}
	c.EvalWindows = min(c.EvalWindows, nwin)
	c.BatchWindows = min(c.BatchWindows, nwin)
	return c
}

// Train runs cfg.Steps Adam updates on m from a copy of w0 and returns the
// final parameters and the checkpoints (name "lm", config a SeriesConfig).
//
// m must be window-aligned (a full model or a Subset view): its NumData()/T
// windows are shuffled by a PCG generator seeded with cfg.Seed, and each
// minibatch is the next BatchWindows windows of the permutation, all their
// T samples (reshuffled when fewer than BatchWindows remain). The update
// at step t = 1, 2, ... with g = ∇L_B(w) is Adam with bias correction and
// learning rate η_t = LR·min(1, t/Warmup), times
// (1 + cos(π (t-Warmup)/(Steps-Warmup)))/2 after the warm-up if Cosine:
//
//	m ← β1 m + (1-β1) g,  v ← β2 v + (1-β2) g²,
//	w ← w - η_t m̂ / (√v̂ + Eps),  m̂ = m/(1-β1^t), v̂ = v/(1-β2^t).
//
// A checkpoint's Loss is the mean loss over EvalWindows fixed windows of m.
// The result is a deterministic function of (m, w0, cfg).
func Train(m *Model, w0 []float64, cfg TrainConfig) ([]float64, *checkpoint.Series) {
	T := m.WindowLen()
	if m.NumData()%T != 0 {
		panic("lm: Train needs a window-aligned model (full or Subset)")
	}
	m.checkW(w0)
	nw := m.NumData() / T
	cfg = cfg.withDefaults(nw)
	if cfg.Steps < 0 || cfg.BatchWindows < 0 || cfg.Every < 0 || cfg.Warmup < 0 {
		panic("lm: Train: negative setting")
	}
	d := m.Dim()
	blob, err := json.Marshal(SeriesConfig{Model: m.cfg, VocabSize: m.lay.V, Train: cfg})
	if err != nil {
		panic(err)
	}
	series := &checkpoint.Series{Name: "lm", Config: blob, Dim: d}

	eval := EvalBatch(m, cfg.EvalWindows)
	checkpointAt := func(step int, w []float64) float64 {
		l := m.LossGrad(nil, w, eval)
		series.Add(step, l, w)
		return l
	}

	rng := windowRand(cfg.Seed)
	perm := make([]int, nw)
	for i := range perm {
		perm[i] = i
	}
	pos := nw
	batch := make([]int, cfg.BatchWindows*T)
	w := append([]float64(nil), w0...)
	g := make([]float64, d)
	mom, vel := make([]float64, d), make([]float64, d)
	b1t, b2t := 1.0, 1.0

	l0 := checkpointAt(0, w)
	if cfg.Progress != nil {
		cfg.Progress(Progress{Step: 0, Steps: cfg.Steps, BatchLoss: math.NaN(), Checkpoint: true, EvalLoss: l0})
	}
	if cfg.Stop != nil && cfg.Stop(0, w) {
		return w, series
	}
	for step := 1; step <= cfg.Steps; step++ {
		if pos+cfg.BatchWindows > nw {
			shuffle(rng, perm)
			pos = 0
		}
		for b, k := range perm[pos : pos+cfg.BatchWindows] {
			for p := 0; p < T; p++ {
				batch[b*T+p] = k*T + p
			}
		}
		pos += cfg.BatchWindows
		loss := m.LossGrad(g, w, batch)

		lr := cfg.LR
		if cfg.Warmup > 0 && step < cfg.Warmup {
			lr *= float64(step) / float64(cfg.Warmup)
		} else if cfg.Cosine && cfg.Steps > cfg.Warmup {
			lr *= (1 + math.Cos(math.Pi*float64(step-cfg.Warmup)/float64(cfg.Steps-cfg.Warmup))) / 2
		}
		b1t *= cfg.Beta1
		b2t *= cfg.Beta2
		c1, c2 := 1/(1-b1t), 1/(1-b2t)
		for k, gk := range g {
			mom[k] = cfg.Beta1*mom[k] + (1-cfg.Beta1)*gk
			vel[k] = cfg.Beta2*vel[k] + (1-cfg.Beta2)*gk*gk
			w[k] -= lr * mom[k] * c1 / (math.Sqrt(vel[k]*c2) + cfg.Eps)
		}

		p := Progress{Step: step, Steps: cfg.Steps, BatchLoss: loss, EvalLoss: math.NaN()}
		if (cfg.Every > 0 && step%cfg.Every == 0) || step == cfg.Steps {
			p.Checkpoint, p.EvalLoss = true, checkpointAt(step, w)
		}
		if cfg.Progress != nil {
			cfg.Progress(p)
		}
		if p.Checkpoint && cfg.Stop != nil && cfg.Stop(step, w) {
			break
		}
	}
	return w, series
}

// windowRand returns the generator of Train's window permutations.
func windowRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func shuffle(rng *rand.Rand, perm []int) {
	rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
}

// WindowSteps returns, for each of `windows` windows of a model trained by
// Train with minibatches of batchWindows windows and the permutation seed,
// the step (1, 2, ...) whose minibatch holds it in the first epoch, or 0
// for the windows%batchWindows windows the first epoch leaves out. It
// depends neither on the number of steps nor on where training stops.
func WindowSteps(seed uint64, windows, batchWindows int) []int {
	if windows < 1 || batchWindows < 1 {
		panic("lm: WindowSteps: windows and batchWindows must be positive")
	}
	batchWindows = min(batchWindows, windows)
	perm := make([]int, windows)
	for i := range perm {
		perm[i] = i
	}
	shuffle(windowRand(seed), perm)
	steps := make([]int, windows)
	for p := range windows / batchWindows * batchWindows {
		steps[perm[p]] = p/batchWindows + 1
	}
	return steps
}

// Curve is a training curve: the mean minibatch loss over each block of
// Every steps (steps (j-1)·Every+1 … j·Every, recorded at Step[j-1] =
// j·Every) and the loss at each checkpoint. Record it with Add as Train's
// Progress; the zero value with Every = 0 records every step. A last block
// shorter than Every (Steps not a multiple of it) is not recorded.
type Curve struct {
	Every     int       `json:"every"`
	Step      []int     `json:"step"`
	BatchLoss []float64 `json:"batch_loss"`
	EvalStep  []int     `json:"eval_step"`
	EvalLoss  []float64 `json:"eval_loss"`
	sum       float64
	count     int
}

// Add records one step's progress.
func (c *Curve) Add(p Progress) {
	if p.Checkpoint {
		c.EvalStep = append(c.EvalStep, p.Step)
		c.EvalLoss = append(c.EvalLoss, p.EvalLoss)
	}
	if p.Step == 0 {
		return
	}
	c.sum += p.BatchLoss
	c.count++
	if c.count == max(c.Every, 1) {
		c.Step = append(c.Step, p.Step)
		c.BatchLoss = append(c.BatchLoss, c.sum/float64(c.count))
		c.sum, c.count = 0, 0
	}
}
