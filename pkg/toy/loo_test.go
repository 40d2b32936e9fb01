// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestWithoutShermanMorrison checks the leave-one-out identities: at fixed
// centre the posterior mean moves by -β V x_i r_i / (1 - β c_ii); retrained
// least squares moves by -(XᵀX)⁻¹ x_i r_i / (1 - h_ii), h_ii = x_iᵀ(XᵀX)⁻¹x_i.
func TestWithoutShermanMorrison(t *testing.T) {
	m := LinearRegressionData(rand.New(rand.NewPCG(4, 5)), 30, []float64{1, -2, 0.5}, 0.5)
	n := float64(m.NumData())
	nb, gamma := 30.0, 5.0
	beta := nb / n
	wls := m.LeastSquares()
	full := m.Posterior(nb, gamma, wls)
	var xtx mat.SymDense
	xtx.ScaleSym(n, m.Hessian())
	var xtxInv mat.Dense
	if err := xtxInv.Inverse(&xtx); err != nil {
		t.Fatal(err)
	}
	r := full.Residuals(nil)
	for _, i := range []int{0, 7, 29} {
		mi := m.Without(i)
		if mi.NumData() != 29 {
			t.Fatalf("NumData = %d", mi.NumData())
		}
		post := mi.Posterior(nb*(n-1)/n, gamma, wls)
		xi := mat.NewVecDense(3, m.Input(i))
		var vx mat.VecDense
		vx.MulVec(full.Cov, xi)
		cii := mat.Dot(xi, &vx)
		var hx mat.VecDense
		hx.MulVec(&xtxInv, xi)
		hii := mat.Dot(xi, &hx)
		wi := mi.LeastSquares()
		for k := range 3 {
			want := -beta * vx.AtVec(k) * r[i] / (1 - beta*cii)
			if got := post.Mean[k] - full.Mean[k]; math.Abs(got-want) > 1e-12 {
				t.Errorf("i=%d k=%d: posterior mean shift %v, want %v", i, k, got, want)
			}
			want = -hx.AtVec(k) * r[i] / (1 - hii)
			if got := wi[k] - wls[k]; math.Abs(got-want) > 1e-12 {
				t.Errorf("i=%d k=%d: least-squares shift %v, want %v", i, k, got, want)
			}
		}
	}
	// Sample order is kept.
	mi := m.Without(3, 1)
	if mi.Target(0) != m.Target(0) || mi.Target(1) != m.Target(2) || mi.Target(2) != m.Target(4) {
		t.Error("Without does not keep the order of the samples")
	}
}
