package susc_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"susclab/internal/handloop"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// The speed target (core issue): on normal crossing with n = 1,000 and full
// batch, the general API runs ≥ 1,000,000 SGLD steps per second per core
// with 0 allocations per step. Each benchmark op is one step; steps/s is
// reported as a metric.

func crossing(n int) (*toy.NormalCrossing, susc.Posterior) {
	m := toy.NormalCrossingData(rand.New(rand.NewPCG(1, 2)), n, []int{1, 2}, false)
	return m, susc.Posterior{NBeta: susc.NOverLogN(n), Gamma: 100, Center: []float64{0, 0}}
}

// BenchmarkSampleNormalCrossing measures Sample end to end (one chain, one
// worker): b.N steps, all but one of them burn-in.
func BenchmarkSampleNormalCrossing(b *testing.B) {
	m, p := crossing(1000)
	b.ReportAllocs()
	b.ResetTimer()
	_, err := susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 1e-4},
		susc.Run{Chains: 1, Workers: 1, BurnIn: b.N - 1, Draws: 1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkSampleNormalCrossingDraws draws at every step (loss, a parameter
// observable and streaming moments each time).
func BenchmarkSampleNormalCrossingDraws(b *testing.B) {
	m, p := crossing(1000)
	b.ReportAllocs()
	b.ResetTimer()
	_, err := susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 1e-4},
		susc.Run{Chains: 1, Workers: 1, Draws: b.N, Seed: 1}, susc.Param("w0", 0), susc.Param("w1", 1))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkKernelStepNormalCrossing is the kernel alone, the user owning the loop.
func BenchmarkKernelStepNormalCrossing(b *testing.B) {
	m, p := crossing(1000)
	k := susc.SGLD{Epsilon: 1e-4}
	s, err := k.Init(&p, p.Center)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Step(m, nil, rng)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkHandLoopNormalCrossing is the machine's limit: the same update
// written out by hand (internal/handloop), no interfaces, on the same data.
func BenchmarkHandLoopNormalCrossing(b *testing.B) {
	m, p := crossing(1000)
	x, y := m.Data()
	h := handloop.New(x, y, p.NBeta, p.Gamma, 1e-4)
	noise := rand.New(rand.NewPCG(1, 1))
	b.ResetTimer()
	h.Run(b.N, noise)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
	if h.Diverged() {
		b.Fatal("diverged")
	}
}

// BenchmarkSGLDStep reports ns per SGLD step and allocations for every toy
// model, through the general API (Sample, one chain, full batch).
func BenchmarkSGLDStep(b *testing.B) {
	rng := func() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
	gm := toy.GaussianMeanData(rng(), 1000, []float64{1, 2, 3}, 1)
	lr := toy.LinearRegressionData(rng(), 1000, []float64{1, -2, 0.5, 3, 0}, 0.5)
	nc := toy.NormalCrossingData(rng(), 1000, []int{1, 2}, false)
	rr := toy.ReducedRankData(rng(), 1000, 5, 3, 5, nil)
	tmsCfg := toy.NewTMSConfig(5, 2, 0.9, 0.1)
	tmsX, _ := toy.GenerateTMS(rng(), 1000, tmsCfg, nil)
	tmsSmall := toy.NewTMS(tmsCfg, tmsX)
	dlnSmall := deepLinear(rng(), 1000, 10)
	cases := []struct {
		name   string
		m      susc.Model
		center []float64
	}{
		{"GaussianMean3", gm, gm.Mean()},
		{"LinearRegression5", lr, lr.LeastSquares()},
		{"Polynomial", toy.Polynomial{Lambda: 1, Alpha: 1, Kappa: 1}, []float64{0}},
		{"NormalCrossing12", nc, []float64{0, 0}},
		{"ReducedRank535", rr, make([]float64, rr.Dim())},
		{"TMS5x2", tmsSmall, tmsSmall.Init(rng())},
		{"DeepLinear10x3", dlnSmall, toy.RandomInit(rng(), dlnSmall.Dim(), 0.3)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			p := susc.Posterior{NBeta: 100, Gamma: 100, Center: c.center}
			b.ReportAllocs()
			b.ResetTimer()
			_, err := susc.Sample(context.Background(), c.m, p, susc.SGLD{Epsilon: 1e-5},
				susc.Run{Chains: 1, Workers: 1, BurnIn: b.N - 1, Draws: 1, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkMomentsAdd is the streaming accumulator per draw (op = one Add,
// the block flushes amortized), rank-1 Welford below D = 48 and rank-64
// Dsyrk blocks from D = 48 (compare BenchmarkMomentsRank1). 0 allocs.
func BenchmarkMomentsAdd(b *testing.B) {
	for _, d := range []int{8, 16, 32, 64, 128, 512, 2001} {
		b.Run(fmt.Sprintf("D=%d", d), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			xs := make([][]float64, 256)
			for k := range xs {
				xs[k] = make([]float64, d)
				for i := range xs[k] {
					xs[k][i] = 10 + rng.NormFloat64()
				}
			}
			m := susc.NewMoments(d)
			m.Add(xs[0])
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				m.Add(xs[i%len(xs)])
			}
			m.Flush()
		})
	}
}

// deepLinear returns a 3-layer deep linear network of the given width on n
// Gaussian samples.
func deepLinear(r *rand.Rand, n, width int) *toy.DeepLinear {
	x, y := mat.NewDense(n, width, nil), mat.NewDense(n, width, nil)
	for i := range n {
		for j := range width {
			x.Set(i, j, r.NormFloat64())
			y.Set(i, j, r.NormFloat64())
		}
	}
	return toy.NewDeepLinear([]int{width, width, width, width}, x, y)
}

// BenchmarkSampleInfluenceDraws is the per-draw path of an influence run:
// one SGLD step, the per-sample losses of all n samples and the streaming
// co-moments of the D = n+1 draw vector (block rank-64 updates), per op.
func BenchmarkSampleInfluenceDraws(b *testing.B) {
	for _, n := range []int{100, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			m := toy.ReducedRankData(rand.New(rand.NewPCG(1, 2)), n, 5, 3, 5, nil)
			p := susc.Posterior{NBeta: 100, Gamma: 100, Center: make([]float64, m.Dim())}
			b.ReportAllocs()
			b.ResetTimer()
			_, err := susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 1e-5},
				susc.Run{Chains: 1, Workers: 1, Draws: b.N, Seed: 1}, susc.PointLosses("l", nil))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "draws/s")
		})
	}
}
