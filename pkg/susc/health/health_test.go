package health_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/health"
	"susclab/pkg/toy"
)

// Each test below builds a run that is clearly on the failing side of one
// verdict (docs/theory.md §8.7) and checks that the verdict fires; the
// healthy runs check that none does. The thresholds are the package's
// constants, the same for every run.

// gaussian is the 2-dimensional Gaussian-mean model: curvature k = nβ + γ in
// every direction, posterior N(ȳ, I/k) when centred at ȳ.
func gaussian() *toy.GaussianMean {
	return toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 100, []float64{1, -1}, 1)
}

func check(t *testing.T, res *susc.Result, o health.Options) *health.Report {
	t.Helper()
	rep, err := health.Check(res, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + rep.String())
	return rep
}

func fired(t *testing.T, rep *health.Report, name string) health.Verdict {
	t.Helper()
	v, ok := rep.Verdict(name)
	if !ok || !v.Fired || !v.Evaluated {
		t.Errorf("%q did not fire: %+v", name, v)
	}
	return v
}

func healthy(t *testing.T, rep *health.Report) {
	t.Helper()
	for _, v := range rep.Verdicts {
		if v.Fired || !v.Evaluated {
			t.Errorf("healthy run: %q fired %v, evaluated %v: %s", v.Name, v.Fired, v.Evaluated, v.Detail)
		}
	}
}

// A healthy SGLD run on the Gaussian mean: ε k = 0.04 (step bias 1%), 8
// chains of 1,000 draws a relaxation time 2/(εk) apart.
func TestHealthyGaussian(t *testing.T) {
	m := gaussian()
	const nb, gamma = 50.0, 10.0
	b := susc.NewBudget(0.04, nb+gamma, nb+gamma, 5, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: m.Mean()}, susc.SGLD{Epsilon: b.Epsilon},
		susc.Run{Chains: 8, Draws: 1000, BurnIn: b.BurnIn, Thin: b.Thin, Seed: 1, KeepTrace: true, MALA: true}, susc.Param("w0", 0), susc.Param("w1", 1))
	if err != nil {
		t.Fatal(err)
	}
	rep := check(t, res, health.Options{})
	healthy(t, rep)
	// The step-bias statistic estimates εk/4 = 0.01 (docs/theory.md §8.7).
	if v, _ := rep.Verdict(health.StepTooLarge); math.Abs(v.Statistic-0.01) > 0.002 {
		t.Errorf("step bias estimate %v, want εk/4 = 0.01", v.Statistic)
	}
	// R̂ and ESS per group are the package's RHat and ESS (docs/theory.md §8.2, §8.3).
	for _, g := range rep.Groups {
		rh, _ := res.RHat(g.Name, 0)
		tr, _ := res.Trace(g.Name, 0)
		if math.Abs(g.RHat-rh) > 1e-12 || math.Abs(g.ESS-susc.ESS(tr)) > 1e-9 {
			t.Errorf("%s: R̂ %v and ESS %v, the package's %v and %v", g.Name, g.RHat, g.ESS, rh, susc.ESS(tr))
		}
	}
	if len(rep.Chains) != 8 || len(rep.Chains[0].Loss) != 1000 || len(rep.Chains[0].Noise) != 1000 || len(rep.Groups) != 3 || math.IsNaN(rep.Chains[0].MALA) {
		t.Errorf("report contents: %d chains, %d losses, %d noise norms, %d groups, MALA %v", len(rep.Chains), len(rep.Chains[0].Loss), len(rep.Chains[0].Noise), len(rep.Groups), rep.Chains[0].MALA)
	}
}

// A healthy SGNHT run on normal crossing (the settings of the package's
// SGNHT LLC test, with traces).
func TestHealthySGNHTNormalCrossing(t *testing.T) {
	m := toy.NormalCrossingData(rand.New(rand.NewPCG(1, 2)), 1000, []int{1, 1}, true)
	nb := susc.NOverLogN(1000)
	h := 0.05 / math.Sqrt(9*nb)
	relax := int(1 / h)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: 1, Center: []float64{0, 0}}, susc.SGNHT{Epsilon: h * h, Diffusion: h},
		susc.Run{Chains: 8, Draws: 1000, BurnIn: 3 * relax, Thin: relax, Seed: 7, KeepTrace: true}, susc.Param("w0", 0), susc.Param("w1", 1))
	if err != nil {
		t.Fatal(err)
	}
	healthy(t, check(t, res, health.Options{}))
}

