package susc

import (
	"context"
	"math"
	"testing"
)

// The linear response predicted from the unperturbed posterior matches the
// exact mean under the Mixture for small h (Gaussian means: exact in h).
func TestMixtureLinearResponse(t *testing.T) {
	base := newGaussModel(1, gaussData(50, []float64{0}))
	p1 := newGaussModel(1, gaussData(50, []float64{2}))
	p2 := newGaussModel(1, gaussData(50, []float64{-1}))
	h := []float64{0.1, 0.05}
	mix, err := NewMixture(base, []Model{p1, p2}, h)
	if err != nil {
		t.Fatal(err)
	}
	// L_h is quadratic with minimum at the h-weighted data mean.
	want := (1-0.15)*base.mean[0] + 0.1*p1.mean[0] + 0.05*p2.mean[0]
	g := make([]float64, 1)
	mix.LossGrad(g, []float64{want}, nil)
	if math.Abs(g[0]) > 1e-12 {
		t.Errorf("gradient at the mixed mean %v", g[0])
	}
	// Linear response from the base posterior vs the exact shift of the mean.
	nb, gamma := 40.0, 10.0
	res, err := Sample(context.Background(), base, Posterior{NBeta: nb, Gamma: gamma, Center: base.mean}, SGLD{Epsilon: 1e-3},
		Run{Chains: 8, Draws: 4000, BurnIn: 1000, Thin: 20, Seed: 2}, Param("w", 0), LossDeltas("dL", p1, p2))
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := res.SusceptibilityMatrix("w", "dL")
	J, se := sm.Response()
	pred := J.At(0, 0)*h[0] + J.At(0, 1)*h[1]
	predSE := math.Hypot(se.At(0, 0)*h[0], se.At(0, 1)*h[1])
	exact := nb * (want - base.mean[0]) / (nb + gamma) // shift of the posterior mean
	if math.Abs(pred-exact) > 4*predSE || predSE > 0.05*math.Abs(exact) {
		t.Errorf("predicted shift %v ± %v, exact %v", pred, predSE, exact)
	}
}
