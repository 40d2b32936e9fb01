// Copyright ©2026 The susclab Authors.

// Command lmspectro runs the per-token susceptibility experiment of package
// spectro (spectro.New) on a trained transformer: a posterior conditioned
// on the training data, the held-out probe tokens with their pattern
// labels, one restricted chain per attention head plus the full chain, at
// nβ and at nβ = 0 (the control). It prints, for every head, how its
// standardized column separates the induction-labelled tokens from the
// others (plain and with rows centred), next to the head's ablation cost
// on those tokens, and writes the whole record (spectro.Experiment) as
// JSON.
//
// The shipped records of notebook 07 are regenerated, with the pure-Go
// engine (bit-identical on a machine where fpbits.Reproducible holds), by
//
//	go run ./cmd/lmspectro -out pkg/spectro/testdata/planted.json
//	go run ./cmd/lmspectro -corpus gosrc -out pkg/spectro/testdata/gosrc.json
//	go run ./cmd/lmspectro -corpus gosrc -repeated-probe -out pkg/spectro/testdata/gosrc_repeated.json
//
// (the first a few minutes on 2 cores; the second, the whole analysis of
// the shipped Go-source model, 18 runs of 6,000 steps, 23 minutes on 2
// cores, and 17 minutes with OPENBLAS_NUM_THREADS=1 go run -tags
// openblas on cores shared with a training run, whose bits differ (on the
// model trained on Go source alone, 355 s on 2 idle cores, of which the
// nβ = 0 control, whose chains take no minibatch gradient, 53 s). Before
// that skip the control cost about as
// much as the sampled runs; the pure-Go record after it is byte-identical
// to the shipped one. The third, the same chains with the probe windows'
// first halves repeated and their repeats labelled induction, took 32
// minutes on 2 busy cores.)
//
// -crn K measures what common random numbers (the restricted and full
// chains sharing their minibatches, spectro.Options.CRN, -share-batches)
// do to the estimator's error at equal cost: it samples the first -heads
// columns (all by default) with K seeds, with and without CRN, and prints
// the spread of each entry over the seeds (the actual error) next to the
// reported standard error.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"gonum.org/v1/gonum/stat"

	"susclab/internal/seeds"
	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

