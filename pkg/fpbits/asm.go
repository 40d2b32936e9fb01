// Copyright ©2026 The susclab Authors.

//go:build !noasm && !safe

package fpbits

const pureGoKernels = false
