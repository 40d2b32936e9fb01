package csvio_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/csvio"
	"susclab/pkg/toy"
)

// sample returns a small Result with a per-sample loss observable and a
// probe, with traces.
func sample(t testing.TB, draws int) *susc.Result {
	rng := rand.New(rand.NewPCG(1, 2))
	m := toy.GaussianMeanData(rng, 8, []float64{1, 2}, 1)
	probe := toy.GaussianMeanData(rng, 8, []float64{0, 2}, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: 10, Gamma: 1, Center: m.Mean()}, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 3, Draws: draws, Seed: 5, KeepTrace: true},
		susc.Param("w0", 0), susc.PointLosses("l", []int{2, 4, 6}), susc.LossDelta("dL", probe))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRoundTrip(t *testing.T) {
	res := sample(t, 40)
	sm, err := res.SusceptibilityMatrix("l", "dL")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := csvio.WriteMatrix(&buf, sm.Rows, sm.Cols, sm.Cov); err != nil {
		t.Fatal(err)
	}
	rows, cols, cov, err := csvio.ReadMatrix(&buf)
	if err != nil || !reflect.DeepEqual(rows, sm.Rows) || !reflect.DeepEqual(cols, sm.Cols) || !reflect.DeepEqual(cov, sm.Cov) {
		t.Errorf("matrix CSV round trip: %v %v %v", rows, cols, err)
	}
	// NaN and ±Inf, and nil labels (indices).
	odd := mat.NewDense(2, 2, []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0.1})
	buf.Reset()
	if err := csvio.WriteMatrix(&buf, nil, nil, odd); err != nil {
		t.Fatal(err)
	}
	rows, cols, back, err := csvio.ReadMatrix(&buf)
	if err != nil || rows[1] != "1" || cols[0] != "0" || !math.IsNaN(back.At(0, 0)) || !math.IsInf(back.At(0, 1), 1) || !math.IsInf(back.At(1, 0), -1) || back.At(1, 1) != 0.1 {
		t.Errorf("NaN/Inf matrix: %v %v %v %v", rows, cols, mat.Formatted(back), err)
	}
	if err := csvio.WriteMatrix(&buf, []string{"a"}, nil, odd); err == nil {
		t.Error("one row label for two rows accepted")
	}

	buf.Reset()
	if err := csvio.WriteTrace(&buf, res); err != nil {
		t.Fatal(err)
	}
	tt, err := csvio.ReadTrace(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := res.Trace("l", 1)
	for c := range want {
		for k := range want[c] {
			if tt.Values[c][k][3] != want[c][k] {
				t.Fatalf("trace CSV chain %d draw %d: %v vs %v", c, k, tt.Values[c][k][3], want[c][k])
			}
		}
	}
	if !reflect.DeepEqual(tt.Labels, []string{"loss", "w0", "l[2]", "l[4]", "l[6]", "dL"}) {
		t.Errorf("trace labels %v", tt.Labels)
	}
}

func TestNoTraceRefused(t *testing.T) {
	m := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 8, []float64{1}, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: 10, Gamma: 1, Center: m.Mean()}, susc.SGLD{Epsilon: 1e-3},
		susc.Run{Chains: 2, Draws: 5, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := csvio.WriteTrace(&bytes.Buffer{}, res); err == nil || !strings.Contains(err.Error(), "KeepTrace") {
		t.Errorf("trace without KeepTrace: %v", err)
	}
}

// A trace or matrix CSV cut short (inside its last number), or with its
// rows out of order, is an error.
func TestBadCSVRefused(t *testing.T) {
	res := sample(t, 10)
	var buf bytes.Buffer
	if err := csvio.WriteTrace(&buf, res); err != nil {
		t.Fatal(err)
	}
	full := buf.String()
	if _, err := csvio.ReadTrace(strings.NewReader(full)); err != nil {
		t.Fatalf("full trace: %v", err)
	}
	cut := full[:len(full)-3] // inside the last number
	if _, err := csvio.ReadTrace(strings.NewReader(cut)); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("truncated trace: %v", err)
	}
	for name, s := range map[string]string{
		"draw skipped":    "chain,draw,a\n0,0,1\n0,2,3\n",
		"chain skipped":   "chain,draw,a\n0,0,1\n2,0,3\n",
		"back to chain 0": "chain,draw,a\n0,0,1\n1,0,2\n0,1,3\n",
		"short row":       "chain,draw,a,b\n0,0,1\n",
		"not a number":    "chain,draw,a\n0,0,x\n",
		"no header":       "0,0,1\n",
	} {
		if _, err := csvio.ReadTrace(strings.NewReader(s)); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
	sm, _ := res.SusceptibilityMatrix("l", "dL")
	buf.Reset()
	csvio.WriteMatrix(&buf, sm.Rows, sm.Cols, sm.Cov)
	if _, _, _, err := csvio.ReadMatrix(strings.NewReader(buf.String()[:buf.Len()-2])); err == nil {
		t.Error("truncated matrix CSV read without error")
	}
}

func FuzzRead(f *testing.F) {
	res := sample(f, 4)
	var buf bytes.Buffer
	csvio.WriteTrace(&buf, res)
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:buf.Len()-3])
	sm, _ := res.SusceptibilityMatrix("l", "dL")
	buf.Reset()
	csvio.WriteMatrix(&buf, sm.Rows, sm.Cols, sm.Cov)
	f.Add(buf.Bytes())
	f.Add([]byte("chain,draw,a\n0,0,1\n0,2,3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if tt, err := csvio.ReadTrace(bytes.NewReader(b)); err == nil {
			for _, c := range tt.Values {
				for _, row := range c {
					if len(row) != len(tt.Labels) {
						t.Fatalf("row of %d values for %d labels", len(row), len(tt.Labels))
					}
				}
			}
		}
		if rows, cols, m, err := csvio.ReadMatrix(strings.NewReader(string(b))); err == nil {
			r, c := m.Dims()
			if r != len(rows) || c != len(cols) {
				t.Fatalf("%d×%d matrix with %d row and %d column labels", r, c, len(rows), len(cols))
			}
		}
	})
}
