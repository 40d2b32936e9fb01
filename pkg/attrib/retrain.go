// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/mat"

	"susclab/internal/seeds"
	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// Retrain is the ground truth of attribution: retraining the model without
// some of its samples and measuring how the queries change
// (docs/theory.md §4.4). Run trains once on all samples and once without
// each removal set, each Seeds times, and records every query value.
//
// Training is toy.Train with the configuration Train, whose Seed (the
// minibatch order) Run replaces: run s of every removal set, and of the
// full data, uses seed Derive(Seed, s), so that differences between removal
// sets and the full data compare runs with the same minibatches and, for a
// cold start, the same initialization (common random numbers).
//
//   - Warm start (W0 set, normally the trained w*): every run starts at W0
//     and stays in its basin, which is what the local methods (influence
//     functions, the BIF) describe. With full batches the runs of different
//     seeds are identical and one seed is enough.
//   - Cold start (Init set): run s starts at Init(rng_s), rng_s a PCG
//     generator seeded from Derive(Seed, s), the same for every removal set.
//     It measures what retraining from scratch does, basin changes included;
//     average over several seeds.
//
// Exactly one of W0 and Init must be set. Retrainings run in parallel on
// Workers goroutines (0: GOMAXPROCS), each with its own replica of the
// models (susc.Replicate); results do not depend on Workers. Progress, if
// not nil, is called after every retraining with the number done and the
// total, from one goroutine at a time. A cancelled context stops the
// workers after their current retraining: Run returns the partial Truth
// (Done marks the complete removal sets) with the context's error.
type Retrain struct {
	Train    toy.TrainConfig
	W0       []float64
	Init     func(rng *rand.Rand) []float64
	Seeds    int // 0 means 1
	Seed     uint64
	Workers  int
	Progress func(done, total int)
}

// Truth is the measured effect of removing sets of training samples.
// Values[m][s][q] is query q's value φ_q after training run s without the
// samples Removed[m], Base[s][q] after run s on all samples. It is a plain
// value (JSON round trip, for viz.Memo) once complete.
type Truth struct {
	Removed [][]int
	Seeds   int
	Base    [][]float64
	Values  [][][]float64
	// Done[m] reports that every seed of removal set m finished (all true
	// after a complete Run).
	Done []bool
}

// Change returns the measured effect of removal set m on query q: the mean
// over seeds of Values[m][s][q] - Base[s][q].
func (t *Truth) Change(m, q int) float64 {
	var s float64
	for k := range t.Seeds {
		s += t.Values[m][k][q] - t.Base[k][q]
	}
	return s / float64(t.Seeds)
}

// SeedSE returns the standard error over seeds of Change(m, q) (0 with one
// seed): how much of the measured effect is training noise.
func (t *Truth) SeedSE(m, q int) float64 {
	if t.Seeds < 2 {
		return 0
	}
	mean := t.Change(m, q)
	var ss float64
	for k := range t.Seeds {
		d := t.Values[m][k][q] - t.Base[k][q] - mean
		ss += d * d
	}
	return math.Sqrt(ss / float64(t.Seeds-1) / float64(t.Seeds))
}

// Queries returns the number of queries.
func (t *Truth) Queries() int {
	if len(t.Base) == 0 {
		return 0
	}
	return len(t.Base[0])
}

// Complete reports whether every removal set is done.
func (t *Truth) Complete() bool {
	for _, d := range t.Done {
		if !d {
			return false
		}
	}
	return len(t.Base) == t.Seeds && t.Seeds > 0
}

