// Copyright ©2026 The susclab Authors.

package trajectory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"susclab/internal/seeds"
	"susclab/pkg/checkpoint"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// DistanceName is the observable that Spec.Distance adds: ||w - w*||², with
// w* the checkpoint.
const DistanceName = "dist2"

// Pair names two observables of the draw vector: (φ, ΔL) for a
// susceptibility matrix, (per-sample losses, φ) for a BIF.
type Pair struct {
	A string `json:"a"`
	B string `json:"b"`
}

// Spec says what to estimate at every checkpoint, and how to sample. The
// zero value of every field but Kernel and Run.Draws is a documented
// default (an LLC per checkpoint, nothing else).
type Spec struct {
	// Posterior gives nβ, γ and PriorOnly; its Center is ignored: every
	// checkpoint is sampled around its own parameters.
	Posterior susc.Posterior
	// Kernel is the sampler (required), the same at every checkpoint.
	Kernel susc.Kernel
	// Run is the one setting of every checkpoint's runs, except its Seed:
	// the checkpoint at step s uses seeds.Derive(Run.Seed, s), and
	// seeds.Derive(Run.BatchSeed, s) if BatchSeed is set. Run.Workers and
	// Run.Progress are ignored (see Workers and Progress).
	Run susc.Run
	// Observables are evaluated at every draw, after the built-in "loss".
	Observables []susc.Observable
	// Susceptibilities asks for Result.SusceptibilityMatrix(A, B) at every
	// checkpoint: observable A against the loss deltas B.
	Susceptibilities []Pair
	// BIFs asks for Result.BIF(A, B): per-sample losses A on scalar observable B.
	BIFs []Pair
	// Influence, if not "", names a per-sample loss observable
	// (susc.PointLosses) whose influence matrix is estimated.
	Influence string
	// Components and StructureX, if set, ask for the structural matrix of
	// the components against StructureX at every checkpoint
	// (docs/theory.md §5.2): one restricted run per component, with the
	// checkpoint's main run as the full chain.
	Components []structure.Component
	StructureX susc.Observable
	// Distance adds the observable DistanceName, ||w - w*||², so that each
	// Point reports how far the draws stray from the checkpoint.
	Distance bool
	// KeepResults keeps each checkpoint's main *susc.Result in its Point.
	KeepResults bool
	// Steps, if not nil, restricts the trajectory to these checkpoint steps
	// (each must be in the series).
	Steps []int
	// Workers bounds the goroutines sampling (0: GOMAXPROCS). Results do not
	// depend on it.
	Workers int
	// Progress, if not nil, is called about every 200 ms and once at the
	// end with the steps done and the total over the whole trajectory.
	Progress func(done, total int)
}

// Point holds the estimates at one checkpoint. An estimate that could not
// be formed (no draws, an estimator's error) is nil or NaN, and Err says why.
type Point struct {
	Step int
	// TrainLoss is the checkpoint's training loss, LossAtCenter the sampled
	// run's L_n(w*) (on Run.LossSubset if set).
	TrainLoss, LossAtCenter float64
	// GradNorm is ||∇L_n(w*)||, the gradient's norm at the checkpoint: near
	// zero at a critical point (a minimum, or a saddle on a plateau).
	GradNorm float64
	LLC      susc.LLC
	// Below is the fraction of draws whose loss is below L_n(w*), mean and
	// SE over chains: near 0 at a minimum, larger at a saddle the chains
	// escape. NaN unless Run.KeepTrace.
	Below susc.Estimate
	// Dist2 is E||w - w*||² (Spec.Distance; NaN otherwise).
	Dist2            susc.Estimate
	Susceptibilities []*susc.SusceptibilityMatrix // one per Spec.Susceptibilities
	BIFs             [][]susc.Estimate            // one per Spec.BIFs
	Influence        *susc.InfluenceMatrix
	Structure        *structure.Matrix
	Result           *susc.Result // Spec.KeepResults
	// Partial marks a checkpoint whose sampling was cancelled: its
	// estimates use the draws taken so far.
	Partial bool
	Err     string // errors of this checkpoint's runs and estimators ("" if none)
}

