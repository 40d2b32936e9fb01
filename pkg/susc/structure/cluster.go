package structure

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Per-sample susceptibility vectors (one row per sample, one column per
// component) locate each sample by how the model's components respond to
// it; samples the model handles "for the same reason" should land together
// (the spectroscopy idea of arXiv:2601.12703). These helpers project the
// rows on the leading modes and cluster them.

// ProjectRows writes into dst (nil allocates) the coordinates of the rows of
// x on the first r right singular vectors of m: dst = x V[:, :r].
func ProjectRows(dst *mat.Dense, x mat.Matrix, m *Modes, r int) *mat.Dense {
	_, k := m.V.Dims()
	if r < 1 || r > k {
		panic("structure: ProjectRows: r out of range")
	}
	rows, _ := x.Dims()
	if dst == nil {
		dst = mat.NewDense(rows, r, nil)
	}
	vr, _ := m.V.Dims()
	dst.Mul(x, m.V.Slice(0, vr, 0, r))
	return dst
}

// KMeans clusters the rows of x into k clusters by Lloyd's algorithm from a
// k-means++ start, keeping the best (lowest within-cluster sum of squares)
// of restarts runs (zero means 10). The seed fixes everything. It returns
// the cluster of each row, labelled 0..k-1.
func KMeans(x mat.Matrix, k int, seed uint64, restarts int) []int {
	n, d := x.Dims()
	if k < 1 || k > n {
		panic("structure: KMeans: k out of range")
	}
	if restarts == 0 {
		restarts = 10
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b6d65616e73))
	pts := make([][]float64, n)
	for i := range pts {
		pts[i] = mat.Row(nil, i, x)
	}
	dist2 := func(a, b []float64) float64 {
		var s float64
		for j := range a {
			s += (a[j] - b[j]) * (a[j] - b[j])
		}
		return s
	}
	var best []int
	bestCost := math.Inf(1)
	for range restarts {
		// k-means++ seeding.
		cent := [][]float64{append([]float64(nil), pts[rng.IntN(n)]...)}
		dmin := make([]float64, n)
		for len(cent) < k {
			var tot float64
			for i, p := range pts {
				dmin[i] = math.Inf(1)
				for _, c := range cent {
					dmin[i] = math.Min(dmin[i], dist2(p, c))
				}
				tot += dmin[i]
			}
			r := rng.Float64() * tot
			pick := n - 1
			for i, v := range dmin {
				if r -= v; r <= 0 {
					pick = i
					break
				}
			}
			cent = append(cent, append([]float64(nil), pts[pick]...))
		}
		label := make([]int, n)
		var cost float64
		for iter := 0; iter < 300; iter++ {
			changed := false
			cost = 0
			for i, p := range pts {
				bi, bd := 0, math.Inf(1)
				for c, ce := range cent {
					if dd := dist2(p, ce); dd < bd {
						bi, bd = c, dd
					}
				}
				if label[i] != bi || iter == 0 {
					changed = changed || label[i] != bi
					label[i] = bi
				}
				cost += bd
			}
			if !changed && iter > 0 {
				break
			}
			counts := make([]int, k)
			for c := range cent {
				for j := range d {
					cent[c][j] = 0
				}
			}
			for i, p := range pts {
				counts[label[i]]++
				for j, v := range p {
					cent[label[i]][j] += v
				}
			}
			for c := range cent {
				if counts[c] > 0 {
					for j := range d {
						cent[c][j] /= float64(counts[c])
					}
				}
			}
			// An empty cluster restarts at the point farthest from its own
			// (updated) centre.
			for c := range cent {
				if counts[c] > 0 {
					continue
				}
				far, fd := 0, -1.0
				for i, p := range pts {
					if counts[label[i]] == 0 {
						continue
					}
					if dd := dist2(p, cent[label[i]]); dd > fd {
						far, fd = i, dd
					}
				}
				copy(cent[c], pts[far])
			}
		}
		if cost < bestCost {
			bestCost, best = cost, append([]int(nil), label...)
		}
	}
	return canonicalLabels(best)
}

// canonicalLabels renumbers clusters in order of first appearance.
func canonicalLabels(l []int) []int {
	m := map[int]int{}
	out := make([]int, len(l))
	for i, v := range l {
		if _, ok := m[v]; !ok {
			m[v] = len(m)
		}
		out[i] = m[v]
	}
	return out
}

// contingency returns the table n_ij of labels a (rows) against b (columns).
func contingency(a, b []int) [][]float64 {
	if len(a) != len(b) {
		panic("structure: label slices of different lengths")
	}
	ka, kb := 0, 0
	for i := range a {
		ka, kb = max(ka, a[i]+1), max(kb, b[i]+1)
	}
	t := make([][]float64, ka)
	for i := range t {
		t[i] = make([]float64, kb)
	}
	for i := range a {
		t[a[i]][b[i]]++
	}
	return t
}

// Purity returns the fraction of items whose predicted cluster's majority
// true label is their own: (1/n) Σ_clusters max_label n_cl. 1 is perfect.
func Purity(pred, truth []int) float64 {
	t := contingency(pred, truth)
	var s float64
	for _, row := range t {
		var m float64
		for _, v := range row {
			m = math.Max(m, v)
		}
		s += m
	}
	return s / float64(len(pred))
}

// AdjustedRand returns the adjusted Rand index of two labellings (Hubert &
// Arabie 1985): 1 for identical partitions (up to renaming), about 0 for
// independent ones.
func AdjustedRand(a, b []int) float64 {
	t := contingency(a, b)
	c2 := func(x float64) float64 { return x * (x - 1) / 2 }
	var sij, sa, sb float64
	colSum := make([]float64, len(t[0]))
	for _, row := range t {
		var rs float64
		for j, v := range row {
			sij += c2(v)
			rs += v
			colSum[j] += v
		}
		sa += c2(rs)
	}
	for _, v := range colSum {
		sb += c2(v)
	}
	n := c2(float64(len(a)))
	expected := sa * sb / n
	maxIdx := (sa + sb) / 2
	if maxIdx == expected {
		return 1
	}
	return (sij - expected) / (maxIdx - expected)
}

// ClusterByDirection clusters the rows of a per-sample structural matrix by
// direction: it divides each column by its RMS (ScaleColumns, removing
// Z/Z_C), normalizes each row (NormalizeRows, removing the sample's own
// magnitude), projects the rows on the first min(k, len(modes.S)) right
// singular vectors of the result (ProjectRows; there are min(rows, cols)
// modes, so with k ≥ cols the projection is a rotation that keeps every
// distance) and runs KMeans with k clusters, seed and restarts. It returns
// the cluster of each row and the scaled, normalized rows y, or an error if
// the SVD fails. It panics if k < 1 or k > rows.
func ClusterByDirection(x mat.Matrix, k int, seed uint64, restarts int) (labels []int, y *mat.Dense, err error) {
	if r, _ := x.Dims(); k < 1 || k > r {
		panic("structure: ClusterByDirection: k out of range [1, rows]")
	}
	y = NormalizeRows(nil, ScaleColumns(nil, x))
	modes, err := SVDModes(y)
	if err != nil {
		return nil, nil, err
	}
	return KMeans(ProjectRows(nil, y, modes, min(k, len(modes.S))), k, seed, restarts), y, nil
}
