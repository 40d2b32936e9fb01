package pattern

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/pkg/susc"
)

// Closing the patterning loop (docs/theory.md §6.4): a designed intervention dh
// predicts the change dμ = J dh of the posterior means of φ. ClosedLoop
// re-samples the posterior of q_{t·dh} (a Mixture of the base model and the
// probes) along a sweep of step sizes t and compares the realized change
//
//	Δμ(t) = <φ>_{t·dh} - <φ>_0
//
// with the linear prediction t·J dh. Every run, including t = 0, samples a
// Mixture with the same Run (same Seed, chains, batches and minibatch
// order): the chains share their noise (common random numbers), so the
// difference of two runs is far less noisy than either mean, and its
// standard error comes from the paired per-unit differences (see
// MeanShift).

// MeanShift returns the change of the posterior mean of each component of
// the observable name from base to pert, <φ>_pert - <φ>_base, with a
// standard error. If paired, the two runs must have the same units (same
// Run.Chains and Run.Batches, and the same Seed for the pairing to help):
// units are paired by chain and batch, over the chains both runs use, and
// the standard error is the spread of the per-unit differences divided by
// √pairs. Otherwise the runs are taken as independent and the
// standard error is √(SE_base² + SE_pert²).
func MeanShift(base, pert *susc.Result, name string, paired bool) ([]susc.Estimate, error) {
	ob, err := base.Observable(name)
	if err != nil {
		return nil, err
	}
	op, err := pert.Observable(name)
	if err != nil {
		return nil, err
	}
	if ob.Dim != op.Dim {
		return nil, fmt.Errorf("pattern: MeanShift: %q has %d components in base, %d in pert", name, ob.Dim, op.Dim)
	}
	if paired && (base.Settings.Chains != pert.Settings.Chains || base.Settings.Batches != pert.Settings.Batches) {
		return nil, fmt.Errorf("pattern: MeanShift: paired runs have %d×%d and %d×%d chains × batches",
			base.Settings.Chains, base.Settings.Batches, pert.Settings.Chains, pert.Settings.Batches)
	}
	pairs := pairedUnits(base, pert)
	if paired && len(pairs) < 2 {
		return nil, fmt.Errorf("pattern: MeanShift: %d paired units (same chain and batch, used in both runs), want ≥ 2", len(pairs))
	}
	out := make([]susc.Estimate, ob.Dim)
	d := make([]float64, len(pairs))
	for i := range out {
		a, b := base.Mean(ob.Offset+i), pert.Mean(op.Offset+i)
		out[i].Value = b.Value - a.Value
		if !paired {
			out[i].SE = math.Hypot(a.SE, b.SE)
			continue
		}
		for u, pr := range pairs {
			d[u] = pr[1].Mean[op.Offset+i] - pr[0].Mean[ob.Offset+i]
		}
		out[i].SE = standardError(d)
	}
	return out, nil
}

// pairedUnits returns the units (base, pert) of the same chain and batch,
// for the chains both runs use, with at least two draws in each.
func pairedUnits(base, pert *susc.Result) [][2]*susc.Moments {
	used := map[int]bool{}
	for _, c := range base.Used() {
		used[c] = true
	}
	var pairs [][2]*susc.Moments
	for _, c := range pert.Used() {
		if !used[c] || c >= len(base.Chains) {
			continue
		}
		bu, pu := base.Chains[c].Units, pert.Chains[c].Units
		for u := range min(len(bu), len(pu)) {
			if bu[u].N >= 2 && pu[u].N >= 2 {
				pairs = append(pairs, [2]*susc.Moments{bu[u], pu[u]})
			}
		}
	}
	return pairs
}

// ClosedLoop re-samples the posterior under data interventions h on the
// mixture q_h = (1 - Σh) q + Σ h_k q_k (NewMixture of Base and Probes). All
// fields are required; every run uses Posterior, Kernel and Run unchanged
// (the posterior stays centred at the same w*).
type ClosedLoop struct {
	Base      susc.Model
	Probes    []susc.Model
	Posterior susc.Posterior
	Kernel    susc.Kernel
	Run       susc.Run
	// Observable is φ, whose components are the rows of J.
	Observable susc.Observable
}

