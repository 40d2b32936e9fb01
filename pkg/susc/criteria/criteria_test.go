package criteria_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/criteria"
	"susclab/pkg/toy"
)

// halfLog2Pi is the per-sample constant of a unit-variance Gaussian
// regression whose loss is (y - xᵀw)²/2.
var halfLog2Pi = 0.5 * math.Log(2*math.Pi)

// linreg returns the realizable linear regression of the tests: n samples,
// d = 3, unit noise.
func linreg(n int, seed uint64) *toy.LinearRegression {
	return toy.LinearRegressionData(rand.New(rand.NewPCG(seed, 9)), n, []float64{1, -2, 0.5}, 1)
}

// sgld samples the linear regression's posterior at (nβ, γ, centre w_ls)
// with SGLD at ε = 0.2/k_max, and returns the run with SGLD's exact
// stationary law N(w_ls, (K(I - εK/4))⁻¹) (docs/theory.md §2.1), whose
// closed-form criteria (docs/theory.md §9.8) carry the step's bias exactly.
func sgld(t *testing.T, m *toy.LinearRegression, nb, gamma float64, run susc.Run) (*susc.Result, toy.LinRegCriteria) {
	wls := m.LeastSquares()
	K := mat.NewSymDense(m.Dim(), nil)
	K.ScaleSym(nb, m.Hessian())
	for i := range m.Dim() {
		K.SetSym(i, i, K.At(i, i)+gamma)
	}
	var eig mat.EigenSym
	eig.Factorize(K, false)
	vals := eig.Values(nil)
	b := susc.NewBudget(0.2, vals[len(vals)-1], vals[0], 5, 0.5)
	run.BurnIn, run.Thin = b.BurnIn, b.Thin
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: wls}, susc.SGLD{Epsilon: b.Epsilon}, run)
	if err != nil {
		t.Fatal(err)
	}
	var KK mat.Dense
	KK.Mul(K, K)
	prec := mat.NewSymDense(m.Dim(), nil)
	for i := range m.Dim() {
		for j := i; j < m.Dim(); j++ {
			prec.SetSym(i, j, K.At(i, j)-b.Epsilon/4*KK.At(i, j))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(prec) {
		t.Fatal("ULA precision not positive definite")
	}
	cov := mat.NewSymDense(m.Dim(), nil)
	ch.InverseTo(cov)
	return res, m.CriteriaOf(wls, cov, nb, halfLog2Pi)
}

// TestWBICLinearRegression compares the WBIC (docs/theory.md §7.5) of SGLD
// draws with the closed form of docs/theory.md §9.8 at SGLD's exact
// stationary law, within 4 SE, globally (γ = 0, where the exact posterior's
// WBIC is the BIC) and locally (γ = 5). The SE must be below 2% of the
// (d/2) log n term, so that a learning coefficient off by 2% would show.
func TestWBICLinearRegression(t *testing.T) {
	const n = 50
	m := linreg(n, 1)
	nb := susc.NOverLogN(n)
	for _, gamma := range []float64{0, 5} {
		res, exact := sgld(t, m, nb, gamma, susc.Run{Chains: 8, Batches: 5, Draws: 4000, Seed: 3})
		w, err := criteria.EstimateWBIC(res, halfLog2Pi)
		if err != nil {
			t.Fatal(err)
		}
		bic := float64(n)*(m.LossGrad(nil, m.LeastSquares(), nil)+halfLog2Pi) + 1.5*math.Log(n)
		z := (w.Estimate.Value - exact.MeanNLL) / w.Estimate.SE
		t.Logf("γ = %g: WBIC %v, exact %.4f (z = %+.2f); exact posterior's: %.4f, BIC %.4f", gamma, w.Estimate, exact.MeanNLL, z,
			m.Posterior(nb, gamma, nil).Criteria(halfLog2Pi).MeanNLL, bic)
		if math.Abs(z) > 4 || w.Estimate.SE > 0.02*1.5*math.Log(n) {
			t.Errorf("γ = %g: WBIC %v, exact %v", gamma, w.Estimate, exact.MeanNLL)
		}
		if w.Local != (gamma > 0) || w.N != n || w.NBeta != nb {
			t.Errorf("γ = %g: %+v", gamma, w)
		}
	}
}

// TestWBICRefuses checks that a run at another temperature, with the loss
// on a subset, or the nβ = 0 control, has no WBIC.
func TestWBICRefuses(t *testing.T) {
	m := linreg(30, 2)
	wls := m.LeastSquares()
	run := func(p susc.Posterior, r susc.Run) *susc.Result {
		res, err := susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 1e-3}, r)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	nb := susc.NOverLogN(30)
	for name, c := range map[string]struct {
		res  *susc.Result
		c    float64
		want string
	}{
		"β = 1":        {run(susc.Posterior{NBeta: 30, Center: wls}, susc.Run{Draws: 10}), 0, "n/log n"},
		"loss subset":  {run(susc.Posterior{NBeta: nb, Center: wls}, susc.Run{Draws: 10, LossSubset: []int{1, 2}}), 0, "LossSubset"},
		"prior only":   {run(susc.Posterior{PriorOnly: true, Gamma: 1, Center: wls}, susc.Run{Draws: 10}), 0, "PriorOnly"},
		"NaN constant": {run(susc.Posterior{NBeta: nb, Center: wls}, susc.Run{Draws: 10}), math.NaN(), "finite"},
	} {
		if _, err := criteria.EstimateWBIC(c.res, c.c); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %q", name, err, c.want)
		}
	}
	if _, err := criteria.EstimateWAIC(run(susc.Posterior{NBeta: nb, Center: wls}, susc.Run{Draws: 10}), 0); err == nil || !strings.Contains(err.Error(), "PointStats") {
		t.Errorf("WAIC without PointStats: %v", err)
	}
}

