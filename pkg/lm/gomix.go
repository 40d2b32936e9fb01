// Copyright ©2026 The susclab Authors.

package lm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"susclab/internal/seeds"
	"susclab/pkg/checkpoint"
)

// The window kinds of GoKindPools, in order.
const (
	GoCode    = iota // corpus windows most of whose targets are code
	GoComment        // corpus windows at least half of whose targets lie in comments
	GoDoubled        // doubled windows (GoSplitDoubled)
	numGoKinds
)

// GoKindNames returns the names of the kinds of GoKindPools, in order.
func GoKindNames() []string { return []string{"code", "comment", "doubled"} }

// GoMix is a mixture of Go-source window kinds: MixWindows's weights (one
// per GoKindPools pool) and seed.
type GoMix struct {
	Weights []float64 `json:"weights"`
	Seed    uint64    `json:"seed"`
}

// MaxMixSamples bounds the samples (Steps × BatchWindows × T) of a
// mixture's training windows, which GoSplitOf re-draws from a checkpoint's
// config: 2^26 samples take 256 MB of indices.
const MaxMixSamples = 1 << 26

// checkMixSize returns an error unless tc's Steps × BatchWindows windows of
// T samples are positive and at most MaxMixSamples.
func checkMixSize(tc TrainConfig, T int) error {
	if tc.Steps < 1 || tc.BatchWindows < 1 || T < 1 || tc.Steps > MaxMixSamples/tc.BatchWindows/T {
		return fmt.Errorf("a mixture of %d steps of %d windows of %d tokens (want positive, and at most %d samples)", tc.Steps, tc.BatchWindows, T, MaxMixSamples)
	}
	return nil
}

// GoKindPools sorts the training windows of train, a training model of
// GoSplitDoubled (or GoSplit) on c, into the pools GoCode, GoComment and
// GoDoubled by global window index (Model.Subset takes them): windows of
// the corpus most of whose targets are code, those at least half of whose
// targets lie in comments, and doubled windows. These are the data kinds
// a reweighting of the Go-source training data mixes (MixWindows).
func GoKindPools(c *Corpus, train *Model) (pools [][]int) {
	T := train.WindowLen()
	nwin := (len(c.Tokens) - 1) / T
	pools = make([][]int, numGoKinds)
	for _, k := range train.Windows() {
		if k >= nwin { // doubled windows follow the corpus's and the spacer (in neither set)
			pools[GoDoubled] = append(pools[GoDoubled], k)
			continue
		}
		comment := 0
		for p := 1; p <= T; p++ {
			if c.Comment[k*T+p] {
				comment++
			}
		}
		if 2*comment >= T {
			pools[GoComment] = append(pools[GoComment], k)
		} else {
			pools[GoCode] = append(pools[GoCode], k)
		}
	}
	return pools
}

// MixWindows draws `windows` windows from pools of global window indices,
// pool k with probability weights[k]/Σ weights, and returns them in draw
// order (for Model.Subset) with the pool each came from. The draws are
// coupled across weights as PlantedMixture's are: window w's pool comes
// from one uniform draw of a stream fixed by seed, by the inverse of the
// weights' cumulative distribution, and its pick within the pool from a
// stream fixed by (seed, w, k). Two mixtures with the same seed and
// nearby weights share every window whose pool did not change, which is
// what pairs the arms of a reweighting experiment (Train's permutation
// depends only on its seed and the number of windows). Weights must be
// finite and non-negative with one positive, one per pool, and a pool
// with a positive weight must not be empty.
func MixWindows(seed uint64, pools [][]int, weights []float64, windows int) (chosen, kind []int, err error) {
	if windows < 1 {
		return nil, nil, errors.New("lm: MixWindows: need windows >= 1")
	}
	if len(weights) != len(pools) || len(pools) == 0 {
		return nil, nil, fmt.Errorf("lm: MixWindows: %d weights for %d pools", len(weights), len(pools))
	}
	if err := CheckWeights(weights); err != nil {
		return nil, nil, fmt.Errorf("lm: MixWindows: %w", err)
	}
	total := 0.0
	for k, w := range weights {
		if w > 0 && len(pools[k]) == 0 {
			return nil, nil, fmt.Errorf("lm: MixWindows: pool %d is empty but weighted %v", k, w)
		}
		total += w
	}
	nk := uint64(len(pools))
	choose := rand.New(seeds.PCG(seed, streamKind))
	src := rand.NewPCG(0, 0)
	pick := rand.New(src)
	chosen, kind = make([]int, windows), make([]int, windows)
	for w := range chosen {
		k := drawKind(choose.Float64()*total, weights)
		a := seeds.Derive(seed, uint64(w)*nk+uint64(k))
		src.Seed(a, seeds.SplitMix(a))
		chosen[w], kind[w] = pools[k][pick.IntN(len(pools[k]))], k
	}
	return chosen, kind, nil
}

