// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
)

// PatternWeights returns the weight vector of length K+1 of the mixture
// (1 - eps) q + eps q_k: pattern k of K mixed into the base distribution.
// eps = 1 gives the pure pattern q_k (a probe distribution), eps = 0 the
// base distribution.
//
// Mixture weights over data patterns: the data generators of the structural toy models (GenerateTMS,
// GenerateDeepLinear, GenerateMLP) draw n independent samples from a
// mixture
//
//	q_π = Σ_{k<K} π_k q_k + π_K q,
//
// where q_0..q_{K-1} are the model's K data patterns and q is its base
// distribution. The weight vector pi has length K (patterns only, π_K = 0)
// or K+1 (last entry: the weight of the base distribution); nil means the
// base distribution alone. Weights must be non-negative and sum to 1 (within
// 1e-9): a generator panics otherwise. Each generator also returns the
// component each sample was drawn from (k < K a pattern, K the base), so
// that a dataset can be split by pattern.
func PatternWeights(patterns, k int, eps float64) []float64 {
	if k < 0 || k >= patterns || eps < 0 || eps > 1 {
		panic("toy: PatternWeights: pattern out of range or eps not in [0, 1]")
	}
	pi := make([]float64, patterns+1)
	pi[k] = eps
	pi[patterns] = 1 - eps
	return pi
}

// mixtureCDF checks pi (see above) for K patterns and returns the cumulative
// weights over the K+1 components, the last one exactly 1.
func mixtureCDF(pi []float64, patterns int) []float64 {
	cdf := make([]float64, patterns+1)
	if pi == nil {
		cdf[patterns] = 1
		return cdf
	}
	if len(pi) != patterns && len(pi) != patterns+1 {
		panic("toy: mixture weights must have length K (patterns) or K+1 (patterns and base)")
	}
	var s float64
	for _, v := range pi {
		if !(v >= 0) || math.IsInf(v, 0) {
			panic("toy: mixture weights must be finite and non-negative")
		}
		s += v
	}
	if math.Abs(s-1) > 1e-9 {
		panic("toy: mixture weights must sum to 1")
	}
	var c float64
	for k := range cdf {
		if k < len(pi) {
			c += pi[k] / s
		}
		cdf[k] = c
	}
	// Make the last non-empty component absorb round-off.
	for k := patterns; k >= 0; k-- {
		if k >= len(pi) || pi[k] == 0 {
			cdf[k] = 1
			continue
		}
		cdf[k] = 1
		break
	}
	return cdf
}

// drawComponent returns the smallest k with u < cdf[k], u ~ Uniform[0,1),
// skipping empty components.
func drawComponent(rng *rand.Rand, cdf []float64) int {
	u := rng.Float64()
	for k, c := range cdf {
		if u < c {
			return k
		}
	}
	return len(cdf) - 1
}

// needRand panics if rng is nil: there is no global random state.
func needRand(rng *rand.Rand) {
	if rng == nil {
		panic("toy: nil *rand.Rand")
	}
}
