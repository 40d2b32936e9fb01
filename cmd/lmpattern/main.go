// Copyright ©2026 The susclab Authors.

// Command lmpattern runs the first experiment of patterning in time on the
// planted induction corpus: reweight a mixture of window kinds (repeats,
// fillers, noise; lm.PlantedKinds) to make the induction circuit form
// earlier or later, with the direction designed from susceptibilities at
// an early checkpoint.
//
//  1. Baseline: train on the mixture -mix (seed 1, a checkpoint every 100
//     steps) and date the circuit's formation (lm.FormationStep).
//
//  2. Susceptibilities: at the checkpoint nearest half that step, sample
//     the posterior conditioned on fresh mixture windows, with held-out
//     probe windows of each kind; the structural susceptibility of layer 1
//     (both its heads as one component) to each kind's loss is the mean of
//     the per-token column over that kind's tokens (χ is linear in X), and
//     J = nβ χ is its response to the kind's weight (docs/theory.md §6.5).
//
//  3. Design: dh is J's direction within Σ dh = 0 (the weights stay a
//     distribution), scaled to norm -norm; +dh raises layer 1's
//     structural coordinate ⟨φ⟩, -dh lowers it; the control is the
//     feasible direction of the same norm orthogonal to dh (with three
//     kinds a random one is often near ±dh).
//
//  4. Retrain over the same seed numbers under the baseline, +dh, -dh and
//     the control, and compare the formation steps (mean ± SE over -seeds;
//     shifts with Welch standard errors: the arms are not paired, since
//     the data, and the initialization drawn after them, depend on the
//     weights). Seeds that never form the circuit are counted, not
//     averaged (which biases a slow arm's mean low).
//
//     go run ./cmd/lmpattern [-mix 0.6,0.2,0.2] [-seeds 6] [-norm 0.15]
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/gonum/stat"

	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/susc/structure"
)

