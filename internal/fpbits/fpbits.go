// Copyright ©2026 The susclab Authors.

// Package fpbits says whether this build reproduces, bit for bit, the
// floating-point results of the records shipped in the repository's
// testdata folders. Those were written on amd64 with the default GOAMD64=v1.
// On other architectures, and on amd64 with GOAMD64=v3 or v4, the compiler
// fuses x*y + z into one rounding, so the last bits differ; the tests that
// re-run a shipped slice skip there and say why.
package fpbits

import (
	"fmt"
	"math"
	"runtime"
)

// Reproducible reports whether this build computes the shipped records'
// bits, and if not, why not.
func Reproducible() (ok bool, why string) {
	switch {
	case runtime.GOARCH != "amd64":
		return false, fmt.Sprintf("the shipped records were written on amd64; this is %s, where the compiler fuses multiply-adds", runtime.GOARCH)
	case fusedMultiplyAdd:
		return false, "the shipped records were written with GOAMD64=v1; this build's GOAMD64 lets the compiler fuse multiply-adds"
	}
	return true, ""
}

// Equal reports whether a and b are equal: bit for bit where the build is
// Reproducible, and elsewhere, where fused multiply-adds change the last
// bits of the same computation, to within 1e-12 of the larger magnitude
// (at least 1). Tests use it to check values a record derives from others.
func Equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	exact, _ := Reproducible()
	for i := range a {
		if math.Float64bits(a[i]) == math.Float64bits(b[i]) {
			continue
		}
		if exact || !(math.Abs(a[i]-b[i]) <= 1e-12*max(1, math.Abs(a[i]), math.Abs(b[i]))) {
			return false
		}
	}
	return true
}
