package susc_test

import (
	"math"
	"math/rand/v2"
	"strings"
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

	lr := randomRegression()
	checkCurvatures(t, "linear regression", susc.Curvatures(lr, []float64{1, -2, 0.5, 3}), eigen(t, lr.Hessian()), 1e-8)
}

// randomRegression is a seeded 50-sample, 4-parameter linear regression
// whose inputs have scales 1 to 4 (a spread of curvatures).
func randomRegression() *toy.LinearRegression {
	rng := rand.New(rand.NewPCG(9, 10))
	x := mat.NewDense(50, 4, nil)
	y := make([]float64, 50)
	for i := range 50 {
		for j := range 4 {
			x.Set(i, j, float64(j+1)*rng.NormFloat64())
		}
		y[i] = rng.NormFloat64()
	}
	return toy.NewLinearRegression(x, y)
}

// checkHessian compares a finite-difference Hessian with an exact one,
// entry by entry, relative to the largest exact entry.
func checkHessian(t *testing.T, name string, got *mat.SymDense, want mat.Symmetric, tol float64) {
	t.Helper()
	d := want.SymmetricDim()
	if got.SymmetricDim() != d {
		t.Fatalf("%s: Hessian %d×%d, want %d×%d", name, got.SymmetricDim(), got.SymmetricDim(), d, d)
	}
	scale := mat.Norm(want, math.Inf(1))
	if !mat.EqualApprox(got, want, tol*scale) {
		t.Errorf("%s: Hessian\n%v\nwant\n%v", name, mat.Formatted(got), mat.Formatted(want))
	}
}

// Hessian against exact Hessians (A for the quadratic, XᵀX/n for linear
// regression), with a nil, an empty and a reused destination.
func TestHessian(t *testing.T) {
	a := mat.NewSymDense(3, []float64{2, 0.5, -0.3, 0.5, 1, 0.2, -0.3, 0.2, -1.5})
	q := toy.NewQuadratic([]float64{0.3, -0.2, 0.1}, a)
	w := []float64{0.7, -1.2, 30}
	checkHessian(t, "quadratic, nil dst", susc.Hessian(nil, q, w), a, 1e-8)
	var empty mat.SymDense
	if got := susc.Hessian(&empty, q, w); got != &empty {
		t.Error("empty dst: not returned")
	}
	checkHessian(t, "quadratic, empty dst", &empty, a, 1e-8)

	lr := randomRegression()
	dst := mat.NewSymDense(4, nil)
	for i := range 4 {
		for j := i; j < 4; j++ {
			dst.SetSym(i, j, math.NaN()) // overwritten
		}
	}
	if got := susc.Hessian(dst, lr, []float64{1, -2, 0.5, 3}); got != dst {
		t.Error("4×4 dst: not returned")
	}
	checkHessian(t, "linear regression, reused dst", dst, lr.Hessian(), 1e-8)

	if msg := panicMessage(func() { susc.Hessian(mat.NewSymDense(3, nil), lr, []float64{1, -2, 0.5, 3}) }); !strings.HasPrefix(msg, "susc: Hessian: dst is 3×3") {
		t.Errorf("wrong-size dst: panic %q", msg)
	}
	if msg := panicMessage(func() { susc.Hessian(nil, lr, []float64{1, 2}) }); !strings.HasPrefix(msg, "susc: Hessian: len(w)") {
		t.Errorf("short w: panic %q", msg)
	}
}

// nanGradModel is a quadratic whose gradient is NaN in every coordinate
// once w[1] > 1: finite at w, not finite at w + h e_1 for w[1] = 1.
type nanGradModel struct{ *toy.Quadratic }

func (m nanGradModel) LossGrad(grad, w []float64, batch []int) float64 {
	l := m.Quadratic.LossGrad(grad, w, batch)
	if w[1] > 1 && grad != nil {
		for i := range grad {
			grad[i] = math.NaN()
		}
	}
	return l
}

// A non-finite gradient must stop Hessian and Curvatures with a message that
// names the step, rather than flow into NaN curvatures: gonum's EigenSym
// factorizes a NaN matrix with ok = true.
func TestCurvaturesNonFiniteGradient(t *testing.T) {
	m := nanGradModel{toy.NewQuadratic(nil, mat.NewSymDense(2, []float64{1, 0, 0, 2}))}
	w := []float64{0.5, 1}
	if msg := panicMessage(func() { susc.Curvatures(m, w) }); !strings.HasPrefix(msg, "susc: Curvatures: non-finite gradient at w + h e_1") {
		t.Errorf("Curvatures: panic %q, want a non-finite gradient at w + h e_1", msg)
	}
	if msg := panicMessage(func() { susc.Hessian(nil, m, w) }); !strings.HasPrefix(msg, "susc: Hessian: non-finite gradient at w + h e_1") {
		t.Errorf("Hessian: panic %q, want a non-finite gradient at w + h e_1", msg)
	}
	if got := susc.Curvatures(m, []float64{0.5, 0}); math.Abs(got[0]-1) > 1e-8 || math.Abs(got[1]-2) > 1e-8 {
		t.Errorf("finite gradients: curvatures %v, want [1 2]", got)
	}
}

// panicMessage returns the string f panics with, or "" if it does not panic.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}
