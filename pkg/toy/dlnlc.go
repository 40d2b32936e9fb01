// Copyright ©2026 The susclab Authors.

package toy

import "slices"

// DLNLearningCoefficient returns the learning coefficient λ (the real log
// canonical threshold) and its multiplicity m of a bias-free deep linear
// network with widths (H_0 = in, H_1, ..., H_L = out), L = len(widths)-1 >= 1
// weight matrices (DeepLinear's layers), at a truth whose end-to-end map
// (the product of the L matrices) has rank r (square loss, inputs with a
// positive definite second moment; r = 0 is the zero map, pure-noise
// targets). This is Aoyagi's theorem (M. Aoyagi, "Consideration on the
// learning efficiency of multiple-layered neural networks with linear
// units", Neural Networks, 2024, article 106132,
// doi:10.1016/j.neunet.2024.106132):
//
// With M_j = H_j - r (j = 0..L), let S be the set of the ℓ+1 smallest M_j
// (ties in any order), ℓ >= 1, with
//
//	max S < min S^c,   Σ_S M_j >= ℓ max S,   Σ_S M_j < ℓ min S^c
//
// (the conditions on the complement S^c only when it is not empty; exactly
// one ℓ qualifies). With s = Σ_S M_j, M = ⌈s/ℓ⌉ and a = s - (M-1)ℓ
// (1 <= a <= ℓ),
//
//	λ = (-r² + r(H_0 + H_L))/2 + a(ℓ-a)/(4ℓ) - (ℓ(ℓ-1)/4)(s/ℓ)² + ½ Σ_{i<j ∈ S} M_i M_j,
//	m = a(ℓ-a) + 1.
//
// S has ℓ+1 elements and the formula uses ℓ. λ depends on the widths only
// through H_0 + H_L and the multiset of the M_j, so permuting the hidden
// widths or reversing the network (the transposed map) does not change it;
// at r = 0 it is symmetric in all the widths. Special cases (tested):
// L = 2 is reduced-rank regression (Aoyagi & Watanabe 2005, see
// RRRLearningCoefficient; (5,3,5) at r = 0 gives 6.5 with m = 2); L = 1 is
// linear regression, λ = H_0 H_1/2; r = min_j H_j is a regular model on the
// rank-r matrices, λ = r(H_0 + H_L - r)/2, m = 1; all widths 1 is normal
// crossing with L powers 1, λ = 1/2, m = L; a hidden width 1 at r = 0
// splits the network into two in disjoint parameters, so λ is the smaller
// of their two λ (multiplicities added when equal); all widths H with
// L >= H at r = 0 give λ = H(H+1)/4 for every L (λ stays bounded as the
// network deepens, while m = H(L-H)+1 grows); and always λ <= Dim/2.
//
// The LLC estimand nβ(E[L_n] - L_n(w*)) approaches λ slowly: as a small
// power of 1/nβ when m = 1 and as λ - (m-1)/log nβ when m > 1. For three
// layers of widths 3–4 it is still 5–20% below λ at nβ/γ of a few hundred,
// and within 1% of λ (m = 1) only at nβ of 10⁶ or more (dln_llc_test.go, where
// the exact finite-nβ values come from a blocked Gibbs sampler).
//
// It is computed in integers as λ = r(H_0 + H_L - r)/2 +
// (s² - ℓ Σ_S M_j² + a(ℓ-a))/(4ℓ), the same expression with
// Σ_{i<j} M_i M_j = (s² - Σ M_j²)/2, so that λ is exact up to one rounding.
//
// It panics (programmer error) unless len(widths) >= 2, every width is
// >= 1 and 0 <= rank <= min_j H_j (the rank of a product is at most its
// narrowest width).
func DLNLearningCoefficient(widths []int, rank int) (lambda float64, multiplicity int) {
	if len(widths) < 2 {
		panic("toy: DLNLearningCoefficient needs at least two widths (one layer)")
	}
	if slices.Min(widths) < 1 {
		panic("toy: DLNLearningCoefficient: widths must be >= 1")
	}
	if rank < 0 || rank > slices.Min(widths) {
		panic("toy: DLNLearningCoefficient needs 0 <= rank <= min width")
	}
	r := rank
	m := make([]int, len(widths))
	for j, h := range widths {
		m[j] = h - r
	}
	slices.Sort(m)
	// Candidate S = m[:k], ℓ = k-1, s_k = Σ_{i<k} m[i]. Write C2(k) for
	// s_k >= (k-1) m[k-1] and C3(k) for s_k < (k-1) m[k]. C2(2) is m[0] >= 0,
	// always true, and C2(k+1) is s_k + m[k] >= k m[k], the negation of C3(k).
	// So the first k with C3(k) (or k = len(m) if there is none) also has
	// C2(k), and C2(k), C3(k) give m[k-1] < m[k]: the first condition is
	// implied. No larger k qualifies (C3(k) gives s_j < (j-1) m[j-1] for all
	// j > k by induction), so S is unique. k = 1 (ℓ = 0) never qualifies.
	s, q := m[0], m[0]*m[0] // Σ_S M_j and Σ_S M_j²
	for k := 2; ; k++ {
		s += m[k-1]
		q += m[k-1] * m[k-1]
		l := k - 1
		if k < len(m) && s >= l*m[k] {
			continue
		}
		mm := (s + l - 1) / l // M = ⌈s/ℓ⌉ (s >= 0)
		a := s - (mm-1)*l
		num := s*s - l*q + a*(l-a)
		lambda = float64(r*(widths[0]+widths[len(widths)-1]-r))/2 + float64(num)/float64(4*l)
		return lambda, a*(l-a) + 1
	}
}