// Sample returns the posterior of q_h with the observable.
func (c *ClosedLoop) Sample(ctx context.Context, h []float64) (*susc.Result, error) {
	if c.Observable == nil {
		return nil, errors.New("pattern: ClosedLoop: no Observable")
	}
	mix, err := NewMixture(c.Base, c.Probes, h)
	if err != nil {
		return nil, err
	}
	return susc.Sample(ctx, mix, c.Posterior, c.Kernel, c.Run, c.Observable)
}

// Shift returns the realized change <φ>_h - <φ>_0, paired over units.
// base is the Result of Sample(ctx, 0) (nil: sample it).
func (c *ClosedLoop) Shift(ctx context.Context, base *susc.Result, h []float64) ([]susc.Estimate, error) {
	if base == nil {
		var err error
		if base, err = c.Sample(ctx, make([]float64, len(c.Probes))); err != nil {
			return nil, err
		}
	}
	res, err := c.Sample(ctx, h)
	if err != nil {
		return nil, err
	}
	return MeanShift(base, res, c.Observable.Name(), true)
}

// ResponseSweep compares predicted and realized changes of the posterior
// means along the intervention t·dh.
type ResponseSweep struct {
	// T are the step sizes; Dh the direction.
	T, Dh []float64
	// Predicted[s][i] = t_s (J dh)_i with the standard error propagated from
	// J's (entries taken as independent): t_s √(Σ_k (SE(J_ik) dh_k)²).
	Predicted [][]susc.Estimate
	// Realized[s][i] = <φ_i>_{t_s·dh} - <φ_i>_0, paired standard error.
	Realized [][]susc.Estimate
	// Base is the t = 0 run and Runs[s] the run at T[s].
	Base *susc.Result
	Runs []*susc.Result
}

// Sweep samples q_{t·dh} for every t in ts (and t = 0 once) and returns the
// predicted and realized changes. j and jse are the response matrix and its
// standard errors (SusceptibilityMatrix.Response; jse may be nil); j has one
// row per component of the Observable and one column per probe. Every t·dh
// must be feasible (h ≥ 0, Σh ≤ 1).
func (c *ClosedLoop) Sweep(ctx context.Context, j, jse mat.Matrix, dh, ts []float64) (*ResponseSweep, error) {
	r, k := j.Dims()
	if k != len(c.Probes) || len(dh) != k {
		return nil, fmt.Errorf("pattern: ClosedLoop.Sweep: J has %d columns, %d probes, len(dh) = %d", k, len(c.Probes), len(dh))
	}
	if c.Observable != nil && c.Observable.Dim() != r {
		return nil, fmt.Errorf("pattern: ClosedLoop.Sweep: J has %d rows, observable %q has %d components", r, c.Observable.Name(), c.Observable.Dim())
	}
	if jse != nil {
		if rs, ks := jse.Dims(); rs != r || ks != k {
			return nil, fmt.Errorf("pattern: ClosedLoop.Sweep: J is %d×%d, its standard errors %d×%d", r, k, rs, ks)
		}
	}
	pred, predSE := predictLinear(j, jse, dh)
	base, err := c.Sample(ctx, make([]float64, k))
	if err != nil {
		return nil, err
	}
	sw := &ResponseSweep{T: append([]float64(nil), ts...), Dh: append([]float64(nil), dh...), Base: base}
	h := make([]float64, k)
	for _, t := range ts {
		for a := range h {
			h[a] = t * dh[a]
		}
		res, err := c.Sample(ctx, h)
		if err != nil {
			return sw, fmt.Errorf("pattern: ClosedLoop.Sweep at t = %v: %w", t, err)
		}
		shift, err := MeanShift(base, res, c.Observable.Name(), true)
		if err != nil {
			return sw, err
		}
		p := make([]susc.Estimate, r)
		for i := range p {
			p[i] = susc.Estimate{Value: t * pred[i], SE: math.Abs(t) * predSE[i]}
		}
		sw.Predicted = append(sw.Predicted, p)
		sw.Realized = append(sw.Realized, shift)
		sw.Runs = append(sw.Runs, res)
	}
	return sw, nil
}

