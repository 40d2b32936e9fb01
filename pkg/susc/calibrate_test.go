package susc_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// TestCalibrateGaussianMatchesDiscreteLangevin checks every point of an
// ε × nβ grid against an exact value that includes the step's own bias. For
// the Gaussian mean, U = (nβ+γ)/2 ||w - ȳ||² + const with centre ȳ, and SGLD
// is the AR(1) process w - ȳ ← (1 - εk/2)(w - ȳ) + √ε ξ, k = nβ + γ, whose
// stationary variance is 1/(k(1 - εk/4)) per coordinate. So SGLD's LLC is
// the exact one divided by (1 - εk/4), and the chain explodes for εk > 4.
// The grid has both: points with εk ≈ 1 (a 30% bias, which the test must
// resolve) and one with εk ≈ 10 (divergence).
func TestCalibrateGaussianMatchesDiscreteLangevin(t *testing.T) {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 100, []float64{0.3, -0.2}, 1)
	const gamma = 1.0
	grid := susc.CalibrationGrid{NBetas: []float64{10, 100}, Epsilons: []float64{1e-3, 1e-2, 0.1}}
	// The slowest point (εk = 0.011) relaxes in 2/(εk) ≈ 180 steps: burn-in 11 of them.
	run := susc.Run{Chains: 8, Draws: 400, BurnIn: 2000, Thin: 100, Seed: 1}
	cal, err := susc.Calibrate(context.Background(), data, susc.Posterior{Gamma: gamma, Center: data.Mean()}, grid, run)
	if err != nil {
		t.Fatal(err)
	}
	if len(cal.Points) != 2 || len(cal.Points[0]) != 3 {
		t.Fatalf("grid shape %d × %d", len(cal.Points), len(cal.Points[0]))
	}
	for i, nb := range grid.NBetas {
		prevMALA := 1.0
		for j, eps := range grid.Epsilons {
			p := &cal.Points[i][j]
			if p.NBeta != nb || p.Epsilon != eps {
				t.Fatalf("point [%d][%d] is (%v, %v), want (%v, %v)", i, j, p.NBeta, p.Epsilon, nb, eps)
			}
			k := nb + gamma
			if eps*k > 4 {
				divs := p.Divergences()
				if !p.Diverged() || len(divs) == 0 || !math.IsNaN(p.LLC.Mean) || !math.IsNaN(p.MALA) || p.Result == nil {
					t.Errorf("nβ = %v, ε = %v (εk = %.3g): want a divergence with NaN estimates, got err %v, LLC %v, MALA %v",
						nb, eps, eps*k, p.Err, p.LLC.Mean, p.MALA)
				}
				for _, d := range divs {
					if !(math.IsNaN(d.Loss) || math.IsInf(d.Loss, 0)) || d.Step < 0 || d.Step > run.BurnIn {
						t.Errorf("nβ = %v, ε = %v: bad divergence record %+v", nb, eps, d)
					}
				}
				continue
			}
			if p.Err != nil {
				t.Errorf("nβ = %v, ε = %v (εk = %.3g): %v", nb, eps, eps*k, p.Err)
				continue
			}
			exact := data.LLC(nb, gamma, nil)
			want := exact / (1 - eps*k/4)
			if z := (p.LLC.Mean - want) / p.LLC.SE; math.Abs(z) > 4 {
				t.Errorf("nβ = %v, ε = %v: LLC %.4f ± %.4f, discrete-Langevin exact %.4f (z = %.1f)", nb, eps, p.LLC.Mean, p.LLC.SE, want, z)
			}
			// Where the step bias is large the test must see it.
			if eps*k > 1 && math.Abs(want-exact) < 8*p.LLC.SE {
				t.Errorf("nβ = %v, ε = %v: SE %.4f too large to resolve the step bias %.4f", nb, eps, p.LLC.SE, want-exact)
			}
			// The MALA acceptance falls as ε grows and is ≈ 1 for a small step.
			if !(p.MALA < prevMALA) || (j == 0 && p.MALA < 0.99) {
				t.Errorf("nβ = %v, ε = %v: MALA acceptance %v (previous ε: %v)", nb, eps, p.MALA, prevMALA)
			}
			prevMALA = p.MALA
		}
	}
	if a, b := cal.LargestStable(0), cal.LargestStable(1); a != 2 || b != 1 {
		t.Errorf("LargestStable: %d, %d, want 2, 1", a, b)
	}
	acc := cal.Map(func(p *susc.CalibrationPoint) float64 { return p.MALA })
	if acc[1][1] != cal.Points[1][1].MALA || !math.IsNaN(acc[1][2]) {
		t.Errorf("Map: %v", acc)
	}
}

