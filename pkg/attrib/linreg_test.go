// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/toy"
)

// regression returns a training set of n samples in d = 3 dimensions and a
// test set of 8, from the same teacher.
func regression(n int, noise float64) (train, test *toy.LinearRegression) {
	w := []float64{1, -2, 0.5}
	train = toy.LinearRegressionData(rand.New(rand.NewPCG(4, 5)), n, w, noise)
	test = toy.LinearRegressionData(rand.New(rand.NewPCG(6, 7)), 8, w, noise)
	return train, test
}

// maxAbsDiff returns max |a - b| over entries and max |b|.
func maxAbsDiff(a *Scores, b mat.Matrix) (diff, scale float64) {
	for i := range a.N {
		for q := range a.Q {
			diff = math.Max(diff, math.Abs(a.At(i, q)-b.At(i, q)))
			scale = math.Max(scale, math.Abs(b.At(i, q)))
		}
	}
	return diff, scale
}

// TestInfluenceFunctionLinearRegression compares the three solvers of the
// classical influence function with the closed form
// τ = r_i r_q x_iᵀ(XᵀX + λI)⁻¹x_q (toy.RemovalInfluence), on a test set and on
// the training set (self-influence). Tolerances, relative to the largest
// entry: the given exact Hessian 1e-12 (a Cholesky solve of a well-conditioned
// 3×3 matrix); the finite-difference Hessian and the CG Hessian-vector
// products 1e-8 (central differences of a linear gradient are exact up to
// round-off ~1e-16/1e-5 relative; CG stops at a relative residual of 1e-12).
func TestInfluenceFunctionLinearRegression(t *testing.T) {
	m, test := regression(30, 0.5)
	w := m.LeastSquares()
	for _, lambda := range []float64{0, 4} {
		for _, qs := range []struct {
			name string
			q    Query
			set  *toy.LinearRegression
		}{{"test", Query{Model: test}, test}, {"self", Query{Model: m}, m}} {
			want := m.RemovalInfluence(qs.set, lambda)
			for _, c := range []struct {
				name string
				f    InfluenceFunction
				tol  float64
			}{
				{"exact Hessian", InfluenceFunction{W: w, Damping: lambda, Hessian: m.Hessian()}, 1e-12},
				{"finite differences", InfluenceFunction{W: w, Damping: lambda}, 1e-8},
				{"CG", InfluenceFunction{W: w, Damping: lambda, CG: true, Tol: 1e-12}, 1e-8},
			} {
				s, err := c.f.Scores(context.Background(), m, qs.q)
				if err != nil {
					t.Fatalf("%s λ=%v %s: %v", c.name, lambda, qs.name, err)
				}
				if d, sc := maxAbsDiff(s, want); d > c.tol*sc {
					t.Errorf("%s λ=%v %s: max error %g of %g", c.name, lambda, qs.name, d, sc)
				}
			}
		}
	}
}

// TestGradientSimilarityLinearRegression: ∇l_i = -r_i x_i, so the dot score
// is r_i r_q x_iᵀx_q/n and the cosine sign(r_i r_q) x_iᵀx_q/(|x_i||x_q|).
func TestGradientSimilarityLinearRegression(t *testing.T) {
	m, test := regression(30, 0.5)
	w := m.LeastSquares()
	ctx := context.Background()
	dot, err := GradientSimilarity{W: w}.Scores(ctx, m, Query{Model: test})
	if err != nil {
		t.Fatal(err)
	}
	cos, err := GradientSimilarity{W: w, Cosine: true}.Scores(ctx, m, Query{Model: test})
	if err != nil {
		t.Fatal(err)
	}
	r := func(set *toy.LinearRegression, i int) float64 {
		s := set.Target(i)
		for k, v := range set.Input(i) {
			s -= v * w[k]
		}
		return s
	}
	for i := range m.NumData() {
		xi := mat.NewVecDense(3, append([]float64(nil), m.Input(i)...))
		for q := range test.NumData() {
			xq := mat.NewVecDense(3, append([]float64(nil), test.Input(q)...))
			ri, rq := r(m, i), r(test, q)
			wantDot := ri * rq * mat.Dot(xi, xq) / 30
			wantCos := math.Copysign(1, ri*rq) * mat.Dot(xi, xq) / (mat.Norm(xi, 2) * mat.Norm(xq, 2))
			if math.Abs(dot.At(i, q)-wantDot) > 1e-12*math.Max(1, math.Abs(wantDot)) || math.Abs(cos.At(i, q)-wantCos) > 1e-12 {
				t.Fatalf("(%d, %d): dot %v want %v, cosine %v want %v", i, q, dot.At(i, q), wantDot, cos.At(i, q), wantCos)
			}
		}
	}
}