// TestWAICLinearRegression compares the streaming training loss,
// functional variance, WAIC and singular fluctuation (docs/theory.md §8.6)
// with their closed forms at SGLD's exact stationary law
// (docs/theory.md §9.8), at β = 1 and β = 1/log n: each within 4 SE, with the SE of V_n
// below 5% of it and that of the WAIC below a quarter of the WAIC's
// correction (β/n)V_n, so that the test tells WAIC from T_n.
func TestWAICLinearRegression(t *testing.T) {
	const n = 50
	m := linreg(n, 1)
	for _, nb := range []float64{n, susc.NOverLogN(n)} {
		res, exact := sgld(t, m, nb, 0, susc.Run{Chains: 8, Batches: 5, Draws: 4000, Seed: 4, PointStats: true})
		w, err := criteria.EstimateWAIC(res, halfLog2Pi)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			name string
			got  susc.Estimate
			want float64
		}{
			{"T_n", w.Training, exact.Training},
			{"V_n", w.FunctionalVariance, exact.FunctionalVariance},
			{"WAIC", w.WAIC, exact.WAIC},
			{"ν", w.Fluctuation, exact.Fluctuation},
		} {
			z := (q.got.Value - q.want) / q.got.SE
			t.Logf("nβ = %.4g: %s = %v, exact %.6g (z = %+.2f)", nb, q.name, q.got, q.want, z)
			if math.Abs(z) > 4 {
				t.Errorf("nβ = %.4g: %s = %v, exact %.6g", nb, q.name, q.got, q.want)
			}
		}
		corr := w.Beta / n * exact.FunctionalVariance
		if w.FunctionalVariance.SE > 0.05*exact.FunctionalVariance || w.WAIC.SE > corr/4 {
			t.Errorf("nβ = %.4g: SEs too large: V_n ± %.2g, WAIC ± %.2g against its correction %.2g", nb, w.FunctionalVariance.SE, w.WAIC.SE, corr)
		}
		if w.Beta != nb/n || w.N != n {
			t.Errorf("β = %v, n = %d", w.Beta, w.N)
		}
	}
}

