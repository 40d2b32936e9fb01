package structure_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
	"susclab/pkg/toy"
)

// BenchmarkMatrixTMS records the time of a whole structural
// susceptibility matrix of a toy model of superposition with 6 features and
// 2 hidden dimensions (n = 1,000): the full chain plus 8 restricted chains
// (6 feature columns, 2 hidden rows), 4 chains × 500 draws each, every
// 10th SGLD step with minibatches of 100, against the 6 probe patterns.
// One op is one whole matrix.
func BenchmarkMatrixTMS(b *testing.B) {
	cfg := toy.NewTMSConfig(6, 2, 0.9, 0.1)
	x, _ := toy.GenerateTMS(rand.New(rand.NewPCG(1, 1)), 1000, cfg, nil)
	m := toy.NewTMS(cfg, x)
	w, _ := toy.Train(m, m.Init(rand.New(rand.NewPCG(2, 2))), toy.TrainConfig{Method: toy.Adam, Steps: 5000, LR: 0.01, BatchSize: 100, Seed: 3})
	var probes []susc.Model
	for _, p := range m.Probes(rand.New(rand.NewPCG(4, 4)), 200) {
		probes = append(probes, p)
	}
	comps := structure.Components(m.Components())
	post := susc.Posterior{NBeta: susc.NOverLogN(1000), Gamma: 100, Center: w}
	run := susc.Run{Chains: 4, Draws: 500, BurnIn: 500, Thin: 10, BatchSize: 100, Seed: 5}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s, err := structure.Sample(context.Background(), m, post, susc.SGLD{Epsilon: 3e-4}, run, comps, susc.LossDeltas("dL", probes...))
		if err != nil {
			b.Fatal(err)
		}
		if r, c := s.Chi.Dims(); r != 6 || c != 8 {
			b.Fatalf("matrix is %d×%d", r, c)
		}
	}
}
