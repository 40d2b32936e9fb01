// Copyright ©2026 The susclab Authors.

// Package fpbits says whether this build reproduces, bit for bit, the
// floating-point results of the records shipped in the repository's
// testdata folders, which were written on amd64 (GOAMD64=v1, gc, gonum's
// assembly kernels, a CPU with FMA). Elsewhere the last bits differ: the
// compiler fuses x*y + z into one rounding on other architectures and with
// GOAMD64=v3, gonum's pure-Go kernels sum in another order, and math.Exp
// picks its code path by the CPU. Tests and notebooks that re-run a
// shipped slice skip the bit-for-bit comparison there and say why.
package fpbits
