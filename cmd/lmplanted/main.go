// Copyright ©2026 The susclab Authors.

// Command lmplanted trains the attention-only transformer of package lm on
// the planted induction corpus (lm.Planted) for several seeds and reports,
// on held-out planted windows, the mean loss on planted induction tokens
// against their unigram entropy log A, and the loss on those tokens with
// each head ablated in turn. With -every, it also dates the formation of
// the induction circuit (lm.FormationStep: the step at which the induction
// tokens' held-out loss falls below log(A)/2) and gives its mean and
// standard error over the seeds, the baseline that a data reweighting
// designed to move it is compared with.
//
//	go run ./cmd/lmplanted [-seeds 3] [-steps 3000] [-lr 0.006] [-d 64 -heads 4] ...
//
// The defaults are lm.PlantedDefaults; each flag overrides one setting.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"

	"gonum.org/v1/gonum/stat"

	"susclab/pkg/lm"
)

func main() {
	dc, dp, dt := lm.PlantedDefaults()
	seeds := flag.Int("seeds", 3, "number of seeds (first..first+seeds-1)")
	first := flag.Uint64("first", 1, "first seed")
	steps := flag.Int("steps", dt.Steps, "Adam steps")
	lr := flag.Float64("lr", dt.LR, "peak learning rate")
	warmup := flag.Int("warmup", dt.Warmup, "warm-up steps")
	batch := flag.Int("batch", dt.BatchWindows, "windows per minibatch")
	windows := flag.Int("windows", 0, "training windows (0: steps × batch, fresh data every step)")
	d := flag.Int("d", dc.DModel, "d_model")
	T := flag.Int("T", dc.Context, "context")
	heads := flag.Int("heads", dc.Heads, "heads per layer")
	alpha := flag.Int("A", dp.Alphabet, "alphabet size of the repeats")
	minLen := flag.Int("min", dp.MinLen, "shortest repeat")
	maxLen := flag.Int("max", dp.MaxLen, "longest repeat")
	repeats := flag.Int("repeats", dp.Repeats, "repeats per window")
	filler := flag.Int("F", dp.Filler, "filler alphabet size (0: fillers from the repeats' alphabet)")
	skipP := flag.Float64("skip", dp.Skip, "probability of the skip rule for fillers")
	cosine := flag.Bool("cosine", false, "cosine learning-rate decay after warm-up")
	every := flag.Int("every", 0, "checkpoint every this many steps, printing its loss and dating the induction circuit's formation (0: never)")
	mix := flag.String("mix", "", "train on a mixture of window kinds: weights of repeats,fillers,noise (fillers: no repeats; noise: no repeats, no skip rule), e.g. 0.6,0.2,0.2 (empty: repeats only)")
	flag.Parse()
	if *windows == 0 {
		*windows = *steps * *batch
	}

	cfg := lm.Config{Context: *T, DModel: *d, Heads: *heads, Layers: 2}
	pc := lm.PlantedConfig{Alphabet: *alpha, Context: *T, MinLen: *minLen, MaxLen: *maxLen, Repeats: *repeats, Skip: *skipP, Filler: *filler}
	fmt.Printf("model %+v, planted %+v\ntrain: %d windows, %d steps of %d windows, lr %g, warm-up %d\n",
		cfg, pc, *windows, *steps, *batch, *lr, *warmup)
	kinds, weights := []lm.PlantedConfig{pc}, []float64{1}
	if *mix != "" {
		w, err := lm.ParseWeights(*mix, 3)
		if err != nil {
			fmt.Fprintln(os.Stderr, "lmplanted: -mix:", err)
			os.Exit(2)
		}
		kinds, weights = lm.PlantedKinds(pc), w
		fmt.Printf("mixture of window kinds (repeats, fillers, noise): %v\n", weights)
	}
	var formation []float64
	for seed := *first; seed < *first+uint64(*seeds); seed++ {
		res := lm.TrainPlantedMixture(cfg, kinds, weights, lm.TrainConfig{Steps: *steps, LR: *lr, Warmup: *warmup, BatchWindows: *batch, Seed: seed, Every: *every, Cosine: *cosine,
			Progress: func(p lm.Progress) {
				if p.Checkpoint && *every > 0 {
					fmt.Printf("  step %d: loss %.3f\n", p.Step, p.EvalLoss)
				}
			}}, *windows, seed)
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
		if *every > 0 {
			fmt.Printf("  induction-token loss at steps %v: %.3f; formation (below log(A)/2) at step %.0f\n", res.CurveSteps, res.CurveLoss, res.Formation)
			formation = append(formation, res.Formation)
		}
	}
	if len(formation) > 1 {
		m, sd := stat.MeanStdDev(formation, nil)
		fmt.Printf("formation step over %d seeds: %.0f ± %.0f (SE; sd %.0f; NaN if a seed never formed the circuit)\n", len(formation), m, sd/math.Sqrt(float64(len(formation))), sd)
	}
}
