package report

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/pkg/susc/structure"
)

// Reading a structural matrix (rows: data patterns or samples, columns:
// components; docs/theory.md §5.3). After structure.Standardize, negative means the component
// expresses the pattern. When patterns and components come in pairs (the
// probe "feature k always active" and the weights of feature k), a model
// that computes each pattern with its own component shows an own-column
// diagonal: each row is most negative in its own column (OwnMostNegative),
// and a mode that reads it has pattern and circuit sides of opposite sign on
// the paired indices (ModeOverlap).

// MedianAbsZ returns the median over the entries of |χ̂| / SE: how many
// standard errors a typical entry lies from zero. It is NaN if any entry of
// |χ̂| / SE is, including an entry with χ̂ = SE = 0 (0/0); an entry with
// SE = 0 and χ̂ ≠ 0 counts as +Inf. It panics if the matrix is empty.
func MedianAbsZ(s *structure.Matrix) float64 {
	r, c := s.Chi.Dims()
	if r == 0 || c == 0 {
		panic("report: MedianAbsZ: empty structural matrix")
	}
	z := make([]float64, 0, r*c)
	for i := range r {
		for j := range c {
			v := math.Abs(s.Chi.At(i, j)) / s.SE.At(i, j)
			if math.IsNaN(v) {
				return math.NaN()
			}
			z = append(z, v)
		}
	}
	slices.Sort(z)
	n := len(z)
	return (z[(n-1)/2] + z[n/2]) / 2
}

// ColumnStdDev writes into dst (nil allocates) the population standard
// deviation of each column of x over its rows,
//
//	sd_c = sqrt((1/rows) Σ_p (x_pc - mean_p x_pc)²)     (stat.PopStdDev),
//
// and returns it: the spread of a raw structural matrix's column, which
// carries that component's factor Z/Z_C. The normalization is 1/rows, not
// the 1/(rows-1) of Standardize, so a single row gives 0.
func ColumnStdDev(dst []float64, x mat.Matrix) []float64 {
	r, c := x.Dims()
	if dst == nil {
		dst = make([]float64, c)
	}
	if len(dst) != c {
		panic("report: ColumnStdDev: len(dst) != columns")
	}
	col := make([]float64, r)
	for j := range c {
		dst[j] = stat.PopStdDev(mat.Col(col, j, x), nil)
	}
	return dst
}

// MostNegative returns the column j among cols (nil: all columns) with the
// smallest x[i][j], the first such in the order of cols on ties; NaN entries
// are never chosen unless all are NaN (then cols[0]).
func MostNegative(x mat.Matrix, i int, cols []int) int {
	if cols == nil {
		_, c := x.Dims()
		cols = make([]int, c)
		for j := range cols {
			cols[j] = j
		}
	}
	if len(cols) == 0 {
		panic("report: MostNegative: no columns")
	}
	best := cols[0]
	for _, j := range cols[1:] {
		if v := x.At(i, j); v < x.At(i, best) || (math.IsNaN(x.At(i, best)) && !math.IsNaN(v)) {
			best = j
		}
	}
	return best
}

// OwnMostNegative counts the rows of x that are most negative in their own
// column. Row i's own column is own[i] (own nil: column i, for patterns
// paired with the first components, as pattern k with feature component k
// ahead of other components); only rows whose own column is among cols
// are counted, and the minimum is taken over cols (MostNegative). It
// returns the number of such rows, rows, and how many of them are most
// negative in their own column, hits. On a standardized structural matrix
// hits == rows says that every pattern is expressed most by its own
// component. It panics if own is nil and x has more rows than columns (a row
// without its own column), or if own is not nil and len(own) is not the
// number of rows.
func OwnMostNegative(x mat.Matrix, own, cols []int) (hits, rows int) {
	r, c := x.Dims()
	if own == nil && r > c {
		panic("report: OwnMostNegative: own is nil (row i's own column is i) but x has more rows than columns")
	}
	if own != nil && len(own) != r {
		panic("report: OwnMostNegative: len(own) != rows")
	}
	for i := range r {
		o := i
		if own != nil {
			o = own[i]
		}
		if cols != nil && !slices.Contains(cols, o) {
			continue
		}
		rows++
		if MostNegative(x, i, cols) == o {
			hits++
		}
	}
	return hits, rows
}

// ExplainedBy returns Σ_{k<r} Explained[k]: the fraction of the squared
// Frobenius norm in the first r modes.
func ExplainedBy(m *structure.Modes, r int) float64 {
	var s float64
	for _, e := range m.Explained[:r] {
		s += e
	}
	return s
}

// ModeOverlap returns Σ_{i ∈ pairs} U[i,k] V[i,k]: how mode k's pattern side
// (row i of U, pattern i) and circuit side (row i of V, component i) agree
// on paired indices. A mode that reads an own-column diagonal of negative
// entries has the two sides of opposite sign there, so its overlap is
// negative; |Overlap| ≤ 1 (Cauchy–Schwarz on unit vectors).
func ModeOverlap(m *structure.Modes, k int, pairs []int) float64 {
	var s float64
	for _, i := range pairs {
		s += m.U.At(i, k) * m.V.At(i, k)
	}
	return s
}
