// Copyright ©2026 The susclab Authors.

package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"susclab/pkg/attrib"
	"susclab/pkg/checkpoint"
	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// Regression is the small-data experiment of the LDS: a one-hidden-layer
// tanh MLP (toy.MLP) fitted to N noisy samples of a random teacher MLP with
// two inputs and one output, its attributions evaluated on the losses of
// Queries test samples of the same teacher.
//
// Training is full-batch gradient descent at rate LR for Steps steps from
// the student's random initialization, with a checkpoint every Every steps
// (for TracIn). The ground truth is warm-started retraining
// (docs/theory.md §4.4): from the trained weights, RetrainSteps more full-batch gradient
// descent steps at the same rate on the kept samples, minus the same on all
// samples; deterministic, so one seed. The LDS uses Subsets random subsets
// keeping Frac of the samples.
type Regression struct {
	N, Queries            int
	Hidden, TeacherHidden int
	Noise                 float64 // standard deviation of the targets' noise
	Seed                  uint64
	LR                    float64
	Steps, Every          int
	RetrainSteps, Subsets int
	Frac                  float64
}

// DefaultRegression is the notebook's experiment: 40 samples, 40 test
// queries, a student of 6 hidden units (25 parameters) trained for 20,000
// steps at rate 0.05, a ground truth of 1,000 more steps on each of 40
// leave-one-out and 100 half-size subsets.
func DefaultRegression() Regression {
	return Regression{N: 40, Queries: 40, Hidden: 6, TeacherHidden: 4, Noise: 0.3, Seed: 1,
		LR: 0.05, Steps: 20000, Every: 200, RetrainSteps: 1000, Subsets: 100, Frac: 0.5}
}

func (p Regression) validate() error {
	if p.N < 4 || p.Queries < 2 || p.Hidden < 1 || p.TeacherHidden < 1 || !(p.Noise >= 0) ||
		!(p.LR > 0) || p.Steps < 1 || p.Every < 1 || p.Steps%p.Every != 0 || p.RetrainSteps < 1 || p.Subsets < 3 ||
		!(p.Frac > 0 && p.Frac < 1) {
		return fmt.Errorf("experiment: invalid Regression %+v", p)
	}
	return nil
}

// Data returns the training and the test set and the student's initial
// weights: the teacher, the training set and the initialization from the
// PCG generator (Seed, 2), the test set from (Seed, 3).
func (p Regression) Data() (train, test *toy.MLP, w0 []float64, err error) {
	if err := p.validate(); err != nil {
		return nil, nil, nil, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, 2))
	teacher := toy.NewMLPTeacher(rng, 2, p.TeacherHidden, 1, 2, p.Noise)
	x, y, _ := toy.GenerateMLP(rng, p.N, teacher, nil)
	train = toy.NewMLP(p.Hidden, x, y)
	w0 = train.Init(rng)
	// The test set from a stream of its own: its size changes nothing else.
	xt, yt, _ := toy.GenerateMLP(rand.New(rand.NewPCG(p.Seed, 3)), p.Queries, teacher, nil)
	return train, toy.NewMLP(p.Hidden, xt, yt), w0, nil
}

// Train returns the trained weights and the checkpoints of training.
func (p Regression) Train() (w []float64, s *checkpoint.Series, err error) {
	m, _, w0, err := p.Data()
	if err != nil {
		return nil, nil, err
	}
	w, s = gradientDescent(m, w0, p.LR, p.Steps, p.Every, 0)
	return w, s, nil
}

// gradientDescent trains m from w0 by steps steps of toy.Train at rate lr
// (full batch if batch is 0, else minibatches of that size), one toy.Train
// call per segment of every steps, and keeps a checkpoint at step 0 and at
// the end of every segment. Segment k's minibatch order is seeded with k.
// The series' Config records lr, steps, every and batch.
func gradientDescent(m toy.DataLossGrader, w0 []float64, lr float64, steps, every, batch int) ([]float64, *checkpoint.Series) {
	cfg := fmt.Sprintf(`{"lr":%v,"steps":%d,"every":%d,"batch":%d}`, lr, steps, every, batch)
	s := &checkpoint.Series{Name: "experiment", Config: json.RawMessage(cfg), Dim: m.Dim()}
	w := append([]float64(nil), w0...)
	s.Add(0, m.LossGrad(nil, w, nil), w)
	for k := every; k <= steps; k += every {
		var loss float64
		w, loss = toy.Train(m, w, toy.TrainConfig{Steps: every, LR: lr, BatchSize: batch, Seed: uint64(k)})
		s.Add(k, loss, w)
	}
	return w, s
}

