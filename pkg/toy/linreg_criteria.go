// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// LinRegCriteria holds the exact information criteria of a LinearRegression
// under a Gaussian law N(m, V) of w (docs/theory.md §9.8), with the
// negative log-likelihood of sample i taken as l_i(w) + C: C = ½ log 2π for
// unit noise variance.
type LinRegCriteria struct {
	// Beta is the per-sample inverse temperature β = nβ/n.
	Beta float64
	// C is the per-sample constant added to the losses.
	C float64
	// MeanNLL is n E[L_n(w)] + nC = nC + ½ Σ r_i² + ½ tr(V XᵀX): WBIC when
	// nβ = n/log n (docs/theory.md §7.5).
	MeanNLL float64
	// Training is T_n = C + (1/n) Σ_i [½ log(1 + c_ii) + r_i²/(2(1 + c_ii))].
	Training float64
	// FunctionalVariance is V_n = Σ_i (r_i² c_ii + c_ii²/2).
	FunctionalVariance float64
	// WAIC is T_n + (β/n) V_n.
	WAIC float64
	// Fluctuation is the singular fluctuation ν_n = (β/2) V_n.
	Fluctuation float64
}

// Criteria returns the exact criteria of the posterior (docs/theory.md §9.8)
// with per-sample constant c.
func (p *LinRegPosterior) Criteria(c float64) LinRegCriteria {
	return p.model.CriteriaOf(p.Mean, p.Cov, p.NBeta, c)
}

// CriteriaOf returns the criteria of docs/theory.md §9.8 for any Gaussian
// law N(mean, cov) of w at inverse temperature nbeta (for β = nβ/n) with
// per-sample constant c: for the posterior (Posterior(...).Criteria), and
// for SGLD's exact stationary law on it, whose covariance is
// (K(I - εK/4))⁻¹ with K the posterior precision (docs/theory.md §2.1).
func (m *LinearRegression) CriteriaOf(mean []float64, cov mat.Symmetric, nbeta, c float64) LinRegCriteria {
	d, n := m.d, m.n
	checkLen(mean, d, "LinearRegression: len(mean) != Dim")
	if cov.SymmetricDim() != d {
		panic("toy: LinearRegression: covariance of the wrong dimension")
	}
	out := LinRegCriteria{Beta: nbeta / float64(n), C: c}
	vx := make([]float64, d)
	var sumR2, trVXX, sumT, sumV float64
	for i := 0; i < n; i++ {
		xi := m.x[i*d : (i+1)*d]
		r := m.y[i]
		for k, xk := range xi {
			r -= xk * mean[k]
		}
		for k := range vx {
			var s float64
			for j, xj := range xi {
				s += cov.At(k, j) * xj
			}
			vx[k] = s
		}
		var cii float64
		for k, xk := range xi {
			cii += xk * vx[k]
		}
		sumR2 += r * r
		trVXX += cii // tr(V XᵀX) = Σ_i x_iᵀ V x_i
		sumT += 0.5*math.Log1p(cii) + r*r/(2*(1+cii))
		sumV += r*r*cii + cii*cii/2
	}
	out.MeanNLL = float64(n)*c + sumR2/2 + trVXX/2
	out.Training = c + sumT/float64(n)
	out.FunctionalVariance = sumV
	out.WAIC = out.Training + out.Beta/float64(n)*sumV
	out.Fluctuation = out.Beta / 2 * sumV
	return out
}
