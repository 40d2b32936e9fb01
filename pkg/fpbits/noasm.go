// Copyright ©2026 The susclab Authors.

//go:build noasm || safe

package fpbits

// gonum's noasm and safe tags select its pure-Go kernels.
const pureGoKernels = true
