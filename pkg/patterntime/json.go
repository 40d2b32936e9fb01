// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/lm"
)

// maxWindows bounds the training windows of a record that Read accepts
// (2^20: 65,536 steps of 16 windows), and maxCheckpoints its checkpoints,
// so that Retrain allocates a bounded corpus and series (a checkpoint
// holds the parameters: 1000 of the Go-source model's take about 400 MB;
// the shipped records have 81).
const (
	maxWindows     = 1 << 20
	maxCheckpoints = 1000
)

// Write writes r as indented JSON.
func (r *Record) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(r)
}

// Read reads a record written by Write and checks its shapes and options
// (Options.Validate; the baseline's weights are Options.Mix): five arms
// (seven with the closed loop's on the planted corpus, whose redesign is
// checked too) of three finite non-negative weights (per seed for the
// random control), one curve per seed (nil or one value for each of a
// prefix of CurveSteps), J and the directions with one entry per kind, J's
// error covariance if any (symmetric, JSE² on its diagonal), J sampled
// again if any (the same checks), reused arms (Record.Reused) only the
// baseline and the random control, each once, and the corpus's kinds,
// formation criterion and training settings, which Retrain can re-run.
func Read(rd io.Reader) (*Record, error) {
	var r Record
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("patterntime: %w", err)
	}
	k := len(r.Kinds)
	if k != 3 || len(r.J) != k || len(r.JSE) != k || len(r.Dh) != k || len(r.Control) != k || (len(r.Arms) != numArms && len(r.Arms) != MinusLoop+1) || r.Options.Seeds < 1 {
		return nil, fmt.Errorf("patterntime: record has %d kinds, %d arms, %d seeds: want 3 kinds, %d arms (%d with the closed loop) and J, dh, control of one entry per kind",
			k, len(r.Arms), r.Options.Seeds, numArms, MinusLoop+1)
	}
	if err := checkJCov(r.JCov, r.JSE); err != nil {
		return nil, err
	}
	if a := r.Again; a != nil {
		if a.Chains < 2 || a.Chains > maxChains || a.ChainSeed < 2 || len(a.J) != k || len(a.JSE) != k || a.JCov == nil {
			return nil, fmt.Errorf("patterntime: J sampled again by %d chains from seed %d with %d entries: want 2 to %d chains from a seed other than the record's (1), one entry per kind and their covariance",
				a.Chains, a.ChainSeed, len(a.J), maxChains)
		}
		if err := checkJCov(a.JCov, a.JSE); err != nil {
			return nil, fmt.Errorf("%w (J sampled again)", err)
		}
	}
	// Run makes records of one architecture and optimizer per corpus, with
	// its own Steps and Every: anything else would not re-run (Retrain).
	// The corpus is checked here, before settings reads it (Validate
	// checks it again below).
	if c := r.Options.Corpus; c != "" && c != CorpusPlanted && c != CorpusGoSource {
		return nil, fmt.Errorf("patterntime: corpus %q", c)
	}
	cfg, pc, tc := settings(Options{Corpus: r.Options.Corpus, Steps: r.Train.Steps, Every: r.Train.Every})
	tc.Progress, r.Train.Progress = nil, nil
	tc.Data, tc.Seed = r.Train.Data, r.Train.Seed
	if r.Model != cfg || r.Planted != pc || !reflect.DeepEqual(r.Train, tc) || r.Train.Steps < 1 || r.Train.Every < 1 || r.Train.Every > r.Train.Steps ||
		r.Train.Steps > maxWindows/r.Train.BatchWindows {
		return nil, fmt.Errorf("patterntime: the record's model, corpus or training settings are not Run's (or it has more than %d training windows)", maxWindows)
	}
	if r.Train.Steps/r.Train.Every > maxCheckpoints {
		return nil, fmt.Errorf("patterntime: more than %d checkpoints", maxCheckpoints)
	}
	// Loop samples with the record's options: they must be Run's.
	if err := r.Options.Validate(); err != nil {
		return nil, err
	}
	r.Options = r.Options.WithDefaults()
	if len(r.Arms[Baseline].Weights) != k || !slices.Equal(r.Options.Mix, r.Arms[Baseline].Weights) {
		return nil, errors.New("patterntime: the options' mixture is not the baseline's weights")
	}
	if r.Options.Corpus == CorpusGoSource && len(r.Arms) != numArms {
		return nil, errors.New("patterntime: a Go-source record has no closed-loop arms (Loop runs on the planted corpus)")
	}
	if r.Threshold != threshold(r.Options.Corpus, r.Planted) {
		return nil, fmt.Errorf("patterntime: threshold %v is not the corpus's formation criterion", r.Threshold)
	}
	if !slices.Equal(r.Kinds, kindNames(r.Options.Corpus)) {
		return nil, fmt.Errorf("patterntime: kinds %q, the corpus has %q", r.Kinds, kindNames(r.Options.Corpus))
	}
	if !slices.Equal(r.CurveSteps, checkpointSteps(r.Train.Steps, r.Train.Every)) {
		return nil, fmt.Errorf("patterntime: curve steps are not the checkpoints of %d steps every %d", r.Train.Steps, r.Train.Every)
	}
	for i, name := range r.Reused {
		if (name != r.Arms[Baseline].Name && name != r.Arms[Random].Name) || slices.Contains(r.Reused[:i], name) {
			return nil, fmt.Errorf("patterntime: reused arms %q: only the baseline's and the random control's runs do not depend on J, each once", r.Reused)
		}
	}
	if r.Options.Steps != r.Train.Steps || r.Options.Every != r.Train.Every {
		return nil, fmt.Errorf("patterntime: options of %d steps every %d, training of %d every %d", r.Options.Steps, r.Options.Every, r.Train.Steps, r.Train.Every)
	}
	for a, arm := range r.Arms {
		if len(arm.Curves) != r.Options.Seeds || (arm.SeedWeights != nil) != (a == Random) ||
			(arm.SeedWeights != nil && len(arm.SeedWeights) != r.Options.Seeds) {
			return nil, fmt.Errorf("patterntime: arm %q has %d curves and %d per-seed weights for %d seeds (per-seed weights only for the random control)",
				arm.Name, len(arm.Curves), len(arm.SeedWeights), r.Options.Seeds)
		}
		if (arm.Then != nil) != (a >= numArms) {
			return nil, fmt.Errorf("patterntime: arm %q: only the closed-loop arms have a redesign", arm.Name)
		}
		if t := arm.Then; t != nil {
			if t.After < r.Train.Every || t.After >= r.Train.Steps || t.After%r.Train.Every != 0 {
				return nil, fmt.Errorf("patterntime: arm %q: redesign after step %d, want a checkpoint inside the run", arm.Name, t.After)
			}
			if len(t.J) != k || len(t.JSE) != k || len(t.Dh) != k {
				return nil, fmt.Errorf("patterntime: arm %q: the redesign's J and dh need one entry per kind", arm.Name)
			}
			if err := checkWeights(t.Weights, k); err != nil {
				return nil, fmt.Errorf("patterntime: arm %q after step %d: %w", arm.Name, t.After, err)
			}
		}
		for s, c := range arm.Curves {
			if err := checkWeights(arm.WeightsOf(s+1), k); err != nil {
				return nil, fmt.Errorf("patterntime: arm %q seed %d: %w", arm.Name, s+1, err)
			}
			if c != nil && (len(c) == 0 || len(c) > len(r.CurveSteps)) {
				return nil, fmt.Errorf("patterntime: arm %q seed %d: %d losses for %d checkpoints", arm.Name, s+1, len(c), len(r.CurveSteps))
			}
		}
	}
	return &r, nil
}

