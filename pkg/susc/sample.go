package susc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Run configures the multi-chain driver. The zero value of every field but
// Draws is a documented default.
type Run struct {
	// Chains is the number of independent chains. Zero means 4.
	Chains int
	// Draws is the number of draws kept per chain. Required, > 0.
	Draws int
	// BurnIn is the number of initial steps discarded per chain.
	BurnIn int
	// Thin is the number of steps between draws. Zero means 1.
	Thin int
	// BatchSize is the minibatch size |B|; zero means full batch. Batches are
	// consecutive slices of a per-chain random permutation of the samples,
	// reshuffled (seeded) whenever it runs out.
	BatchSize int
	// Workers bounds the goroutines running chains. Zero means GOMAXPROCS.
	// Results do not depend on it.
	Workers int
	// Seed seeds everything: chain c draws its noise and its batch order from
	// streams derived from (Seed, c) alone.
	Seed uint64
	// Batches splits each chain's draws into that many consecutive batches,
	// each with its own accumulator, for batch-means standard errors. Zero
	// means 1 (standard errors from the spread between chains only).
	Batches int
	// KeepTrace keeps every draw of every coordinate (memory grows with
	// Draws); needed for trace plots, running means and ESS.
	KeepTrace bool
	// MALA computes, at each draw, the Metropolis-adjusted acceptance
	// probability of the step that produced it (two extra full-batch
	// gradients per draw).
	MALA bool
	// Progress, if not nil, is called from one goroutine about every 200 ms
	// and once at the end with the number of steps done and the total.
	Progress func(done, total int)
}

func (r *Run) withDefaults() Run {
	d := *r
	if d.Chains == 0 {
		d.Chains = 4
	}
	if d.Thin == 0 {
		d.Thin = 1
	}
	if d.Workers == 0 {
		d.Workers = runtime.GOMAXPROCS(0)
	}
	if d.Batches == 0 {
		d.Batches = 1
	}
	return d
}

func (r *Run) validate(n int) error {
	switch {
	case r.Chains < 1:
		return fmt.Errorf("susc: Run.Chains = %d, want ≥ 1", r.Chains)
	case r.Draws < 1:
		return fmt.Errorf("susc: Run.Draws = %d, want ≥ 1 (it has no default)", r.Draws)
	case r.BurnIn < 0:
		return fmt.Errorf("susc: Run.BurnIn = %d, want ≥ 0", r.BurnIn)
	case r.Thin < 1:
		return fmt.Errorf("susc: Run.Thin = %d, want ≥ 1", r.Thin)
	case r.BatchSize < 0 || r.BatchSize > n:
		return fmt.Errorf("susc: Run.BatchSize = %d, want 0 (full batch) to n = %d", r.BatchSize, n)
	case r.Workers < 1:
		return fmt.Errorf("susc: Run.Workers = %d, want ≥ 1", r.Workers)
	case r.Batches < 1 || r.Batches > r.Draws:
		return fmt.Errorf("susc: Run.Batches = %d, want 1 to Draws = %d", r.Batches, r.Draws)
	}
	return nil
}

// DivergenceError reports a chain stopped because the loss became NaN or
// infinite. The chain's draws up to that point are kept in the Result.
type DivergenceError struct {
	Chain int     // chain index
	Step  int     // step (counting burn-in, from 0) at which the loss was not finite
	Loss  float64 // the offending loss
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("susc: chain %d diverged at step %d (loss %v); lower ε or raise γ", e.Chain, e.Step, e.Loss)
}

