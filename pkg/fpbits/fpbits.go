// Copyright ©2026 The susclab Authors.

package fpbits

import (
	"fmt"
	"math"
	"runtime"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// expProbe is math.Exp(-6.764) as the records' machines computed it: amd64
// picks math.Exp's code path at run time, by whether the CPU has FMA, and
// about one result in ten differs between the paths.
const expProbe = 0x3f52eabff0cfcfb5

// Reproducible reports whether this build computes the shipped records'
// bits, and if not, why not. It checks what differs in practice: the
// architecture, the compiler, fused multiply-adds (GOAMD64=v3 or v4),
// gonum's pure-Go kernels (the noasm and safe tags, which sum in another
// order), another BLAS behind gonum's blas64 (package lm with -tags
// openblas) and math.Exp's code path. It is necessary, not sufficient: a
// different Go or gonum version may change the bits too.
func Reproducible() (ok bool, why string) {
	switch {
	case runtime.GOARCH != "amd64" || runtime.Compiler != "gc":
		return false, fmt.Sprintf("the shipped records were written on amd64 with gc; this is %s with %s, whose math library and multiply-adds round differently", runtime.GOARCH, runtime.Compiler)
	case fusedMultiplyAdd:
		return false, "the shipped records were written with GOAMD64=v1; this build's GOAMD64 lets the compiler fuse multiply-adds"
	case pureGoKernels:
		return false, "the shipped records were written with gonum's assembly kernels; this build's noasm or safe tag sums in another order"
	case !isGonum(blas64.Implementation()):
		return false, fmt.Sprintf("the shipped records were written with gonum's own BLAS; this program uses %T (for example -tags openblas)", blas64.Implementation())
	case math.Float64bits(math.Exp(-6.764)) != expProbe:
		return false, "the shipped records were written on a CPU with FMA, where math.Exp takes another code path than on this one (or GODEBUG=cpu.fma=off)"
	}
	return true, ""
}

func isGonum(b any) bool {
	_, ok := b.(gonum.Implementation)
	return ok
}

// Equal reports whether a and b are equal: bit for bit where the build is
// Reproducible, and elsewhere, where the last bits of the same computation
// differ, to within 1e-12 of the larger magnitude (at least 1). Infinities
// and NaNs are equal only to the same bits. Tests and notebooks use it to
// check values a record derives from others.
func Equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	exact, _ := Reproducible()
	for i := range a {
		x, y := a[i], b[i]
		if math.Float64bits(x) == math.Float64bits(y) {
			continue
		}
		if exact || math.IsInf(x, 0) || math.IsInf(y, 0) || !(math.Abs(x-y) <= 1e-12*max(1, math.Abs(x), math.Abs(y))) {
			return false
		}
	}
	return true
}
