// Copyright ©2026 The susclab Authors.

package toy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// pointModel is the method set shared by all models of the package.
type pointModel interface {
	LossGrader
	NumData() int
	PointLosses(dst, w []float64, idx []int)
}

type namedModel struct {
	name  string
	m     pointModel
	batch []int
}

func testModels() []namedModel {
	rng := rand.New(rand.NewPCG(1, 2))
	return []namedModel{
		{"GaussianMean1", GaussianMeanData(rng, 37, []float64{0.3}, 1.5), []int{3, 1, 7, 1}},
		{"GaussianMean3", GaussianMeanData(rng, 50, []float64{0.3, -1, 2}, 1), []int{3, 1, 7, 1, 49}},
		{"LinearRegression", LinearRegressionData(rng, 40, []float64{1, -2, 0.5, 0}, 0.5), []int{0, 5, 5, 39}},
		{"LinearRegressionWide", LinearRegressionData(rng, 3, []float64{1, -2, 0.5, 0, 2}, 0), []int{2, 0}},
		{"Polynomial", Polynomial{Lambda: 1, Alpha: 0.5, Kappa: 2}, []int{0}},
		{"Monomial2", Monomial{K: 2}, []int{0}},
		{"Monomial3", Monomial{K: 3}, []int{0}},
		{"NormalCrossing11", NormalCrossingData(rng, 30, []int{1, 1}, false), []int{4, 2, 29}},
		{"NormalCrossing12ideal", NormalCrossingData(rng, 30, []int{1, 2}, true), []int{4, 2, 29}},
		{"NormalCrossing231", NormalCrossingData(rng, 25, []int{2, 3, 1}, false), []int{0, 0, 1}},
		{"ReducedRank535", ReducedRankData(rng, 40, 5, 3, 5, nil), []int{1, 9, 9, 39}},
		{"ReducedRank213", ReducedRankData(rng, 20, 2, 1, 3, nil), []int{1, 2}},
	}
}

func relErr(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func maxRelVec(a, b []float64) float64 {
	var s, e float64
	for i := range a {
		s = math.Max(s, math.Max(math.Abs(a[i]), math.Abs(b[i])))
		e = math.Max(e, math.Abs(a[i]-b[i]))
	}
	return e / math.Max(s, 1e-300)
}

func allIndices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func TestGradientFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tm := range testModels() {
		m := tm.m
		d := m.Dim()
		for trial := 0; trial < 5; trial++ {
			w := RandomInit(rng, d, 1)
			for _, batch := range [][]int{nil, tm.batch} {
				g := make([]float64, d)
				m.LossGrad(g, w, batch)
				f := func(x []float64) float64 { return m.LossGrad(nil, x, batch) }
				want := fd.Gradient(nil, f, w, &fd.Settings{Formula: fd.Central, Step: 1e-5})
				if e := maxRelVec(g, want); e > 1e-7 {
					t.Errorf("%s batch=%v: gradient vs finite difference rel err %g\n got %v\nwant %v", tm.name, batch, e, g, want)
				}
			}
		}
	}
}

func TestFullBatchEqualsLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tm := range testModels() {
		m := tm.m
		d := m.Dim()
		all := allIndices(m.NumData())
		for trial := 0; trial < 5; trial++ {
			w := RandomInit(rng, d, 1)
			g1, g2 := make([]float64, d), make([]float64, d)
			l1 := m.LossGrad(g1, w, nil)
			l2 := m.LossGrad(g2, w, all)
			if e := math.Abs(l1-l2) / math.Abs(l2); e > 1e-12 {
				t.Errorf("%s: full-batch loss %v, loop %v (rel %g)", tm.name, l1, l2, e)
			}
			if e := maxRelVec(g1, g2); e > 1e-12 {
				t.Errorf("%s: full-batch grad rel err %g", tm.name, e)
			}
			if l3 := m.LossGrad(nil, w, nil); l3 != l1 {
				t.Errorf("%s: loss depends on grad == nil: %v != %v", tm.name, l3, l1)
			}
			// grad is overwritten, not accumulated.
			for k := range g2 {
				g2[k] = 1e6
			}
			m.LossGrad(g2, w, nil)
			if e := maxRelVec(g1, g2); e > 0 {
				t.Errorf("%s: grad accumulates", tm.name)
			}
		}
	}
}

func TestPointLossesMatchLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tm := range testModels() {
		m := tm.m
		w := RandomInit(rng, m.Dim(), 1)
		pl := make([]float64, m.NumData())
		m.PointLosses(pl, w, nil)
		var s float64
		for _, v := range pl {
			s += v
		}
		s /= float64(len(pl))
		if e := relErr(s, m.LossGrad(nil, w, nil)); e > 1e-12 {
			t.Errorf("%s: mean point loss %v != loss (rel %g)", tm.name, s, e)
		}
		pb := make([]float64, len(tm.batch))
		m.PointLosses(pb, w, tm.batch)
		s = 0
		for b, i := range tm.batch {
			if pb[b] != pl[i] {
				t.Errorf("%s: PointLosses(idx)[%d] = %v, want %v", tm.name, b, pb[b], pl[i])
			}
			s += pb[b]
		}
		s /= float64(len(pb))
		if e := relErr(s, m.LossGrad(nil, w, tm.batch)); e > 1e-12 {
			t.Errorf("%s: batch mean point loss rel err %g", tm.name, e)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	for _, tm := range testModels() {
		m := tm.m
		w := make([]float64, m.Dim())
		for k := range w {
			w[k] = 0.1 * float64(k+1)
		}
		g := make([]float64, m.Dim())
		dst := make([]float64, m.NumData())
		dstb := make([]float64, len(tm.batch))
		batch := tm.batch
		for name, f := range map[string]func(){
			"LossGrad full":       func() { m.LossGrad(g, w, nil) },
			"LossGrad full, loss": func() { m.LossGrad(nil, w, nil) },
			"LossGrad batch":      func() { m.LossGrad(g, w, batch) },
			"PointLosses all":     func() { m.PointLosses(dst, w, nil) },
			"PointLosses idx":     func() { m.PointLosses(dstb, w, batch) },
		} {
			if a := testing.AllocsPerRun(50, f); a != 0 {
				t.Errorf("%s %s: %v allocations", tm.name, name, a)
			}
		}
	}
}

func TestConcurrentLossGrad(t *testing.T) {
	for _, tm := range testModels() {
		m := tm.m
		w := RandomInit(rand.New(rand.NewPCG(1, 1)), m.Dim(), 1)
		want := make([]float64, m.Dim())
		wl := m.LossGrad(want, w, nil)
		done := make(chan error, 4)
		for c := 0; c < 4; c++ {
			go func() {
				g := make([]float64, m.Dim())
				for it := 0; it < 200; it++ {
					if l := m.LossGrad(g, w, nil); l != wl || maxRelVec(g, want) != 0 {
						done <- fmt.Errorf("%s: concurrent result differs", tm.name)
						return
					}
					m.LossGrad(g, w, tm.batch)
				}
				done <- nil
			}()
		}
		for c := 0; c < 4; c++ {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}
}

func BenchmarkLossGradGaussianMean(b *testing.B) {
	m := GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 1000, []float64{1, 2, 3}, 1)
	benchLossGrad(b, m)
}

func BenchmarkLossGradLinearRegression(b *testing.B) {
	m := LinearRegressionData(rand.New(rand.NewPCG(1, 2)), 1000, []float64{1, 2, 3, 4, 5}, 1)
	benchLossGrad(b, m)
}

func BenchmarkLossGradPolynomial(b *testing.B) {
	benchLossGrad(b, Polynomial{Lambda: 1, Alpha: 1, Kappa: 1})
}

func BenchmarkLossGradNormalCrossing(b *testing.B) {
	benchLossGrad(b, NormalCrossingData(rand.New(rand.NewPCG(1, 2)), 1000, []int{1, 2}, false))
}

func BenchmarkLossGradReducedRank(b *testing.B) {
	benchLossGrad(b, ReducedRankData(rand.New(rand.NewPCG(1, 2)), 1000, 5, 3, 5, nil))
}

func benchLossGrad(b *testing.B, m LossGrader) {
	w := RandomInit(rand.New(rand.NewPCG(9, 9)), m.Dim(), 0.5)
	g := make([]float64, m.Dim())
	b.ReportAllocs()
	for b.Loop() {
		m.LossGrad(g, w, nil)
	}
}
