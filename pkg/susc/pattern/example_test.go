package pattern_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/toy"
)

// Design the data change that moves two structural coordinates by a
// target, from a response matrix J (rows: coordinates, columns: probe
// patterns), with mixture weights that stay a distribution.
func ExampleSolve() {
	j := mat.NewDense(2, 3, []float64{
		1.0, 0.2, -0.1,
		0.1, 0.8, 0.3,
	})
	target := []float64{0.05, 0.02}
	d, err := pattern.Solve(j, target, pattern.Config{Project: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("dh = %.4f\npredicted dμ = %.4f (target %.2f)\nreachable %.2f\n", d.Dh, d.Predicted, target, d.Reachable)
	// Output:
	// dh = [0.0462 0.0192 0.0000]
	// predicted dμ = [0.0500 0.0200] (target [0.05 0.02])
	// reachable 1.00
}

// Close the loop on Gaussian means: the response predicted from the
// unperturbed posterior against the shift realized by sampling the
// reweighted data.
func ExampleClosedLoop() {
	rng := rand.New(rand.NewPCG(1, 2))
	base := toy.GaussianMeanData(rng, 200, []float64{0}, 1)
	probe := toy.GaussianMeanData(rng, 200, []float64{2}, 1)
	post := susc.Posterior{NBeta: 50, Gamma: 10, Center: base.Mean()}
	run := susc.Run{Chains: 8, Draws: 2000, BurnIn: 500, Thin: 10, Seed: 3}
	res, err := susc.Sample(context.Background(), base, post, susc.SGLD{Epsilon: 1e-3}, run,
		susc.Param("w", 0), susc.LossDeltas("dL", probe))
	if err != nil {
		fmt.Println(err)
		return
	}
	sm, _ := res.SusceptibilityMatrix("w", "dL")
	j, jse := sm.Response()
	loop := pattern.ClosedLoop{Base: base, Probes: []susc.Model{probe}, Posterior: post,
		Kernel: susc.SGLD{Epsilon: 1e-3}, Run: run, Observable: susc.Param("w", 0)}
	sw, err := loop.Sweep(context.Background(), j, jse, []float64{0.1}, []float64{1})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, r := sw.Predicted[0][0], sw.Realized[0][0]
	// Exact (docs/theory.md §9.1): the posterior mean moves by nβ h (μ' - μ)/(nβ + γ).
	exact := 50 * 0.1 * (probe.Mean()[0] - base.Mean()[0]) / 60
	fmt.Printf("predicted %.4f ± %.4f, realized %.4f ± %.4f, exact %.4f\n", p.Value, p.SE, r.Value, r.SE, exact)
	// Output:
	// predicted 0.1870 ± 0.0028, realized 0.1810 ± 0.0000, exact 0.1810
}
