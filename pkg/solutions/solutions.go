// Copyright ©2026 The susclab Authors.

package solutions

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/internal/defaults"
	"susclab/internal/seeds"
	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/toy"
)

// Options configures Run. The zero value of each field means the default
// in its comment.
type Options struct {
	Features int     `json:"features"` // F; 0 means 6
	Hidden   int     `json:"hidden"`   // M; 0 means 2
	Density  float64 `json:"density"`  // each feature's probability of being active in the base distribution; 0 means 0.15
	// Decay sets the importances I_k = Decay^k; 0 means 1 (interchangeable
	// features).
	Decay float64 `json:"decay,omitempty"`
	// Pattern is the baseline weight of each feature pattern (the base
	// distribution has the rest, 1 − F·Pattern); 0 means 0.1.
	Pattern float64 `json:"pattern"`
	N       int     `json:"n"`     // training samples per run; 0 means 2000
	Steps   int     `json:"steps"` // Adam steps; 0 means 3000
	LR      float64 `json:"lr"`    // Adam's learning rate; 0 means 0.01
	Batch   int     `json:"batch"` // minibatch size; 0 means 100
	// Seeds is the number of retraining seeds per arm (0..Seeds−1); 0
	// means 128.
	Seeds int `json:"seeds"`
	// DesignSeeds is the number of baseline runs, with seeds of their own,
	// at whose trained points J is sampled; 0 means 8.
	DesignSeeds int `json:"design_seeds"`
	// Norm is ‖dh‖; 0 means 0.15.
	Norm float64 `json:"norm"`
	// Symmetric designs from J with its F pattern entries replaced by their
	// mean: with equal importances (Decay 0 or 1) the features are
	// interchangeable, so the expected J at a random trained point treats
	// them alike, and their differences at a few points are noise
	// (docs/theory.md §6.6). With other Decay it is a choice, not a
	// symmetry.
	Symmetric bool `json:"symmetric,omitempty"`
	// Antithetic adds a fifth arm, the random control's opposite (π − c_s
	// for the random control's π + c_s; both feasible), so that first- and
	// second-order effects separate (Record.Contrast, Record.Even).
	Antithetic bool `json:"antithetic,omitempty"`
	// FirstSeed is the first retraining seed (seeds FirstSeed, ...,
	// FirstSeed+Seeds−1), so that a run can use seeds no earlier run used.
	FirstSeed uint64 `json:"first_seed,omitempty"`
	// Coupled draws every run's data with common random numbers across
	// arms (toy.RetrainConfig.Coupled): the arms of a seed then share every
	// sample whose mixture component is the same.
	Coupled bool `json:"coupled,omitempty"`
	// Slots, with Coupled, couples the arms' data more tightly
	// (toy.GenerateTMSSlots); every mixture weight of a pattern must then
	// stay at most 1/Features.
	Slots bool `json:"slots,omitempty"`
	// The posterior at a design point: nβ = N/log N, the localization γ and
	// the SGLD step; 0 means 100 and 3e-4.
	Gamma   float64 `json:"gamma"`
	Epsilon float64 `json:"epsilon"`
	// Chains, draws per chain, burn-in, thinning and minibatch size of the
	// sampling; 0 means 4, 400, 1000, 20 and 200.
	Chains      int `json:"chains"`
	Draws       int `json:"draws"`
	BurnIn      int `json:"burn_in"`
	Thin        int `json:"thin"`
	SampleBatch int `json:"sample_batch"`
	// ProbeN is the number of samples of each component's probe; 0 means
	// 500.
	ProbeN int `json:"probe_n"`
	// Workers bounds the concurrent trainings and chains; 0 means
	// GOMAXPROCS. Results do not depend on it.
	Workers int `json:"-"`
}

