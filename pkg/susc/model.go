package susc

import (
	"fmt"
	"reflect"
)

// Model is the contract between a learning machine and the sampler.
//
// A model has Dim() parameters and NumData() samples z_1..z_n with per-sample
// losses l_i(w) (negative log-likelihoods). The empirical loss is the mean
// L_n(w) = (1/n) Σ_i l_i(w) (docs/theory.md §1.1).
//
// LossGrad must not allocate. A model that needs scratch memory gives itself
// a method Replicate() T, with T a Model (usually its own pointer type),
// returning a copy that shares the read-only data and owns its scratch: the
// sampler calls it once per chain, so each copy is used by one goroutine. A
// model without such a method must be safe for concurrent use.
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

var modelType = reflect.TypeFor[Model]()

// Replicate returns the per-chain copy of m made by its Replicate method, or
// m itself if it has none. A model in a package that does not import susc
// satisfies the convention structurally: any method Replicate() T with T a
// Model. A method named Replicate of any other shape (for example one that
// also returns an error), or one that returns nil, is an error, since
// chains would otherwise silently share scratch memory.
func Replicate(m Model) (Model, error) {
	meth := reflect.ValueOf(m).MethodByName("Replicate")
	if !meth.IsValid() {
		return m, nil
	}
	t := meth.Type()
	if t.NumIn() != 0 || t.NumOut() != 1 || !t.Out(0).Implements(modelType) {
		return nil, fmt.Errorf("susc: model %T has a method Replicate of type %v; want func() T with T a Model (a copy with its own scratch), or no method of that name", m, t)
	}
	out := meth.Call(nil)[0]
	if isNil(out) {
		return nil, fmt.Errorf("susc: %T.Replicate returned nil", m)
	}
	return out.Interface().(Model), nil
}

// isNil reports whether v is a nil interface or a nil pointer, map, slice,
// func or channel (a typed nil in an interface).
func isNil(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Interface:
		return v.IsNil() || isNil(v.Elem())
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return v.IsNil()
	}
	return false
}
