// Copyright ©2026 The susclab Authors.

//go:build amd64.v3 || amd64.v4

package solutions

// fusedMultiplyAdd: with GOAMD64=v3 the compiler fuses x*y+z, so results
// differ in the last bits from the records' (written with v1).
const fusedMultiplyAdd = true