// Trajectory is the result of Sample: the settings, then one Point per
// checkpoint sampled, in order of step.
type Trajectory struct {
	Name             string // the series' name
	NBeta, Gamma     float64
	PriorOnly        bool
	Kernel           susc.KernelSettings
	Run              susc.Settings // Seed and BatchSeed are the trajectory's, before derivation
	Observables      []string
	Susceptibilities []Pair
	BIFs             []Pair
	InfluenceLosses  string
	Components       []string
	StructureX       string
	Points           []Point
}

// workerSplit returns how many checkpoints to sample at once and the
// workers of each, for w workers and c chains: whole chains per worker
// where possible, so that no worker waits for a checkpoint's last chain.
func workerSplit(w, c int) (groups, inner int) {
	groups = max(1, w/c)
	return groups, max(1, w/groups)
}

// Sample runs spec's estimators at every checkpoint of s (or at
// spec.Steps), each on the posterior centred at that checkpoint's
// parameters, and returns the trajectory of estimates.
//
// Checkpoints are sampled in parallel, several at a time when there are
// more workers than chains, and every checkpoint's chains in parallel; the
// result is bit-identical for any number of workers (each run's seeds are
// derived from Run.Seed and the checkpoint's step alone). Invalid input (a
// nil model or kernel, a series of the wrong dimension or with non-finite
// parameters, bad Run or Posterior fields, unknown observable names,
// components of the wrong length) is an error before any sampling. A run
// that diverges or an estimator that fails marks its Point (Err) and the
// trajectory goes on. If ctx is cancelled, Sample returns promptly with the
// checkpoints finished and those in progress (Partial), and an error
// wrapping ctx's. The error joins every checkpoint's error, each naming its
// step.
func Sample(ctx context.Context, m susc.Model, s *checkpoint.Series, spec Spec) (*Trajectory, error) {
	cks, err := validate(m, s, &spec)
	if err != nil {
		return nil, err
	}
	run := spec.Run
	if run.Chains == 0 {
		run.Chains = 4
	}
	workers := spec.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers < 0 {
		return nil, fmt.Errorf("trajectory: Workers = %d, want >= 0", workers)
	}
	obs := slices.Clone(spec.Observables)
	structX := -1 // index of StructureX in obs
	if spec.StructureX != nil {
		structX = slices.IndexFunc(obs, func(o susc.Observable) bool { return o.Name() == spec.StructureX.Name() })
		if structX < 0 {
			obs = append(obs, spec.StructureX)
		}
	}
	t := newTrajectory(s, &spec, run, obs)
	// A dry run on the first checkpoint: susc.Sample checks the posterior,
	// kernel, run and observables, with a cancelled context so that no
	// chain takes a step; then the estimators' names are checked.
	dry, cancel := context.WithCancel(ctx)
	cancel()
	res, err := susc.Sample(dry, m, posterior(spec.Posterior, cks[0].Params), spec.Kernel, runAt(run, cks[0].Step, 1, nil),
		withDistance(obs, spec.Distance, cks[0].Params)...)
	if res == nil {
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	if err := checkNames(res, &spec); err != nil {
		return nil, err
	}
	t.Kernel = res.Kernel
	if len(spec.Components) > 0 && spec.Kernel.Masked() {
		return nil, errors.New("trajectory: the kernel has a mask; the structural matrix needs an unrestricted full chain")
	}

	groups, inner := workerSplit(workers, run.Chains)
	perRun := run.Chains * (run.BurnIn + run.Draws*max(run.Thin, 1))
	total := len(cks) * perRun * (1 + len(spec.Components))
	done := make([]atomic.Int64, len(cks))
	stop := startProgress(spec.Progress, done, total)

	points := make([]*Point, len(cks))
	errs := make([]error, len(cks))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range groups {
		wg.Go(func() {
			for k := range jobs {
				if ctx.Err() != nil {
					continue // started after the cancel: not a point
				}
				points[k], errs[k] = samplePoint(ctx, m, cks[k], &spec, run, obs, inner, &done[k], perRun)
			}
		})
	}
send:
	for k := range cks {
		select {
		case jobs <- k:
		case <-ctx.Done():
			break send
		}
	}
	close(jobs)
	wg.Wait()
	stop()
	for _, p := range points {
		if p != nil {
			t.Points = append(t.Points, *p)
		}
	}
	for k, e := range errs {
		if e != nil {
			errs[k] = fmt.Errorf("step %d: %w", cks[k].Step, e)
		}
	}
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return t, fmt.Errorf("trajectory: %w", err)
	}
	return t, nil
}

