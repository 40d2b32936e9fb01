// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

var (
	_ susc.Model       = (*toy.Quadratic)(nil)
	_ susc.PointLosser = (*toy.Quadratic)(nil)
)

func TestQuadratic(t *testing.T) {
	a := mat.NewSymDense(3, []float64{2, 0.5, -0.3, 0.5, 1, 0.2, -0.3, 0.2, -1.5})
	g := []float64{0.3, -0.2, 0.1}
	q := toy.NewQuadratic(g, a)
	q0 := toy.NewQuadratic(nil, a)
	if q.Dim() != 3 || q.NumData() != 1 {
		t.Fatalf("Dim %d NumData %d, want 3 and 1", q.Dim(), q.NumData())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		w := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		// q(w) = gᵀw + ½ wᵀAw written out.
		var want, quad float64
		for i := range 3 {
			want += g[i] * w[i]
			for j := range 3 {
				quad += 0.5 * w[i] * a.At(i, j) * w[j]
			}
		}
		want += quad
		if got := q.Value(w); math.Abs(got-want) > 1e-14 {
			t.Errorf("Value = %v, want %v", got, want)
		}
		if got := q0.Value(w); math.Abs(got-quad) > 1e-14 {
			t.Errorf("g = nil: Value = %v, want %v", got, quad)
		}
		grad := []float64{9, 9, 9} // overwritten
		if l := q.LossGrad(grad, w, []int{0}); l != q.Value(w) {
			t.Errorf("LossGrad loss %v != Value %v", l, q.Value(w))
		}
		fdg := fd.Gradient(nil, q.Value, w, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		for i := range grad {
			if math.Abs(grad[i]-fdg[i]) > 1e-8 {
				t.Errorf("gradient %v, finite differences %v", grad, fdg)
				break
			}
		}
		pl := make([]float64, 2)
		q.PointLosses(pl, w, []int{0, 0})
		one := make([]float64, 1)
		q.PointLosses(one, w, nil)
		if pl[0] != q.Value(w) || pl[1] != q.Value(w) || one[0] != q.Value(w) {
			t.Errorf("PointLosses %v %v, want q(w) = %v", pl, one, q.Value(w))
		}
	}
}

// Quadratic has one sample: LossGrad takes the batches nil and {0} and, like
// Polynomial and Monomial, panics on any other.
func TestQuadraticBatch(t *testing.T) {
	q := toy.NewQuadratic([]float64{1, -1}, mat.NewSymDense(2, []float64{2, 0, 0, 1}))
	w := []float64{0.5, 2}
	if a, b := q.LossGrad(nil, w, nil), q.LossGrad(nil, w, []int{0}); a != b || a != q.Value(w) {
		t.Errorf("LossGrad: batch nil %v, {0} %v, Value %v", a, b, q.Value(w))
	}
	for _, batch := range [][]int{{}, {1}, {-1}, {0, 0}, {0, 1}} {
		func() {
			defer func() {
				if r := recover(); r != "toy: Quadratic batch must be nil or {0}" {
					t.Errorf("batch %v: recovered %v", batch, r)
				}
			}()
			q.LossGrad(make([]float64, 2), w, batch)
		}()
	}
}
