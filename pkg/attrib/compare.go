// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"time"

	"susclab/pkg/susc"
)

// Outcome is what one method returned and what it cost.
type Outcome struct {
	// Scores is nil if the method failed.
	Scores *Scores
	// Seconds is the wall-clock time of the Scores call: a measured cost
	// that depends on the machine and its load, for tables, not tests.
	Seconds float64
	// Err is the method's error ("" on success), for example a Hessian
	// that is not positive definite at the damping asked for.
	Err string
}

// RunAll runs the methods one after the other on the same data and
// queries and records each one's scores, error and time. A method's
// failure is recorded, not returned: the others still run. A cancelled
// context makes the remaining methods fail with its error.
func RunAll(ctx context.Context, train susc.Model, q Query, methods ...Method) []Outcome {
	out := make([]Outcome, len(methods))
	for k, m := range methods {
		start := time.Now()
		s, err := m.Scores(ctx, train, q)
		out[k].Seconds = time.Since(start).Seconds()
		if err != nil {
			out[k].Err = err.Error()
			continue
		}
		out[k].Scores = s
	}
	return out
}

// Evaluation is one method's agreement with retraining.
type Evaluation struct {
	Method string
	// LDS is the linear datamodeling score against subset retraining;
	// LOOPearson and LOOSpearman the correlations with leave-one-out
	// retraining. Each is a mean over queries with its standard error.
	LDS, LOOPearson, LOOSpearman Correlation
}

// Evaluate scores s against subset retraining (for the LDS) and
// leave-one-out retraining (for the LOO correlations); either truth may be
// nil, leaving its fields zero.
func Evaluate(s *Scores, subsets, loo *Truth) (Evaluation, error) {
	e := Evaluation{Method: s.Method}
	var err error
	if subsets != nil {
		if e.LDS, err = LDS(s, subsets); err != nil {
			return e, err
		}
	}
	if loo != nil {
		if e.LOOPearson, e.LOOSpearman, err = LOOCorrelation(s, loo); err != nil {
			return e, err
		}
	}
	return e, nil
}
