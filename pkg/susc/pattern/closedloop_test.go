package pattern_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/report"
	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/toy"
)

// gaussLoop is a closed loop on the Gaussian mean, where everything is
// exact: the posterior of q_h has mean (nβ μ_h + γ w*)/(nβ + γ) with μ_h
// linear in h, so J_k = nβ (μ_k - μ)/(nβ + γ) and <w>_{t·dh} - <w>_0 =
// t J dh for every t (linear response is exact).
func gaussLoop() (cl *pattern.ClosedLoop, j *mat.Dense) {
	base := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 1)), 200, []float64{0}, 1)
	p1 := toy.GaussianMeanData(rand.New(rand.NewPCG(2, 2)), 100, []float64{2}, 1)
	p2 := toy.GaussianMeanData(rand.New(rand.NewPCG(3, 3)), 100, []float64{-1}, 1)
	nb, gamma := 40.0, 10.0
	j = mat.NewDense(1, 2, nil)
	for k, p := range []*toy.GaussianMean{p1, p2} {
		j.Set(0, k, base.Susceptibility(nil, p, nb, gamma)[0]*nb)
	}
	cl = &pattern.ClosedLoop{Base: base, Probes: []susc.Model{p1, p2},
		Posterior:  susc.Posterior{NBeta: nb, Gamma: gamma, Center: base.Mean()},
		Kernel:     susc.SGLD{Epsilon: 1e-3},
		Run:        susc.Run{Chains: 4, Draws: 400, BurnIn: 500, Thin: 20, BatchSize: 40, Seed: 5, Batches: 5},
		Observable: susc.Param("w", 0)}
	return cl, j
}

func TestClosedLoopGaussianExact(t *testing.T) {
	cl, j := gaussLoop()
	dh := []float64{0.1, 0.05}
	ts := []float64{0.5, 1, 4}
	sw, err := cl.Sweep(context.Background(), j, nil, dh, ts)
	if err != nil {
		t.Fatal(err)
	}
	exact := j.At(0, 0)*dh[0] + j.At(0, 1)*dh[1]
	for s, tt := range ts {
		p, r := sw.Predicted[s][0], sw.Realized[s][0]
		if p.SE != 0 || math.Abs(p.Value-tt*exact) > 1e-12 {
			t.Errorf("t = %v: predicted %v, want %v ± 0", tt, p, tt*exact)
		}
		// SGLD's discretization bias on the mean of a Gaussian is zero; allow
		// 4 standard errors.
		if math.Abs(r.Value-tt*exact) > 4*r.SE || !(r.SE > 0) {
			t.Errorf("t = %v: realized %v, exact %v", tt, r, tt*exact)
		}
		// Paired chains: the shift is far more precise than either mean.
		if r.SE > 0.02*math.Abs(tt*exact) {
			t.Errorf("t = %v: paired SE %v is not small against the shift %v", tt, r.SE, tt*exact)
		}
	}
	if len(sw.Runs) != len(ts) || sw.Runs[0].Settings.Seed != sw.Base.Settings.Seed {
		t.Errorf("runs not kept, or not paired with the base run")
	}
	if got := sw.LinearUpTo(0, 4, 0.05); got != 4 {
		t.Errorf("LinearUpTo = %v, want 4 (response exactly linear)", got)
	}
	// A prediction off by 50% fails the relative criterion at once.
	sw.Predicted[0][0].Value *= 1.5
	if got := sw.LinearUpTo(0, math.Inf(1), 0.2); got != 0 {
		t.Errorf("LinearUpTo with a wrong first prediction = %v, want 0", got)
	}
	if r := sw.Ratio(1, 0); math.Abs(r-1) > 0.05 {
		t.Errorf("realized/predicted = %v at t = 1", r)
	}
}

