package susc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"susclab/internal/seeds"
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
	// BatchBlock, if > 1, draws minibatches as whole blocks of BatchBlock
	// consecutive sample indices (the permutation is over blocks): for a
	// sequence model whose samples are the tokens of windows, blocks of one
	// window make a step cost O(tokens in the batch). NumData and BatchSize
	// must be multiples of it. Zero or 1 means single samples.
	BatchBlock int
	// LossSubset, if not nil, is the fixed set of samples on which the
	// built-in coordinate "loss" (and L_n(w*)) is evaluated at every draw,
	// in place of all n: for models whose full loss is too costly per draw.
	// Estimators built on it (the LLC, structural susceptibilities) then
	// use L_S, the mean loss on the subset (docs/theory.md §2.4).
	LossSubset []int
	// Workers bounds the goroutines running chains. Zero means GOMAXPROCS.
	// Results do not depend on it.
	Workers int
	// Seed seeds everything: chain c draws its noise and its batch order from
	// streams derived from (Seed, c) alone.
	Seed uint64
	// BatchSeed, if not zero, seeds the minibatch order in place of Seed, so
	// that runs with different Seeds (a structural estimator's restricted
	// and full chains) share their batches: common random numbers.
	BatchSeed uint64
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
	// MaxTraceBytes caps the memory KeepTrace may ask for (8 bytes per
	// coordinate per draw per chain, plus the MALA trace and the four
	// per-draw records of Chain.DistTrace and its siblings); a larger
	// request is an error before any work. Zero means 1 GiB.
	MaxTraceBytes int64
	// PointStats accumulates, at each draw and for every sample i, the
	// streaming mean and variance of l_i(w) and the log of the mean of
	// exp(-l_i(w)) over the draws of each unit (Chain.PointMean, PointM2,
	// PointLogMeanExp): what the functional variance and WAIC need
	// (docs/theory.md §8.6), in O(n) memory per unit instead of the n × n
	// co-moments of PointLosses. The model must be a PointLosser; each draw
	// costs one PointLosses call on all n samples and one exponential per
	// sample.
	PointStats bool
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
	if d.MaxTraceBytes == 0 {
		d.MaxTraceBytes = 1 << 30
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
	case r.BatchBlock < 0:
		return fmt.Errorf("susc: Run.BatchBlock = %d, want ≥ 0", r.BatchBlock)
	case r.BatchBlock > 1 && (n%r.BatchBlock != 0 || r.BatchSize%r.BatchBlock != 0):
		return fmt.Errorf("susc: Run.BatchBlock = %d must divide NumData = %d and BatchSize = %d", r.BatchBlock, n, r.BatchSize)
	case r.LossSubset != nil && len(r.LossSubset) == 0:
		return errors.New("susc: Run.LossSubset is empty (nil means all samples)")
	case r.Workers < 1:
		return fmt.Errorf("susc: Run.Workers = %d, want ≥ 1", r.Workers)
	case r.Batches < 1 || r.Batches > r.Draws:
		return fmt.Errorf("susc: Run.Batches = %d, want 1 to Draws = %d", r.Batches, r.Draws)
	case r.MaxTraceBytes < 0:
		return fmt.Errorf("susc: Run.MaxTraceBytes = %d, want ≥ 0", r.MaxTraceBytes)
	case r.Draws > (math.MaxInt-r.BurnIn)/r.Thin:
		return fmt.Errorf("susc: BurnIn + Draws·Thin = %d + %d·%d overflows", r.BurnIn, r.Draws, r.Thin)
	case r.BurnIn+r.Draws*r.Thin > math.MaxInt/r.Chains:
		return fmt.Errorf("susc: Chains·(BurnIn + Draws·Thin) = %d·%d overflows", r.Chains, r.BurnIn+r.Draws*r.Thin)
	}
	return nil
}

