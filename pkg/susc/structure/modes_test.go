package structure

import (
	"bytes"
	"math"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
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

func TestStructuralAndModesJSON(t *testing.T) {
	s := &Matrix{NBeta: 3, Patterns: []string{"p0", "p1"}, Components: []string{"a", "b", "c"},
		Chi: mat.NewDense(2, 3, []float64{1, -2, 3, 0.5, math.NaN(), 6}), SE: mat.NewDense(2, 3, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}),
		Terms: &UnitTerms{Restricted: []*mat.Dense{mat.NewDense(2, 2, []float64{1, 2, 3, 4}), nil, mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})},
			Shift: []float64{0.5, math.NaN(), 2}, Full: mat.NewDense(2, 2, []float64{7, 8, 9, 10})}}
	var buf bytes.Buffer
	if err := susc.WriteJSON(&buf, s); err != nil {
		t.Fatal(err)
	}
	var back Matrix
	if err := susc.ReadJSON(&buf, &back); err != nil {
		t.Fatal(err)
	}
	if back.Chi.At(0, 2) != 3 || !math.IsNaN(back.Chi.At(1, 1)) || back.SE.At(1, 2) != 0.6 || back.Components[2] != "c" || back.Patterns[1] != "p1" {
		t.Errorf("structural matrix after JSON: %+v", back)
	}
	if !reflect.DeepEqual(back.Terms.Restricted, s.Terms.Restricted) || !mat.Equal(back.Terms.Full, s.Terms.Full) ||
		back.Terms.Shift[0] != 0.5 || !math.IsNaN(back.Terms.Shift[1]) {
		t.Errorf("units' terms after JSON: %+v", back.Terms)
	}
	m, _ := SVDModes(mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 7}))
	buf.Reset()
	susc.WriteJSON(&buf, m)
	var mb Modes
	if err := susc.ReadJSON(&buf, &mb); err != nil || !reflect.DeepEqual(m, &mb) {
		t.Errorf("modes after JSON: %v", err)
	}
}
