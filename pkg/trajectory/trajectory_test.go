// Copyright ©2026 The susclab Authors.

package trajectory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/internal/seeds"
	"susclab/pkg/checkpoint"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
	"susclab/pkg/toy"
	"susclab/pkg/trajectory"
)

// fixture is a small deep linear network, its training checkpoints and a
// spec that asks for every estimator.
type fixture struct {
	m      *toy.DeepLinear
	tc     *toy.LinearTeacher
	series *checkpoint.Series
	spec   trajectory.Spec
	obs    []susc.Observable
	comps  []structure.Component
}

func newFixture(t testing.TB) *fixture {
	rng := rand.New(rand.NewPCG(21, 22))
	tc := toy.NewLinearTeacher(rng, 3, 3, []float64{2, 1}, 0.2)
	x, y, _ := toy.GenerateDeepLinear(rng, 60, tc, nil)
	m := toy.NewDeepLinear([]int{3, 3, 3, 3}, x, y)
	s, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 0.05),
		toy.TrainConfig{Steps: 2000, LR: 0.02}, toy.Schedule{At: []int{30, 300}})
	if err != nil {
		t.Fatal(err)
	}
	probes := m.Probes(rng, 40, tc)
	xp, yp, _ := toy.GenerateDeepLinear(rng, 20, tc, toy.PatternWeights(2, 0, 1))
	obs := []susc.Observable{
		susc.VecFunc("modes", 2, func(dst, w []float64) { m.ModeStrengths(dst, w, tc) }),
		susc.LossDeltas("dL", probes...),
		susc.PointLosses("l", []int{0, 5, 9}),
		trajectory.ProbeLoss("probe", toy.NewDeepLinear([]int{3, 3, 3, 3}, xp, yp)),
	}
	var comps []structure.Component
	for l := range m.Layers() {
		comps = append(comps, structure.Component{Name: "W" + string(rune('0'+l)), Mask: m.LayerMask(l)})
	}
	spec := trajectory.Spec{
		Posterior:        susc.Posterior{NBeta: 200, Gamma: 400},
		Kernel:           susc.SGLD{Epsilon: 2e-4},
		Run:              susc.Run{Chains: 3, Draws: 40, BurnIn: 100, Thin: 5, Seed: 9, Batches: 2, KeepTrace: true},
		Observables:      obs,
		Susceptibilities: []trajectory.Pair{{A: "modes", B: "dL"}},
		BIFs:             []trajectory.Pair{{A: "l", B: "probe"}},
		Influence:        "l",
		Components:       comps,
		StructureX:       obs[1],
		Distance:         true,
	}
	return &fixture{m: m, tc: tc, series: s, spec: spec, obs: obs, comps: comps}
}

func bitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

func denseBits(m mat.Matrix) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := range r {
		for j := range c {
			out = append(out, m.At(i, j))
		}
	}
	return out
}

// TestSampleIsSuscAtEachCheckpoint checks the driver against the library
// it drives: every point's estimates are bit for bit those of susc.Sample
// (and structure.Sample) centred at the checkpoint with the seed derived
// from its step.
func TestSampleIsSuscAtEachCheckpoint(t *testing.T) {
	f := newFixture(t)
	tr, err := trajectory.Sample(context.Background(), f.m, f.series, f.spec)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tr.Steps(), f.series.Steps()) {
		t.Fatalf("steps %v, want %v", tr.Steps(), f.series.Steps())
	}
	for k, p := range tr.Points {
		ck := f.series.Checkpoints[k]
		post := f.spec.Posterior
		post.Center = ck.Params
		run := f.spec.Run
		run.Seed = seeds.Derive(run.Seed, uint64(ck.Step))
		dist := susc.Func(trajectory.DistanceName, func(w []float64) float64 {
			var s float64
			for i, v := range w {
				s += (v - ck.Params[i]) * (v - ck.Params[i])
			}
			return s
		})
		res, err := susc.Sample(context.Background(), f.m, post, f.spec.Kernel, run, append(slices.Clone(f.obs), dist)...)
		if err != nil {
			t.Fatal(err)
		}
		llc, _ := res.LLC()
		sm, _ := res.SusceptibilityMatrix("modes", "dL")
		bif, _ := res.BIF("l", "probe")
		inf, _ := res.Influence("l")
		if !bitsEqual(p.LLC.PerChain, llc.PerChain) || p.LossAtCenter != res.LossAtCenter || p.TrainLoss != ck.Loss {
			t.Errorf("step %d: LLC %v, susc.Sample gives %v", ck.Step, p.LLC.PerChain, llc.PerChain)
		}
		if !bitsEqual(denseBits(p.Susceptibilities[0].Cov), denseBits(sm.Cov)) || !bitsEqual(denseBits(p.Influence.Value), denseBits(inf.Value)) {
			t.Errorf("step %d: susceptibility or influence matrix differs from susc.Sample's", ck.Step)
		}
		for i, b := range bif {
			if p.BIFs[0][i] != b {
				t.Errorf("step %d: BIF[%d] = %v, susc.Sample gives %v", ck.Step, i, p.BIFs[0][i], b)
			}
		}
		if p.Dist2.Value != res.Mean(res.DrawDim-1).Value {
			t.Errorf("step %d: dist² %v, want %v", ck.Step, p.Dist2, res.Mean(res.DrawDim-1))
		}
		sres, err := structure.Sample(context.Background(), f.m, post, f.spec.Kernel, run, f.comps, f.obs[1])
		if err != nil {
			t.Fatal(err)
		}
		if !bitsEqual(denseBits(p.Structure.Chi), denseBits(sres.Chi)) || !bitsEqual(denseBits(p.Structure.SE), denseBits(sres.SE)) {
			t.Errorf("step %d: structural matrix\n%v\nstructure.Sample gives\n%v", ck.Step, mat.Formatted(p.Structure.Chi), mat.Formatted(sres.Chi))
		}
		if p.Partial || p.Err != "" || math.IsNaN(p.Below.Value) {
			t.Errorf("step %d: partial %v, err %q, below %v", ck.Step, p.Partial, p.Err, p.Below)
		}
	}
}

