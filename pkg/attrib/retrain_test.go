// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/internal/seeds"
	"susclab/pkg/toy"
)

// smallMLP returns a tanh MLP regression problem with a test set.
func smallMLP() (train, test *toy.MLP, w0 []float64) {
	rng := rand.New(rand.NewPCG(21, 22))
	teacher := toy.NewMLPTeacher(rng, 2, 3, 1, 2, 0.1)
	x, y, _ := toy.GenerateMLP(rng, 20, teacher, nil)
	xt, yt, _ := toy.GenerateMLP(rng, 5, teacher, nil)
	train, test = toy.NewMLP(4, x, y), toy.NewMLP(4, xt, yt)
	return train, test, train.Init(rng)
}

// TestRetrainDeterministic: the Truth of a cold-started, minibatch run with
// several seeds is bit-identical for 1 and 3 workers; runs of different
// seeds differ, and every removal set of one seed uses the same
// initialization as the full data (common random numbers: removing nothing
// would reproduce Base bit for bit).
func TestRetrainDeterministic(t *testing.T) {
	m, test, _ := smallMLP()
	sub, _ := RandomSubsets(20, 0.7, 4, 3)
	r := Retrain{Train: toy.TrainConfig{Method: toy.Adam, Steps: 150, LR: 0.02, BatchSize: 5}, Init: m.Init, Seeds: 2, Seed: 7}
	var out []*Truth
	for _, w := range []int{1, 3} {
		r.Workers = w
		tr, err := r.Run(context.Background(), m, Query{Model: test}, sub)
		if err != nil {
			t.Fatal(err)
		}
		if !tr.Complete() {
			t.Fatal("incomplete")
		}
		out = append(out, tr)
	}
	if !reflect.DeepEqual(out[0], out[1]) {
		t.Error("Truth depends on the number of workers")
	}
	if reflect.DeepEqual(out[0].Base[0], out[0].Base[1]) {
		t.Error("the two seeds gave the same run")
	}
	// A removal set that removes nothing is not allowed; one seed's base
	// must equal a direct toy.Train with the derived seed and initialization.
	cfg := r.Train
	cfg.Seed = seeds.Derive(r.Seed, 1) // the documented seed of run 1
	w, _ := toy.Train(m, m.Init(initRand(cfg.Seed)), cfg)
	l := make([]float64, 5)
	test.PointLosses(l, w, nil)
	if !reflect.DeepEqual(l, out[0].Base[1]) {
		t.Errorf("Base[1] = %v, direct training gives %v", out[0].Base[1], l)
	}
}

// TestRetrainCommonInit: with a cold start every removal set and the full
// data use the same Seeds initializations (common random numbers): over
// (M+1)·Seeds retrainings Init sees exactly Seeds distinct generators, each
// M+1 times.
func TestRetrainCommonInit(t *testing.T) {
	m, test, _ := smallMLP()
	var mu sync.Mutex
	seen := map[uint64]int{}
	r := Retrain{Train: toy.TrainConfig{Steps: 3}, Seeds: 3, Seed: 1, Workers: 2, Init: func(rng *rand.Rand) []float64 {
		mu.Lock()
		seen[rng.Uint64()]++
		mu.Unlock()
		return m.Init(rng)
	}}
	if _, err := r.Run(context.Background(), m, Query{Model: test}, LeaveOneOut(20)); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 {
		t.Fatalf("%d distinct initializations, want 3", len(seen))
	}
	for k, c := range seen {
		if c != 21 {
			t.Errorf("initialization %x used %d times, want 21", k, c)
		}
	}
}

// TestRetrainCancelAndProgress cancels from the progress callback after
// nine retrainings (two seeds per removal set, one worker): Run returns the
// context's error and a partial Truth whose finished removal sets, and only
// those, are marked Done; progress counts increase by
// one up to the total when not cancelled.
func TestRetrainCancelAndProgress(t *testing.T) {
	m, test, w0 := smallMLP()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var calls []int
	r := Retrain{Train: toy.TrainConfig{Steps: 50, LR: 0.05, BatchSize: 5}, W0: w0, Seeds: 2, Workers: 1, Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, done)
		if done == 9 {
			cancel()
		}
	}}
	tr, err := r.Run(ctx, m, Query{Model: test}, LeaveOneOut(20))
	if !errors.Is(err, context.Canceled) || tr == nil {
		t.Fatalf("err = %v, truth %v", err, tr != nil)
	}
	var done int
	for m, d := range tr.Done {
		all := tr.Values[m][0] != nil && tr.Values[m][1] != nil
		if d != all {
			t.Errorf("removal set %d: Done %v, values of both seeds %v", m, d, all)
		}
		if d {
			done++
		}
	}
	// One worker runs the jobs in order (the full data with seeds 0 and 1,
	// then set 0 with seeds 0 and 1, …): 9 retrainings complete sets 0 to 2
	// and set 3 for seed 0 only.
	if done != 3 || tr.Values[3][0] == nil || tr.Complete() {
		t.Errorf("%d removal sets done after cancelling at 9 retrainings (one worker), want 3 and half of set 3", done)
	}
	r.Workers = 2
	calls = nil
	r.Progress = func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if total != 42 {
			t.Errorf("total %d, want 42", total)
		}
		calls = append(calls, done)
	}
	if _, err := r.Run(context.Background(), m, Query{Model: test}, LeaveOneOut(20)); err != nil {
		t.Fatal(err)
	}
	for k, c := range calls {
		if c != k+1 {
			t.Fatalf("progress calls %v", calls)
		}
	}
	if len(calls) != 42 {
		t.Errorf("%d progress calls, want 42", len(calls))
	}
}

