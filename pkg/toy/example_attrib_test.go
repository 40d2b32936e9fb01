// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"fmt"
	"math/rand/v2"

	"susclab/pkg/toy"
)

// A classifier on three clusters with 10% of the labels flipped: trained
// long enough, the network fits most of the wrong labels too.
func ExampleClassifier() {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := toy.GenerateClusters(rng, 150, 3, 2, 2.5, 1)
	noisy, flipped := toy.FlipLabels(rng, y, 3, 0.1)
	m := toy.NewClassifier(16, 3, x, noisy)
	w, loss := toy.Minimize(m, m.Init(rng), toy.Optimizer{Method: toy.Adam, Steps: 3000, LR: 0.02})
	pred := m.Predict(make([]int, 150), w)
	var fitted, flips int
	for i := range pred {
		if flipped[i] {
			flips++
			if pred[i] == noisy[i] {
				fitted++
			}
		}
	}
	fmt.Printf("%d parameters, training loss %.2f, %d of %d flipped labels fitted\n", m.Dim(), loss, fitted, flips)
	// Output:
	// 99 parameters, training loss 0.02, 15 of 15 flipped labels fitted
}

// Leaving one sample out of least squares: the exact change of a test loss
// against the first-order prediction of the influence function.
func ExampleLinearRegression_LeaveOneOutLoss() {
	w := []float64{1, -2, 0.5}
	m := toy.LinearRegressionData(rand.New(rand.NewPCG(1, 2)), 20, w, 0.5)
	test := toy.LinearRegressionData(rand.New(rand.NewPCG(3, 4)), 5, w, 0.5)
	exact, first := m.LeaveOneOutLoss(test), m.RemovalInfluence(test, 0)
	h := m.HatDiagonal()
	fmt.Printf("sample 10, query 2: exact %.4f, first order %.4f, leverage %.3f\n", exact.At(10, 2), first.At(10, 2), h[10])
	// Output:
	// sample 10, query 2: exact -0.0847, first order -0.0855, leverage 0.164
}