func TestDiverged(t *testing.T) {
	m := toy.NormalCrossingData(rand.New(rand.NewPCG(1, 2)), 1000, []int{1, 1}, true)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: susc.NOverLogN(1000), Gamma: 1, Center: []float64{0, 0}},
		susc.SGLD{Epsilon: 0.03}, susc.Run{Chains: 8, Draws: 500, BurnIn: 1000, Thin: 10, Seed: 7, KeepTrace: true})
	if err == nil {
		t.Fatal("no divergence")
	}
	v := fired(t, check(t, res, health.Options{}), health.Diverged)
	if v.Statistic < 1 || !strings.Contains(v.Detail, "diverged at step") {
		t.Errorf("%+v", v)
	}
}

// Linear regression on two identical inputs has a flat direction, (1, -1):
// without localization (γ = 0) the posterior is not normalizable along it,
// and the chains diffuse away from w* for ever, their squared distance
// growing linearly in time (ratio 3 between the halves of the draws).
func TestNotLocalized(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := mat.NewDense(50, 2, nil)
	y := make([]float64, 50)
	for i := range y {
		v := rng.NormFloat64()
		x.Set(i, 0, v)
		x.Set(i, 1, v)
		y[i] = 2*v + 0.5*rng.NormFloat64()
	}
	m := toy.NewLinearRegression(x, y)
	const nb = 50.0
	eps := 0.04 / (nb * 2 * 2) // curvature of the identified direction: nβ·2·E[x²] ≈ 200
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Center: m.LeastSquares()}, susc.SGLD{Epsilon: eps},
		susc.Run{Chains: 8, Draws: 400, Thin: 100, Seed: 3, KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	v := fired(t, check(t, res, health.Options{}), health.NotLocalized)
	if !(v.Statistic > 2) {
		t.Errorf("distance growth %v, want about 3", v.Statistic)
	}
}

// Centred away from the data's mean, the posterior's loss lies far below
// L(w*): w* is not a minimum and the LLC is negative.
func TestLossBelowCenter(t *testing.T) {
	m := gaussian()
	centre := []float64{m.Mean()[0] + 1, m.Mean()[1]}
	const nb, gamma = 50.0, 1.0
	b := susc.NewBudget(0.04, nb+gamma, nb+gamma, 5, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: centre}, susc.SGLD{Epsilon: b.Epsilon},
		susc.Run{Chains: 8, Draws: 500, BurnIn: b.BurnIn, Thin: b.Thin, Seed: 1, KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	v := fired(t, check(t, res, health.Options{}), health.LossBelowCenter)
	if !(v.Statistic < -10) {
		t.Errorf("λ̂ = %v, want far below 0", v.Statistic)
	}
}

// SGLD at εk = 1.6: stable, but the variances are 67% too large; the MALA
// acceptance and the step-bias estimate εk/4 = 0.4 both say so. Without
// Run.MALA the bias estimate alone fires, and SGNHT with a large
// diffusion factor (a = 0.4, bias ≈ a/2) fires too.
func TestStepTooLarge(t *testing.T) {
	m := gaussian()
	const nb, gamma = 50.0, 10.0
	eps := 1.6 / (nb + gamma)
	post := susc.Posterior{NBeta: nb, Gamma: gamma, Center: m.Mean()}
	for _, c := range []struct {
		name string
		k    susc.Kernel
		mala bool
		want string
	}{
		{"SGLD with MALA", susc.SGLD{Epsilon: eps}, true, "MALA"},
		{"SGLD", susc.SGLD{Epsilon: eps}, false, "bias"},
		{"SGNHT", susc.SGNHT{Epsilon: 1e-4, Diffusion: 0.4}, false, "bias"},
	} {
		res, err := susc.Sample(context.Background(), m, post, c.k, susc.Run{Chains: 4, Draws: 500, BurnIn: 200, Thin: 20, Seed: 1, KeepTrace: true, MALA: c.mala})
		if err != nil {
			t.Fatal(err)
		}
		v := fired(t, check(t, res, health.Options{}), health.StepTooLarge)
		if !strings.Contains(v.Detail, c.want) {
			t.Errorf("%s: %+v", c.name, v)
		}
		if c.mala && !(v.Threshold == health.MinMALA && v.Statistic < health.MinMALA) {
			t.Errorf("%s: triggered by %v against %v, want the MALA acceptance", c.name, v.Statistic, v.Threshold)
		}
		if !c.mala && !(v.Threshold == health.MaxStepBias) {
			t.Errorf("%s: triggered by %v against %v, want the step bias", c.name, v.Statistic, v.Threshold)
		}
		t.Logf("%s: %s = %.3g against %.3g", c.name, v.Name, v.Statistic, v.Threshold)
	}
}

// A step a thousand times too small: the chains cover a fraction of a
// relaxation time and each stays in its own region (docs/theory.md §8.3).
func TestChainsDisagree(t *testing.T) {
	m := gaussian()
	const nb, gamma = 50.0, 10.0
	b := susc.NewBudget(0.04, nb+gamma, nb+gamma, 5, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: m.Mean()}, susc.SGLD{Epsilon: b.Epsilon / 1000},
		susc.Run{Chains: 8, Draws: 200, Thin: 10, Seed: 1}, susc.Param("w0", 0))
	if err != nil {
		t.Fatal(err)
	}
	v := fired(t, check(t, res, health.Options{}), health.ChainsDisagree)
	if !(v.Statistic > 1.5) {
		t.Errorf("R̂ %v, want far above %v", v.Statistic, health.MaxRHat)
	}
}

