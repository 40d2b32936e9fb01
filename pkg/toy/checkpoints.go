// Copyright ©2026 The susclab Authors.

package toy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"susclab/pkg/checkpoint"
)

// Schedule says at which training steps TrainCheckpoints keeps a checkpoint.
// Step s means the parameters after s updates; step 0 (the initialization)
// and the last step are always kept. The zero value keeps only those two.
type Schedule struct {
	// Every keeps every Every-th step (0: none).
	Every int `json:"every,omitempty"`
	// At keeps these steps too (any order; repeats are ignored).
	At []int `json:"at,omitempty"`
}

// LogSteps returns about k steps from 1 to last, spaced evenly in log(step)
// and rounded to integers (duplicates removed, so fewer than k when last is
// small): a Schedule.At for stagewise learning, whose transitions are evenly
// spaced in log time. It returns nil unless k >= 1 and last >= 1.
func LogSteps(last, k int) []int {
	if k < 1 || last < 1 {
		return nil
	}
	if k == 1 {
		return []int{last}
	}
	var st []int
	for i := range k {
		s := int(math.Round(math.Exp(math.Log(float64(last)) * float64(i) / float64(k-1))))
		if len(st) == 0 || s > st[len(st)-1] {
			st = append(st, s)
		}
	}
	return st
}

// steps returns the sorted steps of s in [0, total], with 0 and total.
func (s Schedule) steps(total int) ([]int, error) {
	if s.Every < 0 {
		return nil, fmt.Errorf("toy: Schedule.Every = %d, want >= 0", s.Every)
	}
	st := []int{0, total}
	for _, a := range s.At {
		if a < 0 || a > total {
			return nil, fmt.Errorf("toy: Schedule.At has step %d outside [0, %d]", a, total)
		}
		st = append(st, a)
	}
	if s.Every > 0 {
		if total/s.Every > 1<<20 {
			return nil, fmt.Errorf("toy: Schedule.Every = %d keeps more than 2^20 checkpoints of %d steps", s.Every, total)
		}
		for a := s.Every; a < total; a += s.Every {
			st = append(st, a)
		}
	}
	slices.Sort(st)
	return slices.Compact(st), nil
}

// TrainRecord is the configuration TrainCheckpoints stores in the Series
// (Series.Config, as JSON): the model, the training and the schedule, so
// that a file says how it was made.
type TrainRecord struct {
	// Model is the model's own configuration: the TMSConfig of a TMS,
	// {"widths": ...} for a DeepLinear, {"in", "hidden", "out"} for an MLP,
	// null for other models.
	Model    any         `json:"model"`
	NumData  int         `json:"num_data"`
	Train    TrainConfig `json:"train"`
	Schedule Schedule    `json:"schedule"`
}

// modelName returns the Series name and model configuration of m.
func modelName(m DataLossGrader) (string, any) {
	switch t := m.(type) {
	case *TMS:
		return "tms", t.Config()
	case *DeepLinear:
		return "deep-linear", struct {
			Widths []int `json:"widths"`
		}{t.Widths()}
	case *MLP:
		in, h, out := t.Shape()
		return "mlp", struct {
			In     int `json:"in"`
			Hidden int `json:"hidden"`
			Out    int `json:"out"`
		}{in, h, out}
	case *ReducedRank:
		in, h, out := t.Shape()
		return "reduced-rank", struct {
			In     int `json:"in"`
			Hidden int `json:"hidden"`
			Out    int `json:"out"`
		}{in, h, out}
	}
	return "", nil
}

// TrainCheckpoints runs Train(m, w0, cfg) and keeps the parameters and the
// full-batch loss L_n (without weight decay) at the steps of at, as a
// checkpoint.Series named after the model ("tms", "deep-linear", "mlp",
// "reduced-rank"; "" for another model) whose Config is a TrainRecord. The
// checkpoint at step s holds exactly the bits Train returns with
// cfg.Steps = s: the updates are Train's, in the same order.
//
// Invalid input (a nil model, len(w0) != Dim, a non-finite w0, negative
// Steps or BatchSize, a schedule step outside [0, Steps]) is an error before
// any work. If ctx is cancelled TrainCheckpoints stops within 64 updates and
// returns the checkpoints kept so far with ctx's error.
func TrainCheckpoints(ctx context.Context, m DataLossGrader, w0 []float64, cfg TrainConfig, at Schedule) (*checkpoint.Series, error) {
	if m == nil {
		return nil, errors.New("toy: TrainCheckpoints: nil model")
	}
	d := m.Dim()
	if len(w0) != d {
		return nil, fmt.Errorf("toy: TrainCheckpoints: len(w0) = %d, model dimension %d", len(w0), d)
	}
	for i, v := range w0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("toy: TrainCheckpoints: w0[%d] = %v", i, v)
		}
	}
	if cfg.Steps == 0 {
		cfg.Steps = 1000
	}
	if cfg.Steps < 0 || cfg.BatchSize < 0 {
		return nil, fmt.Errorf("toy: TrainCheckpoints: Steps = %d, BatchSize = %d, want >= 0", cfg.Steps, cfg.BatchSize)
	}
	if m.NumData() < 1 {
		return nil, errors.New("toy: TrainCheckpoints: the model has no data")
	}
	steps, err := at.steps(cfg.Steps)
	if err != nil {
		return nil, err
	}
	name, mc := modelName(m)
	rec := TrainRecord{Model: mc, NumData: m.NumData(), Train: cfg, Schedule: at}
	conf, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("toy: TrainCheckpoints: config: %w", err)
	}
	s := &checkpoint.Series{Name: name, Config: conf, Dim: d}
	w := append([]float64(nil), w0...)
	s.Add(0, m.LossGrad(nil, w, nil), w)
	next := 1 // index in steps of the next checkpoint
	keep := func(step int, w []float64) {
		if next < len(steps) && step == steps[next] {
			s.Add(step, m.LossGrad(nil, w, nil), w)
			next++
		}
	}
	if done := train(ctx.Done(), m, w, cfg, keep); done < cfg.Steps {
		return s, fmt.Errorf("toy: TrainCheckpoints stopped after %d of %d steps: %w", done, cfg.Steps, ctx.Err())
	}
	return s, nil
}
