// Copyright ©2026 The susclab Authors.

// Command lmtrain trains the transformer of package lm with Adam and writes
// its checkpoints (package checkpoint), then reports what the model learned
// about induction.
//
//	go run ./cmd/lmtrain -corpus gosrc -doubled 0.5 -steps 30000 -final pkg/lm/testdata/gosrc.ckpt -curve pkg/lm/testdata/gosrc.curve.json -log 100
//	go run ./cmd/lmtrain -corpus planted -final pkg/lm/testdata/planted.ckpt -curve pkg/lm/testdata/planted.curve.json -log 50
//	go run ./cmd/lmtrain -eval pkg/lm/testdata/gosrc.ckpt
//
// -corpus gosrc trains the default model (T = 64, d = 64, H = 4, L = 2) on
// the embedded Go-source corpus (lm.GoSplit: all windows but 8 held-out
// probe windows); defaults 20,000 steps of 8 windows, LR 3e-3 after 200
// warm-up steps with cosine decay, a checkpoint every 5,000 steps (about
// 14 minutes on one core of a busy 2-core machine). -doubled f makes a
// fraction f of the training windows doubled (lm.GoSplitDoubled): with
// none the model forms no induction head; the shipped one (first command)
// has half its windows doubled and forms one. -corpus planted trains
// with lm.PlantedDefaults on fresh planted windows (about 20 s). Flags
// override each setting. -out writes every checkpoint, -final only the
// last. -eval reports on a checkpoint file instead of training. -mix
// w1,w2,w3 trains on Steps×batch windows drawn from the code, comment and
// doubled training windows with those weights (lm.GoKindPools,
// lm.MixWindows: the data kinds of a reweighting; recorded in the
// checkpoint, so lm.GoSplitOf re-draws them), and -formation prints the
// induction test on the repeated probe windows at every checkpoint:
//
//	go run ./cmd/lmtrain -doubled 0.6 -mix 0.2,0.2,0.6 -steps 3000 -schedule constant -every 100 -formation
//
// The report gives, on the probe windows, the loss on induction-labelled
// tokens with each head ablated and each head's attention scores
// (lm.HeadScores), then lm.RepeatScores: the loss and the attention of
// each head on 64 windows of random tokens repeated once (the standard
// induction-head test) and, on Go source, on the probe windows with their
// first halves repeated.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
)

