// Copyright ©2026 The susclab Authors.

package toy

import (
	"math/rand/v2"
)

// DataLossGrader is a LossGrader with a dataset of NumData samples, so that
// it can be trained on minibatches.
type DataLossGrader interface {
	LossGrader
	// NumData returns the number of samples n.
	NumData() int
}

// TrainConfig configures Train. The zero value of each field means the
// default given in its comment.
type TrainConfig struct {
	Method    Method  // GradientDescent (default: SGD on minibatches) or Adam
	Steps     int     // number of updates; 0 means 1000
	LR        float64 // learning rate; 0 means 0.01 (GradientDescent) or 0.001 (Adam)
	BatchSize int     // minibatch size; 0 (or >= NumData) means full batch
	Seed      uint64  // seeds the minibatch permutation
	Beta1     float64 // Adam first-moment decay; 0 means 0.9
	Beta2     float64 // Adam second-moment decay; 0 means 0.999
	Eps       float64 // Adam denominator offset; 0 means 1e-8
	// WeightDecay adds (WeightDecay/2)||w||² to the loss (0: none).
	WeightDecay float64
}

// Train runs cfg.Steps updates of minibatch SGD or Adam on m from a copy of
// w0 and returns the final parameters and their full-batch loss L_n
// (without the weight-decay term).
//
// Minibatches are consecutive slices of a random permutation of the n
// samples, reshuffled when fewer than BatchSize samples remain (the tail of
// the permutation is skipped), so every sample is seen at most once per
// epoch. The permutation comes from a PCG generator seeded with cfg.Seed:
// the result is a deterministic function of (m, w0, cfg). With BatchSize 0
// the steps are full batch and Train is Minimize without early stopping.
// The update with g = ∇L_B(w) + WeightDecay·w is
//
//	GradientDescent:  w ← w - LR g
//	Adam:             m ← β1 m + (1-β1) g,  v ← β2 v + (1-β2) g²,
//	                  w ← w - LR m̂ / (√v̂ + Eps),  m̂ = m/(1-β1^t), v̂ = v/(1-β2^t).
func Train(m DataLossGrader, w0 []float64, cfg TrainConfig) (w []float64, loss float64) {
	checkLen(w0, m.Dim(), "Train: len(w0) != Dim")
	if cfg.Steps == 0 {
		cfg.Steps = 1000
	}
	if cfg.Steps < 0 || cfg.BatchSize < 0 {
		panic("toy: Train: negative Steps or BatchSize")
	}
	w = append([]float64(nil), w0...)
	train(nil, m, w, cfg, nil)
	return w, m.LossGrad(nil, w, nil)
}

// train runs cfg.Steps updates (cfg.Steps > 0, BatchSize >= 0) on w in
// place. After update s (s = 1..Steps) it calls keep(s, w) if keep is not
// nil. With done not nil it stops early when done is closed, checking every
// 64 steps, and returns the number of updates made.
func train(done <-chan struct{}, m DataLossGrader, w []float64, cfg TrainConfig, keep func(step int, w []float64)) int {
	d, n := m.Dim(), m.NumData()
	var perm []int
	var rng *rand.Rand
	pos := n
	if cfg.BatchSize > 0 && cfg.BatchSize < n {
		rng = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
		perm = make([]int, n)
		for i := range perm {
			perm[i] = i
		}
	}
	u := newUpdater(cfg.Method, cfg.LR, cfg.Beta1, cfg.Beta2, cfg.Eps, d)
	g := make([]float64, d)
	for step := 0; step < cfg.Steps; step++ {
		if done != nil && step%64 == 0 {
			select {
			case <-done:
				return step
			default:
			}
		}
		var batch []int
		if perm != nil {
			if pos+cfg.BatchSize > n {
				rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
				pos = 0
			}
			batch = perm[pos : pos+cfg.BatchSize]
			pos += cfg.BatchSize
		}
		m.LossGrad(g, w, batch)
		if cfg.WeightDecay != 0 {
			for k, v := range w {
				g[k] += cfg.WeightDecay * v
			}
		}
		u.step(w, g)
		if keep != nil {
			keep(step+1, w)
		}
	}
	return cfg.Steps
}
