// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"bytes"
	"testing"
)

// Read never panics, and whatever it accepts the accessors read without
// panicking and writes back to a record that reads again.
func FuzzRead(f *testing.F) {
	r := &Record{Kinds: kindNames, Threshold: 1, CurveSteps: []int{0, 100, 200}, J: []float64{1, 2, 3}, JSE: []float64{0.1, 0.1, 0.1},
		Dh: []float64{-0.1, 0, 0.1}, Control: []float64{0.05, -0.1, 0.05}, Options: Options{Seeds: 2}}
	r.Model, r.Planted, r.Train = settings(Options{Steps: 200, Every: 100})
	for _, n := range []string{"baseline", "+dh", "-dh", "control"} {
		r.Arms = append(r.Arms, Arm{Name: n, Weights: []float64{0.6, 0.2, 0.2}, Curves: [][]float64{{2, 0.5}, nil}})
	}
	r.Arms = append(r.Arms, Arm{Name: "random", SeedWeights: [][]float64{{0.5, 0.3, 0.2}, {0.7, 0.1, 0.2}}, Curves: [][]float64{{2, 1.5, 0.5}, {2}}})
	var good bytes.Buffer
	if err := r.Write(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(bytes.Replace(good.Bytes(), []byte(`"seeds": 2`), []byte(`"seeds": 3`), 1))
	f.Add(bytes.Replace(good.Bytes(), []byte(`0.5`), []byte(`0.5, 1, 2, 3`), 1))
	f.Add([]byte(`{"kinds":["a","b","c"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		for a := range r.Arms {
			r.Formation(a)
			r.Shift(a)
			for seed := 1; seed <= r.Options.Seeds; seed++ {
				r.Predicted(a, seed)
			}
		}
		for _, c := range [][3]int{{0, 0, 0}, {0, 1, -1}, {5, 1, 0}, {0, 1, r.Train.Steps + 1}} {
			if _, err := r.Retrain(c[0], c[1], c[2]); err == nil {
				t.Fatalf("Retrain%v accepted", c)
			}
		}
		var out bytes.Buffer
		if err := r.Write(&out); err != nil {
			return // a NaN threshold, say: JSON cannot carry it
		}
		if _, err := Read(&out); err != nil {
			t.Fatalf("an accepted record does not read back: %v", err)
		}
	})
}

func TestReadRefuses(t *testing.T) {
	for name, s := range map[string]string{
		"empty":       `{}`,
		"not json":    `{"kinds":`,
		"two kinds":   `{"kinds":["a","b"],"j":[1,2],"j_se":[1,1],"dh":[1,-1],"control":[1,-1],"options":{"seeds":1},"arms":[{},{},{},{}]}`,
		"no curves":   `{"kinds":["a","b","c"],"j":[1,2,3],"j_se":[1,1,1],"dh":[1,-1,0],"control":[0,1,-1],"options":{"seeds":1},"arms":[{"weights":[1,0,0]},{"weights":[1,0,0]},{"weights":[1,0,0]},{"weights":[1,0,0]}]}`,
		"short curve": `{"kinds":["a","b","c"],"curve_steps":[0,1],"j":[1,2,3],"j_se":[1,1,1],"dh":[1,-1,0],"control":[0,1,-1],"options":{"seeds":1},"arms":[{"weights":[1,0,0],"curves":[[1]]},{"weights":[1,0,0],"curves":[null]},{"weights":[1,0,0],"curves":[null]},{"weights":[1,0,0],"curves":[null]}]}`,
	} {
		if _, err := Read(bytes.NewReader([]byte(s))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