// WithDefaults returns o with every zero field set to its default.
func (o Options) WithDefaults() Options {
	defaults.Set(&o.Features, 6)
	defaults.Set(&o.Hidden, 2)
	defaults.Set(&o.Density, 0.15)
	defaults.Set(&o.Pattern, 0.1)
	defaults.Set(&o.N, 2000)
	defaults.Set(&o.Steps, 3000)
	defaults.Set(&o.LR, 0.01)
	defaults.Set(&o.Batch, 100)
	defaults.Set(&o.Seeds, 128)
	defaults.Set(&o.DesignSeeds, 8)
	defaults.Set(&o.Norm, 0.15)
	defaults.Set(&o.Gamma, 100)
	defaults.Set(&o.Epsilon, 3e-4)
	defaults.Set(&o.Chains, 4)
	defaults.Set(&o.Draws, 400)
	defaults.Set(&o.BurnIn, 1000)
	defaults.Set(&o.Thin, 20)
	defaults.Set(&o.SampleBatch, 200)
	defaults.Set(&o.ProbeN, 500)
	defaults.Set(&o.Workers, runtime.GOMAXPROCS(0))
	return o
}

// Validate reports the first setting of o (after defaults) that Run would
// refuse.
func (o Options) Validate() error {
	o = o.WithDefaults()
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case o.Features < 2 || o.Hidden < 1 || o.Hidden >= o.Features:
		return errors.New("solutions: need Features ≥ 2 and 1 ≤ Hidden < Features")
	case o.Features > 64 || o.Hidden > 64:
		return errors.New("solutions: at most 64 features and hidden dimensions")
	case !(o.Density > 0 && o.Density < 1):
		return errors.New("solutions: Density must be in (0, 1)")
	case !(o.Decay >= 0 && o.Decay <= 1):
		return errors.New("solutions: Decay must be in [0, 1] (0: equal importances)")
	case o.Slots && !o.Coupled:
		return errors.New("solutions: Slots needs Coupled")
	// A direction of norm Norm with Σ = 0 over F+1 entries moves one weight
	// by at most Norm·√(F/(F+1)) < Norm, so Pattern + Norm ≤ 1/F keeps
	// every weight of ±dh and of the random directions within its slot
	// (GenerateTMSSlots panics otherwise, inside a training goroutine).
	case o.Slots && o.Pattern+o.Norm > 1/float64(o.Features):
		return errors.New("solutions: with Slots every pattern weight must stay at most 1/Features: Pattern + Norm is above it")
	case !(o.Pattern > 0) || !(float64(o.Features)*o.Pattern < 1):
		return errors.New("solutions: Pattern must be positive with Features·Pattern < 1 (the base keeps some weight)")
	case o.N < 2 || o.Steps < 1 || o.Batch < 1 || o.Seeds < 2 || o.DesignSeeds < 2 || o.Chains < 2 || o.Draws < 2 ||
		o.BurnIn < 0 || o.Thin < 1 || o.SampleBatch < 1 || o.SampleBatch > o.N || o.ProbeN < 1 || o.Workers < 1:
		return errors.New("solutions: N, Seeds, DesignSeeds, Chains and Draws must be at least 2; Steps, Batch, Thin, SampleBatch (at most N), ProbeN and Workers positive; BurnIn non-negative")
	case o.N > 1<<20 || o.ProbeN > 1<<20 || o.Seeds > 1<<16 || o.DesignSeeds > 1<<10 || o.FirstSeed >= designSeedBase-1<<16:
		return errors.New("solutions: N and ProbeN at most 2^20, Seeds at most 2^16, DesignSeeds at most 2^10, FirstSeed below 2^32 − 2^16")
	// Bounds on the work and memory one call may ask for, so that options
	// read from a file cannot exhaust the machine.
	case o.Chains > 256 || o.Steps > 1<<22 || o.BurnIn > 1<<24 || o.Draws > 1<<24 || o.Thin > 1<<24 ||
		o.BurnIn+o.Draws*o.Thin > 1<<24:
		return errors.New("solutions: at most 256 chains, 2^22 training steps and 2^24 sampling steps per chain")
	case o.Features*max(4*o.N, o.Features*o.ProbeN) > 1<<24:
		return errors.New("solutions: the evaluation set (4N × Features) and the probes (Features × ProbeN × Features) are limited to 2^24 numbers")
	case !(o.LR > 0) || !finite(o.LR) || !(o.Norm > 0) || !finite(o.Norm) || !(o.Gamma > 0) || !finite(o.Gamma) ||
		!(o.Epsilon > 0) || !finite(o.Epsilon):
		return errors.New("solutions: LR, Norm, Gamma and Epsilon must be finite and positive")
	}
	// π ± dh ≥ 0 needs |dh_k| ≤ π_k for every k, so ‖dh‖ ≤ ‖π‖; whether the
	// designed direction fits is known only after the sampling.
	if pi := o.baseline(); o.Norm > math.Sqrt(dot(pi, pi)) {
		return fmt.Errorf("solutions: Norm %v exceeds ‖π‖: no π ± dh stays a mixture", o.Norm)
	}
	return nil
}

