// Copyright ©2026 The susclab Authors.

package solutions

import (
	"math"

	"susclab/pkg/report"
	"susclab/pkg/susc"
)

// Count returns the number of an arm's seeds whose trained model
// represents k features.
func (r *Record) Count(arm, k int) int {
	n := 0
	for _, v := range r.Arms[arm].Represented {
		if v == k {
			n++
		}
	}
	return n
}

// Fraction returns the fraction of an arm's seeds whose trained model
// represents k features, with its binomial standard error.
func (r *Record) Fraction(arm, k int) susc.Estimate {
	n := len(r.Arms[arm].Represented)
	if n == 0 {
		return susc.Estimate{Value: math.NaN(), SE: math.NaN()}
	}
	p, _, _ := report.Proportion(r.Count(arm, k), n, 2)
	return p
}

// Shift returns an arm's paired change, against the baseline, of the
// fraction of seeds whose model represents k features: the mean over seeds
// of 1[the arm's model does] − 1[the baseline's does], with the standard
// error of that mean (sd/√seeds; NaN with fewer than two seeds).
func (r *Record) Shift(arm, k int) susc.Estimate {
	a, b := r.Arms[arm].Represented, r.Arms[Baseline].Represented
	d := make([]float64, min(len(a), len(b)))
	for s := range d {
		d[s] = indicator(a[s] == k) - indicator(b[s] == k)
	}
	return report.MeanEstimate(d)
}

// Contrast and Even take arm indices of the record (RandomOpposite exists
// only with Options.Antithetic) and panic on others.

// Contrast returns the mean over seeds of (1[arm a's model represents k
// features] − 1[arm b's does])/2, with its standard error: for opposite
// arms (+dh and −dh, or the random control and its opposite) the
// first-order effect of the direction, with the second-order effect,
// the same for both, cancelled.
func (r *Record) Contrast(a, b, k int) susc.Estimate {
	return report.MeanEstimate(r.halfDifferences(a, b, k))
}

// halfDifferences returns, per seed, (1[arm a's model represents k] −
// 1[arm b's does])/2.
func (r *Record) halfDifferences(a, b, k int) []float64 {
	x, y := r.Arms[a].Represented, r.Arms[b].Represented
	d := make([]float64, min(len(x), len(y)))
	for s := range d {
		d[s] = (indicator(x[s] == k) - indicator(y[s] == k)) / 2
	}
	return d
}

// Oriented is Contrast with each seed's difference signed by the
// prediction JDesign·(h_s − π) of arm a at that seed (Predicted): for the
// random control and its opposite, a first-order check that can fail
// (Contrast of a symmetric pair is zero in expectation whatever J says).
// With Options.Symmetric the prediction's sign is that of the base
// weight's change, the one lever the design has.
func (r *Record) Oriented(a, b, k int) susc.Estimate {
	d := r.halfDifferences(a, b, k)
	for s := range d {
		if r.Predicted(a, s) < 0 {
			d[s] = -d[s]
		}
	}
	return report.MeanEstimate(d)
}

// Even returns the mean over seeds of (1[a] + 1[b])/2 − 1[baseline] for
// the event that a model represents k features, with its standard error:
// for opposite arms, their second-order effect, the first order
// cancelled.
func (r *Record) Even(a, b, k int) susc.Estimate {
	x, y, z := r.Arms[a].Represented, r.Arms[b].Represented, r.Arms[Baseline].Represented
	d := make([]float64, min(len(x), len(y), len(z)))
	for s := range d {
		d[s] = (indicator(x[s] == k)+indicator(y[s] == k))/2 - indicator(z[s] == k)
	}
	return report.MeanEstimate(d)
}

// Switches counts the seeds whose model represents k features under the
// arm but not under the baseline (to), and the other way round (from).
func (r *Record) Switches(arm, k int) (to, from int) {
	a, b := r.Arms[arm].Represented, r.Arms[Baseline].Represented
	for s := range min(len(a), len(b)) {
		switch {
		case a[s] == k && b[s] != k:
			to++
		case a[s] != k && b[s] == k:
			from++
		}
	}
	return to, from
}

// Predicted returns JDesign·(h_s − π) for an arm's weights at seed s: the
// linear-response change of ⟨φ⟩ that the design relies on.
func (r *Record) Predicted(arm, s int) float64 {
	var p float64
	for k, h := range r.Arms[arm].Weights[s] {
		p += r.JDesign[k] * (h - r.Pi[k])
	}
	return p
}

// PointsLLC returns the mean LLC of the design points that represent k
// features, with the standard error of that mean over the points (NaN
// with fewer than two), and how many there are.
func (r *Record) PointsLLC(k int) (susc.Estimate, int) {
	var v []float64
	for _, p := range r.Points {
		if p.Represented == k {
			v = append(v, p.LLC.Value)
		}
	}
	return report.MeanEstimate(v), len(v)
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
