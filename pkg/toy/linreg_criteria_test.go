package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestLinRegCriteriaMonteCarlo checks the closed forms of
// docs/theory.md §9.8 against plain Monte Carlo with 4·10⁵ exact Gaussian draws of w, each
// quantity within 4 of its Monte Carlo standard errors: the SE of the mean
// of the per-draw linearized contributions (delta method), computed in a
// second pass over the same draws. A wrong term (say c_ii² instead of
// c_ii²/2 in V_n) is off by many SE.
func TestLinRegCriteriaMonteCarlo(t *testing.T) {
	m := LinearRegressionData(rand.New(rand.NewPCG(1, 2)), 12, []float64{1, -0.5}, 1)
	const nb, gamma, c = 6.0, 0.5, 0.9189385332046727 // ½ log 2π
	p := m.Posterior(nb, gamma, nil)
	want := p.Criteria(c)
	var ch mat.Cholesky
	ch.Factorize(p.Cov)
	var L mat.TriDense
	ch.LTo(&L)
	const draws = 400_000
	n, d := m.NumData(), m.Dim()
	// each calls f with the losses of every draw, the same draws each time.
	each := func(f func(l []float64)) {
		rng := rand.New(rand.NewPCG(3, 4))
		l, w, z := make([]float64, n), make([]float64, d), make([]float64, d)
		for range draws {
			for i := range z {
				z[i] = rng.NormFloat64()
			}
			for i := range w {
				w[i] = p.Mean[i]
				for j := 0; j <= i; j++ {
					w[i] += L.At(i, j) * z[j]
				}
			}
			m.PointLosses(l, w, nil)
			f(l)
		}
	}
	N := float64(draws)
	mean, mu := make([]float64, n), make([]float64, n) // E[l_i], E[exp(-l_i)]
	each(func(l []float64) {
		for i, v := range l {
			mean[i] += v / N
			mu[i] += math.Exp(-v) / N
		}
	})
	// Per draw: the total NLL, the linearized T contribution and Σ_i (l_i - E l_i)².
	var s, s2 [3]float64
	each(func(l []float64) {
		var x [3]float64
		for i, v := range l {
			x[0] += v + c
			x[1] += -math.Exp(-v) / mu[i] / float64(n)
			x[2] += (v - mean[i]) * (v - mean[i])
		}
		for k := range x {
			s[k] += x[k]
			s2[k] += x[k] * x[k]
		}
	})
	se := func(k int) float64 { m := s[k] / N; return math.Sqrt((s2[k]/N - m*m) / N) }
	T := c
	for _, v := range mu {
		T -= math.Log(v) / float64(n)
	}
	for _, q := range []struct {
		name          string
		got, se, want float64
	}{
		{"n E[L_n] + nc", s[0] / N, se(0), want.MeanNLL},
		{"T_n", T, se(1), want.Training},
		{"V_n", s[2] / N * N / (N - 1), se(2), want.FunctionalVariance},
	} {
		t.Logf("%s: Monte Carlo %.6g ± %.2g, closed form %.6g", q.name, q.got, q.se, q.want)
		if math.Abs(q.got-q.want) > 4*q.se {
			t.Errorf("%s: Monte Carlo %.6g ± %.2g, closed form %.6g", q.name, q.got, q.se, q.want)
		}
	}
	if w := want.Training + want.Beta/float64(n)*want.FunctionalVariance; w != want.WAIC || want.Fluctuation != want.Beta/2*want.FunctionalVariance {
		t.Errorf("WAIC %v, ν %v inconsistent with T, V", want.WAIC, want.Fluctuation)
	}
}

// At β = 1/log n without localization, WBIC is the BIC n L_n^NLL(w_ls) +
// (d/2) log n exactly (docs/theory.md §7.5, §9.8).
func TestLinRegWBICIsBIC(t *testing.T) {
	m := LinearRegressionData(rand.New(rand.NewPCG(5, 6)), 40, []float64{1, -0.5, 2}, 1)
	n := float64(m.NumData())
	const c = 0.9189385332046727
	got := m.Posterior(n/math.Log(n), 0, nil).Criteria(c).MeanNLL
	want := n*(m.LossGrad(nil, m.LeastSquares(), nil)+c) + 1.5*math.Log(n)
	if math.Abs(got-want) > 1e-9*want {
		t.Errorf("WBIC %v, BIC %v", got, want)
	}
}
