// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"os"
	"runtime"
	"slices"
	"testing"

	"susclab/pkg/lm"
)

// The shipped record (go run ./cmd/lmpattern -out
// pkg/patterntime/testdata/planted.json) reads, its design follows from
// its J, and a slice of it re-runs bit for bit: the first 1000 steps of
// one arm and seed (with the pure-Go engine, which wrote it).
func TestShippedRecord(t *testing.T) {
	f, err := os.Open("testdata/planted.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	dh, ctrl, err := Design(r.J, r.Options.Mix, r.Options.Norm)
	if err != nil || !slices.Equal(dh, r.Dh) || !slices.Equal(ctrl, r.Control) {
		t.Errorf("Design(J) = %v, %v (%v); recorded %v, %v", dh, ctrl, err, r.Dh, r.Control)
	}
	want := [][]float64{r.Options.Mix, add(r.Options.Mix, dh, 1), add(r.Options.Mix, dh, -1), add(r.Options.Mix, ctrl, 1)}
	for a := range r.Arms {
		if !slices.Equal(r.Arms[a].Weights, want[a]) {
			t.Errorf("arm %s: weights %v, want %v", r.Arms[a].Name, r.Arms[a].Weights, want[a])
		}
	}
	if lm.Engine != "gonum, pure Go" || runtime.GOARCH != "amd64" {
		t.Skipf("the record was written by the pure-Go engine on amd64; this build is %s on %s", lm.Engine, runtime.GOARCH)
	}
	if testing.Short() {
		return
	}
	got, err := r.Retrain(Plus, 2, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if rec := r.Arms[Plus].Curves[1][:len(got)]; !slices.Equal(got, rec) {
		t.Errorf("+dh seed 2, first 1000 steps: %v, recorded %v", got, rec)
	}
}