// checkTrace reports an error if KeepTrace would ask for more than
// MaxTraceBytes for draw vectors of length dim.
func (r *Run) checkTrace(dim int) error {
	if !r.KeepTrace {
		return nil
	}
	per := int64(dim) + 4 // floats per draw per chain: the draw vector, the distance and the step's three norms
	if r.MALA {
		per++
	}
	limit := r.MaxTraceBytes / 8
	if int64(r.Chains) > limit/per || int64(r.Draws) > limit/per/int64(r.Chains) {
		return fmt.Errorf("susc: KeepTrace needs %d chains × %d draws × %d values × 8 bytes, more than Run.MaxTraceBytes = %d; lower Draws or raise MaxTraceBytes",
			r.Chains, r.Draws, per, r.MaxTraceBytes)
	}
	return nil
}

// DivergenceError reports a chain stopped because the loss became NaN or
// infinite. The chain's draws up to that point are kept in the Result (and
// left out of the estimators unless Result.IncludeDiverged is set).
type DivergenceError struct {
	Chain int // chain index
	// Step is the number of steps the chain had taken (burn-in included)
	// when a non-finite loss was seen: the position reached by step number
	// Step, counting from 1, has a non-finite loss (docs/theory.md §2.6).
	Step int
	Loss float64 // the offending loss
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("susc: chain %d diverged at step %d (loss %v); lower ε or raise γ", e.Chain, e.Step, e.Loss)
}

// ChainPanicError reports a chain stopped by a panic in code it called (the
// model, an observable, the kernel): usually a bug or an input that could
// not be checked in advance. The chain's draws up to that point are kept.
type ChainPanicError struct {
	Chain int // chain index
	// Step is the number of steps taken when the panic happened, or, in
	// the stretch of steps between two looks at the context (about a
	// millisecond), the count at the start of that stretch.
	Step  int
	Value any // the value passed to panic
	Stack string
}

// Unwrap returns the panic's value if it is an error, so that errors.Is
// and errors.As see through the panic.
func (e *ChainPanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

func (e *ChainPanicError) Error() string {
	return fmt.Sprintf("susc: chain %d panicked after %d steps: %v", e.Chain, e.Step, e.Value)
}

// Sample runs r.Chains chains of kernel k on the posterior p of model m,
// all starting at p.Center, and accumulates the streaming moments of the
// built-in coordinate "loss" = L_n(w) followed by the observables obs.
//
// Invalid input is reported before any work. If a chain diverges it stops
// with a *DivergenceError, and if code it calls panics it stops with a
// *ChainPanicError; the other chains go on. If ctx is cancelled every chain
// stops within a few steps. In all these cases Sample returns the partial
// Result with the errors.Join of the chains' errors and the context's.
func Sample(ctx context.Context, m Model, p Posterior, k Kernel, r Run, obs ...Observable) (*Result, error) {
	if m == nil || isNil(reflect.ValueOf(m)) {
		return nil, errors.New("susc: nil model")
	}
	if k == nil || isNil(reflect.ValueOf(k)) {
		return nil, errors.New("susc: nil kernel")
	}
	if _, err := Replicate(m); err != nil {
		return nil, err
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
	s, err := k.Init(&p, p.Center)
	if err != nil {
		return nil, err
	}
	if _, ok := s.(langevin); run.MALA && !ok {
		return nil, fmt.Errorf("susc: Run.MALA needs a Langevin kernel; %T has no Langevin proposal", k)
	}
	res := &Result{
		NBeta: p.NBeta, Gamma: p.Gamma, PriorOnly: p.PriorOnly, WeightDecay: p.WeightDecay,
		ModelDim: d, NumData: n, Center: p.Center,
		Kernel: kernelSettings(k),
		Settings: Settings{Chains: run.Chains, Draws: run.Draws, BurnIn: run.BurnIn, Thin: run.Thin,
			BatchSize: run.BatchSize, BatchBlock: run.BatchBlock, Seed: run.Seed, BatchSeed: run.BatchSeed, Batches: run.Batches},
	}
	if _, ok := m.(PointLosser); run.PointStats && !ok {
		return nil, fmt.Errorf("susc: Run.PointStats needs per-sample losses but the model %T is not a PointLosser", m)
	}
	bound, err := bindObservables(res, m, obs)
	if err != nil {
		return nil, err
	}
	if err := run.checkTrace(res.DrawDim); err != nil {
		return nil, err
	}
	for _, i := range run.LossSubset {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("susc: Run.LossSubset: sample %d out of range [0, %d)", i, n)
		}
	}
	run.LossSubset = append([]int(nil), run.LossSubset...)
	res.Settings.LossSubset = run.LossSubset
	res.LossAtCenter = m.LossGrad(nil, p.Center, run.LossSubset)
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
				errs[c] = runChain(ctx, c, m, &p, k, &run, bound, res, &done)
			}
		}()
	}
	for c := range run.Chains {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	stopProgress()
	return res, errors.Join(append(errs, ctx.Err())...)
}