// Point is one design point: a baseline run trained at a seed of its own,
// and the posterior sampled there.
type Point struct {
	Seed        uint64        `json:"seed"`
	Represented int           `json:"represented"` // features represented (Represented)
	Phi         float64       `json:"phi"`         // φ = Σ_k ‖W_{:,k}‖² at the trained point
	Loss        float64       `json:"loss"`        // the trained point's loss on the evaluation set
	LLC         susc.Estimate `json:"llc"`
	// J[k] = −nβ Cov(φ, L_k − L) and its standard error, k over the F
	// feature patterns and then the base distribution.
	J   []float64 `json:"j"`
	JSE []float64 `json:"j_se"`
}

// Arm is one condition of the retraining: its mixture weights per seed
// and, per seed, what the trained model represents.
type Arm struct {
	Name string `json:"name"`
	// Weights[s] are the mixture weights of seed s (the F feature patterns,
	// then the base distribution).
	Weights     [][]float64 `json:"weights"`
	Represented []int       `json:"represented"` // features represented, per seed
	Phi         []float64   `json:"phi"`         // φ at the trained point, per seed
	Loss        []float64   `json:"loss"`        // loss on the evaluation set, per seed
}

// Arm indices in Record.Arms.
const (
	Baseline = iota
	Plus
	Minus
	Random
	// RandomOpposite is the random control's opposite, with
	// Options.Antithetic.
	RandomOpposite
)

// Record is the outcome of Run.
type Record struct {
	Options Options `json:"options"` // with defaults filled in
	// Pi are the baseline mixture weights: Pattern for each feature
	// pattern, then the base distribution.
	Pi     []float64 `json:"pi"`
	Points []Point   `json:"points"`
	// J is the mean of the design points' J, JSE the standard error of that
	// mean over the points (their spread, which contains the Monte Carlo
	// error of each).
	J   []float64 `json:"j"`
	JSE []float64 `json:"j_se"`
	// JDesign is the response the design used: J, or with
	// Options.Symmetric J with its pattern entries averaged.
	JDesign []float64 `json:"j_design"`
	// Dh is the design: +dh raises JDesign·dh most at norm Options.Norm.
	Dh   []float64 `json:"dh"`
	Arms []Arm     `json:"arms"`
}

// Streams (internal/seeds) and seeds of their own.
const (
	dataSeed       = 0xda7a
	designSeedBase = 1 << 32 // design points' training seeds: designSeedBase + i
	probeTag       = 1<<63 | 0x70726f62
	evalTag        = 1<<63 | 0x6576616c
	randomTag      = 1<<63 | 0x72616e64
	threshold      = 0.5 // a feature norm above it counts as represented
)

// Represented returns the number of features whose norm ‖W_{:,k}‖² exceeds
// 1/2, from the feature norms: 4 for a square, 5 for a pentagon.
func Represented(norms []float64) int {
	k := 0
	for _, v := range norms {
		if v > threshold {
			k++
		}
	}
	return k
}

// Name returns the name of the solution with k features represented.
func Name(k int) string {
	switch k {
	case 4:
		return "square"
	case 5:
		return "pentagon"
	}
	return fmt.Sprintf("%d features", k)
}

