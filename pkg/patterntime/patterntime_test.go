// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// χ is linear in X (docs/theory.md §3.3): the structural susceptibility of
// a kind's mean loss, from the same chains, is the mean of the per-token
// susceptibilities over that kind's tokens, to rounding.
func TestKindLossesIsMeanOfTokens(t *testing.T) {
	cfg := lm.Config{Context: 8, DModel: 8, Heads: 2, Layers: 2}
	pc := lm.PlantedConfig{Alphabet: 6, Filler: 4, Context: 8, MinLen: 2, MaxLen: 3, Repeats: 1, Skip: 0.5}
	kinds := lm.PlantedKinds(pc)
	tok, _, _, _ := lm.PlantedMixture(3, kinds, []float64{0.5, 0.3, 0.2}, 32)
	train := lm.New(cfg, pc.VocabSize(), tok)
	ptok, _, _, kind := lm.PlantedMixture(4, kinds, []float64{1, 1, 1}, 9)
	probe := lm.New(cfg, pc.VocabSize(), ptok)
	kindOf := make([]int, probe.NumData())
	for i := range kindOf {
		kindOf[i] = kind[i/8]
	}
	w := train.Init(rand.New(rand.NewPCG(5, 6)))
	x, err := KindLosses("kind", probe, kindOf, 3)
	if err != nil {
		t.Fatal(err)
	}
	run := susc.Run{Chains: 2, Draws: 20, BurnIn: 10, BatchSize: 16, BatchBlock: 8, Seed: 1}
	post := susc.Posterior{NBeta: 50, Gamma: 100, Center: w}
	comps := spectro.Heads(train)
	byKind, err := structure.Sample(context.Background(), train, post, susc.SGLD{Epsilon: 1e-3}, run, comps, x)
	if err != nil {
		t.Fatal(err)
	}
	byToken, err := structure.Sample(context.Background(), train, post, susc.SGLD{Epsilon: 1e-3}, run, comps, spectro.TokenLosses("t", probe, nil))
	if err != nil {
		t.Fatal(err)
	}
	for c := range comps {
		for k := range 3 {
			var sum, n float64
			for i, kk := range kindOf {
				if kk == k {
					sum += byToken.Chi.At(i, c)
					n++
				}
			}
			if got, want := byKind.Chi.At(k, c), sum/n; math.Abs(got-want) > 1e-9*math.Abs(want)+1e-15 {
				t.Errorf("component %d kind %d: χ of the kind's mean loss %v, mean of its tokens' χ %v", c, k, got, want)
			}
		}
	}
	for name, f := range map[string]func() error{
		"length":   func() error { _, err := KindLosses("k", probe, kindOf[1:], 3); return err },
		"range":    func() error { _, err := KindLosses("k", probe, append([]int{3}, kindOf[1:]...), 3); return err },
		"missing":  func() error { _, err := KindLosses("k", probe, make([]int, len(kindOf)), 3); return err },
		"no kinds": func() error { _, err := KindLosses("k", probe, kindOf, 0); return err },
		"no probe": func() error { _, err := KindLosses("k", nil, kindOf, 3); return err },
	} {
		if f() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Design's dh is J's projection on Σ dh = 0 at the requested norm, and the
// control is orthogonal to it, feasible, of the same norm.
func TestDesign(t *testing.T) {
	pi := []float64{0.6, 0.2, 0.2}
	j := []float64{2.2, 5.9, 1.4}
	dh, ctrl, err := Design(j, pi, 0.15)
	if err != nil {
		t.Fatal(err)
	}
	mean := (j[0] + j[1] + j[2]) / 3
	norm := math.Sqrt(dot(dh, dh))
	for k := range j {
		if want := 0.15 * (j[k] - mean) / math.Sqrt((j[0]-mean)*(j[0]-mean)+(j[1]-mean)*(j[1]-mean)+(j[2]-mean)*(j[2]-mean)); math.Abs(dh[k]-want) > 1e-12 {
			t.Errorf("dh[%d] = %v, want %v", k, dh[k], want)
		}
	}
	sum := func(x []float64) float64 { return x[0] + x[1] + x[2] }
	if math.Abs(norm-0.15) > 1e-12 || math.Abs(sum(dh)) > 1e-12 || math.Abs(sum(ctrl)) > 1e-12 ||
		math.Abs(math.Sqrt(dot(ctrl, ctrl))-0.15) > 1e-12 || math.Abs(dot(ctrl, dh)) > 1e-12 {
		t.Errorf("dh %v (norm %v), control %v (cosine %v)", dh, norm, ctrl, dot(ctrl, dh)/0.0225)
	}
	if dot(j, dh) <= 0 || slices.Min(add(pi, ctrl, 1)) < 0 {
		t.Errorf("J·dh = %v, control weights %v", dot(j, dh), add(pi, ctrl, 1))
	}
	for name, c := range map[string]struct {
		j, pi []float64
		norm  float64
	}{
		"flat":          {[]float64{1, 1, 1}, pi, 0.1},
		"nan":           {[]float64{1, math.NaN(), 1}, pi, 0.1},
		"too far":       {j, pi, 0.5},
		"length":        {j, pi[:2], 0.1},
		"not simplex":   {j, []float64{0.6, 0.6, 0.2}, 0.1},
		"negative norm": {j, pi, -0.1},
	} {
		if _, _, err := Design(c.j, c.pi, c.norm); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := (Options{}).Validate(); err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
	if err := (Options{Observable: Induction}).Validate(); err != nil {
		t.Fatalf("the induction observable refused: %v", err)
	}
	// Objective: +dh raises J for layer 1, lowers the loss (raises −J) for induction.
	r := &Record{J: []float64{1, -2, 3}, Options: Options{Observable: Induction}}
	if o := r.Objective(); !slices.Equal(o, []float64{-1, 2, -3}) {
		t.Errorf("induction objective %v, want −J", o)
	}
	r.Options.Observable = Layer1
	if o := r.Objective(); !slices.Equal(o, r.J) {
		t.Errorf("layer-1 objective %v, want J", o)
	}
	for name, o := range map[string]Options{
		"two weights":   {Mix: []float64{0.5, 0.5}},
		"zero weight":   {Mix: []float64{0.8, 0.2, 0}},
		"inf weight":    {Mix: []float64{math.Inf(1), 1, 1}},
		"negative":      {Seeds: -1},
		"one chain":     {Chains: 1},
		"every > steps": {Steps: 50, Every: 100},
		"norm":          {Norm: math.NaN()},
		"norm too big":  {Mix: []float64{0.9, 0.05, 0.05}, Norm: 0.1},
		"fraction":      {EarlyFraction: 1.5},
		"nbeta":         {NBeta: -1},
		"observable":    {Observable: "layer2"},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("%s: Run accepted", name)
		}
	}
}

// A synthetic record: the paired shift is the mean of per-seed
// differences, with its SE, and seeds where either arm never formed are
// counted, not averaged.
func TestShift(t *testing.T) {
	steps := []int{0, 100, 200, 300}
	curve := func(cross float64) []float64 { // crosses threshold 1 at step `cross`
		c := make([]float64, len(steps))
		for i, s := range steps {
			c[i] = 2 - float64(s)/cross
		}
		return c
	}
	r := &Record{Threshold: 1, CurveSteps: steps, Options: Options{Seeds: 4}, J: []float64{1, 2, 3},
		Arms: []Arm{
			{Weights: []float64{0.5, 0.25, 0.25}, Curves: [][]float64{curve(150), curve(200), curve(250), curve(1000)}},
			{Weights: []float64{0.4, 0.35, 0.25}, Curves: [][]float64{curve(170), curve(230), curve(290), curve(260)}},
		}}
	f := r.Formation(0)
	if math.Abs(f[0]-150) > 1e-9 || !math.IsNaN(f[3]) {
		t.Fatalf("formation %v", f)
	}
	s := r.Shift(1)
	d := []float64{20, 30, 40}
	if s.Pairs != 3 || s.Unformed != 1 || math.Abs(s.Mean-30) > 1e-9 || math.Abs(s.SE-10/math.Sqrt(3)) > 1e-9 {
		t.Errorf("shift %+v, want mean 30, SE %v over %v", s, 10/math.Sqrt(3), d)
	}
	if p := r.Predicted(1, 1); math.Abs(p-(-0.1+0.2)) > 1e-12 {
		t.Errorf("J·dh = %v, want 0.1", p)
	}
}

// A prefix of a run is the start of the run: Retrain's premise, on both
// corpora. On Go source the run's checkpoint config also names the seed's
// own split and mixture (what lm.GoSplitOf re-draws: TestTrainGoMixture).
func TestRetrainPrefix(t *testing.T) {
	for _, c := range []struct {
		corpus string
		steps  int
	}{{CorpusPlanted, 400}, {CorpusGoSource, 200}} {
		t.Run(c.corpus, func(t *testing.T) {
			if c.corpus == CorpusGoSource && testing.Short() {
				t.Skip("trains the Go-source model for 200 steps; runs without -short")
			}
			o := Options{Corpus: c.corpus, Steps: c.steps, Every: 100, Seeds: 2}.WithDefaults()
			cfg, pc, tc := settings(o)
			r := &Record{Options: o, Model: cfg, Planted: pc, Train: tc,
				Arms: []Arm{{Weights: o.Mix}}}
			run, err := r.train(context.Background(), &r.Arms[0], 2, c.steps, -1)
			if err != nil {
				t.Fatal(err)
			}
			prefix, err := r.Retrain(0, 2, c.steps/2)
			if err != nil {
				t.Fatal(err)
			}
			n := c.steps/100 + 1
			if len(run.curve) != n || !slices.Equal(prefix, run.curve[:n/2+1]) {
				t.Errorf("prefix %v, full run %v", prefix, run.curve)
			}
			if c.corpus == CorpusGoSource {
				sc, err := lm.ParseSeriesConfig(run.checkpoints)
				if err != nil {
					t.Fatal(err)
				}
				if tr := sc.Train; tr.Seed != 2 || tr.Doubled != goDoubled || tr.Mix == nil || tr.Mix.Seed != 2 || !slices.Equal(tr.Mix.Weights, o.Mix) {
					t.Errorf("checkpoint config: seed %d, doubled %v, mix %+v", tr.Seed, tr.Doubled, tr.Mix)
				}
			}
			for _, c := range [][2]int{{1, 1}, {0, 3}, {0, 0}, {-1, 1}} {
				if _, err := r.Retrain(c[0], c[1], 100); err == nil {
					t.Errorf("Retrain(%d, %d) accepted", c[0], c[1])
				}
			}
			if _, err := r.Retrain(0, 1, 150); err == nil {
				t.Error("a prefix off the checkpoint grid accepted")
			}
		})
	}
}

// The random control's directions lie in Σ dh = 0 with the norm of dh,
// keep the weights feasible, are fixed by the seed, and point uniformly
// in the plane: over 4000 seeds the mean of cos θ (to dh) is 0 and of
// cos² θ is 1/2, each within 4 standard errors (sd of cos θ and cos² θ
// under uniformity: 1/√2 and 1/√8).
func TestRandomDirection(t *testing.T) {
	pi, dh := []float64{0.6, 0.2, 0.2}, []float64{-0.09, 0.12, -0.03}
	norm := math.Sqrt(dot(dh, dh))
	const n = 4000
	var c1, c2 float64
	for seed := 1; seed <= n; seed++ {
		c, err := RandomDirection(seed, dh, pi)
		if err != nil {
			t.Fatal(err)
		}
		if s := c[0] + c[1] + c[2]; math.Abs(s) > 1e-12 || math.Abs(math.Sqrt(dot(c, c))-norm) > 1e-12 || slices.Min(add(pi, c, 1)) < 0 {
			t.Fatalf("seed %d: direction %v: sum %v, norm %v (want %v)", seed, c, s, math.Sqrt(dot(c, c)), norm)
		}
		if again, _ := RandomDirection(seed, dh, pi); !slices.Equal(again, c) {
			t.Fatalf("seed %d: not reproducible", seed)
		}
		cos := dot(c, dh) / (norm * norm)
		c1 += cos
		c2 += cos * cos
	}
	c1, c2 = c1/n, c2/n
	if math.Abs(c1) > 4/math.Sqrt2/math.Sqrt(n) || math.Abs(c2-0.5) > 4/math.Sqrt(8)/math.Sqrt(n) {
		t.Errorf("mean cos θ %.4f (want 0), mean cos² θ %.4f (want 0.5)", c1, c2)
	}
}

// ShiftSlope fits per-seed shifts of the random control to its per-seed
// predictions: an exact line comes back exactly, and with scatter the
// standard errors are the textbook ones (s²(XᵀX)⁻¹ by normal equations).
func TestShiftSlope(t *testing.T) {
	steps := []int{0, 1000, 2000, 3000, 4000, 5000}
	curve := func(cross float64) []float64 { // crosses threshold 1 at step `cross`
		c := make([]float64, len(steps))
		for i, s := range steps {
			c[i] = 2 - float64(s)/cross
		}
		return c
	}
	pi := []float64{0.6, 0.2, 0.2}
	h := [][]float64{{0.5, 0.3, 0.2}, {0.6, 0.1, 0.3}, {0.7, 0.2, 0.1}, {0.55, 0.25, 0.2}, {0.65, 0.05, 0.3}}
	r := &Record{Threshold: 1, CurveSteps: steps, Options: Options{Seeds: len(h)}, J: []float64{1, 4, 2}}
	r.Arms = make([]Arm, numArms)
	r.Arms[Baseline].Weights = pi
	r.Arms[Random].SeedWeights = h
	for _, scatter := range []float64{0, 1} {
		r.Arms[Baseline].Curves, r.Arms[Random].Curves = nil, nil
		var x, y []float64
		for s := range h {
			p := r.Predicted(Random, s+1)
			d := 500*p - 20 + scatter*30*float64(s%3-1)
			x, y = append(x, p), append(y, d)
			r.Arms[Baseline].Curves = append(r.Arms[Baseline].Curves, curve(2000))
			r.Arms[Random].Curves = append(r.Arms[Random].Curves, curve(2000+d))
		}
		got := r.ShiftSlope(Random)
		// Normal equations for y = b0 + b1 x.
		X := mat.NewDense(len(x), 2, nil)
		for i := range x {
			X.Set(i, 0, 1)
			X.Set(i, 1, x[i])
		}
		var xtx, inv mat.Dense
		xtx.Mul(X.T(), X)
		if err := inv.Inverse(&xtx); err != nil {
			t.Fatal(err)
		}
		var b mat.VecDense
		b.MulVec(X.T(), mat.NewVecDense(len(y), y))
		var beta mat.VecDense
		beta.MulVec(&inv, &b)
		var rss float64
		for i := range x {
			e := y[i] - beta.AtVec(0) - beta.AtVec(1)*x[i]
			rss += e * e
		}
		s2 := rss / float64(len(x)-2)
		want := Slope{Intercept: beta.AtVec(0), Slope: beta.AtVec(1), InterceptSE: math.Sqrt(s2 * inv.At(0, 0)), SlopeSE: math.Sqrt(s2 * inv.At(1, 1)), Pairs: len(x)}
		tol := 1e-6
		if got.Pairs != want.Pairs || math.Abs(got.Slope-want.Slope) > tol || math.Abs(got.Intercept-want.Intercept) > tol ||
			math.Abs(got.SlopeSE-want.SlopeSE) > tol || math.Abs(got.InterceptSE-want.InterceptSE) > tol {
			t.Errorf("scatter %v: %+v, want %+v", scatter, got, want)
		}
		if scatter == 0 && (math.Abs(got.Slope-500) > 1e-6 || math.Abs(got.Intercept+20) > 1e-6) {
			t.Errorf("exact line: slope %v, intercept %v, want 500, -20", got.Slope, got.Intercept)
		}
	}
	r.Arms[Plus] = Arm{Weights: []float64{0.5, 0.3, 0.2}, Curves: r.Arms[Random].Curves}
	if s := r.ShiftSlope(Plus); !math.IsNaN(s.Slope) {
		t.Errorf("an arm of one weight vector has slope %v", s.Slope)
	}
}

// Signs keeps a seed where only one of the pair formed within the run,
// and SignTestP is the binomial tail: 14 of 16 earlier is p = 2·137/65536.
func TestSigns(t *testing.T) {
	steps := []int{0, 100, 200, 300}
	ramp := func(cross float64) []float64 {
		c := make([]float64, len(steps))
		for i, s := range steps {
			c[i] = 2 - float64(s)/cross
		}
		return c
	}
	never := []float64{2, 2, 2, 2}
	r := &Record{Threshold: 1, CurveSteps: steps, Options: Options{Seeds: 6}}
	r.Arms = make([]Arm, numArms)
	// Seed 6's arm run stopped (cancelled) before the end without forming:
	// its order is unknown.
	r.Arms[Baseline].Curves = [][]float64{ramp(150), never, ramp(200), never, ramp(100), ramp(250)}
	r.Arms[Minus].Curves = [][]float64{ramp(100), ramp(250), never, never, nil, never[:2]}
	got := r.Signs(Minus)
	if want := (Signs{Earlier: 2, Later: 1, Unknown: 3}); got != want {
		t.Errorf("signs %+v, want %+v", got, want)
	}
	if p := SignTestP(14, 2); math.Abs(p-2*137/65536.0) > 1e-12 {
		t.Errorf("SignTestP(14, 2) = %v, want %v", p, 2*137/65536.0)
	}
	if p := SignTestP(8, 8); p != 1 {
		t.Errorf("SignTestP(8, 8) = %v, want 1", p)
	}
}

// A cancelled Run returns at once with ctx's error and no curve: the
// training run under way stops at its next checkpoint (step 0 here), and
// its partial curve is not recorded.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	r, err := Run(ctx, Options{Seeds: 2, Progress: func(int, int) { calls++ }})
	if err != context.Canceled || r == nil || len(r.Arms) != 1 || r.Arms[0].Curves[0] != nil || calls != 1 {
		t.Fatalf("Run after cancel: %v, record %+v, %d progress calls", err, r, calls)
	}
}

func TestLoopRefuses(t *testing.T) {
	r := withLoop(validRecord())
	if err := r.Loop(context.Background(), 1, nil); err == nil {
		t.Error("Loop on a record that has the loop: no error")
	}
	if err := validRecord().Loop(context.Background(), 0, nil); err == nil {
		t.Error("Loop with no workers: no error")
	}
	r = validRecord()
	if err := r.Loop(context.Background(), 1, nil); err == nil || len(r.Arms) != numArms {
		t.Errorf("Loop with +dh formed before the first checkpoint after the early one: %v, %d arms", err, len(r.Arms))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.Arms[Plus].Curves[0] = []float64{2, 2, 0.5} // formed at 118: redesign at 100
	if err := r.Loop(ctx, 1, nil); err != context.Canceled || len(r.Arms) != numArms {
		t.Errorf("Loop after cancel: %v, %d arms", err, len(r.Arms))
	}
}

// On Go source J is sampled on 512 windows of the baseline mixture, the
// kinds' probe windows are distinct windows of their own pools, and the
// induction tokens are the 248 repeat tokens of the repeated probe
// windows (positions T/2..T-2 of each). A short sampling returns a finite
// J of one entry per kind.
func TestGoProbes(t *testing.T) {
	o := Options{Corpus: CorpusGoSource, Seeds: 1, Chains: 2, Draws: 3, BurnIn: 1, Thin: 1}.WithDefaults()
	cfg, pc, tc := settings(o)
	r := &Record{Options: o, Model: cfg, Planted: pc, Train: tc, Kinds: kindNames(o.Corpus)}
	p, err := r.goProbes()
	if err != nil {
		t.Fatal(err)
	}
	T := cfg.Context
	_, _, pools := r.goSplit(1)
	if p.train.NumData() != 512*T || p.kinds.NumData() != 3*o.ProbeWindows*T || len(p.kindOf) != p.kinds.NumData() {
		t.Fatalf("%d sampling samples, %d probe samples with %d kinds", p.train.NumData(), p.kinds.NumData(), len(p.kindOf))
	}
	seen := map[int]bool{}
	for i := 0; i < p.kinds.NumData(); i += T {
		w, _ := p.kinds.Sample(i)
		k := p.kindOf[i]
		if seen[w] || !slices.Contains(pools[k], w) || k != i/T/o.ProbeWindows {
			t.Errorf("probe window %d (global %d) of kind %d: repeated, or not in its pool", i/T, w, k)
		}
		seen[w] = true
	}
	ind := 0
	for i, v := range p.inductionOf {
		if v == 0 {
			ind++
			if q := i % T; q < T/2 || q > T-2 {
				t.Errorf("induction token at position %d of its window", q)
			}
		}
	}
	if ind != 8*(T/2-1) || p.induction.NumData() != 8*T {
		t.Errorf("%d induction tokens of %d, want %d of %d", ind, p.induction.NumData(), 8*(T/2-1), 8*T)
	}
	w := p.train.Init(rand.New(rand.NewPCG(1, 2)))
	j, jse, jcov, err := r.sample(context.Background(), w, r.Options.Chains, 1)
	if err != nil || len(j) != 3 || len(jse) != 3 {
		t.Fatalf("J %v ± %v (%v)", j, jse, err)
	}
	for k := range j {
		if math.IsNaN(j[k]) || math.IsInf(j[k], 0) || !(jse[k] >= 0) {
			t.Errorf("J[%d] = %v ± %v", k, j[k], jse[k])
		}
	}
	if err := checkJCov(jcov, jse); err != nil {
		t.Errorf("J's error covariance %v: %v", jcov, err)
	}
}

// errorCov recovers the matrix of a quadratic form from the square roots
// of its values, and JContrast combines J with it; without a covariance,
// or with weights of another length, JContrast is NaN.
func TestErrorCovAndJContrast(t *testing.T) {
	m := [][]float64{{4, 1, -1}, {1, 9, 0.5}, {-1, 0.5, 1}} // positive definite
	se := func(a []float64) (float64, error) {
		var v float64
		for k := range a {
			for l := range a {
				v += a[k] * m[k][l] * a[l]
			}
		}
		return math.Sqrt(v), nil
	}
	c, err := errorCov(3, se)
	if err != nil {
		t.Fatal(err)
	}
	for k := range m {
		for l := range m {
			if math.Abs(c[k][l]-m[k][l]) > 1e-12 {
				t.Errorf("Cov[%d][%d] = %v, want %v", k, l, c[k][l], m[k][l])
			}
		}
	}
	r := &Record{J: []float64{1, 2, 3}, JCov: m}
	v, s := r.JContrast([]float64{1, 0, -1})
	if v != -2 || math.Abs(s-math.Sqrt(4+1+2)) > 1e-12 { // 4 + 1 − 2·(−1)
		t.Errorf("J_0 − J_2 = %v ± %v, want −2 ± √7", v, s)
	}
	again := &JSample{J: r.J, JCov: m}
	if v2, s2 := again.Contrast([]float64{1, 0, -1}); v2 != v || s2 != s {
		t.Errorf("JSample.Contrast %v ± %v, Record.JContrast %v ± %v", v2, s2, v, s)
	}
	if v, s := (&JSample{J: r.J, JCov: [][]float64{{1}, {1}, {1}}}).Contrast([]float64{1, 0, -1}); !math.IsNaN(v) || !math.IsNaN(s) {
		t.Errorf("a covariance of short rows: %v ± %v, want NaN", v, s)
	}
	if v, s := (*JSample)(nil).Contrast([]float64{1, 0, -1}); !math.IsNaN(v) || !math.IsNaN(s) {
		t.Errorf("no sample: %v ± %v, want NaN", v, s)
	}
	for name, r := range map[string]*Record{"no covariance": {J: []float64{1, 2, 3}}, "short weights": r} {
		a := []float64{1, -1, 0}
		if name == "short weights" {
			a = a[:2]
		}
		if v, s := r.JContrast(a); !math.IsNaN(v) || !math.IsNaN(s) {
			t.Errorf("%s: %v ± %v, want NaN", name, v, s)
		}
	}
}

// The Go-source defaults are the pre-declared run's (docs/theory.md §6.5);
// Loop and a redesigned arm are refused there, and a training error of one
// run is Run's error (trainArms), not a silent nil curve.
func TestGoSourceSettings(t *testing.T) {
	o := Options{Corpus: CorpusGoSource}.WithDefaults()
	if !slices.Equal(o.Mix, []float64{0.2, 0.2, 0.6}) || o.Steps != 8000 || o.NBeta != 1e4 || o.Gamma != 1000 || o.Epsilon != 1e-5 ||
		o.BurnIn != 500 || o.Draws != 200 || o.Margin != 300 || o.Observable != Induction || o.Norm != 0.15 || o.ProbeWindows != 8 {
		t.Errorf("Go-source defaults %+v", o)
	}
	if _, _, tc := settings(o); tc.LR != 3e-3 || tc.Warmup != 200 || tc.BatchWindows != 8 || tc.Cosine || tc.Doubled != 0.6 {
		t.Errorf("Go-source training settings %+v", tc)
	}
	r := validGoRecord()
	r.Options = r.Options.WithDefaults()
	if err := r.Loop(context.Background(), 1, nil); err == nil {
		t.Error("Loop accepted a Go-source record")
	}
	for a := range r.Arms {
		for s := range r.Arms[a].Curves {
			r.Arms[a].Curves[s] = []float64{1}
		}
	}
	r.Arms[Plus].Curves[1] = nil // the one run to do
	r.Arms[Plus].Then = &Redesign{After: 100, Weights: r.Arms[Plus].Weights}
	if err := r.trainArms(context.Background(), Plus, 1, func() {}); err == nil {
		t.Error("trainArms trained a redesigned arm on Go source without an error")
	}
}

// SampleJ refuses an early step off the checkpoint grid and a number of
// chains outside 2..maxChains before it trains anything.
func TestSampleJRefuses(t *testing.T) {
	r := validRecord()
	r.Options = r.Options.WithDefaults()
	for _, c := range []struct {
		early, chains int
	}{{0, 0}, {150, 0}, {300, 0}, {100, 1}, {100, maxChains + 1}, {100, -1}} {
		r.EarlyStep = c.early
		if _, err := r.SampleJ(context.Background(), c.chains, 0); err == nil {
			t.Errorf("early step %d, %d chains: accepted", c.early, c.chains)
		}
	}
}

// Redesign reads J at the rule's step with its own chains, designs from
// it, and reuses the baseline and random control as copies; Resume
// trains what is missing and stops on a cancelled context.
func TestRedesign(t *testing.T) {
	for _, c := range []struct {
		fraction float64
		chains   int
		edit     func(*Record)
	}{
		{1, 1, nil}, {1, maxChains + 1, nil}, {0, 2, nil}, {1.5, 2, nil},
		{1, 2, func(r *Record) { withLoop(r) }},
		{1, 2, func(r *Record) { r.Arms[Baseline].Curves[0] = []float64{2, 2, 2} }},
		{1, 2, nil}, // its baseline curve is not the run seed 1 trains
	} {
		r := validRecord()
		if c.edit != nil {
			c.edit(r)
		}
		if _, err := r.Redesign(context.Background(), c.fraction, c.chains); err == nil {
			t.Errorf("fraction %v, %d chains, edited %v: accepted", c.fraction, c.chains, c.edit != nil)
		}
	}
	if testing.Short() {
		t.Skip("samples J; runs without -short")
	}
	// The baseline's seed-1 run, with a threshold it crosses before step
	// 100 so that J is read there.
	r := validRecord()
	r.Options.Draws, r.Options.BurnIn = 4, 1
	curve, err := r.Retrain(Baseline, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	threshold := r.Threshold
	r.Arms[Baseline].Curves[0], r.Threshold = curve, (curve[0]+curve[1])/2
	n, err := r.Redesign(context.Background(), 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	n.Threshold = threshold // the corpus's, for Read
	if n.EarlyStep != 100 || n.Options.Chains != 2 || n.Options.EarlyFraction != 1 || !slices.Equal(n.Reused, []string{"baseline", "random"}) || n.JCov == nil {
		t.Errorf("early step %d, %d chains, fraction %v, reused %q, JCov %v", n.EarlyStep, n.Options.Chains, n.Options.EarlyFraction, n.Reused, n.JCov)
	}
	dh, ctrl, err := Design(n.Objective(), n.Options.Mix, n.Options.Norm)
	if err != nil || !slices.Equal(dh, n.Dh) || !slices.Equal(ctrl, n.Control) {
		t.Errorf("Design(J) = %v, %v (%v); recorded %v, %v", dh, ctrl, err, n.Dh, n.Control)
	}
	for a, want := range map[int][]float64{Plus: add(n.Options.Mix, dh, 1), Minus: add(n.Options.Mix, dh, -1), Control: add(n.Options.Mix, ctrl, 1)} {
		if !slices.Equal(n.Arms[a].Weights, want) || len(n.Arms[a].Curves) != 2 || n.Arms[a].Curves[0] != nil || n.Arms[a].Curves[1] != nil {
			t.Errorf("arm %s: weights %v (want %v), curves %v", n.Arms[a].Name, n.Arms[a].Weights, want, n.Arms[a].Curves)
		}
	}
	for _, a := range []int{Baseline, Random} {
		if !slices.EqualFunc(n.Arms[a].Curves, r.Arms[a].Curves, slices.Equal) || !slices.EqualFunc(n.Arms[a].SeedWeights, r.Arms[a].SeedWeights, slices.Equal) {
			t.Errorf("arm %s not reused", r.Arms[a].Name)
		}
	}
	n.Arms[Random].Curves[1], n.Arms[Baseline].Curves[0] = nil, nil
	if r.Arms[Random].Curves[1] == nil || r.Arms[Baseline].Curves[0] == nil {
		t.Error("the new record's reused arms share their curves with the old record's")
	}
	n.Arms[Random].Curves[1], n.Arms[Baseline].Curves[0] = r.Arms[Random].Curves[1], r.Arms[Baseline].Curves[0]
	var buf bytes.Buffer
	if err := n.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(&buf); err != nil {
		t.Errorf("Read(Write(Redesign)): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := n.Resume(ctx, 1, nil); err != context.Canceled || n.Arms[Plus].Curves[0] != nil {
		t.Errorf("Resume after cancel: %v", err)
	}
	if err := n.Resume(context.Background(), 0, nil); err == nil {
		t.Error("Resume with no workers: no error")
	}
}
