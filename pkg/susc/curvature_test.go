package susc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// eigen returns the eigenvalues of a, increasing.
func eigen(t *testing.T, a mat.Symmetric) []float64 {
	var e mat.EigenSym
	if !e.Factorize(a, false) {
		t.Fatal("eigendecomposition failed")
	}
	return e.Values(nil)
}

func checkCurvatures(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d curvatures, want %d", name, len(got), len(want))
	}
	scale := math.Max(math.Abs(want[0]), math.Abs(want[len(want)-1]))
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol*scale {
			t.Errorf("%s: curvatures %v, want %v", name, got, want)
			return
		}
	}
}

// Curvatures against exact Hessians: a quadratic (indefinite, so the order
// is checked too) and linear regression (XᵀX/n). Both losses are quadratic,
// so central differences are exact up to rounding: ~1e-16 · |∇L| / 1e-5.
func TestCurvatures(t *testing.T) {
	a := mat.NewSymDense(3, []float64{2, 0.5, -0.3, 0.5, 1, 0.2, -0.3, 0.2, -1.5})
	q := toy.NewQuadratic([]float64{0.3, -0.2, 0.1}, a)
	checkCurvatures(t, "quadratic", susc.Curvatures(q, []float64{0.7, -1.2, 30}), eigen(t, a), 1e-8)

	rng := rand.New(rand.NewPCG(9, 10))
	x := mat.NewDense(50, 4, nil)
	y := make([]float64, 50)
	for i := range 50 {
		for j := range 4 {
			x.Set(i, j, float64(j+1)*rng.NormFloat64())
		}
		y[i] = rng.NormFloat64()
	}
	lr := toy.NewLinearRegression(x, y)
	checkCurvatures(t, "linear regression", susc.Curvatures(lr, []float64{1, -2, 0.5, 3}), eigen(t, lr.Hessian()), 1e-8)
}
