// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLearningCoefficients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		pow  []int
		want float64
	}{
		{[]int{1, 1}, 0.5}, {[]int{1, 2}, 0.25}, {[]int{2, 2}, 0.25}, {[]int{1, 3}, 1.0 / 6}, {[]int{3, 1, 2}, 1.0 / 6},
	} {
		if got := NormalCrossingData(rng, 5, tc.pow, false).LearningCoefficient(); got != tc.want {
			t.Errorf("normal crossing %v: λ = %v, want %v", tc.pow, got, tc.want)
		}
	}
	// Aoyagi–Watanabe by hand, (m, h, n) = (in, hidden, out).
	for _, tc := range []struct {
		m, h, n int
		want    float64
	}{
		{5, 3, 5, 6.5}, // (50+30+30-25-25-9+1)/8
		{1, 1, 1, 0.5}, // = normal crossing (1,1): (2+2+2-3+1)/8
		{2, 1, 2, 1},   // (8+4+4-4-4-1+1)/8
		{1, 2, 1, 0.5}, // m+n = h is not < h: (2+4+4-1-1-4)/8
		{1, 3, 1, 0.5}, // m+n < h: mn/2
		{3, 1, 5, 1.5}, // m+h < n: mh/2
		{5, 1, 3, 1.5}, // n+h < m: hn/2
		{4, 4, 4, 6},   // (32+32+32-48)/8
		{2, 3, 4, 3},   // (16+24+12-16-4-9+1)/8
	} {
		if got := RRRLearningCoefficient(tc.m, tc.h, tc.n); got != tc.want {
			t.Errorf("RRR %v: λ = %v, want %v", tc, got, tc.want)
		}
	}
	if got := ReducedRankData(rng, 10, 5, 3, 5, nil).LearningCoefficient(); got != 6.5 {
		t.Errorf("ReducedRank(5,3,5).LearningCoefficient = %v", got)
	}
}

func TestIdealize(t *testing.T) {
	m := NormalCrossingData(rand.New(rand.NewPCG(2, 3)), 101, []int{1, 2}, true)
	x, y := m.Data()
	var xx, xy float64
	for i := range x {
		xx += x[i] * x[i]
		xy += x[i] * y[i]
	}
	if math.Abs(xx-101) > 1e-12 || math.Abs(xy) > 1e-12 {
		t.Errorf("Σx² = %v, Σxy = %v", xx, xy)
	}
	// L_n(w) - L_n(0) = f(w)²/2.
	w := []float64{0.7, -1.3}
	f := m.F(w)
	if d := m.LossGrad(nil, w, nil) - m.LossGrad(nil, []float64{0, 0}, nil) - f*f/2; math.Abs(d) > 1e-14 {
		t.Errorf("idealized loss difference off by %v", d)
	}
}

// llcReduced returns the LLC of an idealized two-parameter normal crossing
// with powers (1, a) at w0 = 0 by integrating the first coordinate in closed
// form: with s = t u^{2a} + γ (u the second coordinate),
// λ = E[(t u^{2a}/2)/s] under the density ∝ e^{-γu²/2} s^{-1/2}.
func llcReduced(t *testing.T, a int, nbeta, gamma float64) float64 {
	s := func(u float64) float64 { return nbeta*ipow(u, 2*a) + gamma }
	p, err := NewPosterior1D(Density1D{V: func(u float64) float64 { return math.Log(s(u)) / 2 }, NBeta: 1, Gamma: gamma, Panels: 2000})
	if err != nil {
		t.Fatal(err)
	}
	return p.Expect(func(u float64) float64 { return nbeta * ipow(u, 2*a) / 2 / s(u) })
}

func TestNormalCrossingLLC2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for _, a := range []int{1, 2} {
		m := NormalCrossingData(rng, 50, []int{1, a}, true)
		for _, tc := range []struct{ nbeta, gamma float64 }{{10, 1}, {1e4, 1}, {1e6, 10}} {
			got, err := m.LLC2D(tc.nbeta, tc.gamma, nil, 1e-10)
			if err != nil {
				t.Fatal(err)
			}
			want := llcReduced(t, a, tc.nbeta, tc.gamma)
			if math.Abs(got-want) > 1e-8 {
				t.Errorf("(1,%d) nβ=%v γ=%v: LLC2D = %v, reduced 1D = %v", a, tc.nbeta, tc.gamma, got, want)
			}
		}
	}
	if testing.Short() {
		return
	}
	// Convergence in the tolerance, raw (non-idealized) data and off-axis w0.
	for _, pow := range [][]int{{1, 1}, {2, 2}, {1, 3}} {
		m := NormalCrossingData(rng, 30, pow, false)
		for _, w0 := range [][]float64{nil, {0.3, -0.2}} {
			nbeta := 300.0
			if w0 != nil {
				nbeta = 1e5 // large G = nβ(L_n(w0) - min L_n)
			}
			lo, err := m.LLC2D(nbeta, 2, w0, 1e-7)
			if err != nil {
				t.Fatal(err)
			}
			hi, err := m.LLC2D(nbeta, 2, w0, 1e-10)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(lo-hi) > 1e-6*math.Max(1, math.Abs(hi)) {
				t.Errorf("%v w0=%v: LLC2D tol 1e-7: %v, tol 1e-10: %v", pow, w0, lo, hi)
			}
			// Against a brute-force midpoint grid (coarse cross-check).
			if w0 != nil {
				continue
			}
			if g := llcGrid(m, 300, 2, w0, 2000); math.Abs(g-hi) > 1e-3 {
				t.Errorf("%v w0=%v: LLC2D %v, grid %v", pow, w0, hi, g)
			}
		}
	}
}

