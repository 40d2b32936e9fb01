package structure_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// The readers never panic, and what they accept is usable. CI runs this
// for a few seconds (scripts/test.sh).
func FuzzReadStructureJSON(f *testing.F) {
	s := &structure.Matrix{NBeta: 3, Patterns: []string{"p0", "p1"}, Components: []string{"a", "b"},
		Chi: mat.NewDense(2, 2, []float64{1, -2, 3, 0.5}), SE: mat.NewDense(2, 2, []float64{0.1, 0.2, 0.3, 0.4}),
		Terms: &structure.UnitTerms{Restricted: []*mat.Dense{mat.NewDense(2, 2, []float64{1, 2, 3, 4}), nil},
			Shift: []float64{0.5, 1}, Full: mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})}}
	m, _ := structure.SVDModes(s.Chi)
	for _, v := range []any{s, m} {
		b, _ := json.Marshal(v)
		f.Add(b)
	}
	f.Add([]byte(`{"s": [2, 1], "explained": [0.8], "u": {"data": [[1, 0], [0, 1]]}, "v": {"data": [[1, 0], [0, 1]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s structure.Matrix
		if susc.ReadJSON(bytes.NewReader(b), &s) == nil {
			structure.Standardize(nil, s.Chi, true)
			s.Chi.At(len(s.Patterns)-1, len(s.Components)-1)
			s.SE.At(len(s.Patterns)-1, len(s.Components)-1)
			w := mat.NewDense(len(s.Patterns), len(s.Components), nil)
			w.Set(0, 0, 1)
			s.LinearSE(w)
		}
		var m structure.Modes
		if susc.ReadJSON(bytes.NewReader(b), &m) == nil {
			for k := range m.S {
				m.U.At(0, k)
				m.V.At(0, k)
				_ = m.Explained[k]
			}
		}
	})
}
