// Copyright ©2026 The susclab Authors.

package experiment

import (
	"context"
	"fmt"
	"math/rand/v2"

	"susclab/pkg/attrib"
	"susclab/pkg/checkpoint"
	"susclab/pkg/toy"
)

// Detection is the mislabelled-sample experiment: N samples of Classes
// Gaussian clusters in two dimensions (toy.GenerateClusters with separation
// Sep and unit spread), a fraction Flip of them given a wrong label
// (toy.FlipLabels), and a tanh-MLP classifier of Hidden units (toy.Classifier)
// trained by minibatch SGD (Batch samples, rate LR, Steps steps, a
// checkpoint every Every steps) long enough to fit most flipped labels.
// Each method ranks the samples by self-influence τ(i, i); the detection
// AUC says how well the ranking finds the flipped ones.
type Detection struct {
	N, Classes, Hidden int
	Sep, Flip          float64
	Seed               uint64
	LR                 float64
	Steps, Every       int
	Batch              int
}

// DefaultDetection is the notebook's experiment: 300 samples of 3
// clusters at separation 2.5, 10% flipped, 16 hidden units (99 parameters)
// trained for 20,000 steps of batches of 30 at rate 0.5.
func DefaultDetection() Detection {
	return Detection{N: 300, Classes: 3, Hidden: 16, Sep: 2.5, Flip: 0.1, Seed: 3, LR: 0.5, Steps: 20000, Every: 200, Batch: 30}
}

func (p Detection) validate() error {
	if p.N < 10 || p.Classes < 2 || p.Hidden < 0 || !(p.Sep >= 0) || !(p.Flip > 0 && p.Flip < 1) ||
		!(p.LR > 0) || p.Steps < 1 || p.Every < 1 || p.Steps%p.Every != 0 || p.Batch < 0 {
		return fmt.Errorf("experiment: invalid Detection %+v", p)
	}
	return nil
}

// Data returns the classifier on the noisy labels, the marks of the
// flipped samples, the true labels and the initial weights, drawn from a
// PCG generator seeded with Seed.
func (p Detection) Data() (m *toy.Classifier, flipped []bool, clean []int, w0 []float64, err error) {
	if err := p.validate(); err != nil {
		return nil, nil, nil, nil, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, 4))
	x, y := toy.GenerateClusters(rng, p.N, p.Classes, 2, p.Sep, 1)
	noisy, flipped := toy.FlipLabels(rng, y, p.Classes, p.Flip)
	m = toy.NewClassifier(p.Hidden, p.Classes, x, noisy)
	return m, flipped, y, m.Init(rng), nil
}

// Train returns the trained weights and the checkpoints of training.
func (p Detection) Train() (w []float64, s *checkpoint.Series, err error) {
	m, _, _, w0, err := p.Data()
	if err != nil {
		return nil, nil, err
	}
	w, s = gradientDescent(m, w0, p.LR, p.Steps, p.Every, p.Batch)
	return w, s, nil
}

// SelfInfluence runs the methods with the training samples as queries and
// returns each one's self-influence τ(i, i) (nil where the method failed),
// with the outcomes (errors and costs).
func SelfInfluence(ctx context.Context, m *toy.Classifier, methods []attrib.Method) ([][]float64, []attrib.Outcome) {
	out := attrib.RunAll(ctx, m, attrib.Query{Model: m}, methods...)
	self := make([][]float64, len(out))
	for k, o := range out {
		if o.Scores != nil {
			self[k], _ = o.Scores.Self()
		}
	}
	return self, out
}
