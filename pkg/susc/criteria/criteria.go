package criteria

import (
	"errors"
	"fmt"
	"math"

	"susclab/pkg/susc"
)

// WBIC is the widely applicable Bayesian information criterion of a run
// (docs/theory.md §7.5).
type WBIC struct {
	// Estimate is n E_w[L_n(w) + c] with its standard error.
	Estimate susc.Estimate
	// N is the number of samples n and NBeta the run's nβ = n/log n.
	N     int
	NBeta float64
	// Local is set when the posterior was localized at w* (γ > 0): the
	// estimate is then a local WBIC, not Watanabe's global one.
	Local bool
}

// EstimateWBIC returns the WBIC of r with per-sample constant c (the
// negative log-likelihood of sample i is l_i(w) + c). It refuses a run
// whose nβ is not n/log n (to a relative 10⁻⁹), a PriorOnly run, a run
// whose loss coordinate is on a subset (Run.LossSubset) and one without
// draws.
func EstimateWBIC(r *susc.Result, c float64) (WBIC, error) {
	n := r.NumData
	switch {
	case n < 2:
		return WBIC{}, fmt.Errorf("criteria: WBIC needs n ≥ 2 samples, the result has %d", n)
	case r.PriorOnly:
		return WBIC{}, errors.New("criteria: WBIC needs nβ = n/log n; this is a PriorOnly run")
	case r.Settings.LossSubset != nil:
		return WBIC{}, errors.New("criteria: WBIC needs the full L_n; the loss coordinate of this run is on Run.LossSubset")
	case math.IsNaN(c) || math.IsInf(c, 0):
		return WBIC{}, fmt.Errorf("criteria: constant c = %v, want a finite value", c)
	}
	if want := susc.NOverLogN(n); !(math.Abs(r.NBeta-want) <= 1e-9*want) {
		return WBIC{}, fmt.Errorf("criteria: WBIC needs nβ = n/log n = %.10g (susc.NOverLogN(%d)); the run has nβ = %.10g", want, n, r.NBeta)
	}
	if r.NumDraws() == 0 {
		return WBIC{}, errors.New("criteria: no draws")
	}
	mean := r.Mean(0) // the coordinate "loss"
	nf := float64(n)
	return WBIC{Estimate: susc.Estimate{Value: nf * (mean.Value + c), SE: nf * mean.SE},
		N: n, NBeta: r.NBeta, Local: r.Gamma > 0}, nil
}

// WAIC holds Watanabe's Bayes training loss, functional variance, WAIC and
// singular fluctuation of a run (docs/theory.md §8.6), each with a standard
// error.
type WAIC struct {
	// N is the number of samples n, Beta the per-sample inverse
	// temperature β = nβ/n.
	N    int
	Beta float64
	// Training is T_n = c - (1/n) Σ_i log E_w[exp(-l_i(w))].
	Training susc.Estimate
	// FunctionalVariance is V_n = Σ_i Var_w(l_i(w)).
	FunctionalVariance susc.Estimate
	// WAIC is T_n + (β/n) V_n.
	WAIC susc.Estimate
	// Fluctuation is ν = (β/2) V_n.
	Fluctuation susc.Estimate
}

// EstimateWAIC returns the training loss, functional variance, WAIC and
// singular fluctuation of r, whose run must have set Run.PointStats, with
// per-sample constant c. It needs nβ > 0 and at least two draws.
func EstimateWAIC(r *susc.Result, c float64) (WAIC, error) {
	n := r.NumData
	switch {
	case r.PriorOnly || !(r.NBeta > 0):
		return WAIC{}, errors.New("criteria: WAIC needs nβ > 0; this is a PriorOnly run")
	case math.IsNaN(c) || math.IsInf(c, 0):
		return WAIC{}, fmt.Errorf("criteria: constant c = %v, want a finite value", c)
	}
	type unit struct {
		n             int
		mean, m2, lme []float64
	}
	var units []unit
	for _, ci := range r.Used() {
		ch := &r.Chains[ci]
		if ch.PointMean == nil {
			return WAIC{}, errors.New("criteria: no per-sample statistics; set Run.PointStats")
		}
		if len(ch.PointMean) != len(ch.Units) || len(ch.PointM2) != len(ch.Units) || len(ch.PointLogMeanExp) != len(ch.Units) {
			return WAIC{}, fmt.Errorf("criteria: chain %d has per-sample statistics for %d units, and %d units", ci, len(ch.PointMean), len(ch.Units))
		}
		for u, mo := range ch.Units {
			if mo.N == 0 {
				continue
			}
			un := unit{n: mo.N, mean: ch.PointMean[u], m2: ch.PointM2[u], lme: ch.PointLogMeanExp[u]}
			if len(un.mean) != n || len(un.m2) != n || len(un.lme) != n {
				return WAIC{}, fmt.Errorf("criteria: chain %d unit %d has per-sample statistics of %d samples, the result has %d", ci, u, len(un.mean), n)
			}
			units = append(units, un)
		}
	}
	total := 0
	for _, u := range units {
		total += u.n
	}
	if total < 2 {
		return WAIC{}, errors.New("criteria: WAIC needs at least two draws")
	}
	beta := r.NBeta / float64(n)
	nf, N := float64(n), float64(total)
	// Pooled over units, per sample: the mean and squared deviations by the
	// pairwise formula, the log-mean-exp by log Σ_u (N_u/N) exp(A_u).
	var V, T float64
	for i := range n {
		var mean float64
		lmax := math.Inf(-1)
		for _, u := range units {
			mean += float64(u.n) / N * u.mean[i]
			lmax = math.Max(lmax, u.lme[i])
		}
		var m2, s float64
		for _, u := range units {
			d := u.mean[i] - mean
			m2 += u.m2[i] + float64(u.n)*d*d
			s += float64(u.n) / N * math.Exp(u.lme[i]-lmax)
		}
		V += m2 / (N - 1)
		T -= lmax + math.Log(s)
	}
	T = c + T/nf
	// The same statistics per unit of at least two draws, for the SEs.
	var vs, ts, ws, nus []float64
	for _, u := range units {
		if u.n < 2 {
			continue
		}
		var v, t float64
		for i := range n {
			v += u.m2[i] / float64(u.n-1)
			t -= u.lme[i]
		}
		t = c + t/nf
		vs, ts = append(vs, v), append(ts, t)
		ws, nus = append(ws, t+beta/nf*v), append(nus, beta/2*v)
	}
	return WAIC{N: n, Beta: beta,
		Training:           susc.Estimate{Value: T, SE: se(ts)},
		FunctionalVariance: susc.Estimate{Value: V, SE: se(vs)},
		WAIC:               susc.Estimate{Value: T + beta/nf*V, SE: se(ws)},
		Fluctuation:        susc.Estimate{Value: beta / 2 * V, SE: se(nus)},
	}, nil
}

// se is the standard error sd/√len of the mean of xs (docs/theory.md §8.1),
// NaN for fewer than two.
func se(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}