// TestWorkersDoNotMatter checks that the trajectory is bit-identical
// (through its JSON) for 1, 2, 4 and 7 workers, which sample 1, 1, 1 and 2
// checkpoints at a time.
func TestWorkersDoNotMatter(t *testing.T) {
	f := newFixture(t)
	var want []byte
	for _, w := range []int{1, 2, 4, 7} {
		spec := f.spec
		spec.Workers = w
		tr, err := trajectory.Sample(context.Background(), f.m, f.series, spec)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = b
		} else if !bytes.Equal(b, want) {
			t.Errorf("Workers = %d: trajectory differs from Workers = 1", w)
		}
	}
}

// TestSteps checks Spec.Steps: a subset of checkpoints gives the same
// points as the whole series (seeds depend on the step alone).
func TestSteps(t *testing.T) {
	f := newFixture(t)
	f.spec.Components, f.spec.StructureX = nil, nil
	all, err := trajectory.Sample(context.Background(), f.m, f.series, f.spec)
	if err != nil {
		t.Fatal(err)
	}
	f.spec.Steps = []int{2000, 30}
	sub, err := trajectory.Sample(context.Background(), f.m, f.series, f.spec)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.Steps(), []int{30, 2000}) || !bitsEqual(sub.Points[0].LLC.PerChain, all.Points[1].LLC.PerChain) ||
		!bitsEqual(sub.Points[1].LLC.PerChain, all.Points[3].LLC.PerChain) {
		t.Errorf("steps %v: LLC per chain differ from the full trajectory's", sub.Steps())
	}
}

// TestCancel cancels in the middle of the second checkpoint (one worker):
// the first point is complete and equal to an uncancelled run's, the
// second is marked partial, no later checkpoint is started, and the error
// wraps context.Canceled.
func TestCancel(t *testing.T) {
	f := newFixture(t)
	f.spec.Workers = 1
	full, err := trajectory.Sample(context.Background(), f.m, f.series, f.spec)
	if err != nil {
		t.Fatal(err)
	}
	perCheckpoint := int64(f.spec.Run.Chains * f.spec.Run.Draws * (1 + 0)) // draws of the main run
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var draws atomic.Int64
	spec := f.spec
	spec.Components, spec.StructureX = nil, nil
	spec.Observables = append(slices.Clone(f.obs), susc.Func("tick", func([]float64) float64 {
		if draws.Add(1) == perCheckpoint+perCheckpoint/2 {
			cancel()
		}
		return 0
	}))
	tr, err := trajectory.Sample(ctx, f.m, f.series, spec)
	if !errors.Is(err, context.Canceled) || tr == nil {
		t.Fatalf("error %v; want the partial trajectory and context.Canceled", err)
	}
	if len(tr.Points) != 2 || tr.Points[0].Partial || !tr.Points[1].Partial {
		t.Fatalf("points at %v, partial %v %v; want two, the second partial", tr.Steps(), tr.Points[0].Partial, tr.Points[len(tr.Points)-1].Partial)
	}
	if !bitsEqual(tr.Points[0].LLC.PerChain, full.Points[0].LLC.PerChain) {
		t.Errorf("first point %v differs from the uncancelled %v", tr.Points[0].LLC.PerChain, full.Points[0].LLC.PerChain)
	}
	if n := tr.Points[1].LLC.Used; n == 0 || math.IsNaN(tr.Points[1].LLC.Mean) {
		t.Errorf("partial point: %d chains used, LLC %v", n, tr.Points[1].LLC.Mean)
	}
}

