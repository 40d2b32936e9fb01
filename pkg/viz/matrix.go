package viz

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
)

// WorstEntry returns the Check for the entry of est (with standard errors
// se) farthest from exact in standard errors, named "name[i,j] (worst of
// N)": if it passes, every entry does. For symmetric matrices only the upper
// triangle is compared. Entries whose SE is 0 and that equal the exact value
// (a correlation's unit diagonal) are skipped. Use it with a Checks whose
// MaxZ allows for the number of entries compared (about 5 for 50 entries).
func WorstEntry(name string, est, se, exact mat.Matrix) Check {
	r, c := est.Dims()
	if rs, cs := se.Dims(); rs != r || cs != c {
		panic(fmt.Sprintf("viz: WorstEntry: estimate %d×%d, SE %d×%d", r, c, rs, cs))
	}
	if re, ce := exact.Dims(); re != r || ce != c {
		panic(fmt.Sprintf("viz: WorstEntry: estimate %d×%d, exact %d×%d", r, c, re, ce))
	}
	_, sym := est.(mat.Symmetric)
	worst, wz, n := Check{}, -1.0, 0
	for i := range r {
		j0 := 0
		if sym {
			j0 = i
		}
		for j := j0; j < c; j++ {
			e, s, x := est.At(i, j), se.At(i, j), exact.At(i, j)
			if s == 0 && math.Abs(e-x) <= 1e-12*math.Max(1, math.Abs(x)) {
				continue
			}
			n++
			z := math.Abs(e-x) / s
			if math.IsNaN(z) {
				z = math.Inf(1)
			}
			if z > wz {
				wz = z
				worst = Check{Name: fmt.Sprintf("%s[%d,%d]", name, i, j), Estimate: susc.Estimate{Value: e, SE: s}, Exact: x}
			}
		}
	}
	if n == 0 {
		panic("viz: WorstEntry: no entry to compare")
	}
	worst.Name += fmt.Sprintf(" (worst of %d)", n)
	return worst
}

// MatrixHeatmap is Heatmap of a gonum matrix (row i of m on row i).
func MatrixHeatmap(m mat.Matrix, rows, cols []string, o Opts) *Chart {
	r, c := m.Dims()
	rs := make([][]float64, r)
	for i := range rs {
		rs[i] = make([]float64, c)
		for j := range rs[i] {
			rs[i][j] = m.At(i, j)
		}
	}
	return Heatmap(rs, rows, cols, o)
}