// bindObservables checks the observables against m, fills in the draw
// vector's layout and returns per-call copies (so one Observable value can
// serve concurrent Sample calls on different models).
func bindObservables(res *Result, m Model, obs []Observable) ([]Observable, error) {
	res.Observables = []ObservableInfo{{Name: LossName, Offset: 0, Dim: 1}}
	off := 1
	seen := map[string]bool{LossName: true}
	bound := make([]Observable, len(obs))
	for i, o := range obs {
		if o == nil || isNil(reflect.ValueOf(o)) {
			return nil, errors.New("susc: nil observable")
		}
		if seen[o.Name()] {
			return nil, fmt.Errorf("susc: observable name %q used twice (%q is built in)", o.Name(), LossName)
		}
		seen[o.Name()] = true
		b := o
		if bo, ok := o.(binder); ok {
			var err error
			if b, err = bo.bind(m); err != nil {
				return nil, err
			}
		}
		if b.Dim() < 1 {
			return nil, fmt.Errorf("susc: observable %q has dimension %d", b.Name(), b.Dim())
		}
		info := ObservableInfo{Name: b.Name(), Offset: off, Dim: b.Dim()}
		if s, ok := b.(sampled); ok {
			info.Samples = append([]int(nil), s.samples()...)
		}
		res.Observables = append(res.Observables, info)
		off += b.Dim()
		bound[i] = b
	}
	res.DrawDim = off
	return bound, nil
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
	return rand.New(seeds.PCG(seed, uint64(c)*2+uint64(stream)+0x9e3779b97f4a7c15))
}

// batcher hands out minibatches from a seeded permutation without allocating.
// With blocks of size > 1 it permutes blocks and writes their samples into
// out.
type batcher struct {
	perm  []int
	pos   int
	size  int // in permutation entries: samples, or blocks
	block int
	out   []int
	rng   *rand.Rand
}

func newBatcher(n, size, block int, rng *rand.Rand) *batcher {
	if size == 0 {
		return nil
	}
	block = max(block, 1)
	b := &batcher{perm: make([]int, n/block), size: size / block, block: block, rng: rng, pos: n / block}
	for i := range b.perm {
		b.perm[i] = i
	}
	if block > 1 {
		b.out = make([]int, size)
	}
	return b
}

// next returns the next minibatch; a nil batcher gives nil (full batch).
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
	if b.block == 1 {
		return batch
	}
	k := 0
	for _, blk := range batch {
		for i := blk * b.block; i < (blk+1)*b.block; i++ {
			b.out[k] = i
			k++
		}
	}
	return b.out
}

