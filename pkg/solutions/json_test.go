// Copyright ©2026 The susclab Authors.

package solutions

import (
	"bytes"
	"context"
	"math"
	"os"
	"slices"
	"testing"

	"susclab/pkg/fpbits"
	"susclab/pkg/susc/pattern"
)

func tinyRecord(t testing.TB) *Record {
	t.Helper()
	o := tiny(2)
	o.Antithetic = true
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func roundTrip(t testing.TB, r *Record) (*Record, error) {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	return Read(&b)
}

// Read accepts a record of Run and refuses it with any one thing broken.
func TestReadRefuses(t *testing.T) {
	r := tinyRecord(t)
	got, err := roundTrip(t, r)
	if err != nil {
		t.Fatalf("a record of Run: %v", err)
	}
	if !slices.Equal(got.Arms[Random].Phi, r.Arms[Random].Phi) || !slices.Equal(got.Dh, r.Dh) {
		t.Error("the record does not read back")
	}
	var valid bytes.Buffer
	if err := r.Write(&valid); err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string]func(r *Record){
		"huge chains":         func(r *Record) { r.Options.Chains = 1 << 50 },
		"huge sampling":       func(r *Record) { r.Options.Draws, r.Options.Thin = 1<<20, 1<<10 },
		"huge evaluation set": func(r *Record) { r.Options.Features, r.Options.N = 64, 1<<20 },
		"an arm renamed":      func(r *Record) { r.Arms[Plus].Name = "plus" },
		"+dh not π + dh": func(r *Record) {
			r.Arms[Plus].Weights[0], r.Arms[Minus].Weights[0] = r.Arms[Minus].Weights[0], r.Arms[Plus].Weights[0]
		},
		"-random not π − c":     func(r *Record) { r.Arms[RandomOpposite].Weights[2] = r.Arms[Random].Weights[2] },
		"invalid options":       func(r *Record) { r.Options.Chains = 1 },
		"another baseline":      func(r *Record) { r.Pi[0] += 0.01 },
		"short J":               func(r *Record) { r.J = r.J[:3] },
		"short dh":              func(r *Record) { r.Dh = r.Dh[:3] },
		"a design point less":   func(r *Record) { r.Points = r.Points[:1] },
		"a short point J":       func(r *Record) { r.Points[0].J = nil },
		"four arms, antithetic": func(r *Record) { r.Arms = r.Arms[:4] },
		"a seed less":           func(r *Record) { r.Arms[Plus].Represented = r.Arms[Plus].Represented[:5] },
		"a short weight row":    func(r *Record) { r.Arms[Minus].Weights[2] = r.Arms[Minus].Weights[2][:6] },
		"a negative weight":     func(r *Record) { r.Arms[Random].Weights[1][0] = -0.01 },
		"weights not summing":   func(r *Record) { r.Arms[Random].Weights[1][0] += 0.01 },
		"seven represented":     func(r *Record) { r.Arms[Baseline].Represented[0] = 7 },
		"slots overflow": func(r *Record) {
			r.Options.Coupled, r.Options.Slots = true, true
			r.Arms[Plus].Weights[0] = []float64{0.2, 0.1, 0.1, 0.1, 0.1, 0.0, 0.4}
		},
	} {
		r, err := Read(bytes.NewReader(valid.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		broken(r)
		if _, err := roundTrip(t, r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Read(bytes.NewReader([]byte(`{"options":`))); err == nil {
		t.Error("truncated JSON accepted")
	}
	if _, err := Read(bytes.NewReader(append(slices.Clone(valid.Bytes()), `{}`...))); err == nil {
		t.Error("data after the record accepted")
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	if err := tinyRecord(f).Write(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"options":{"seeds":2}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		for a := range r.Arms {
			r.Fraction(a, 5)
			r.Shift(a, 5)
			r.Predicted(a, 0)
			r.Count(a, 4)
			r.Switches(a, 5)
			r.Contrast(a, Baseline, 5)
			r.Even(a, Baseline, 5)
			r.Oriented(a, Baseline, 5)
		}
		r.PointsLLC(4)
		if _, err := r.RandomDirection(r.Options.Seeds); err == nil {
			t.Fatal("RandomDirection past the last seed accepted")
		}
		if _, _, _, err := r.Rerun(len(r.Arms), 0); err == nil {
			t.Fatal("Rerun of a missing arm accepted")
		}
	})
}

// The shipped records (the second, third and fourth pre-declared runs and
// the replication of docs/theory.md §6.6), each with the command that made it.
var shipped = []struct {
	file      string
	norm      float64
	seeds     int
	firstSeed uint64
	slots     bool
}{
	// go run ./cmd/solutions -symmetric -coupled -antithetic -norm 0.1 -seeds 512 -first-seed 10000 -out pkg/solutions/testdata/run2.json
	{"testdata/run2.json", 0.1, 512, 10000, false},
	// go run ./cmd/solutions -symmetric -coupled -slots -antithetic -norm 0.06 -seeds 512 -first-seed 20000 -out pkg/solutions/testdata/run3.json
	{"testdata/run3.json", 0.06, 512, 20000, true},
	// go run ./cmd/solutions -symmetric -coupled -slots -antithetic -norm 0.06 -seeds 1024 -first-seed 30000 -out pkg/solutions/testdata/replication.json
	{"testdata/replication.json", 0.06, 1024, 30000, true},
	// go run ./cmd/solutions -symmetric -coupled -slots -antithetic -norm 0.03 -seeds 4096 -first-seed 40000 -out pkg/solutions/testdata/run4.json
	{"testdata/run4.json", 0.03, 4096, 40000, true},
}

// Each shipped record reads, its design follows from its J, its random
// directions from their seeds, and a slice re-runs bit for bit: three
// retrainings and one design point.
func TestShippedRecords(t *testing.T) {
	for _, c := range shipped {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(c.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := Read(f)
			if err != nil {
				t.Fatal(err)
			}
			o := r.Options
			if !o.Symmetric || !o.Coupled || o.Slots != c.slots || !o.Antithetic || o.Norm != c.norm || o.Seeds != c.seeds || o.FirstSeed != c.firstSeed {
				t.Fatalf("options %+v", o)
			}
			var m float64
			for _, v := range r.J[:o.Features] {
				m += v
			}
			m /= float64(o.Features)
			for k := range o.Features {
				if math.Abs(r.JDesign[k]-m) > 1e-15 {
					t.Fatalf("JDesign %v is not J %v with its patterns averaged", r.JDesign, r.J)
				}
			}
			if dh, err := pattern.Steepest(r.JDesign, r.Pi, o.Norm); err != nil || !fpbits.Equal(dh, r.Dh) {
				t.Errorf("Steepest(JDesign) = %v (%v), recorded %v", dh, err, r.Dh)
			}
			last := o.Seeds - 1
			for _, s := range []int{0, last / 2, last} {
				c, err := r.RandomDirection(s)
				if err != nil || !fpbits.Equal(r.Arms[Random].Weights[s], add(r.Pi, c, 1)) || !fpbits.Equal(r.Arms[RandomOpposite].Weights[s], add(r.Pi, c, -1)) {
					t.Errorf("seed index %d: random weights are not π ± the seed's direction (%v)", s, err)
				}
			}
			if testing.Short() {
				t.Skip("re-runs retrainings; runs without -short")
			}
			if ok, why := fpbits.Reproducible(); !ok {
				t.Skip(why)
			}
			for _, c := range [][2]int{{Baseline, 0}, {Plus, 7}, {RandomOpposite, last}} {
				n, phi, loss, err := r.Rerun(c[0], c[1])
				a := r.Arms[c[0]]
				if err != nil || n != a.Represented[c[1]] || phi != a.Phi[c[1]] || loss != a.Loss[c[1]] {
					t.Errorf("%s seed index %d rerun: %d, %v, %v (%v); recorded %d, %v, %v", a.Name, c[1], n, phi, loss, err, a.Represented[c[1]], a.Phi[c[1]], a.Loss[c[1]])
				}
			}
			p, err := r.Resample(context.Background(), 0)
			if err != nil || !slices.Equal(p.J, r.Points[0].J) || p.LLC != r.Points[0].LLC || p.Represented != r.Points[0].Represented {
				t.Errorf("design point 0 resampled: %+v (%v); recorded %+v", p, err, r.Points[0])
			}
		})
	}
}
