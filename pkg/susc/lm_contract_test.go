// Copyright ©2026 The susclab Authors.

package susc_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"susclab/pkg/lm"
	"susclab/pkg/susc"
)

// TestLMContract samples the transformer of package lm (which does not
// import susc) through the general API: it satisfies Model and PointLosser
// structurally, each chain gets its own Replicate, and the result does not
// depend on the number of workers.
func TestLMContract(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	pc := lm.PlantedConfig{Alphabet: 8, Filler: 4, Context: 16, MinLen: 3, MaxLen: 5, Repeats: 2, Skip: 0.8}
	tokens, _, _ := lm.Planted(rng, pc, 12)
	m := lm.New(lm.Config{Context: 16, DModel: 8, Heads: 2, Layers: 2}, pc.VocabSize(), tokens)
	var _ susc.Model = m
	var _ susc.PointLosser = m
	w := m.Init(rng)
	post := susc.Posterior{NBeta: 50, Gamma: 100, Center: w}
	run := func(workers int) *susc.Result {
		res, err := susc.Sample(context.Background(), m, post, susc.SGLD{Epsilon: 1e-5},
			susc.Run{Chains: 3, Draws: 20, BurnIn: 5, Seed: 7, BatchSize: 2 * m.WindowLen(), Workers: workers},
			susc.PointLosses("l", []int{0, 17, 100}))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(1), run(3)
	ma, mb := a.Pooled().Mean, b.Pooled().Mean
	for k := range ma {
		if ma[k] != mb[k] {
			t.Fatalf("coordinate %d: mean %v with 1 worker, %v with 3", k, ma[k], mb[k])
		}
	}
	if len(ma) != 4 { // the loss and 3 point losses
		t.Errorf("%d coordinates", len(ma))
	}
}
