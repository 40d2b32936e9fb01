// Copyright ©2026 The susclab Authors.

package lm_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"susclab/pkg/lm"
)

// A model on a short text: losses, the gradient of a window-aligned batch,
// per-token losses.
func ExampleNew() {
	text := []byte("the cat sat on the mat; the cat sat on the hat.")
	vocab := lm.NewVocab(text)
	tokens, _ := vocab.Encode(text)
	m := lm.New(lm.Config{Context: 8, DModel: 16, Heads: 2, Layers: 2}, vocab.Size(), tokens)
	fmt.Println("vocabulary:", vocab.Size(), "windows:", m.NumWindows(), "samples:", m.NumData(), "parameters:", m.Dim())

	w := m.Init(rand.New(rand.NewPCG(1, 2)))
	grad := make([]float64, m.Dim())
	window1 := []int{8, 9, 10, 11, 12, 13, 14, 15} // the samples of window 1
	fmt.Printf("mean loss of window 1: %.3f nats (log V = %.3f)\n", m.LossGrad(grad, w, window1), math.Log(float64(vocab.Size())))

	losses := make([]float64, 3)
	m.PointLosses(losses, w, []int{0, 1, 2})
	k, p := m.Sample(2)
	fmt.Printf("sample 2 is position %d of window %d, predicting %q: loss %.3f\n", p, k, vocab.Byte(m.Target(2)), losses[2])
	// Output:
	// vocabulary: 12 windows: 5 samples: 40 parameters: 2560
	// mean loss of window 1: 3.122 nats (log V = 2.485)
	// sample 2 is position 2 of window 0, predicting ' ': loss 2.685
}

// Train on the planted corpus with checkpoints; the series can be written
// with package checkpoint.
func ExampleTrain() {
	rng := rand.New(rand.NewPCG(1, 1))
	pc := lm.PlantedConfig{Alphabet: 8, Filler: 4, Context: 16, MinLen: 3, MaxLen: 5, Repeats: 2, Skip: 0.8}
	tokens, _, _ := lm.Planted(rng, pc, 100)
	m := lm.New(lm.Config{Context: 16, DModel: 16, Heads: 2, Layers: 2}, pc.VocabSize(), tokens)
	w, series := lm.Train(m, m.Init(rng), lm.TrainConfig{Steps: 200, LR: 0.01, BatchWindows: 4, Every: 100, Seed: 1})
	for _, c := range series.Checkpoints {
		fmt.Printf("step %3d: loss %.2f\n", c.Step, c.Loss)
	}
	fmt.Println(len(w) == series.Dim)
	// Output:
	// step   0: loss 2.76
	// step 100: loss 2.08
	// step 200: loss 1.81
	// true
}

// The Go-source corpus: the training and probe models, the two probe
// distributions and token labels.
func ExampleGoCorpus() {
	c := lm.GoCorpus()
	train, probe := lm.GoSplit(c, lm.Config{})
	fmt.Println("vocabulary:", c.Vocab.Size(), "training tokens:", train.NumData(), "probe tokens:", probe.NumData())
	fmt.Println("probe code:", len(c.KindSamples(probe, false)), "comment:", len(c.KindSamples(probe, true)))

	labels := c.Labels(probe, lm.NewBigram(train))
	for _, l := range []lm.Label{lm.Induction, lm.Keyword, lm.WordStart, lm.Whitespace, lm.PrevToken} {
		fmt.Printf("%s: %d\n", l, len(lm.WithLabel(labels, l)))
	}
	fmt.Printf("sample 100 predicts %q: %v (primary %v)\n", c.Text[lm.TargetOffset(probe, 100)], labels[100], labels[100].Primary())
	// Output:
	// vocabulary: 115 training tokens: 554432 probe tokens: 512
	// probe code: 412 comment: 100
	// induction: 147
	// keyword: 43
	// word-start: 63
	// whitespace: 145
	// prev-token: 47
	// sample 100 predicts 'v': induction+word-cont (primary induction)
}

// Planted induction data: which samples only an induction head predicts.
func ExamplePlanted() {
	rng := rand.New(rand.NewPCG(1, 1))
	pc := lm.PlantedConfig{Alphabet: 10, Filler: 5, Context: 32, MinLen: 4, MaxLen: 6, Repeats: 2, Skip: 0.8}
	tokens, induction, skip := lm.Planted(rng, pc, 1) // tokens 0..9 in repeats, 10..14 fillers
	fmt.Println(tokens)
	var ind []int
	for t, b := range induction {
		if b {
			ind = append(ind, t)
		}
	}
	fmt.Println("planted induction samples:", ind)
	n := 0
	for _, b := range skip {
		if b {
			n++
		}
	}
	fmt.Println("skip tokens:", n)
	// Output:
	// [14 10 1 3 2 2 6 7 10 3 7 9 1 5 3 7 9 1 5 10 14 11 10 12 1 3 2 2 6 7 12 13 11]
	// planted induction samples: [14 15 16 17 24 25 26 27 28]
	// skip tokens: 3
}

// Components for restricted chains, head ablation and attention patterns.
func ExampleModel_Components() {
	rng := rand.New(rand.NewPCG(1, 1))
	m := lm.New(lm.Config{}, 96, make([]int, 2*64+1))
	names, masks := m.Components()
	for k, name := range names {
		n := 0
		for _, b := range masks[k] {
			if b {
				n++
			}
		}
		names[k] = fmt.Sprintf("%s:%d", name, n)
	}
	fmt.Println(strings.Join(names, " "))

	w := m.Init(rng)
	wa := m.AblateHead(nil, w, 1, 2) // l1h2 switched off
	att := m.Attention(nil, wa, m.Window(0)[:64])
	fmt.Println(len(att) == 2*4*64*64)
	// Output:
	// embed:6144 pos:4096 l0h0:4096 l0h1:4096 l0h2:4096 l0h3:4096 l1h0:4096 l1h1:4096 l1h2:4096 l1h3:4096 unembed:6144
	// true
}

// One replica per goroutine (a sampler's chains), and a fixed evaluation
// subset of windows.
func ExampleModel_Replicate() {
	rng := rand.New(rand.NewPCG(1, 1))
	cfg, pc, _ := lm.PlantedDefaults()
	tokens, _, _ := lm.Planted(rng, pc, 40)
	m := lm.New(cfg, pc.VocabSize(), tokens)
	w := m.Init(rng)

	T := m.WindowLen()
	losses := make([]float64, 2)
	done := make(chan bool)
	for c := range losses {
		r := m.Replicate() // own scratch, shared tokens
		go func() {
			batch := make([]int, T) // window 10+c, window-aligned
			for p := range batch {
				batch[p] = (10+c)*T + p
			}
			grad := make([]float64, r.Dim())
			losses[c] = r.LossGrad(grad, w, batch)
			done <- true
		}()
	}
	<-done
	<-done
	eval := m.Subset([]int{10, 11}) // the same two windows as one model
	fmt.Printf("%.4f %.4f\n", (losses[0]+losses[1])/2, eval.LossGrad(nil, w, nil))
	// Output:
	// 4.1582 4.1582
}
