package spectro

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/pkg/lm"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// Contrast returns Σ_t a_t y_t, y_t = Σ_k b_k z_tk, z the column z-scores of
// m.Chi (structure.Standardize; rows centred too if centred): token weights
// a (one per row) and head weights b (one per column), with a standard
// error for the population of tokens (docs/theory.md §5.7). Its square is
// the chains' noise in the combination, structure.Matrix.LinearSE of the
// weights it puts on χ̂ (the entries share their runs' chains, so their
// errors do not average out over tokens), plus the spread between tokens:
// the tokens are grouped by their weight a_t, and each group g adds
// n_g (a_g - ā)² (s²_g - v̄_g), s²_g the variance of y over the group and v̄_g
// its tokens' mean noise variance (floored at 0; a group of one token adds
// nothing, so with distinct weights the SE is the chains' noise alone).
// The noise is propagated to first order through the column means and sds,
// which are estimated from the same entries. The SE is NaN without m.Terms;
// Contrast panics if a or b has the wrong length.
func Contrast(m *structure.Matrix, centred bool, a, b []float64) susc.Estimate {
	r, c := m.Chi.Dims()
	if len(a) != r || len(b) != c {
		panic(fmt.Sprintf("spectro: Contrast: %d token and %d head weights for a %d×%d matrix", len(a), len(b), r, c))
	}
	z := structure.Standardize(nil, m.Chi, false)
	// y_t = Σ_k b'_k z_tk, with b' = b less its mean when rows are centred.
	bb := append([]float64(nil), b...)
	if centred {
		mb := stat.Mean(b, nil)
		for k := range bb {
			bb[k] -= mb
		}
	}
	colScale := make([]float64, c) // b'_k / sd_k: the weight on χ̂_tk per unit of token weight
	for k := range c {
		if bb[k] == 0 {
			continue
		}
		if sd := stat.StdDev(mat.Col(nil, k, m.Chi), nil); sd > 0 {
			colScale[k] = bb[k] / sd
		}
	}
	y := make([]float64, r)
	var value, abar float64
	for t := range r {
		for k := range c {
			if bb[k] != 0 { // columns with no weight stay out, even when NaN
				y[t] += bb[k] * z.At(t, k)
			}
		}
		value += a[t] * y[t]
		abar += a[t] / float64(r)
	}
	// The weight on χ̂_tk: the derivative of Σ_t a_t b'_k z_tk, with the
	// column's mean and sd estimated from the same entries,
	// (b'_k / sd_k) [(a_t - ā) - S_k z_tk / (r - 1)], S_k = Σ_t a_t z_tk. The
	// sd's term cancels noise that scales a whole column, which the z-score
	// removes.
	w := mat.NewDense(r, c, nil)
	for k := range c {
		if colScale[k] == 0 {
			continue
		}
		var sk float64
		for t := range r {
			sk += a[t] * z.At(t, k)
		}
		for t := range r {
			w.Set(t, k, colScale[k]*((a[t]-abar)-sk*z.At(t, k)/float64(r-1)))
		}
	}
	noise := m.LinearSE(w)
	// The tokens' own spread, group by group.
	groups := map[float64][]int{}
	for t, at := range a {
		groups[at] = append(groups[at], t)
	}
	keys := make([]float64, 0, len(groups))
	for ag := range groups {
		keys = append(keys, ag)
	}
	sort.Float64s(keys) // a fixed order of summation: the same bits every time
	v := tokenNoise(m, z, colScale)
	var het float64
	for _, ag := range keys {
		rows := groups[ag]
		if len(rows) < 2 || ag == abar {
			continue
		}
		ys := make([]float64, len(rows))
		var vbar float64
		for i, t := range rows {
			ys[i] = y[t]
			vbar += v[t] / float64(len(rows))
		}
		het += float64(len(rows)) * (ag - abar) * (ag - abar) * math.Max(0, stat.Variance(ys, nil)-vbar)
	}
	return susc.Estimate{Value: value, SE: math.Sqrt(het + noise*noise)}
}

// tokenNoise returns the noise variance of each y_t = Σ_k colScale_k sd_k z_tk
// from m's units' terms, propagated through the column means and sds as in
// Contrast: per unit, a column's terms d_t enter as
// d_t - mean_s d_s - z_tk Σ_s z_sk d_s / (r - 1). NaN without usable terms.
func tokenNoise(m *structure.Matrix, z *mat.Dense, colScale []float64) []float64 {
	r, c := z.Dims()
	v := make([]float64, r)
	unknown := func() []float64 {
		for i := range v {
			v[i] = math.NaN()
		}
		return v
	}
	t := m.Terms
	if !t.Fits(r, c) {
		return unknown()
	}
	// residual writes into e the terms of one unit d (length r) of column k,
	// less what the column's mean and sd absorb.
	residual := func(e, d []float64, k int) {
		mean := stat.Mean(d, nil)
		var zd float64
		for s := range r {
			zd += z.At(s, k) * d[s]
		}
		for s := range r {
			e[s] = d[s] - mean - z.At(s, k)*zd/float64(r-1)
		}
	}
	// add adds to v the squared standard error over the units of the rows
	// of x (units × r), each unit's row given by row.
	add := func(units int, row func(u int, e []float64)) {
		if units < 2 {
			unknown()
			return
		}
		es := make([][]float64, units)
		for u := range es {
			es[u] = make([]float64, r)
			row(u, es[u])
		}
		col := make([]float64, units)
		for s := range r {
			for u := range units {
				col[u] = es[u][s]
			}
			v[s] += stat.Variance(col, nil) / float64(units)
		}
	}
	d := make([]float64, r)
	e := make([]float64, r)
	var fullW []float64 // colScale_k Shift_k
	for k := range c {
		if colScale[k] == 0 {
			continue
		}
		fullW = append(fullW, colScale[k]*t.Shift[k])
		rk := t.Restricted[k]
		if rk == nil {
			return unknown()
		}
		units, _ := rk.Dims()
		add(units, func(u int, out []float64) {
			mat.Row(d, u, rk)
			residual(e, d, k)
			for s := range out {
				out[s] = colScale[k] * e[s]
			}
		})
	}
	units, _ := t.Full.Dims()
	add(units, func(u int, out []float64) {
		mat.Row(d, u, t.Full)
		j := 0
		for k := range c {
			if colScale[k] == 0 {
				continue
			}
			residual(e, d, k)
			for s := range out {
				out[s] += fullW[j] * e[s]
			}
			j++
		}
	})
	return v
}

