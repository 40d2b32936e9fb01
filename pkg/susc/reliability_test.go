package susc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Each case below reproduces a failure found by trying bad inputs, corrupt
// files, concurrent calls and cancellations; the test failed before its fix.

// One observable value serves concurrent Sample calls on models with
// different n: it used to rewrite its sample list per call (a data race,
// and "slice bounds out of range" with different n).
func TestObservableSharedAcrossConcurrentSamples(t *testing.T) {
	small := newGaussModel(1, gaussData(5, []float64{0}))
	large := newGaussModel(1, gaussData(50, []float64{1}))
	losses, deltas := PointLosses("l", nil), SampleLossDeltas("x", nil)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := small
			if i%2 == 1 {
				m = large
			}
			res, err := Sample(context.Background(), m, Posterior{NBeta: 5, Gamma: 1, Center: []float64{0}}, SGLD{Epsilon: 1e-3},
				Run{Chains: 2, Draws: 50, Seed: uint64(i)}, losses, deltas)
			if err == nil {
				if o, _ := res.Observable("l"); o.Dim != m.NumData() {
					err = fmt.Errorf("%d per-sample losses for n = %d", o.Dim, m.NumData())
				}
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// explodingObs panics inside the chain at its k-th evaluation.
type explodingObs struct {
	calls *atomic.Int64
	at    int64
}

func (o explodingObs) Name() string { return "boom" }
func (o explodingObs) Dim() int     { return 1 }
func (o explodingObs) Observe(dst, w []float64, _ Model) {
	if o.calls.Add(1) == o.at {
		panic("observable exploded")
	}
	dst[0] = w[0]
}

// Bad input that can only surface inside a chain no longer kills the
// process: it becomes a *ChainPanicError on that chain (not a divergence),
// naming chain, step and panic, with the partial result kept.
func TestPanicInChainBecomesError(t *testing.T) {
	m := newGaussModel(2, gaussData(10, []float64{0, 0}))
	p := Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 0}}
	wide := VecFunc("wide", 2, func(dst, w []float64) { dst[2] = 1 }) // writes past its dimension
	res, err := Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 2, Draws: 10}, wide)
	var pe *ChainPanicError
	if !errors.As(err, &pe) || res == nil || !strings.Contains(pe.Error(), "panicked") {
		t.Fatalf("VecFunc writing 3 values into 2: err %v", err)
	}
	var de *DivergenceError
	if errors.As(err, &de) || res.Chains[pe.Chain].Diverged {
		t.Error("a panic was reported as a divergence")
	}
	obs := explodingObs{calls: new(atomic.Int64), at: 15}
	res, err = Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 1, Draws: 100, Thin: 2}, obs)
	if !errors.As(err, &pe) || pe.Chain != 0 || pe.Step != 30 || pe.Value != "observable exploded" || pe.Stack == "" {
		t.Fatalf("panicking observable: %+v (%v)", pe, err)
	}
	if res.Chains[0].Draws != 14 || res.NumDraws() != 14 {
		t.Errorf("partial result: %d draws kept, want the 14 before the panic", res.Chains[0].Draws)
	}
	if _, err := res.LLC(); err != nil {
		t.Errorf("estimators on the partial result: %v", err)
	}
}

// Inputs that used to panic inside chains are refused before any work.
func TestRefusedBeforeWork(t *testing.T) {
	m := newGaussModel(2, gaussData(10, []float64{0, 0}))
	p := Posterior{NBeta: 10, Center: []float64{0, 0}}
	k := SGLD{Epsilon: 1e-3}
	var typedNil *scratchModel
	cases := []struct {
		name string
		m    Model
		r    Run
		obs  []Observable
		want string
	}{
		{"Param out of range", m, Run{Draws: 10}, []Observable{Param("w5", 5)}, "parameter index 5 out of range"},
		{"negative Param", m, Run{Draws: 10}, []Observable{Param("w", -1)}, "out of range"},
		{"absurd trace", m, Run{Draws: 1 << 50, KeepTrace: true}, nil, "MaxTraceBytes"},
		{"trace over the cap", m, Run{Draws: 1000, KeepTrace: true, MaxTraceBytes: 1000}, nil, "MaxTraceBytes"},
		{"Draws·Thin overflows", m, Run{Draws: 1 << 62, Thin: 4}, nil, "overflows"},
		{"Chains·steps overflows", m, Run{Draws: 1 << 61, Chains: 8}, nil, "overflows"},
		{"typed nil model", typedNil, Run{Draws: 10}, nil, "nil model"},
		{"Replicate returning nil", nilReplica{m}, Run{Draws: 10}, nil, "returned nil"},
		{"Replicate of the wrong shape", badReplica{m}, Run{Draws: 10}, nil, "want func() T"},
		{"MALA without a Langevin kernel", m, Run{Draws: 10, MALA: true}, nil, "Langevin"},
		{"PointStats without per-sample losses", lossOnly{m}, Run{Draws: 10, PointStats: true}, nil, "PointLosser"},
	}
	for _, c := range cases {
		before := m.calls.Load()
		kk := Kernel(k)
		if strings.HasPrefix(c.name, "MALA") {
			kk = opaqueKernel{k}
		}
		res, err := Sample(context.Background(), c.m, p, kk, c.r, c.obs...)
		if err == nil || res != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
		if m.calls.Load() != before {
			t.Errorf("%s: the model was evaluated before the error", c.name)
		}
	}
}

