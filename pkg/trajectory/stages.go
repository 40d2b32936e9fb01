// Copyright ©2026 The susclab Authors.

package trajectory

import (
	"math"
	"slices"

	"susclab/pkg/susc"
)

// Change returns b - a with the standard error √(SE_a² + SE_b²) of the
// difference of independent estimates (the points of a trajectory are
// sampled with independent seeds).
func Change(a, b susc.Estimate) susc.Estimate {
	return susc.Estimate{Value: b.Value - a.Value, SE: math.Hypot(a.SE, b.SE)}
}

// Transition is a change, between two consecutive points, of a discrete
// description of the model: the modes a deep linear network has learned,
// the features a toy model of superposition represents.
type Transition struct {
	// Index is the first point with the new label: the change happens
	// between points Index-1 and Index, at training step Step (Index's).
	Index, Step int
	From, To    int
}

// Transitions returns the changes of labels between consecutive points
// (steps[k] is point k's step).
func Transitions(steps, labels []int) []Transition {
	var tr []Transition
	for k := 1; k < len(labels) && k < len(steps); k++ {
		if labels[k] != labels[k-1] {
			tr = append(tr, Transition{Index: k, Step: steps[k], From: labels[k-1], To: labels[k]})
		}
	}
	return tr
}

// LossDrops reports, for each point k >= 1, whether the interval from
// point k-1 to k is a loss drop: the decrease L_{k-1} - L_k is positive,
// larger than the previous interval's and at least the next one's (a local
// maximum of the rate of descent, the middle of a transition). Point 0 is
// never one.
func LossDrops(loss []float64) []bool {
	d := make([]float64, len(loss)) // d[k] = L_{k-1} - L_k
	for k := 1; k < len(loss); k++ {
		d[k] = loss[k-1] - loss[k]
	}
	drop := make([]bool, len(loss))
	for k := 1; k < len(loss); k++ {
		drop[k] = d[k] > 0 && (k == 1 || d[k] > d[k-1]) && (k == len(loss)-1 || d[k] >= d[k+1])
	}
	return drop
}

// Stage is a run of consecutive points with the same label (the modes
// learned, the features represented).
type Stage struct {
	Label       int
	First, Last int // the indices of its first and last point
	// Rep is the point to read the stage from: the one whose checkpoint has
	// the smallest gradient norm, the nearest to the stage's critical point
	// (a plateau's saddle, or the final minimum), away from the transitions
	// on either side.
	Rep int
}

// Stages splits the points into runs of equal labels and picks each run's
// representative by gradNorm (Point.GradNorm; NaN never chosen unless all are).
func Stages(labels []int, gradNorm []float64) []Stage {
	var st []Stage
	for k := range labels {
		if k == 0 || labels[k] != labels[k-1] {
			st = append(st, Stage{Label: labels[k], First: k, Rep: k})
		}
		s := &st[len(st)-1]
		s.Last = k
		if k < len(gradNorm) && (gradNorm[k] < gradNorm[s.Rep] || math.IsNaN(gradNorm[s.Rep])) {
			s.Rep = k
		}
	}
	return st
}

// Escaped reports, for each point, whether its chains strayed from the
// checkpoint: the mean squared distance of the draws, Dist2 (Spec.Distance),
// is more than factor times the median over the points. A checkpoint in
// the middle of a loss drop has a downhill direction the localization
// cannot hold, and its estimates describe wherever the chains went, not the
// checkpoint. Without Dist2 (NaN) no point is marked.
func (t *Trajectory) Escaped(factor float64) []bool {
	var d []float64
	for _, p := range t.Points {
		if !math.IsNaN(p.Dist2.Value) {
			d = append(d, p.Dist2.Value)
		}
	}
	out := make([]bool, len(t.Points))
	if len(d) == 0 {
		return out
	}
	slices.Sort(d)
	med := d[len(d)/2]
	if len(d)%2 == 0 {
		med = (d[len(d)/2-1] + d[len(d)/2]) / 2
	}
	for k, p := range t.Points {
		out[k] = p.Dist2.Value > factor*med
	}
	return out
}

// Where returns s with NaN (a gap in a chart) where keep is false.
func (s Series) Where(keep []bool) Series {
	out := Series{Name: s.Name, Steps: s.Steps, Value: slices.Clone(s.Value), SE: slices.Clone(s.SE)}
	for k := range out.Value {
		if k < len(keep) && !keep[k] {
			out.Value[k], out.SE[k] = math.NaN(), math.NaN()
		}
	}
	return out
}

// Not returns the negation of b.
func Not(b []bool) []bool {
	out := make([]bool, len(b))
	for k, v := range b {
		out[k] = !v
	}
	return out
}

// Where returns e with NaN (a grey cell in a heatmap) at the points where
// keep is false.
func (e Entries) Where(keep []bool) Entries {
	out := Entries{Name: e.Name, Steps: e.Steps, Labels: e.Labels, Value: make([][]float64, len(e.Value)), SE: make([][]float64, len(e.SE))}
	for i := range e.Value {
		out.Value[i] = Series{Value: e.Value[i], SE: e.SE[i]}.Where(keep).Value
		out.SE[i] = Series{Value: e.Value[i], SE: e.SE[i]}.Where(keep).SE
	}
	return out
}
