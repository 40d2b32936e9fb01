package susc

import (
	"errors"
	"math"
	"slices"
)

// RHat returns the Gelman–Rubin potential scale reduction factor of
// component i of the named observable, from the chains' streaming moments:
//
//	W = mean of within-chain variances,  B/N = variance of chain means,
//	R̂ = √( ((N-1)/N · W + B/N) / W )
//
// with N the draws per chain. Values above about 1.01–1.1 mean the chains
// have not mixed. It needs at least two chains with two draws each.
func (r *Result) RHat(name string, i int) (float64, error) {
	j, err := r.Coord(name, i)
	if err != nil {
		return nan, err
	}
	var means, vars []float64
	n := math.MaxInt
	for _, c := range r.Used() {
		m := r.ChainMoments(c)
		if m.N < 2 {
			continue
		}
		means = append(means, m.Mean[j])
		vars = append(vars, m.Cov(j, j))
		n = min(n, m.N)
	}
	if len(means) < 2 {
		return nan, errors.New("susc: R̂ needs at least two chains with two draws")
	}
	w, _ := meanSE(vars)
	mu, _ := meanSE(means)
	var b float64
	for _, x := range means {
		b += (x - mu) * (x - mu)
	}
	b /= float64(len(means) - 1) // this is B/N
	N := float64(n)
	return math.Sqrt(((N-1)/N*w + b) / w), nil
}

// ESS returns the effective sample size of a set of chains' traces (one
// slice per chain, truncated to the shortest), the multi-chain estimator of
// Stan and ArviZ without splitting chains:
//
//	ρ_t = 1 - (W - mean_c γ_c(t)) / var⁺,   ESS = M N / τ,   τ = -1 + 2 Σ_t ρ_t
//
// with γ_c the biased autocovariance, W the mean within-chain variance and
// var⁺ = (N-1)/N W + B/N; ρ_0 = 1, pairs are summed while positive (Geyer's
// initial positive sequence) and made non-increasing (initial monotone
// sequence), and τ ≥ 1/log₁₀(MN). It is NaN for fewer than 4 draws, a
// constant trace, or a trace with a NaN or infinite value.
func ESS(chains [][]float64) float64 {
	m := len(chains)
	if m == 0 {
		return nan
	}
	n := len(chains[0])
	for _, c := range chains {
		n = min(n, len(c))
	}
	if n < 4 {
		return nan
	}
	for _, c := range chains {
		for _, v := range c[:n] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nan // no effective sample size for a trace that is not finite
			}
		}
	}
	means := make([]float64, m)
	for c, x := range chains {
		for _, v := range x[:n] {
			means[c] += v
		}
		means[c] /= float64(n)
	}
	// acov is the biased autocovariance γ_c(t) = (1/n) Σ_s (x_s - μ)(x_{s+t} - μ),
	// computed per lag only as far as the sum below needs it.
	acov := func(c, t int) float64 {
		x, mu := chains[c][:n], means[c]
		var s float64
		for i := 0; i+t < n; i++ {
			s += (x[i] - mu) * (x[i+t] - mu)
		}
		return s / float64(n)
	}
	N := float64(n)
	var w float64
	for c := range m {
		w += acov(c, 0) * N / (N - 1)
	}
	w /= float64(m)
	varPlus := (N - 1) / N * w
	if m > 1 {
		mu, _ := meanSE(means)
		var b float64
		for _, x := range means {
			b += (x - mu) * (x - mu)
		}
		varPlus += b / float64(m-1)
	}
	if varPlus == 0 {
		return nan
	}
	rho := func(t int) float64 {
		var g float64
		for c := range m {
			g += acov(c, t)
		}
		return 1 - (w-g/float64(m))/varPlus
	}
	// Geyer's initial positive sequence on pairs (ρ_{t+1}, ρ_{t+2}), then
	// the initial monotone sequence, as in Stan and ArviZ.
	r := make([]float64, n)
	r[0] = 1
	even, odd := 1.0, rho(1)
	r[1] = odd
	t := 1
	for t < n-3 && even+odd > 0 {
		even, odd = rho(t+1), rho(t+2)
		if even+odd >= 0 {
			r[t+1], r[t+2] = even, odd
		}
		t += 2
	}
	maxT := t - 2
	if even > 0 {
		r[maxT+1] = even
	}
	for t := 1; t <= maxT-2; t += 2 {
		if r[t+1]+r[t+2] > r[t-1]+r[t] {
			r[t+1] = (r[t-1] + r[t]) / 2
			r[t+2] = r[t+1]
		}
	}
	tau := -1.0
	for _, v := range r[:maxT+1] {
		tau += 2 * v
	}
	tau += r[maxT+1]
	total := float64(m) * N
	return total / math.Max(tau, 1/math.Log10(total))
}

// MALA returns each chain's mean MALA acceptance probability (Run.MALA):
// NaN for a chain without draws or left out as diverged (see Result.Used).
func (r *Result) MALA() ([]float64, error) {
	out := make([]float64, len(r.Chains))
	used := r.Used()
	for c := range out {
		out[c] = nan
	}
	recorded := false
	for c, ch := range r.Chains {
		recorded = recorded || ch.MALACount > 0
		if ch.MALACount > 0 && slices.Contains(used, c) {
			out[c] = ch.MALASum / float64(ch.MALACount)
		}
	}
	if !recorded {
		if r.NumDraws() > 0 {
			return nil, errors.New("susc: no MALA acceptance recorded; set Run.MALA")
		}
		return out, errors.New("susc: no MALA acceptance: no chain has draws")
	}
	return out, nil
}
