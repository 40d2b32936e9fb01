package toy

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
// of QuadraticStructural, except that only K_cc has to be nonsingular.
func QuadraticOneChain(h, a mat.Symmetric, mask []bool, nBeta, gamma, eps float64) float64 {
	return -0.5 * newQuadraticComponent("QuadraticOneChain", h, a, mask, nBeta, gamma, eps).trHSAS
}
