package susc_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// The susceptibility of the posterior mean of a Gaussian-mean model to moving
// the data mean, against its closed form χ = (μ' - μ)/(nβ + γ) (docs/theory.md §9.1).
func ExampleResult_Susceptibility() {
	rng := rand.New(rand.NewPCG(1, 2))
	data := toy.GaussianMeanData(rng, 100, []float64{0}, 1)  // q: mean ≈ 0
	probe := toy.GaussianMeanData(rng, 100, []float64{1}, 1) // q': mean ≈ 1
	nb, gamma := 100.0, 10.0
	post := susc.Posterior{NBeta: nb, Gamma: gamma, Center: data.Mean()}

	res, err := susc.Sample(context.Background(), data, post, susc.SGLD{Epsilon: 1e-4},
		susc.Run{Chains: 8, Draws: 2000, BurnIn: 2000, Thin: 100, Seed: 1},
		susc.Param("w", 0), susc.LossDelta("dL", probe))
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := res.Susceptibility("w", "dL")
	exact := (probe.Mean()[0] - data.Mean()[0]) / (nb + gamma)
	chi := s.Chi()
	fmt.Printf("χ = -Cov(w, ΔL) within 4 SE of exact: %v\n", abs(chi.Value-exact) < 4*chi.SE)
	fmt.Printf("J = nβ χ = ∂<w>/∂h = %.2f (exact %.2f)\n", s.Response().Value, nb*exact)
	// Output:
	// χ = -Cov(w, ΔL) within 4 SE of exact: true
	// J = nβ χ = ∂<w>/∂h = 0.81 (exact 0.81)
}

// The local learning coefficient of a regular model is d/2: here the
// Gaussian mean in 3 dimensions.
func ExampleResult_LLC() {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(3, 4)), 1000, []float64{1, 2, 3}, 1)
	nb := susc.NOverLogN(data.NumData())
	post := susc.Posterior{NBeta: nb, Gamma: 1, Center: data.Mean()}
	res, err := susc.Sample(context.Background(), data, post, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 4, Draws: 2000, BurnIn: 500, Thin: 20, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	llc, _ := res.LLC()
	fmt.Printf("LLC = %.1f (d/2 = 1.5)\n", llc.Mean)
	// Output:
	// LLC = 1.5 (d/2 = 1.5)
}

// A kernel can also be driven by hand, one step at a time.
func ExampleSGLD_Init() {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(5, 6)), 50, []float64{2}, 1)
	post := susc.Posterior{NBeta: 50, Gamma: 0, Center: []float64{0}}
	k := susc.SGLD{Epsilon: 0.01, NoNoise: true} // gradient descent with step (ε/2)·nβ
	s, _ := k.Init(&post, post.Center)
	rng := rand.New(rand.NewPCG(1, 1))
	for range 100 {
		s.Step(data, nil, rng)
	}
	fmt.Printf("w = %.4f, data mean = %.4f\n", s.Position()[0], data.Mean()[0])
	// Output:
	// w = 1.8936, data mean = 1.8936
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Calibrate runs the ε × nβ sweep: here a one-parameter Gaussian mean, whose
// loss has curvature 1, so the potential nβL + γ/2‖w‖² has curvature nβ + γ
// and SGLD diverges once ε(nβ + γ) > 4 (docs/theory.md §2.7).
func ExampleCalibrate() {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 100, []float64{0}, 1)
	cal, err := susc.Calibrate(context.Background(), data, susc.Posterior{Gamma: 1, Center: data.Mean()},
		susc.CalibrationGrid{NBetas: []float64{10, 100}, Epsilons: []float64{1e-3, 1e-2, 0.1}},
		susc.Run{Chains: 4, Draws: 200, BurnIn: 1000, Thin: 10, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, row := range cal.Points {
		for _, p := range row {
			fmt.Printf("nβ = %g, ε = %g: ε(nβ+γ) = %.2f, diverged %v\n", p.NBeta, p.Epsilon, p.Epsilon*(p.NBeta+1), p.Diverged())
		}
		fmt.Printf("nβ = %g: largest stable ε = %g\n", cal.Points[i][0].NBeta, cal.Points[i][cal.LargestStable(i)].Epsilon)
	}
	// Output:
	// nβ = 10, ε = 0.001: ε(nβ+γ) = 0.01, diverged false
	// nβ = 10, ε = 0.01: ε(nβ+γ) = 0.11, diverged false
	// nβ = 10, ε = 0.1: ε(nβ+γ) = 1.10, diverged false
	// nβ = 10: largest stable ε = 0.1
	// nβ = 100, ε = 0.001: ε(nβ+γ) = 0.10, diverged false
	// nβ = 100, ε = 0.01: ε(nβ+γ) = 1.01, diverged false
	// nβ = 100, ε = 0.1: ε(nβ+γ) = 10.10, diverged true
	// nβ = 100: largest stable ε = 0.01
}

// SGNHT on the same regular model as ExampleResult_LLC: a time step h with
// ε = h² and friction A per unit time, a = hA (docs/theory.md §2.8). The
// posterior has curvature k = nβ + γ in every direction; h = 0.05/√k.
func ExampleSGNHT() {
	data := toy.GaussianMeanData(rand.New(rand.NewPCG(3, 4)), 1000, []float64{1, 2, 3}, 1)
	nb := susc.NOverLogN(data.NumData())
	post := susc.Posterior{NBeta: nb, Gamma: 1, Center: data.Mean()}
	h := 0.05 / math.Sqrt(nb+1)
	res, err := susc.Sample(context.Background(), data, post, susc.SGNHT{Epsilon: h * h, Diffusion: h * 1},
		susc.Run{Chains: 4, Draws: 2000, BurnIn: 500, Thin: 20, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	llc, _ := res.LLC()
	fmt.Printf("LLC = %.1f (exact d nβ/(2(nβ + γ)) = %.1f)\n", llc.Mean, 3*nb/(2*(nb+1)))
	// Output:
	// LLC = 1.5 (exact d nβ/(2(nβ + γ)) = 1.5)
}
