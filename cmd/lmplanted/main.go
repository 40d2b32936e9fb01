// Copyright ©2026 The susclab Authors.

// Command lmplanted trains the attention-only transformer of package lm on
// the planted induction corpus (lm.Planted) for several seeds and reports,
// on held-out planted windows, the mean loss on planted induction tokens
// against their unigram entropy log A, and the loss on those tokens with
// each head ablated in turn.
//
//	go run ./cmd/lmplanted [-seeds 3] [-steps 600] [-lr 0.01] ...
package main

import (
	"flag"
	"fmt"
	"math"
	"os"

	"susclab/pkg/lm"
)

func main() {
	seeds := flag.Int("seeds", 3, "number of seeds (first..first+seeds-1)")
	first := flag.Uint64("first", 1, "first seed")
	steps := flag.Int("steps", 600, "Adam steps")
	lr := flag.Float64("lr", 0.01, "peak learning rate")
	warmup := flag.Int("warmup", 50, "warm-up steps")
	batch := flag.Int("batch", 8, "windows per minibatch")
	windows := flag.Int("windows", 2000, "training windows")
	d := flag.Int("d", 32, "d_model")
	T := flag.Int("T", 32, "context")
	heads := flag.Int("heads", 4, "heads per layer")
	alpha := flag.Int("A", 24, "alphabet size")
	minLen := flag.Int("min", 4, "shortest repeat")
	maxLen := flag.Int("max", 10, "longest repeat")
	repeats := flag.Int("repeats", 2, "repeats per window")
	filler := flag.Int("F", 0, "filler alphabet size (0: fillers from the main alphabet)")
	skipP := flag.Float64("skip", 0, "probability of the skip rule outside repeats")
	cosine := flag.Bool("cosine", false, "cosine learning-rate decay after warm-up")
	every := flag.Int("every", 0, "print the checkpoint loss every this many steps (0: never)")
	flag.Parse()

	cfg := lm.Config{Context: *T, DModel: *d, Heads: *heads, Layers: 2}
	pc := lm.PlantedConfig{Alphabet: *alpha, Context: *T, MinLen: *minLen, MaxLen: *maxLen, Repeats: *repeats, Skip: *skipP, Filler: *filler}
	fmt.Printf("model %+v, planted %+v\ntrain: %d windows, %d steps of %d windows, lr %g, warm-up %d\n",
		cfg, pc, *windows, *steps, *batch, *lr, *warmup)
	for seed := *first; seed < *first+uint64(*seeds); seed++ {
		res, err := lm.TrainPlanted(cfg, pc, lm.TrainConfig{Steps: *steps, LR: *lr, Warmup: *warmup, BatchWindows: *batch, Seed: seed, Every: *every, Cosine: *cosine,
			Progress: func(p lm.Progress) {
				if p.Checkpoint && *every > 0 {
					fmt.Printf("  step %d: loss %.3f\n", p.Step, p.EvalLoss)
				}
			}}, *windows, seed)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("seed %d (%.1fs): induction-token loss %.3f nats (entropy log A = %.3f, ratio %.3f), all tokens %.3f\n",
			seed, res.Seconds, res.InductionLoss, math.Log(float64(*alpha)), res.InductionLoss/math.Log(float64(*alpha)), res.AllLoss)
		fmt.Printf("  ablated induction loss per head:")
		for k, v := range res.Ablated {
			fmt.Printf(" %s %.3f", lm.HeadName(k / *heads, k%*heads), v)
		}
		fmt.Printf("\n  attention on previous token:")
		for k, v := range res.PrevScore {
			fmt.Printf(" %s %.2f", lm.HeadName(k / *heads, k%*heads), v)
		}
		fmt.Printf("\n  attention on induction targets:")
		for k, v := range res.InductScore {
			fmt.Printf(" %s %.2f", lm.HeadName(k / *heads, k%*heads), v)
		}
		fmt.Printf("\n  largest: %s (+%.3f nats), next largest +%.3f\n", lm.HeadName(res.TopHead / *heads, res.TopHead%*heads), res.Ablated[res.TopHead]-res.InductionLoss, res.SecondRise)
	}
}
