package toy

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// QuadraticOneChain against its definition, -Cov_C(L, X), estimated from
// exact Gaussian draws c ~ N(0, Σ_C) on the component (zero elsewhere), and
// against the one-parameter closed form -½ H_cc A_cc Σ_C². The Monte Carlo
// tolerance is 4 standard errors (the spread over 20 batches).
func TestQuadraticOneChain(t *testing.T) {
	h := mat.NewSymDense(3, []float64{2, 0.5, 0.3, 0.5, 1, 0.2, 0.3, 0.2, 1.5})
	a := mat.NewSymDense(3, []float64{1, 0.2, -0.5, 0.2, -0.5, 0.3, -0.5, 0.3, 2})
	g := []float64{0.3, -0.2, 0.1}
	const tb, gamma = 10.0, 1.0

	// One parameter (component {1}): Σ_C = 1/(t H_11 + γ), ε = 0.
	sig := 1 / (tb*h.At(1, 1) + gamma)
	want1 := -0.5 * h.At(1, 1) * a.At(1, 1) * sig * sig
	if got := QuadraticOneChain(h, a, []bool{false, true, false}, tb, gamma, 0); math.Abs(got-want1) > 1e-15 {
		t.Errorf("one parameter: %v, want %v", got, want1)
	}

	// Two parameters (component {0, 2}), at SGLD's stationary covariance.
	mask := []bool{true, false, true}
	const eps = 0.004
	idx := []int{0, 2}
	kcc := mat.NewSymDense(2, nil)
	for i, ii := range idx {
		for j, jj := range idx {
			v := tb * h.At(ii, jj)
			if i == j {
				v += gamma
			}
			kcc.SetSym(i, j, v)
		}
	}
	sc := stationaryCov(kcc, eps)
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(2, []float64{sc.At(0, 0), sc.At(0, 1), sc.At(0, 1), sc.At(1, 1)})) {
		t.Fatal("Σ_C not positive definite")
	}
	var l mat.TriDense
	ch.LTo(&l)
	lq, xq := NewQuadratic(nil, h), NewQuadratic(g, a) // L = ½ wᵀHw, X = gᵀw + ½ wᵀAw
	rng := rand.New(rand.NewPCG(13, 12))
	const batches, per = 20, 50000
	est := make([]float64, batches)
	w := make([]float64, 3)
	for b := range est {
		var sl, sx, slx float64
		for range per {
			z0, z1 := rng.NormFloat64(), rng.NormFloat64()
			w[0] = l.At(0, 0) * z0
			w[2] = l.At(1, 0)*z0 + l.At(1, 1)*z1
			lv, xv := lq.Value(w), xq.Value(w)
			sl, sx, slx = sl+lv, sx+xv, slx+lv*xv
		}
		est[b] = -(slx/per - sl/per*sx/per)
	}
	var mean, ss float64
	for _, v := range est {
		mean += v
	}
	mean /= batches
	for _, v := range est {
		ss += (v - mean) * (v - mean)
	}
	se := math.Sqrt(ss / (batches - 1) / batches)
	exact := QuadraticOneChain(h, a, mask, tb, gamma, eps)
	t.Logf("-Cov_C(L, X): Monte Carlo %.6g ± %.2g, QuadraticOneChain %.6g, two-chain limit %.6g",
		mean, se, exact, QuadraticStructural(h, a, mask, tb, gamma, eps))
	if math.Abs(mean-exact) > 4*se || se > 0.05*math.Abs(exact) {
		t.Errorf("Monte Carlo %v ± %v, QuadraticOneChain %v", mean, se, exact)
	}
	// Panics name the function called, here and in QuadraticStructural (they
	// share the argument checks); a singular K_cc panics too.
	zero := mat.NewSymDense(3, nil)
	for _, c := range []struct {
		name string
		f    func(h mat.Symmetric, mask []bool, gamma float64) float64
	}{
		{"QuadraticOneChain", func(h mat.Symmetric, mask []bool, gamma float64) float64 {
			return QuadraticOneChain(h, a, mask, tb, gamma, 0)
		}},
		{"QuadraticStructural", func(h mat.Symmetric, mask []bool, gamma float64) float64 {
			return QuadraticStructural(h, a, mask, tb, gamma, 0)
		}},
	} {
		for _, bad := range []struct {
			what  string
			h     mat.Symmetric
			mask  []bool
			gamma float64
		}{
			{"empty mask", h, []bool{false, false, false}, gamma},
			{"short mask", h, []bool{true, true}, gamma},
			{"singular K_cc", zero, []bool{true, false, false}, 0},
		} {
			func() {
				defer func() {
					r := recover()
					if msg, _ := r.(string); !strings.HasPrefix(msg, "toy: "+c.name+": ") {
						t.Errorf("%s, %s: panic %v, want a message from %s", c.name, bad.what, r, c.name)
					}
				}()
				c.f(bad.h, bad.mask, bad.gamma)
			}()
		}
	}
}
