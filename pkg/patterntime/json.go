// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
)

// maxWindows bounds the training windows of a record that Read accepts
// (2^20: 65,536 steps of 16 windows), so that Retrain allocates a bounded
// corpus.
const maxWindows = 1 << 20

// Write writes r as indented JSON.
func (r *Record) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(r)
}

// Read reads a record written by Write and checks its shapes: four arms of
// three finite non-negative weights, one curve per seed (nil or one loss
// per CurveSteps), J and the directions with one entry per kind, and
// training settings that Retrain can re-run.
func Read(rd io.Reader) (*Record, error) {
	var r Record
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("patterntime: %w", err)
	}
	k := len(r.Kinds)
	if k != 3 || len(r.J) != k || len(r.JSE) != k || len(r.Dh) != k || len(r.Control) != k || len(r.Arms) != 4 || r.Options.Seeds < 1 {
		return nil, fmt.Errorf("patterntime: record has %d kinds, %d arms, %d seeds: want 3 kinds, 4 arms and J, dh, control of one entry per kind", k, len(r.Arms), r.Options.Seeds)
	}
	// Run makes records of one architecture, corpus and optimizer, with its
	// own Steps and Every: anything else would not re-run (Retrain).
	cfg, pc, tc := settings(Options{Steps: r.Train.Steps, Every: r.Train.Every})
	tc.Progress, r.Train.Progress = nil, nil
	tc.Data, tc.Seed = r.Train.Data, r.Train.Seed
	if r.Model != cfg || r.Planted != pc || !reflect.DeepEqual(r.Train, tc) || r.Train.Steps < 1 || r.Train.Every < 1 || r.Train.Every > r.Train.Steps ||
		r.Train.Steps > maxWindows/r.Train.BatchWindows {
		return nil, fmt.Errorf("patterntime: the record's model, corpus or training settings are not Run's (or it has more than %d training windows)", maxWindows)
	}
	for _, a := range r.Arms {
		var total float64
		for _, v := range a.Weights {
			if !(v >= 0) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("patterntime: arm %q has weight %v", a.Name, v)
			}
			total += v
		}
		if !(total > 0) {
			return nil, fmt.Errorf("patterntime: arm %q has no positive weight", a.Name)
		}
		if len(a.Weights) != k || len(a.Curves) != r.Options.Seeds {
			return nil, fmt.Errorf("patterntime: arm %q has %d weights and %d curves, want %d and %d", a.Name, len(a.Weights), len(a.Curves), k, r.Options.Seeds)
		}
		for s, c := range a.Curves {
			if c != nil && len(c) != len(r.CurveSteps) {
				return nil, fmt.Errorf("patterntime: arm %q seed %d: %d losses for %d checkpoints", a.Name, s+1, len(c), len(r.CurveSteps))
			}
		}
	}
	return &r, nil
}
