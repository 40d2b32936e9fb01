package pattern_test

import (
	"context"
	"math"
	"math/rand/v2"
	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/toy"
	"testing"
)

func TestMixtureLossAndMinibatch(t *testing.T) {
	base := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 1)), 30, []float64{0}, 1)
	p1 := toy.GaussianMeanData(rand.New(rand.NewPCG(2, 1)), 10, []float64{2}, 1)
	p2 := toy.GaussianMeanData(rand.New(rand.NewPCG(3, 1)), 20, []float64{-1}, 1)
	h := []float64{0.1, 0.05}
	mix, err := pattern.NewMixture(base, []susc.Model{p1, p2}, h)
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{0.3}
	want := 0.85*base.LossGrad(nil, w, nil) + 0.1*p1.LossGrad(nil, w, nil) + 0.05*p2.LossGrad(nil, w, nil)
	if got := mix.LossGrad(nil, w, nil); math.Abs(got-want) > 1e-14 {
		t.Errorf("L_h = %v, want %v", got, want)
	}
	// The mean of the reweighted point losses is L_h, and a minibatch's
	// LossGrad is the mean of its point losses, gradient included.
	pl := make([]float64, mix.NumData())
	mix.PointLosses(pl, w, nil)
	var s float64
	for _, v := range pl {
		s += v / float64(len(pl))
	}
	if math.Abs(s-want) > 1e-14 {
		t.Errorf("mean point loss %v, want %v", s, want)
	}
	batch := []int{0, 31, 45, 29, 50, 12}
	pb := make([]float64, len(batch))
	mix.PointLosses(pb, w, batch)
	var mb float64
	for j, i := range batch {
		if pb[j] != pl[i] {
			t.Errorf("PointLosses(idx)[%d] = %v, want %v", j, pb[j], pl[i])
		}
		mb += pb[j] / float64(len(batch))
	}
	g := make([]float64, 1)
	if got := mix.LossGrad(g, w, batch); math.Abs(got-mb) > 1e-14 {
		t.Errorf("batch loss %v, want %v", got, mb)
	}
	const d = 1e-6
	fd := (mix.LossGrad(nil, []float64{w[0] + d}, batch) - mix.LossGrad(nil, []float64{w[0] - d}, batch)) / (2 * d)
	if math.Abs(g[0]-fd) > 1e-7 {
		t.Errorf("batch gradient %v, finite difference %v", g[0], fd)
	}
	if a := testing.AllocsPerRun(50, func() { mix.LossGrad(g, w, batch) }); a != 0 {
		t.Errorf("LossGrad allocates %v", a)
	}
	if _, err := pattern.NewMixture(base, []susc.Model{p1, p2}, []float64{0.7, 0.6}); err == nil {
		t.Error("Σh > 1 accepted")
	}
}

// The linear response predicted from the unperturbed posterior matches the
// exact mean under the Mixture (Gaussian means: linear in h).
func TestMixtureLinearResponse(t *testing.T) {
	base := toy.GaussianMeanData(rand.New(rand.NewPCG(4, 1)), 50, []float64{0}, 1)
	p1 := toy.GaussianMeanData(rand.New(rand.NewPCG(5, 1)), 50, []float64{2}, 1)
	p2 := toy.GaussianMeanData(rand.New(rand.NewPCG(6, 1)), 50, []float64{-1}, 1)
	h := []float64{0.1, 0.05}
	mix, err := pattern.NewMixture(base, []susc.Model{p1, p2}, h)
	if err != nil {
		t.Fatal(err)
	}
	// L_h is quadratic with minimum at the h-weighted data mean.
	want := (1-0.15)*base.Mean()[0] + 0.1*p1.Mean()[0] + 0.05*p2.Mean()[0]
	g := make([]float64, 1)
	mix.LossGrad(g, []float64{want}, nil)
	if math.Abs(g[0]) > 1e-12 {
		t.Errorf("gradient at the mixed mean %v", g[0])
	}
	nb, gamma := 40.0, 10.0
	res, err := susc.Sample(context.Background(), base, susc.Posterior{NBeta: nb, Gamma: gamma, Center: base.Mean()}, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 8, Draws: 4000, BurnIn: 1000, Thin: 20, Seed: 2}, susc.Param("w", 0), susc.LossDeltas("dL", p1, p2))
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := res.SusceptibilityMatrix("w", "dL")
	J, se := sm.Response()
	pred := J.At(0, 0)*h[0] + J.At(0, 1)*h[1]
	predSE := math.Hypot(se.At(0, 0)*h[0], se.At(0, 1)*h[1])
	exact := nb * (want - base.Mean()[0]) / (nb + gamma) // shift of the posterior mean
	if math.Abs(pred-exact) > 4*predSE || predSE > 0.05*math.Abs(exact) {
		t.Errorf("predicted shift %v ± %v, exact %v", pred, predSE, exact)
	}
	// Sampling the mixture itself (minibatches) realizes the shift.
	mres, err := susc.Sample(context.Background(), mix, susc.Posterior{NBeta: nb, Gamma: gamma, Center: base.Mean()}, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 8, Draws: 4000, BurnIn: 1000, Thin: 20, Seed: 3, BatchSize: 50}, susc.Param("w", 0))
	if err != nil {
		t.Fatal(err)
	}
	wi, _ := mres.Coord("w", 0)
	got := mres.Mean(wi)
	if math.Abs(got.Value-base.Mean()[0]-exact) > 4*got.SE+0.01*math.Abs(exact) {
		t.Errorf("realized shift %v, exact %v", got.Value-base.Mean()[0], exact)
	}
}
