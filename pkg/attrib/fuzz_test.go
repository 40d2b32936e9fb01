// Copyright ©2026 The susclab Authors.

package attrib

import (
	"encoding/json"
	"testing"
)

// FuzzReadJSON: Scores and a Truth read back from arbitrary JSON (as
// viz.Memo reads them) are either refused by Validate or safe to use: no
// input makes the accessors or the scores panic.
func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"Method":"m","N":2,"Q":1,"Value":[1,2]}`),
		[]byte(`{"Removed":[[0],[1],[0]],"Seeds":1,"Base":[[0]],"Values":[[[1]],[[2]],[[3]]],"Done":[true,true,true]}`))
	f.Add([]byte(`{"N":4294967296,"Q":4294967296,"Value":[]}`), []byte(`{"Removed":[[5]],"Seeds":1,"Base":[[0]],"Values":[[]],"Done":[true]}`))
	f.Add([]byte(`{"N":1,"Q":1,"Value":[1],"SE":[1,2]}`), []byte(`{"Seeds":2,"Base":[[0],[0,1]]}`))
	f.Add([]byte(`{}`), []byte(`{"Seeds":1,"Base":[[0]]}`))
	f.Fuzz(func(t *testing.T, sb, tb []byte) {
		var s Scores
		var tr Truth
		sErr, tErr := json.Unmarshal(sb, &s), json.Unmarshal(tb, &tr)
		if sErr == nil && s.Validate() == nil {
			_ = s.At(s.N-1, s.Q-1)
			_ = s.Column(nil, s.Q-1)
			_, _ = s.Self()
			_ = s.Matrix()
		}
		if tErr == nil && tr.Validate(0) == nil {
			_ = tr.Changes()
			_ = tr.SeedSE(len(tr.Removed)-1, tr.Queries()-1)
		}
		if sErr == nil && tErr == nil {
			_, _ = LDS(&s, &tr)
			_, _, _ = LOOCorrelation(&s, &tr)
		}
	})
}