// advance takes up to n steps of s and returns how many it took and the
// batch loss of the last; it stops after a step whose loss is not finite.
// It is the driver's one way of stepping between draws: states that can
// take many steps in one call (multiStepper) do, the others step one by one.
func advance(s State, m Model, b *batcher, rng *rand.Rand, n int) (int, float64) {
	if f, ok := s.(multiStepper); ok {
		return f.steps(m, b, rng, n)
	}
	loss := 0.0
	for t := range n {
		loss = s.Step(m, b.next(), rng).Loss
		if !finite(loss) {
			return t + 1, loss
		}
	}
	return n, loss
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkInterval is the wall-clock time between two looks at the context:
// the chain takes as many steps between looks as fit in it (at least one),
// so a cancel costs at most about one step on a slow model and the look
// costs nothing noticeable on a fast one.
const checkInterval = time.Millisecond

// nonFiniteError is a chain stopped by a value that is not a number: an
// observable's, or a co-moment that overflowed. Like a divergence, the
// chain is left out of the estimators (Chain.Diverged).
type nonFiniteError struct{ msg string }

func (e *nonFiniteError) Error() string { return e.msg }

// checkOverflow reports co-moments that overflowed (an observable of order
// 1e155 or more has squares beyond float64): the estimators would be
// infinite, so the chain fails here, where the cause can be named.
func checkOverflow(c int, res *Result, units []*Moments) error {
	d := res.DrawDim
	for _, u := range units {
		for i := range d {
			for j := i; j < d; j++ {
				if v := u.M[i*d+j]; !finite(v) {
					return &nonFiniteError{fmt.Sprintf("susc: chain %d: the co-moment of %s and %s is %v (values too large for float64; rescale the observable)",
						c, res.coordLabel(i), res.coordLabel(j), v)}
				}
			}
		}
	}
	return nil
}

// drawScratch is what record needs besides the chain: the draw vector's
// scratch, the per-sample accumulator (nil without Run.PointStats) and the
// centre w* for the distance.
type drawScratch struct {
	x      []float64
	points *pointAcc
	center []float64
}

// record evaluates the draw vector at w (the full-batch loss, then the
// observables into the scratch) after pos steps and adds it to chain ch,
// with the distance ||w - w*||, the norms of the step's terms (info, if rec)
// and the per-sample statistics. Nothing is added unless every value is
// finite.
func record(ch *Chain, run *Run, res *Result, c, pos int, w []float64, m Model, obs []Observable, sc *drawScratch, info Info, rec bool) error {
	x := sc.x
	x[0] = m.LossGrad(nil, w, run.LossSubset)
	if !finite(x[0]) {
		return &DivergenceError{Chain: c, Step: pos, Loss: x[0]}
	}
	off := 1
	full, haveFull := 0.0, false // L_n(w), for the observables that need it
	for _, o := range obs {
		dim := o.Dim()
		dst := x[off : off+dim : off+dim]
		for i := range dst {
			dst[i] = nan // a value Observe does not write stays NaN and is reported
		}
		if lu, ok := o.(lossUser); ok {
			if !haveFull {
				full, haveFull = x[0], true
				if run.LossSubset != nil {
					full = m.LossGrad(nil, w, nil)
				}
			}
			lu.observeWithLoss(dst, w, m, full)
		} else {
			o.Observe(dst, w, m)
		}
		off += dim
	}
	for j, v := range x {
		if !finite(v) {
			return &nonFiniteError{fmt.Sprintf("susc: chain %d: observable %s is %v after %d steps (not finite, or not written by Observe)", c, res.coordLabel(j), v, pos)}
		}
	}
	if sc.points != nil {
		if err := sc.points.eval(m, w, c, pos); err != nil {
			return err
		}
	}
	u := ch.Draws * run.Batches / run.Draws
	ch.Units[u].Add(x)
	if sc.points != nil {
		sc.points.add(ch, u)
	}
	var r2 float64
	for i, wc := range sc.center {
		d := w[i] - wc
		r2 += d * d
	}
	ch.DistSq += r2
	if rec {
		ch.DriftSq += info.Drift * info.Drift
		ch.LocalizationSq += info.Localization * info.Localization
		ch.NoiseSq += info.Noise * info.Noise
	}
	if run.KeepTrace {
		ch.Trace = append(ch.Trace, x...)
		ch.DistTrace = append(ch.DistTrace, math.Sqrt(r2))
		if rec {
			ch.DriftTrace = append(ch.DriftTrace, info.Drift)
			ch.LocalizationTrace = append(ch.LocalizationTrace, info.Localization)
			ch.NoiseTrace = append(ch.NoiseTrace, info.Noise)
		}
	}
	return nil
}

// runChain runs chain c into res.Chains[c].
func runChain(ctx context.Context, c int, m Model, p *Posterior, k Kernel, run *Run, obs []Observable, res *Result, done *atomic.Int64) (err error) {
	ch := &res.Chains[c]
	ch.Units = make([]*Moments, run.Batches)
	for i := range ch.Units {
		ch.Units[i] = NewMoments(res.DrawDim)
	}
	pos, pending := 0, 0 // steps taken; steps not yet reported to done
	defer func() {
		if v := recover(); v != nil {
			err = &ChainPanicError{Chain: c, Step: pos, Value: v, Stack: string(debug.Stack())}
		}
		// Large accumulators buffer draws for rank-k updates: bring M up to
		// date on every way out, so that a Result is complete and read-only.
		for _, u := range ch.Units {
			u.Flush()
		}
		if err == nil {
			err = checkOverflow(c, res, ch.Units)
		}
		ch.Steps = pos
		done.Add(int64(pending))
		if err != nil {
			ch.Err = err.Error()
			var de *DivergenceError
			var nf *nonFiniteError
			ch.Diverged = errors.As(err, &de) || errors.As(err, &nf)
		}
	}()
	m, err = Replicate(m)
	if err != nil {
		return err
	}
	local := make([]Observable, len(obs))
	for i, o := range obs {
		local[i] = o
		if r, ok := o.(ObservableReplicator); ok {
			if local[i] = r.Replicate(); local[i] == nil {
				return fmt.Errorf("susc: observable %q: Replicate returned nil", o.Name())
			}
		}
	}
	s, err := k.Init(p, p.Center)
	if err != nil {
		return err
	}
	rec, _ := s.(recorder)
	if run.KeepTrace {
		ch.Trace = make([]float64, 0, run.Draws*res.DrawDim)
		if run.MALA {
			ch.MALATrace = make([]float64, 0, run.Draws)
		}
		ch.DistTrace = make([]float64, 0, run.Draws)
		if rec != nil {
			ch.DriftTrace = make([]float64, 0, run.Draws)
			ch.LocalizationTrace = make([]float64, 0, run.Draws)
			ch.NoiseTrace = make([]float64, 0, run.Draws)
		}
	}
	sc := &drawScratch{x: make([]float64, res.DrawDim), center: p.Center}
	if run.PointStats {
		sc.points = newPointAcc(ch, run.Batches, m.NumData())
		defer sc.points.finish(ch)
	}
	noise := chainRand(run.Seed, c, 0)
	batchSeed := run.Seed
	if run.BatchSeed != 0 {
		batchSeed = run.BatchSeed
	}
	batches := newBatcher(m.NumData(), run.BatchSize, run.BatchBlock, chainRand(batchSeed, c, 1))
	var mala *malaScratch
	lv, _ := s.(langevin)
	if run.MALA {
		mala = newMALAScratch(m.Dim())
	}
	diverged := func(step int, loss float64) error {
		return &DivergenceError{Chain: c, Step: step, Loss: loss}
	}

	steps := run.BurnIn + run.Draws*run.Thin
	nextDraw := run.BurnIn + run.Thin - 1 // draw steps: nextDraw, nextDraw + Thin, ..., steps-1
	chunk, chunkEnd, chunkStart := 1, 0, time.Now()
	for pos < steps {
		if pos >= chunkEnd {
			if e := ctx.Err(); e != nil {
				ch.Err = e.Error()
				return nil // Sample reports ctx.Err() once
			}
			done.Add(int64(pending))
			pending = 0
			now := time.Now()
			if el := now.Sub(chunkStart); el < checkInterval/2 && chunk < 1<<20 {
				chunk *= 2
			} else if el > 2*checkInterval && chunk > 1 {
				chunk /= 2
			}
			chunkStart, chunkEnd = now, pos+chunk
		}
		if pos < nextDraw {
			n, loss := advance(s, m, batches, noise, min(nextDraw, chunkEnd)-pos)
			pos += n
			pending += n
			if !finite(loss) {
				return diverged(pos-1, loss)
			}
			continue
		}
		nextDraw += run.Thin
		if mala != nil {
			copy(mala.prev, s.Position())
		}
		var info Info
		if rec != nil {
			info = rec.stepRecorded(m, batches.next(), noise)
		} else {
			info = s.Step(m, batches.next(), noise)
		}
		if !finite(info.Loss) {
			return diverged(pos, info.Loss)
		}
		pos++
		pending++
		if err := record(ch, run, res, c, pos, s.Position(), m, local, sc, info, rec != nil); err != nil {
			return err
		}
		if mala != nil {
			a := mala.acceptance(lv, m)
			ch.MALASum += a
			ch.MALACount++
			if run.KeepTrace {
				ch.MALATrace = append(ch.MALATrace, a)
			}
		}
		ch.Draws++
	}
	return nil
}
