// Copyright ©2026 The susclab Authors.

package attrib

import (
	"errors"
	"fmt"

	"susclab/pkg/susc"
)

// Query is the behaviour whose change is attributed: the per-sample losses
// φ_q(w) = l_q(w) of the samples Idx of Model. Model is a test set (a model
// of the same parameters on other data), or the training model itself for
// self-influence; any observable can be attributed by wrapping it as a
// model whose PointLosses return it and whose LossGrad on a batch of one
// returns its gradient.
//
// The zero value is not usable: Model is required.
type Query struct {
	// Model must implement susc.PointLosser and have the training model's
	// number of parameters. If it holds scratch memory it needs a Replicate
	// method (see susc.Model); it is replicated per worker or chain.
	Model susc.Model
	// Idx lists the query samples of Model; nil means all of them, in order.
	Idx []int
}

// Len returns the number of queries Q.
func (q Query) Len() int {
	if q.Idx == nil && q.Model != nil {
		return q.Model.NumData()
	}
	return len(q.Idx)
}

// indices returns Idx, or 0..n-1 when it is nil.
func (q Query) indices() []int {
	if q.Idx != nil {
		return q.Idx
	}
	idx := make([]int, q.Model.NumData())
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// isTrain reports whether q is every sample of the training model m, in
// order (self-influence).
func (q Query) isTrain(m susc.Model) bool {
	if q.Model != m {
		return false
	}
	if q.Idx == nil {
		return true
	}
	if len(q.Idx) != m.NumData() {
		return false
	}
	for i, j := range q.Idx {
		if i != j {
			return false
		}
	}
	return true
}

// validate checks q against a training model of d parameters.
func (q Query) validate(d int) error {
	if q.Model == nil {
		return errors.New("attrib: Query.Model is nil")
	}
	if _, ok := q.Model.(susc.PointLosser); !ok {
		return fmt.Errorf("attrib: query model %T is not a susc.PointLosser", q.Model)
	}
	if q.Model.Dim() != d {
		return fmt.Errorf("attrib: query model has %d parameters, the training model %d", q.Model.Dim(), d)
	}
	n := q.Model.NumData()
	if q.Idx != nil && len(q.Idx) == 0 {
		return errors.New("attrib: Query.Idx is empty (nil means all samples)")
	}
	if n < 1 {
		return errors.New("attrib: query model has no samples")
	}
	for _, i := range q.Idx {
		if i < 0 || i >= n {
			return fmt.Errorf("attrib: query sample %d out of range [0, %d)", i, n)
		}
	}
	if _, err := susc.Replicate(q.Model); err != nil {
		return err
	}
	return nil
}

// Observable returns the query losses as a sampler observable of dimension
// Len(), replicated per chain when the query model has scratch memory. The
// query must be valid for a model of q.Model.Dim() parameters.
func (q Query) Observable(name string) (susc.Observable, error) {
	if err := q.validate(dimOf(q.Model)); err != nil {
		return nil, err
	}
	return &queryObs{name: name, m: q.Model, idx: q.indices()}, nil
}

func dimOf(m susc.Model) int {
	if m == nil {
		return 0
	}
	return m.Dim()
}

// queryObs evaluates l_q(w) for the samples idx of the query model m.
type queryObs struct {
	name string
	m    susc.Model
	idx  []int
}

func (o *queryObs) Name() string { return o.name }
func (o *queryObs) Dim() int     { return len(o.idx) }
func (o *queryObs) Observe(dst, w []float64, _ susc.Model) {
	o.m.(susc.PointLosser).PointLosses(dst, w, o.idx)
}

// Replicate gives each chain its own copy of the query model (validated
// when the observable was made).
func (o *queryObs) Replicate() susc.Observable {
	r, err := susc.Replicate(o.m)
	if err != nil {
		panic(err) // unreachable: checked by Observable
	}
	return &queryObs{name: o.name, m: r, idx: o.idx}
}