// predictLinear returns J dh and its standard error from jse (entries
// independent; zero if jse is nil).
func predictLinear(j, jse mat.Matrix, dh []float64) (pred, se []float64) {
	r, k := j.Dims()
	pred, se = make([]float64, r), make([]float64, r)
	for i := range r {
		var v float64
		for a := range k {
			pred[i] += j.At(i, a) * dh[a]
			if jse != nil {
				s := jse.At(i, a) * dh[a]
				v += s * s
			}
		}
		se[i] = math.Sqrt(v)
	}
	return pred, se
}

// Z returns (realized - predicted) / √(SE_r² + SE_p²) for coordinate i at
// step s: how many combined standard errors linear response misses by.
func (sw *ResponseSweep) Z(s, i int) float64 {
	p, q := sw.Predicted[s][i], sw.Realized[s][i]
	return (q.Value - p.Value) / math.Hypot(p.SE, q.SE)
}

// Ratio returns realized / predicted for coordinate i at step s.
func (sw *ResponseSweep) Ratio(s, i int) float64 {
	return sw.Realized[s][i].Value / sw.Predicted[s][i].Value
}

// LinearUpTo returns the largest step size t such that, for coordinate i,
// every swept step size up to t (in the order of T, which should be
// increasing) agrees with linear response: the realized change is within
// maxZ combined standard errors of the prediction and, if relTol > 0,
// realized/predicted is within relTol of 1. It returns 0 if the first step
// already misses. The relative criterion matters at large t, where the
// prediction's standard error (proportional to t) hides a saturating
// response from the z test alone.
func (sw *ResponseSweep) LinearUpTo(i int, maxZ, relTol float64) float64 {
	var last float64
	for s, t := range sw.T {
		z := sw.Z(s, i)
		if math.IsNaN(z) || math.Abs(z) > maxZ {
			break
		}
		if relTol > 0 && !(math.Abs(sw.Ratio(s, i)-1) <= relTol) {
			break
		}
		last = t
	}
	return last
}

// RandomFeasible returns a direction of the same Euclidean norm as dh,
// uniformly random among the feasible ones: the control intervention of a
// patterning experiment. With weights nil (base distribution outside the
// patterns: h ≥ 0, Σh ≤ 1) the direction is uniform on the positive orthant
// of the sphere; with weights π (see Config.Weights) it is uniform on
// the sphere of the Σ dh = 0 subspace, subject to π + dh ≥ 0. Draws that
// violate the remaining constraint are redrawn; ok is false if 1000 draws
// all failed. rng must not be nil.
func RandomFeasible(rng *rand.Rand, dh, weights []float64) (ctrl []float64, ok bool) {
	if rng == nil {
		panic("pattern: RandomFeasible: nil *rand.Rand")
	}
	k := len(dh)
	if weights != nil && len(weights) != k {
		panic("pattern: RandomFeasible: len(weights) != len(dh)")
	}
	var norm float64
	for _, x := range dh {
		norm += x * x
	}
	norm = math.Sqrt(norm)
	ctrl = make([]float64, k)
	for range 1000 {
		var mean float64
		for a := range ctrl {
			ctrl[a] = rng.NormFloat64()
			if weights == nil {
				ctrl[a] = math.Abs(ctrl[a])
			}
			mean += ctrl[a] / float64(k)
		}
		if weights != nil {
			for a := range ctrl {
				ctrl[a] -= mean
			}
		}
		var s float64
		for _, x := range ctrl {
			s += x * x
		}
		if s == 0 {
			continue
		}
		f := norm / math.Sqrt(s)
		var sum float64
		feasible := true
		for a := range ctrl {
			ctrl[a] *= f
			sum += ctrl[a]
			if weights != nil && weights[a]+ctrl[a] < 0 {
				feasible = false
			}
		}
		if weights == nil && sum > 1 {
			feasible = false
		}
		if feasible {
			return ctrl, true
		}
	}
	return nil, false
}

// standardError returns sd(xs)/√len(xs), NaN for fewer than two values.
func standardError(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	return stat.StdDev(xs, nil) / math.Sqrt(float64(len(xs)))
}
