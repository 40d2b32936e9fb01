// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// rrrRank is the learning coefficient and multiplicity of reduced-rank
// regression (M, H, N) = (in, hidden, out) at a rank-r truth, transcribed
// from the main theorem of M. Aoyagi and S. Watanabe, "Stochastic
// complexities of reduced rank regression in Bayesian estimation", Neural
// Networks 18, 924–933 (2005), independently of DLNLearningCoefficient:
//
//	N+r <= M+H, M+r <= N+H, H+r <= M+N:
//	    λ = (2(H+r)(M+N) - (M-N)² - (H+r)² + [M+H+N+r odd])/8, m = 1 (even) or 2 (odd);
//	M+H < N+r: λ = (HM - Hr + Nr)/2;   N+H < M+r: λ = (HN - Hr + Mr)/2;   M+N < H+r: λ = MN/2; m = 1.
//
// At r = 0 it is RRRLearningCoefficient (checked below).
func rrrRank(M, H, N, r int) (float64, int) {
	switch {
	case N+r <= M+H && M+r <= N+H && H+r <= M+N:
		v := 2*(H+r)*(M+N) - (M-N)*(M-N) - (H+r)*(H+r)
		if (M+H+N+r)%2 == 1 {
			return float64(v+1) / 8, 2
		}
		return float64(v) / 8, 1
	case M+H < N+r:
		return float64(H*M-H*r+N*r) / 2, 1
	case N+H < M+r:
		return float64(H*N-H*r+M*r) / 2, 1
	}
	return float64(M*N) / 2, 1
}

// dlnLiteral is Aoyagi's theorem transcribed term by term, in floating
// point, with S searched among ALL subsets of the indices j = 0..L that
// satisfy the three conditions (not only prefixes of the sorted M_j). It
// returns the result for the first such subset and the number of distinct
// multisets {M_j : j ∈ S} among all qualifying subsets, which must be 1 for
// the theorem to be well posed.
func dlnLiteral(widths []int, r int) (lambda float64, mult int, multisets int) {
	L := len(widths) - 1
	ms := make([]int, L+1)
	for j, h := range widths {
		ms[j] = h - r
	}
	var seen [][]int
	for mask := 1; mask < 1<<(L+1); mask++ {
		var in, out []int
		for j := range ms {
			if mask&(1<<j) != 0 {
				in = append(in, ms[j])
			} else {
				out = append(out, ms[j])
			}
		}
		l := len(in) - 1
		sum := 0
		for _, v := range in {
			sum += v
		}
		if l < 1 || sum < l*slices.Max(in) {
			continue
		}
		if len(out) > 0 && (slices.Max(in) >= slices.Min(out) || sum >= l*slices.Min(out)) {
			continue
		}
		slices.Sort(in)
		if !slices.ContainsFunc(seen, func(s []int) bool { return slices.Equal(s, in) }) {
			seen = append(seen, in)
		}
		if len(seen) > 1 {
			continue
		}
		fl := float64(l)
		M := math.Ceil(float64(sum) / fl)
		a := float64(sum) - (M-1)*fl
		var cross float64
		for i := range in {
			for j := i + 1; j < len(in); j++ {
				cross += float64(in[i] * in[j])
			}
		}
		lambda = float64(-r*r+r*(widths[0]+widths[L]))/2 + a*(fl-a)/(4*fl) -
			fl*(fl-1)/4*(float64(sum)/fl)*(float64(sum)/fl) + cross/2
		mult = int(a*(fl-a)) + 1
	}
	return lambda, mult, len(seen)
}

// allWidths calls f for every widths vector of length 2..maxLen with
// entries 1..maxW.
func allWidths(maxLen, maxW int, f func(widths []int)) {
	for n := 2; n <= maxLen; n++ {
		w := make([]int, n)
		for i := range w {
			w[i] = 1
		}
		for {
			f(w)
			i := 0
			for ; i < n && w[i] == maxW; i++ {
				w[i] = 1
			}
			if i == n {
				break
			}
			w[i]++
		}
	}
}

func dlnDim(widths []int) int {
	d := 0
	for l := 0; l+1 < len(widths); l++ {
		d += widths[l] * widths[l+1]
	}
	return d
}