// TestProgress checks that progress reaches the total once, at the end,
// and never goes back.
func TestProgress(t *testing.T) {
	f := newFixture(t)
	var calls [][2]int
	f.spec.Progress = func(done, total int) { calls = append(calls, [2]int{done, total}) }
	if _, err := trajectory.Sample(context.Background(), f.m, f.series, f.spec); err != nil {
		t.Fatal(err)
	}
	r := f.spec.Run
	total := len(f.series.Checkpoints) * r.Chains * (r.BurnIn + r.Draws*r.Thin) * (1 + len(f.comps))
	last := calls[len(calls)-1]
	if last != [2]int{total, total} {
		t.Errorf("last progress call %v, want %d of %d", last, total, total)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] {
			t.Errorf("progress went back from %d to %d", calls[i-1][0], calls[i][0])
		}
	}
}

// TestInvalidInput checks that bad input is an error before any sampling
// (the observable "tick" counts draws: none may be taken).
func TestInvalidInput(t *testing.T) {
	f := newFixture(t)
	var draws atomic.Int64
	tick := susc.Func("tick", func([]float64) float64 { draws.Add(1); return 0 })
	base := f.spec
	base.Observables = append(slices.Clone(f.obs), tick)
	nanSeries := &checkpoint.Series{Dim: f.series.Dim}
	nanSeries.Add(0, 1, make([]float64, f.series.Dim))
	nanSeries.Checkpoints[0].Params[4] = math.NaN()
	other := toy.NewDeepLinear([]int{3, 2, 3}, mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}), mat.NewDense(2, 3, nil))
	mod := func(f func(s *trajectory.Spec)) trajectory.Spec {
		s := base
		s.Observables = slices.Clone(base.Observables) // cases append to it: no shared backing array
		f(&s)
		return s
	}
	cases := []struct {
		name   string
		m      susc.Model
		series *checkpoint.Series
		spec   trajectory.Spec
	}{
		{"nil model", nil, f.series, base},
		{"nil series", f.m, nil, base},
		{"empty series", f.m, &checkpoint.Series{Dim: f.series.Dim}, base},
		{"wrong dimension", other, f.series, base},
		{"NaN parameter", f.m, nanSeries, base},
		{"nil kernel", f.m, f.series, mod(func(s *trajectory.Spec) { s.Kernel = nil })},
		{"no draws", f.m, f.series, mod(func(s *trajectory.Spec) { s.Run.Draws = 0 })},
		{"nβ = 0", f.m, f.series, mod(func(s *trajectory.Spec) { s.Posterior.NBeta = 0 })},
		{"negative γ", f.m, f.series, mod(func(s *trajectory.Spec) { s.Posterior.Gamma = -1 })},
		{"unknown observable", f.m, f.series, mod(func(s *trajectory.Spec) { s.Susceptibilities = []trajectory.Pair{{A: "modes", B: "nope"}} })},
		{"BIF on a vector", f.m, f.series, mod(func(s *trajectory.Spec) { s.BIFs = []trajectory.Pair{{A: "l", B: "modes"}} })},
		{"unknown influence", f.m, f.series, mod(func(s *trajectory.Spec) { s.Influence = "nope" })},
		{"components without X", f.m, f.series, mod(func(s *trajectory.Spec) { s.StructureX = nil })},
		{"short mask", f.m, f.series, mod(func(s *trajectory.Spec) {
			s.Components = []structure.Component{{Name: "c", Mask: []bool{true}}}
		})},
		{"empty mask", f.m, f.series, mod(func(s *trajectory.Spec) {
			s.Components = []structure.Component{{Name: "c", Mask: make([]bool, f.m.Dim())}}
		})},
		{"masked kernel", f.m, f.series, mod(func(s *trajectory.Spec) { s.Kernel = susc.SGLD{Epsilon: 1e-4, Mask: f.m.LayerMask(0)} })},
		{"unknown step", f.m, f.series, mod(func(s *trajectory.Spec) { s.Steps = []int{30, 31} })},
		{"repeated step", f.m, f.series, mod(func(s *trajectory.Spec) { s.Steps = []int{30, 30} })},
		{"empty steps", f.m, f.series, mod(func(s *trajectory.Spec) { s.Steps = []int{} })},
		{"distance name taken", f.m, f.series, mod(func(s *trajectory.Spec) {
			s.Observables = append(s.Observables, susc.Func(trajectory.DistanceName, func([]float64) float64 { return 0 }))
		})},
		{"probe of another model", f.m, f.series, mod(func(s *trajectory.Spec) {
			s.Observables = append(s.Observables, trajectory.ProbeLoss("p2", other))
		})},
		{"nil probe", f.m, f.series, mod(func(s *trajectory.Spec) { s.Observables = append(s.Observables, trajectory.ProbeLoss("p2", nil)) })},
		{"nil observable", f.m, f.series, mod(func(s *trajectory.Spec) { s.Observables = append(s.Observables, nil) })},
		{"negative workers", f.m, f.series, mod(func(s *trajectory.Spec) { s.Workers = -1 })},
	}
	for _, c := range cases {
		tr, err := trajectory.Sample(context.Background(), c.m, c.series, c.spec)
		if err == nil || tr != nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if n := draws.Load(); n != 0 {
		t.Errorf("invalid input took %d draws", n)
	}
}