func TestMeanShiftPairedAndUnpaired(t *testing.T) {
	cl, j := gaussLoop()
	ctx := context.Background()
	base, err := cl.Sample(ctx, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	h := []float64{0.2, 0}
	pert, err := cl.Sample(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	exact := j.At(0, 0) * h[0]
	paired, err := pattern.MeanShift(base, pert, "w", true)
	if err != nil {
		t.Fatal(err)
	}
	unpaired, _ := pattern.MeanShift(base, pert, "w", false)
	if paired[0].Value != unpaired[0].Value {
		t.Errorf("the estimate must not depend on pairing: %v vs %v", paired[0], unpaired[0])
	}
	if !(paired[0].SE < unpaired[0].SE/3) {
		t.Errorf("paired SE %v not well below unpaired %v", paired[0].SE, unpaired[0].SE)
	}
	for _, e := range []susc.Estimate{paired[0], unpaired[0]} {
		if math.Abs(e.Value-exact) > 4*e.SE {
			t.Errorf("shift %v, exact %v", e, exact)
		}
	}
	// Unpaired SE is √(SE_a² + SE_b²).
	wb, _ := base.Coord("w", 0)
	wp, _ := pert.Coord("w", 0)
	if want := math.Hypot(base.Mean(wb).SE, pert.Mean(wp).SE); math.Abs(unpaired[0].SE-want) > 1e-15 {
		t.Errorf("unpaired SE %v, want %v", unpaired[0].SE, want)
	}
	// Errors: unknown observable, mismatched units.
	if _, err := pattern.MeanShift(base, pert, "nope", true); err == nil {
		t.Error("unknown observable accepted")
	}
	cl.Run.Batches = 2
	other, _ := cl.Sample(ctx, h)
	if _, err := pattern.MeanShift(base, other, "w", true); err == nil {
		t.Error("paired shift of runs with different units accepted")
	}
}

func TestRandomFeasible(t *testing.T) {
	dh := []float64{0.3, 0, 0.1, 0}
	norm := math.Sqrt(0.1)
	rng := rand.New(rand.NewPCG(1, 2))
	var mean [4]float64
	const n = 4000
	for range n {
		c, ok := pattern.RandomFeasible(rng, dh, nil)
		if !ok {
			t.Fatal("no feasible direction found")
		}
		var s, ss float64
		for a, x := range c {
			if x < 0 {
				t.Fatalf("negative weight: %v", c)
			}
			s += x
			ss += x * x
			mean[a] += x / n
		}
		if s > 1 || math.Abs(math.Sqrt(ss)-norm) > 1e-12 {
			t.Fatalf("control %v: sum %v, norm %v (want %v)", c, s, math.Sqrt(ss), norm)
		}
	}
	// Uniform on the positive orthant of the sphere: exchangeable coordinates.
	// Each coordinate's mean has SE ≤ norm/√n ≈ 0.005.
	for a := range mean {
		if math.Abs(mean[a]-mean[0]) > 0.02 {
			t.Errorf("coordinate means %v not exchangeable", mean)
		}
	}
	// Seeded: the same stream gives the same control.
	a, _ := pattern.RandomFeasible(rand.New(rand.NewPCG(7, 7)), dh, nil)
	b, _ := pattern.RandomFeasible(rand.New(rand.NewPCG(7, 7)), dh, nil)
	for k := range a {
		if a[k] != b[k] {
			t.Fatal("not reproducible")
		}
	}
	// With weights: Σ dh = 0 and π + dh ≥ 0.
	pi := []float64{0.5, 0.3, 0.2}
	for range 200 {
		c, ok := pattern.RandomFeasible(rng, []float64{0.1, -0.1, 0}, pi)
		if !ok {
			t.Fatal("no feasible direction with weights")
		}
		var s, ss float64
		for a, x := range c {
			s += x
			ss += x * x
			if pi[a]+x < 0 {
				t.Fatalf("infeasible %v", c)
			}
		}
		if math.Abs(s) > 1e-12 || math.Abs(ss-0.02) > 1e-12 {
			t.Fatalf("control %v: sum %v, norm² %v", c, s, ss)
		}
	}
	// Impossible: a norm no feasible direction has.
	if _, ok := pattern.RandomFeasible(rng, []float64{2, 0}, nil); ok {
		t.Error("Σh > 1 accepted")
	}
	if _, ok := pattern.RandomFeasible(rng, []float64{10, 0, 0}, []float64{0, 0, 1}); ok {
		t.Error("negative weight accepted")
	}
}

// TestClosedLoopTMS runs a reduced version of the closed patterning loop of
// notebooks/06-patterning.ipynb on a toy model of superposition (6 features
// in 2 dimensions) whose trained w* drops feature 5:
//
//  1. J = ∂<||W_k||²>/∂h_j by the FDT at w*; dh = Pattern(J, +0.005 on
//     ||W_5||², 0 elsewhere), feasible (h ≥ 0) by projection;
//  2. re-sample the posterior of q_{t·dh}: the realized change of <||W_5||²>
//     must match t (J dh)_5 at small t, and exceed that of a random
//     feasible control of the same norm;
//  3. retrain from scratch on fresh data from q_h (baseline h = 0, designed
//     4·dh, a random control of the same norm per seed; same seeds): feature
//     5 must end up represented more often under the design than under the
//     control and the baseline.
func TestClosedLoopTMS(t *testing.T) {
	if testing.Short() {
		t.Skip("closed loop: about 10 s")
	}
	ctx := context.Background()
	cfg := toy.NewTMSConfig(6, 2, 0.9, 0.1)
	x, _ := toy.GenerateTMS(rand.New(rand.NewPCG(1, 1)), 2000, cfg, nil)
	m := toy.NewTMS(cfg, x)
	wStar, _ := toy.Train(m, m.Init(rand.New(rand.NewPCG(103, 2))),
		toy.TrainConfig{Method: toy.Adam, Steps: 20000, LR: 0.01, BatchSize: 100, Seed: 3})
	if n := m.FeatureNorms(nil, wStar); n[5] > 0.1 {
		t.Fatalf("w* should drop feature 5: norms %v", n)
	}
	var probes []susc.Model
	for _, p := range m.Probes(rand.New(rand.NewPCG(4, 4)), 500) {
		probes = append(probes, p)
	}
	norm := susc.VecFunc("norm", 6, func(dst, w []float64) { m.FeatureNorms(dst, w) })
	post := susc.Posterior{NBeta: susc.NOverLogN(2000), Gamma: 100, Center: wStar}
	kernel := susc.SGLD{Epsilon: 3e-4}

	// 1. Response matrix and design.
	res, err := susc.Sample(ctx, m, post, kernel,
		susc.Run{Chains: 4, Draws: 1000, BurnIn: 2000, Thin: 50, BatchSize: 200, Seed: 1, Batches: 5},
		norm, susc.LossDeltas("dL", probes...))
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := res.SusceptibilityMatrix("norm", "dL")
	j, jse := sm.Response()
	target := []float64{0, 0, 0, 0, 0, 0.005}
	design, err := pattern.Solve(j, target, pattern.Config{Damping: 1e-4, Project: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dh = %.4f, predicted %.5f, reachable %.3f", design.Dh, design.Predicted, design.Reachable)
	if !(design.Dh[5] > 0.05) || !(design.Predicted[5] > 0) {
		t.Fatalf("design should up-weight pattern 5: dh %v, predicted %v", design.Dh, design.Predicted)
	}

	// 2. Re-sample q_{t·dh}. Realized and predicted are independent
	// estimates (different runs), so their difference has SE
	// √(SE_r² + SE_p²); 4 SE leaves a false-alarm rate below 1e-4.
	cl := &pattern.ClosedLoop{Base: m, Probes: probes, Posterior: post, Kernel: kernel,
		Run:        susc.Run{Chains: 4, Draws: 300, BurnIn: 2000, Thin: 50, BatchSize: 200, Seed: 7, Batches: 5},
		Observable: norm}
	sw, err := cl.Sweep(ctx, j, jse, design.Dh, []float64{0.5, 1})
	if err != nil {
		t.Fatal(err)
	}
	for s, tt := range sw.T {
		p, r := sw.Predicted[s][5], sw.Realized[s][5]
		t.Logf("t = %v: Δ<||W_5||²> predicted %v, realized %v (z = %.2f)", tt, p, r, sw.Z(s, 5))
		if math.Abs(sw.Z(s, 5)) > 4 {
			t.Errorf("t = %v: realized %v vs predicted %v: z = %.2f", tt, r, p, sw.Z(s, 5))
		}
		// The test has power: the prediction is many SEs from zero.
		if p.Value < 4*math.Hypot(p.SE, r.SE) {
			t.Errorf("t = %v: predicted %v is not resolved from 0", tt, p)
		}
	}
	ctrl, ok := pattern.RandomFeasible(rand.New(rand.NewPCG(9, 9)), design.Dh, nil)
	if !ok {
		t.Fatal("no control direction")
	}
	cs, err := cl.Shift(ctx, sw.Base, ctrl)
	if err != nil {
		t.Fatal(err)
	}
	ds := sw.Realized[1][5]
	t.Logf("Δ<||W_5||²> design %v, control %v", ds, cs[5])
	if ds.Value-cs[5].Value < 4*math.Hypot(ds.SE, cs[5].SE) {
		t.Errorf("design %v does not move <||W_5||²> more than the control %v", ds, cs[5])
	}

	// 3. Retrain from scratch: 24 seeds × (baseline, design, control).
	const seeds, tRetrain = 24, 4.0
	h := make([]float64, 6)
	for k := range h {
		h[k] = tRetrain * design.Dh[k]
	}
	var jobs []toy.RetrainJob
	for s := range uint64(seeds) {
		c, ok := pattern.RandomFeasible(rand.New(rand.NewPCG(77, s)), h, nil)
		if !ok {
			t.Fatal("no control direction")
		}
		jobs = append(jobs, toy.RetrainJob{Seed: s}, toy.RetrainJob{H: h, Seed: s}, toy.RetrainJob{H: c, Seed: s})
	}
	ws := toy.RetrainTMS(toy.RetrainConfig{Config: cfg, N: 2000, DataSeed: 11,
		Train: toy.TrainConfig{Method: toy.Adam, Steps: 5000, LR: 0.01, BatchSize: 100}}, jobs)
	var dBase, dCtrl []float64 // per seed: design minus baseline / control
	count := [3]int{}
	for s := range seeds {
		var n5 [3]float64
		for c := range 3 {
			n5[c] = m.FeatureNorms(nil, ws[3*s+c])[5]
			if n5[c] > 0.5 {
				count[c]++
			}
		}
		dBase, dCtrl = append(dBase, n5[1]-n5[0]), append(dCtrl, n5[1]-n5[2])
	}
	eb, ec := report.MeanEstimate(dBase), report.MeanEstimate(dCtrl)
	t.Logf("feature 5 represented in %d (baseline), %d (design), %d (control) of %d seeds; ||W_5||² design − baseline %v, design − control %v",
		count[0], count[1], count[2], seeds, eb, ec)
	// Paired differences over independent seeds: 3 SE one-sided.
	if eb.Value < 3*eb.SE || ec.Value < 3*ec.SE {
		t.Errorf("design does not raise ||W_5||² beyond the baseline (%v) or the control (%v)", eb, ec)
	}
	pd, lo, _ := report.Proportion(count[1], seeds, 1.96)
	_, _, hiC := report.Proportion(count[2], seeds, 1.96)
	if lo <= hiC {
		t.Errorf("represented fraction: design %v (95%% lower %v) overlaps the control (95%% upper %v)", pd, lo, hiC)
	}
}
