// Copyright ©2026 The susclab Authors.

package trajectory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"

	"susclab/pkg/susc"
	"susclab/pkg/trajectory"
)

var (
	sampleOnce sync.Once
	sampleTraj *trajectory.Trajectory
)

// sampled returns the fixture's trajectory with a partial point appended by
// hand: NaN estimates and missing matrices, the awkward cases of the format.
func sampled(t testing.TB) *trajectory.Trajectory {
	sampleOnce.Do(func() {
		f := newFixture(t)
		tr, err := trajectory.Sample(context.Background(), f.m, f.series, f.spec)
		if err != nil {
			t.Fatal(err)
		}
		p := tr.Points[len(tr.Points)-1]
		p.Step++
		p.TrainLoss = math.Inf(1)
		p.LLC.Mean, p.LLC.SE = math.NaN(), math.NaN()
		p.Susceptibilities = make([]*susc.SusceptibilityMatrix, 1)
		p.BIFs = make([][]susc.Estimate, 1)
		p.Influence, p.Structure = nil, nil
		p.Partial, p.Err = true, "context canceled"
		tr.Points = append(tr.Points, p)
		sampleTraj = tr
	})
	return sampleTraj
}

func TestJSONRoundTrip(t *testing.T) {
	tr := sampled(t)
	var b bytes.Buffer
	if err := trajectory.WriteJSON(&b, tr); err != nil {
		t.Fatal(err)
	}
	back, err := trajectory.ReadJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := trajectory.WriteJSON(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("JSON does not survive a round trip")
	}
	last := back.Points[len(back.Points)-1]
	if !math.IsInf(last.TrainLoss, 1) || !math.IsNaN(last.LLC.Mean) || !last.Partial || last.Structure != nil {
		t.Errorf("partial point read back as %+v", last)
	}
	if s := back.LLC(); !bitsEqual(s.Value[:len(s.Value)-1], tr.LLC().Value[:len(s.Value)-1]) {
		t.Errorf("LLC series %v, want %v", s.Value, tr.LLC().Value)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	tr := sampled(t)
	var b bytes.Buffer
	if err := trajectory.WriteCSV(&b, tr); err != nil {
		t.Fatal(err)
	}
	rows, err := trajectory.ReadCSV(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := tr.Rows()
	if len(rows) != len(want) {
		t.Fatalf("%d rows read, %d written", len(rows), len(want))
	}
	for i, r := range rows {
		w := want[i]
		if r.Step != w.Step || r.Estimate != w.Estimate || r.Entry != w.Entry ||
			!bitsEqual([]float64{r.Value, r.SE}, []float64{w.Value, w.SE}) {
			t.Fatalf("row %d: %+v, want %+v", i, r, w)
		}
	}
	// The rows hold the trajectory's numbers (the LLC, point by point).
	llc, k := tr.LLC(), 0
	for _, r := range rows {
		if r.Estimate == "llc" {
			if !bitsEqual([]float64{r.Value, r.SE}, []float64{llc.Value[k], llc.SE[k]}) || r.Step != llc.Steps[k] {
				t.Errorf("llc row %+v, want %v ± %v at step %d", r, llc.Value[k], llc.SE[k], llc.Steps[k])
			}
			k++
		}
	}
	// Every estimator appears: 7 scalars, J (2×2), BIF (3), influence
	// (6 entries of a 3×3 upper triangle) and structure (2 patterns × 3 layers).
	if per := len(rows) / len(tr.Points); per != 7+4+3+6+6 {
		t.Errorf("%d rows per point", per)
	}
}

// badJSON returns corruptions of a valid trajectory JSON that the reader
// must refuse.
func badJSON(t testing.TB) map[string][]byte {
	tr := sampled(t)
	good, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	points := func(m map[string]any) []any { return m["points"].([]any) }
	return map[string][]byte{
		"steps repeat":         edit(func(m map[string]any) { points(m)[1].(map[string]any)["step"] = points(m)[0].(map[string]any)["step"] }),
		"negative step":        edit(func(m map[string]any) { points(m)[0].(map[string]any)["step"] = -1 }),
		"missing matrix":       edit(func(m map[string]any) { points(m)[0].(map[string]any)["susceptibilities"] = []any{} }),
		"extra BIF":            edit(func(m map[string]any) { p := points(m)[0].(map[string]any); p["bifs"] = append(p["bifs"].([]any), nil) }),
		"BIF length changes":   edit(func(m map[string]any) { p := points(m)[1].(map[string]any); p["bifs"] = []any{[]any{}} }),
		"structure shape":      edit(func(m map[string]any) { m["components"] = []any{"a"} }),
		"unasked influence":    edit(func(m map[string]any) { delete(m, "influence") }),
		"X without components": edit(func(m map[string]any) { delete(m, "components") }),
		"matrix changes shape": edit(func(m map[string]any) {
			p := points(m)[2].(map[string]any)
			p["susceptibilities"] = []any{map[string]any{"nbeta": 1, "cov": map[string]any{"rows": []any{"a"}, "cols": []any{"b"}, "data": []any{[]any{1}}}, "cov_se": map[string]any{"data": []any{[]any{1}}}}}
		}),
		"not JSON":   []byte(`{"points": [`),
		"two values": append(append([]byte(nil), good...), []byte(" {}")...),
	}
}

func TestReadJSONRefuses(t *testing.T) {
	for name, b := range badJSON(t) {
		if tr, err := trajectory.ReadJSON(bytes.NewReader(b)); err == nil || tr != nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReadCSVRefuses(t *testing.T) {
	for name, s := range map[string]string{
		"empty":          "",
		"wrong header":   "step,estimate,entry,value\n",
		"short line":     "step,estimate,entry,value,se\n1,llc,,2\n",
		"bad step":       "step,estimate,entry,value,se\nx,llc,,2,0\n",
		"negative step":  "step,estimate,entry,value,se\n-1,llc,,2,0\n",
		"step goes back": "step,estimate,entry,value,se\n5,llc,,2,0\n4,llc,,2,0\n",
		"bad number":     "step,estimate,entry,value,se\n5,llc,,two,0\n",
		"no name":        "step,estimate,entry,value,se\n5,,,2,0\n",
		"bare quote":     "step,estimate,entry,value,se\n5,\"llc,,2,0\n",
	} {
		if rows, err := trajectory.ReadCSV(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted (%v)", name, rows)
		}
	}
	rows, err := trajectory.ReadCSV(strings.NewReader("step,estimate,entry,value,se\n5,llc,,NaN,+Inf\n5,x,a/b,1e999,-Inf\n"))
	if err != nil || !math.IsNaN(rows[0].Value) || !math.IsInf(rows[0].SE, 1) || !math.IsInf(rows[1].Value, 1) {
		t.Errorf("NaN and ±Inf: %v, %v", rows, err)
	}
}