// TestCalibratePointIsSample checks that a grid point is exactly the run
// Sample makes with the same settings (same seed at every point), that the
// Kernel function is used, and that the progress callback covers the grid.
func TestCalibratePointIsSample(t *testing.T) {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(3, 4)), 50, []float64{1}, 1)
	post := susc.Posterior{Gamma: 2, Center: data.Mean()}
	var kernels atomic.Int64
	grid := susc.CalibrationGrid{NBetas: []float64{5, 50}, Epsilons: []float64{1e-3, 3e-3},
		Kernel: func(eps float64) susc.Kernel { kernels.Add(1); return susc.RMSPropSGLD{Epsilon: eps} }}
	var calls, last, total int
	monotone := true
	run := susc.Run{Chains: 3, Draws: 50, BurnIn: 100, Thin: 7, Seed: 9, Workers: 2,
		Progress: func(done, tot int) {
			calls++
			monotone = monotone && done >= last
			last, total = done, tot
		}}
	cal, err := susc.Calibrate(context.Background(), data, post, grid, run)
	if err != nil {
		t.Fatal(err)
	}
	if kernels.Load() == 0 {
		t.Error("Kernel function never called")
	}
	if want := 4 * 3 * (100 + 50*7); !monotone || last != want || total != want || calls < 4 {
		t.Errorf("progress: %d calls, monotone %v, last %d of %d, want %d", calls, monotone, last, total, want)
	}
	run.Progress, run.MALA = nil, true
	post.NBeta = 50
	res, err := susc.Sample(context.Background(), data, post, susc.RMSPropSGLD{Epsilon: 3e-3}, run)
	if err != nil {
		t.Fatal(err)
	}
	llc, _ := res.LLC()
	p := cal.Points[1][1]
	if !reflect.DeepEqual(llc.PerChain, p.LLC.PerChain) {
		t.Errorf("grid point LLC %v, Sample %v", p.LLC.PerChain, llc.PerChain)
	}
	acc, _ := res.MALA()
	if mean := (acc[0] + acc[1] + acc[2]) / 3; math.Abs(p.MALA-mean) > 1e-15 {
		t.Errorf("grid point MALA %v, Sample %v", p.MALA, mean)
	}
}

// With SGNHT, which has no Langevin proposal, the sweep runs without MALA:
// each point is Sample's run and its acceptance is NaN.
func TestCalibrateSGNHT(t *testing.T) {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(3, 4)), 50, []float64{1}, 1)
	post := susc.Posterior{Gamma: 2, Center: data.Mean()}
	grid := susc.CalibrationGrid{NBetas: []float64{50}, Epsilons: []float64{1e-4, 1e-3},
		Kernel: func(eps float64) susc.Kernel { return susc.SGNHT{Epsilon: eps} }}
	run := susc.Run{Chains: 3, Draws: 50, BurnIn: 100, Thin: 7, Seed: 9}
	cal, err := susc.Calibrate(context.Background(), data, post, grid, run)
	if err != nil {
		t.Fatal(err)
	}
	post.NBeta = 50
	res, err := susc.Sample(context.Background(), data, post, susc.SGNHT{Epsilon: 1e-3}, run)
	if err != nil {
		t.Fatal(err)
	}
	llc, _ := res.LLC()
	if p := cal.Points[0][1]; !reflect.DeepEqual(llc.PerChain, p.LLC.PerChain) || !math.IsNaN(p.MALA) || p.Err != nil {
		t.Errorf("grid point LLC %v (MALA %v, err %v), Sample %v", p.LLC.PerChain, p.MALA, p.Err, llc.PerChain)
	}
}

