package structure

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Standardize writes into dst (nil allocates) the column z-scores of x,
//
//	z_pc = (x_pc - mean_p x_pc) / sd_p(x_pc)     (sd with 1/(rows-1)),
//
// which makes the columns of a structural matrix comparable: each
// component's column carries an unknown factor Z/Z_C (docs/theory.md §5.3) that
// the z-score removes. If centerRows, each row is then centred (its mean
// over components subtracted), leaving how a pattern loads on components
// relative to the others. A constant column (sd = 0) becomes zeros.
func Standardize(dst *mat.Dense, x mat.Matrix, centerRows bool) *mat.Dense {
	r, c := x.Dims()
	if dst == nil {
		dst = mat.NewDense(r, c, nil)
	}
	if dr, dc := dst.Dims(); dr != r || dc != c {
		panic("structure: Standardize: dst shape mismatch")
	}
	for j := range c {
		var mean, ss float64
		for i := range r {
			mean += x.At(i, j)
		}
		mean /= float64(r)
		for i := range r {
			d := x.At(i, j) - mean
			ss += d * d
		}
		sd := math.Sqrt(ss / float64(r-1))
		if r < 2 {
			sd = 0 // a single row is a constant column
		}
		for i := range r {
			v := 0.0
			if sd > 0 || math.IsNaN(sd) { // NaN propagates; only a constant column becomes 0
				v = (x.At(i, j) - mean) / sd
			}
			dst.Set(i, j, v)
		}
	}
	if centerRows {
		for i := range r {
			var mean float64
			for j := range c {
				mean += dst.At(i, j)
			}
			mean /= float64(c)
			for j := range c {
				dst.Set(i, j, dst.At(i, j)-mean)
			}
		}
	}
	return dst
}

// Modes is the singular value decomposition X = U diag(S) Vᵀ of a
// (standardized) susceptibility matrix, rows = data patterns, columns =
// components. Mode k pairs a data pattern (column k of U) with the circuit
// of components that responds to it (column k of V).
type Modes struct {
	// S are the singular values, largest first.
	S []float64
	// U (rows × k) and V (cols × k) hold the left and right singular vectors.
	U, V *mat.Dense
	// Explained[k] = S_k² / Σ S², the fraction of Frobenius norm in mode k.
	Explained []float64
}

// SVDModes returns the modes of x. Signs are fixed so that the largest-
// magnitude entry of each right singular vector is positive (SVD signs are
// otherwise arbitrary).
func SVDModes(x mat.Matrix) (*Modes, error) {
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, errors.New("structure: SVD did not converge")
	}
	m := &Modes{S: svd.Values(nil), U: &mat.Dense{}, V: &mat.Dense{}}
	svd.UTo(m.U)
	svd.VTo(m.V)
	var total float64
	for _, s := range m.S {
		total += s * s
	}
	for k, s := range m.S {
		m.Explained = append(m.Explained, s*s/total)
		col := mat.Col(nil, k, m.V)
		big := 0
		for i, v := range col {
			if math.Abs(v) > math.Abs(col[big]) {
				big = i
			}
		}
		if col[big] < 0 {
			for i := range col {
				m.V.Set(i, k, -m.V.At(i, k))
			}
			r, _ := m.U.Dims()
			for i := range r {
				m.U.Set(i, k, -m.U.At(i, k))
			}
		}
	}
	return m, nil
}
