// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"context"
	"math"
	"os"
	"reflect"
	"slices"
	"testing"

	"susclab/pkg/fpbits"
)

// shipped lists the shipped records, each with its shortest run.
var shipped = []struct {
	file        string
	arm, seed   int
	checkpoints int
}{
	// go run ./cmd/lmpattern -seeds 16 -out pkg/patterntime/testdata/planted.json
	{"testdata/planted.json", Control, 7, 26},
	// go run ./cmd/lmpattern -seeds 16 -observable induction -out pkg/patterntime/testdata/planted_induction.json
	{"testdata/planted_induction.json", Plus, 7, 26},
	// go run ./cmd/lmpattern -corpus gosrc -seeds 16 -out pkg/patterntime/testdata/gosrc.json
	{"testdata/gosrc.json", Plus, 2, 13},
	// go run ./cmd/lmpattern -redesign pkg/patterntime/testdata/gosrc.json -early-fraction 0.7 -chains 16 -out late.json
	// go run ./cmd/lmpattern -resume late.json -out late.json
	// go run ./cmd/lmpattern -resample late.json -chains 16 -chain-seed 2 -out pkg/patterntime/testdata/gosrc_late.json
	{"testdata/gosrc_late.json", Plus, 2, 13},
}

func readShipped(t *testing.T, file string) *Record {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Each shipped record reads, its design follows from its J, the random
// control's weights from their seeds, and its shortest run re-runs bit
// for bit with the pure-Go engine, which wrote it, stopping at the first
// checkpoint Margin steps after its formation.
func TestShippedRecord(t *testing.T) {
	for _, c := range shipped {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel() // each retrains one run on one core
			r := readShipped(t, c.file)
			dh, ctrl, err := Design(r.Objective(), r.Options.Mix, r.Options.Norm)
			if err != nil || !fpbits.Equal(dh, r.Dh) || !fpbits.Equal(ctrl, r.Control) {
				t.Errorf("Design(J) = %v, %v (%v); recorded %v, %v", dh, ctrl, err, r.Dh, r.Control)
			}
			want := [][]float64{r.Options.Mix, add(r.Options.Mix, dh, 1), add(r.Options.Mix, dh, -1), add(r.Options.Mix, ctrl, 1)}
			for a := range want {
				if !fpbits.Equal(r.Arms[a].Weights, want[a]) {
					t.Errorf("arm %s: weights %v, want %v", r.Arms[a].Name, r.Arms[a].Weights, want[a])
				}
			}
			// A reused random control was drawn with an earlier record's dh,
			// whose norm is ‖dh‖ to rounding (TestShippedReused checks its runs).
			tol := 0.0
			if slices.Contains(r.Reused, r.Arms[Random].Name) {
				tol = 1e-15
			}
			for s := 1; s <= r.Options.Seeds; s++ {
				c, err := RandomDirection(s, dh, r.Options.Mix)
				h, want := r.Arms[Random].WeightsOf(s), add(r.Options.Mix, c, 1)
				if err != nil || !(fpbits.Equal(h, want) || maxAbsDiff(h, want) <= tol) {
					t.Errorf("random control, seed %d: weights %v, want π + %v (%v)", s, h, c, err)
				}
			}
			if ok, why := fpbits.Reproducible(); !ok {
				t.Skip(why)
			}
			if testing.Short() {
				t.Skip("re-runs a training; runs without -short")
			}
			rec := r.Arms[c.arm].Curves[c.seed-1]
			if n := len(rec); n != c.checkpoints {
				t.Fatalf("%s seed %d has %d checkpoints, want %d", r.Arms[c.arm].Name, c.seed, n, c.checkpoints)
			}
			end, m := float64(r.CurveSteps[len(rec)-1]), float64(r.Options.Margin)
			if f := r.Formation(c.arm)[c.seed-1]; !(end-float64(r.Options.Every) < f+m && end >= f+m) {
				t.Errorf("formation %.0f + margin %v does not end the run at step %v", f, m, end)
			}
			got, err := r.Retrain(c.arm, c.seed, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, rec) {
				t.Errorf("%s seed %d retrained: %v, recorded %v", r.Arms[c.arm].Name, c.seed, got, rec)
			}
		})
	}
}

