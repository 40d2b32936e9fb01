// Copyright ©2026 The susclab Authors.

//go:build !(amd64.v3 || amd64.v4)

package fpbits

const fusedMultiplyAdd = false
