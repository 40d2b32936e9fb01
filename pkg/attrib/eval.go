// Copyright ©2026 The susclab Authors.

package attrib

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"susclab/pkg/susc"
)

// Correlation is a per-query correlation between predicted and measured
// effects, averaged over queries (docs/theory.md §4.4): Value is the mean
// over the queries where it is defined, SE the standard deviation over those
// queries divided by √Used. PerQuery holds each query's correlation (NaN
// where undefined: a constant prediction or a constant truth).
type Correlation struct {
	Value, SE float64
	Used      int
	PerQuery  []float64
}

// Estimate returns Value ± SE.
func (c Correlation) Estimate() susc.Estimate { return susc.Estimate{Value: c.Value, SE: c.SE} }

// LDS returns the linear datamodeling score of s against subset retraining
// t (docs/theory.md §4.4): for each query, the Spearman rank correlation
// over the removal sets S_m between the predicted effect Σ_{i∈S_m} τ(i, q)
// and the measured effect t.Change(m, q), averaged over queries, with its
// standard error over queries. It needs at least three removal sets.
func LDS(s *Scores, t *Truth) (Correlation, error) {
	if err := check(s, t); err != nil {
		return Correlation{}, err
	}
	if len(t.Removed) < 3 {
		return Correlation{}, fmt.Errorf("attrib: LDS needs at least 3 removal sets, have %d", len(t.Removed))
	}
	pred, meas := make([]float64, len(t.Removed)), make([]float64, len(t.Removed))
	per := make([]float64, s.Q)
	for q := range s.Q {
		for m, rm := range t.Removed {
			var p float64
			for _, i := range rm {
				p += s.Value[i*s.Q+q]
			}
			pred[m], meas[m] = p, t.Change(m, q)
		}
		per[q] = Spearman(pred, meas)
	}
	return summarize(per), nil
}

// LOOCorrelation returns the Pearson and the Spearman correlation, per
// query over training samples, between τ(i, q) and the measured effect of
// leaving sample i out (t from LeaveOneOut(N)), each averaged over queries
// with its standard error over queries.
func LOOCorrelation(s *Scores, t *Truth) (pearson, spearman Correlation, err error) {
	if err := check(s, t); err != nil {
		return pearson, spearman, err
	}
	if len(t.Removed) != s.N {
		return pearson, spearman, fmt.Errorf("attrib: leave-one-out truth has %d removal sets for %d training samples", len(t.Removed), s.N)
	}
	for m, rm := range t.Removed {
		if len(rm) != 1 || rm[0] != m {
			return pearson, spearman, fmt.Errorf("attrib: removal set %d is %v, want [%d] (use LeaveOneOut)", m, rm, m)
		}
	}
	pred, meas := make([]float64, s.N), make([]float64, s.N)
	pp, ps := make([]float64, s.Q), make([]float64, s.Q)
	for q := range s.Q {
		s.Column(pred, q)
		for i := range meas {
			meas[i] = t.Change(i, q)
		}
		pp[q], ps[q] = Pearson(pred, meas), Spearman(pred, meas)
	}
	return summarize(pp), summarize(ps), nil
}

// Paired returns the mean over queries of a's per-query correlation minus
// b's, with its standard error over queries: the paired comparison of two
// methods on the same queries and ground truth, which removes the spread
// that queries share. Queries where either is undefined are left out.
func Paired(a, b Correlation) (susc.Estimate, error) {
	if len(a.PerQuery) != len(b.PerQuery) {
		return susc.Estimate{}, fmt.Errorf("attrib: Paired: %d and %d queries", len(a.PerQuery), len(b.PerQuery))
	}
	d := make([]float64, len(a.PerQuery))
	for q := range d {
		d[q] = a.PerQuery[q] - b.PerQuery[q]
	}
	c := summarize(d)
	if c.Used == 0 {
		return susc.Estimate{}, errors.New("attrib: Paired: no query where both are defined")
	}
	return c.Estimate(), nil
}

// summarize returns the mean and standard error of the defined entries.
func summarize(per []float64) Correlation {
	c := Correlation{PerQuery: per}
	var sum float64
	for _, v := range per {
		if !math.IsNaN(v) {
			sum += v
			c.Used++
		}
	}
	c.Value, c.SE = math.NaN(), math.NaN()
	if c.Used == 0 {
		return c
	}
	c.Value = sum / float64(c.Used)
	if c.Used < 2 {
		return c
	}
	var ss float64
	for _, v := range per {
		if !math.IsNaN(v) {
			ss += (v - c.Value) * (v - c.Value)
		}
	}
	c.SE = math.Sqrt(ss / float64(c.Used-1) / float64(c.Used))
	return c
}

// check validates scores against a truth.
func check(s *Scores, t *Truth) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := t.Validate(s.N); err != nil {
		return err
	}
	if t.Queries() != s.Q {
		return fmt.Errorf("attrib: scores for %d queries, ground truth for %d", s.Q, t.Queries())
	}
	return nil
}

// Pearson returns the Pearson correlation of x and y (equal lengths ≥ 2),
// NaN if either is constant.
func Pearson(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("attrib: Pearson: lengths differ")
	}
	n := float64(len(x))
	if n < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Spearman returns the Spearman rank correlation of x and y: the Pearson
// correlation of their ranks, ties given their mean rank. NaN if either is
// constant.
func Spearman(x, y []float64) float64 {
	return Pearson(Ranks(nil, x), Ranks(nil, y))
}

// Ranks writes the ranks 1..n of x into dst (nil allocates), ties given
// their mean rank, and returns it.
func Ranks(dst, x []float64) []float64 {
	n := len(x)
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic("attrib: Ranks: len(dst) != len(x)")
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return x[order[a]] < x[order[b]] })
	for a := 0; a < n; {
		b := a + 1
		for b < n && x[order[b]] == x[order[a]] {
			b++
		}
		r := float64(a+b+1) / 2 // mean of ranks a+1..b
		for k := a; k < b; k++ {
			dst[order[k]] = r
		}
		a = b
	}
	return dst
}