// TestCalibrateCancel cancels a 1 × 3 grid three ways and checks every point
// after the cancellation: in the middle of point 1 (Sample returns the
// context's error with a partial Result), before any work, and between two
// points (Calibrate's own check before starting a point).
func TestCalibrateCancel(t *testing.T) {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(3, 4)), 50, []float64{1}, 1)
	post := susc.Posterior{Gamma: 1, Center: data.Mean()}
	grid := susc.CalibrationGrid{NBetas: []float64{10}, Epsilons: []float64{1e-3, 2e-3, 3e-3}} // εk ≤ 0.033: no divergence
	run := susc.Run{Chains: 2, Draws: 2000, Seed: 1, Workers: 2}
	// notReached checks the points from k on carry the context's error and
	// were never sampled.
	notReached := func(t *testing.T, cal *susc.Calibration, k int) {
		t.Helper()
		for j := k; j < len(cal.Points[0]); j++ {
			p := cal.Points[0][j]
			if !errors.Is(p.Err, context.Canceled) || p.Diverged() || p.Result != nil || !math.IsNaN(p.LLC.Mean) || !math.IsNaN(p.MALA) {
				t.Errorf("point %d: err %v, result %v, LLC %v, MALA %v; want context.Canceled, no result, NaN estimates",
					j, p.Err, p.Result != nil, p.LLC.Mean, p.MALA)
			}
		}
	}

	t.Run("mid-point", func(t *testing.T) {
		// LossGrad calls per point, from one uncancelled point: every point
		// takes the same steps, so the same number of calls.
		one := &cancellingModel{GaussianMean: data}
		if _, err := susc.Calibrate(context.Background(), one, post, susc.CalibrationGrid{NBetas: grid.NBetas, Epsilons: grid.Epsilons[:1]}, run); err != nil {
			t.Fatal(err)
		}
		perPoint := one.calls.Load()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		m := &cancellingModel{GaussianMean: data, at: perPoint + perPoint/2, cancel: cancel} // halfway through point 1
		cal, err := susc.Calibrate(ctx, m, post, grid, run)
		if !errors.Is(err, context.Canceled) || cal == nil {
			t.Fatalf("want the partial grid and context.Canceled, got %v, %v", cal, err)
		}
		if p := cal.Points[0][0]; p.Err != nil || math.IsNaN(p.LLC.Mean) || math.IsNaN(p.MALA) || p.Result == nil {
			t.Errorf("point 0 (done before the cancel): err %v, LLC %v, MALA %v", p.Err, p.LLC.Mean, p.MALA)
		}
		p := cal.Points[0][1]
		if !errors.Is(p.Err, context.Canceled) || p.Diverged() || !math.IsNaN(p.LLC.Mean) || !math.IsNaN(p.MALA) || p.Result == nil {
			t.Fatalf("point 1 (cancelled while running): err %v, LLC %v, MALA %v, result %v; want context.Canceled, NaN estimates, a partial result",
				p.Err, p.LLC.Mean, p.MALA, p.Result != nil)
		}
		var steps int
		for _, ch := range p.Result.Chains {
			steps += ch.Steps
		}
		if full := run.Chains * run.Draws; steps >= full {
			t.Errorf("point 1: chains took %d steps, the full %d: not cancelled mid-point", steps, full)
		}
		notReached(t, cal, 2)
		if n := m.calls.Load(); n >= 2*perPoint {
			t.Errorf("%d LossGrad calls, want fewer than two points' %d", n, 2*perPoint)
		}
	})

	t.Run("pre-cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		m := &cancellingModel{GaussianMean: data}
		cal, err := susc.Calibrate(ctx, m, post, grid, run)
		if !errors.Is(err, context.Canceled) || cal == nil {
			t.Fatalf("want the grid and context.Canceled, got %v, %v", cal, err)
		}
		notReached(t, cal, 0)
		if n := m.calls.Load(); n != 0 {
			t.Errorf("model evaluated %d times under a cancelled context", n)
		}
	})

	t.Run("between points", func(t *testing.T) {
		// Point 0 diverges (εk = 11 > 4), so Sample's last progress report
		// falls short of the point's steps and Calibrate's own end-of-point
		// report is a new value: cancelling there happens after Sample
		// returned, and only the check before point 1 can see it.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		perPoint := run.Chains * run.Draws
		r := run
		r.Progress = func(done, _ int) {
			if done == perPoint {
				cancel()
			}
		}
		g := grid
		g.Epsilons = []float64{1, 1e-3, 2e-3}
		cal, err := susc.Calibrate(ctx, data, post, g, r)
		if !errors.Is(err, context.Canceled) || cal == nil {
			t.Fatalf("want the partial grid and context.Canceled, got %v, %v", cal, err)
		}
		if p := cal.Points[0][0]; !p.Diverged() || errors.Is(p.Err, context.Canceled) || p.Result == nil || !math.IsNaN(p.LLC.Mean) {
			t.Errorf("point 0: err %v, result %v; want its own divergence, kept", p.Err, p.Result != nil)
		}
		notReached(t, cal, 1)
	})
}

// cancellingModel counts LossGrad calls and calls cancel at call number at
// (never if at is 0).
type cancellingModel struct {
	*toy.GaussianMean
	at     int64
	cancel context.CancelFunc
	calls  atomic.Int64
}

func (m *cancellingModel) LossGrad(grad, w []float64, batch []int) float64 {
	if n := m.calls.Add(1); n == m.at {
		m.cancel()
	}
	return m.GaussianMean.LossGrad(grad, w, batch)
}

// countingModel counts LossGrad calls.
type countingModel struct {
	*toy.GaussianMean
	calls atomic.Int64
}

func (m *countingModel) LossGrad(grad, w []float64, batch []int) float64 {
	m.calls.Add(1)
	return m.GaussianMean.LossGrad(grad, w, batch)
}

