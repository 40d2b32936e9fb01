package susc

import "gonum.org/v1/gonum/mat"

// QuadraticOneChain returns, on the quadratic model of QuadraticStructural,
// the limit of the one-chain shortcut -Cov_C(L, X): the structural
// estimator with E_C[X] (the restricted chain's own mean) in place of
// E_full[X]. With Σ_C the restricted chain's covariance,
//
//	-Cov_C(L, X) = -½ tr(H_cc Σ_C A_cc Σ_C),
//
// the middle term of QuadraticStructural alone: the shortcut misses the
// terms that compare the restricted and the full chain, which is why the
// estimator needs two chains. Arguments, ε convention and panics are those
// of QuadraticStructural.
func QuadraticOneChain(h, a mat.Symmetric, mask []bool, nBeta, gamma, eps float64) float64 {
	d := h.SymmetricDim()
	if a.SymmetricDim() != d || len(mask) != d {
		panic("susc: QuadraticOneChain: H, A and mask must have the same dimension")
	}
	var idx []int
	for i, on := range mask {
		if on {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		panic("susc: QuadraticOneChain: empty component")
	}
	n := len(idx)
	hcc, acc, kcc := mat.NewSymDense(n, nil), mat.NewSymDense(n, nil), mat.NewSymDense(n, nil)
	for i, ii := range idx {
		for j, jj := range idx {
			hcc.SetSym(i, j, h.At(ii, jj))
			acc.SetSym(i, j, a.At(ii, jj))
			v := nBeta * h.At(ii, jj)
			if i == j {
				v += gamma
			}
			kcc.SetSym(i, j, v)
		}
	}
	sig := stationaryCov(kcc, eps)
	var hs, as, hsas mat.Dense
	hs.Mul(hcc, sig)
	as.Mul(acc, sig)
	hsas.Mul(&hs, &as)
	return -0.5 * mat.Trace(&hsas)
}
