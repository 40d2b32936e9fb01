// Copyright ©2026 The susclab Authors.

// Command lmspectro runs the per-token susceptibility experiment of package
// spectro on the planted induction corpus: the trained model of
// pkg/lm/testdata/planted.ckpt, a posterior conditioned on fresh planted
// windows, the held-out probe tokens with their planted-induction labels,
// one restricted chain per attention head plus the full chain, at nβ and
// at nβ = 0 (the control), and prints for every head how its standardized
// column separates the induction tokens from the others (spectro.Separation,
// plain and with rows centred), next to each head's ablation cost on the
// induction tokens (the ground truth).
//
//	go run ./cmd/lmspectro -eps 1e-4 -nbeta 1000 -gamma 100 -draws 300 -thin 5 -burnin 300
//	OPENBLAS_NUM_THREADS=1 go run -tags openblas ./cmd/lmspectro ...   # the faster engine
//
// -out writes both matrices and the summary as JSON.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// headResult is one head's line of the summary.
type headResult struct {
	Head                  string
	Separation, Centred   susc.Estimate // standardized column; rows also centred
	ControlSep, ControlCt susc.Estimate
	AblatedLoss           float64 // mean induction-token loss with the head ablated
}

type output struct {
	Settings      map[string]float64
	Engine        string
	InductionLoss float64
	Heads         []headResult
	Sampled       *structure.Matrix
	Control       *structure.Matrix
}

func main() {
	ckpt := flag.String("ckpt", "pkg/lm/testdata/planted.ckpt", "trained planted model")
	eps := flag.Float64("eps", 1e-4, "SGLD step ε")
	nbeta := flag.Float64("nbeta", 1000, "nβ")
	gamma := flag.Float64("gamma", 100, "γ")
	chains := flag.Int("chains", 4, "chains per run")
	draws := flag.Int("draws", 300, "draws per chain")
	thin := flag.Int("thin", 5, "steps between draws")
	burn := flag.Int("burnin", 300, "burn-in steps")
	windows := flag.Int("windows", 512, "planted windows the posterior is conditioned on")
	probeWin := flag.Int("probe", 8, "held-out probe windows")
	seed := flag.Uint64("seed", 1, "seed of the data and the chains")
	out := flag.String("out", "", "JSON file for the matrices and the summary")
	flag.Parse()

	s, err := checkpoint.ReadFile(*ckpt)
	if err != nil {
		fail(err)
	}
	cfg, err := lm.ParseSeriesConfig(s)
	if err != nil {
		fail(err)
	}
	c, _ := s.Last()
	_, pc, _ := lm.PlantedDefaults()
	pc.Context = cfg.Model.Context
	rng := rand.New(rand.NewPCG(*seed, 0x5bec))
	tok, _, _ := lm.Planted(rng, pc, *windows)
	train := lm.New(cfg.Model, cfg.VocabSize, tok)
	ptok, ind, _ := lm.Planted(rng, pc, *probeWin)
	probe := lm.New(cfg.Model, cfg.VocabSize, ptok)
	var induction []int
	for i, b := range ind {
		if b {
			induction = append(induction, i)
		}
	}
	fmt.Printf("engine %s; %d parameters; posterior on %d tokens, L(w*) = %.4f; %d probe tokens, %d planted-induction\n",
		lm.Engine, train.Dim(), train.NumData(), train.LossGrad(nil, c.Params, nil), probe.NumData(), len(induction))

	setup := &spectro.Setup{Train: train, Probe: probe, Center: c.Params, NBeta: *nbeta, Gamma: *gamma,
		Kernel: susc.SGLD{Epsilon: *eps},
		Run: susc.Run{Chains: *chains, Draws: *draws, BurnIn: *burn, Thin: *thin, BatchSize: 8 * train.WindowLen(),
			Seed: *seed, LossSubset: lm.EvalBatch(train, 16)}}
	ctx := context.Background()
	t0 := time.Now()
	sampled, err := setup.Sample(ctx)
	if err != nil {
		fail(err)
	}
	t1 := time.Now()
	control, err := setup.Control(ctx)
	if err != nil {
		fail(err)
	}
	fmt.Printf("sampled in %.0f s, control in %.0f s\n", t1.Sub(t0).Seconds(), time.Since(t1).Seconds())

	ablated, intact := probe.AblationLosses(c.Params, induction)
	res := output{Engine: lm.Engine, InductionLoss: intact, Sampled: sampled, Control: control,
		Settings: map[string]float64{"eps": *eps, "nbeta": *nbeta, "gamma": *gamma, "chains": float64(*chains),
			"draws": float64(*draws), "thin": float64(*thin), "burnin": float64(*burn), "windows": float64(*windows),
			"seed": float64(*seed)}}
	z, zc := structure.Standardize(nil, sampled.Chi, false), structure.Standardize(nil, sampled.Chi, true)
	y, yc := structure.Standardize(nil, control.Chi, false), structure.Standardize(nil, control.Chi, true)
	fmt.Printf("induction-token loss %.3f nats; per head: separation of induction tokens in the standardized column (rows centred), sampled and control, and the loss with the head ablated\n", intact)
	for k, name := range sampled.Components {
		h := headResult{Head: name, Separation: spectro.Separation(z, k, ind), Centred: spectro.Separation(zc, k, ind),
			ControlSep: spectro.Separation(y, k, ind), ControlCt: spectro.Separation(yc, k, ind), AblatedLoss: ablated[k]}
		res.Heads = append(res.Heads, h)
		fmt.Printf("  %s: sampled %+.3f ± %.3f (%+.1f SE), centred %+.3f ± %.3f (%+.1f SE); control %+.1f SE, centred %+.1f SE; ablated loss %.3f\n",
			name, h.Separation.Value, h.Separation.SE, h.Separation.Value/h.Separation.SE,
			h.Centred.Value, h.Centred.SE, h.Centred.Value/h.Centred.SE,
			h.ControlSep.Value/h.ControlSep.SE, h.ControlCt.Value/h.ControlCt.SE, h.AblatedLoss)
	}
	if *out != "" {
		b, err := json.MarshalIndent(res, "", " ")
		if err != nil {
			fail(err)
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "lmspectro:", err)
	os.Exit(1)
}