// lossOnly is a Model without PointLosses.
type lossOnly struct{ g *gaussModel }

func (l lossOnly) Dim() int     { return l.g.Dim() }
func (l lossOnly) NumData() int { return l.g.NumData() }
func (l lossOnly) LossGrad(grad, w []float64, batch []int) float64 {
	return l.g.LossGrad(grad, w, batch)
}

// nilReplica's Replicate returns a typed nil.
type nilReplica struct{ *gaussModel }

func (nilReplica) Replicate() *gaussModel { return nil }

// badReplica has a method named Replicate that the sampler cannot use.
type badReplica struct{ *gaussModel }

func (b badReplica) Replicate() (*gaussModel, error) { return b.gaussModel, nil }

// opaqueKernel hides SGLD's Langevin proposal (and its fast path).
type opaqueKernel struct{ Kernel }

type opaqueState struct{ State }

func (k opaqueKernel) Init(p *Posterior, w0 []float64) (State, error) {
	s, err := k.Kernel.Init(p, w0)
	return opaqueState{s}, err
}

// After a divergence followed by a cancel, both errors survive.
func TestDivergenceThenCancel(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	p := Posterior{NBeta: 100, Gamma: 1, Center: []float64{0}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	m.onCall = func(n int64) {
		if n > 100000 {
			once.Do(cancel)
		}
	}
	// Chain 0 diverges at once (ε(nβ+γ) ≫ 4); chain 1 is stable and runs
	// until the cancel.
	res, err := Sample(ctx, m, p, &perChainKernel{eps: []float64{0.2, 1e-3}}, Run{Chains: 2, Workers: 1, Draws: 1 << 30, Seed: 3})
	var de *DivergenceError
	if !errors.As(err, &de) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want a *DivergenceError and context.Canceled, got %v", err)
	}
	if de.Chain != 0 || !res.Chains[0].Diverged || res.Chains[1].Diverged || res.Chains[1].Draws == 0 {
		t.Fatalf("chains: %+v, %+v", de, res.Chains[1].Err)
	}
}

// The estimators leave a diverged chain out (its blow-up would dominate
// every mean), say how many chains they used, and include it on request.
func TestEstimatorsExcludeDivergedChains(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	p := Posterior{NBeta: 100, Gamma: 1, Center: m.mean}
	res, err := Sample(context.Background(), m, p, &perChainKernel{eps: []float64{0.2, 1e-3, 1e-3, 1e-3}},
		Run{Chains: 4, Workers: 1, Draws: 2000, Seed: 3}, Param("w", 0))
	var de *DivergenceError
	if !errors.As(err, &de) || de.Chain != 0 {
		t.Fatalf("want chain 0 to diverge, got %v", err)
	}
	l, err := res.LLC()
	if err != nil || l.Used != 3 || l.Excluded != 1 || !math.IsNaN(l.PerChain[0]) || math.IsNaN(l.PerChain[1]) {
		t.Fatalf("LLC %+v (%v)", l, err)
	}
	if used := res.Used(); len(used) != 3 || used[0] != 1 {
		t.Errorf("used chains %v", used)
	}
	// One-dimensional Gaussian: λ = 1/2, up to SGLD's small bias.
	if math.Abs(l.Mean-0.5) > 4*l.SE+0.01 {
		t.Errorf("LLC %v without the diverged chain, want 0.5", l)
	}
	if mean := res.Mean(1); math.Abs(mean.Value-m.mean[0]) > 0.05 {
		t.Errorf("posterior mean %v", mean)
	}
	res2, _ := Sample(context.Background(), m, p, &perChainKernel{eps: []float64{0.2, 1e-3, 1e-3, 1e-3}},
		Run{Chains: 4, Workers: 1, Draws: 2000, Seed: 3}, Param("w", 0))
	res2.IncludeDiverged = true
	li, _ := res2.LLC()
	if li.Used != 4 || li.Excluded != 0 || math.IsNaN(li.PerChain[0]) || li.PerChain[1] != l.PerChain[1] {
		t.Errorf("IncludeDiverged: %+v", li)
	}
}

// perChainKernel gives chain c the step size eps[c]: with one worker the
// chains call Init in order, after Sample's own check.
type perChainKernel struct {
	eps  []float64
	next atomic.Int64
}

func (k *perChainKernel) Init(p *Posterior, w0 []float64) (State, error) {
	i := max(k.next.Add(1)-2, 0)
	return SGLD{Epsilon: k.eps[int(i)%len(k.eps)]}.Init(p, w0)
}
func (k *perChainKernel) Masked() bool                { return false }
func (k *perChainKernel) WithMask(mask []bool) Kernel { return k }

