// Copyright ©2026 The susclab Authors.

package solutions_test

import (
	"context"
	"fmt"

	"susclab/pkg/solutions"
)

// A small run (its numbers mean nothing; cmd/solutions and notebook 10
// run the real ones): the design and the arms.
func Example() {
	r, err := solutions.Run(context.Background(), solutions.Options{
		Seeds: 4, DesignSeeds: 2, Steps: 300, N: 300, Draws: 20, BurnIn: 100, Thin: 5, ProbeN: 100, Norm: 0.03})
	if err != nil {
		fmt.Println(err)
		return
	}
	var sum float64
	for _, v := range r.Dh {
		sum += v
	}
	fmt.Printf("dh moves weight between %d mixture components (Σ dh = %.0f)\n", len(r.Dh), sum)
	// Represented[s] is the number of features seed s's model represents;
	// Count, Fraction and Shift read them.
	for _, arm := range r.Arms {
		fmt.Printf("%-8s seeds: %d\n", arm.Name, len(arm.Represented))
	}
	// Output:
	// dh moves weight between 7 mixture components (Σ dh = 0)
	// baseline seeds: 4
	// +dh      seeds: 4
	// -dh      seeds: 4
	// random   seeds: 4
}