func main() {
	corpus := flag.String("corpus", "gosrc", "gosrc or planted")
	steps := flag.Int("steps", 0, "Adam steps (0: the corpus default)")
	every := flag.Int("every", 0, "checkpoint interval (0: the corpus default)")
	lr := flag.Float64("lr", 0, "peak learning rate (0: the corpus default)")
	warmup := flag.Int("warmup", 0, "warm-up steps (0: the corpus default)")
	schedule := flag.String("schedule", "", "constant or cosine (empty: the corpus default)")
	batch := flag.Int("batch", 0, "windows per minibatch (0: the corpus default)")
	seed := flag.Uint64("seed", 1, "seed of initialization and minibatches")
	d := flag.Int("d", 0, "d_model (0: default)")
	T := flag.Int("T", 0, "context (0: default)")
	heads := flag.Int("heads", 0, "heads per layer (0: default)")
	layers := flag.Int("layers", 0, "layers (0: default)")
	mlp := flag.Int("mlp", 0, "hidden width of an MLP block in every layer (0: attention only)")
	layerNorm := flag.Bool("layernorm", false, "layer norms before each block and the unembedding")
	out := flag.String("out", "", "checkpoint file to write, every checkpoint (empty: none)")
	final := flag.String("final", "", "checkpoint file to write with the last checkpoint only (empty: none)")
	logEvery := flag.Int("log", 100, "print the minibatch loss every this many steps")
	curveFile := flag.String("curve", "", "JSON file for the training curve (lm.Curve: mean minibatch loss per -log steps, checkpoint losses)")
	eval := flag.String("eval", "", "instead of training, report on this checkpoint file (its model config); with -final, copy that checkpoint alone there")
	evalStep := flag.Int("step", -1, "with -eval: the checkpoint's step (-1: the last)")
	doubled := flag.Float64("doubled", 0, "gosrc: the fraction of training windows that are doubled (lm.GoSplitDoubled; 0: none)")
	mix := flag.String("mix", "", "gosrc: train on Steps×batch windows drawn from the code, comment and doubled windows with these comma-separated weights (lm.MixWindows; needs -doubled for doubled windows)")
	formation := flag.Bool("formation", false, "gosrc: after training, print at every checkpoint the loss on the repeated probe windows (repeat / first copy) and the largest attention on the induction target")
	flag.Parse()

	if !(*doubled >= 0 && *doubled <= lm.MaxDoubled) || *doubled > 0 && *corpus != "gosrc" {
		fmt.Fprintf(os.Stderr, "lmtrain: -doubled must be in [0, %v], with -corpus gosrc\n", lm.MaxDoubled)
		os.Exit(2)
	}
	if (*mix != "" || *formation) && (*corpus != "gosrc" || *eval != "") {
		fmt.Fprintln(os.Stderr, "lmtrain: -mix and -formation train on -corpus gosrc (and do not go with -eval)")
		os.Exit(2)
	}
	var (
		train, probe *lm.Model
		labels       []lm.Label // of probe
		pool         []int      // tokens for RepeatScores
		heldOut      bool       // repeat the probe windows too (real text)
		scoreWins    []int      // windows for the attention scores
		cfg          lm.Config
		pc           lm.PlantedConfig
		tc           lm.TrainConfig
	)
	rng := rand.New(rand.NewPCG(*seed, 7))
	switch *corpus {
	case "gosrc":
		cfg = lm.Config{}
		tc = lm.TrainConfig{Steps: 20000, Every: 5000, LR: 3e-3, Warmup: 200, Cosine: true, BatchWindows: 8, Data: "gosrc: lm.GoSplit training windows"}
	case "planted":
		cfg, pc, tc = lm.PlantedDefaults()
		tc.Every = 1000
		tc.Data = "planted: lm.PlantedDefaults"
	default:
		fmt.Fprintln(os.Stderr, "lmtrain: -corpus must be gosrc or planted")
		os.Exit(2)
	}
	for _, f := range []struct {
		v   int
		dst *int
	}{{*d, &cfg.DModel}, {*T, &cfg.Context}, {*heads, &cfg.Heads}, {*layers, &cfg.Layers}, {*mlp, &cfg.MLP}, {*batch, &tc.BatchWindows},
		{*steps, &tc.Steps}, {*every, &tc.Every}, {*warmup, &tc.Warmup}} {
		if f.v != 0 {
			*f.dst = f.v
		}
	}
	if *lr != 0 {
		tc.LR = *lr
	}
	if *layerNorm {
		cfg.LayerNorm = true
	}
	var loaded []float64
	if *eval != "" {
		s, err := checkpoint.ReadFile(*eval)
		if err == nil {
			var sc lm.SeriesConfig
			if sc, err = lm.ParseSeriesConfig(s); err == nil {
				cfg = sc.Model
				err = evalSplit(sc, *corpus, doubled, seed)
			}
			if err == nil {
				c, ok := s.Last()
				if *evalStep >= 0 {
					c, ok = s.Find(*evalStep)
				}
				if !ok {
					err = fmt.Errorf("no checkpoint at step %d", *evalStep)
				} else {
					loaded = c.Params
					fmt.Printf("%s: step %d, training loss %.4f\n", *eval, c.Step, c.Loss)
					if *final != "" { // keep only this checkpoint
						thin := &checkpoint.Series{Name: s.Name, Config: s.Config, Dim: s.Dim}
						thin.Add(c.Step, c.Loss, c.Params)
						err = checkpoint.WriteFile(*final, thin)
					}
				}
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "lmtrain:", err)
			os.Exit(1)
		}
	}
	cfg = cfg.WithDefaults()
	if *doubled > 0 && cfg.Context%2 != 0 {
		fmt.Fprintln(os.Stderr, "lmtrain: -doubled needs an even context")
		os.Exit(2)
	}
	tc.Seed = *seed
	switch *schedule {
	case "":
	case "constant", "cosine":
		tc.Cosine = *schedule == "cosine"
	default:
		fmt.Fprintln(os.Stderr, "lmtrain: -schedule must be constant or cosine")
		os.Exit(2)
	}

	switch *corpus {
	case "gosrc":
		c := lm.GoCorpus()
		train, probe = lm.GoSplitDoubled(c, cfg, *doubled, *seed) // GoSplit's when 0
		if *doubled > 0 {
			tc.Data, tc.Doubled = "gosrc: lm.GoSplitDoubled training windows", *doubled
		}
		labels = c.Labels(probe, lm.NewBigram(train))
		pool, heldOut = c.Tokens, true
		// Attention scores on 64 evenly spaced training windows as well as
		// the 8 probe windows: more positions, less noise.
		var all []int // the corpus's windows, not the doubled ones
		for _, k := range train.Windows() {
			if k < (len(c.Tokens)-1)/cfg.Context {
				all = append(all, k)
			}
		}
		for j := 0; j < 64; j++ {
			scoreWins = append(scoreWins, all[(2*j+1)*len(all)/128])
		}
		scoreWins = append(scoreWins, probe.Windows()...)
		if *mix != "" {
			weights, err := lm.ParseWeights(*mix, len(lm.GoKindNames()))
			if err == nil && tc.Steps > lm.MaxMixSamples/tc.BatchWindows/cfg.Context {
				err = fmt.Errorf("%d steps of %d windows of %d tokens: more than the %d samples a checkpoint may re-draw (lm.MaxMixSamples)", tc.Steps, tc.BatchWindows, cfg.Context, lm.MaxMixSamples)
			}
			var chosen []int
			if err == nil {
				chosen, _, err = lm.MixWindows(*seed, lm.GoKindPools(c, train), weights, tc.Steps*tc.BatchWindows)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "lmtrain: -mix:", err)
				os.Exit(2)
			}
			// The bigram labels and the attention-score windows above come
			// from the whole training set.
			train, tc.Mix = train.Subset(chosen), &lm.GoMix{Weights: weights, Seed: *seed}
			tc.Data = fmt.Sprintf("gosrc: lm.MixWindows(%v weights %v) of lm.GoKindPools of lm.GoSplitDoubled(%v)", lm.GoKindNames(), weights, *doubled)
		}
	case "planted":
		pc.Context = cfg.Context
		tok, _, _ := lm.Planted(rng, pc, tc.Steps*tc.BatchWindows)
		train = lm.New(cfg, pc.VocabSize(), tok)
		ptok, ind, _ := lm.Planted(rng, pc, 64)
		probe = lm.New(cfg, pc.VocabSize(), ptok)
		for a := 0; a < pc.Alphabet; a++ {
			pool = append(pool, a)
		}
		labels = make([]lm.Label, len(ind))
		for i, b := range ind {
			if b {
				labels[i] = lm.Induction
			}
		}
	}
	fmt.Printf("model %+v, V %d, %d parameters; %d training tokens, %d probe tokens\n", cfg, train.VocabSize(), train.Dim(), train.NumData(), probe.NumData())
	if loaded != nil {
		lm.PrintInductionReport(os.Stdout, probe, loaded, labels, scoreWins)
		repeatReport(probe, loaded, pool, heldOut)
		return
	}
	fmt.Printf("Adam: %d steps of %d windows, lr %g (cosine decay: %v), warm-up %d, seed %d\n", tc.Steps, tc.BatchWindows, tc.LR, tc.Cosine, tc.Warmup, tc.Seed)

	start := time.Now()
	var sum float64
	var cnt int
	curve := lm.Curve{Every: max(*logEvery, 1)}
	tc.Progress = func(p lm.Progress) {
		curve.Add(p)
		if p.Step > 0 {
			sum += p.BatchLoss
			cnt++
		}
		if (*logEvery > 0 && p.Step%*logEvery == 0 && cnt > 0) || p.Checkpoint {
			msg := fmt.Sprintf("step %5d  %6.1fs", p.Step, time.Since(start).Seconds())
			if cnt > 0 {
				msg += fmt.Sprintf("  batch loss %.4f", sum/float64(cnt))
			}
			if p.Checkpoint {
				msg += fmt.Sprintf("  checkpoint, eval loss %.4f", p.EvalLoss)
			}
			fmt.Println(msg)
			sum, cnt = 0, 0
		}
	}
	w, series := lm.Train(train, train.Init(rng), tc)
	fmt.Printf("trained in %.1fs (%.1f ms/step)\n", time.Since(start).Seconds(), 1e3*time.Since(start).Seconds()/float64(tc.Steps))
	if *out != "" {
		if err := checkpoint.WriteFile(*out, series); err != nil {
			fmt.Fprintln(os.Stderr, "lmtrain:", err)
			os.Exit(1)
		}
		st, _ := os.Stat(*out)
		fmt.Printf("wrote %s: %d checkpoints, %d bytes\n", *out, len(series.Checkpoints), st.Size())
	}
	if *curveFile != "" {
		b, err := json.Marshal(&curve)
		if err == nil {
			err = os.WriteFile(*curveFile, b, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "lmtrain:", err)
			os.Exit(1)
		}
	}
	if *final != "" {
		last, _ := series.Last()
		thin := &checkpoint.Series{Name: series.Name, Config: series.Config, Dim: series.Dim}
		thin.Add(last.Step, last.Loss, last.Params)
		if err := checkpoint.WriteFile(*final, thin); err != nil {
			fmt.Fprintln(os.Stderr, "lmtrain:", err)
			os.Exit(1)
		}
		st, _ := os.Stat(*final)
		fmt.Printf("wrote %s: the last checkpoint, %d bytes\n", *final, st.Size())
	}
	lm.PrintInductionReport(os.Stdout, probe, w, labels, scoreWins)
	repeatReport(probe, w, pool, heldOut)
	if *formation {
		formationReport(probe, series)
	}
}

