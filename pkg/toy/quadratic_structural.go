package toy

import (
	"gonum.org/v1/gonum/mat"
)

// QuadraticStructural returns the exact limit of the two-chain structural
// estimator (structure.Column) on the quadratic model of docs/theory.md §9.4:
// L(w) = ½ wᵀHw with w* = 0, a perturbation X(w) = gᵀw + ½ wᵀAw (g drops out
// of the limit) and the component C given by mask. With t = nβ,
// K = t H + γ I, Σ_C the covariance of the restricted chain and Σ_F that of
// the full chain,
//
//	χ_C(X) = -[ ¼ tr(H_cc Σ_C) tr(A_cc Σ_C) + ½ tr(H_cc Σ_C A_cc Σ_C) - ¼ tr(H_cc Σ_C) tr(A Σ_F) ].
//
// With eps = 0 the covariances are the posterior's, Σ = K⁻¹ (K_cc⁻¹ for
// the restricted chain). With eps > 0 they are SGLD's exact stationary
// covariances at step ε, (K (I - εK/4))⁻¹, which the sampler converges to;
// the difference is the step's bias, O(ε k_max). The formula holds for any
// Gaussian chains, so it also gives the nβ = 0 control (nBeta = 0, Σ = I/γ).
// It panics if the shapes disagree, the mask is empty or K or K_cc is
// singular.
func QuadraticStructural(h, a mat.Symmetric, mask []bool, nBeta, gamma, eps float64) float64 {
	const fn = "QuadraticStructural"
	q := newQuadraticComponent(fn, h, a, mask, nBeta, gamma, eps)
	var af mat.Dense
	af.Mul(a, stationaryCovIn(fn, q.k, eps))
	return -(0.25*q.trHS*q.trAS + 0.5*q.trHSAS - 0.25*q.trHS*mat.Trace(&af))
}

// quadraticComponent holds what QuadraticStructural and QuadraticOneChain
// share on the quadratic model: the precision K = nβ H + γ I and, with Σ_C
// the restricted chain's covariance (stationaryCov of K_cc), the traces
// tr(H_cc Σ_C), tr(A_cc Σ_C) and tr(H_cc Σ_C A_cc Σ_C).
type quadraticComponent struct {
	k                  *mat.SymDense
	trHS, trAS, trHSAS float64
}

// newQuadraticComponent checks the arguments of the quadratic-model limits
// and computes their shared part; fn names the caller in panics. It panics
// if the shapes disagree, the mask is empty or K_cc is singular.
func newQuadraticComponent(fn string, h, a mat.Symmetric, mask []bool, nBeta, gamma, eps float64) quadraticComponent {
	d := h.SymmetricDim()
	if a.SymmetricDim() != d || len(mask) != d {
		panic("toy: " + fn + ": H, A and mask must have the same dimension")
	}
	var idx []int
	for i, on := range mask {
		if on {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		panic("toy: " + fn + ": empty component")
	}
	k := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			v := nBeta * h.At(i, j)
			if i == j {
				v += gamma
			}
			k.SetSym(i, j, v)
		}
	}
	sub := func(x mat.Symmetric) *mat.SymDense {
		out := mat.NewSymDense(len(idx), nil)
		for i, ii := range idx {
			for j, jj := range idx {
				out.SetSym(i, j, x.At(ii, jj))
			}
		}
		return out
	}
	sigC := stationaryCovIn(fn, sub(k), eps)
	hcc, acc := sub(h), sub(a)
	var hs, as, hsas mat.Dense
	hs.Mul(hcc, sigC)
	as.Mul(acc, sigC)
	hsas.Mul(&hs, &as)
	return quadraticComponent{k: k, trHS: mat.Trace(&hs), trAS: mat.Trace(&as), trHSAS: mat.Trace(&hsas)}
}

// stationaryCov returns (K (I - εK/4))⁻¹, SGLD's stationary covariance for
// the Gaussian of precision K (K⁻¹ when ε = 0). It panics if that matrix is
// singular.
func stationaryCov(k *mat.SymDense, eps float64) *mat.Dense {
	return stationaryCovIn("stationaryCov", k, eps)
}

// stationaryCovIn is stationaryCov with fn, the caller, named in the panic.
func stationaryCovIn(fn string, k *mat.SymDense, eps float64) *mat.Dense {
	var m mat.Dense
	m.Mul(k, k)
	m.Scale(-eps/4, &m)
	m.Add(&m, k)
	var inv mat.Dense
	if err := inv.Inverse(&m); err != nil {
		panic("toy: " + fn + ": singular precision: " + err.Error())
	}
	return &inv
}
