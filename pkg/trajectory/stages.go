// Copyright ©2026 The susclab Authors.

package trajectory

import (
	"math"

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
