// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestLinRegInfluenceHelpers checks CurvatureRange against the posterior
// covariance, BeyondLaplace against LossCov minus the classical term, and
// the leave-one-out shift against Sherman–Morrison with Leverage.
func TestLinRegInfluenceHelpers(t *testing.T) {
	m := LinearRegressionData(rand.New(rand.NewPCG(4, 5)), 30, []float64{1, -2, 0.5}, 0.5)
	nb, gamma := 30.0, 5.0 // β = 1, where the classical influence function is the Laplace term
	post := m.Posterior(nb, gamma, nil)

	// The posterior covariance is (nβ H + γ I)⁻¹: its eigenvalues are 1/k.
	kMax, kMin := m.CurvatureRange(nb, gamma)
	var eig mat.EigenSym
	eig.Factorize(post.Cov, false)
	ev := eig.Values(nil)
	if math.Abs(kMax*ev[0]-1) > 1e-12 || math.Abs(kMin*ev[len(ev)-1]-1) > 1e-12 {
		t.Errorf("CurvatureRange (%g, %g), 1/eigenvalues of V (%g, %g)", kMax, kMin, 1/ev[0], 1/ev[len(ev)-1])
	}

	idx := []int{0, 3, 29}
	cov, cl, bl := post.LossCov(idx), m.ClassicalInfluence(gamma, idx), post.BeyondLaplace(idx)
	for a := range idx {
		for b := range idx {
			// -Cov = classical IF - c²/2 at β = 1.
			if got, want := -cov.At(a, b), cl.At(a, b)-bl.At(a, b); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("I[%d,%d] = %g, classical - beyond Laplace = %g", a, b, got, want)
			}
		}
	}

	lev := post.Leverage(idx)
	bif := post.LossParamCov(idx) // Cov(w, l_i) = -BIF(z_i, w)
	beta := nb / float64(m.NumData())
	for a, i := range idx {
		if !(lev[a] > 0 && lev[a] < 1) {
			t.Errorf("leverage of %d = %g, want in (0, 1)", i, lev[a])
		}
		shift := m.LeaveOneOutShift(nb, gamma, i)
		for k := range shift {
			want := beta * bif.At(k, a) / (1 - lev[a]) // -β BIF/(1 - βc_ii)
			if math.Abs(shift[k]-want) > 1e-10*math.Max(1e-3, math.Abs(want)) {
				t.Errorf("sample %d, w%d: shift %g, Sherman–Morrison %g", i, k, shift[k], want)
			}
		}
	}
}
