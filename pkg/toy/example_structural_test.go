// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"fmt"
	"math/rand/v2"

	"susclab/pkg/toy"
)

// A toy model of superposition with six features in two dimensions: train
// it, then build what a structural susceptibility matrix needs (component
// masks and per-pattern probe datasets) and a patterned dataset.
func ExampleTMS() {
	rng := rand.New(rand.NewPCG(1, 7))
	cfg := toy.NewTMSConfig(6, 2, 0.9, 0.1) // importance 0.9^k, sparsity 0.9
	x, _ := toy.GenerateTMS(rng, 5000, cfg, nil)
	m := toy.NewTMS(cfg, x)
	w, loss := toy.Train(m, m.Init(rng), toy.TrainConfig{Method: toy.Adam, Steps: 10000, LR: 0.01, BatchSize: 256, Seed: 1})

	represented := 0
	for _, v := range m.FeatureNorms(nil, w) {
		if v > 0.5 {
			represented++
		}
	}
	fmt.Printf("loss %.2f, %d of 6 features represented in 2 dimensions\n", loss, represented)

	// Columns of the susceptibility matrix: components (masks for restricted chains).
	masks := [][]bool{m.FeatureMask(0), m.FeatureMask(5), m.HiddenMask(0)}
	fmt.Println("component sizes:", maskSize(masks[0]), maskSize(masks[1]), maskSize(masks[2]))
	// Rows: data patterns (probe datasets for ΔL_k = L_k - L).
	probes := m.Probes(rng, 500)
	fmt.Println("probes:", len(probes))
	// Patterning: mix 20% of pattern 5 into the base distribution (then
	// NewTMS and Train on it as above).
	xh, _ := toy.GenerateTMS(rng, 5000, cfg, toy.PatternWeights(6, 5, 0.2))
	fmt.Println("patterned dataset:", xh.RawMatrix().Rows, "samples")
	// Output:
	// loss 0.04, 5 of 6 features represented in 2 dimensions
	// component sizes: 3 3 6
	// probes: 6
	// patterned dataset: 5000 samples
}

func maskSize(mask []bool) int {
	n := 0
	for _, b := range mask {
		if b {
			n++
		}
	}
	return n
}
