// Copyright ©2026 The susclab Authors.

package fpbits_test

import (
	"fmt"

	"susclab/pkg/fpbits"
)

// A test that re-runs a slice of a shipped record calls t.Skip(why) when
// Reproducible says no; what the record derives from its own data it
// checks with Equal on every build (exactly where Reproducible holds, to
// round-off elsewhere).
func ExampleEqual() {
	recorded := []float64{0.1, 0.3}
	fmt.Println(fpbits.Equal([]float64{0.1, 0.3}, recorded))
	fmt.Println(fpbits.Equal([]float64{0.1, 0.31}, recorded))
	// Output:
	// true
	// false
}
