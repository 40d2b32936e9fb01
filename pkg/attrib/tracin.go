// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/checkpoint"
	"susclab/pkg/susc"
)

// TracIn scores by following training through its checkpoints (Pruthi et
// al., "Estimating training data influence by tracing gradient descent",
// NeurIPS 2020), in the sign and scale of docs/theory.md §4.4: with
// checkpoints w_0, …, w_{K-1} taken at steps s_0 < … < s_{K-1},
//
//	τ(i, q) = Σ_{k<K-1} η_k (s_{k+1} - s_k)/n · ∇l_i(w_k)ᵀ∇φ_q(w_k).
//
// Each of the s_{k+1} - s_k steps from checkpoint k moves w by -η_k times the
// gradient of a batch mean, to which sample i contributes ∇l_i/n on average
// (exactly, for full batches), and so lowers φ_q by η_k ∇l_iᵀ∇φ_q/n to first
// order. τ is this decrease summed over training (a left Riemann sum over
// the checkpoints), which removing sample i would undo. Summed over i, the
// scores give the first-order drop φ_q(w_0) - φ_q(w_{K-1}) of full-batch
// gradient descent with a checkpoint at every step.
//
// The zero value is not usable: Series (at least two checkpoints) and LR
// are required.
type TracIn struct {
	// Series holds the checkpoints of the training run, of the training
	// model's dimension (package checkpoint).
	Series *checkpoint.Series
	// LR[k] is the learning rate η_k of the steps from checkpoint k to
	// checkpoint k+1: len(LR) = len(Series.Checkpoints) - 1, or a single
	// rate for every interval.
	LR []float64
}

// Scores returns the TracIn score of every training sample on every query.
func (t TracIn) Scores(ctx context.Context, train susc.Model, q Query) (*Scores, error) {
	if t.Series == nil {
		return nil, errors.New("attrib: TracIn: nil Series")
	}
	if err := t.Series.Validate(); err != nil {
		return nil, err
	}
	k := len(t.Series.Checkpoints)
	if k < 2 {
		return nil, fmt.Errorf("attrib: TracIn: %d checkpoints, need at least 2", k)
	}
	if len(t.LR) != k-1 && len(t.LR) != 1 {
		return nil, fmt.Errorf("attrib: TracIn: %d learning rates for %d intervals between checkpoints (give %d, or 1)", len(t.LR), k-1, k-1)
	}
	for _, v := range t.LR {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("attrib: TracIn: learning rate %v, want finite and ≥ 0", v)
		}
	}
	if train == nil || t.Series.Dim != train.Dim() {
		return nil, fmt.Errorf("attrib: TracIn: checkpoints of dimension %d for a model of %d parameters", t.Series.Dim, dimOf(train))
	}
	for _, c := range t.Series.Checkpoints {
		if err := checkTrain(train, c.Params); err != nil {
			return nil, fmt.Errorf("checkpoint at step %d: %w", c.Step, err)
		}
	}
	if err := q.validate(train.Dim()); err != nil {
		return nil, err
	}
	d, n, nq := train.Dim(), train.NumData(), q.Len()
	idx := q.indices()
	s := newScores("TracIn", n, nq)
	out := s.Matrix()
	g, gq := mat.NewDense(n, d, nil), mat.NewDense(nq, d, nil)
	var term mat.Dense
	for c := range k - 1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lr := t.LR[0]
		if len(t.LR) > 1 {
			lr = t.LR[c]
		}
		cp, next := &t.Series.Checkpoints[c], &t.Series.Checkpoints[c+1]
		weight := lr * float64(next.Step-cp.Step) / float64(n)
		if weight == 0 {
			continue
		}
		if _, err := Gradients(g, train, cp.Params, nil); err != nil {
			return nil, fmt.Errorf("checkpoint at step %d: %w", cp.Step, err)
		}
		if _, err := Gradients(gq, q.Model, cp.Params, idx); err != nil {
			return nil, fmt.Errorf("checkpoint at step %d: %w", cp.Step, err)
		}
		term.Mul(g, gq.T())
		out.Apply(func(i, j int, v float64) float64 { return v + weight*term.At(i, j) }, out)
	}
	return s, s.Validate()
}