// Every shipped record carries J's error covariance (added by
// cmd/lmpattern -jcov, which re-sampled J and found it the record's bit for
// bit, or made with J by Redesign) and J measured again by 16 chains from
// chain seed 2 (cmd/lmpattern -resample, docs/theory.md §6.5). On the
// planted records SampleJ re-samples J, its standard errors and that
// covariance bit for bit: the layer-1 structural path and the plain
// response's. The second measurements (the same SampleJ from another chain
// seed; 2 to 15 minutes) and the Go-source records' samplings (5 and 13
// minutes; their probes are TestGoProbes') are not re-run here.
func TestShippedJ(t *testing.T) {
	for i, c := range shipped {
		t.Run(c.file, func(t *testing.T) {
			r := readShipped(t, c.file)
			if r.JCov == nil {
				t.Fatal("no J error covariance")
			}
			if a := r.Again; a == nil || a.Chains != 16 || a.ChainSeed != 2 {
				t.Fatalf("J sampled again: %+v, want 16 chains from seed 2", a)
			}
			if r.Options.Corpus == CorpusGoSource {
				return
			}
			if testing.Short() {
				t.Skip("re-samples J; runs without -short")
			}
			if ok, why := fpbits.Reproducible(); !ok {
				t.Skip(why)
			}
			got, err := r.SampleJ(context.Background(), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.Chains != r.Options.Chains || got.ChainSeed != 1 || !slices.Equal(got.J, r.J) || !slices.Equal(got.JSE, r.JSE) ||
				!slices.EqualFunc(got.JCov, r.JCov, slices.Equal) {
				t.Errorf("record %d: J sampled again %+v; recorded %v ± %v (%v)", i, got, r.J, r.JSE, r.JCov)
			}
		})
	}
}

// The closed-loop arms of the induction record: each redesign sits at
// the rule's step, follows from its J, and the shortest loop run that
// formed after the switch re-runs bit for bit (the second phase included).
func TestShippedLoop(t *testing.T) {
	r := readShipped(t, shipped[1].file)
	if len(r.Arms) != MinusLoop+1 {
		t.Fatalf("%d arms, want the closed loop's %d", len(r.Arms), MinusLoop+1)
	}
	for _, a := range []int{PlusLoop, MinusLoop} {
		open, loop := r.Arms[a-PlusLoop+Plus], r.Arms[a]
		th := loop.Then
		f := r.Formation(a - PlusLoop + Plus)[0]
		after := r.Train.Every * int(math.Round((float64(r.EarlyStep)+f)/2/float64(r.Train.Every)))
		if th.After != after || !slices.Equal(loop.Weights, open.Weights) {
			t.Errorf("%s: redesign after %d (rule: %d), first weights %v (open loop %v)", loop.Name, th.After, after, loop.Weights, open.Weights)
		}
		dh, _, err := Design(objective(r.Options.Observable, th.J), r.Options.Mix, r.Options.Norm)
		sign := 1.0
		if a == MinusLoop {
			sign = -1
		}
		if err != nil || !fpbits.Equal(dh, th.Dh) || !fpbits.Equal(th.Weights, add(r.Options.Mix, dh, sign)) {
			t.Errorf("%s: Design(J₂) = %v (%v), recorded dh %v and weights %v", loop.Name, dh, err, th.Dh, th.Weights)
		}
	}
	if testing.Short() {
		t.Skip("re-runs a training; runs without -short")
	}
	if ok, why := fpbits.Reproducible(); !ok {
		t.Skip(why)
	}
	// go run ./cmd/lmpattern -extend pkg/patterntime/testdata/planted_induction.json -out pkg/patterntime/testdata/planted_induction.json
	const arm, seed, checkpoints = PlusLoop, 4, 29
	rec := r.Arms[arm].Curves[seed-1]
	if len(rec) != checkpoints || r.Formation(arm)[seed-1] <= float64(r.Arms[arm].Then.After) {
		t.Fatalf("%s seed %d: %d checkpoints (want %d), formed at %v", r.Arms[arm].Name, seed, len(rec), checkpoints, r.Formation(arm)[seed-1])
	}
	got, err := r.Retrain(arm, seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, rec) {
		t.Errorf("%s seed %d retrained: %v, recorded %v", r.Arms[arm].Name, seed, got, rec)
	}
}

// The two planted records differ only in the observable of the design:
// their baselines are the same runs (same seeds, streams and stopping
// rule), made by two invocations of Run, bit for bit, and so are their
// random controls, whose directions depend on ‖dh‖ only (to rounding).
func TestShippedBaselinesAgree(t *testing.T) {
	a, b := readShipped(t, shipped[0].file), readShipped(t, shipped[1].file)
	if a.Options.Observable != Layer1 || b.Options.Observable != Induction {
		t.Fatalf("observables %q, %q", a.Options.Observable, b.Options.Observable)
	}
	for _, arm := range []int{Baseline, Random} {
		for s := range a.Arms[arm].Curves {
			if !slices.Equal(a.Arms[arm].Curves[s], b.Arms[arm].Curves[s]) {
				t.Errorf("%s seed %d: the curves differ between the records", a.Arms[arm].Name, s+1)
			}
			// ‖dh‖ is 0.15 to rounding in both, so the random weights agree to rounding.
			for k, v := range a.Arms[arm].WeightsOf(s + 1) {
				if d := math.Abs(v - b.Arms[arm].WeightsOf(s + 1)[k]); d > 1e-15 {
					t.Errorf("%s seed %d: weight %d differs by %v", a.Arms[arm].Name, s+1, k, d)
				}
			}
		}
	}
}

// maxAbsDiff returns the largest |a_i − b_i|, or +Inf if the lengths
// differ or an entry is NaN.
func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var m float64
	for i := range a {
		d := math.Abs(a[i] - b[i])
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		m = math.Max(m, d)
	}
	return m
}