// TestFunctionalVarianceIsMinusTraceOfInfluence checks V_n = -tr I on the
// same draws: the streaming per-sample statistics against the n × n
// influence matrix of PointLosses (docs/theory.md §4.2, §8.6), to 1e-9.
func TestFunctionalVarianceIsMinusTraceOfInfluence(t *testing.T) {
	m := linreg(20, 3)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: 20, Gamma: 1, Center: m.LeastSquares()}, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 3, Batches: 2, Draws: 300, Thin: 5, Seed: 1, PointStats: true}, susc.PointLosses("l", nil))
	if err != nil {
		t.Fatal(err)
	}
	w, err := criteria.EstimateWAIC(res, 0)
	if err != nil {
		t.Fatal(err)
	}
	inf, err := res.Influence("l")
	if err != nil {
		t.Fatal(err)
	}
	var tr float64
	for i := range 20 {
		tr += inf.Value.At(i, i)
	}
	if math.Abs(w.FunctionalVariance.Value+tr) > 1e-9*math.Abs(tr) {
		t.Errorf("V_n = %v, -tr I = %v", w.FunctionalVariance.Value, -tr)
	}
}

// TestWAICPoolingMatchesTwoPass checks the pooling over units and chains
// (docs/theory.md §8.6) against two passes over the kept per-sample losses
// of all draws: T_n and V_n to 1e-10 relative, and their standard errors
// from the per-unit values. A diverged chain is left out of both.
func TestWAICPoolingMatchesTwoPass(t *testing.T) {
	m := linreg(10, 5)
	const c = 0.3
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: 10, Gamma: 1, Center: m.LeastSquares()}, susc.SGLD{Epsilon: 0.02},
		susc.Run{Chains: 3, Batches: 2, Draws: 101, Thin: 3, Seed: 2, KeepTrace: true, PointStats: true}, susc.PointLosses("l", nil))
	if err != nil {
		t.Fatal(err)
	}
	res.Chains[1].Diverged = true // left out (Result.Used)
	w, err := criteria.EstimateWAIC(res, c)
	if err != nil {
		t.Fatal(err)
	}
	n, dim := 10, res.DrawDim
	// draws returns the per-sample losses of draws [from, to) of chain ch.
	draws := func(ch *susc.Chain, from, to int) [][]float64 {
		var out [][]float64
		for k := from; k < to; k++ {
			out = append(out, ch.Trace[k*dim+1:k*dim+1+n])
		}
		return out
	}
	stats := func(ls [][]float64) (v, tn float64) {
		N := float64(len(ls))
		for i := range n {
			var mean, mx float64
			mx = math.Inf(-1)
			for _, l := range ls {
				mean += l[i] / N
				mx = math.Max(mx, -l[i])
			}
			var ss, s float64
			for _, l := range ls {
				ss += (l[i] - mean) * (l[i] - mean)
				s += math.Exp(-l[i] - mx)
			}
			v += ss / (N - 1)
			tn -= mx + math.Log(s/N)
		}
		return v, c + tn/float64(n)
	}
	var all [][]float64
	var vs, ts []float64
	for _, ci := range res.Used() {
		ch := &res.Chains[ci]
		all = append(all, draws(ch, 0, ch.Draws)...)
		start := 0
		for _, u := range ch.Units {
			v, tn := stats(draws(ch, start, start+u.N))
			vs, ts = append(vs, v), append(ts, tn)
			start += u.N
		}
	}
	v, tn := stats(all)
	sd := func(xs []float64) float64 {
		var m, ss float64
		for _, x := range xs {
			m += x / float64(len(xs))
		}
		for _, x := range xs {
			ss += (x - m) * (x - m)
		}
		return math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
	}
	for _, q := range [][2]float64{{w.FunctionalVariance.Value, v}, {w.Training.Value, tn}, {w.FunctionalVariance.SE, sd(vs)}, {w.Training.SE, sd(ts)}} {
		if math.Abs(q[0]-q[1]) > 1e-10*math.Abs(q[1]) {
			t.Errorf("streaming %v, two-pass %v (V, T, SE(V), SE(T) in turn)", q[0], q[1])
		}
	}
	if len(vs) != 4 {
		t.Errorf("%d units used, want 4 (two chains × two batches)", len(vs))
	}
}
