// Copyright ©2026 The susclab Authors.

package trajectory_test

import (
	"math"
	"slices"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/trajectory"
)

func TestStages(t *testing.T) {
	steps := []int{0, 10, 20, 30, 40, 50}
	tr := trajectory.Transitions(steps, []int{0, 0, 1, 1, 3, 3})
	want := []trajectory.Transition{{Index: 2, Step: 20, From: 0, To: 1}, {Index: 4, Step: 40, From: 1, To: 3}}
	if !slices.Equal(tr, want) {
		t.Errorf("Transitions = %v, want %v", tr, want)
	}
	st := trajectory.Stages([]int{0, 0, 0, 1, 1, 2}, []float64{0.5, 0.25, 3, math.NaN(), 0.5, 7})
	if want := []trajectory.Stage{{0, 0, 2, 1}, {1, 3, 4, 4}, {2, 5, 5, 5}}; !slices.Equal(st, want) {
		t.Errorf("Stages = %v, want %v", st, want)
	}
	if got, want := trajectory.LossDrops([]float64{10, 9.75, 9, 5, 4.75, 4.5, 4.5}), []bool{false, false, false, true, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("LossDrops = %v, want %v", got, want)
	}
	if got, want := trajectory.LossDrops([]float64{3, 1, 1}), []bool{false, true, false}; !slices.Equal(got, want) {
		t.Errorf("LossDrops at the start = %v, want %v", got, want)
	}
	c := trajectory.Change(susc.Estimate{Value: 1, SE: 3}, susc.Estimate{Value: 5, SE: 4})
	if c.Value != 4 || c.SE != 5 {
		t.Errorf("Change = %v, want 4 ± 5", c)
	}
}

func TestEscaped(t *testing.T) {
	// Median of the finite values 1: with factor 1.5 only 40 strays (a
	// threshold from the smallest value would also flag 1 and 1.2).
	d := []float64{0.5, 1, 1.2, 1, 40, math.NaN()}
	tr := &trajectory.Trajectory{}
	for k, v := range d {
		tr.Points = append(tr.Points, trajectory.Point{Step: k, Dist2: susc.Estimate{Value: v}, LLC: susc.LLC{Mean: float64(k)}})
	}
	esc := tr.Escaped(1.5)
	if want := []bool{false, false, false, false, true, false}; !slices.Equal(esc, want) {
		t.Errorf("Escaped = %v, want %v", esc, want)
	}
	s := tr.LLC().Where(trajectory.Not(esc))
	if !math.IsNaN(s.Value[4]) || s.Value[3] != 3 || tr.LLC().Value[4] != 4 {
		t.Errorf("Where: %v (original %v)", s.Value, tr.LLC().Value)
	}
}

func TestEntriesWhere(t *testing.T) {
	e := trajectory.Entries{Steps: []int{1, 2}, Labels: []string{"a"}, Value: [][]float64{{1, 2}}, SE: [][]float64{{0.5, 0.5}}}
	w := e.Where([]bool{true, false})
	if w.Value[0][0] != 1 || !math.IsNaN(w.Value[0][1]) || !math.IsNaN(w.SE[0][1]) || e.Value[0][1] != 2 {
		t.Errorf("Where: %v ± %v (original %v)", w.Value, w.SE, e.Value)
	}
}