// Truth returns the leave-one-out and the subset ground truths at the
// trained weights w, retraining in parallel (progress as in attrib.Retrain).
func (p Regression) Truth(ctx context.Context, w []float64, progress func(done, total int)) (loo, subsets *attrib.Truth, err error) {
	m, test, _, err := p.Data()
	if err != nil {
		return nil, nil, err
	}
	sets, err := attrib.RandomSubsets(p.N, p.Frac, p.Subsets, p.Seed)
	if err != nil {
		return nil, nil, err
	}
	removed := append(attrib.LeaveOneOut(p.N), sets...)
	r := attrib.Retrain{Train: toy.TrainConfig{Steps: p.RetrainSteps, LR: p.LR}, W0: w, Progress: progress}
	t, err := r.Run(ctx, m, attrib.Query{Model: test}, removed)
	if err != nil {
		return nil, nil, err
	}
	return t.Slice(0, p.N), t.Slice(p.N, len(removed)), nil
}

// Sampler is the schedule of the BIF's SGLD chains in units of the
// posterior's relaxation time (package doc): step ε = C/k_max, burn-in
// BurnIn·τ, thinning Thin·τ, Chains chains of Draws draws, BatchSize the
// minibatch (0: full batch), seeded with Seed.
type Sampler struct {
	C, BurnIn, Thin float64
	Chains, Draws   int
	BatchSize       int
	Seed            uint64
}

// DefaultSampler is the schedule of the notebook: ε k_max = 0.5 (SGLD's
// bias on variances about 14%, irrelevant to rankings), one relaxation time
// of burn-in, draws every 0.02 τ, 8 chains of 400 draws, full batch.
func DefaultSampler() Sampler {
	return Sampler{C: 0.5, BurnIn: 1, Thin: 0.02, Chains: 8, Draws: 400, Seed: 5}
}

// BIF returns the BIF of model m at weights w, nβ and γ, with the schedule
// s: k_max = nβ λ_max(H) + γ from the finite-difference Hessian at w, and
// k_min = γ.
func (s Sampler) BIF(m susc.Model, w []float64, nBeta, gamma float64) (attrib.BIF, error) {
	if !(nBeta > 0) || !(gamma > 0) {
		return attrib.BIF{}, errors.New("experiment: BIF needs nβ > 0 and γ > 0")
	}
	ev := susc.Curvatures(m, w)
	kMax := nBeta*max(ev[len(ev)-1], 0) + gamma
	b := susc.NewBudget(s.C, kMax, gamma, s.BurnIn, s.Thin)
	return attrib.BIF{
		Posterior: susc.Posterior{NBeta: nBeta, Gamma: gamma, Center: w},
		Kernel:    susc.SGLD{Epsilon: b.Epsilon},
		Run:       susc.Run{Chains: s.Chains, Draws: s.Draws, BurnIn: b.BurnIn, Thin: b.Thin, BatchSize: s.BatchSize, Seed: s.Seed},
	}, nil
}

// Methods returns the methods compared at the trained weights w with the
// checkpoints s and learning rate lr: the influence function at every
// damping (dense Cholesky with the finite-difference Hessian), the gradient
// dot product and cosine, TracIn, and the BIF at every nβ with
// localization gamma and the sampler schedule.
func Methods(m susc.Model, w []float64, s *checkpoint.Series, lr float64, dampings, nBetas []float64, gamma float64, sampler Sampler) ([]attrib.Method, error) {
	var out []attrib.Method
	for _, l := range dampings {
		out = append(out, attrib.InfluenceFunction{W: w, Damping: l})
	}
	out = append(out, attrib.GradientSimilarity{W: w}, attrib.GradientSimilarity{W: w, Cosine: true},
		attrib.TracIn{Series: s, LR: []float64{lr}})
	for _, nb := range nBetas {
		b, err := sampler.BIF(m, w, nb, gamma)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