func main() {
	mix := flag.String("mix", "0.6,0.2,0.2", "baseline weights of the window kinds repeats,fillers,noise")
	seeds := flag.Int("seeds", 6, "training seeds per condition")
	steps := flag.Int("steps", 4000, "Adam steps")
	norm := flag.Float64("norm", 0.15, "Euclidean norm of dh")
	draws := flag.Int("draws", 200, "draws per chain for the susceptibilities")
	flag.Parse()

	h0 := make([]float64, 3)
	parts := strings.Split(*mix, ",")
	for k := range h0 {
		var err error
		if len(parts) == 3 {
			h0[k], err = strconv.ParseFloat(parts[k], 64)
		}
		if len(parts) != 3 || err != nil || !(h0[k] >= 0) || math.IsInf(h0[k], 0) {
			fmt.Fprintln(os.Stderr, "lmpattern: -mix wants three non-negative weights")
			os.Exit(2)
		}
	}
	cfg, pc, tc := lm.PlantedDefaults()
	pc.Context = cfg.Context
	kinds := lm.PlantedKinds(pc)
	tc.Steps, tc.Every = *steps, 100
	train := func(h []float64, seed uint64) *lm.PlantedResult {
		t := tc
		t.Seed = seed
		return lm.TrainPlantedMixture(cfg, kinds, h, t, t.Steps*t.BatchWindows, seed)
	}

	// 1. Baseline formation and the early checkpoint.
	base := train(h0, 1)
	if math.IsNaN(base.Formation) {
		fmt.Fprintln(os.Stderr, "lmpattern: the baseline never forms the circuit; train longer (-steps)")
		os.Exit(1)
	}
	early := 100 * int(math.Round(base.Formation/200))
	ck, ok := base.Checkpoints.Find(early)
	if !ok {
		fmt.Fprintln(os.Stderr, "lmpattern: no checkpoint at step", early)
		os.Exit(1)
	}
	fmt.Printf("baseline %v: formation at step %.0f; susceptibilities at step %d (induction-token loss %.3f there, log A %.3f)\n",
		h0, base.Formation, early, base.CurveLoss[early/100], math.Log(float64(pc.Alphabet)))

	// 2. Pattern susceptibilities of layer 1 at the early checkpoint.
	rng := rand.New(rand.NewPCG(1, 0xfade))
	tok, _, _, _ := lm.PlantedMixture(rng, kinds, h0, 512)
	trainModel := lm.New(cfg, pc.VocabSize(), tok)
	var probeTok []int
	var kindOf []int // per probe token
	T := cfg.Context
	for k := range kinds {
		pt, _, _ := lm.Planted(rng, kinds[k], 8)
		probeTok = append(probeTok, pt[:8*T]...)
		for range 8 * T {
			kindOf = append(kindOf, k)
		}
	}
	probeTok = append(probeTok, probeTok[0])
	probe := lm.New(cfg, pc.VocabSize(), probeTok)
	names, masks := trainModel.Components()
	layer1 := make([]bool, trainModel.Dim())
	for i, n := range names {
		if strings.HasPrefix(n, "l1h") {
			for j, b := range masks[i] {
				layer1[j] = layer1[j] || b
			}
		}
	}
	setup := &spectro.Setup{Train: trainModel, Probe: probe, Center: ck.Params, NBeta: 1000, Gamma: 100,
		Kernel: susc.SGLD{Epsilon: 1e-4},
		Run: susc.Run{Chains: 4, Draws: *draws, BurnIn: 300, Thin: 5, BatchSize: 8 * T, Seed: 1,
			LossSubset: lm.EvalBatch(trainModel, 16)},
		Components: []structure.Component{{Name: "layer1", Mask: layer1}}}
	m, err := setup.Sample(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "lmpattern:", err)
		os.Exit(1)
	}
	j := make([]float64, 3)
	se := make([]float64, 3)
	for k := range kinds {
		var col []float64
		for i, kk := range kindOf {
			if kk == k {
				col = append(col, m.Chi.At(i, 0))
			}
		}
		mean, sd := stat.MeanStdDev(col, nil)
		j[k], se[k] = setup.NBeta*mean, setup.NBeta*sd/math.Sqrt(float64(len(col)))
	}
	fmt.Printf("J (layer 1, per kind; ± spread over tokens/√tokens, not the Monte Carlo error): repeats %.4g ± %.2g, fillers %.4g ± %.2g, noise %.4g ± %.2g\n",
		j[0], se[0], j[1], se[1], j[2], se[2])

	// 3. Design within Σ dh = 0, and the control.
	mean := (j[0] + j[1] + j[2]) / 3
	dh := make([]float64, 3)
	var n2 float64
	for k := range dh {
		dh[k] = j[k] - mean
		n2 += dh[k] * dh[k]
	}
	if !(n2 > 0) || math.IsInf(n2, 0) {
		fmt.Fprintln(os.Stderr, "lmpattern: J is flat or not finite across kinds:", j)
		os.Exit(1)
	}
	for k := range dh {
		dh[k] *= *norm / math.Sqrt(n2)
	}
	// The control: a random feasible direction with its dh component
	// removed (within Σ = 0 and with three kinds, the direction orthogonal
	// to dh), rescaled to the same norm, sign flipped if that is feasible.
	ctrl, ok := pattern.RandomFeasible(rand.New(rand.NewPCG(2, 0xc7)), dh, h0)
	if ok {
		c := dot(ctrl, dh) / dot(dh, dh)
		var m2 float64
		for k := range ctrl {
			ctrl[k] -= c * dh[k]
			m2 += ctrl[k] * ctrl[k]
		}
		for k := range ctrl {
			ctrl[k] *= *norm / math.Sqrt(m2)
		}
		if slices.Min(add(h0, ctrl, 1)) < 0 {
			ctrl = add(make([]float64, 3), ctrl, -1)
		}
		ok = m2 > 0 && slices.Min(add(h0, ctrl, 1)) >= 0
	}
	if !ok {
		fmt.Fprintln(os.Stderr, "lmpattern: no feasible control direction orthogonal to dh")
		os.Exit(1)
	}
	plus, minus, control := add(h0, dh, 1), add(h0, dh, -1), add(h0, ctrl, 1)
	for _, h := range [][]float64{plus, minus, control} {
		for _, v := range h {
			if v < 0 {
				fmt.Fprintln(os.Stderr, "lmpattern: -norm too large (or a baseline weight is 0): a weight would be negative", h)
				os.Exit(1)
			}
		}
	}
	fmt.Printf("+dh raises layer 1's ⟨φ⟩ (J·dh = %.4g, in the estimator's units): weights %.3f; -dh: %.3f; control (J·dh = %.4g, cosine with dh %.2f): %.3f\n",
		dot(j, dh), plus, minus, dot(j, ctrl), dot(ctrl, dh)/dot(dh, dh), control)

	// 4. Retrain under each condition.
	conds := []struct {
		name string
		h    []float64
	}{{"baseline", h0}, {"+dh", plus}, {"-dh", minus}, {"control", control}}
	form := make([][]float64, len(conds)) // form[c][s-1]: independent of the goroutines' order
	for c := range form {
		form[c] = make([]float64, *seeds)
	}
	var wg sync.WaitGroup
	jobs := make(chan [2]int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for jb := range jobs {
				form[jb[0]][jb[1]-1] = train(conds[jb[0]].h, uint64(jb[1])).Formation
			}
		}()
	}
	for c := range conds {
		for s := 1; s <= *seeds; s++ {
			jobs <- [2]int{c, s}
		}
	}
	close(jobs)
	wg.Wait()
	for c := range form { // a seed that never forms the circuit is reported, not averaged
		var kept []float64
		for _, f := range form[c] {
			if !math.IsNaN(f) {
				kept = append(kept, f)
			}
		}
		if len(kept) < len(form[c]) {
			fmt.Printf("%s: %d of %d seeds never formed the circuit within %d steps\n", conds[c].name, len(form[c])-len(kept), len(form[c]), tc.Steps)
		}
		form[c] = kept
	}
	bm, bsd := stat.MeanStdDev(form[0], nil)
	for c, cd := range conds {
		mm, sd := stat.MeanStdDev(form[c], nil)
		line := fmt.Sprintf("%-8s %.3f: formation %.0f ± %.0f (SE over %d seeds)", cd.name, cd.h, mm, sd/math.Sqrt(float64(len(form[c]))), len(form[c]))
		if c > 0 {
			shift := mm - bm
			sse := math.Sqrt(sd*sd/float64(len(form[c])) + bsd*bsd/float64(len(form[0])))
			line += fmt.Sprintf("; shift %+.0f ± %.0f (%+.1f SE)", shift, sse, shift/sse)
		}
		fmt.Println(line)
	}
}

func add(a, b []float64, s float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + s*b[i]
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
