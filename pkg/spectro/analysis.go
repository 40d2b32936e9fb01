package spectro

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/pkg/lm"
	"susclab/pkg/susc"
)

// Separation returns, for column c of z (tokens × components, usually
// standardized), the difference between the mean over the rows with in[i]
// and the mean over the others, with its standard error (Welch:
// √(s²_in/n_in + s²_out/n_out), the spreads over tokens, which include each
// entry's sampling noise). It panics if len(in) is not the number of rows;
// with fewer than two rows on a side the SE is NaN.
func Separation(z mat.Matrix, c int, in []bool) susc.Estimate {
	r, _ := z.Dims()
	if len(in) != r {
		panic(fmt.Sprintf("spectro: Separation: %d flags for %d rows", len(in), r))
	}
	var a, b []float64
	for i := range r {
		if in[i] {
			a = append(a, z.At(i, c))
		} else {
			b = append(b, z.At(i, c))
		}
	}
	if len(a) == 0 || len(b) == 0 {
		return susc.Estimate{Value: math.NaN(), SE: math.NaN()}
	}
	va, vb := math.NaN(), math.NaN()
	if len(a) > 1 {
		va = stat.Variance(a, nil)
	}
	if len(b) > 1 {
		vb = stat.Variance(b, nil)
	}
	return susc.Estimate{Value: stat.Mean(a, nil) - stat.Mean(b, nil),
		SE: math.Sqrt(va/float64(len(a)) + vb/float64(len(b)))}
}

// LabelMeans returns, for each label of set (rows) and each column of z,
// the mean of z over the rows whose labels include it, with its standard
// error sd/√count (NaN below two rows), and the count of rows per label.
// It panics if len(labels) is not the number of rows of z.
func LabelMeans(z mat.Matrix, labels []lm.Label, set []lm.Label) (mean, se *mat.Dense, count []int) {
	r, c := z.Dims()
	if len(labels) != r {
		panic(fmt.Sprintf("spectro: LabelMeans: %d labels for %d rows", len(labels), r))
	}
	mean, se = mat.NewDense(len(set), c, nil), mat.NewDense(len(set), c, nil)
	count = make([]int, len(set))
	col := make([]float64, 0, r)
	for p, want := range set {
		for j := range c {
			col = col[:0]
			for i := range r {
				if labels[i]&want != 0 {
					col = append(col, z.At(i, j))
				}
			}
			count[p] = len(col)
			m, s := math.NaN(), math.NaN()
			if len(col) > 0 {
				m = stat.Mean(col, nil)
			}
			if len(col) > 1 {
				s = stat.StdDev(col, nil) / math.Sqrt(float64(len(col)))
			}
			mean.Set(p, j, m)
			se.Set(p, j, s)
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
