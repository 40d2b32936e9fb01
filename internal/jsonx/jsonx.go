// Package jsonx holds the JSON pieces shared by susclab's result types:
// floats that survive NaN and ±Inf, and labelled matrices whose readers check
// shapes against the data present before allocating.
package jsonx

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// Float is a float64 written as a JSON number, or as the strings "NaN",
// "+Inf" and "-Inf", which plain encoding/json refuses.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		switch s {
		case "NaN", "+Inf", "-Inf", "Inf":
			x, _ := strconv.ParseFloat(s, 64)
			*f = Float(x)
			return nil
		}
		return fmt.Errorf("bad number %q", s)
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = Float(x)
	return nil
}

// Floats converts xs.
func Floats(xs []float64) []Float {
	if xs == nil {
		return nil
	}
	out := make([]Float, len(xs))
	for i, x := range xs {
		out[i] = Float(x)
	}
	return out
}

// Plain converts fs back.
func Plain(fs []Float) []float64 {
	if fs == nil {
		return nil
	}
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = float64(f)
	}
	return out
}

// Matrix is a labelled dense matrix, row by row.
type Matrix struct {
	Rows []string  `json:"rows,omitempty"`
	Cols []string  `json:"cols,omitempty"`
	Data [][]Float `json:"data"`
}

// FromMatrix copies m with optional labels.
func FromMatrix(rows, cols []string, m mat.Matrix) Matrix {
	r, c := m.Dims()
	j := Matrix{Rows: rows, Cols: cols, Data: make([][]Float, r)}
	for i := range r {
		j.Data[i] = make([]Float, c)
		for k := range c {
			j.Data[i][k] = Float(m.At(i, k))
		}
	}
	return j
}

// Dense returns the matrix. Every row must have the same, non-zero length,
// and labels, if present, must match the shape; all is checked before the
// matrix is allocated, so its size is bounded by the data actually read.
func (j Matrix) Dense() (*mat.Dense, error) {
	if len(j.Data) == 0 || len(j.Data[0]) == 0 {
		return nil, fmt.Errorf("empty matrix")
	}
	r, c := len(j.Data), len(j.Data[0])
	for i, row := range j.Data {
		if len(row) != c {
			return nil, fmt.Errorf("ragged matrix: row %d has %d entries, want %d", i, len(row), c)
		}
	}
	if j.Rows != nil && len(j.Rows) != r {
		return nil, fmt.Errorf("matrix has %d rows but %d row labels", r, len(j.Rows))
	}
	if j.Cols != nil && len(j.Cols) != c {
		return nil, fmt.Errorf("matrix has %d columns but %d column labels", c, len(j.Cols))
	}
	m := mat.NewDense(r, c, nil)
	for i, row := range j.Data {
		for k, x := range row {
			m.Set(i, k, float64(x))
		}
	}
	return m, nil
}

// Sym returns the matrix as a symmetric one (upper triangle read); it must be
// square.
func (j Matrix) Sym() (*mat.SymDense, error) {
	if n := len(j.Data); n > 0 && len(j.Data[0]) != n {
		return nil, fmt.Errorf("matrix is %d×%d, want square", n, len(j.Data[0]))
	}
	d, err := j.Dense()
	if err != nil {
		return nil, err
	}
	r, _ := d.Dims()
	s := mat.NewSymDense(r, nil)
	for i := range r {
		for k := i; k < r; k++ {
			s.SetSym(i, k, d.At(i, k))
		}
	}
	return s, nil
}

// SameShape reports an error unless a and b have the same dimensions.
func SameShape(what string, a, b mat.Matrix) error {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		return fmt.Errorf("%s is %d×%d, want %d×%d", what, br, bc, ar, ac)
	}
	return nil
}