// llcGrid is a brute-force tensor midpoint rule on |w - w0| <= 8/√γ.
func llcGrid(m *NormalCrossing, nbeta, gamma float64, w0 []float64, k int) float64 {
	if w0 == nil {
		w0 = []float64{0, 0}
	}
	r := 8 / math.Sqrt(gamma)
	h := 2 * r / float64(k)
	l0 := m.LossGrad(nil, w0, nil)
	var z, s float64
	w := make([]float64, 2)
	for i := 0; i < k; i++ {
		w[0] = w0[0] - r + (float64(i)+0.5)*h
		for j := 0; j < k; j++ {
			w[1] = w0[1] - r + (float64(j)+0.5)*h
			dl := m.LossGrad(nil, w, nil) - l0
			e := math.Exp(-nbeta*dl - gamma/2*((w[0]-w0[0])*(w[0]-w0[0])+(w[1]-w0[1])*(w[1]-w0[1])))
			z += e
			s += e * nbeta * dl
		}
	}
	return s / z
}

func TestReducedRankTrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	m := ReducedRankData(rng, 200, 5, 3, 5, nil)
	w := m.Train(rand.New(rand.NewPCG(8, 9)), 5000, 0.05)
	g := make([]float64, m.Dim())
	l := m.LossGrad(g, w, nil)
	l0 := m.LossGrad(nil, make([]float64, m.Dim()), nil)
	var gmax, wmax float64
	for k := range g {
		gmax = math.Max(gmax, math.Abs(g[k]))
		wmax = math.Max(wmax, math.Abs(w[k]))
	}
	if !(l < l0) || gmax > 1e-5 || wmax > 1 {
		t.Errorf("Train: loss %v (at 0: %v), max |grad| %v, max |w| %v", l, l0, gmax, wmax)
	}
}

func TestMinimize(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	m := LinearRegressionData(rng, 50, []float64{1, -2, 3}, 0.3)
	ls := m.LeastSquares()
	for _, tc := range []struct {
		opt Optimizer
		tol float64
	}{
		{Optimizer{Steps: 2000, LR: 0.3}, 1e-10},
		{Optimizer{Steps: 2000, LR: 0.3, GradTol: 1e-6}, 1e-5},
		{Optimizer{Method: Adam, Steps: 20000, LR: 0.01}, 1e-3}, // constant-LR Adam jitters
	} {
		opt := tc.opt
		w, _ := Minimize(m, RandomInit(rand.New(rand.NewPCG(1, 2)), 3, 0.1), opt)
		if e := maxRelVec(w, ls); e > tc.tol {
			t.Errorf("%+v: w = %v, least squares %v", opt, w, ls)
		}
	}
}

func TestReducedRankTeacher(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	// Rank-1 teacher T = u vᵀ, (in, hidden, out) = (4, 2, 3).
	u, v := []float64{1, -1, 0.5}, []float64{0.5, 1, 0, -1}
	teacher := mat.NewDense(3, 4, nil)
	for a := range u {
		for b := range v {
			teacher.Set(a, b, u[a]*v[b])
		}
	}
	m := ReducedRankData(rng, 500, 4, 2, 3, teacher)
	w := m.Train(rand.New(rand.NewPCG(1, 2)), 20000, 0.05)
	w1, w2 := m.Weights(w)
	var got mat.Dense
	got.Mul(w2, w1)
	if !mat.EqualApprox(&got, teacher, 0.15) {
		t.Errorf("learned map\n%v\nteacher\n%v", mat.Formatted(&got), mat.Formatted(teacher))
	}
	if l := m.LossGrad(nil, w, nil); l > 1.5*1.1 {
		t.Errorf("trained loss %v, noise level 1.5", l)
	}
}
