// Copyright ©2026 The susclab Authors.

package patterntime_test

import (
	"fmt"

	"susclab/pkg/patterntime"
)

// The design from layer 1's responses to the three window kinds: dh moves
// weight towards the kind whose loss layer 1's coordinate responds to most,
// within Σ dh = 0; the control is the feasible direction orthogonal to it.
func ExampleDesign() {
	j := []float64{2.2, 5.9, 1.4} // J per kind: repeats, fillers, noise
	pi := []float64{0.6, 0.2, 0.2}
	dh, control, err := patterntime.Design(j, pi, 0.15)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("+dh weights %.3f\n", []float64{pi[0] + dh[0], pi[1] + dh[1], pi[2] + dh[2]})
	fmt.Printf("-dh weights %.3f\n", []float64{pi[0] - dh[0], pi[1] - dh[1], pi[2] - dh[2]})
	fmt.Printf("control     %.3f\n", []float64{pi[0] + control[0], pi[1] + control[1], pi[2] + control[2]})
	// Output:
	// +dh weights [0.557 0.321 0.122]
	// -dh weights [0.643 0.079 0.278]
	// control     [0.715 0.180 0.106]
}
