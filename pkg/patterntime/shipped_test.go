// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"os"
	"runtime"
	"slices"
	"testing"

	"susclab/pkg/lm"
)

// The shipped record (go run ./cmd/lmpattern -seeds 16 -out
// pkg/patterntime/testdata/planted.json) reads, its design follows from
// its J, the random control's weights from their seeds, and one whole run
// re-runs bit for bit with the pure-Go engine, which wrote it: the
// shortest (control, seed 7), which must stop at the first checkpoint
// Margin steps after its formation.
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
	dh, ctrl, err := Design(r.Objective(), r.Options.Mix, r.Options.Norm)
	if err != nil || !slices.Equal(dh, r.Dh) || !slices.Equal(ctrl, r.Control) {
		t.Errorf("Design(J) = %v, %v (%v); recorded %v, %v", dh, ctrl, err, r.Dh, r.Control)
	}
	want := [][]float64{r.Options.Mix, add(r.Options.Mix, dh, 1), add(r.Options.Mix, dh, -1), add(r.Options.Mix, ctrl, 1)}
	for a := range want {
		if !slices.Equal(r.Arms[a].Weights, want[a]) {
			t.Errorf("arm %s: weights %v, want %v", r.Arms[a].Name, r.Arms[a].Weights, want[a])
		}
	}
	for s := 1; s <= r.Options.Seeds; s++ {
		c, err := RandomDirection(s, dh, r.Options.Mix)
		if h := r.Arms[Random].WeightsOf(s); err != nil || !slices.Equal(h, add(r.Options.Mix, c, 1)) {
			t.Errorf("random control, seed %d: weights %v, want π + %v (%v)", s, h, c, err)
		}
	}
	if lm.Engine != "gonum, pure Go" || runtime.GOARCH != "amd64" {
		t.Skipf("the record was written by the pure-Go engine on amd64; this build is %s on %s", lm.Engine, runtime.GOARCH)
	}
	if testing.Short() {
		return
	}
	const arm, seed = Control, 7
	rec := r.Arms[arm].Curves[seed-1]
	if n := len(rec); n != 26 { // steps 0..2500: the shortest run
		t.Fatalf("control seed 7 has %d checkpoints, want 26", n)
	}
	if f := r.Formation(arm)[seed-1]; !(float64(r.CurveSteps[24]) < f+float64(r.Options.Margin) && float64(r.CurveSteps[25]) >= f+float64(r.Options.Margin)) {
		t.Errorf("formation %.0f + margin %d does not end the run at step %d", f, r.Options.Margin, r.CurveSteps[25])
	}
	got, err := r.Retrain(arm, seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, rec) {
		t.Errorf("control seed 7 retrained: %v, recorded %v", got, rec)
	}
}
