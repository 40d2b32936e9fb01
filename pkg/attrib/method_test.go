// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"susclab/pkg/checkpoint"
	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// TestMethodValidation: every method refuses bad inputs with an error
// naming the problem, before any work.
func TestMethodValidation(t *testing.T) {
	m, test, w := smallMLP()
	other, _ := regression(10, 0.5)
	q := Query{Model: test}
	series := &checkpoint.Series{Dim: m.Dim()}
	series.Add(0, 1, w)
	series.Add(10, 1, w)
	short := &checkpoint.Series{Dim: m.Dim()}
	short.Add(0, 1, w)
	wrongDim := &checkpoint.Series{Dim: 3}
	wrongDim.Add(0, 1, []float64{0, 0, 0})
	wrongDim.Add(1, 1, []float64{0, 0, 0})
	post := susc.Posterior{NBeta: 20, Gamma: 10, Center: w}
	run := susc.Run{Chains: 2, Draws: 10}
	for _, c := range []struct {
		name string
		m    Method
		q    Query
		want string
	}{
		{"IF short W", InfluenceFunction{W: w[:2]}, q, "weights"},
		{"IF negative damping", InfluenceFunction{W: w, Damping: -1}, q, "damping"},
		{"IF Hessian shape", InfluenceFunction{W: w, Hessian: other.Hessian()}, q, "Hessian is 3×3"},
		{"IF query of another model", InfluenceFunction{W: w, Damping: 1}, Query{Model: other}, "parameters"},
		{"IF query index", InfluenceFunction{W: w, Damping: 1}, Query{Model: test, Idx: []int{-1}}, "out of range"},
		{"IF empty query", InfluenceFunction{W: w, Damping: 1}, Query{Model: test, Idx: []int{}}, "empty"},
		{"IF no query model", InfluenceFunction{W: w, Damping: 1}, Query{}, "nil"},
		{"grad short W", GradientSimilarity{W: w[:1]}, q, "weights"},
		{"TracIn nil series", TracIn{LR: []float64{1}}, q, "nil Series"},
		{"TracIn one checkpoint", TracIn{Series: short, LR: []float64{1}}, q, "at least 2"},
		{"TracIn rates", TracIn{Series: series, LR: []float64{1, 2}}, q, "learning rates"},
		{"TracIn negative rate", TracIn{Series: series, LR: []float64{-1}}, q, "learning rate"},
		{"TracIn dimension", TracIn{Series: wrongDim, LR: []float64{1}}, q, "dimension"},
		{"BIF prior only", BIF{Posterior: susc.Posterior{PriorOnly: true, Gamma: 1, Center: w}, Kernel: susc.SGLD{Epsilon: 1e-3}, Run: run}, q, "nβ > 0"},
		{"BIF query", BIF{Posterior: post, Kernel: susc.SGLD{Epsilon: 1e-3}, Run: run}, Query{Model: other}, "parameters"},
		{"BIF no draws", BIF{Posterior: post, Kernel: susc.SGLD{Epsilon: 1e-3}}, q, "Draws"},
	} {
		_, err := c.m.Scores(context.Background(), m, c.q)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

// TestBIFDeterministic: the BIF's scores are bit-identical for 1 and 3
// workers (the sampler's seeding, docs/theory.md §2.4), for a model with
// scratch memory and a query model of its own.
func TestBIFDeterministic(t *testing.T) {
	m, test, w0 := smallMLP()
	w, _ := toy.Minimize(m, w0, toy.Optimizer{Method: toy.Adam, Steps: 300, LR: 0.02})
	var out []*Scores
	for _, workers := range []int{1, 3} {
		b := BIF{Posterior: susc.Posterior{NBeta: 20, Gamma: 10, Center: w}, Kernel: susc.SGLD{Epsilon: 1e-3},
			Run: susc.Run{Chains: 3, Draws: 50, Thin: 2, Seed: 4, Workers: workers}}
		s, err := b.Scores(context.Background(), m, Query{Model: test})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if !reflect.DeepEqual(out[0], out[1]) {
		t.Error("BIF scores depend on the number of workers")
	}
}