// The divergence step is the number of steps taken when a non-finite loss
// was seen, whatever the thinning: the same blow-up gives the same step.
func TestDivergenceStepIndependentOfThin(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	p := Posterior{NBeta: 100, Center: []float64{0}}
	steps := map[int]int{}
	for _, thin := range []int{1, 2, 3, 7} {
		_, err := Sample(context.Background(), m, p, SGLD{Epsilon: 0.1}, Run{Chains: 1, Draws: 1 << 20, Thin: thin, Seed: 3})
		var de *DivergenceError
		if !errors.As(err, &de) {
			t.Fatalf("thin %d: %v", thin, err)
		}
		steps[thin] = de.Step
	}
	for thin, s := range steps {
		if s != steps[1] {
			t.Errorf("divergence step %v depends on Thin", steps)
			break
		}
		_ = thin
	}
}

// A cancel stops a slow model within a few steps: counted, not timed.
func TestCancelIsPromptOnSlowModels(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var after atomic.Int64
	m.onCall = func(n int64) {
		time.Sleep(time.Millisecond) // a slow model: 1 ms per evaluation
		switch {
		case n == 40:
			cancel()
		case n > 40:
			after.Add(1)
		}
	}
	res, err := Sample(ctx, m, Posterior{NBeta: 10, Center: []float64{0}}, SGLD{Epsilon: 1e-3}, Run{Chains: 1, Draws: 1 << 20, Thin: 1000})
	if !errors.Is(err, context.Canceled) || res == nil {
		t.Fatalf("err %v", err)
	}
	if a := after.Load(); a > 3 {
		t.Errorf("%d model evaluations after the cancel, want at most 3", a)
	}
}

// A NaN observable, one that leaves a value unwritten, and co-moments that
// overflow each stop the chain with an error naming the coordinate.
func TestBadObservableValues(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	p := Posterior{NBeta: 10, Center: []float64{0}}
	k, r := SGLD{Epsilon: 1e-3}, Run{Chains: 1, Draws: 10}
	short := VecFunc("short", 3, func(dst, w []float64) { dst[0], dst[1] = 1, 2 })
	if _, err := Sample(context.Background(), m, p, k, r, short); err == nil || !strings.Contains(err.Error(), "short[2]") || !strings.Contains(err.Error(), "not written") {
		t.Errorf("unwritten value: %v", err)
	}
	huge := Func("huge", func(w []float64) float64 { return 1e200 * (1 + w[0]) })
	res, err := Sample(context.Background(), m, p, k, r, huge)
	if err == nil || !strings.Contains(err.Error(), "huge") || !strings.Contains(err.Error(), "too large") {
		t.Errorf("overflowing co-moments: %v", err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, res); err != nil {
		t.Errorf("a result with infinite co-moments cannot be written: %v", err)
	}
}

// ESS of a trace with a NaN is NaN, not a confident number.
func TestESSNaNTrace(t *testing.T) {
	x := ar1(2, 100, 0.5, 0, 1)
	x[1][17] = math.NaN()
	if e := ESS(x); !math.IsNaN(e) {
		t.Errorf("ESS = %v", e)
	}
}

// MALA: NaN for a diverged chain, and an error only when nothing was
// recorded.
func TestMALAWithDivergedChain(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	p := Posterior{NBeta: 100, Gamma: 1, Center: []float64{0}}
	res, _ := Sample(context.Background(), m, p, &perChainKernel{eps: []float64{0.2, 1e-3}}, Run{Chains: 2, Workers: 1, Draws: 2000, MALA: true})
	a, err := res.MALA()
	if err != nil || !math.IsNaN(a[0]) || !(a[1] > 0.9) {
		t.Errorf("MALA %v (%v)", a, err)
	}
	res, _ = Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 2, Draws: 20})
	if _, err := res.MALA(); err == nil || !strings.Contains(err.Error(), "set Run.MALA") {
		t.Errorf("no MALA requested: %v", err)
	}
}

// A chain stopped by a non-finite observable is left out of the
// estimators, like a diverged one; a panic carrying an error unwraps to it.
func TestNonFiniteObservableChainExcluded(t *testing.T) {
	m := newGaussModel(1, gaussData(10, []float64{0}))
	var calls atomic.Int64
	bad := Func("bad", func(w []float64) float64 {
		if calls.Add(1) == 5 { // chain 0's fifth draw, with one worker
			return math.Inf(1)
		}
		return w[0]
	})
	res, err := Sample(context.Background(), m, Posterior{NBeta: 10, Gamma: 1, Center: []float64{0}}, SGLD{Epsilon: 1e-3},
		Run{Chains: 3, Workers: 1, Draws: 50, Seed: 1}, bad)
	if err == nil || !res.Chains[0].Diverged || res.Chains[1].Diverged {
		t.Fatalf("err %v, chain 0 diverged %v", err, res.Chains[0].Diverged)
	}
	if u := res.Used(); len(u) != 2 || u[0] != 1 {
		t.Errorf("used chains %v", u)
	}
	sentinel := errors.New("boom")
	pe := &ChainPanicError{Value: fmt.Errorf("wrapped: %w", sentinel)}
	if !errors.Is(pe, sentinel) {
		t.Error("a panic carrying an error does not unwrap to it")
	}
}