// Sample runs r.Chains chains of kernel k on the posterior p of model m,
// all starting at p.Center, and accumulates the streaming moments of the
// built-in coordinate "loss" = L_n(w) followed by the observables obs.
//
// Invalid input is reported before any work. If a chain diverges it stops
// with a *DivergenceError and the others go on; if ctx is cancelled every
// chain stops. In both cases Sample returns the partial Result with the
// error (errors.Join of the chain errors, or ctx.Err()).
func Sample(ctx context.Context, m Model, p Posterior, k Kernel, r Run, obs ...Observable) (*Result, error) {
	if m == nil {
		return nil, errors.New("susc: nil model")
	}
	if k == nil {
		return nil, errors.New("susc: nil kernel")
	}
	d, n := m.Dim(), m.NumData()
	if d < 1 {
		return nil, fmt.Errorf("susc: model dimension %d, want ≥ 1", d)
	}
	if n < 1 {
		return nil, errors.New("susc: model has no data (NumData() = 0)")
	}
	if err := p.Validate(d); err != nil {
		return nil, err
	}
	p.Center = append([]float64(nil), p.Center...)
	run := r.withDefaults()
	if err := run.validate(n); err != nil {
		return nil, err
	}
	if _, err := k.Init(&p, p.Center); err != nil {
		return nil, err
	}
	res := &Result{
		NBeta: p.NBeta, Gamma: p.Gamma, PriorOnly: p.PriorOnly,
		Dim: d, NumData: n, Center: p.Center,
		Settings: Settings{Chains: run.Chains, Draws: run.Draws, BurnIn: run.BurnIn, Thin: run.Thin,
			BatchSize: run.BatchSize, Seed: run.Seed, Batches: run.Batches},
	}
	res.Observables = []ObservableInfo{{Name: LossName, Offset: 0, Dim: 1}}
	off := 1
	seen := map[string]bool{LossName: true}
	for _, o := range obs {
		if o == nil {
			return nil, errors.New("susc: nil observable")
		}
		if seen[o.Name()] {
			return nil, fmt.Errorf("susc: observable name %q used twice (%q is built in)", o.Name(), LossName)
		}
		seen[o.Name()] = true
		if b, ok := o.(interface{ bind(Model) error }); ok {
			if err := b.bind(m); err != nil {
				return nil, err
			}
		}
		if o.Dim() < 1 {
			return nil, fmt.Errorf("susc: observable %q has dimension %d", o.Name(), o.Dim())
		}
		info := ObservableInfo{Name: o.Name(), Offset: off, Dim: o.Dim()}
		if s, ok := o.(Sampled); ok {
			info.Samples = append([]int(nil), s.Samples()...)
		}
		res.Observables = append(res.Observables, info)
		off += o.Dim()
	}
	res.D = off
	res.LossAtCenter = m.LossGrad(nil, p.Center, nil)
	if math.IsNaN(res.LossAtCenter) || math.IsInf(res.LossAtCenter, 0) {
		return nil, fmt.Errorf("susc: loss at the centre w* is %v", res.LossAtCenter)
	}

	res.Chains = make([]Chain, run.Chains)
	errs := make([]error, run.Chains)
	total := run.Chains * (run.BurnIn + run.Draws*run.Thin)
	var done atomic.Int64
	stopProgress := startProgress(run.Progress, &done, total)

	jobs := make(chan int)
	var wg sync.WaitGroup
	workers := min(run.Workers, run.Chains)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				errs[c] = runChain(ctx, c, m, &p, k, &run, obs, res, &done)
			}
		}()
	}
	for c := range run.Chains {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	stopProgress()

	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, errors.Join(errs...)
}

func startProgress(f func(done, total int), done *atomic.Int64, total int) (stop func()) {
	if f == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f(int(done.Load()), total)
			case <-quit:
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
		f(int(done.Load()), total)
	}
}

