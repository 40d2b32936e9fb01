package structure

import (
	"encoding/json"
	"fmt"

	"susclab/internal/jsonx"
)

type jsonMatrix struct {
	NBeta float64      `json:"nbeta"`
	Chi   jsonx.Matrix `json:"chi"` // rows: patterns, columns: components
	SE    jsonx.Matrix `json:"se"`
}

// MarshalJSON writes the labelled matrix χ̂ (rows: patterns, columns:
// components) and its standard errors.
func (s *Matrix) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonMatrix{s.NBeta, jsonx.FromMatrix(s.Patterns, s.Components, s.Chi), jsonx.FromMatrix(nil, nil, s.SE)})
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
