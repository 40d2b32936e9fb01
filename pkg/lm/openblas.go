// Copyright ©2026 The susclab Authors.

//go:build cgo && openblas

package lm

// Built only with -tags openblas (and cgo): importing the package then
// switches gonum's blas64 engine, for the whole program, from pure-Go
// gonum to OpenBLAS through gonum.org/v1/netlib. The default build is pure
// Go. Needs libopenblas-dev (scripts/setup.sh installs it) and, for one
// core per chain, one OpenBLAS thread:
//
//	OPENBLAS_NUM_THREADS=1 go test -tags openblas -run '^$' -bench . ./pkg/lm/
//	OPENBLAS_NUM_THREADS=1 go run -tags openblas ./cmd/lmtrain ...

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// Engine names the dense-product engine of this build.
const Engine = "OpenBLAS (gonum.org/v1/netlib, -tags openblas)"

func init() { blas64.Use(netlib.Implementation{}) }