// TestRetrainLeaveOneOutLinearRegression: warm-started full-batch gradient
// descent on each leave-one-out subset reproduces the exact refitted change
// of every test loss (toy.LeaveOneOutLoss). Gradient descent at rate 0.5 on
// L_n, whose Hessian XᵀX/n has eigenvalues in [0.5, 1.7] here, contracts the
// error by at least 0.75 per step: 400 steps leave nothing above round-off
// (tolerance 1e-12 absolute, the changes are of order 1e-2).
func TestRetrainLeaveOneOutLinearRegression(t *testing.T) {
	m, test := regression(30, 0.5)
	r := Retrain{Train: toy.TrainConfig{Steps: 400, LR: 0.5}, W0: m.LeastSquares(), Workers: 2}
	tr, err := r.Run(context.Background(), m, Query{Model: test}, LeaveOneOut(30))
	if err != nil {
		t.Fatal(err)
	}
	want := m.LeaveOneOutLoss(test)
	var worst, scale float64
	got := tr.Changes()
	for i := range 30 {
		for q := range 8 {
			worst = math.Max(worst, math.Abs(got.At(i, q)-want.At(i, q)))
			scale = math.Max(scale, math.Abs(want.At(i, q)))
		}
	}
	if worst > 1e-12 || scale < 1e-3 {
		t.Errorf("retrained LOO vs exact: max error %g (largest change %g)", worst, scale)
	}
}

// TestTracInSumRule: with a checkpoint at every step of full-batch gradient
// descent, the scores summed over training samples are the first-order
// drop of each query loss along the trajectory, Σ_t η ∇L_n(w_t)ᵀ∇l_q(w_t),
// which differs from the actual drop l_q(w_0) - l_q(w_T) by O(η) (the
// quadratic terms ½η²∇L_nᵀ∇²l_q∇L_n of each step, summed over a trajectory
// whose length is ∝ 1/η). The test checks both the O(η) error (halving η
// roughly halves it: ratio in [1.8, 2.2]) and that it is small (below 3% at
// the smaller η). The checkpoints come from toy.Train run one step at a
// time, which for full-batch gradient descent is the same trajectory.
func TestTracInSumRule(t *testing.T) {
	m, test := regression(30, 0.5)
	w0 := []float64{0, 0, 0}
	var errs []float64
	for _, eta := range []float64{0.02, 0.01} {
		steps := int(math.Round(2 / eta)) // the same time horizon ηT = 2
		s := trajectory(m, w0, eta, steps)
		sc, err := TracIn{Series: s, LR: []float64{eta}}.Scores(context.Background(), m, Query{Model: test})
		if err != nil {
			t.Fatal(err)
		}
		l0, lT := make([]float64, 8), make([]float64, 8)
		test.PointLosses(l0, w0, nil)
		last, _ := s.Last()
		test.PointLosses(lT, last.Params, nil)
		var worst, scale float64
		for q := range 8 {
			var sum float64
			for i := range 30 {
				sum += sc.At(i, q)
			}
			worst = math.Max(worst, math.Abs(sum-(l0[q]-lT[q])))
			scale = math.Max(scale, math.Abs(l0[q]-lT[q]))
		}
		errs = append(errs, worst/scale)
	}
	t.Logf("relative sum-rule errors %v", errs)
	if ratio := errs[0] / errs[1]; ratio < 1.8 || ratio > 2.2 || errs[1] > 0.03 {
		t.Errorf("relative sum-rule errors %v at η = 0.02, 0.01 (ratio %.3g, want ≈ 2, and < 3%%)", errs, errs[0]/errs[1])
	}
}
