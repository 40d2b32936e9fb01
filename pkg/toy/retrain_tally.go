// Copyright ©2026 The susclab Authors.

package toy

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// A paired retraining experiment (the developmental half of a closed
// patterning loop, docs/theory.md §6) trains one TMS per arm (baseline, design,
// control, ...) and per seed, every arm on the same seeds, and asks which
// features the trained models represent. RetrainPaired runs it and tallies
// the feature norms ‖W_{:,k}‖²; the statistics (proportions with intervals,
// paired differences) are left to the caller, for instance susc.Proportion
// and susc.MeanEstimate.

// RetrainArm is one condition of a paired retraining experiment.
type RetrainArm struct {
	Name string
	// H is the intervention used at every seed (one weight per feature
	// pattern; nil is the base distribution), unless PerSeed is set.
	H []float64
	// PerSeed, if not nil, returns the intervention of each seed instead:
	// for a control drawn afresh for every seed. It is called once per
	// seed, in the caller's goroutine.
	PerSeed func(seed uint64) []float64
}

// RetrainTally holds the trained models of a paired retraining experiment.
type RetrainTally struct {
	// Names are the arms' names.
	Names []string
	// Seeds is the number of seeds, 0..Seeds-1.
	Seeds int
	// W[a][s] are the trained parameters of arm a at seed s and
	// Norms[a][s][k] = ‖W_{:,k}‖² their feature norms (TMS.FeatureNorms).
	W, Norms [][][]float64
	// Threshold is the feature norm above which a feature counts as
	// represented. Zero means 0.5, halfway between a dropped feature (≈ 0)
	// and a represented one (≈ 1).
	Threshold float64
}

// RetrainPaired trains one TMS from scratch for every arm and every seed
// s = 0..seeds-1 with RetrainTMS (job H = the arm's intervention at s, Seed
// = s: arms share a seed's initialization and minibatch order) and returns
// the tally. It panics if seeds < 1 or there are no arms.
func RetrainPaired(cfg RetrainConfig, seeds int, arms []RetrainArm) *RetrainTally {
	if seeds < 1 || len(arms) == 0 {
		panic("toy: RetrainPaired needs seeds >= 1 and at least one arm")
	}
	jobs := make([]RetrainJob, 0, seeds*len(arms))
	for s := range uint64(seeds) {
		for _, a := range arms {
			h := a.H
			if a.PerSeed != nil {
				h = a.PerSeed(s)
			}
			jobs = append(jobs, RetrainJob{H: h, Seed: s})
		}
	}
	ws := RetrainTMS(cfg, jobs)
	// FeatureNorms needs only the architecture: a one-sample TMS will do.
	norm := NewTMS(cfg.Config, mat.NewDense(1, cfg.Config.Features, nil))
	t := &RetrainTally{Seeds: seeds, W: make([][][]float64, len(arms)), Norms: make([][][]float64, len(arms))}
	for a, arm := range arms {
		t.Names = append(t.Names, arm.Name)
		for s := range seeds {
			w := ws[s*len(arms)+a]
			t.W[a] = append(t.W[a], w)
			t.Norms[a] = append(t.Norms[a], norm.FeatureNorms(nil, w))
		}
	}
	return t
}

func (t *RetrainTally) threshold() float64 {
	if t.Threshold == 0 {
		return 0.5
	}
	return t.Threshold
}

// checkArm panics unless a is an arm.
func (t *RetrainTally) checkArm(a int) {
	if a < 0 || a >= len(t.Norms) {
		panic(fmt.Sprintf("toy: RetrainTally: arm %d out of range [0, %d)", a, len(t.Norms)))
	}
}

// check panics unless a is an arm and k a feature.
func (t *RetrainTally) check(a, k int) {
	t.checkArm(a)
	if len(t.Norms[a]) > 0 && (k < 0 || k >= len(t.Norms[a][0])) {
		panic(fmt.Sprintf("toy: RetrainTally: feature %d out of range [0, %d)", k, len(t.Norms[a][0])))
	}
}

// Represented returns the number of seeds at which arm a represents feature
// k (‖W_{:,k}‖² > Threshold).
func (t *RetrainTally) Represented(a, k int) int {
	t.check(a, k)
	n := 0
	for _, x := range t.Norms[a] {
		if x[k] > t.threshold() {
			n++
		}
	}
	return n
}

// Fractions returns, for every arm a and feature k, the fraction of seeds
// at which arm a represents feature k: one row per arm, as viz.Bars takes.
func (t *RetrainTally) Fractions() [][]float64 {
	out := make([][]float64, len(t.Norms))
	for a := range t.Norms {
		if len(t.Norms[a]) == 0 {
			continue
		}
		out[a] = make([]float64, len(t.Norms[a][0]))
		for k := range out[a] {
			out[a][k] = float64(t.Represented(a, k)) / float64(len(t.Norms[a]))
		}
	}
	return out
}

// NumRepresented returns, for each seed, the number of features that arm
// a's model represents.
func (t *RetrainTally) NumRepresented(a int) []float64 {
	t.checkArm(a)
	out := make([]float64, len(t.Norms[a]))
	for s, x := range t.Norms[a] {
		for _, v := range x {
			if v > t.threshold() {
				out[s]++
			}
		}
	}
	return out
}

// Diff returns, for each seed, ‖W_{:,k}‖² of arm a minus that of arm b: the
// paired differences whose mean (with its standard error over seeds)
// compares the two arms.
func (t *RetrainTally) Diff(a, b, k int) []float64 {
	t.check(a, k)
	t.check(b, k)
	out := make([]float64, len(t.Norms[a]))
	for s := range out {
		out[s] = t.Norms[a][s][k] - t.Norms[b][s][k]
	}
	return out
}
