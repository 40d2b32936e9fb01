// Copyright ©2026 The susclab Authors.

// Command lmspectro runs the per-token susceptibility experiment of package
// spectro on the planted induction corpus (spectro.Planted): the trained
// model of pkg/lm/testdata/planted.ckpt, a posterior conditioned on fresh
// planted windows, the held-out probe tokens with their planted-induction
// labels, one restricted chain per attention head plus the full chain, at
// nβ and at nβ = 0 (the control). It prints, for every head, how its
// standardized column separates the induction tokens from the others
// (plain and with rows centred), next to the head's ablation cost on those
// tokens (the ground truth), and writes the whole record as JSON.
//
// The shipped record of notebook 07 is regenerated, with the pure-Go engine
// (bit-identical on any amd64 machine), by
//
//	go run ./cmd/lmspectro -out pkg/spectro/testdata/planted.json
//
// (about 5 minutes on 2 cores). OPENBLAS_NUM_THREADS=1 go run -tags
// openblas ./cmd/lmspectro runs it on OpenBLAS, faster, with other bits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
)

func main() {
	ckpt := flag.String("ckpt", "pkg/lm/testdata/planted.ckpt", "trained planted model")
	var o spectro.PlantedOptions
	flag.Float64Var(&o.Epsilon, "eps", 0, "SGLD step ε (0: 1e-4)")
	flag.Float64Var(&o.NBeta, "nbeta", 0, "nβ (0: 1000)")
	flag.Float64Var(&o.Gamma, "gamma", 0, "γ (0: 100)")
	flag.IntVar(&o.Chains, "chains", 0, "chains per run (0: 4)")
	flag.IntVar(&o.Draws, "draws", 0, "draws per chain (0: 300)")
	flag.IntVar(&o.Thin, "thin", 0, "steps between draws (0: 5)")
	flag.IntVar(&o.BurnIn, "burnin", 0, "burn-in steps (0: 300)")
	flag.IntVar(&o.Windows, "windows", 0, "planted windows the posterior is conditioned on (0: 512)")
	flag.IntVar(&o.ProbeWindows, "probe", 0, "held-out probe windows (0: 8)")
	flag.Uint64Var(&o.Seed, "seed", 0, "seed of the data and the chains (0: 1)")
	out := flag.String("out", "", "JSON file for the record (spectro.Experiment)")
	flag.Parse()

	s, err := checkpoint.ReadFile(*ckpt)
	if err != nil {
		fail(err)
	}
	setup, ind, err := spectro.Planted(s, o)
	if err != nil {
		fail(err)
	}
	var induction []int
	for i, b := range ind {
		if b {
			induction = append(induction, i)
		}
	}
	fmt.Printf("engine %s; %d parameters; posterior on %d tokens; %d probe tokens, %d planted-induction\n",
		lm.Engine, setup.Train.Dim(), setup.Train.NumData(), setup.Probe.NumData(), len(induction))
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

	ablated, intact := setup.Probe.AblationLosses(setup.Center, induction)
	rec := spectro.Experiment{Options: o.WithDefaults(), Engine: lm.Engine, InductionLoss: intact,
		Heads: spectro.Summarize(sampled, control, ind, ablated), Sampled: sampled, Control: control}
	fmt.Printf("induction-token loss %.3f nats; per head: separation of the induction tokens (column z-scores; rows also centred), sampled and control, and the loss with the head ablated\n", intact)
	z := func(e susc.Estimate) float64 { return e.Value / e.SE }
	for _, h := range rec.Heads {
		fmt.Printf("  %s: sampled %+.3f ± %.3f (%+.1f SE), centred %+.1f SE; control %+.1f SE, centred %+.1f SE; ablated loss %.3f\n",
			h.Head, h.Separation.Value, h.Separation.SE, z(h.Separation), z(h.Centred), z(h.Control), z(h.ControlCentred), h.Ablated)
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fail(err)
		}
		if err := susc.WriteJSON(f, &rec); err != nil {
			fail(err)
		}
		if err := f.Close(); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "lmspectro:", err)
	os.Exit(1)
}
