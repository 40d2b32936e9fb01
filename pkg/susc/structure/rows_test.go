package structure

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Rows that differ by a positive factor, in columns that differ by another
// factor, become identical after ScaleColumns and NormalizeRows; the
// centring of Standardize would not keep them so.
func TestScaleColumnsNormalizeRows(t *testing.T) {
	dir := [][]float64{{1, 0.2, -0.5}, {0.1, -1, 0.3}}
	colFactor := []float64{1e-4, 3, 250}
	rowFactor := []float64{0.3, 1, 4, 0.5, 2}
	x := mat.NewDense(10, 3, nil)
	for i := range 10 {
		d := dir[i%2]
		for j := range 3 {
			x.Set(i, j, rowFactor[i/2]*colFactor[j]*d[j])
		}
	}
	y := NormalizeRows(nil, ScaleColumns(nil, x))
	for i := range 10 {
		var n float64
		for j := range 3 {
			n += y.At(i, j) * y.At(i, j)
			if d := y.At(i, j) - y.At(i%2, j); math.Abs(d) > 1e-12 {
				t.Fatalf("row %d col %d differs from row %d by %g", i, j, i%2, d)
			}
		}
		if math.Abs(n-1) > 1e-12 {
			t.Errorf("row %d has norm² %v", i, n)
		}
	}
	pred := KMeans(y, 2, 1, 0)
	truth := []int{0, 1, 0, 1, 0, 1, 0, 1, 0, 1}
	if a := AdjustedRand(pred, truth); a != 1 {
		t.Errorf("ARI %v after scaling and normalizing, want 1", a)
	}
	// After column centring the same-direction rows are no longer parallel.
	z := NormalizeRows(nil, Standardize(nil, x, false))
	if d := math.Abs(z.At(0, 0) - z.At(2, 0)); d < 1e-3 {
		t.Errorf("centred rows unexpectedly parallel (%g)", d)
	}
	// Scale columns: RMS 1 per column; zero rows and columns stay zero.
	s := ScaleColumns(nil, x)
	for j := range 3 {
		var ss float64
		for i := range 10 {
			ss += s.At(i, j) * s.At(i, j)
		}
		if math.Abs(ss/10-1) > 1e-12 {
			t.Errorf("column %d mean square %v", j, ss/10)
		}
	}
	zero := mat.NewDense(2, 2, []float64{0, 1, 0, 0})
	if got := NormalizeRows(nil, ScaleColumns(nil, zero)); got.At(1, 0) != 0 || got.At(1, 1) != 0 || got.At(0, 1) != 1 || got.At(0, 0) != 0 {
		t.Errorf("zero rows/columns: %v", mat.Formatted(got))
	}
	// dst is reused.
	dst := mat.NewDense(10, 3, nil)
	if NormalizeRows(dst, x) != dst || ScaleColumns(dst, x) != dst {
		t.Error("dst not returned")
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic on a dst of the wrong shape")
		}
	}()
	NormalizeRows(mat.NewDense(2, 2, nil), x)
}
