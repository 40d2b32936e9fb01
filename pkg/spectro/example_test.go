package spectro_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
)

// Per-token susceptibilities of every attention head of a small model on
// the planted corpus: a tokens × heads matrix, read after standardization.
func ExampleSetup_Sample() {
	cfg := lm.Config{Context: 8, DModel: 8, Heads: 2, Layers: 2}
	pc := lm.PlantedConfig{Alphabet: 6, Filler: 4, Context: 8, MinLen: 2, MaxLen: 3, Repeats: 1, Skip: 0.5}
	rng := rand.New(rand.NewPCG(3, 4))
	tok, _, _ := lm.Planted(rng, pc, 32)
	train := lm.New(cfg, pc.VocabSize(), tok)
	ptok, induction, _ := lm.Planted(rng, pc, 2)
	probe := lm.New(cfg, pc.VocabSize(), ptok)
	s := &spectro.Setup{Train: train, Probe: probe, Center: train.Init(rng), NBeta: 50, Gamma: 100,
		Kernel: susc.SGLD{Epsilon: 1e-3}, Run: susc.Run{Chains: 2, Draws: 50, BurnIn: 20, BatchSize: 16, Seed: 1}}
	m, err := s.Sample(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, cols := m.Chi.Dims()
	fmt.Println(rows, "tokens ×", cols, "heads:", m.Components)
	sep := spectro.Separation(m, true, 3, induction) // column z-scores, rows centred
	fmt.Printf("head %s, planted-induction tokens against the others: %.2f ± %.2f\n", m.Components[3], sep.Value, sep.SE)
	// Output:
	// 16 tokens × 4 heads: [l0h0 l0h1 l1h0 l1h1]
	// head l1h1, planted-induction tokens against the others: 0.07 ± 0.16
}