// TestDLNLearningCoefficientReducedRank: for L = 2 Aoyagi's formula must
// be the Aoyagi–Watanabe learning coefficient of reduced-rank regression,
// λ and multiplicity, for every shape (m, h, n) <= 6 and rank r <= min.
func TestDLNLearningCoefficientReducedRank(t *testing.T) {
	cases := 0
	for m := 1; m <= 6; m++ {
		for h := 1; h <= 6; h++ {
			for n := 1; n <= 6; n++ {
				if a, b := RRRLearningCoefficient(m, h, n), func() float64 { l, _ := rrrRank(m, h, n, 0); return l }(); a != b {
					t.Fatalf("(%d,%d,%d): RRRLearningCoefficient %v, rank-r transcription at r = 0 %v", m, h, n, a, b)
				}
				for r := 0; r <= min(m, h, n); r++ {
					lam, mult := DLNLearningCoefficient([]int{m, h, n}, r)
					want, wantMult := rrrRank(m, h, n, r)
					if lam != want || mult != wantMult {
						t.Errorf("(%d,%d,%d) r=%d: DLN λ = %v (m = %d), reduced-rank regression %v (m = %d)", m, h, n, r, lam, mult, want, wantMult)
					}
					cases++
				}
			}
		}
	}
	if cases != 657 { // Σ over the 216 shapes of (min + 1) ranks
		t.Errorf("%d cases", cases)
	}
	if lam, mult := DLNLearningCoefficient([]int{5, 3, 5}, 0); lam != 6.5 || mult != 2 {
		t.Errorf("(5,3,5) r=0: λ = %v (m = %d), want 6.5 (m = 2)", lam, mult)
	}
}

// TestDLNLearningCoefficientLiteral checks the integer implementation (the
// first qualifying prefix of the sorted M_j, λ in integers) against the
// literal statement (every subset of indices, floating point), and that the
// qualifying S is unique as a multiset, on every widths vector of length
// 2..6 with entries 1..5 and every rank. It also checks, on the same
// shapes: 0 < λ <= Dim/2 (Watanabe: λ <= d/2 for any model), m >= 1,
// invariance under permutations of the hidden widths and under reversal
// (the transposed network W_1ᵀ⋯W_Lᵀ is the same model), and, at r = 0,
// under any permutation (λ depends on the multiset of widths only).
func TestDLNLearningCoefficientLiteral(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	n := 0
	allWidths(6, 5, func(w []int) {
		for r := 0; r <= slices.Min(w); r++ {
			lam, mult := DLNLearningCoefficient(w, r)
			lit, litMult, sets := dlnLiteral(w, r)
			if sets != 1 {
				t.Fatalf("%v r=%d: %d multisets S qualify", w, r, sets)
			}
			if math.Abs(lam-lit) > 1e-12*math.Max(1, lit) || mult != litMult {
				t.Fatalf("%v r=%d: λ = %v (m = %d), literal %v (m = %d)", w, r, lam, mult, lit, litMult)
			}
			if !(lam > 0) || lam > float64(dlnDim(w))/2 || mult < 1 {
				t.Fatalf("%v r=%d: λ = %v (m = %d), Dim/2 = %v", w, r, lam, mult, float64(dlnDim(w))/2)
			}
			rev := slices.Clone(w)
			slices.Reverse(rev)
			if l2, m2 := DLNLearningCoefficient(rev, r); l2 != lam || m2 != mult {
				t.Fatalf("%v r=%d: λ = %v, reversed %v: %v", w, r, lam, rev, l2)
			}
			perm := slices.Clone(w)
			hidden := perm[1 : len(perm)-1]
			rng.Shuffle(len(hidden), func(i, j int) { hidden[i], hidden[j] = hidden[j], hidden[i] })
			if r == 0 {
				rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			}
			if l2, m2 := DLNLearningCoefficient(perm, r); l2 != lam || m2 != mult {
				t.Fatalf("%v r=%d: λ = %v, permuted %v: %v", w, r, lam, perm, l2)
			}
			n++
		}
	})
	t.Logf("%d (widths, rank) pairs", n)
}

