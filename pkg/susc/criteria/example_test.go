package criteria_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"susclab/pkg/susc"
	"susclab/pkg/susc/criteria"
	"susclab/pkg/toy"
)

// The WBIC of Bayesian linear regression without localization is the BIC,
// n L_n(w_ls) + nc + (d/2) log n (docs/theory.md §9.8), up to SGLD's small
// step bias.
func ExampleEstimateWBIC() {
	const n = 50
	m := toy.LinearRegressionData(rand.New(rand.NewPCG(1, 9)), n, []float64{1, -2, 0.5}, 1)
	c := 0.5 * math.Log(2*math.Pi) // the loss (y - xᵀw)²/2 leaves out ½ log 2π
	post := susc.Posterior{NBeta: susc.NOverLogN(n), Center: m.LeastSquares()}
	res, err := susc.Sample(context.Background(), m, post, susc.SGLD{Epsilon: 0.002},
		susc.Run{Chains: 8, Draws: 2000, BurnIn: 2000, Thin: 50, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := criteria.EstimateWBIC(res, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	bic := n*(m.LossGrad(nil, m.LeastSquares(), nil)+c) + 1.5*math.Log(n)
	fmt.Printf("WBIC = %.1f, BIC = %.1f, local: %v\n", w.Estimate.Value, bic, w.Local)
	// Output:
	// WBIC = 69.9, BIC = 69.9, local: false
}

// WAIC and the singular fluctuation of the same model at β = 1: a regular
// model has ν close to d/2 (docs/theory.md §8.6), and the closed forms of
// docs/theory.md §9.8 give the finite-n values.
func ExampleEstimateWAIC() {
	const n = 50
	m := toy.LinearRegressionData(rand.New(rand.NewPCG(1, 9)), n, []float64{1, -2, 0.5}, 1)
	c := 0.5 * math.Log(2*math.Pi)
	post := susc.Posterior{NBeta: n, Center: m.LeastSquares()}
	res, err := susc.Sample(context.Background(), m, post, susc.SGLD{Epsilon: 0.001},
		susc.Run{Chains: 8, Draws: 2000, BurnIn: 2000, Thin: 50, Seed: 1, PointStats: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := criteria.EstimateWAIC(res, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	exact := m.Posterior(n, 0, nil).Criteria(c)
	fmt.Printf("WAIC = %.3f (exact %.3f), T_n = %.3f (exact %.3f), ν = %.2f (exact %.2f)\n",
		w.WAIC.Value, exact.WAIC, w.Training.Value, exact.Training, w.Fluctuation.Value, exact.Fluctuation)
	// Output:
	// WAIC = 1.338 (exact 1.337), T_n = 1.289 (exact 1.289), ν = 1.22 (exact 1.22)
}