// formationReport prints, at every checkpoint of series, the loss on the
// probe windows with their first halves repeated (repeat / first copy: far
// below 1 once an induction head has formed) and the largest attention of
// any head on the induction target.
func formationReport(probe *lm.Model, series *checkpoint.Series) {
	if T := probe.Config().Context; T%2 != 0 || T < 4 {
		fmt.Printf("no formation report: the context %d is not even and at least 4\n", T)
		return
	}
	halves := probe.FirstHalves()
	fmt.Println("formation: the repeated probe windows at every checkpoint")
	for _, c := range series.Checkpoints {
		_, ind, first, second := probe.RepeatScoresOf(c.Params, halves)
		fmt.Printf("step %6d  repeat %.3f / first copy %.3f = %.3f  largest induction attention %.3f\n", c.Step, second, first, second/first, slices.Max(ind))
	}
}

// evalSplit sets doubled and seed to the split a checkpoint of config sc
// was trained on (lm.GoSplitOf), refusing a -doubled that contradicts it
// and a config that GoSplitOf cannot rebuild.
func evalSplit(sc lm.SeriesConfig, corpus string, doubled *float64, seed *uint64) error {
	if *doubled != 0 && *doubled != sc.Train.Doubled {
		return fmt.Errorf("-doubled %v, but the checkpoint was trained with %v", *doubled, sc.Train.Doubled)
	}
	if corpus != "gosrc" {
		if sc.Train.Doubled != 0 {
			return errors.New("the checkpoint was trained on Go source with doubled windows: use -corpus gosrc")
		}
		return nil
	}
	if _, _, err := lm.GoSplitOf(lm.GoCorpus(), sc); err != nil {
		return err
	}
	*doubled, *seed = sc.Train.Doubled, sc.Train.Seed
	return nil
}

