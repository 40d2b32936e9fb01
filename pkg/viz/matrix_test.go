package viz

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestWorstEntry(t *testing.T) {
	est := mat.NewSymDense(2, []float64{1, 0.5, 0.5, 1})
	se := mat.NewSymDense(2, []float64{0, 0.1, 0.1, 0})
	exact := mat.NewSymDense(2, []float64{1, 0.3, 0.3, 1})
	w := WorstEntry("corr", est, se, exact)
	if !strings.HasPrefix(w.Name, "corr[0,1] (worst of 1)") || w.Estimate.Value != 0.5 || w.Exact != 0.3 {
		t.Errorf("WorstEntry = %+v", w)
	}
	d := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	s := mat.NewDense(2, 2, []float64{1, 1, 1, 0.1})
	x := mat.NewDense(2, 2, []float64{1, 2, 3, 3})
	if w := WorstEntry("m", d, s, x); !strings.HasPrefix(w.Name, "m[1,1] (worst of 4)") {
		t.Errorf("WorstEntry = %+v", w)
	}
}

func TestMatrixHeatmapIsHeatmapOfRows(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{0.5, -0.25, 1.5, 2, 0, -3.5})
	a := MatrixHeatmap(m, nil, nil, Opts{Title: "m"})
	b := Heatmap([][]float64{{0.5, -0.25, 1.5}, {2, 0, -3.5}}, nil, nil, Opts{Title: "m"})
	if strings.ReplaceAll(a.HTML(), a.ID, "ID") != strings.ReplaceAll(b.HTML(), b.ID, "ID") {
		t.Error("MatrixHeatmap differs from Heatmap of the same rows")
	}
}
