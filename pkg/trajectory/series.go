// Copyright ©2026 The susclab Authors.

package trajectory

import (
	"fmt"
	"math"

	"susclab/pkg/susc"
)

// Series is one scalar estimate over the checkpoints: Value[k] ± SE[k] at
// training step Steps[k] (NaN where it could not be formed).
type Series struct {
	Name      string
	Steps     []int
	Value, SE []float64
}

// Entries is a matrix-valued estimate over the checkpoints, flattened: entry
// e (named Labels[e], e.g. "row/col") has Value[e][k] ± SE[e][k] at
// Steps[k].
type Entries struct {
	Name      string
	Steps     []int
	Labels    []string
	Value, SE [][]float64
}

// Series returns entry e over the checkpoints.
func (e Entries) Series(i int) Series {
	return Series{Name: e.Name + " " + e.Labels[i], Steps: e.Steps, Value: e.Value[i], SE: e.SE[i]}
}

// Steps returns the steps of the points.
func (t *Trajectory) Steps() []int {
	s := make([]int, len(t.Points))
	for k, p := range t.Points {
		s[k] = p.Step
	}
	return s
}

// Series returns f of every point as a series.
func (t *Trajectory) Series(name string, f func(p *Point) susc.Estimate) Series {
	s := Series{Name: name, Steps: t.Steps(), Value: make([]float64, len(t.Points)), SE: make([]float64, len(t.Points))}
	for k := range t.Points {
		e := f(&t.Points[k])
		s.Value[k], s.SE[k] = e.Value, e.SE
	}
	return s
}

// Loss returns the training loss of the checkpoints (SE 0).
func (t *Trajectory) Loss() Series {
	return t.Series("training loss", func(p *Point) susc.Estimate { return susc.Estimate{Value: p.TrainLoss} })
}

// LLC returns the local learning coefficient λ̂ (docs/theory.md §7.1) over
// the checkpoints.
func (t *Trajectory) LLC() Series {
	return t.Series("LLC", func(p *Point) susc.Estimate { return susc.Estimate{Value: p.LLC.Mean, SE: p.LLC.SE} })
}

// Entries returns a matrix-valued estimate over the checkpoints: f gives,
// for a point, the labels of its entries and their values and standard
// errors, or nil labels where the point has no such estimate (its entries
// are then NaN). The labels are the first point's that has them; a point
// with a different number of entries is an error.
func (t *Trajectory) Entries(name string, f func(p *Point) (labels []string, value, se []float64)) (Entries, error) {
	e := Entries{Name: name, Steps: t.Steps()}
	n := len(t.Points)
	cols := make([][2][]float64, n)
	for k := range t.Points {
		l, v, s := f(&t.Points[k])
		if l == nil {
			continue
		}
		if len(v) != len(l) || len(s) != len(l) {
			return Entries{}, fmt.Errorf("trajectory: %s at step %d: %d labels, %d values, %d SEs", name, t.Points[k].Step, len(l), len(v), len(s))
		}
		if e.Labels == nil {
			e.Labels = l
		} else if len(l) != len(e.Labels) {
			return Entries{}, fmt.Errorf("trajectory: %s has %d entries at step %d, %d before", name, len(l), t.Points[k].Step, len(e.Labels))
		}
		cols[k] = [2][]float64{v, s}
	}
	e.Value, e.SE = make([][]float64, len(e.Labels)), make([][]float64, len(e.Labels))
	for i := range e.Labels {
		e.Value[i], e.SE[i] = make([]float64, n), make([]float64, n)
		for k := range n {
			if cols[k][0] == nil {
				e.Value[i][k], e.SE[i][k] = math.NaN(), math.NaN()
				continue
			}
			e.Value[i][k], e.SE[i][k] = cols[k][0][i], cols[k][1][i]
		}
	}
	return e, nil
}

