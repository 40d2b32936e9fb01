package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
	"math"
	"strconv"

	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

func main() {
	s, err := checkpoint.ReadFile("pkg/lm/testdata/planted.ckpt")
	if err != nil { panic(err) }
	cfg, _ := lm.ParseSeriesConfig(s)
	c, _ := s.Last()
	_, pc, _ := lm.PlantedDefaults()
	pc.Context = cfg.Model.Context
	rng := rand.New(rand.NewPCG(11, 12))
	tok, _, _ := lm.Planted(rng, pc, 512)
	train := lm.New(cfg.Model, cfg.VocabSize, tok)
	ptok, ind, _ := lm.Planted(rng, pc, 8)
	probe := lm.New(cfg.Model, cfg.VocabSize, ptok)
	eps, _ := strconv.ParseFloat(os.Args[1], 64)
	nb, _ := strconv.ParseFloat(os.Args[2], 64)
	gamma, _ := strconv.ParseFloat(os.Args[3], 64)
	draws, _ := strconv.Atoi(os.Args[4])
	thin, _ := strconv.Atoi(os.Args[5])
	fmt.Println("train tokens", train.NumData(), "probe", probe.NumData(), "dim", train.Dim(), "L(w*)", train.LossGrad(nil, c.Params, nil))
	burn, _ := strconv.Atoi(os.Args[6])
	run := susc.Run{Chains: 4, Draws: draws, BurnIn: burn, Thin: thin, BatchSize: 8 * 32, Seed: 1, LossSubset: lm.EvalBatch(train, 16)}
	heads := spectro.Heads(train)
	comps := heads
	st := &spectro.Setup{Train: train, Probe: probe, Center: c.Params, NBeta: nb, Gamma: gamma, Kernel: susc.SGLD{Epsilon: eps}, Run: run, Components: comps}
	in := make([]bool, len(ind))
	for i, b := range ind { in[i] = b }
	for _, ctl := range []bool{false, true} {
		t0 := time.Now()
		var m *structure.Matrix
		var err error
		if ctl { m, err = st.Control(context.Background()) } else { m, err = st.Sample(context.Background()) }
		fmt.Println("control", ctl, time.Since(t0), err)
		z := structure.Standardize(nil, m.Chi, false)
		zc := structure.Standardize(nil, m.Chi, true)
		for cI, name := range m.Components {
			sep := spectro.Separation(z, cI, in)
			sepc := spectro.Separation(zc, cI, in)
			raw := spectro.Separation(m.Chi, cI, in)
			var mse float64
			for i := range in { mse += m.SE.At(i, cI) }
			fmt.Printf("  %s: z-score sep %.3f ± %.3f (%.1f SE); row-centred %.3f ± %.3f (%.1f SE); raw %.3g ± %.2g; mean entry SE %.2g, column sd %.2g\n", name, sep.Value, sep.SE, sep.Value/sep.SE, sepc.Value, sepc.SE, sepc.Value/sepc.SE, raw.Value, raw.SE, mse/float64(len(in)), colsd(m, cI))
		}
	}
}

func colsd(m *structure.Matrix, c int) float64 {
	r, _ := m.Chi.Dims()
	var s, ss float64
	for i := range r { v := m.Chi.At(i, c); s += v; ss += v * v }
	mu := s / float64(r)
	return sqrt(ss/float64(r) - mu*mu)
}

func sqrt(x float64) float64 { return math.Sqrt(x) }