// Separation returns, for column c of the column z-scores of m.Chi (rows
// centred too if centred), the mean over the rows with in[i] minus the mean
// over the others, with Contrast's standard error. It panics if len(in) is
// not the number of rows; with a side empty the value is NaN, and with a
// side of one row the SE.
func Separation(m *structure.Matrix, centred bool, c int, in []bool) susc.Estimate {
	r, nc := m.Chi.Dims()
	if len(in) != r {
		panic(fmt.Sprintf("spectro: Separation: %d flags for %d rows", len(in), r))
	}
	var nin int
	for _, b := range in {
		if b {
			nin++
		}
	}
	if nin == 0 || nin == r {
		return susc.Estimate{Value: math.NaN(), SE: math.NaN()}
	}
	a := make([]float64, r)
	for i, b := range in {
		a[i] = -1 / float64(r-nin)
		if b {
			a[i] = 1 / float64(nin)
		}
	}
	b := make([]float64, nc)
	b[c] = 1
	e := Contrast(m, centred, a, b)
	if nin < 2 || r-nin < 2 { // a side's spread is unknown
		e.SE = math.NaN()
	}
	return e
}

// LabelMeans returns, for each label of set (rows) and each column of the
// column z-scores of m.Chi (rows centred too if centred), the mean over the
// rows whose labels include it, with Contrast's standard error (NaN below
// two rows), and the count of rows per label. It panics if len(labels) is
// not the number of rows.
func LabelMeans(m *structure.Matrix, centred bool, labels []lm.Label, set []lm.Label) (mean, se *mat.Dense, count []int) {
	r, c := m.Chi.Dims()
	if len(labels) != r {
		panic(fmt.Sprintf("spectro: LabelMeans: %d labels for %d rows", len(labels), r))
	}
	mean, se = mat.NewDense(len(set), c, nil), mat.NewDense(len(set), c, nil)
	count = make([]int, len(set))
	a, b := make([]float64, r), make([]float64, c)
	for p, want := range set {
		var rows []int
		for i, l := range labels {
			a[i] = 0
			if l&want != 0 {
				rows = append(rows, i)
			}
		}
		count[p] = len(rows)
		for _, i := range rows {
			a[i] = 1 / float64(len(rows))
		}
		for j := range c {
			b[j] = 1
			e := Contrast(m, centred, a, b)
			b[j] = 0
			if count[p] == 0 {
				e = susc.Estimate{Value: math.NaN(), SE: math.NaN()}
			} else if count[p] < 2 {
				e.SE = math.NaN()
			}
			mean.Set(p, j, e.Value)
			se.Set(p, j, e.SE)
		}
	}
	return mean, se, count
}

// Typical returns, for each cluster 0..k-1 of the rows of y, up to n rows
// of that cluster closest to its centroid (Euclidean, in y), nearest
// first: the tokens that show what a cluster is. It panics if
// len(clusters) is not the number of rows.
func Typical(y mat.Matrix, clusters []int, k, n int) [][]int {
	r, c := y.Dims()
	if len(clusters) != r {
		panic(fmt.Sprintf("spectro: Typical: %d cluster labels for %d rows", len(clusters), r))
	}
	if n < 0 {
		panic("spectro: Typical: n < 0")
	}
	for _, q := range clusters {
		if q < 0 || q >= k {
			panic(fmt.Sprintf("spectro: Typical: cluster label %d outside [0, %d)", q, k))
		}
	}
	cent := make([][]float64, k)
	size := make([]int, k)
	for q := range cent {
		cent[q] = make([]float64, c)
	}
	for i, q := range clusters {
		size[q]++
		for j := range c {
			cent[q][j] += y.At(i, j)
		}
	}
	out := make([][]int, k)
	for q := range k {
		if size[q] == 0 {
			continue
		}
		var rows []int
		for i, qq := range clusters {
			if qq == q {
				rows = append(rows, i)
			}
		}
		dist := func(i int) float64 {
			var s float64
			for j := range c {
				d := y.At(i, j) - cent[q][j]/float64(size[q])
				s += d * d
			}
			return s
		}
		sort.SliceStable(rows, func(a, b int) bool { return dist(rows[a]) < dist(rows[b]) })
		out[q] = rows[:min(n, len(rows))]
	}
	return out
}
