// Copyright ©2026 The susclab Authors.

package fpbits

import (
	"math"
	"testing"
)

//go:noinline
func mulAdd(x, y, z float64) float64 { return x*y + z }

// Reproducible is false wherever the compiler fuses a multiply-add, which
// this test detects by its result rather than by the build tags, and says
// why whenever it is false.
func TestReproducible(t *testing.T) {
	ok, why := Reproducible()
	x := 1 + 0x1p-30
	if fused := mulAdd(x, x, -(1+0x1p-29)) != 0; fused && ok {
		t.Error("Reproducible() is true on a build that fuses x*y + z")
	}
	if ok != (why == "") {
		t.Errorf("Reproducible() = %v with reason %q", ok, why)
	}
}

// Equal is exact on a reproducible build and allows the last bits
// elsewhere; it never equates slices of different lengths, values that
// differ beyond round-off, or an infinity with anything but itself.
func TestEqual(t *testing.T) {
	exact, _ := Reproducible()
	x := []float64{0.1, -3, 1e6}
	ulp := []float64{0.1, -3, math.Nextafter(1e6, 2e6)}
	inf := math.Inf(1)
	for _, c := range []struct {
		name string
		a, b []float64
		want bool
	}{
		{"same", x, []float64{0.1, -3, 1e6}, true},
		{"last bit", x, ulp, !exact},
		{"signed zeros", []float64{0}, []float64{math.Copysign(0, -1)}, !exact},
		{"beyond round-off", x, []float64{0.1, -3, 1e6 + 1e-3}, false},
		{"lengths", x, x[:2], false},
		{"NaN", []float64{math.NaN()}, []float64{0}, false},
		{"infinity", []float64{inf}, []float64{inf}, true},
		{"infinities", []float64{inf}, []float64{-inf}, false},
		{"infinity and a number", []float64{inf}, []float64{1e300}, false},
	} {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("%s: Equal = %v, want %v", c.name, got, c.want)
		}
	}
}