// TestDLNLearningCoefficientSpecialCases checks cases with an answer that
// does not use Aoyagi's theorem.
func TestDLNLearningCoefficientSpecialCases(t *testing.T) {
	// One layer, y = W x: linear regression, a regular model with d = H_0 H_1
	// parameters, λ = d/2, m = 1, whatever the rank of the truth (Watanabe,
	// Algebraic Geometry and Statistical Learning Theory, 2009, regular case).
	for a := 1; a <= 7; a++ {
		for b := 1; b <= 7; b++ {
			for r := 0; r <= min(a, b); r++ {
				if lam, m := DLNLearningCoefficient([]int{a, b}, r); lam != float64(a*b)/2 || m != 1 {
					t.Errorf("(%d,%d) r=%d: λ = %v (m = %d), want %v (m = 1)", a, b, r, lam, m, float64(a*b)/2)
				}
			}
		}
	}
	allWidths(6, 5, func(w []int) {
		// r = min width: near the truth the image is the manifold of rank-r
		// H_L×H_0 matrices, of dimension r(H_0 + H_L - r), and the product
		// map is a submersion onto it, so the model is regular in that
		// reduced parametrization: λ = r(H_0 + H_L - r)/2, m = 1.
		r := slices.Min(w)
		want := float64(r*(w[0]+w[len(w)-1]-r)) / 2
		if lam, m := DLNLearningCoefficient(w, r); lam != want || m != 1 {
			t.Errorf("%v r=%d (min width): λ = %v (m = %d), want %v (m = 1)", w, r, lam, m, want)
		}
		// A width-1 bottleneck at hidden layer k, r = 0: the map is p qᵀ with
		// p = W_L⋯W_{k+1} (a DLN of widths (1, H_{k+1}, ..., H_L)) and
		// qᵀ = W_k⋯W_1 (widths (H_0, ..., H_{k-1}, 1)) in disjoint
		// parameters, and K = ||p||²||q||². The zeta function of a product in
		// disjoint variables is the product of the zeta functions (Watanabe
		// 2009, ch. 2 and 7), so λ = min(λ_p, λ_q), with multiplicities
		// added when they are equal.
		for k := 1; k < len(w)-1; k++ {
			if w[k] != 1 {
				continue
			}
			lq, mq := DLNLearningCoefficient(w[:k+1], 0)
			lp, mp := DLNLearningCoefficient(w[k:], 0)
			want, wantM := min(lq, lp), mq+mp
			switch {
			case lq < lp:
				wantM = mq
			case lp < lq:
				wantM = mp
			}
			if lam, m := DLNLearningCoefficient(w, 0); lam != want || m != wantM {
				t.Errorf("%v r=0, bottleneck at %d: λ = %v (m = %d), want min(%v, %v) = %v (m = %d)", w, k, lam, m, lq, lp, want, wantM)
			}
		}
	})
	// All widths 1: f = w_L⋯w_1, normal crossing with L powers 1 (Watanabe
	// 2009: λ = 1/(2 max a) = 1/2, multiplicity = the number of maximal
	// powers, L).
	for L := 1; L <= 12; L++ {
		w := make([]int, L+1)
		pow := make([]int, L)
		for i := range w {
			w[i] = 1
		}
		for i := range pow {
			pow[i] = 1
		}
		nc := NormalCrossingData(rand.New(rand.NewPCG(1, 1)), 5, pow, false).LearningCoefficient()
		if lam, m := DLNLearningCoefficient(w, 0); lam != nc || m != L {
			t.Errorf("widths 1^%d: λ = %v (m = %d), normal crossing %v (m = %d)", L+1, lam, m, nc, L)
		}
	}
	// Aoyagi 2024 (abstract): λ stays bounded as the number of layers grows.
	// For all widths H and L >= H at r = 0 the theorem gives S = all, ℓ = L,
	// a = H (worked out by hand): λ = H(H+1)/4 for every L, m = H(L-H)+1.
	for H := 1; H <= 6; H++ {
		for L := H; L <= 40; L++ {
			w := make([]int, L+1)
			for i := range w {
				w[i] = H
			}
			want := float64(H*(H+1)) / 4
			if lam, m := DLNLearningCoefficient(w, 0); lam != want || m != H*(L-H)+1 {
				t.Errorf("widths %d^%d: λ = %v (m = %d), want %v (m = %d)", H, L+1, lam, m, want, H*(L-H)+1)
			}
		}
	}
	// The widths of the sampled tests (dln_llc_test.go), by hand.
	for _, c := range []struct {
		w    []int
		r    int
		want float64
		m    int
	}{
		{[]int{3, 3, 3, 3}, 0, 3, 1},   // 0 + S = {3,3,3,3}, s = 12, ℓ = 3, a = 3: (144 - 108 + 0)/12
		{[]int{3, 3, 3, 3}, 1, 4, 3},   // 5/2 + S = {2,2,2,2}, s = 8, a = 2: (64 - 48 + 2)/12
		{[]int{3, 3, 3, 3}, 2, 4.5, 3}, // 4 + S = {1,1,1,1}, s = 4, a = 1: (16 - 12 + 2)/12
		{[]int{4, 3, 4, 3}, 0, 4, 3},   // 0 + S = {3,3,4,4}, s = 14, a = 2: (196 - 150 + 2)/12
		{[]int{4, 3, 4, 3}, 2, 5.5, 1}, // 5 + S = {1,1,2,2}, s = 6, a = 3: (36 - 30 + 0)/12
	} {
		if lam, m := DLNLearningCoefficient(c.w, c.r); lam != c.want || m != c.m {
			t.Errorf("%v r=%d: λ = %v (m = %d), want %v (m = %d)", c.w, c.r, lam, m, c.want, c.m)
		}
	}
}

func TestDLNLearningCoefficientPanics(t *testing.T) {
	for _, c := range []struct {
		w    []int
		r    int
		want string
	}{
		{nil, 0, "toy: DLNLearningCoefficient needs at least two widths (one layer)"},
		{[]int{3}, 0, "toy: DLNLearningCoefficient needs at least two widths (one layer)"},
		{[]int{3, 0, 2}, 0, "toy: DLNLearningCoefficient: widths must be >= 1"},
		{[]int{3, 2, 4}, 3, "toy: DLNLearningCoefficient needs 0 <= rank <= min width"},
		{[]int{3, 2, 4}, -1, "toy: DLNLearningCoefficient needs 0 <= rank <= min width"},
	} {
		func() {
			defer func() {
				if r := recover(); r != c.want {
					t.Errorf("%v r=%d: recovered %v", c.w, c.r, r)
				}
			}()
			DLNLearningCoefficient(c.w, c.r)
		}()
	}
}
