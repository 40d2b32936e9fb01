// Copyright ©2026 The susclab Authors.

// Package defaults fills the zero fields of option structs (gonum-style
// zero values that mean "the default").
package defaults

// Set sets *p to v if *p is the zero value of its type.
func Set[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}
