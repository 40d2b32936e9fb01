package susc

import (
	"fmt"
	"math"
)

// pointAcc accumulates Run.PointStats for one chain (docs/theory.md §8.6):
// per unit u and sample i, Welford's mean and sum of squared deviations of
// l_i(w) into Chain.PointMean and PointM2, and the log-mean-exp of -l_i(w)
// as a running maximum a (kept in PointLogMeanExp until finish) and a scaled
// sum s = Σ exp(-l_i - a), so that each draw costs one exponential per
// sample and nothing overflows.
type pointAcc struct {
	idx []int       // 0, …, n-1: every sample, explicitly
	l   []float64   // scratch: l_i(w) of the current draw
	sum [][]float64 // per unit: the scaled sums s
	n   []int       // per unit: draws added
}

func newPointAcc(ch *Chain, units, n int) *pointAcc {
	p := &pointAcc{idx: make([]int, n), l: make([]float64, n), sum: make([][]float64, units), n: make([]int, units)}
	for i := range p.idx {
		p.idx[i] = i
	}
	ch.PointMean, ch.PointM2, ch.PointLogMeanExp = make([][]float64, units), make([][]float64, units), make([][]float64, units)
	for u := range units {
		ch.PointMean[u], ch.PointM2[u], ch.PointLogMeanExp[u] = make([]float64, n), make([]float64, n), make([]float64, n)
		p.sum[u] = make([]float64, n)
	}
	return p
}

// eval writes l_i(w) for all samples into the scratch and reports a value
// that is not finite.
func (p *pointAcc) eval(m Model, w []float64, c, pos int) error {
	m.(PointLosser).PointLosses(p.l, w, p.idx)
	for i, v := range p.l {
		if !finite(v) {
			return fmt.Errorf("susc: chain %d: the loss of sample %d is %v after %d steps (Run.PointStats)", c, i, v, pos)
		}
	}
	return nil
}

// add adds the evaluated losses to unit u.
func (p *pointAcc) add(ch *Chain, u int) {
	p.n[u]++
	k := p.n[u]
	inv := 1 / float64(k)
	mean, m2, a, s := ch.PointMean[u], ch.PointM2[u], ch.PointLogMeanExp[u], p.sum[u]
	for i, l := range p.l {
		d := l - mean[i]
		mean[i] += d * inv
		m2[i] += d * (l - mean[i])
		x := -l
		switch {
		case k == 1:
			a[i], s[i] = x, 1
		case x <= a[i]:
			s[i] += math.Exp(x - a[i])
		default:
			s[i] = s[i]*math.Exp(a[i]-x) + 1
			a[i] = x
		}
	}
}

// finish turns the running maxima into log((1/N) Σ exp(-l_i)): a + log(s/N),
// NaN for a unit without draws.
func (p *pointAcc) finish(ch *Chain) {
	for u, a := range ch.PointLogMeanExp {
		for i := range a {
			if p.n[u] == 0 {
				a[i] = nan
				ch.PointMean[u][i], ch.PointM2[u][i] = nan, nan
				continue
			}
			a[i] += math.Log(p.sum[u][i] / float64(p.n[u]))
		}
	}
}
