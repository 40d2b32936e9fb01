package susc

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Two components whose raw columns differ by an arbitrary factor (Z/Z_C)
// and offset become identical after standardization, and the modes of a
// rank-one matrix put all variance in the first mode.
func TestStandardizeMakesColumnsComparable(t *testing.T) {
	base := []float64{1, -2, 0.5, 3, -1}
	x := mat.NewDense(5, 2, nil)
	for i, v := range base {
		x.Set(i, 0, 1e-4*v+7) // tiny scale, offset
		x.Set(i, 1, 50*v)     // large scale
	}
	z := Standardize(nil, x, false)
	for i := range 5 {
		if math.Abs(z.At(i, 0)-z.At(i, 1)) > 1e-9 {
			t.Fatalf("row %d: %v vs %v", i, z.At(i, 0), z.At(i, 1))
		}
	}
	var mean, ss float64
	for i := range 5 {
		mean += z.At(i, 0) / 5
	}
	for i := range 5 {
		ss += (z.At(i, 0) - mean) * (z.At(i, 0) - mean)
	}
	if math.Abs(mean) > 1e-12 || math.Abs(ss/4-1) > 1e-12 {
		t.Errorf("column mean %v, variance %v", mean, ss/4)
	}
	zc := Standardize(nil, x, true)
	for i := range 5 {
		if math.Abs(zc.At(i, 0)+zc.At(i, 1)) > 1e-12 {
			t.Errorf("row %d not centred", i)
		}
	}
	m, err := SVDModes(z)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Explained[0]-1) > 1e-12 {
		t.Errorf("rank-one matrix: explained %v", m.Explained)
	}
	// Reconstruction and sign convention.
	var rec mat.Dense
	rec.Mul(m.U, mat.NewDiagDense(len(m.S), m.S))
	rec.Mul(&rec, m.V.T())
	if !mat.EqualApprox(&rec, z, 1e-10) {
		t.Error("U S Vᵀ does not reconstruct the matrix")
	}
	if m.V.At(0, 0) < 0 && math.Abs(m.V.At(0, 0)) >= math.Abs(m.V.At(1, 0)) {
		t.Error("sign convention violated")
	}
}
