package susc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

func TestWorkersGiveBitIdenticalResults(t *testing.T) {
	m := newGaussModel(2, gaussData(40, []float64{1, -1}))
	p := Posterior{NBeta: 20, Gamma: 5, Center: []float64{0, 0}}
	for _, c := range []struct {
		bs int
		k  Kernel
	}{{0, SGLD{Epsilon: 1e-3}}, {7, SGLD{Epsilon: 1e-3}}, {7, SGNHT{Epsilon: 1e-4}}} {
		bs := c.bs
		_, mala := c.k.(SGLD)
		var ref *Result
		for _, workers := range []int{1, 3, 8} {
			r := Run{Chains: 6, Draws: 50, BurnIn: 20, Thin: 3, BatchSize: bs, Workers: workers, Seed: 42, KeepTrace: true, MALA: mala, Batches: 2}
			res, err := Sample(context.Background(), m, p, c.k, r, PointLosses("l", []int{0, 3, 9}), Param("w0", 0))
			if err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref = res
				continue
			}
			if !reflect.DeepEqual(ref.Chains, res.Chains) {
				t.Errorf("%T, batch %d: %d workers differ from 1 worker", c.k, bs, workers)
			}
		}
		if reflect.DeepEqual(ref.Chains[0].Trace, ref.Chains[1].Trace) {
			t.Error("chains 0 and 1 are identical: streams not independent")
		}
	}
}

// A chain's draws depend only on the seed and its index: one chain with
// fewer draws is a prefix of chain 0 of a larger run (spectro's shipped
// slices rely on it).
func TestChainIsPrefixOfLargerRun(t *testing.T) {
	m := newGaussModel(2, gaussData(40, []float64{1, -1}))
	p := Posterior{NBeta: 20, Gamma: 5, Center: []float64{0, 0}}
	big, err := Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 3, Draws: 30, BurnIn: 10, Thin: 2, BatchSize: 7, Seed: 9, KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	small, err := Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 1, Draws: 12, BurnIn: 10, Thin: 2, BatchSize: 7, Seed: 9, KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	a, b := small.Chains[0].Trace, big.Chains[0].Trace
	if len(a) == 0 || len(b) < len(a) || !reflect.DeepEqual(a, b[:len(a)]) {
		t.Errorf("chain 0 of a 1-chain, 12-draw run is not the prefix of chain 0 of a 3-chain, 30-draw run")
	}
}

func TestDifferentSeedsDiffer(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	p := Posterior{NBeta: 10, Center: []float64{0}}
	a, _ := Sample(context.Background(), m, p, SGLD{Epsilon: 1e-2}, Run{Chains: 1, Draws: 5, Seed: 1, KeepTrace: true})
	b, _ := Sample(context.Background(), m, p, SGLD{Epsilon: 1e-2}, Run{Chains: 1, Draws: 5, Seed: 2, KeepTrace: true})
	if reflect.DeepEqual(a.Chains[0].Trace, b.Chains[0].Trace) {
		t.Error("seeds 1 and 2 give the same trace")
	}
}

func TestDivergenceStopsChainAndKeepsPartialResult(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	// ε nβ/2 = 5 > 2: the iteration w ← w(1 - εnβ/2) + noise explodes.
	p := Posterior{NBeta: 100, Center: []float64{0}}
	res, err := Sample(context.Background(), m, p, SGLD{Epsilon: 0.1}, Run{Chains: 2, Draws: 100000, Seed: 3, KeepTrace: true})
	var de *DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("want *DivergenceError, got %v", err)
	}
	if res == nil {
		t.Fatal("no partial result")
	}
	if de.Chain != 0 && de.Chain != 1 || !(math.IsNaN(de.Loss) || math.IsInf(de.Loss, 0)) || de.Step < 1 {
		t.Errorf("bad error fields %+v", de)
	}
	for c, ch := range res.Chains {
		if ch.Err == "" || ch.Draws == 0 || ch.Draws >= 100000 || len(ch.Trace) != ch.Draws*res.DrawDim {
			t.Errorf("chain %d: draws %d, trace %d, err %q", c, ch.Draws, len(ch.Trace), ch.Err)
		}
	}
}

