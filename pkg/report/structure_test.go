package report

import (
	"math"
	"math/rand/v2"
	"susclab/pkg/susc/structure"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestMedianAbsZ(t *testing.T) {
	s := &structure.Matrix{
		Chi: mat.NewDense(1, 4, []float64{-3, 1, 4, 2}),
		SE:  mat.NewDense(1, 4, []float64{1, 1, 2, 0.5}),
	}
	// |χ̂|/SE = 3, 1, 2, 4: median (2 + 3)/2.
	if got := MedianAbsZ(s); got != 2.5 {
		t.Errorf("even count: MedianAbsZ = %v, want 2.5", got)
	}
	s.Chi, s.SE = mat.NewDense(1, 3, []float64{-3, 1, 4}), mat.NewDense(1, 3, []float64{1, 1, 2})
	if got := MedianAbsZ(s); got != 2 {
		t.Errorf("odd count: MedianAbsZ = %v, want 2", got)
	}
	// SE = 0 with χ̂ ≠ 0 is +Inf: |χ̂|/SE = 3, +Inf, 2.
	s.SE.Set(0, 1, 0)
	if got := MedianAbsZ(s); got != 3 {
		t.Errorf("with SE = 0: MedianAbsZ = %v, want 3", got)
	}
	s.Chi.Set(0, 1, 0) // 0/0
	if got := MedianAbsZ(s); !math.IsNaN(got) {
		t.Errorf("with a 0/0 entry: MedianAbsZ = %v, want NaN", got)
	}
	s.Chi.Set(0, 1, math.NaN())
	s.SE.Set(0, 1, 1)
	if got := MedianAbsZ(s); !math.IsNaN(got) {
		t.Errorf("with a NaN entry: MedianAbsZ = %v, want NaN", got)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("empty matrix did not panic")
			}
		}()
		MedianAbsZ(&structure.Matrix{Chi: &mat.Dense{}, SE: &mat.Dense{}})
	}()
}

// Known answers with 1/rows: the column (0, 0, 3) has mean 1 and squared
// deviations 1 + 1 + 4 = 6, so sd = sqrt(6/3) = sqrt(2) (sqrt(3) with
// 1/(rows-1)); (1, 3, 5) gives sqrt(8/3); a constant column gives 0.
func TestColumnStdDev(t *testing.T) {
	x := mat.NewDense(3, 3, []float64{
		0, 1, 7,
		0, 3, 7,
		3, 5, 7,
	})
	want := []float64{math.Sqrt(2), math.Sqrt(8.0 / 3), 0}
	dst := make([]float64, 3)
	got := ColumnStdDev(dst, x)
	if &got[0] != &dst[0] {
		t.Error("ColumnStdDev did not return dst")
	}
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-15 {
			t.Errorf("column %d: %v, want %v", j, got[j], want[j])
		}
	}
	if got := ColumnStdDev(nil, mat.NewDense(1, 2, []float64{4, -1})); got[0] != 0 || got[1] != 0 {
		t.Errorf("one row: %v, want zeros", got)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("wrong len(dst) did not panic")
			}
		}()
		ColumnStdDev(make([]float64, 2), x)
	}()
}

func TestMostNegative(t *testing.T) {
	nan := math.NaN()
	x := mat.NewDense(3, 4, []float64{
		0, -2, 1, -2, // tie between 1 and 3: the first in cols wins
		nan, 3, -1, 2,
		nan, nan, nan, nan,
	})
	for _, c := range []struct {
		i    int
		cols []int
		want int
	}{
		{0, nil, 1}, {0, []int{3, 1}, 3}, {0, []int{0, 2}, 0},
		{1, nil, 2}, {1, []int{0, 1}, 1}, // NaN never chosen over a number
		{2, []int{2, 3}, 2}, // all NaN: the first
	} {
		if got := MostNegative(x, c.i, c.cols); got != c.want {
			t.Errorf("row %d, cols %v: %d, want %d", c.i, c.cols, got, c.want)
		}
	}
}

