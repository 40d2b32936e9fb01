package susc

import "reflect"

// Model is the contract between a learning machine and the sampler.
//
// A model has Dim() parameters and NumData() samples z_1..z_n with per-sample
// losses l_i(w) (negative log-likelihoods). The empirical loss is the mean
// L_n(w) = (1/n) Σ_i l_i(w).
//
// LossGrad must be safe for concurrent use by several goroutines and must not
// allocate. A model that needs scratch memory should also implement Replicator
// so that every chain gets its own copy.
type Model interface {
	// Dim returns the number of parameters d.
	Dim() int
	// NumData returns the number of samples n.
	NumData() int
	// LossGrad returns the MEAN loss (1/|B|) Σ_{i∈B} l_i(w) over the samples in
	// batch (nil means all n samples). If grad is not nil it must have length
	// Dim() and receives the gradient of that mean loss; it is overwritten, not
	// accumulated into.
	LossGrad(grad, w []float64, batch []int) float64
}

// PointLosser is a Model that reports per-sample losses, needed by the
// influence observables (the Bayesian influence function).
type PointLosser interface {
	// PointLosses writes l_i(w) for each i in idx (nil means all n samples,
	// in order) into dst, which must have length len(idx) (or NumData()).
	PointLosses(dst, w []float64, idx []int)
}

// Replicator is implemented by models that hold scratch memory. Replicate
// returns an independent copy that shares the read-only data but owns its
// scratch buffers; the runner calls it once per chain, so the copy is used by
// a single goroutine without locks.
//
// A model in a package that does not import susc can satisfy this
// structurally: any method Replicate() returning its own concrete type (or
// any other Model) is found and used (see replicate).
type Replicator interface {
	Replicate() Model
}

// replicate returns a per-chain copy of m if m has a Replicate method (of
// type func() Model, or func() T with T a Model), and m itself otherwise.
func replicate(m Model) Model {
	if r, ok := m.(Replicator); ok {
		return r.Replicate()
	}
	meth := reflect.ValueOf(m).MethodByName("Replicate")
	if !meth.IsValid() || meth.Type().NumIn() != 0 || meth.Type().NumOut() != 1 {
		return m
	}
	if c, ok := meth.Call(nil)[0].Interface().(Model); ok && c != nil {
		return c
	}
	return m
}
