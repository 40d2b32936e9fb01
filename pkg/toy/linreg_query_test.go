// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// queryProblem returns a training set and a test set drawn from the same
// teacher (the test set from another stream).
func queryProblem(noise float64) (train, test *LinearRegression) {
	w := []float64{1, -2, 0.5}
	train = LinearRegressionData(rand.New(rand.NewPCG(4, 5)), 30, w, noise)
	test = LinearRegressionData(rand.New(rand.NewPCG(6, 7)), 8, w, noise)
	return train, test
}

// TestLeaveOneOutLossRetrained compares the closed forms with retraining:
// least squares refitted on Without(i) (an SVD solve of the smaller
// problem), the query losses evaluated directly; and the posterior of
// Without(i) at nβ(n-1)/n around the full w_ls, whose expected query loss is
// (y_q - x_qᵀm)²/2 + x_qᵀVx_q/2 evaluated with gonum. Both are exact
// identities: tolerance 1e-10 relative to the largest entry (round-off of
// solves with condition numbers of order 10).
func TestLeaveOneOutLossRetrained(t *testing.T) {
	for _, noise := range []float64{0.5, 0} {
		m, q := queryProblem(noise)
		n := float64(m.NumData())
		nb, gamma := 60.0, 2.0
		wls := m.LeastSquares()
		point := m.LeaveOneOutLoss(q)
		bayes := m.Posterior(nb, gamma, nil).LeaveOneOutExpectedLoss(q)
		lq := make([]float64, q.NumData())
		lq0 := make([]float64, q.NumData())
		q.PointLosses(lq0, wls, nil)
		full := m.Posterior(nb, gamma, nil)
		e0 := expectedLosses(q, full)
		var maxP, maxB, errP, errB float64
		for i := 0; i < m.NumData(); i++ {
			mi := m.Without(i)
			q.PointLosses(lq, mi.LeastSquares(), nil)
			ei := expectedLosses(q, mi.Posterior(nb*(n-1)/n, gamma, wls))
			for j := range lq {
				maxP = math.Max(maxP, math.Abs(lq[j]-lq0[j]))
				errP = math.Max(errP, math.Abs(point.At(i, j)-(lq[j]-lq0[j])))
				maxB = math.Max(maxB, math.Abs(ei[j]-e0[j]))
				errB = math.Max(errB, math.Abs(bayes.At(i, j)-(ei[j]-e0[j])))
			}
		}
		if noise == 0 {
			// Interpolation: refitting changes nothing, the posterior still widens.
			if maxP > 1e-20 || maxB < 1e-4 {
				t.Errorf("interpolation: largest point change %g (want 0), posterior change %g (want > 0)", maxP, maxB)
			}
			maxP = 1
		}
		if errP > 1e-10*maxP || errB > 1e-10*maxB {
			t.Errorf("noise %v: point LOO error %g of %g, posterior LOO error %g of %g", noise, errP, maxP, errB, maxB)
		}
	}
}

// expectedLosses returns E[(y_q - x_qᵀw)²/2] = (y_q - x_qᵀm)²/2 + x_qᵀVx_q/2 under p.
func expectedLosses(q *LinearRegression, p *LinRegPosterior) []float64 {
	out := make([]float64, q.NumData())
	mean := mat.NewVecDense(len(p.Mean), p.Mean)
	for j := range out {
		x := mat.NewVecDense(q.Dim(), append([]float64(nil), q.Input(j)...))
		r := q.Target(j) - mat.Dot(x, mean)
		out[j] = r*r/2 + mat.Inner(x, p.Cov, x)/2
	}
	return out
}

// TestQueryFormsOnTrainingSet: with the training set as query set the new
// forms reduce to the existing ones: RemovalInfluence = -ClassicalInfluence
// and QueryLossCov = LossCov (exact, up to round-off); the leverages h_ii sum
// to d (the trace of the hat matrix).
func TestQueryFormsOnTrainingSet(t *testing.T) {
	m, _ := queryProblem(0.5)
	for _, lambda := range []float64{0, 3} {
		ri := m.RemovalInfluence(m, lambda)
		var ci *mat.SymDense
		if lambda == 0 {
			ci = mat.NewSymDense(m.NumData(), nil)
			ci.ScaleSym(-1, m.ClassicalInfluence(1e-300, nil))
		} else {
			ci = m.ClassicalInfluence(lambda, nil)
			ci.ScaleSym(-1, ci)
		}
		if e := maxDiff(ri, ci); e > 1e-12 {
			t.Errorf("λ = %v: RemovalInfluence vs -ClassicalInfluence: %g", lambda, e)
		}
	}
	p := m.Posterior(45, 2, nil)
	if e := maxDiff(p.QueryLossCov(m), p.LossCov(nil)); e > 1e-12 {
		t.Errorf("QueryLossCov vs LossCov: %g", e)
	}
	var s float64
	for _, h := range m.HatDiagonal() {
		s += h
	}
	if math.Abs(s-3) > 1e-12 {
		t.Errorf("Σ h_ii = %v, want d = 3", s)
	}
}

func maxDiff(a, b mat.Matrix) float64 {
	r, c := a.Dims()
	var e float64
	for i := range r {
		for j := range c {
			e = math.Max(e, math.Abs(a.At(i, j)-b.At(i, j)))
		}
	}
	return e
}