// TestRetrainValidation: bad inputs are refused before any work.
func TestRetrainValidation(t *testing.T) {
	m, test, w0 := smallMLP()
	ok := Retrain{Train: toy.TrainConfig{Steps: 5}, W0: w0}
	other, _ := regression(10, 0.5)
	for _, c := range []struct {
		name    string
		r       Retrain
		q       Query
		removed [][]int
		want    string
	}{
		{"no start", Retrain{}, Query{Model: test}, LeaveOneOut(20), "exactly one of W0"},
		{"both starts", Retrain{W0: w0, Init: m.Init}, Query{Model: test}, LeaveOneOut(20), "exactly one of W0"},
		{"short W0", Retrain{W0: w0[:3]}, Query{Model: test}, LeaveOneOut(20), "weights"},
		{"no sets", ok, Query{Model: test}, nil, "no removal sets"},
		{"empty set", ok, Query{Model: test}, [][]int{{}}, "removes 0"},
		{"everything", ok, Query{Model: test}, [][]int{make([]int, 20)}, "removes 20"},
		{"out of range", ok, Query{Model: test}, [][]int{{20}}, "out of range"},
		{"twice", ok, Query{Model: test}, [][]int{{3, 3}}, "twice"},
		{"query dim", ok, Query{Model: other}, LeaveOneOut(20), "parameters"},
		{"query idx", ok, Query{Model: test, Idx: []int{5}}, LeaveOneOut(20), "out of range"},
		{"negative steps", Retrain{W0: w0, Train: toy.TrainConfig{Steps: -1}}, Query{Model: test}, LeaveOneOut(20), "negative"},
	} {
		called := false
		c.r.Progress = func(int, int) { called = true }
		_, err := c.r.Run(context.Background(), m, c.q, c.removed)
		if err == nil || !strings.Contains(err.Error(), c.want) || called {
			t.Errorf("%s: err = %v (want %q), work done %v", c.name, err, c.want, called)
		}
	}
	if _, err := RandomSubsets(10, 0.04, 3, 1); err == nil {
		t.Error("RandomSubsets keeping no sample accepted")
	}
	if _, err := RandomSubsets(10, 1, 3, 1); err == nil {
		t.Error("RandomSubsets with frac 1 accepted")
	}
}

// TestRandomSubsets: each set removes n - round(frac·n) distinct samples,
// sorted, and every sample is removed in about (1 - frac)·M sets.
func TestRandomSubsets(t *testing.T) {
	const n, M = 30, 3000
	sets, err := RandomSubsets(n, 0.6, M, 5)
	if err != nil {
		t.Fatal(err)
	}
	count := make([]int, n)
	for _, s := range sets {
		if len(s) != 12 {
			t.Fatalf("set of %d, want 12", len(s))
		}
		for k := range s {
			if k > 0 && s[k] <= s[k-1] {
				t.Fatalf("set %v not sorted and distinct", s)
			}
			count[s[k]]++
		}
	}
	for i, c := range count {
		// Binomial(M, 0.4): sd ≈ 26.8; 5 sd.
		if c < 1200-134 || c > 1200+134 {
			t.Errorf("sample %d removed %d times, want about 1200", i, c)
		}
	}
}

// TestSubsetNoAllocs: the subset model's batches allocate nothing.
func TestSubsetNoAllocs(t *testing.T) {
	m, _, w0 := smallMLP()
	s := newSubset(m)
	s.set([]int{3, 0, 17})
	if s.NumData() != 17 {
		t.Fatalf("NumData %d", s.NumData())
	}
	g := make([]float64, m.Dim())
	batch := []int{0, 5, 16}
	if a := testing.AllocsPerRun(20, func() { s.LossGrad(g, w0, batch); s.LossGrad(g, w0, nil) }); a != 0 {
		t.Errorf("%v allocations", a)
	}
	// Sample 0 of the subset is sample 1 of the model, sample 16 is 19.
	if s.LossGrad(nil, w0, []int{0, 16}) != m.LossGrad(nil, w0, []int{1, 19}) {
		t.Error("subset maps samples wrongly")
	}
}

// TestJSONRoundTrip: Scores and Truth survive JSON (for viz.Memo).
func TestJSONRoundTrip(t *testing.T) {
	m, test, w0 := smallMLP()
	tr, err := Retrain{Train: toy.TrainConfig{Steps: 5}, W0: w0}.Run(context.Background(), m, Query{Model: test}, LeaveOneOut(20))
	if err != nil {
		t.Fatal(err)
	}
	s, err := GradientSimilarity{W: w0}.Scores(context.Background(), m, Query{Model: test})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{tr, s} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		back := reflect.New(reflect.TypeOf(v).Elem()).Interface()
		if err := json.Unmarshal(b, back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, back) {
			t.Errorf("%T does not survive JSON", v)
		}
	}
	if got := s.Matrix(); !mat.Equal(got, mat.NewDense(20, 5, s.Value)) {
		t.Error("Matrix is not a view of Value")
	}
}

// TestCGAllocations: the conjugate-gradient iterations allocate nothing:
// the allocations of a Scores call do not depend on how many iterations
// the tolerance asks for.
func TestCGAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector; the test runs in the plain go test")
	}
	m, test, w0 := smallMLP()
	w, _ := toy.Minimize(m, w0, toy.Optimizer{Method: toy.Adam, Steps: 500, LR: 0.02})
	count := func(tol float64) float64 {
		f := InfluenceFunction{W: w, Damping: 1, CG: true, Tol: tol}
		return testing.AllocsPerRun(5, func() {
			if _, err := f.Scores(context.Background(), m, Query{Model: test}); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := count(1e-2), count(1e-12); a != b {
		t.Errorf("allocations %v at Tol 1e-2, %v at Tol 1e-12: the iterations allocate", a, b)
	}
}