// Validate reports whether t is a complete, well-formed ground truth for
// n training samples (n ≤ 0: any): at least one seed and one removal set; Base holds Seeds
// rows of the same positive number of queries; each removal set is
// non-empty, of distinct samples in [0, n), and has Seeds rows of values of
// that length, all finite, and is marked Done. A Truth read back from JSON
// should be validated before use: Change and the scores index it freely.
func (t *Truth) Validate(n int) error {
	if t == nil {
		return errors.New("attrib: nil Truth")
	}
	if t.Seeds < 1 || len(t.Base) != t.Seeds {
		return fmt.Errorf("attrib: Truth has %d seeds and %d base rows", t.Seeds, len(t.Base))
	}
	nq := len(t.Base[0])
	if nq < 1 {
		return errors.New("attrib: Truth has no queries")
	}
	finite := func(row []float64, what string) error {
		if len(row) != nq {
			return fmt.Errorf("attrib: Truth: %s has %d queries, want %d", what, len(row), nq)
		}
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("attrib: Truth: %s holds %v", what, v)
			}
		}
		return nil
	}
	for s, row := range t.Base {
		if err := finite(row, fmt.Sprintf("base row %d", s)); err != nil {
			return err
		}
	}
	if len(t.Removed) == 0 || len(t.Values) != len(t.Removed) || len(t.Done) != len(t.Removed) {
		return fmt.Errorf("attrib: Truth has %d removal sets, %d value blocks and %d marks", len(t.Removed), len(t.Values), len(t.Done))
	}
	for m, rm := range t.Removed {
		if len(rm) == 0 || !t.Done[m] || len(t.Values[m]) != t.Seeds {
			return fmt.Errorf("attrib: Truth: removal set %d is empty, unfinished or has %d seeds", m, len(t.Values[m]))
		}
		seen := make(map[int]bool, len(rm))
		for _, i := range rm {
			if i < 0 || (n > 0 && i >= n) || seen[i] {
				return fmt.Errorf("attrib: Truth: removal set %d holds sample %d (out of range or twice)", m, i)
			}
			seen[i] = true
		}
		for s, row := range t.Values[m] {
			if err := finite(row, fmt.Sprintf("removal set %d seed %d", m, s)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Changes returns the matrix of measured effects, entry (m, q) = Change(m, q).
func (t *Truth) Changes() *mat.Dense {
	out := mat.NewDense(len(t.Removed), t.Queries(), nil)
	for m := range t.Removed {
		for q := range t.Queries() {
			out.Set(m, q, t.Change(m, q))
		}
	}
	return out
}

// ExactTruth returns a Truth whose effects are known exactly (a closed
// form): removal set m changes query q by change(m, q). It has one seed and
// a zero base, and is complete.
func ExactTruth(removed [][]int, change mat.Matrix) (*Truth, error) {
	r, c := change.Dims()
	if r != len(removed) || c < 1 {
		return nil, fmt.Errorf("attrib: ExactTruth: %d×%d changes for %d removal sets", r, c, len(removed))
	}
	t := &Truth{Seeds: 1, Base: [][]float64{make([]float64, c)}, Values: make([][][]float64, r), Done: make([]bool, r)}
	for m, rm := range removed {
		if len(rm) == 0 {
			return nil, fmt.Errorf("attrib: ExactTruth: removal set %d is empty", m)
		}
		t.Removed = append(t.Removed, append([]int(nil), rm...))
		t.Values[m] = [][]float64{mat.Row(nil, m, change)}
		t.Done[m] = true
	}
	return t, nil
}

// Slice returns the truth of removal sets lo to hi-1 (sharing Base and the
// values with t), for a run that retrained several kinds of sets at once.
func (t *Truth) Slice(lo, hi int) *Truth {
	return &Truth{Removed: t.Removed[lo:hi:hi], Seeds: t.Seeds, Base: t.Base, Values: t.Values[lo:hi:hi], Done: t.Done[lo:hi:hi]}
}

// LeaveOneOut returns the removal sets {0}, {1}, …, {n-1}.
func LeaveOneOut(n int) [][]int {
	r := make([][]int, n)
	for i := range r {
		r[i] = []int{i}
	}
	return r
}

// RandomSubsets returns m removal sets for an LDS: each keeps a subset of
// round(frac·n) training samples drawn uniformly without replacement and
// removes the others (sorted), from a PCG generator seeded with seed.
// frac must lie in (0, 1) and keep and remove at least one sample.
func RandomSubsets(n int, frac float64, m int, seed uint64) ([][]int, error) {
	keep := int(math.Round(frac * float64(n)))
	if !(frac > 0 && frac < 1) || keep < 1 || keep >= n || m < 1 {
		return nil, fmt.Errorf("attrib: RandomSubsets(n=%d, frac=%v, m=%d): need 0 < frac < 1 keeping and removing at least one sample, m ≥ 1", n, frac, m)
	}
	rng := rand.New(rand.NewPCG(seed, seeds.SplitMix(seed)))
	out := make([][]int, m)
	for k := range out {
		perm := rng.Perm(n)
		rm := perm[keep:]
		sort.Ints(rm)
		out[k] = rm
	}
	return out, nil
}

// Run retrains the model without each removal set (and on all samples) and
// returns the query values.
func (r Retrain) Run(ctx context.Context, train susc.Model, q Query, removed [][]int) (*Truth, error) {
	if err := r.validate(train, q, removed); err != nil {
		return nil, err
	}
	ns := max(r.Seeds, 1)
	nq := q.Len()
	t := &Truth{Seeds: ns, Base: make([][]float64, ns), Values: make([][][]float64, len(removed)), Done: make([]bool, len(removed))}
	t.Removed = make([][]int, len(removed))
	for m, rm := range removed {
		t.Removed[m] = append([]int(nil), rm...)
		t.Values[m] = make([][]float64, ns)
	}
	// Job j: removal set j/ns - 1 (-1: all samples), seed j % ns.
	total := (len(removed) + 1) * ns
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, total)
	var (
		mu      sync.Mutex
		next    int
		done    int
		left    = make([]int, len(removed)) // seeds still running per set
		firstEr error
	)
	for m := range left {
		left[m] = ns
	}
	idx := q.indices()
	var wg sync.WaitGroup
	for range workers {
		tm, err := susc.Replicate(train)
		if err != nil {
			return nil, err
		}
		qm := tm
		if q.Model != train {
			if qm, err = susc.Replicate(q.Model); err != nil {
				return nil, err
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := newSubset(tm)
			for {
				mu.Lock()
				j := next
				next++
				stop := firstEr != nil
				mu.Unlock()
				if j >= total || stop || ctx.Err() != nil {
					return
				}
				m, s := j/ns-1, j%ns
				var rm []int
				if m >= 0 {
					rm = removed[m]
				}
				vals := make([]float64, nq)
				err := r.one(sub, qm, idx, rm, seedFor(r.Seed, s), vals)
				mu.Lock()
				if err != nil {
					if firstEr == nil {
						firstEr = fmt.Errorf("attrib: retraining %d (removal set %d, seed %d): %w", j, m, s, err)
					}
					mu.Unlock()
					return
				}
				if m < 0 {
					t.Base[s] = vals
				} else {
					t.Values[m][s] = vals
					if left[m]--; left[m] == 0 {
						t.Done[m] = true
					}
				}
				done++
				if r.Progress != nil {
					r.Progress(done, total)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstEr != nil {
		return t, firstEr
	}
	if err := ctx.Err(); err != nil {
		return t, err
	}
	return t, nil
}

// one trains on all samples but rm (sorted or not) and writes the query values.
func (r Retrain) one(sub *subset, qm susc.Model, idx, rm []int, seed uint64, vals []float64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	sub.set(rm)
	cfg := r.Train
	cfg.Seed = seed
	w0 := r.W0
	if r.Init != nil {
		w0 = r.Init(initRand(seed))
		if len(w0) != sub.Dim() {
			return fmt.Errorf("Init returned %d weights for %d parameters", len(w0), sub.Dim())
		}
	}
	w, _ := toy.Train(sub, w0, cfg)
	qm.(susc.PointLosser).PointLosses(vals, w, idx)
	for q, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("query %d is %v after training (diverged?)", q, v)
		}
	}
	return nil
}

// seedFor returns the seed of run s: Derive(seed, s).
func seedFor(seed uint64, s int) uint64 { return seeds.Derive(seed, uint64(s)) }

// initRand returns the generator of a cold start's initialization for the
// run seeded with seed.
func initRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seeds.SplitMix(seed^0x1417)))
}

func (r Retrain) validate(train susc.Model, q Query, removed [][]int) error {
	if train == nil {
		return errors.New("attrib: nil training model")
	}
	d, n := train.Dim(), train.NumData()
	if err := q.validate(d); err != nil {
		return err
	}
	switch {
	case (r.W0 == nil) == (r.Init == nil):
		return errors.New("attrib: Retrain needs exactly one of W0 (warm start) and Init (cold start)")
	case r.W0 != nil:
		if err := checkTrain(train, r.W0); err != nil {
			return err
		}
	}
	if r.Seeds < 0 {
		return fmt.Errorf("attrib: Retrain.Seeds = %d", r.Seeds)
	}
	if r.Train.Steps < 0 || r.Train.BatchSize < 0 || !(r.Train.LR >= 0) || math.IsInf(r.Train.LR, 0) || r.Train.WeightDecay < 0 {
		return errors.New("attrib: Retrain.Train: negative Steps, BatchSize, LR or WeightDecay")
	}
	if len(removed) == 0 {
		return errors.New("attrib: no removal sets")
	}
	seen := make([]int, n)
	for m, rm := range removed {
		if len(rm) == 0 || len(rm) >= n {
			return fmt.Errorf("attrib: removal set %d removes %d of %d samples (want 1 to n-1)", m, len(rm), n)
		}
		for _, i := range rm {
			if i < 0 || i >= n {
				return fmt.Errorf("attrib: removal set %d: sample %d out of range [0, %d)", m, i, n)
			}
			if seen[i] == m+1 {
				return fmt.Errorf("attrib: removal set %d lists sample %d twice", m, i)
			}
			seen[i] = m + 1
		}
	}
	return nil
}

// subset is a model restricted to the samples it keeps: its sample k is
// sample keep[k] of the underlying model, and a nil batch means all kept
// samples. Its scratch (the mapped batch) belongs to one goroutine.
type subset struct {
	m       susc.Model
	keep    []int
	scratch []int
	mark    []bool
}

func newSubset(m susc.Model) *subset {
	n := m.NumData()
	return &subset{m: m, keep: make([]int, 0, n), scratch: make([]int, 0, n), mark: make([]bool, n)}
}

// set keeps every sample but those in rm.
func (s *subset) set(rm []int) {
	for _, i := range rm {
		s.mark[i] = true
	}
	s.keep = s.keep[:0]
	for i := range s.mark {
		if !s.mark[i] {
			s.keep = append(s.keep, i)
		}
	}
	for _, i := range rm {
		s.mark[i] = false
	}
}

func (s *subset) Dim() int     { return s.m.Dim() }
func (s *subset) NumData() int { return len(s.keep) }
func (s *subset) LossGrad(grad, w []float64, batch []int) float64 {
	if batch == nil {
		return s.m.LossGrad(grad, w, s.keep)
	}
	s.scratch = s.scratch[:0]
	for _, b := range batch {
		s.scratch = append(s.scratch, s.keep[b])
	}
	return s.m.LossGrad(grad, w, s.scratch)
}
