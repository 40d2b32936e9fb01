package criteria_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/susc/criteria"
)

// Whatever susc.ReadJSON accepts, the estimators read without panicking.
func FuzzEstimators(f *testing.F) {
	m := linreg(4, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: susc.NOverLogN(4), Center: m.LeastSquares()}, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 2, Batches: 2, Draws: 4, Seed: 1, PointStats: true})
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(res)
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"point_mean":[[`), []byte(`"point_mean":[[1e308,`), 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r susc.Result
		if susc.ReadJSON(bytes.NewReader(b), &r) != nil {
			return
		}
		criteria.EstimateWBIC(&r, 0)
		criteria.EstimateWAIC(&r, 0)
	})
}