func (o Options) tms() toy.TMSConfig {
	decay := o.Decay
	if decay == 0 {
		decay = 1
	}
	return toy.NewTMSConfig(o.Features, o.Hidden, decay, o.Density)
}

func (o Options) retrain() toy.RetrainConfig {
	return toy.RetrainConfig{Config: o.tms(), N: o.N, DataSeed: dataSeed, Workers: o.Workers, Coupled: o.Coupled, Slots: o.Slots,
		Train: toy.TrainConfig{Method: toy.Adam, Steps: o.Steps, LR: o.LR, BatchSize: o.Batch}}
}

// baseline returns π.
func (o Options) baseline() []float64 {
	pi := make([]float64, o.Features+1)
	for k := range o.Features {
		pi[k] = o.Pattern
	}
	pi[o.Features] = 1 - float64(o.Features)*o.Pattern
	return pi
}

// Run runs the experiment (see the package documentation). Invalid
// options return no record. A cancelled ctx returns the record so far with
// ctx's error: the design points sampled, and the arms' results for the
// chunks of 64 seeds done (ctx is checked before each sampling and each
// chunk; the design points' trainings, a few seconds, are not cut short).
func Run(ctx context.Context, o Options) (*Record, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.WithDefaults()
	r := &Record{Options: o, Pi: o.baseline()}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	eval := r.evalModel()

	// 1. The design points.
	jobs := make([]toy.RetrainJob, o.DesignSeeds)
	for i := range jobs {
		jobs[i] = r.designJob(i)
	}
	ws := toy.RetrainTMS(o.retrain(), jobs)
	for i, w := range ws {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		p, err := r.sample(ctx, jobs[i], w, eval)
		if err != nil {
			return r, err
		}
		r.Points = append(r.Points, p)
	}
	r.J, r.JSE = make([]float64, o.Features+1), make([]float64, o.Features+1)
	for k := range r.J {
		col := make([]float64, len(r.Points))
		for i, p := range r.Points {
			col[i] = p.J[k]
		}
		m, sd := stat.MeanStdDev(col, nil)
		r.J[k], r.JSE[k] = m, sd/math.Sqrt(float64(len(col)))
	}

	// 2. The design.
	r.JDesign = append([]float64(nil), r.J...)
	if o.Symmetric {
		m := stat.Mean(r.J[:o.Features], nil)
		for k := range o.Features {
			r.JDesign[k] = m
		}
	}
	dh, err := pattern.Steepest(r.JDesign, r.Pi, o.Norm)
	if err != nil {
		return r, fmt.Errorf("solutions: the design: %w", err)
	}
	r.Dh = dh

	// 3. The arms.
	r.Arms = []Arm{{Name: "baseline"}, {Name: "+dh"}, {Name: "-dh"}, {Name: "random"}}
	if o.Antithetic {
		r.Arms = append(r.Arms, Arm{Name: "-random"})
	}
	for s := range o.Seeds {
		c, err := r.randomDirection(o.FirstSeed + uint64(s))
		if err != nil {
			return r, err
		}
		hs := [][]float64{r.Pi, add(r.Pi, dh, 1), add(r.Pi, dh, -1), add(r.Pi, c, 1), add(r.Pi, c, -1)}
		for a := range r.Arms {
			r.Arms[a].Weights = append(r.Arms[a].Weights, hs[a])
		}
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	// In chunks of seeds, so that a cancel is seen; each job's result
	// depends on its own seed only.
	norms := make([]float64, o.Features) // outcome's scratch
	const chunk = 64
	for lo := 0; lo < o.Seeds; lo += chunk {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		var jobs []toy.RetrainJob
		for s := lo; s < min(lo+chunk, o.Seeds); s++ {
			for a := range r.Arms {
				jobs = append(jobs, r.armJob(a, s))
			}
		}
		for j, w := range toy.RetrainTMS(o.retrain(), jobs) {
			a := j % len(r.Arms)
			n, phi, loss := outcome(eval, w, norms)
			r.Arms[a].Represented = append(r.Arms[a].Represented, n)
			r.Arms[a].Phi = append(r.Arms[a].Phi, phi)
			r.Arms[a].Loss = append(r.Arms[a].Loss, loss)
		}
	}
	return r, nil
}

// designJob is design point i's training run.
func (r *Record) designJob(i int) toy.RetrainJob {
	return toy.RetrainJob{H: r.Pi[:r.Options.Features], Seed: designSeedBase + uint64(i)}
}

// armJob is an arm's training run at seed index s.
func (r *Record) armJob(arm, s int) toy.RetrainJob {
	return toy.RetrainJob{H: r.Arms[arm].Weights[s][:r.Options.Features], Seed: r.Options.FirstSeed + uint64(s)}
}

// outcome reads a trained model: the features it represents, φ and its
// loss on the evaluation model; norms is scratch of length Features.
func outcome(eval *toy.TMS, w, norms []float64) (represented int, phi, loss float64) {
	eval.FeatureNorms(norms, w)
	return Represented(norms), sum(norms), eval.LossGrad(nil, w, nil)
}

// randomDirection returns the random control's direction for a seed: of
// norm ‖dh‖, uniform among the feasible ones (pattern.RandomFeasible), and
// with Options.Antithetic among those whose opposite is feasible too.
func (r *Record) randomDirection(seed uint64) ([]float64, error) {
	rng := rand.New(seeds.PCG(seed, randomTag))
	for range 1000 {
		c, ok := pattern.RandomFeasible(rng, r.Dh, r.Pi)
		if !ok {
			break
		}
		if !r.Options.Antithetic || slices.Min(add(r.Pi, c, -1)) >= 0 {
			return c, nil
		}
	}
	return nil, fmt.Errorf("solutions: no feasible random direction of norm %v at %v", r.Options.Norm, r.Pi)
}

// sample classifies a design point and samples J and the LLC there.
func (r *Record) sample(ctx context.Context, job toy.RetrainJob, w []float64, eval *toy.TMS) (Point, error) {
	o := r.Options
	cfg := o.tms()
	m := toy.NewTMS(cfg, o.retrain().Dataset(job)) // the data the design point was trained on
	norms := m.FeatureNorms(nil, w)
	p := Point{Seed: job.Seed, Represented: Represented(norms), Phi: sum(norms), Loss: eval.LossGrad(nil, w, nil)}
	rng := rand.New(seeds.PCG(dataSeed, probeTag))
	probes := m.Probes(rng, o.ProbeN)
	bx, _ := toy.GenerateTMS(rng, o.ProbeN, cfg, nil)
	probes = append(probes, toy.NewTMS(cfg, bx))
	phi := susc.VecFunc("phi", 1, func(dst, w []float64) {
		var s float64
		f := o.Features
		for k := range f {
			for j := range o.Hidden {
				v := w[j*f+k]
				s += v * v
			}
		}
		dst[0] = s
	})
	post := susc.Posterior{NBeta: susc.NOverLogN(o.N), Gamma: o.Gamma, Center: w}
	run := susc.Run{Chains: o.Chains, Draws: o.Draws, BurnIn: o.BurnIn, Thin: o.Thin, BatchSize: o.SampleBatch,
		Seed: job.Seed, Workers: o.Workers}
	res, err := susc.Sample(ctx, m, post, susc.SGLD{Epsilon: o.Epsilon}, run, phi, susc.LossDeltas("dL", probes...))
	if err != nil {
		return p, err
	}
	sm, err := res.SusceptibilityMatrix("phi", "dL")
	if err != nil {
		return p, err
	}
	j, se := sm.Response()
	p.J, p.JSE = mat.Row(nil, 0, j), mat.Row(nil, 0, se)
	llc, err := res.LLC()
	if err != nil {
		return p, err
	}
	p.LLC = susc.Estimate{Value: llc.Mean, SE: llc.SE}
	return p, nil
}

func add(a, b []float64, s float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + s*b[i]
	}
	return out
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}