func main() {
	var o spectro.Options
	flag.StringVar(&o.Corpus, "corpus", spectro.CorpusPlanted, "planted or gosrc")
	ckpt := flag.String("ckpt", "", "trained model (empty: pkg/lm/testdata/<corpus>.ckpt)")
	flag.Float64Var(&o.Epsilon, "eps", 0, "SGLD step ε (0: the corpus default)")
	flag.Float64Var(&o.NBeta, "nbeta", 0, "nβ (0: the corpus default)")
	flag.Float64Var(&o.Gamma, "gamma", 0, "γ (0: the corpus default)")
	flag.IntVar(&o.Chains, "chains", 0, "chains per run (0: 4)")
	flag.IntVar(&o.Draws, "draws", 0, "draws per chain (0: the corpus default)")
	flag.IntVar(&o.Thin, "thin", 0, "steps between draws (0: 5)")
	flag.IntVar(&o.BurnIn, "burnin", 0, "burn-in steps (0: the corpus default)")
	flag.IntVar(&o.Windows, "windows", 0, "windows the posterior is conditioned on (0: the corpus default)")
	flag.IntVar(&o.ProbeWindows, "probe", 0, "held-out probe windows (0: the corpus default)")
	flag.BoolVar(&o.RepeatedProbe, "repeated-probe", false, "gosrc: probe windows' first halves followed by themselves, the repeats labelled induction")
	flag.BoolVar(&o.CRN, "share-batches", false, "common random numbers: restricted and full chains share minibatches")
	flag.Uint64Var(&o.Seed, "seed", 0, "seed of the data and the chains (0: 1)")
	heads := flag.Int("heads", 0, "sample only the first this many heads (0: all)")
	crn := flag.Int("crn", 0, "instead of the experiment, compare CRN with independent batches over this many seeds")
	out := flag.String("out", "", "JSON file for the record (spectro.Experiment)")
	flag.Parse()

	if *ckpt == "" {
		*ckpt = "pkg/lm/testdata/" + o.Corpus + ".ckpt"
	}
	s, err := checkpoint.ReadFile(*ckpt)
	if err != nil {
		fail(err)
	}
	o = o.WithDefaults()
	setup, labels, err := spectro.New(s, o)
	if err != nil {
		fail(err)
	}
	all := spectro.Heads(setup.Train)
	if *heads <= 0 || *heads > len(all) {
		*heads = len(all)
	}
	setup.Components = all[:*heads]
	induction := lm.WithLabel(labels, lm.Induction)
	fmt.Printf("engine %s; %d parameters; posterior on %d tokens, nβ %.0f; %d probe tokens, %d induction-labelled\n",
		lm.Engine, setup.Train.Dim(), setup.Train.NumData(), setup.NBeta, setup.Probe.NumData(), len(induction))
	if *crn > 0 {
		compareCRN(s, o, *heads, *crn)
		return
	}
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
	ind := spectro.Flags(labels, lm.Induction)
	rec := spectro.Experiment{Options: o, Engine: lm.Engine, InductionLoss: intact,
		Heads: spectro.Summarize(sampled, control, ind, ablated), Sampled: sampled, Control: control}
	fmt.Printf("induction-token loss %.3f nats; per head: separation of the induction tokens (column z-scores; rows also centred), sampled and control, and the loss with the head ablated\n", intact)
	z := func(e susc.Estimate) float64 { return e.Value / e.SE }
	for _, h := range rec.Heads {
		fmt.Printf("  %s: sampled %+.3f ± %.3f (%+.1f SE), centred %+.1f SE; control %+.1f SE, centred %+.1f SE; ablated loss %.3f\n",
			h.Head, h.Separation.Value, h.Separation.SE, z(h.Separation), z(h.Centred), z(h.Control), z(h.ControlCentred), h.Ablated)
	}
	if o.Corpus == spectro.CorpusGoSource {
		so := o
		so.Chains, so.Draws = 2, min(40, o.Draws) // two chains: standard errors
		ss, _, err := spectro.New(s, so)
		if err != nil {
			fail(err)
		}
		ss.Components = spectro.Heads(ss.Train)[:1]
		if rec.Slice, err = ss.Sample(ctx); err != nil {
			fail(err)
		}
		rec.SliceOptions = &so
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

// compareCRN samples the first `heads` columns with k seeds, with and
// without common random numbers, and prints, per column, the RMS over
// entries of the spread over seeds (the actual error of one run) and of
// the reported standard error.
func compareCRN(s *checkpoint.Series, o spectro.Options, heads, k int) {
	for _, on := range []bool{false, true} {
		var runs []*structure.Matrix
		t0 := time.Now()
		for seed := range k {
			// The same data and probe tokens (o.Seed) every time; only the
			// chains' seeds change.
			oo := o
			oo.CRN = on
			setup, _, err := spectro.New(s, oo)
			if err != nil {
				fail(err)
			}
			setup.Run.Seed = seeds.Derive(o.Seed, uint64(1000+seed))
			if on {
				setup.Run.BatchSeed = seeds.Derive(setup.Run.Seed, 1) | 1
			}
			setup.Components = spectro.Heads(setup.Train)[:heads]
			m, err := setup.Sample(context.Background())
			if err != nil {
				fail(err)
			}
			runs = append(runs, m)
		}
		r, c := runs[0].Chi.Dims()
		for j := range c {
			var spread, se float64
			x := make([]float64, k)
			for i := range r {
				for q, m := range runs {
					x[q] = m.Chi.At(i, j)
					se += m.SE.At(i, j) * m.SE.At(i, j) / float64(k*r)
				}
				spread += stat.Variance(x, nil) / float64(r)
			}
			fmt.Printf("CRN %-5v %s: RMS spread over %d seeds %.4g, RMS reported SE %.4g (%.0f s)\n",
				on, runs[0].Components[j], k, math.Sqrt(spread), math.Sqrt(se), time.Since(t0).Seconds())
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "lmspectro:", err)
	os.Exit(1)
}
