package structure

import (
	"encoding/json"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"susclab/internal/jsonx"
)

type jsonMatrix struct {
	NBeta float64      `json:"nbeta"`
	Chi   jsonx.Matrix `json:"chi"` // rows: patterns, columns: components
	SE    jsonx.Matrix `json:"se"`
	Terms *jsonTerms   `json:"terms,omitempty"`
}

// jsonTerms is UnitTerms with its matrices transposed to patterns × units,
// so that every matrix has a row per pattern.
type jsonTerms struct {
	Restricted []*jsonx.Matrix `json:"restricted"` // null: column not sampled
	Shift      []jsonx.Float   `json:"shift"`
	Full       jsonx.Matrix    `json:"full"`
}

// MarshalJSON writes the labelled matrix χ̂ (rows: patterns, columns:
// components), its standard errors and the units' terms.
func (s *Matrix) MarshalJSON() ([]byte, error) {
	j := jsonMatrix{NBeta: s.NBeta, Chi: jsonx.FromMatrix(s.Patterns, s.Components, s.Chi), SE: jsonx.FromMatrix(nil, nil, s.SE)}
	if t := s.Terms; t != nil && t.Full != nil {
		j.Terms = &jsonTerms{Shift: jsonx.Floats(t.Shift), Full: jsonx.FromMatrix(nil, nil, t.Full.T())}
		for _, r := range t.Restricted {
			var m *jsonx.Matrix
			if r != nil {
				mm := jsonx.FromMatrix(nil, nil, r.T())
				m = &mm
			}
			j.Terms.Restricted = append(j.Terms.Restricted, m)
		}
	}
	return json.Marshal(j)
}

// terms converts the JSON terms of an r × c matrix, checking every shape.
func (j *jsonTerms) terms(r, c int) (*UnitTerms, error) {
	if len(j.Restricted) != c || len(j.Shift) != c {
		return nil, fmt.Errorf("structure: terms for %d and %d columns, want %d", len(j.Restricted), len(j.Shift), c)
	}
	dense := func(what string, m jsonx.Matrix) (*mat.Dense, error) {
		d, err := m.Dense()
		if err != nil {
			return nil, fmt.Errorf("structure: terms %s: %w", what, err)
		}
		if dr, _ := d.Dims(); dr != r {
			return nil, fmt.Errorf("structure: terms %s has %d patterns, want %d", what, dr, r)
		}
		return mat.DenseCopyOf(d.T()), nil
	}
	t := &UnitTerms{Restricted: make([]*mat.Dense, c), Shift: jsonx.Plain(j.Shift)}
	var err error
	if t.Full, err = dense("full", j.Full); err != nil {
		return nil, err
	}
	for k, m := range j.Restricted {
		if m != nil {
			if t.Restricted[k], err = dense(fmt.Sprintf("column %d", k), *m); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// UnmarshalJSON reads what MarshalJSON writes; χ̂ and its standard errors
// must have the same shape as the labels.
func (s *Matrix) UnmarshalJSON(b []byte) error {
	var j jsonMatrix
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Chi.Rows == nil || j.Chi.Cols == nil {
		return fmt.Errorf("structure: matrix JSON without pattern or component labels")
	}
	chi, err := j.Chi.Dense()
	if err != nil {
		return fmt.Errorf("structure: chi: %w", err)
	}
	se, err := j.SE.Dense()
	if err != nil {
		return fmt.Errorf("structure: se: %w", err)
	}
	if err := jsonx.SameShape("structure: se", chi, se); err != nil {
		return err
	}
	*s = Matrix{NBeta: j.NBeta, Patterns: j.Chi.Rows, Components: j.Chi.Cols, Chi: chi, SE: se}
	if j.Terms != nil {
		r, c := chi.Dims()
		if s.Terms, err = j.Terms.terms(r, c); err != nil {
			return err
		}
	}
	return nil
}

type jsonModes struct {
	S         []jsonx.Float `json:"s"`
	Explained []jsonx.Float `json:"explained"`
	U         jsonx.Matrix  `json:"u"`
	V         jsonx.Matrix  `json:"v"`
}

// MarshalJSON writes the singular values, explained fractions and vectors.
func (m *Modes) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonModes{S: jsonx.Floats(m.S), Explained: jsonx.Floats(m.Explained),
		U: jsonx.FromMatrix(nil, nil, m.U), V: jsonx.FromMatrix(nil, nil, m.V)})
}

// UnmarshalJSON reads what MarshalJSON writes and checks that the singular
// values, explained fractions and vectors agree in number.
func (m *Modes) UnmarshalJSON(b []byte) error {
	var j jsonModes
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	u, err := j.U.Dense()
	if err != nil {
		return fmt.Errorf("structure: modes u: %w", err)
	}
	v, err := j.V.Dense()
	if err != nil {
		return fmt.Errorf("structure: modes v: %w", err)
	}
	_, ku := u.Dims()
	_, kv := v.Dims()
	if len(j.Explained) != len(j.S) || ku != len(j.S) || kv != len(j.S) {
		return fmt.Errorf("structure: modes JSON has %d singular values, %d explained fractions, %d left and %d right vectors", len(j.S), len(j.Explained), ku, kv)
	}
	*m = Modes{S: jsonx.Plain(j.S), Explained: jsonx.Plain(j.Explained), U: u, V: v}
	return nil
}