func TestCancelReturnsWhatWasSampled(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m.onCall = func(n int64) {
		if n == 20000 {
			cancel()
		}
	}
	p := Posterior{NBeta: 10, Gamma: 1, Center: []float64{0}}
	res, err := Sample(ctx, m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 2, Workers: 1, Draws: 1 << 30, Seed: 3})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if res == nil || res.NumDraws() == 0 || res.NumDraws() > 20000 {
		t.Fatalf("partial result has %d draws", res.NumDraws())
	}
	if _, err := res.LLC(); err != nil {
		t.Errorf("estimators fail on a partial result: %v", err)
	}
}

func TestInvalidInputFailsBeforeWork(t *testing.T) {
	m := newGaussModel(2, gaussData(10, []float64{0, 0}))
	ok := Posterior{NBeta: 10, Center: []float64{0, 0}}
	k := SGLD{Epsilon: 1e-3}
	r := Run{Draws: 10}
	empty := newGaussModel(2, nil)
	probe3 := newGaussModel(3, gaussData(10, []float64{0, 0, 0}))
	cases := []struct {
		name string
		m    Model
		p    Posterior
		k    Kernel
		r    Run
		obs  []Observable
	}{
		{"no nbeta", m, Posterior{Center: []float64{0, 0}}, k, r, nil},
		{"bad center", m, Posterior{NBeta: 1, Center: []float64{0}}, k, r, nil},
		{"no eps", m, ok, SGLD{}, r, nil},
		{"no draws", m, ok, k, Run{}, nil},
		{"neg burnin", m, ok, k, Run{Draws: 1, BurnIn: -1}, nil},
		{"big batch", m, ok, k, Run{Draws: 1, BatchSize: 11}, nil},
		{"batches", m, ok, k, Run{Draws: 3, Batches: 4}, nil},
		{"empty data", empty, ok, k, r, nil},
		{"dup name", m, ok, k, r, []Observable{Param("a", 0), Param("a", 1)}},
		{"loss name", m, ok, k, r, []Observable{Param(LossName, 0)}},
		{"bad sample", m, ok, k, r, []Observable{PointLosses("l", []int{10})}},
		{"probe dim", m, ok, k, r, []Observable{LossDelta("dl", probe3)}},
		{"nil kernel", m, ok, nil, r, nil},
	}
	for _, c := range cases {
		before := m.calls.Load()
		res, err := Sample(context.Background(), c.m, c.p, c.k, c.r, c.obs...)
		if err == nil || res != nil {
			t.Errorf("%s: err %v, res %v", c.name, err, res)
		}
		if m.calls.Load() != before {
			t.Errorf("%s: model evaluated before the error", c.name)
		}
	}
}

// TestGaussianSusceptibility checks docs/theory.md §9.1: for l = (y - w)²/2, the
// susceptibility of φ = w_k to moving the data mean from ȳ to μ' is
// χ = (μ' - ȳ)_k/(nβ + γ). SGLD with step ε on a Gaussian of precision
// k = nβ + γ has the exact stationary variance 1/(k(1 - εk/4)), so the
// sampler's own target is χ/(1 - εk/4); we compare to that with a 4-SE
// tolerance and check that the ε-bias itself is below 0.3%.
func TestGaussianSusceptibility(t *testing.T) {
	mu, muP := []float64{1, -0.5}, []float64{1.6, -1.5}
	m := newGaussModel(2, gaussData(200, mu))
	probe := newGaussModel(2, gaussData(200, muP))
	nb, gamma := 150.0, 50.0
	prec := nb + gamma
	eps := 0.01 / prec
	p := Posterior{NBeta: nb, Gamma: gamma, Center: append([]float64(nil), m.mean...)}
	res, err := Sample(context.Background(), m, p, SGLD{Epsilon: eps},
		Run{Chains: 8, Draws: 16000, BurnIn: 2000, Thin: 50, Seed: 11, Batches: 4},
		Param("w0", 0), Param("w1", 1), LossDelta("dL", probe))
	if err != nil {
		t.Fatal(err)
	}
	ulaFactor := 1 / (1 - eps*prec/4)
	if ulaFactor-1 > 0.003 {
		t.Fatalf("ε-bias %v too large for this test", ulaFactor-1)
	}
	for k, name := range []string{"w0", "w1"} {
		s, err := res.Susceptibility(name, "dL")
		if err != nil {
			t.Fatal(err)
		}
		exact := (probe.mean[k] - m.mean[k]) / prec
		chi := s.Chi()
		if z := (chi.Value - exact*ulaFactor) / chi.SE; math.Abs(z) > 4 {
			t.Errorf("%s: χ = %v, exact %v (ULA %v), z = %.2f", name, chi, exact, exact*ulaFactor, z)
		}
		t.Logf("%s: χ = %v, exact %.6g (ULA %.6g)", name, chi, exact, exact*ulaFactor)
		if chi.SE > 0.02*math.Abs(exact) {
			t.Errorf("%s: standard error %v too large to test anything", name, chi.SE)
		}
		if r := s.Response(); math.Abs(r.Value-nb*chi.Value) > 1e-12*math.Abs(r.Value) || math.Abs(s.Cov.Value+chi.Value) != 0 {
			t.Errorf("%s: inconsistent C %v, χ %v, J %v", name, s.Cov, chi, r)
		}
	}
}

