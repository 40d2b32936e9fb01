package structure

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Per-sample rows are compared by direction. A structural matrix with one
// row per sample (X = SampleLossDeltas) has two nuisance scales: each
// column carries the component's factor Z/Z_C (docs/theory.md §5.2), and each row
// the sample's own magnitude (a one-hot toy-model sample of size a moves
// its loss by a² to a⁴). ScaleColumns removes the first without moving the
// origin, NormalizeRows the second; together (column scale, then rows) they
// make rows comparable by angle, as k-means on the result then does (a
// cosine clustering). Standardize, which also centres the columns, is the
// choice for reading modes; for clustering by direction the origin has to
// stay where it is.

// ScaleColumns writes into dst (nil allocates) x with each column divided by
// its root mean square sqrt((1/rows) Σ_p x_pc²), without centring: it removes
// a per-column factor (such as Z/Z_C) and keeps zero at zero. A zero column
// stays zero.
func ScaleColumns(dst *mat.Dense, x mat.Matrix) *mat.Dense {
	r, c := x.Dims()
	dst = shaped(dst, r, c, "ScaleColumns")
	for j := range c {
		var ss float64
		for i := range r {
			v := x.At(i, j)
			ss += v * v
		}
		rms := math.Sqrt(ss / float64(r))
		for i := range r {
			v := 0.0
			if rms > 0 || math.IsNaN(rms) { // NaN propagates
				v = x.At(i, j) / rms
			}
			dst.Set(i, j, v)
		}
	}
	return dst
}

// NormalizeRows writes into dst (nil allocates) x with each row divided by
// its Euclidean norm, so that rows differing only by a positive factor
// become equal and Euclidean distances between rows become chord distances
// on the unit sphere (2 - 2 cos θ). A zero row stays zero.
func NormalizeRows(dst *mat.Dense, x mat.Matrix) *mat.Dense {
	r, c := x.Dims()
	dst = shaped(dst, r, c, "NormalizeRows")
	for i := range r {
		var ss float64
		for j := range c {
			v := x.At(i, j)
			ss += v * v
		}
		nrm := math.Sqrt(ss)
		for j := range c {
			v := 0.0
			if nrm > 0 || math.IsNaN(nrm) { // NaN propagates
				v = x.At(i, j) / nrm
			}
			dst.Set(i, j, v)
		}
	}
	return dst
}

// shaped returns dst, allocated if nil, after checking its shape.
func shaped(dst *mat.Dense, r, c int, fn string) *mat.Dense {
	if dst == nil {
		return mat.NewDense(r, c, nil)
	}
	if dr, dc := dst.Dims(); dr != r || dc != c {
		panic("structure: " + fn + ": dst shape mismatch")
	}
	return dst
}
