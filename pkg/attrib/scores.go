// Copyright ©2026 The susclab Authors.

package attrib

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Scores is the attribution matrix of one method: entry (i, q) is τ(i, q),
// the predicted change of query q's behaviour φ_q when training sample i is
// removed and the model retrained (docs/theory.md §4.4). Positive means that
// sample i helps query q: without it, q's loss would be higher.
//
// Scores is a plain value: it survives a JSON round trip (viz.Memo) as long
// as its numbers are finite. The zero value is an empty matrix.
type Scores struct {
	// Method names the method and its settings, for tables.
	Method string
	// N is the number of training samples (rows), Q the number of queries
	// (columns).
	N, Q int
	// Value holds τ(i, q) at Value[i*Q + q] (row-major, N×Q).
	Value []float64
	// SE holds the standard errors of a sampled method (the BIF) in the same
	// layout, and is nil for a deterministic one.
	SE []float64
}

// newScores returns an N×Q matrix of zeros.
func newScores(method string, n, q int) *Scores {
	return &Scores{Method: method, N: n, Q: q, Value: make([]float64, n*q)}
}

// At returns τ(i, q).
func (s *Scores) At(i, q int) float64 {
	if i < 0 || i >= s.N || q < 0 || q >= s.Q {
		panic(fmt.Sprintf("attrib: Scores.At(%d, %d) out of range %d×%d", i, q, s.N, s.Q))
	}
	return s.Value[i*s.Q+q]
}

// Matrix returns the N×Q matrix of values as a view of Value: changing one
// changes the other.
func (s *Scores) Matrix() *mat.Dense {
	if s.N == 0 || s.Q == 0 {
		return &mat.Dense{}
	}
	return mat.NewDense(s.N, s.Q, s.Value)
}

// Column writes the scores of every training sample for query q into dst
// (length N; nil allocates) and returns it.
func (s *Scores) Column(dst []float64, q int) []float64 {
	if q < 0 || q >= s.Q {
		panic(fmt.Sprintf("attrib: Scores.Column(%d) out of range [0, %d)", q, s.Q))
	}
	if dst == nil {
		dst = make([]float64, s.N)
	}
	if len(dst) != s.N {
		panic("attrib: Scores.Column: len(dst) != N")
	}
	for i := range dst {
		dst[i] = s.Value[i*s.Q+q]
	}
	return dst
}

// Self returns the self-influence τ(i, i) of every training sample: the
// diagonal of scores whose queries are the training samples themselves, in
// order (a Query of the training model with nil Idx). It is an error if the
// matrix is not square.
func (s *Scores) Self() ([]float64, error) {
	if s.N != s.Q {
		return nil, fmt.Errorf("attrib: self-influence needs the training set as queries (scores are %d×%d)", s.N, s.Q)
	}
	d := make([]float64, s.N)
	for i := range d {
		d[i] = s.Value[i*s.Q+i]
	}
	return d, nil
}

// Validate reports whether s is well formed: positive N and Q, Value (and
// SE, if present) of length N·Q, every value finite.
func (s *Scores) Validate() error {
	if s == nil {
		return errors.New("attrib: nil Scores")
	}
	if s.N < 1 || s.Q < 1 {
		return fmt.Errorf("attrib: scores %q are %d×%d", s.Method, s.N, s.Q)
	}
	if s.N > math.MaxInt/s.Q || len(s.Value) != s.N*s.Q {
		return fmt.Errorf("attrib: scores %q: %d values for %d×%d", s.Method, len(s.Value), s.N, s.Q)
	}
	if s.SE != nil && len(s.SE) != len(s.Value) {
		return fmt.Errorf("attrib: scores %q: %d standard errors for %d values", s.Method, len(s.SE), len(s.Value))
	}
	for k, v := range s.Value {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("attrib: scores %q: entry (%d, %d) is %v", s.Method, k/s.Q, k%s.Q, v)
		}
	}
	return nil
}