func TestMomentsMatchTwoPass(t *testing.T) {
	const n, d = 1000, 3
	xs := make([][]float64, n)
	for i := range xs {
		f := float64(i)
		xs[i] = []float64{1e6 + math.Sin(f), math.Cos(3 * f), math.Sin(f) * math.Cos(f)}
	}
	a, b, all := NewMoments(d), NewMoments(d), NewMoments(d)
	for i, x := range xs {
		all.Add(x)
		if i < 317 {
			a.Add(x)
		} else {
			b.Add(x)
		}
	}
	a.Merge(b)
	var mean [d]float64
	for _, x := range xs {
		for k := range d {
			mean[k] += x[k] / n
		}
	}
	for i := range d {
		for j := range d {
			var c float64
			for _, x := range xs {
				c += (x[i] - mean[i]) * (x[j] - mean[j])
			}
			c /= n - 1
			for _, m := range []*Moments{all, a} {
				if math.Abs(m.Cov(i, j)-c) > 1e-9*math.Max(1, math.Abs(c)) {
					t.Errorf("Cov(%d,%d) = %v, two-pass %v", i, j, m.Cov(i, j), c)
				}
			}
		}
	}
}

func TestStructuralReplicate(t *testing.T) {
	g := newGaussModel(2, gaussData(10, []float64{0, 1}))
	m := &scratchModel{gaussModel: g, buf: make([]float64, 2), replicas: new(atomic.Int64)}
	_, err := Sample(context.Background(), m, Posterior{NBeta: 5, Center: []float64{0, 1}}, SGLD{Epsilon: 1e-3},
		Run{Chains: 4, Workers: 4, Draws: 200}, LossDelta("dL", m))
	if err != nil {
		t.Fatal(err)
	}
	if n := m.replicas.Load(); n != 10 { // 4 chains × (model + probe), plus one shape check of each before any work
		t.Errorf("Replicate called %d times, want 10", n)
	}
}

func TestSampleLossDeltas(t *testing.T) {
	m := newGaussModel(1, []float64{0, 1, 3})
	res, err := Sample(context.Background(), m, Posterior{NBeta: 3, Gamma: 1, Center: []float64{1}}, SGLD{Epsilon: 1e-2},
		Run{Chains: 1, Draws: 3, KeepTrace: true}, SampleLossDeltas("x", []int{2, 0}), PointLosses("l", nil))
	if err != nil {
		t.Fatal(err)
	}
	x2, _ := res.Trace("x", 0)
	l2, _ := res.Trace("l", 2)
	loss, _ := res.Trace(LossName, 0)
	for k := range x2[0] {
		if math.Abs(x2[0][k]-(l2[0][k]-loss[0][k])) > 1e-15 {
			t.Errorf("draw %d: l_2 - L = %v, want %v", k, x2[0][k], l2[0][k]-loss[0][k])
		}
	}
	if labels, _ := res.Labels("x"); labels[0] != "x[2]" || labels[1] != "x[0]" {
		t.Errorf("labels %v", labels)
	}
}

