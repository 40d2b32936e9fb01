// Copyright ©2026 The susclab Authors.

package trajectory_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
	"susclab/pkg/trajectory"
)

// BenchmarkTrajectoryDLN10 samples the LLC along a training run of a deep
// linear network of width 10 (10-10-10-10, 300 parameters, n = 200): 20
// log-spaced checkpoints × 4 chains × 11,000 SGLD steps (burn-in 1,000,
// 100 draws every 100 steps), 880,000 steps in all, on every core
// (GOMAXPROCS workers) and on one (the same bits, for the scaling). The
// goal is at most 10 s on 2 cores; bench/README.md has the figures.
// Reported: seconds per trajectory and SGLD steps per second.
func BenchmarkTrajectoryDLN10(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	tc := toy.NewLinearTeacher(rng, 10, 10, []float64{5, 4, 3, 2, 1}, 0.1)
	x, y, _ := toy.GenerateDeepLinear(rng, 200, tc, nil)
	m := toy.NewDeepLinear([]int{10, 10, 10, 10}, x, y)
	s, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 0.01),
		toy.TrainConfig{Steps: 20000, LR: 0.01}, toy.Schedule{At: toy.LogSteps(20000, 19)}) // and step 0
	if err != nil {
		b.Fatal(err)
	}
	if len(s.Checkpoints) != 20 {
		b.Fatalf("%d checkpoints", len(s.Checkpoints))
	}
	nb, gamma := 1e4, 1e4
	last, _ := s.Last()
	h := susc.Curvatures(m, last.Params)
	spec := trajectory.Spec{
		Posterior: susc.Posterior{NBeta: nb, Gamma: gamma},
		Kernel:    susc.SGLD{Epsilon: 0.1 / (nb*h[len(h)-1] + gamma)},
		Run:       susc.Run{Chains: 4, Draws: 100, BurnIn: 1000, Thin: 100, Seed: 1},
	}
	steps := float64(len(s.Checkpoints) * 4 * 11000)
	for _, w := range []struct {
		name    string
		workers int
	}{{"workers=all", 0}, {"workers=1", 1}} {
		b.Run(w.name, func(b *testing.B) {
			spec.Workers = w.workers
			for b.Loop() {
				if _, err := trajectory.Sample(context.Background(), m, s, spec); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(sec, "s/trajectory")
			b.ReportMetric(steps/sec, "steps/s")
		})
	}
}
