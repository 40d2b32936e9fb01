// Copyright ©2026 The susclab Authors.

//go:build amd64.v3 || amd64.v4

package fpbits

// With GOAMD64=v3 or v4 the compiler fuses x*y + z.
const fusedMultiplyAdd = true
