package susc

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The readers never panic, and whatever they accept the estimators can use
// without panicking. CI runs each target for a few seconds
// (scripts/test.sh); the seeds are well-formed files and the corruptions
// of TestInconsistentJSONRefused and TestRaggedMatrixJSONAllocatesNothingBig.

func FuzzReadResultJSON(f *testing.F) {
	res := sampleResultN(f, 1, 3, 4, true) // small inputs mutate fast
	good, _ := json.Marshal(res)
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"draw_dim":6`), []byte(`"draw_dim":5`), 1))
	f.Add(bytes.Replace(good, []byte(`"units":[`), []byte(`"units":[null,`), 1))
	f.Add([]byte(`{"chains": [{"units": [{"n": 2, "mean": [1], "m_upper": []}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Result
		if ReadJSON(bytes.NewReader(b), &r) != nil {
			return
		}
		r.LLC()
		r.MALA()
		for _, o := range r.Observables {
			r.Labels(o.Name)
			r.RHat(o.Name, 0)
			r.Trace(o.Name, 0)
			r.Influence(o.Name)
			r.LossCorrelation(o.Name)
			r.SusceptibilityMatrix(o.Name, LossName)
			r.BIF(o.Name, LossName)
		}
	})
}

func FuzzReadMatrixJSON(f *testing.F) {
	res := sampleResultN(f, 1, 3, 4, false)
	sm, _ := res.SusceptibilityMatrix("l", "dL")
	inf, _ := res.Influence("l")
	cor, _ := res.LossCorrelation("l")
	llc, _ := res.LLC()
	s, _ := res.Susceptibility("w0", "dL")
	for _, v := range []any{sm, inf, cor, llc, s} {
		f.Add(toJSON(f, v))
	}
	f.Add([]byte(`{"nbeta": 1, "cov": {"rows": ["a", "b"], "cols": ["c"], "data": [[1, 2, 3], [], []]}, "cov_se": {"data": [[1]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m SusceptibilityMatrix
		if ReadJSON(bytes.NewReader(b), &m) == nil {
			m.Chi()
			m.Response()
			r, c := m.Cov.Dims()
			if r > 0 && c > 0 {
				m.At(r-1, c-1)
			}
		}
		var i InfluenceMatrix
		ReadJSON(bytes.NewReader(b), &i)
		var lc LossCorrelation
		ReadJSON(bytes.NewReader(b), &lc)
		var l LLC
		ReadJSON(bytes.NewReader(b), &l)
		var su Susceptibility
		if ReadJSON(bytes.NewReader(b), &su) == nil {
			su.Chi()
			su.Response()
		}
	})
}