func TestNaNObservableStopsChain(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	bad := Func("bad", func(w []float64) float64 { return math.Log(-1 - w[0]*w[0]) })
	res, err := Sample(context.Background(), m, Posterior{NBeta: 10, Center: []float64{0}}, SGLD{Epsilon: 1e-3}, Run{Chains: 2, Draws: 10}, bad)
	if err == nil || !strings.Contains(err.Error(), `observable bad is NaN`) || res == nil {
		t.Fatalf("err = %v", err)
	}
}

// perStepKernel hides SGLD's multi-step fast path, so the driver calls Step.
type perStepKernel struct{ Kernel }

type perStepState struct{ State }

func (k perStepKernel) Init(p *Posterior, w0 []float64) (State, error) {
	s, err := k.Kernel.Init(p, w0)
	return perStepState{s}, err
}

func TestMultiStepPathMatchesPerStep(t *testing.T) {
	m := newGaussModel(2, gaussData(40, []float64{0.5, -1}))
	p := Posterior{NBeta: 40, Gamma: 1, Center: []float64{0.5, -1}}
	for _, c := range []struct {
		name string
		k    Kernel
		run  Run
	}{
		{"full batch", SGLD{Epsilon: 1e-3}, Run{Chains: 2, Draws: 50, BurnIn: 300, Thin: 7, Seed: 5, KeepTrace: true}},
		{"minibatch", SGLD{Epsilon: 1e-3}, Run{Chains: 2, Draws: 50, BurnIn: 300, Thin: 7, BatchSize: 8, Seed: 5, KeepTrace: true}},
		{"masked", SGLD{Epsilon: 1e-3, Mask: []bool{false, true}}, Run{Chains: 1, Draws: 20, BurnIn: 10, Thin: 3, Seed: 5, KeepTrace: true}},
		{"diverging", SGLD{Epsilon: 0.2}, Run{Chains: 2, Draws: 100000, Thin: 3, Seed: 3, KeepTrace: true}},
		{"masked, diverging", SGLD{Epsilon: 0.2, Mask: []bool{true, false}}, Run{Chains: 2, Draws: 100000, Thin: 3, Seed: 3, KeepTrace: true}},
		{"no noise, diverging", SGLD{Epsilon: 0.2, NoNoise: true}, Run{Chains: 1, Draws: 100000, Thin: 3, Seed: 3}},
		// Kernels without a fast path: the recorded step at draws against Step.
		{"RMSProp", RMSPropSGLD{Epsilon: 1e-3}, Run{Chains: 2, Draws: 50, BurnIn: 30, Thin: 7, BatchSize: 8, Seed: 5, KeepTrace: true}},
		{"SGNHT", SGNHT{Epsilon: 1e-4}, Run{Chains: 2, Draws: 50, BurnIn: 30, Thin: 7, BatchSize: 8, Seed: 5, KeepTrace: true}},
		{"SGNHT, masked", SGNHT{Epsilon: 1e-4, Mask: []bool{false, true}}, Run{Chains: 2, Draws: 50, BurnIn: 30, Thin: 7, Seed: 5, KeepTrace: true}},
	} {
		fast, errFast := Sample(context.Background(), m, p, c.k, c.run, Param("w1", 1))
		slow, errSlow := Sample(context.Background(), m, p, perStepKernel{c.k}, c.run, Param("w1", 1))
		if fmt.Sprint(errFast) != fmt.Sprint(errSlow) {
			t.Errorf("%s: errors differ: %v, %v", c.name, errFast, errSlow)
		}
		for i := range fast.Chains {
			a, b := &fast.Chains[i], &slow.Chains[i]
			same := a.Draws == b.Draws && a.Steps == b.Steps && a.Err == b.Err && sameBits(a.Trace, b.Trace)
			for u := range a.Units {
				same = same && a.Units[u].N == b.Units[u].N && sameBits(a.Units[u].Mean, b.Units[u].Mean) && sameBits(a.Units[u].M, b.Units[u].M)
			}
			if !same {
				t.Errorf("%s: chain %d: the multi-step path and Step differ", c.name, i)
			}
			// The per-step wrapper hides the recorded step: no norms there, and
			// the same distances; the fast run records the norms of every draw.
			if !sameBits(a.DistTrace, b.DistTrace) || a.DistSq != b.DistSq || b.DriftTrace != nil || b.NoiseSq != 0 {
				t.Errorf("%s: chain %d: distances differ or the hidden recorder recorded", c.name, i)
			}
			if c.run.KeepTrace && (len(a.DriftTrace) != a.Draws || len(a.NoiseTrace) != a.Draws || len(a.LocalizationTrace) != a.Draws || len(a.DistTrace) != a.Draws) {
				t.Errorf("%s: chain %d: %d draws, records %d %d %d %d", c.name, i, a.Draws, len(a.DistTrace), len(a.DriftTrace), len(a.LocalizationTrace), len(a.NoiseTrace))
			}
			sq := func(xs []float64) (s float64) {
				for _, x := range xs {
					s += x * x
				}
				return s
			}
			if c.run.KeepTrace {
				for name, p := range map[string][2]float64{"dist": {a.DistSq, sq(a.DistTrace)}, "drift": {a.DriftSq, sq(a.DriftTrace)},
					"localization": {a.LocalizationSq, sq(a.LocalizationTrace)}, "noise": {a.NoiseSq, sq(a.NoiseTrace)}} {
					if math.Abs(p[0]-p[1]) > 1e-12*p[1] || (a.Draws > 0 && !(p[0] > 0)) {
						t.Errorf("%s: chain %d: sum of squared %s %v, from the trace %v", c.name, i, name, p[0], p[1])
					}
				}
			}
		}
	}
}

