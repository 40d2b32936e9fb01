package health_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/susc/health"
)

// Whatever susc.ReadJSON accepts, Check reads without panicking.
func FuzzCheck(f *testing.F) {
	m := gaussian()
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: 10, Gamma: 1, Center: m.Mean()}, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 2, Batches: 2, Draws: 9, Seed: 1, KeepTrace: true, MALA: true}, susc.Param("w0", 0))
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(res)
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"diverged"`), []byte(`"x"`), 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r susc.Result
		if susc.ReadJSON(bytes.NewReader(b), &r) != nil {
			return
		}
		if rep, err := health.Check(&r, health.Options{LLCSE: 0.1}); err == nil {
			_ = rep.String()
		}
	})
}