// validate checks the model, series and spec and returns the checkpoints to
// sample.
func validate(m susc.Model, s *checkpoint.Series, spec *Spec) ([]checkpoint.Checkpoint, error) {
	switch {
	case m == nil:
		return nil, errors.New("trajectory: nil model")
	case s == nil || len(s.Checkpoints) == 0:
		return nil, errors.New("trajectory: no checkpoints")
	case spec.Kernel == nil:
		return nil, errors.New("trajectory: nil kernel")
	case (spec.StructureX == nil) != (len(spec.Components) == 0):
		return nil, errors.New("trajectory: a structural matrix needs both Components and StructureX")
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	if s.Dim != m.Dim() {
		return nil, fmt.Errorf("trajectory: checkpoints have %d parameters, the model %d", s.Dim, m.Dim())
	}
	cks := s.Checkpoints
	if spec.Steps != nil {
		cks = nil
		for _, st := range spec.Steps {
			c, ok := s.Find(st)
			if !ok {
				return nil, fmt.Errorf("trajectory: no checkpoint at step %d", st)
			}
			cks = append(cks, *c)
		}
		slices.SortFunc(cks, func(a, b checkpoint.Checkpoint) int { return a.Step - b.Step })
		if len(slices.CompactFunc(slices.Clone(cks), func(a, b checkpoint.Checkpoint) bool { return a.Step == b.Step })) != len(cks) {
			return nil, errors.New("trajectory: Steps repeats a step")
		}
		if len(cks) == 0 {
			return nil, errors.New("trajectory: Steps is empty (nil means every checkpoint)")
		}
	}
	for _, c := range cks {
		if c.Step < 0 {
			return nil, fmt.Errorf("trajectory: negative step %d", c.Step)
		}
		for i, v := range c.Params {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("trajectory: checkpoint at step %d: parameter %d is %v", c.Step, i, v)
			}
		}
	}
	for _, comp := range spec.Components {
		if len(comp.Mask) != m.Dim() || !slices.Contains(comp.Mask, true) {
			return nil, fmt.Errorf("trajectory: component %q: mask of length %d selecting %d parameters; want length %d, at least one", comp.Name, len(comp.Mask), count(comp.Mask), m.Dim())
		}
	}
	if spec.StructureX != nil && isNil(spec.StructureX) {
		return nil, errors.New("trajectory: nil StructureX")
	}
	for _, o := range spec.Observables {
		if isNil(o) {
			return nil, errors.New("trajectory: nil observable")
		}
		if p, ok := o.(probeLoss); ok && (p.m == nil || p.m.Dim() != m.Dim()) {
			if p.m == nil {
				return nil, fmt.Errorf("trajectory: observable %q: nil probe model", p.name)
			}
			return nil, fmt.Errorf("trajectory: observable %q: probe model has dimension %d, the model %d", p.name, p.m.Dim(), m.Dim())
		}
	}
	if spec.Distance && slices.ContainsFunc(spec.Observables, func(o susc.Observable) bool { return o != nil && o.Name() == DistanceName }) {
		return nil, fmt.Errorf("trajectory: observable name %q is taken by Spec.Distance", DistanceName)
	}
	return cks, nil
}