// Draws far closer together than a relaxation time: 4 chains × 200 draws
// of one step each, with a relaxation time of 2/(εk) = 500 steps, are worth
// a few independent draws; and asking for an LLC to ±10⁻⁴ of a healthy run
// needs more than it has.
func TestFewEffectiveDraws(t *testing.T) {
	m := gaussian()
	const nb, gamma = 50.0, 10.0
	eps := 2 / (500 * (nb + gamma))
	post := susc.Posterior{NBeta: nb, Gamma: gamma, Center: m.Mean()}
	res, err := susc.Sample(context.Background(), m, post, susc.SGLD{Epsilon: eps},
		susc.Run{Chains: 4, Draws: 200, BurnIn: 5000, Seed: 1, KeepTrace: true}, susc.Param("w0", 0))
	if err != nil {
		t.Fatal(err)
	}
	v := fired(t, check(t, res, health.Options{}), health.FewEffectiveDraws)
	if !(v.Statistic < 20) {
		t.Errorf("ESS %v, want a few", v.Statistic)
	}
	b := susc.NewBudget(0.04, nb+gamma, nb+gamma, 5, 1)
	res, err = susc.Sample(context.Background(), m, post, susc.SGLD{Epsilon: b.Epsilon},
		susc.Run{Chains: 8, Draws: 1000, BurnIn: b.BurnIn, Thin: b.Thin, Seed: 1, KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	v = fired(t, check(t, res, health.Options{LLCSE: 1e-4}), health.FewEffectiveDraws)
	if !strings.Contains(v.Detail, "loss") {
		t.Errorf("%+v", v)
	}
}

// Without traces, MALA or recorded norms the verdicts that need them are
// not evaluated, and nothing fires on a healthy run.
func TestNotEvaluated(t *testing.T) {
	m := gaussian()
	const nb, gamma = 50.0, 10.0
	b := susc.NewBudget(0.04, nb+gamma, nb+gamma, 5, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: nb, Gamma: gamma, Center: m.Mean()}, susc.SGLD{Epsilon: b.Epsilon},
		susc.Run{Chains: 8, Draws: 500, BurnIn: b.BurnIn, Thin: b.Thin, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rep := check(t, res, health.Options{})
	for _, v := range rep.Verdicts {
		want := v.Name != health.NotLocalized && v.Name != health.FewEffectiveDraws
		if v.Fired || v.Evaluated != want {
			t.Errorf("%q: fired %v, evaluated %v: %s", v.Name, v.Fired, v.Evaluated, v.Detail)
		}
	}
	if _, err := health.Check(res, health.Options{RelSE: -1}); err == nil {
		t.Error("negative RelSE accepted")
	}
}