// chainRand returns the random stream number stream of chain c.
func chainRand(seed uint64, c, stream int) *rand.Rand {
	a := splitmix(seed ^ splitmix(uint64(c)*2+uint64(stream)+0x9e3779b97f4a7c15))
	return rand.New(rand.NewPCG(a, splitmix(a)))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// batcher hands out minibatches from a seeded permutation without allocating.
type batcher struct {
	perm []int
	pos  int
	size int
	rng  *rand.Rand
}

func newBatcher(n, size int, rng *rand.Rand) *batcher {
	if size == 0 {
		return nil
	}
	b := &batcher{perm: make([]int, n), size: size, rng: rng, pos: n}
	for i := range b.perm {
		b.perm[i] = i
	}
	return b
}

func (b *batcher) next() []int {
	if b == nil {
		return nil
	}
	if b.pos+b.size > len(b.perm) {
		b.rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
		b.pos = 0
	}
	batch := b.perm[b.pos : b.pos+b.size]
	b.pos += b.size
	return batch
}

func runChain(ctx context.Context, c int, m Model, p *Posterior, k Kernel, run *Run, obs []Observable, res *Result, done *atomic.Int64) error {
	m = replicate(m)
	local := make([]Observable, len(obs))
	for i, o := range obs {
		local[i] = o
		if r, ok := o.(ObservableReplicator); ok {
			local[i] = r.Replicate()
		}
	}
	ch := &res.Chains[c]
	ch.Units = make([]*Moments, run.Batches)
	for i := range ch.Units {
		ch.Units[i] = NewMoments(res.D)
	}
	// Large accumulators buffer draws for rank-k updates: bring M up to date
	// on every way out, so that a Result is complete and read-only.
	defer func() {
		for _, u := range ch.Units {
			u.Flush()
		}
	}()
	if run.KeepTrace {
		ch.Trace = make([]float64, 0, run.Draws*res.D)
	}
	s, err := k.Init(p, p.Center)
	if err != nil {
		return err
	}
	noise := chainRand(run.Seed, c, 0)
	batches := newBatcher(m.NumData(), run.BatchSize, chainRand(run.Seed, c, 1))
	x := make([]float64, res.D)
	var mala *malaScratch
	if run.MALA {
		mala = newMALAScratch(len(s.W))
	}
	fail := func(step int, loss float64) error {
		e := &DivergenceError{Chain: c, Step: step, Loss: loss}
		ch.Err = e.Error()
		return e
	}
	const tick = 256
	pending := 0
	steps := run.BurnIn + run.Draws*run.Thin
	// The steps between draws run in a tight loop: no draw test per step, the
	// step count kept in a register (stored to ch.Steps on the way out, so no
	// shared cache line is written per step). Draw steps, cancellation checks
	// (every tick steps) and progress updates happen at the same steps as in
	// a plain loop with a per-step test.
	taken := 0
	defer func() { ch.Steps = taken }()
	nextDraw := run.BurnIn + run.Thin - 1 // draw steps: nextDraw, nextDraw + Thin, ..., steps-1
	var batch []int
	runner, _ := k.(stepRunner)
	for step := 0; step < steps; {
		if step%tick == 0 {
			if ctx.Err() != nil {
				ch.Err = ctx.Err().Error()
				done.Add(int64(pending))
				return nil
			}
			done.Add(int64(pending))
			pending = 0
		}
		if step != nextDraw {
			end := min(nextDraw, step-step%tick+tick)
			if runner != nil {
				n, loss := runner.steps(s, m, batches, noise, end-step)
				taken += n
				pending += n
				step += n
				if math.IsNaN(loss) || math.IsInf(loss, 0) {
					done.Add(int64(pending))
					return fail(step-1, loss)
				}
				continue
			}
			for ; step < end; step++ {
				if batches != nil {
					batch = batches.next()
				}
				info := k.Step(s, m, batch, noise)
				taken++
				pending++
				if math.IsNaN(info.Loss) || math.IsInf(info.Loss, 0) {
					done.Add(int64(pending))
					return fail(step, info.Loss)
				}
			}
			continue
		}
		nextDraw += run.Thin
		if mala != nil {
			copy(mala.prev, s.W)
		}
		if batches != nil {
			batch = batches.next()
		}
		info := k.Step(s, m, batch, noise)
		taken++
		pending++
		if math.IsNaN(info.Loss) || math.IsInf(info.Loss, 0) {
			done.Add(int64(pending))
			return fail(step, info.Loss)
		}
		step++
		x[0] = m.LossGrad(nil, s.W, nil)
		if math.IsNaN(x[0]) || math.IsInf(x[0], 0) {
			done.Add(int64(pending))
			return fail(step-1, x[0])
		}
		off := 1
		for _, o := range local {
			o.Observe(x[off:off+o.Dim()], s.W, m)
			off += o.Dim()
		}
		for j, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				done.Add(int64(pending))
				e := fmt.Errorf("susc: chain %d: observable %s is %v at step %d", c, res.coordLabel(j), v, step-1)
				ch.Err = e.Error()
				return e
			}
		}
		draw := ch.Draws
		ch.Units[draw*run.Batches/run.Draws].Add(x)
		if run.KeepTrace {
			ch.Trace = append(ch.Trace, x...)
		}
		if mala != nil {
			a := mala.acceptance(s, m)
			ch.MALASum += a
			ch.MALACount++
			if run.KeepTrace {
				ch.MALATrace = append(ch.MALATrace, a)
			}
		}
		ch.Draws++
	}
	done.Add(int64(pending))
	return nil
}
