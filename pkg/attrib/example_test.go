// Copyright ©2026 The susclab Authors.

package attrib_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/attrib"
	"susclab/pkg/checkpoint"
	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// problem returns a linear regression of 20 samples and a test set of 5.
func problem() (train, test *toy.LinearRegression) {
	w := []float64{1, -2, 0.5}
	return toy.LinearRegressionData(rand.New(rand.NewPCG(1, 2)), 20, w, 0.5),
		toy.LinearRegressionData(rand.New(rand.NewPCG(3, 4)), 5, w, 0.5)
}

// largest returns the index of the entry of largest magnitude.
func largest(x []float64) int {
	k := 0
	for i, v := range x {
		if math.Abs(v) > math.Abs(x[k]) {
			k = i
		}
	}
	return k
}

// The classical influence function predicts leave-one-out retraining to
// first order; for least squares the exact change is known in closed form.
func ExampleInfluenceFunction() {
	m, test := problem()
	f := attrib.InfluenceFunction{W: m.LeastSquares(), Hessian: m.Hessian()} // λ = 0, exact Hessian
	s, err := f.Scores(context.Background(), m, attrib.Query{Model: test})
	if err != nil {
		panic(err)
	}
	exact := m.LeaveOneOutLoss(test)
	k := largest(s.Value) // the pair with the largest predicted effect
	i, q := k/s.Q, k%s.Q
	fmt.Printf("%s: τ(%d, %d) = %.4f, retrained %.4f\n", s.Method, i, q, s.At(i, q), exact.At(i, q))
	// Output:
	// IF λ=0: τ(10, 2) = -0.0855, retrained -0.0847
}

// The BIF's scores come from one sampling run of the posterior; for linear
// regression they are exactly β Cov(l_i, l_q).
func ExampleBIF() {
	m, test := problem()
	nb, gamma := 20.0, 2.0
	kMax, kMin := m.CurvatureRange(nb, gamma)
	b := susc.NewBudget(0.01, kMax, kMin, 5, 0.5)
	bif := attrib.BIF{
		Posterior: susc.Posterior{NBeta: nb, Gamma: gamma, Center: m.LeastSquares()},
		Kernel:    susc.SGLD{Epsilon: b.Epsilon},
		Run:       susc.Run{Chains: 4, Draws: 2000, BurnIn: b.BurnIn, Thin: b.Thin, Seed: 1},
	}
	s, err := bif.Scores(context.Background(), m, attrib.Query{Model: test})
	if err != nil {
		panic(err)
	}
	exact := m.Posterior(nb, gamma, nil).QueryLossCov(test) // β = 1
	i := largest(mat.Col(nil, 0, exact))
	fmt.Printf("%s: τ(%d, 0) = %.4f ± %.4f, exact %.4f\n", s.Method, i, s.At(i, 0), s.SE[i*s.Q], exact.At(i, 0))
	// Output:
	// BIF nβ=20: τ(8, 0) = 0.0043 ± 0.0003, exact 0.0044
}

// TracIn reads a training run's checkpoints. Summed over the training
// samples, its scores are the first-order drop of the query's loss along
// training.
func ExampleTracIn() {
	m, test := problem()
	s := &checkpoint.Series{Name: "linear regression", Dim: 3}
	w := []float64{0, 0, 0}
	s.Add(0, m.LossGrad(nil, w, nil), w)
	for k := 1; k <= 100; k++ { // one checkpoint per step of gradient descent
		var loss float64
		w, loss = toy.Train(m, w, toy.TrainConfig{Steps: 1, LR: 0.02})
		s.Add(k, loss, w)
	}
	sc, err := attrib.TracIn{Series: s, LR: []float64{0.02}}.Scores(context.Background(), m, attrib.Query{Model: test})
	if err != nil {
		panic(err)
	}
	var sum float64
	for i := range sc.N {
		sum += sc.At(i, 0)
	}
	l0, l1 := make([]float64, 5), make([]float64, 5)
	test.PointLosses(l0, []float64{0, 0, 0}, nil)
	test.PointLosses(l1, w, nil)
	fmt.Printf("Σ_i τ(i, 0) = %.3f, loss drop %.3f\n", sum, l0[0]-l1[0])
	// Output:
	// Σ_i τ(i, 0) = 0.928, loss drop 0.918
}

// Retraining is the ground truth: here leave-one-out by gradient descent
// from the trained weights, which for least squares reproduces the closed
// form.
func ExampleRetrain_Run() {
	m, test := problem()
	r := attrib.Retrain{Train: toy.TrainConfig{Steps: 500, LR: 0.5}, W0: m.LeastSquares()}
	t, err := r.Run(context.Background(), m, attrib.Query{Model: test}, attrib.LeaveOneOut(20))
	if err != nil {
		panic(err)
	}
	fmt.Printf("retrained %.6f, closed form %.6f\n", t.Change(3, 1), m.LeaveOneOutLoss(test).At(3, 1))
	// Output:
	// retrained 0.012715, closed form 0.012715
}

// The LDS scores a method against retraining on random subsets.
func ExampleLDS() {
	m, test := problem()
	sets, err := attrib.RandomSubsets(20, 0.5, 50, 1)
	if err != nil {
		panic(err)
	}
	r := attrib.Retrain{Train: toy.TrainConfig{Steps: 500, LR: 0.5}, W0: m.LeastSquares()}
	truth, err := r.Run(context.Background(), m, attrib.Query{Model: test}, sets)
	if err != nil {
		panic(err)
	}
	ctx, q := context.Background(), attrib.Query{Model: test}
	for _, meth := range []attrib.Method{
		attrib.InfluenceFunction{W: m.LeastSquares(), Hessian: m.Hessian()},
		attrib.GradientSimilarity{W: m.LeastSquares()},
	} {
		s, err := meth.Scores(ctx, m, q)
		if err != nil {
			panic(err)
		}
		lds, err := attrib.LDS(s, truth)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-8s LDS %.2f ± %.2f\n", s.Method, lds.Value, lds.SE)
	}
	// Output:
	// IF λ=0   LDS 0.62 ± 0.13
	// grad dot LDS 0.60 ± 0.12
}

// The detection AUC of a score for marked samples, with DeLong's standard
// error.
func ExampleAUC() {
	score := []float64{0.9, 0.8, 0.3, 0.7, 0.2, 0.1, 0.4, 0.6}
	flipped := []bool{true, true, true, false, false, false, false, false}
	a, err := attrib.AUC(score, flipped)
	if err != nil {
		panic(err)
	}
	fmt.Printf("AUC %.3f ± %.3f\n", a.Value, a.SE)
	// Output:
	// AUC 0.800 ± 0.216
}
