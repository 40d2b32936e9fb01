// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"bytes"
	"math"
	"testing"

	"susclab/pkg/lm"
)

// Read never panics, and whatever it accepts the accessors read without
// panicking and writes back to a record that reads again.
func FuzzRead(f *testing.F) {
	r := validRecord()
	var good bytes.Buffer
	if err := r.Write(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(bytes.Replace(good.Bytes(), []byte(`"seeds": 2`), []byte(`"seeds": 3`), 1))
	f.Add(bytes.Replace(good.Bytes(), []byte(`0.5`), []byte(`0.5, 1, 2, 3`), 1))
	f.Add([]byte(`{"kinds":["a","b","c"]}`))
	var loop bytes.Buffer
	if err := withLoop(validRecord()).Write(&loop); err != nil {
		f.Fatal(err)
	}
	f.Add(loop.Bytes())
	var gosrc bytes.Buffer
	if err := validGoRecord().Write(&gosrc); err != nil {
		f.Fatal(err)
	}
	f.Add(gosrc.Bytes())
	var measured bytes.Buffer
	if err := withAgain(withJCov(validRecord())).Write(&measured); err != nil {
		f.Fatal(err)
	}
	f.Add(measured.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		r.JContrast(r.Dh)
		r.Again.Contrast(r.Dh)
		for a := range r.Arms {
			r.Formation(a)
			r.Shift(a)
			for seed := 1; seed <= r.Options.Seeds; seed++ {
				r.Predicted(a, seed)
			}
		}
		for _, c := range [][3]int{{0, 0, 0}, {0, 1, -1}, {len(r.Arms), 1, 0}, {0, 1, r.Train.Steps + 1}} {
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

// validRecord is a small record that Read accepts.
func validRecord() *Record {
	r := &Record{Kinds: kindNames(CorpusPlanted), CurveSteps: []int{0, 100, 200}, J: []float64{1, 2, 3}, JSE: []float64{0.1, 0.1, 0.1},
		Dh: []float64{-0.1, 0, 0.1}, Control: []float64{0.05, -0.1, 0.05}, Options: Options{Seeds: 2, Steps: 200, Every: 100}}
	r.Model, r.Planted, r.Train = settings(Options{Steps: 200, Every: 100})
	r.Threshold = math.Log(float64(r.Planted.Alphabet)) / 2
	for _, n := range []string{"baseline", "+dh", "-dh", "control"} {
		r.Arms = append(r.Arms, Arm{Name: n, Weights: []float64{0.6, 0.2, 0.2}, Curves: [][]float64{{2, 0.5}, nil}})
	}
	r.Arms = append(r.Arms, Arm{Name: "random", SeedWeights: [][]float64{{0.5, 0.3, 0.2}, {0.7, 0.1, 0.2}}, Curves: [][]float64{{2, 1.5, 0.5}, {2}}})
	return r
}

// validGoRecord is a small Go-source record that Read accepts.
func validGoRecord() *Record {
	o := Options{Corpus: CorpusGoSource, Seeds: 2, Steps: 200, Every: 100}
	r := &Record{Kinds: kindNames(o.Corpus), CurveSteps: []int{0, 100, 200}, J: []float64{1, 2, 3}, JSE: []float64{0.1, 0.1, 0.1},
		Dh: []float64{-0.1, 0, 0.1}, Control: []float64{0.05, -0.1, 0.05}, Options: o, Threshold: lm.GoFormationRatio}
	r.Model, r.Planted, r.Train = settings(Options{Corpus: o.Corpus, Steps: 200, Every: 100})
	for _, n := range []string{"baseline", "+dh", "-dh", "control"} {
		r.Arms = append(r.Arms, Arm{Name: n, Weights: []float64{0.2, 0.2, 0.6}, Curves: [][]float64{{1, 0.4}, nil}})
	}
	r.Arms = append(r.Arms, Arm{Name: "random", SeedWeights: [][]float64{{0.1, 0.3, 0.6}, {0.3, 0.1, 0.6}}, Curves: [][]float64{{1, 0.9, 0.4}, {1}}})
	return r
}

// withReused marks a record's baseline and random control as reused.
func withReused(r *Record) *Record {
	r.Reused = []string{"baseline", "random"}
	return r
}

// withJCov adds a valid error covariance of J (JSE 0.1 each) to a record.
func withJCov(r *Record) *Record {
	r.JCov = [][]float64{{0.01, 0.005, -0.002}, {0.005, 0.01, 0}, {-0.002, 0, 0.01}}
	return r
}

// withAgain adds a valid second measurement of J to a record.
func withAgain(r *Record) *Record {
	r.Again = &JSample{Chains: 16, ChainSeed: 2, J: []float64{1.1, 2.1, 2.9}, JSE: []float64{0.05, 0.05, 0.05},
		JCov: [][]float64{{0.0025, 0.001, 0}, {0.001, 0.0025, 0}, {0, 0, 0.0025}}}
	return r
}

// withLoop adds valid closed-loop arms to a record.
func withLoop(r *Record) *Record {
	for _, a := range []int{Plus, Minus} {
		r.Arms = append(r.Arms, Arm{Name: r.Arms[a].Name + " loop", Weights: r.Arms[a].Weights, Curves: [][]float64{{2, 1}, {2, 1.5, 0.5}},
			Then: &Redesign{After: 100, J: []float64{1, 2, 3}, JSE: []float64{0.1, 0.1, 0.1}, Dh: []float64{-0.1, 0, 0.1}, Weights: []float64{0.5, 0.2, 0.3}}})
	}
	return r
}

// Read accepts validRecord and refuses it with any one thing broken.
func TestReadRefuses(t *testing.T) {
	read := func(r *Record) error {
		var b bytes.Buffer
		if err := r.Write(&b); err != nil {
			t.Fatal(err)
		}
		_, err := Read(&b)
		return err
	}
	if err := read(validRecord()); err != nil {
		t.Fatalf("the valid record: %v", err)
	}
	if err := read(withLoop(validRecord())); err != nil {
		t.Fatalf("the valid record with the closed loop: %v", err)
	}
	if err := read(validGoRecord()); err != nil {
		t.Fatalf("the valid Go-source record: %v", err)
	}
	if err := read(withJCov(validRecord())); err != nil {
		t.Fatalf("the valid record with J's error covariance: %v", err)
	}
	if err := read(withAgain(validRecord())); err != nil {
		t.Fatalf("the valid record with J sampled again: %v", err)
	}
	if err := read(withReused(validRecord())); err != nil {
		t.Fatalf("the valid record with reused arms: %v", err)
	}
	for name, broken := range map[string]func(a *JSample){
		"one chain":                 func(a *JSample) { a.Chains = 1 },
		"too many chains":           func(a *JSample) { a.Chains = maxChains + 1 },
		"a short J":                 func(a *JSample) { a.J = a.J[:2] },
		"a short JSE":               func(a *JSample) { a.JSE = a.JSE[:2] },
		"no covariance":             func(a *JSample) { a.JCov = nil },
		"a covariance off its JSE²": func(a *JSample) { a.JCov[2][2] *= 2 },
	} {
		r := withAgain(validRecord())
		broken(r.Again)
		if err := read(r); err == nil {
			t.Errorf("J sampled again, %s: accepted", name)
		}
	}
	for name, broken := range map[string]func(c [][]float64){
		"a short J covariance":       func(c [][]float64) { c[2] = c[2][:2] },
		"an asymmetric J covariance": func(c [][]float64) { c[0][1] += 1e-6 },
		"a diagonal not JSE²":        func(c [][]float64) { c[1][1] *= 1.001 },
		"a correlation beyond one":   func(c [][]float64) { c[0][2], c[2][0] = 0.0101, 0.0101 },
		"not positive semi-definite": func(c [][]float64) {
			c[0][1], c[1][0], c[0][2], c[2][0], c[1][2], c[2][1] = 0.009, 0.009, 0.009, 0.009, -0.009, -0.009
		},
	} {
		r := withJCov(validRecord())
		broken(r.JCov)
		if err := read(r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, broken := range map[string]func(r *Record){
		"a closed loop":        func(r *Record) { withLoop(r) },
		"the planted kinds":    func(r *Record) { r.Kinds = kindNames(CorpusPlanted) },
		"the planted model":    func(r *Record) { r.Model, _, _ = settings(Options{}) },
		"the planted settings": func(r *Record) { _, _, r.Train = settings(Options{Steps: 200, Every: 100}) },
		"the planted criterion": func(r *Record) {
			_, pc, _ := settings(Options{})
			r.Threshold = threshold(CorpusPlanted, pc)
		},
		"another doubled share": func(r *Record) { r.Train.Doubled = 0.5 },
		"an unknown corpus":     func(r *Record) { r.Options.Corpus = "gosrc2" },
	} {
		r := validGoRecord()
		broken(r)
		if err := read(r); err == nil {
			t.Errorf("Go source, %s: accepted", name)
		}
	}
	for name, broken := range map[string]func(r *Record){
		"six arms":                     func(r *Record) { r.Arms = withLoop(r).Arms[:6] },
		"a redesign on an open arm":    func(r *Record) { r.Arms[Plus].Then = withLoop(validRecord()).Arms[PlusLoop].Then },
		"a loop arm without redesign":  func(r *Record) { withLoop(r).Arms[MinusLoop].Then = nil },
		"a redesign at the last step":  func(r *Record) { withLoop(r).Arms[PlusLoop].Then.After = 200 },
		"a redesign at step 0":         func(r *Record) { withLoop(r).Arms[PlusLoop].Then.After = 0 },
		"a redesign off the grid":      func(r *Record) { withLoop(r).Arms[PlusLoop].Then.After = 150 },
		"a short redesigned J":         func(r *Record) { withLoop(r).Arms[MinusLoop].Then.J = []float64{1} },
		"negative redesigned weights":  func(r *Record) { withLoop(r).Arms[MinusLoop].Then.Weights = []float64{1.2, 0, -0.2} },
		"two kinds":                    func(r *Record) { r.Kinds = r.Kinds[:2] },
		"four arms":                    func(r *Record) { r.Arms = r.Arms[:4] },
		"no seeds":                     func(r *Record) { r.Options.Seeds = 0 },
		"short J":                      func(r *Record) { r.J = r.J[:2] },
		"another model":                func(r *Record) { r.Model.DModel = 64 },
		"another threshold":            func(r *Record) { r.Threshold = 1 },
		"off-grid curve steps":         func(r *Record) { r.CurveSteps = []int{0, 100, 150} },
		"too many checkpoints":         func(r *Record) { r.Train.Every, r.Train.Steps, r.CurveSteps = 1, 20000, checkpointSteps(20000, 1) },
		"seed weights on a fixed arm":  func(r *Record) { r.Arms[Plus].SeedWeights = r.Arms[Random].SeedWeights },
		"no seed weights on random":    func(r *Record) { r.Arms[Random].SeedWeights, r.Arms[Random].Weights = nil, []float64{0.6, 0.2, 0.2} },
		"one seed weight row":          func(r *Record) { r.Arms[Random].SeedWeights = r.Arms[Random].SeedWeights[:1] },
		"a short seed weight row":      func(r *Record) { r.Arms[Random].SeedWeights[1] = []float64{0.5, 0.5} },
		"a negative weight":            func(r *Record) { r.Arms[Minus].Weights = []float64{0.7, 0.4, -0.1} },
		"no positive weight":           func(r *Record) { r.Arms[Minus].Weights = []float64{0, 0, 0} },
		"an empty curve":               func(r *Record) { r.Arms[Control].Curves[1] = []float64{} },
		"a curve longer than the grid": func(r *Record) { r.Arms[Control].Curves[0] = []float64{2, 1, 0.5, 0.4} },
		"one curve for two seeds":      func(r *Record) { r.Arms[Control].Curves = r.Arms[Control].Curves[:1] },
		"an unknown observable":        func(r *Record) { r.Options.Observable = "layer2" },
		"invalid options":              func(r *Record) { r.Options.Chains = 1 },
		"mix not the baseline's":       func(r *Record) { r.Options.Mix = []float64{0.5, 0.3, 0.2} },
		"a designed arm reused":        func(r *Record) { r.Reused = []string{"baseline", "+dh"} },
		"an arm reused twice":          func(r *Record) { r.Reused = []string{"random", "random"} },
		"options of other steps":       func(r *Record) { r.Options.Steps = 300 },
		"options of another interval":  func(r *Record) { r.Options.Every = 50 },
	} {
		r := validRecord()
		broken(r)
		if err := read(r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, s := range map[string]string{"empty": `{}`, "not json": `{"kinds":`} {
		if _, err := Read(bytes.NewReader([]byte(s))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
