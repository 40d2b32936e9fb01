// Copyright ©2026 The susclab Authors.

package fpbits

import (
	"math"
	"runtime"
	"testing"
)

// Reproducible is true exactly on amd64 without fused multiply-adds, and
// says why when it is not.
func TestReproducible(t *testing.T) {
	ok, why := Reproducible()
	if want := runtime.GOARCH == "amd64" && !fusedMultiplyAdd; ok != want {
		t.Errorf("Reproducible() = %v on %s (fused multiply-adds %v), want %v", ok, runtime.GOARCH, fusedMultiplyAdd, want)
	}
	if ok != (why == "") {
		t.Errorf("Reproducible() = %v with reason %q", ok, why)
	}
}

// Equal is exact on a reproducible build and allows the last bits
// elsewhere; it never equates slices of different lengths or values that
// differ beyond round-off.
func TestEqual(t *testing.T) {
	exact, _ := Reproducible()
	x := []float64{0.1, -3, 1e6}
	ulp := []float64{0.1, -3, math.Nextafter(1e6, 2e6)}
	for _, c := range []struct {
		name string
		a, b []float64
		want bool
	}{
		{"same", x, []float64{0.1, -3, 1e6}, true},
		{"last bit", x, ulp, !exact},
		{"beyond round-off", x, []float64{0.1, -3, 1e6 + 1e-3}, false},
		{"lengths", x, x[:2], false},
		{"NaN", []float64{math.NaN()}, []float64{0}, false},
	} {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("%s: Equal = %v, want %v", c.name, got, c.want)
		}
	}
}