func TestCalibrateInvalidInputFailsBeforeWork(t *testing.T) {
	m := &countingModel{GaussianMean: toy.GaussianMeanData(rand.New(rand.NewPCG(3, 4)), 50, []float64{1}, 1)}
	post := susc.Posterior{Gamma: 1, Center: []float64{0}}
	grid := susc.CalibrationGrid{NBetas: []float64{1, 10}, Epsilons: []float64{1e-3, 1e-2}}
	run := susc.Run{Draws: 10}
	with := func(f func(g *susc.CalibrationGrid, p *susc.Posterior, r *susc.Run)) (susc.CalibrationGrid, susc.Posterior, susc.Run) {
		g, p, r := grid, post, run
		f(&g, &p, &r)
		return g, p, r
	}
	cases := map[string]func(g *susc.CalibrationGrid, p *susc.Posterior, r *susc.Run){
		"no nbeta":    func(g *susc.CalibrationGrid, _ *susc.Posterior, _ *susc.Run) { g.NBetas = nil },
		"no eps":      func(g *susc.CalibrationGrid, _ *susc.Posterior, _ *susc.Run) { g.Epsilons = nil },
		"zero nbeta":  func(g *susc.CalibrationGrid, _ *susc.Posterior, _ *susc.Run) { g.NBetas = []float64{1, 0} },
		"nan eps":     func(g *susc.CalibrationGrid, _ *susc.Posterior, _ *susc.Run) { g.Epsilons = []float64{math.NaN()} },
		"inf eps":     func(g *susc.CalibrationGrid, _ *susc.Posterior, _ *susc.Run) { g.Epsilons = []float64{math.Inf(1)} },
		"nbeta twice": func(_ *susc.CalibrationGrid, p *susc.Posterior, _ *susc.Run) { p.NBeta = 10 },
		"prior only":  func(_ *susc.CalibrationGrid, p *susc.Posterior, _ *susc.Run) { p.PriorOnly = true },
		"bad center":  func(_ *susc.CalibrationGrid, p *susc.Posterior, _ *susc.Run) { p.Center = []float64{0, 0} },
		"negative γ":  func(_ *susc.CalibrationGrid, p *susc.Posterior, _ *susc.Run) { p.Gamma = -1 },
		"no draws":    func(_ *susc.CalibrationGrid, _ *susc.Posterior, r *susc.Run) { r.Draws = 0 },
		"nil kernel": func(g *susc.CalibrationGrid, _ *susc.Posterior, _ *susc.Run) {
			g.Kernel = func(float64) susc.Kernel { return nil }
		},
		"zero eps": func(g *susc.CalibrationGrid, _ *susc.Posterior, _ *susc.Run) { g.Epsilons = []float64{1e-3, 0} },
	}
	for name, f := range cases {
		g, p, r := with(f)
		cal, err := susc.Calibrate(context.Background(), m, p, g, r)
		if err == nil || cal != nil {
			t.Errorf("%s: err %v, result %v", name, err, cal)
		}
	}
	if _, err := susc.Calibrate(context.Background(), nil, post, grid, run); err == nil {
		t.Error("nil model: no error")
	}
	if n := m.calls.Load(); n != 0 {
		t.Errorf("model evaluated %d times before the errors", n)
	}
}

// TestCalibrateNormalCrossing runs two points of notebook 02's sweep on
// normal crossing (1,1), nβ = 145, γ = 1: the diagonal ε = 1e-3 must match
// the exact finite-nβ LLC by quadrature, and ε = 0.03 must diverge.
func TestCalibrateNormalCrossing(t *testing.T) {
	skipShort(t)
	nc := toy.NormalCrossingData(rand.New(rand.NewPCG(1, 2)), 1000, []int{1, 1}, true)
	nb := susc.NOverLogN(1000)
	exact, err := nc.LLC2D(nb, 1, nil, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	grid := susc.CalibrationGrid{NBetas: []float64{nb}, Epsilons: []float64{1e-3, 0.03}}
	cal, err := susc.Calibrate(context.Background(), nc, susc.Posterior{Gamma: 1, Center: []float64{0, 0}}, grid,
		susc.Run{Chains: 8, Draws: 400, BurnIn: 5000, Thin: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	good, bad := cal.Points[0][0], cal.Points[0][1]
	if good.Err != nil || math.Abs(good.LLC.Mean-exact) > 4*good.LLC.SE || good.LLC.SE > 0.05*exact {
		t.Errorf("ε = 1e-3: LLC %.4f ± %.4f, exact %.4f (err %v)", good.LLC.Mean, good.LLC.SE, exact, good.Err)
	}
	if !bad.Diverged() || !math.IsNaN(bad.LLC.Mean) {
		t.Errorf("ε = 0.03: want a divergence, got err %v, LLC %v", bad.Err, bad.LLC.Mean)
	}
}