// isNil reports a nil interface or a typed nil pointer in one.
func isNil(o susc.Observable) bool {
	if o == nil {
		return true
	}
	v := reflect.ValueOf(o)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func count(mask []bool) int {
	n := 0
	for _, b := range mask {
		if b {
			n++
		}
	}
	return n
}

// checkNames checks that every estimator's observables exist in res.
func checkNames(res *susc.Result, spec *Spec) error {
	var names []string
	for _, p := range spec.Susceptibilities {
		names = append(names, p.A, p.B)
	}
	for _, p := range spec.BIFs {
		names = append(names, p.A, p.B)
	}
	if spec.Influence != "" {
		names = append(names, spec.Influence)
	}
	for _, n := range names {
		if _, err := res.Observable(n); err != nil {
			return fmt.Errorf("trajectory: %w", err)
		}
	}
	for _, p := range spec.BIFs {
		o, _ := res.Observable(p.B)
		if o.Dim != 1 {
			return fmt.Errorf("trajectory: BIF needs a scalar observable, %q has %d components", p.B, o.Dim)
		}
	}
	return nil
}

func newTrajectory(s *checkpoint.Series, spec *Spec, run susc.Run, obs []susc.Observable) *Trajectory {
	t := &Trajectory{Name: s.Name, NBeta: spec.Posterior.NBeta, Gamma: spec.Posterior.Gamma, PriorOnly: spec.Posterior.PriorOnly,
		InfluenceLosses:  spec.Influence,
		Susceptibilities: slices.Clone(spec.Susceptibilities), BIFs: slices.Clone(spec.BIFs),
		Run: susc.Settings{Chains: run.Chains, Draws: run.Draws, BurnIn: run.BurnIn, Thin: max(run.Thin, 1), BatchSize: run.BatchSize,
			BatchBlock: run.BatchBlock, Seed: run.Seed, BatchSeed: run.BatchSeed, Batches: max(run.Batches, 1), LossSubset: slices.Clone(run.LossSubset)}}
	for _, o := range obs {
		if o != nil {
			t.Observables = append(t.Observables, o.Name())
		}
	}
	if spec.Distance {
		t.Observables = append(t.Observables, DistanceName)
	}
	for _, c := range spec.Components {
		t.Components = append(t.Components, c.Name)
	}
	if spec.StructureX != nil {
		t.StructureX = spec.StructureX.Name()
	}
	return t
}

func posterior(p susc.Posterior, center []float64) susc.Posterior {
	p.Center = center
	return p
}

// runAt returns run for the checkpoint at step: seeds derived from the
// step, the given workers and progress callback.
func runAt(run susc.Run, step, workers int, progress func(done, total int)) susc.Run {
	run.Seed = seeds.Derive(run.Seed, uint64(step))
	if run.BatchSeed != 0 {
		run.BatchSeed = seeds.Derive(run.BatchSeed, uint64(step))
	}
	run.Workers = workers
	run.Progress = progress
	return run
}

// withDistance appends the distance observable around center if asked.
func withDistance(obs []susc.Observable, on bool, center []float64) []susc.Observable {
	if !on {
		return obs
	}
	c := slices.Clone(center)
	return append(slices.Clone(obs), susc.Func(DistanceName, func(w []float64) float64 {
		var s float64
		for i, v := range w {
			d := v - c[i]
			s += d * d
		}
		return s
	}))
}

// samplePoint runs the main run of one checkpoint (and the restricted runs
// of the structural matrix) and forms its estimates.
func samplePoint(ctx context.Context, m susc.Model, ck checkpoint.Checkpoint, spec *Spec, run susc.Run, obs []susc.Observable,
	workers int, done *atomic.Int64, perRun int) (*Point, error) {
	p := &Point{Step: ck.Step, TrainLoss: ck.Loss, LossAtCenter: math.NaN(), Below: nanEst, Dist2: nanEst,
		LLC:              susc.LLC{NBeta: spec.Posterior.NBeta, Mean: math.NaN(), SE: math.NaN(), Std: math.NaN()},
		Susceptibilities: make([]*susc.SusceptibilityMatrix, len(spec.Susceptibilities)),
		BIFs:             make([][]susc.Estimate, len(spec.BIFs))}
	// Each checkpoint gets its own model: Sample evaluates L_n(w*) on the
	// model it is given, and several checkpoints run at once.
	mk, err := susc.Replicate(m)
	if err != nil {
		return p, err
	}
	g := make([]float64, len(ck.Params))
	mk.LossGrad(g, ck.Params, nil)
	p.GradNorm = floats.Norm(g, 2)
	post := posterior(spec.Posterior, ck.Params)
	var base int64
	progress := func(d, _ int) { done.Store(base + int64(d)) }
	r := runAt(run, ck.Step, workers, progress)
	res, runErr := susc.Sample(ctx, mk, post, spec.Kernel, r, withDistance(obs, spec.Distance, ck.Params)...)
	var errs []error
	if runErr != nil {
		errs = append(errs, runErr)
	}
	if res == nil {
		p.Err = runErr.Error()
		return p, runErr
	}
	p.Partial = ctx.Err() != nil
	estimate(p, res, spec, &errs)
	if len(spec.Components) > 0 && !p.Partial {
		p.Structure, err = structural(ctx, mk, post, spec, r, res, &base, progress, perRun)
		if err != nil {
			errs = append(errs, err)
		}
		p.Partial = ctx.Err() != nil
	}
	err = errors.Join(errs...)
	if err != nil {
		p.Err = err.Error()
	}
	return p, err
}

var nanEst = susc.Estimate{Value: math.NaN(), SE: math.NaN()}

// estimate fills p's estimates from the main run.
func estimate(p *Point, res *susc.Result, spec *Spec, errs *[]error) {
	p.LossAtCenter = res.LossAtCenter
	if spec.KeepResults {
		p.Result = res
	}
	fail := func(what string, err error) { *errs = append(*errs, fmt.Errorf("%s: %w", what, err)) }
	if !res.PriorOnly {
		llc, err := res.LLC()
		p.LLC = llc
		if err != nil {
			fail("LLC", err)
		}
	}
	if res.NumDraws() < 2 {
		return // too few draws for covariances: the estimators would only say so
	}
	p.Below = below(res)
	if spec.Distance {
		i, _ := res.Coord(DistanceName, 0)
		p.Dist2 = res.Mean(i)
	}
	for i, q := range spec.Susceptibilities {
		sm, err := res.SusceptibilityMatrix(q.A, q.B)
		if err != nil {
			fail("susceptibility "+q.A+"/"+q.B, err)
			continue
		}
		p.Susceptibilities[i] = sm
	}
	for i, q := range spec.BIFs {
		b, err := res.BIF(q.A, q.B)
		if err != nil {
			fail("BIF "+q.A+"/"+q.B, err)
			continue
		}
		p.BIFs[i] = b
	}
	if spec.Influence != "" {
		inf, err := res.Influence(spec.Influence)
		if err != nil {
			fail("influence", err)
		} else {
			p.Influence = inf
		}
	}
}

// below returns the fraction of draws with loss below L_n(w*), per used
// chain, as mean and SE over chains (NaN without traces).
func below(res *susc.Result) susc.Estimate {
	tr, err := res.Trace(susc.LossName, 0)
	if err != nil {
		return nanEst
	}
	var fr []float64
	for _, c := range res.Used() {
		if len(tr[c]) == 0 {
			continue
		}
		n := 0
		for _, v := range tr[c] {
			if v < res.LossAtCenter {
				n++
			}
		}
		fr = append(fr, float64(n)/float64(len(tr[c])))
	}
	if len(fr) == 0 {
		return nanEst
	}
	var mean float64
	for _, f := range fr {
		mean += f
	}
	mean /= float64(len(fr))
	if len(fr) < 2 {
		return susc.Estimate{Value: mean, SE: math.NaN()}
	}
	var ss float64
	for _, f := range fr {
		ss += (f - mean) * (f - mean)
	}
	return susc.Estimate{Value: mean, SE: math.Sqrt(ss / float64(len(fr)-1) / float64(len(fr)))}
}

// structural runs one restricted run per component, seeded as
// structure.Sample seeds them, and forms each column against the main run.
func structural(ctx context.Context, m susc.Model, post susc.Posterior, spec *Spec, r susc.Run, full *susc.Result,
	base *int64, progress func(d, total int), perRun int) (*structure.Matrix, error) {
	x := spec.StructureX
	xi, err := full.Observable(x.Name())
	if err != nil {
		return nil, err
	}
	s := &structure.Matrix{NBeta: post.NBeta, Chi: mat.NewDense(xi.Dim, len(spec.Components), nil), SE: mat.NewDense(xi.Dim, len(spec.Components), nil)}
	s.Patterns, _ = full.Labels(x.Name())
	for c, comp := range spec.Components {
		s.Components = append(s.Components, comp.Name)
		for i := range xi.Dim {
			s.Chi.Set(i, c, math.NaN())
			s.SE.Set(i, c, math.NaN())
		}
	}
	for c, comp := range spec.Components {
		*base += int64(perRun)
		progress(0, 0)
		if ctx.Err() != nil {
			return s, nil
		}
		rc := r
		rc.Seed = seeds.Derive(r.Seed, uint64(c)+0x5eed)
		res, err := susc.Sample(ctx, m, post, spec.Kernel.WithMask(comp.Mask), rc, x)
		if err != nil {
			return s, fmt.Errorf("component %q: %w", comp.Name, err)
		}
		chi, se, err := structure.Column(res, full, x.Name())
		if err != nil {
			return s, fmt.Errorf("component %q: %w", comp.Name, err)
		}
		s.Chi.SetCol(c, chi)
		s.SE.SetCol(c, se)
	}
	return s, nil
}

// startProgress calls f with the sum of done every 200 ms until stopped,
// then once more.
func startProgress(f func(done, total int), done []atomic.Int64, total int) (stop func()) {
	if f == nil {
		return func() {}
	}
	sum := func() int {
		var s int64
		for i := range done {
			s += done[i].Load()
		}
		return int(s)
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f(sum(), total)
			case <-quit:
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
		f(sum(), total)
	}
}

// ProbeLoss returns the scalar observable L'(w), the mean loss of the probe
// model (another dataset on the same parameters) at the draw: a probe
// behaviour for a BIF, -Cov(l_i, L') (docs/theory.md §4.1). Each chain gets
// its own replica of the probe. The probe must have the sampled model's
// dimension (Sample checks it before any work).
func ProbeLoss(name string, probe susc.Model) susc.Observable {
	return probeLoss{name: name, m: probe}
}

type probeLoss struct {
	name string
	m    susc.Model
}

func (o probeLoss) Name() string { return o.name }
func (o probeLoss) Dim() int     { return 1 }
func (o probeLoss) Observe(dst, w []float64, _ susc.Model) {
	dst[0] = o.m.LossGrad(nil, w, nil)
}

// Replicate gives each chain its own probe (a model with scratch memory is
// not safe for concurrent use).
func (o probeLoss) Replicate() susc.Observable {
	r, err := susc.Replicate(o.m)
	if err != nil {
		return nil // the sampler reports a nil replica as an error
	}
	return probeLoss{name: o.name, m: r}
}
