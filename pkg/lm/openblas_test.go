// Copyright ©2026 The susclab Authors.

//go:build cgo && openblas

package lm

// Built only with -tags openblas (and cgo): every test and benchmark of the
// package then runs on OpenBLAS through gonum.org/v1/netlib instead of
// pure-Go gonum. Needs libopenblas-dev:
//
//	CGO_LDFLAGS=-lopenblas OPENBLAS_NUM_THREADS=1 go test -tags openblas -run '^$' -bench . ./pkg/lm/

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() { blas64.Use(netlib.Implementation{}) }
