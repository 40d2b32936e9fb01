// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// The models satisfy the sampler's contract structurally; none needs a
// Replicator (they hold no mutable scratch memory).
var (
	_ susc.Model       = (*toy.GaussianMean)(nil)
	_ susc.PointLosser = (*toy.GaussianMean)(nil)
	_ susc.Model       = (*toy.LinearRegression)(nil)
	_ susc.PointLosser = (*toy.LinearRegression)(nil)
	_ susc.Model       = toy.Polynomial{}
	_ susc.PointLosser = toy.Polynomial{}
	_ susc.Model       = toy.Monomial{}
	_ susc.PointLosser = toy.Monomial{}
	_ susc.Model       = (*toy.NormalCrossing)(nil)
	_ susc.PointLosser = (*toy.NormalCrossing)(nil)
	_ susc.Model       = (*toy.ReducedRank)(nil)
	_ susc.PointLosser = (*toy.ReducedRank)(nil)

	_ toy.LossGrader = susc.Model(nil)
)

// The structural models hold scratch memory: each has a Replicate method
// returning its own concrete type, which susc finds structurally (one copy
// per chain). Their probes are models of the same type.
var (
	_ susc.Model       = (*toy.TMS)(nil)
	_ susc.PointLosser = (*toy.TMS)(nil)
	_ susc.Model       = (*toy.DeepLinear)(nil)
	_ susc.PointLosser = (*toy.DeepLinear)(nil)
	_ susc.Model       = (*toy.MLP)(nil)
	_ susc.PointLosser = (*toy.MLP)(nil)

	_ interface{ Replicate() *toy.TMS }        = (*toy.TMS)(nil)
	_ interface{ Replicate() *toy.DeepLinear } = (*toy.DeepLinear)(nil)
	_ interface{ Replicate() *toy.MLP }        = (*toy.MLP)(nil)

	_ toy.DataLossGrader = susc.Model(nil)
)

// TestStructuralModelsInSampler runs the sampler on each structural model
// with several concurrent chains, a restricted (masked) chain and probe
// observables ΔL_k. The runner must find Replicate (run with -race), and the
// draws must not depend on the number of workers.
func TestStructuralModelsInSampler(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type structural struct {
		name   string
		m      susc.Model
		w      []float64
		probes []susc.Model
		mask   []bool
	}
	var cases []structural
	{
		cfg := toy.NewTMSConfig(5, 2, 0.9, 0.2)
		x, _ := toy.GenerateTMS(rng, 200, cfg, nil)
		m := toy.NewTMS(cfg, x)
		w, _ := toy.Train(m, m.Init(rng), toy.TrainConfig{Method: toy.Adam, Steps: 500, LR: 0.01, BatchSize: 32, Seed: 1})
		var ps []susc.Model
		for _, p := range m.Probes(rng, 50) {
			ps = append(ps, p)
		}
		cases = append(cases, structural{"TMS", m, w, ps, m.FeatureMask(1)})
	}
	{
		tc := toy.NewLinearTeacher(rng, 4, 3, []float64{2, 1}, 0.1)
		x, y, _ := toy.GenerateDeepLinear(rng, 200, tc, nil)
		m := toy.NewDeepLinear([]int{4, 3, 3}, x, y)
		w, _ := toy.Train(m, toy.RandomInit(rng, m.Dim(), 0.1), toy.TrainConfig{Steps: 500, LR: 0.05, BatchSize: 32, Seed: 1})
		var ps []susc.Model
		for _, p := range m.Probes(rng, 50, tc) {
			ps = append(ps, p)
		}
		cases = append(cases, structural{"DeepLinear", m, w, ps, m.HiddenUnitMask(0, 1)})
	}
	{
		tc := toy.NewMLPTeacher(rng, 2, 3, 1, 2, 0.1)
		x, y, _ := toy.GenerateMLP(rng, 200, tc, nil)
		m := toy.NewMLP(4, x, y)
		w, _ := toy.Train(m, m.Init(rng), toy.TrainConfig{Method: toy.Adam, Steps: 500, LR: 0.01, BatchSize: 32, Seed: 1})
		var ps []susc.Model
		for _, p := range m.Probes(rng, 50, tc) {
			ps = append(ps, p)
		}
		cases = append(cases, structural{"MLP", m, w, ps, m.HiddenUnitMask(2)})
	}
	for _, c := range cases {
		for _, mask := range [][]bool{nil, c.mask} {
			var traces [][]float64
			for _, workers := range []int{1, 4} {
				res, err := susc.Sample(context.Background(), c.m,
					susc.Posterior{NBeta: 100, Gamma: 100, Center: c.w},
					susc.SGLD{Epsilon: 1e-4, Mask: mask},
					susc.Run{Chains: 4, Draws: 20, BatchSize: 16, Workers: workers, Seed: 3, KeepTrace: true},
					susc.LossDeltas("dL", c.probes...))
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				var tr []float64
				for _, ch := range res.Chains {
					tr = append(tr, ch.Trace...)
				}
				traces = append(traces, tr)
			}
			if len(traces[0]) == 0 || !slices.Equal(traces[0], traces[1]) {
				t.Errorf("%s mask=%v: draws depend on the number of workers", c.name, mask != nil)
			}
		}
	}
}