// Response returns the susceptibility matrix Spec.Susceptibilities[i] as
// the response J = -nβ Cov(φ, ΔL) (docs/theory.md §3.3), entries "φ/ΔL".
func (t *Trajectory) Response(i int) (Entries, error) {
	if i < 0 || i >= len(t.Susceptibilities) {
		return Entries{}, fmt.Errorf("trajectory: no susceptibility matrix %d (have %d)", i, len(t.Susceptibilities))
	}
	q := t.Susceptibilities[i]
	return t.Entries("J "+q.A+"/"+q.B, func(p *Point) ([]string, []float64, []float64) {
		if i >= len(p.Susceptibilities) || p.Susceptibilities[i] == nil {
			return nil, nil, nil
		}
		sm := p.Susceptibilities[i]
		v, se := sm.Response()
		return flatten(sm.Rows, sm.Cols, v.At, se.At, false)
	})
}

// Structure returns the structural matrix χ̂ (docs/theory.md §5.2), entries
// "pattern/component".
func (t *Trajectory) Structure() (Entries, error) {
	if len(t.Components) == 0 {
		return Entries{}, fmt.Errorf("trajectory: no structural matrix was asked for")
	}
	return t.Entries("χ̂ "+t.StructureX, func(p *Point) ([]string, []float64, []float64) {
		if p.Structure == nil {
			return nil, nil, nil
		}
		s := p.Structure
		return flatten(s.Patterns, s.Components, s.Chi.At, s.SE.At, false)
	})
}

// BIF returns Spec.BIFs[i], BIF(z_j, φ) = -Cov(l_j, φ) (docs/theory.md §4.1),
// one entry per sample.
func (t *Trajectory) BIF(i int) (Entries, error) {
	if i < 0 || i >= len(t.BIFs) {
		return Entries{}, fmt.Errorf("trajectory: no BIF %d (have %d)", i, len(t.BIFs))
	}
	q := t.BIFs[i]
	return t.Entries("BIF "+q.A+"/"+q.B, func(p *Point) ([]string, []float64, []float64) {
		if i >= len(p.BIFs) || p.BIFs[i] == nil {
			return nil, nil, nil
		}
		b := p.BIFs[i]
		l, v, s := make([]string, len(b)), make([]float64, len(b)), make([]float64, len(b))
		for j, e := range b {
			l[j], v[j], s[j] = fmt.Sprintf("%s[%d]", q.A, j), e.Value, e.SE
		}
		if p.Result != nil { // name the samples when the result is kept
			if lb, err := p.Result.Labels(q.A); err == nil && len(lb) == len(b) {
				l = lb
			}
		}
		return l, v, s
	})
}

// Influence returns the influence matrix I_ij = -Cov(l_i, l_j)
// (docs/theory.md §4.2), upper triangle, entries "i/j" by sample index.
func (t *Trajectory) Influence() (Entries, error) {
	if t.InfluenceLosses == "" {
		return Entries{}, fmt.Errorf("trajectory: no influence matrix was asked for")
	}
	return t.Entries("influence "+t.InfluenceLosses, func(p *Point) ([]string, []float64, []float64) {
		if p.Influence == nil || p.Influence.Value == nil || p.Influence.SE == nil {
			return nil, nil, nil
		}
		im := p.Influence
		names := make([]string, len(im.Samples))
		for j, s := range im.Samples {
			names[j] = fmt.Sprint(s)
		}
		return flatten(names, names, im.Value.At, im.SE.At, true)
	})
}

// flatten lists the entries of a labelled matrix row by row (upper
// triangle only if sym).
func flatten(rows, cols []string, v, se func(i, j int) float64, sym bool) ([]string, []float64, []float64) {
	var l []string
	var vs, ss []float64
	for i, r := range rows {
		j0 := 0
		if sym {
			j0 = i
		}
		for j := j0; j < len(cols); j++ {
			l = append(l, r+"/"+cols[j])
			vs, ss = append(vs, v(i, j)), append(ss, se(i, j))
		}
	}
	if l == nil {
		l = []string{}
	}
	return l, vs, ss
}
