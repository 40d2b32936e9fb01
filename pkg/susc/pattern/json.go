package pattern

import (
	"encoding/json"

	"susclab/internal/jsonx"
)

// MarshalJSON writes the design; Scale is NaN-safe (it is NaN when Project
// was used).
func (p *Design) MarshalJSON() ([]byte, error) {
	type plain Design
	return json.Marshal(struct {
		*plain
		Scale jsonx.Float
	}{(*plain)(p), jsonx.Float(p.Scale)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Design) UnmarshalJSON(b []byte) error {
	type plain Design
	v := struct {
		*plain
		Scale jsonx.Float
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.Scale = float64(v.Scale)
	return nil
}