func TestOwnMostNegative(t *testing.T) {
	// Square pairing: rows 0 and 2 have their minimum on the diagonal, row 1
	// does not, row 3's own column is left out by cols.
	x := mat.NewDense(4, 4, []float64{
		-1, 0, 0, 0,
		0, 0, -1, 0,
		0, 0, -2, -1,
		0, 0, 0, -5,
	})
	if h, n := OwnMostNegative(x, nil, nil); h != 3 || n != 4 {
		t.Errorf("all columns: %d of %d, want 3 of 4", h, n)
	}
	if h, n := OwnMostNegative(x, nil, []int{0, 1, 2}); h != 2 || n != 3 {
		t.Errorf("cols 0-2: %d of %d, want 2 of 3", h, n)
	}
	// Labelled rows (per-sample matrix): own = label.
	y := mat.NewDense(3, 2, []float64{-1, 0, 0, -1, -1, 0})
	if h, n := OwnMostNegative(y, []int{0, 1, 1}, nil); h != 2 || n != 3 {
		t.Errorf("labels: %d of %d, want 2 of 3", h, n)
	}
	// Own column i for row i of a wide matrix (patterns × components, features first).
	w := mat.NewDense(2, 3, []float64{-1, 0, -2, 0, -1, 0})
	if h, n := OwnMostNegative(w, nil, []int{0, 1}); h != 2 || n != 2 {
		t.Errorf("wide, cols 0-1: %d of %d, want 2 of 2", h, n)
	}
	if h, n := OwnMostNegative(w, nil, nil); h != 1 || n != 2 {
		t.Errorf("wide, all columns: %d of %d, want 1 of 2", h, n)
	}
	for name, f := range map[string]func(){
		"own nil, more rows than columns": func() { OwnMostNegative(y, nil, nil) },
		"len(own) != rows":                func() { OwnMostNegative(y, []int{0, 1}, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// Overlap on hand-made modes with known answers, then on a standardized
// matrix with a negative own-column diagonal: every mode reads pattern i
// with component i at opposite signs, so the overlaps on the paired indices
// are negative, and the modes' explained fractions add up.
func TestModesOverlapAndExplainedBy(t *testing.T) {
	h := &structure.Modes{
		U: mat.NewDense(4, 2, []float64{
			0.5, 1,
			0.5, 0,
			0.5, 0,
			0.5, 0,
		}),
		V: mat.NewDense(4, 2, []float64{
			-0.5, -1,
			0.5, 0,
			-0.5, 0,
			-0.5, 0,
		}),
	}
	for _, c := range []struct {
		k     int
		pairs []int
		want  float64
	}{
		{0, []int{0, 1, 2, 3}, -0.5}, {0, []int{1}, 0.25}, {0, []int{0, 2}, -0.5}, {0, nil, 0},
		{1, []int{0, 1, 2, 3}, -1}, {1, []int{1, 2, 3}, 0},
	} {
		if got := ModeOverlap(h, c.k, c.pairs); got != c.want {
			t.Errorf("hand-made mode %d, pairs %v: Overlap %v, want %v", c.k, c.pairs, got, c.want)
		}
	}

	rng := rand.New(rand.NewPCG(5, 6))
	x := mat.NewDense(5, 7, nil)
	for i := range 5 {
		for j := range 7 {
			v := 0.1 * rng.NormFloat64()
			if i == j {
				v -= 1 + 0.3*float64(i) // distinct singular values
			}
			x.Set(i, j, v)
		}
	}
	m, err := structure.SVDModes(structure.Standardize(nil, x, false))
	if err != nil {
		t.Fatal(err)
	}
	pairs := []int{0, 1, 2, 3, 4}
	for k := range 4 { // the last mode absorbs the centring: rank 4
		if o := ModeOverlap(m, k, pairs); !(o < -0.3) || o < -1-1e-12 {
			t.Errorf("mode %d: Overlap %v, want in [-1, -0.3)", k, o)
		}
	}
	if got := ExplainedBy(m, len(m.S)); math.Abs(got-1) > 1e-12 {
		t.Errorf("ExplainedBy(all) = %v, want 1", got)
	}
	if got, want := ExplainedBy(m, 2), m.Explained[0]+m.Explained[1]; got != want {
		t.Errorf("ExplainedBy(2) = %v, want %v", got, want)
	}
}
