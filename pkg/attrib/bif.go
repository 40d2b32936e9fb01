// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"errors"
	"fmt"

	"susclab/pkg/susc"
)

// Names of the observables that BIF.Scores watches.
const (
	TrainLosses = "attrib/train"
	QueryLosses = "attrib/query"
)

// BIF is the Bayesian influence function (docs/theory.md §4.1) as an
// attribution method, in the sign and scale of docs/theory.md §4.4: removing
// sample i is the weight change ε_i = -1, so to first order
//
//	τ(i, q) = -β BIF(z_i, φ_q) = β Cov(l_i, φ_q),    β = nβ/n,
//
// the change of the posterior expectation ⟨φ_q⟩. It samples the posterior
// (Posterior, its Center the trained weights) with Kernel and Run, watching
// the losses of every training sample (TrainLosses) and of the queries
// (QueryLosses; not needed for self-influence, when the queries are the
// training samples), and reads the scores with BIFScores. Its standard
// errors are those of the covariances (docs/theory.md §8.1) times β. In the
// Laplace limit it is the classical influence function damped by λ = γ/β
// (docs/theory.md §4.3).
//
// The zero value is not usable: Posterior (with nβ > 0), Kernel and
// Run.Draws are required. The sampler's own rules apply: Run.Seed makes the
// scores bit-identical for any number of workers, Run.Progress reports, and
// a cancelled context returns its error.
type BIF struct {
	Posterior susc.Posterior
	Kernel    susc.Kernel
	Run       susc.Run
}

// Scores samples the posterior and returns the BIF scores with standard
// errors.
func (b BIF) Scores(ctx context.Context, train susc.Model, q Query) (*Scores, error) {
	if train == nil {
		return nil, errors.New("attrib: nil training model")
	}
	if err := q.validate(train.Dim()); err != nil {
		return nil, err
	}
	if b.Posterior.PriorOnly {
		return nil, errors.New("attrib: BIF needs nβ > 0 (not a PriorOnly posterior)")
	}
	obs := []susc.Observable{susc.PointLosses(TrainLosses, nil)}
	query := TrainLosses
	if !q.isTrain(train) {
		o, err := q.Observable(QueryLosses)
		if err != nil {
			return nil, err
		}
		obs, query = append(obs, o), QueryLosses
	}
	res, err := susc.Sample(ctx, train, b.Posterior, b.Kernel, b.Run, obs...)
	if err != nil {
		return nil, err
	}
	return BIFScores(res, TrainLosses, query)
}

// BIFScores returns τ(i, q) = β Cov(l_i, φ_q), β = nβ/n, with standard errors,
// from a Result whose observable train holds the losses of every training
// sample in order (susc.PointLosses(train, nil)) and whose observable query
// holds the query values (Query.Observable, or train again for
// self-influence).
func BIFScores(res *susc.Result, train, query string) (*Scores, error) {
	if res == nil {
		return nil, errors.New("attrib: nil Result")
	}
	if res.PriorOnly || !(res.NBeta > 0) {
		return nil, fmt.Errorf("attrib: BIF needs nβ > 0, the Result has %v", res.NBeta)
	}
	o, err := res.Observable(train)
	if err != nil {
		return nil, err
	}
	if len(o.Samples) != res.NumData {
		return nil, fmt.Errorf("attrib: observable %q watches %d of %d training samples (use susc.PointLosses(name, nil))", train, len(o.Samples), res.NumData)
	}
	for i, j := range o.Samples {
		if i != j {
			return nil, fmt.Errorf("attrib: observable %q watches samples out of order", train)
		}
	}
	sm, err := res.SusceptibilityMatrix(train, query)
	if err != nil {
		return nil, err
	}
	beta := res.NBeta / float64(res.NumData)
	n, nq := sm.Cov.Dims()
	s := newScores(fmt.Sprintf("BIF nβ=%.4g", res.NBeta), n, nq)
	s.SE = make([]float64, n*nq)
	for i := range n {
		for q := range nq {
			s.Value[i*nq+q] = beta * sm.Cov.At(i, q)
			s.SE[i*nq+q] = beta * sm.CovSE.At(i, q)
		}
	}
	return s, s.Validate()
}
