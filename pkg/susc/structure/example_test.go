package structure_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
	"susclab/pkg/toy"
)

// The structural susceptibility of two components of a quadratic model,
// L = ½ wᵀHw at w* = 0, to the perturbation X = ½ wᵀAw, against the exact
// limit of the two-chain estimator (docs/theory.md §9.4).
func ExampleSample() {
	h := mat.NewSymDense(3, []float64{2, 0.5, 0, 0.5, 1, 0.3, 0, 0.3, 1.5})
	a := mat.NewSymDense(3, []float64{1, 0, 0.5, 0, -1, 0, 0.5, 0, 2})
	m := toy.NewQuadratic(nil, h)
	x := susc.Func("X", toy.NewQuadratic(nil, a).Value)
	comps := []structure.Component{{Name: "w0,w1", Mask: []bool{true, true, false}}, {Name: "w2", Mask: []bool{false, false, true}}}
	post := susc.Posterior{NBeta: 10, Gamma: 1, Center: make([]float64, 3)}
	const eps = 1e-3
	s, err := structure.Sample(context.Background(), m, post, susc.SGLD{Epsilon: eps},
		susc.Run{Chains: 8, Draws: 4000, BurnIn: 4000, Thin: 50, Seed: 1}, comps, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	for c, comp := range comps {
		exact := toy.QuadraticStructural(h, a, comp.Mask, 10, 1, eps)
		z := (s.Chi.At(0, c) - exact) / s.SE.At(0, c)
		fmt.Printf("%-5s χ̂ = %.4f ± %.4f, exact %.4f (z = %.1f)\n", comp.Name, s.Chi.At(0, c), s.SE.At(0, c), exact, z)
	}
	// Output:
	// w0,w1 χ̂ = 0.0083 ± 0.0003, exact 0.0082 (z = 0.3)
	// w2    χ̂ = -0.0064 ± 0.0003, exact -0.0069 (z = 1.4)
}

// Modes of a standardized structural matrix pair data patterns with
// circuits of components.
func ExampleSVDModes() {
	// Three patterns × three components; pattern i is expressed (negative
	// entries) mostly by component i, each column on its own scale.
	chi := mat.NewDense(3, 3, []float64{
		-3e-4, 1e-2, 2e-6,
		1e-4, -4e-2, 1e-6,
		1e-4, 2e-2, -9e-6,
	})
	z := structure.Standardize(nil, chi, false)
	modes, err := structure.SVDModes(z)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("singular values %.2f\nexplained %.2f\n", modes.S, modes.Explained)
	// Output:
	// singular values [1.81 1.65 0.00]
	// explained [0.55 0.45 0.00]
}
