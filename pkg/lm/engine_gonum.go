// Copyright ©2026 The susclab Authors.

//go:build !(cgo && openblas)

package lm

// Engine names the dense-product engine of this build: pure-Go gonum, or
// OpenBLAS with -tags openblas (see openblas.go).
const Engine = "gonum, pure Go"
