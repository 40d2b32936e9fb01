package health_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"susclab/pkg/susc"
	"susclab/pkg/susc/health"
	"susclab/pkg/toy"
)

// Two runs on a Gaussian-mean model: one at a step a thousand times too
// small for its budget, whose chains have not mixed, and a healthy one.
func ExampleCheck() {
	m := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 100, []float64{1, -1}, 1)
	post := susc.Posterior{NBeta: 50, Gamma: 10, Center: m.Mean()}
	b := susc.NewBudget(0.04, 60, 60, 5, 1) // curvature nβ + γ = 60 in every direction
	for _, eps := range []float64{b.Epsilon / 1000, b.Epsilon} {
		res, err := susc.Sample(context.Background(), m, post, susc.SGLD{Epsilon: eps},
			susc.Run{Chains: 8, Draws: 500, BurnIn: b.BurnIn, Thin: b.Thin, Seed: 1, KeepTrace: true, MALA: true},
			susc.Param("w0", 0))
		if err != nil {
			fmt.Println(err)
			return
		}
		rep, err := health.Check(res, health.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("ε = %.2g: healthy %v", eps, rep.Healthy())
		for _, v := range rep.Fired() {
			fmt.Printf("; %s (%.3g against %.3g)", v.Name, v.Statistic, v.Threshold)
		}
		fmt.Println()
	}
	// Output:
	// ε = 6.7e-07: healthy false; chains disagree (2.27 against 1.01); too few effective draws (5.09 against 100)
	// ε = 0.00067: healthy true
}