// drawKind returns the k with Σ_{j<k} weights[j] <= u < Σ_{j<=k} weights[j]
// for u in [0, Σ weights): the inverse of the weights' cumulative
// distribution. Rounding can leave u past the last positive weight; then
// it returns that weight's kind, never one of weight 0.
func drawKind(u float64, weights []float64) int {
	k := 0
	for k < len(weights)-1 && u >= weights[k] {
		u -= weights[k]
		k++
	}
	for weights[k] == 0 {
		k--
	}
	return k
}

// GoFormationRatio dates the formation of an induction head on Go source:
// the first checkpoint (interpolated, FormationStep) at which the loss on
// the repeats of the repeated probe windows falls below this fraction of
// the loss on their first copies (TrainGoMixture).
const GoFormationRatio = 0.5

// GoMixtureResult is the outcome of TrainGoMixture.
type GoMixtureResult struct {
	W       []float64 // trained parameters
	Windows []int     // the training windows (global indices of train's stream), in draw order
	Kind    []int     // the kind (pool) of each of them
	// CurveRatio is the repeated probe windows' loss on the repeats over
	// their loss on the first copies at each checkpoint (CurveSteps), and
	// Formation the step at which it first falls below GoFormationRatio
	// (NaN if it never does).
	CurveSteps  []int
	CurveRatio  []float64
	Formation   float64
	Checkpoints *checkpoint.Series
}

// TrainGoMixture trains a model with train's architecture on
// tc.Steps×tc.BatchWindows windows (both must be set: TrainConfig's
// defaults do not apply, and the windows' samples are at most
// MaxMixSamples) that MixWindows(seed, pools, weights) draws from pools of
// windows of train's stream, from an initialization drawn from seed's own
// stream and in the minibatch order of tc.Seed. At every checkpoint
// (tc.Every > 0 is required) it runs the induction test on probe's windows
// with their first halves repeated (Model.Repeated) and, with margin ≥ 0,
// stops at the first checkpoint at least margin steps after formation (the
// run up to there is the full run's; tc.Stop, if set, is still called).
// Runs with the same seed and tc.Seed and different weights are paired:
// the same initialization, and the same window wherever its kind did not
// change, in the same minibatch position. The checkpoints' config records
// the mixture (TrainConfig.Mix), which GoSplitOf re-draws when train and
// probe are GoSplitOf's models for tc.Doubled and tc.Seed and pools are
// GoKindPools(c, train).
func TrainGoMixture(train, probe *Model, pools [][]int, weights []float64, tc TrainConfig, seed uint64, margin int) (*GoMixtureResult, error) {
	if tc.Every < 1 {
		return nil, errors.New("lm: TrainGoMixture: need checkpoints (Every > 0)")
	}
	if err := checkMixSize(tc, train.WindowLen()); err != nil {
		return nil, fmt.Errorf("lm: TrainGoMixture: %w", err)
	}
	if probe.cfg != train.cfg || probe.lay.V != train.lay.V {
		return nil, errors.New("lm: TrainGoMixture: the probe's model differs from the training model's")
	}
	for k, pool := range pools {
		for _, w := range pool {
			if w < 0 || w >= train.nwin {
				return nil, fmt.Errorf("lm: TrainGoMixture: pool %d holds window %d, outside the %d windows of the stream", k, w, train.nwin)
			}
		}
	}
	rep, first, second, err := probe.Repeated(probe.FirstHalves())
	if err != nil {
		return nil, fmt.Errorf("lm: TrainGoMixture: %w", err)
	}
	chosen, kind, err := MixWindows(seed, pools, weights, tc.Steps*tc.BatchWindows)
	if err != nil {
		return nil, fmt.Errorf("lm: TrainGoMixture: %w", err)
	}
	tc.Mix = &GoMix{Weights: append([]float64(nil), weights...), Seed: seed}
	r := &GoMixtureResult{Windows: chosen, Kind: kind, Formation: math.NaN()}
	user := tc.Stop
	tc.Stop = func(step int, w []float64) bool {
		r.CurveSteps = append(r.CurveSteps, step)
		r.CurveRatio = append(r.CurveRatio, rep.LossGrad(nil, w, second)/rep.LossGrad(nil, w, first))
		if margin >= 0 && formedBefore(r.CurveSteps, r.CurveRatio, GoFormationRatio, margin) {
			return true
		}
		return user != nil && user(step, w)
	}
	w0 := train.Init(rand.New(seeds.PCG(seed, streamInit)))
	r.W, r.Checkpoints = Train(train.Subset(chosen), w0, tc)
	r.Formation = FormationStep(r.CurveSteps, r.CurveRatio, GoFormationRatio)
	return r, nil
}
