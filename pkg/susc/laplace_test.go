package susc_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// TestLaplaceExactForLinearRegression: for a quadratic loss the posterior is
// Gaussian, so the Laplace covariance of the parameters is the exact V and
// the Laplace susceptibility of w to a probe dataset is the exact one.
func TestLaplaceExactForLinearRegression(t *testing.T) {
	m := toy.LinearRegressionData(rand.New(rand.NewPCG(4, 5)), 30, []float64{1, -2, 0.5}, 0.5)
	probe := toy.LinearRegressionData(rand.New(rand.NewPCG(6, 7)), 30, []float64{0, -1, 1}, 0.5)
	nb, gamma := 30.0, 5.0
	post := m.Posterior(nb, gamma, nil)
	lap, ok := susc.NewLaplace(m.Hessian(), nb, gamma)
	if !ok {
		t.Fatal("NewLaplace: not positive definite")
	}
	w := m.LeastSquares()
	g, gp := make([]float64, 3), make([]float64, 3)
	m.LossGrad(g, w, nil)
	probe.LossGrad(gp, w, nil)
	for k := range g {
		g[k] = gp[k] - g[k] // ∇ΔL(w*)
	}
	exactChi := post.Susceptibility(probe)
	for a := range 3 {
		ea := make([]float64, 3)
		ea[a] = 1
		for b := range 3 {
			eb := make([]float64, 3)
			eb[b] = 1
			if got, want := lap.Cov(ea, eb), post.Cov.At(a, b); math.Abs(got-want) > 1e-14 {
				t.Errorf("Cov(w%d, w%d) = %g, exact %g", a, b, got, want)
			}
		}
		s := lap.Susceptibility(ea, g)
		if got, want := s.Chi().Value, exactChi[a]; math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("χ(w%d) = %g, exact %g", a, got, want)
		}
		if got, want := s.Response().Value, nb*exactChi[a]; math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("J(w%d) = %g, exact %g", a, got, want)
		}
	}
}

// TestLaplaceRegularAndSingular: for the anharmonic potential the Laplace
// value of Cov(x, D) has relative error O(1/nβ) against quadrature (it
// shrinks about tenfold per decade of nβ); for x⁴/4! (H = 0) without
// localization there is no Laplace approximation.
func TestLaplaceRegularAndSingular(t *testing.T) {
	pot := toy.Polynomial{Lambda: 1, Alpha: 1, Kappa: 1}
	D := func(x float64) float64 { return x - x*x/4 } // ∇D(0) = 1
	id := func(x float64) float64 { return x }
	var prev float64
	for _, nb := range []float64{100, 1000, 10000} {
		lap, ok := susc.NewLaplace(mat.NewSymDense(1, []float64{pot.Curvature(0)}), nb, 0)
		if !ok {
			t.Fatal("NewLaplace failed for a regular potential")
		}
		p, err := toy.NewPosterior1D(toy.Density1D{V: pot.Value, NBeta: nb})
		if err != nil {
			t.Fatal(err)
		}
		rel := math.Abs(lap.Cov([]float64{1}, []float64{1})/p.Cov(id, D) - 1)
		t.Logf("nβ = %g: |Laplace/exact - 1| = %.3g", nb, rel)
		if prev != 0 && (rel > prev/7 || rel < prev/14) {
			t.Errorf("nβ = %g: relative error %.3g, previous decade %.3g: want a tenfold drop", nb, rel, prev)
		}
		prev = rel
	}
	if _, ok := susc.NewLaplace(mat.NewSymDense(1, []float64{toy.Monomial{K: 2}.Curvature(0)}), 1000, 0); ok {
		t.Error("NewLaplace accepted the singular Hessian of x⁴/4! at γ = 0")
	}
}

// TestLaplaceReadOnly: nβ and γ are those of the factorization, and the
// susceptibility's nβ (hence Response) is that same nβ; the zero value
// panics with a message pointing at NewLaplace.
func TestLaplaceReadOnly(t *testing.T) {
	lap, ok := susc.NewLaplace(mat.NewSymDense(2, []float64{2, 0.5, 0.5, 1}), 20, 3)
	if !ok {
		t.Fatal("not positive definite")
	}
	if lap.NBeta() != 20 || lap.Gamma() != 3 {
		t.Errorf("NBeta() = %v, Gamma() = %v, want 20 and 3", lap.NBeta(), lap.Gamma())
	}
	g := []float64{1, -1}
	if s := lap.Susceptibility(g, g); s.NBeta != 20 || s.Response().Value != -20*lap.Cov(g, g) {
		t.Errorf("Susceptibility nβ %v, J %v, want 20 and %v", s.NBeta, s.Response().Value, -20*lap.Cov(g, g))
	}
	if msg := panicMessage(func() { new(susc.Laplace).Cov([]float64{1}, []float64{1}) }); msg != "susc: Laplace.Cov: zero value Laplace (use NewLaplace)" {
		t.Errorf("zero value: panic %q", msg)
	}
}

// The Laplace susceptibility of a one-parameter model with curvature
// V″(0) = 1 at nβ = 20, γ = 2, for φ = w and a perturbation with ∇ΔL = 1:
// Cov = 1/(nβ + γ), χ = -Cov, J = nβ χ.
func ExampleLaplace_Susceptibility() {
	lap, ok := susc.NewLaplace(mat.NewSymDense(1, []float64{1}), 20, 2)
	if !ok {
		panic("not positive definite")
	}
	s := lap.Susceptibility([]float64{1}, []float64{1})
	fmt.Printf("Cov = %.5f, χ = %.5f, J = %.5f\n", s.Cov.Value, s.Chi().Value, s.Response().Value)
	// Output: Cov = 0.04545, χ = -0.04545, J = -0.90909
}
