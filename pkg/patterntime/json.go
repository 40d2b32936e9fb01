// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"encoding/json"
	"fmt"
	"io"
)

// Write writes r as indented JSON.
func (r *Record) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(r)
}

// Read reads a record written by Write and checks its shapes: four arms of
// three weights, one curve per seed (nil or one loss per CurveSteps), J
// and the directions with one entry per kind.
func Read(rd io.Reader) (*Record, error) {
	var r Record
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("patterntime: %w", err)
	}
	k := len(r.Kinds)
	if k != 3 || len(r.J) != k || len(r.JSE) != k || len(r.Dh) != k || len(r.Control) != k || len(r.Arms) != 4 || r.Options.Seeds < 1 {
		return nil, fmt.Errorf("patterntime: record has %d kinds, %d arms, %d seeds: want 3 kinds, 4 arms and J, dh, control of one entry per kind", k, len(r.Arms), r.Options.Seeds)
	}
	for _, a := range r.Arms {
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