// The Go-source record read later (docs/theory.md §6.5) reuses the
// Go-source run's baseline and random control: their weights and curves
// are that record's bit for bit, its options differ only in the early
// fraction and the chains, and its early step follows the rule.
func TestShippedReused(t *testing.T) {
	old, r := readShipped(t, "testdata/gosrc.json"), readShipped(t, "testdata/gosrc_late.json")
	if !slices.Equal(r.Reused, []string{"baseline", "random"}) {
		t.Fatalf("reused %q", r.Reused)
	}
	for _, arm := range r.Arms {
		if slices.ContainsFunc(arm.Curves, func(c []float64) bool { return c == nil }) {
			t.Errorf("arm %s: a run is missing", arm.Name)
		}
	}
	for _, a := range []int{Baseline, Random} {
		n, o := r.Arms[a], old.Arms[a]
		if n.Name != o.Name || !slices.Equal(n.Weights, o.Weights) || !slices.EqualFunc(n.SeedWeights, o.SeedWeights, slices.Equal) ||
			!slices.EqualFunc(n.Curves, o.Curves, slices.Equal) {
			t.Errorf("arm %s is not the Go-source record's", o.Name)
		}
	}
	want := old.Options
	want.EarlyFraction, want.Chains = r.Options.EarlyFraction, r.Options.Chains
	if !reflect.DeepEqual(r.Options, want) || r.Options.EarlyFraction != 0.7 || r.Options.Chains != 16 {
		t.Errorf("options %+v, want the Go-source record's %+v with early fraction 0.7 and 16 chains", r.Options, old.Options)
	}
	if e := earlyStep(r.Options, r.Formation(Baseline)[0]); r.EarlyStep != e || e != 1000 {
		t.Errorf("early step %d, the rule gives %d (declared: 1,000)", r.EarlyStep, e)
	}
}