// repeatReport prints lm's RepeatScores on 64 windows of repeated random
// tokens from pool and, if heldOut, on m's own windows with their first
// halves followed by themselves (held-out real text repeated once; the
// training text would not do, since a model trained on doubled windows has
// seen its spans repeated).
func repeatReport(m *lm.Model, w []float64, pool []int, heldOut bool) {
	if T := m.Config().Context; T%2 != 0 || T < 4 {
		fmt.Printf("no repeat report: the context %d is not even and at least 4\n", T)
		return
	}
	show := func(what string, prev, ind []float64, first, second float64) {
		fmt.Printf("%s: loss %.4f nats on the first half, %.4f on the repeat\n", what, first, second)
		fmt.Printf("%-6s %11s %11s\n", "head", "prev-token", "induction")
		H := m.Config().Heads
		for q := range prev {
			fmt.Printf("%-6s %11.3f %11.3f\n", lm.HeadName(q/H, q%H), prev[q], ind[q])
		}
	}
	prev, ind, first, second := m.RepeatScores(w, rand.New(rand.NewPCG(99, 1)), pool, 64)
	show("repeated random tokens (64 windows)", prev, ind, first, second)
	if !heldOut {
		return
	}
	halves := m.FirstHalves()
	prev, ind, first, second = m.RepeatScoresOf(w, halves)
	show(fmt.Sprintf("repeated held-out text (%d probe windows)", len(halves)), prev, ind, first, second)
}