// sameBits reports bit-identical slices (NaN equal to itself).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// batchRecorder records the minibatches it is asked for.
type batchRecorder struct {
	*gaussModel
	batches [][]int
}

func (b *batchRecorder) LossGrad(grad, w []float64, batch []int) float64 {
	if batch != nil && grad != nil {
		b.batches = append(b.batches, append([]int(nil), batch...))
	}
	return b.gaussModel.LossGrad(grad, w, batch)
}

// With BatchBlock, every minibatch is made of whole blocks of consecutive
// samples, and each pass over the data covers every sample once.
func TestBatchBlocks(t *testing.T) {
	m := &batchRecorder{gaussModel: newGaussModel(1, gaussData(24, []float64{0}))}
	_, err := Sample(context.Background(), m, Posterior{NBeta: 5, Center: []float64{0}}, SGLD{Epsilon: 1e-3},
		Run{Chains: 1, Draws: 12, BatchSize: 8, BatchBlock: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.batches) != 12 {
		t.Fatalf("%d batches", len(m.batches))
	}
	for k, b := range m.batches {
		if len(b) != 8 {
			t.Fatalf("batch %d has %d samples", k, len(b))
		}
		for i := 0; i < 8; i += 4 {
			if b[i]%4 != 0 || b[i+1] != b[i]+1 || b[i+2] != b[i]+2 || b[i+3] != b[i]+3 {
				t.Errorf("batch %d = %v: not whole blocks", k, b)
			}
		}
	}
	for pass := 0; pass < 4; pass++ { // 3 batches per pass
		seen := map[int]bool{}
		for _, b := range m.batches[3*pass : 3*pass+3] {
			for _, i := range b {
				seen[i] = true
			}
		}
		if len(seen) != 24 {
			t.Errorf("pass %d covers %d of 24 samples", pass, len(seen))
		}
	}
	for _, r := range []Run{{Draws: 1, BatchSize: 6, BatchBlock: 4}, {Draws: 1, BatchSize: 8, BatchBlock: 5}, {Draws: 1, BatchBlock: -1}} {
		if _, err := Sample(context.Background(), m, Posterior{NBeta: 5, Center: []float64{0}}, SGLD{Epsilon: 1e-3}, r); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}

// With LossSubset the "loss" coordinate and L(w*) are the mean loss on the
// subset.
func TestLossSubset(t *testing.T) {
	m := newGaussModel(1, gaussData(30, []float64{0}))
	sub := []int{3, 7, 7, 20}
	res, err := Sample(context.Background(), m, Posterior{NBeta: 5, Gamma: 1, Center: []float64{0.2}}, SGLD{Epsilon: 1e-2},
		Run{Chains: 2, Draws: 20, Seed: 1, KeepTrace: true, LossSubset: sub}, Param("w", 0))
	if err != nil {
		t.Fatal(err)
	}
	if want := m.LossGrad(nil, []float64{0.2}, sub); res.LossAtCenter != want {
		t.Errorf("L(w*) = %v, want the subset's %v", res.LossAtCenter, want)
	}
	ws, _ := res.Trace("w", 0)
	ls, _ := res.Trace(LossName, 0)
	for c := range ws {
		for k, w := range ws[c] {
			if want := m.LossGrad(nil, []float64{w}, sub); ls[c][k] != want {
				t.Fatalf("chain %d draw %d: loss %v, want %v", c, k, ls[c][k], want)
			}
		}
	}
	for _, bad := range [][]int{{}, {30}, {-1}} {
		if _, err := Sample(context.Background(), m, Posterior{NBeta: 5, Center: []float64{0}}, SGLD{Epsilon: 1e-3}, Run{Draws: 1, LossSubset: bad}); err == nil {
			t.Errorf("LossSubset %v accepted", bad)
		}
	}
}

// With a BatchSeed, runs with different Seeds take the same minibatches.
func TestBatchSeedSharesBatches(t *testing.T) {
	batches := func(seed, batchSeed uint64) [][]int {
		m := &batchRecorder{gaussModel: newGaussModel(1, gaussData(24, []float64{0}))}
		Sample(context.Background(), m, Posterior{NBeta: 5, Center: []float64{0}}, SGLD{Epsilon: 1e-3},
			Run{Chains: 1, Draws: 10, BatchSize: 6, Seed: seed, BatchSeed: batchSeed})
		return m.batches
	}
	if !reflect.DeepEqual(batches(1, 9), batches(2, 9)) {
		t.Error("same BatchSeed, different batches")
	}
	if reflect.DeepEqual(batches(1, 0), batches(2, 0)) {
		t.Error("different Seeds without a BatchSeed share their batches")
	}
}

// Run.PointStats (docs/theory.md §8.6) agrees with two passes over the
// kept per-sample losses of each unit: means and squared deviations to
// 1e-12 relative, log-mean-exps to 1e-12; a unit without draws is NaN.
func TestPointStatsMatchTwoPass(t *testing.T) {
	m := newGaussModel(2, gaussData(12, []float64{1, -1}))
	p := Posterior{NBeta: 3, Gamma: 1, Center: m.mean}
	run := Run{Chains: 2, Batches: 3, Draws: 50, Thin: 2, Seed: 4, KeepTrace: true, PointStats: true}
	res, err := Sample(context.Background(), m, p, SGLD{Epsilon: 0.05}, run, PointLosses("l", nil))
	if err != nil {
		t.Fatal(err)
	}
	n := m.NumData()
	for c, ch := range res.Chains {
		start := 0
		for u, unit := range ch.Units {
			rows := ch.Trace[start*res.DrawDim : (start+unit.N)*res.DrawDim]
			start += unit.N
			for i := range n {
				var mean, m2 float64
				xs := make([]float64, unit.N)
				for k := range xs {
					xs[k] = rows[k*res.DrawDim+1+i]
					mean += xs[k] / float64(unit.N)
				}
				maxNeg := math.Inf(-1)
				for _, x := range xs {
					m2 += (x - mean) * (x - mean)
					maxNeg = math.Max(maxNeg, -x)
				}
				var s float64
				for _, x := range xs {
					s += math.Exp(-x - maxNeg)
				}
				lme := maxNeg + math.Log(s/float64(unit.N))
				got := [3]float64{ch.PointMean[u][i], ch.PointM2[u][i], ch.PointLogMeanExp[u][i]}
				if math.Abs(got[0]-mean) > 1e-12*math.Abs(mean) || math.Abs(got[1]-m2) > 1e-12*m2 || math.Abs(got[2]-lme) > 1e-12 {
					t.Fatalf("chain %d unit %d sample %d: streaming %v, two-pass %v", c, u, i, got, [3]float64{mean, m2, lme})
				}
			}
		}
	}
	// A cancelled run leaves units without draws: NaN, and the Result reads back.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, _ = Sample(ctx, m, p, SGLD{Epsilon: 0.05}, run)
	if v := res.Chains[0].PointLogMeanExp[2][0]; !math.IsNaN(v) {
		t.Errorf("log-mean-exp of a unit without draws: %v", v)
	}
	var back Result
	if err := ReadJSON(strings.NewReader(string(mustJSON(t, res))), &back); err != nil {
		t.Errorf("cancelled run with PointStats does not read back: %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