// checkJCov checks J's error covariance: none, or a symmetric positive
// semi-definite matrix (to rounding) with JSE² on its diagonal.
func checkJCov(c [][]float64, se []float64) error {
	if c == nil {
		return nil
	}
	n := len(se)
	bad := len(c) != n
	for k := 0; !bad && k < n; k++ {
		d := se[k] * se[k]
		bad = len(c[k]) != n || !(math.Abs(c[k][k]-d) <= 1e-9*d)
		for l := 0; !bad && l < n; l++ {
			bad = len(c[l]) != n || c[k][l] != c[l][k] || math.IsNaN(c[k][l])
		}
	}
	if bad {
		return errors.New("patterntime: J's error covariance is not symmetric with JSE² on its diagonal")
	}
	m := mat.NewSymDense(n, nil)
	var largest float64
	for k := range n {
		for l := k; l < n; l++ {
			m.SetSym(k, l, c[k][l])
		}
		largest = math.Max(largest, c[k][k])
	}
	var eig mat.EigenSym
	if n > 0 && (!eig.Factorize(m, false) || eig.Values(nil)[0] < -1e-9*largest) {
		return errors.New("patterntime: J's error covariance is not positive semi-definite")
	}
	return nil
}

// checkWeights checks k mixture weights (lm.CheckWeights).
func checkWeights(h []float64, k int) error {
	if len(h) != k {
		return fmt.Errorf("%d weights, want %d", len(h), k)
	}
	return lm.CheckWeights(h)
}
