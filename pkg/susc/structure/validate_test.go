package structure_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
	"susclab/pkg/toy"
)

// countingModel counts evaluations and can cancel a context at a count.
type countingModel struct {
	*toy.GaussianMean
	calls  *atomic.Int64
	cancel func()
	at     int64
}

func (m countingModel) LossGrad(grad, w []float64, batch []int) float64 {
	if m.calls.Add(1) == m.at && m.cancel != nil {
		m.cancel()
	}
	return m.GaussianMean.LossGrad(grad, w, batch)
}

func newCounting() countingModel {
	g := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 50, []float64{0, 1, 2}, 1)
	return countingModel{GaussianMean: g, calls: new(atomic.Int64)}
}

// Every component is checked before any sampling (a bad mask used to be
// reported only after the full chain had run), and a masked kernel cannot
// be the full chain.
func TestSampleChecksComponentsFirst(t *testing.T) {
	m := newCounting()
	p := susc.Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 1, 2}}
	k := susc.SGLD{Epsilon: 1e-3}
	r := susc.Run{Chains: 2, Draws: 50}
	x := susc.Param("w0", 0)
	ok := structure.Component{Name: "ok", Mask: []bool{true, false, false}}
	for _, c := range []struct {
		name  string
		k     susc.Kernel
		comps []structure.Component
		want  string
	}{
		{"short mask", k, []structure.Component{ok, {Name: "short", Mask: []bool{true}}}, "mask has length 1"},
		{"empty mask", k, []structure.Component{ok, {Name: "none", Mask: []bool{false, false, false}}}, "selects no parameter"},
		{"no components", k, nil, "no components"},
		{"masked kernel", susc.SGLD{Epsilon: 1e-3, Mask: []bool{true, true, false}}, []structure.Component{ok}, "already has a mask"},
	} {
		s, err := structure.Sample(context.Background(), m, p, c.k, r, c.comps, x)
		if err == nil || s != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
		if n := m.calls.Load(); n != 0 {
			t.Errorf("%s: %d model evaluations before the error", c.name, n)
		}
	}
}

// A cancel returns the columns finished so far (the rest NaN) with the
// error, not nothing.
func TestSampleCancelKeepsFinishedColumns(t *testing.T) {
	m := newCounting()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m.cancel, m.at = cancel, 7500 // during the second restricted run (3,000 evaluations per run)
	p := susc.Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 1, 2}}
	comps := []structure.Component{{Name: "a", Mask: []bool{true, false, false}}, {Name: "b", Mask: []bool{false, true, false}}}
	s, err := structure.Sample(ctx, m, p, susc.SGLD{Epsilon: 1e-3}, susc.Run{Chains: 2, Workers: 1, Draws: 500, Thin: 2}, comps, susc.Param("w0", 0))
	if !errors.Is(err, context.Canceled) || s == nil {
		t.Fatalf("err %v, matrix %v", err, s)
	}
	if math.IsNaN(s.Chi.At(0, 0)) || !math.IsNaN(s.Chi.At(0, 1)) || len(s.Patterns) != 1 || len(s.Components) != 2 {
		t.Errorf("partial matrix %v, patterns %v, components %v", s.Chi, s.Patterns, s.Components)
	}
}

// Modes JSON whose explained list is shorter than s used to panic in the
// reader.
func TestModesJSONInconsistent(t *testing.T) {
	for _, s := range []string{
		`{"s": [2, 1], "explained": [0.8], "u": {"data": [[1, 0], [0, 1]]}, "v": {"data": [[1, 0], [0, 1]]}}`,
		`{"s": [2, 1], "explained": [0.8, 0.2], "u": {"data": [[1], [0]]}, "v": {"data": [[1, 0], [0, 1]]}}`,
		`{"s": [2], "explained": [1], "u": {"data": [[1], []]}, "v": {"data": [[1]]}}`,
	} {
		var m structure.Modes
		if err := susc.ReadJSON(strings.NewReader(s), &m); err == nil {
			t.Errorf("%s: read without error", s)
		}
	}
	var sm structure.Matrix
	if err := susc.ReadJSON(strings.NewReader(`{"nbeta": 1, "chi": {"rows": ["p"], "cols": ["a", "b"], "data": [[1, 2]]}, "se": {"data": [[1]]}}`), &sm); err == nil {
		t.Error("structural matrix with a standard-error matrix of another shape read without error")
	}
}

// An observable whose dimension is known only once bound (all samples)
// sizes the matrix; it used to panic with a zero-length matrix.
func TestSampleObservableBoundLate(t *testing.T) {
	m := newCounting()
	p := susc.Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 1, 2}}
	s, err := structure.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 1e-3}, susc.Run{Chains: 2, Draws: 20},
		[]structure.Component{{Name: "a", Mask: []bool{true, false, false}}}, susc.SampleLossDeltas("x", nil))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Chi.Dims(); r != 50 || len(s.Patterns) != 50 {
		t.Errorf("%d rows, %d patterns, want 50", r, len(s.Patterns))
	}
}

// A diverged chain is left out and the matrix is still computed; its error
// comes back with it.
func TestSampleGoesOnPastDivergence(t *testing.T) {
	m := newCounting()
	p := susc.Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 1, 2}}
	k := &divergeOnce{SGLD: susc.SGLD{Epsilon: 1e-3}}
	s, err := structure.Sample(context.Background(), m, p, k, susc.Run{Chains: 3, Workers: 1, Draws: 200, Thin: 2},
		[]structure.Component{{Name: "a", Mask: []bool{true, false, false}}}, susc.Param("w0", 0))
	var de *susc.DivergenceError
	if !errors.As(err, &de) || s == nil || math.IsNaN(s.Chi.At(0, 0)) {
		t.Fatalf("err %v, matrix %v", err, s)
	}
}

// divergeOnce gives the second Init of its life (the full run's chain 0,
// after Sample's own check) a step far too large: that chain diverges.
type divergeOnce struct {
	susc.SGLD
	inits atomic.Int64
}

func (k *divergeOnce) Init(p *susc.Posterior, w0 []float64) (susc.State, error) {
	if k.inits.Add(1) == 2 {
		return susc.SGLD{Epsilon: 10}.Init(p, w0)
	}
	return k.SGLD.Init(p, w0)
}
func (k *divergeOnce) WithMask(mask []bool) susc.Kernel { return k.SGLD.WithMask(mask) }
