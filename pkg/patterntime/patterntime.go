// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/internal/defaults"
	"susclab/internal/seeds"
	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/susc/structure"
)

// Options configures Run. The zero value of each field means the default
// in its comment; where the two corpora differ, the planted corpus's
// default comes first and the Go source's second.
type Options struct {
	// Corpus is CorpusPlanted (the default, for "") or CorpusGoSource.
	Corpus string `json:"corpus,omitempty"`
	// Mix holds the baseline weights π of the corpus's kinds (Record.Kinds:
	// repeats, fillers, noise; or code, comment, doubled), normalized to
	// sum 1; nil means (0.6, 0.2, 0.2), or (0.2, 0.2, 0.6).
	Mix   []float64 `json:"mix"`
	Seeds int       `json:"seeds"` // training seeds 1..Seeds per arm; 0 means 8
	Steps int       `json:"steps"` // Adam steps per run (Steps × BatchWindows windows, drawn once); 0 means 8000
	Every int       `json:"every"` // checkpoint interval in steps; 0 means 100
	// Norm is ‖dh‖; 0 means 0.15.
	Norm float64 `json:"norm"`
	// EarlyFraction places the early checkpoint at this fraction of the
	// baseline's formation step (seed 1); 0 means 0.5.
	EarlyFraction float64 `json:"early_fraction"`
	// The posterior at the early checkpoint: nβ, γ and the SGLD step; 0
	// means 1000, 100 and 1e-4, or the Go-source spectroscopy's 1e4, 1000
	// and 1e-5 (docs/theory.md §5.7).
	NBeta   float64 `json:"nbeta"`
	Gamma   float64 `json:"gamma"`
	Epsilon float64 `json:"epsilon"`
	// Chains, draws per chain, burn-in and thinning of each run; 0 means
	// 4, 200, 300 (or 500) and 5.
	Chains int `json:"chains"`
	Draws  int `json:"draws"`
	BurnIn int `json:"burn_in"`
	Thin   int `json:"thin"`
	// ProbeWindows is the number of probe windows per kind (fresh held-out
	// windows on the planted corpus; on Go source, training windows of
	// each pool, as only 8 windows are held out); 0 means 8.
	ProbeWindows int `json:"probe_windows"`
	// Observable is what the design moves: "layer1" raises layer 1's
	// structural coordinate with +dh; "induction" lowers the posterior
	// mean of the induction observable φ (the held-out induction tokens'
	// loss, or on Go source the repeated probe's repeat tokens' loss)
	// with +dh, through its plain susceptibility J_k = −nβ Cov(φ, L_k) on
	// the full chain (docs/theory.md §6.1, §6.5). "" means "layer1", or
	// "induction".
	Observable string `json:"observable"`
	// Margin ends each run at the first checkpoint Margin steps after its
	// formation, which leaves formation steps unchanged; 0 means 1000, or
	// 300; a negative value trains every run for all Steps.
	Margin int `json:"margin"`
	// Workers is the number of training runs at once; 0 means GOMAXPROCS.
	// Results do not depend on it.
	Workers int `json:"-"`
	// Progress, if not nil, is called after each training run and after
	// the sampling, from one goroutine at a time.
	Progress func(done, total int) `json:"-"`
}

// The corpora of Options.Corpus.
const (
	// CorpusPlanted is lm's planted induction corpus with the window kinds
	// lm.PlantedKinds (repeats, fillers, noise), fresh windows each run.
	CorpusPlanted = "planted"
	// CorpusGoSource is the embedded Go source with 60% doubled windows
	// (lm.GoSplitDoubled, seeded by the run's seed), its windows sorted
	// into code, comment and doubled (lm.GoKindPools) and drawn by
	// lm.MixWindows (lm.TrainGoMixture).
	CorpusGoSource = "gosrc"
)

// goDoubled is the doubled share of the Go-source split whose windows the
// kinds' pools hold (docs/theory.md §6.5).
const goDoubled = 0.6

// WithDefaults returns o with every zero field set to its default.
func (o Options) WithDefaults() Options {
	if o.Corpus == "" {
		o.Corpus = CorpusPlanted
	}
	if o.Corpus == CorpusGoSource {
		if o.Mix == nil {
			o.Mix = []float64{0.2, 0.2, 0.6}
		}
		defaults.Set(&o.NBeta, 1e4)
		defaults.Set(&o.Gamma, 1000)
		defaults.Set(&o.Epsilon, 1e-5)
		defaults.Set(&o.BurnIn, 500)
		defaults.Set(&o.Margin, 300)
		if o.Observable == "" {
			o.Observable = Induction
		}
	}
	if o.Mix == nil {
		o.Mix = []float64{0.6, 0.2, 0.2}
	}
	defaults.Set(&o.Seeds, 8)
	defaults.Set(&o.Steps, 8000)
	defaults.Set(&o.Every, 100)
	defaults.Set(&o.Norm, 0.15)
	defaults.Set(&o.EarlyFraction, 0.5)
	defaults.Set(&o.NBeta, 1000)
	defaults.Set(&o.Gamma, 100)
	defaults.Set(&o.Epsilon, 1e-4)
	defaults.Set(&o.Chains, 4)
	defaults.Set(&o.Draws, 200)
	defaults.Set(&o.BurnIn, 300)
	defaults.Set(&o.Thin, 5)
	defaults.Set(&o.ProbeWindows, 8)
	defaults.Set(&o.Margin, 1000)
	if o.Observable == "" {
		o.Observable = Layer1
	}
	defaults.Set(&o.Workers, runtime.GOMAXPROCS(0))
	return o
}

// Validate reports the first setting of o (after defaults) that Run would
// refuse.
func (o Options) Validate() error {
	o = o.WithDefaults()
	if o.Corpus != CorpusPlanted && o.Corpus != CorpusGoSource {
		return fmt.Errorf("patterntime: corpus %q: want %q or %q", o.Corpus, CorpusPlanted, CorpusGoSource)
	}
	if len(o.Mix) != 3 {
		return fmt.Errorf("patterntime: %d weights, want 3 (%s)", len(o.Mix), strings.Join(kindNames(o.Corpus), ", "))
	}
	var s float64
	for _, w := range o.Mix {
		if !(w > 0) || math.IsInf(w, 0) {
			return fmt.Errorf("patterntime: weight %v: every baseline weight must be finite and positive (dh moves all three)", w)
		}
		s += w
	}
	switch {
	case o.Seeds < 1 || o.Steps < 1 || o.Every < 1 || o.Chains < 2 || o.Draws < 2 || o.BurnIn < 0 || o.Thin < 1 || o.ProbeWindows < 1 || o.Workers < 1:
		return errors.New("patterntime: Seeds, Steps, Every, Thin, ProbeWindows and Workers must be positive, Chains and Draws at least 2, BurnIn non-negative")
	case o.Every > o.Steps:
		return errors.New("patterntime: Every exceeds Steps")
	case !(o.Norm > 0) || math.IsInf(o.Norm, 0):
		return errors.New("patterntime: Norm must be finite and positive")
	case !(o.EarlyFraction > 0 && o.EarlyFraction <= 1):
		return errors.New("patterntime: EarlyFraction must be in (0, 1]")
	case !(o.NBeta > 0) || !(o.Gamma > 0) || !(o.Epsilon > 0) || math.IsInf(o.NBeta+o.Gamma+o.Epsilon, 0):
		return errors.New("patterntime: NBeta, Gamma and Epsilon must be finite and positive")
	case o.Observable != Layer1 && o.Observable != Induction:
		return fmt.Errorf("patterntime: Observable %q: want %q or %q", o.Observable, Layer1, Induction)
	}
	for _, w := range o.Mix {
		if o.Norm >= w/s {
			return fmt.Errorf("patterntime: Norm %v is not below every baseline weight %v (a weight could turn negative)", o.Norm, o.Mix)
		}
	}
	return nil
}

// Arm is one condition of the experiment: its mixture weights and, per
// seed, the formation curve at the first len(Curves[s-1]) of the record's
// CurveSteps (the held-out induction tokens' loss on the planted corpus;
// on Go source the repeated probe's repeat tokens' loss over its first
// copies', lm.TrainGoMixture) (Curves[s-1] for seed s; a run that stopped
// after formation is shorter; nil if the run did not happen).
type Arm struct {
	Name string `json:"name"`
	// Weights are the arm's mixture weights; an arm whose weights differ
	// by seed (the random control) has SeedWeights[s-1] instead.
	Weights     []float64   `json:"weights,omitempty"`
	SeedWeights [][]float64 `json:"seed_weights,omitempty"`
	// Then, for a closed-loop arm (Record.Loop), holds the redesigned
	// weights used after step Then.After; Weights are used up to there.
	Then   *Redesign   `json:"then,omitempty"`
	Curves [][]float64 `json:"curves"`
}

// A Redesign is the second phase of a closed-loop arm, docs/theory.md §6.5:
// J sampled again at step After of the open-loop arm's seed-1 run, dh
// designed from it at the same norm, and the weights π ± that dh (the sign
// of the open-loop arm) for the steps after After.
type Redesign struct {
	After   int       `json:"after"`
	J       []float64 `json:"j"`
	JSE     []float64 `json:"j_se"`
	Dh      []float64 `json:"dh"`
	Weights []float64 `json:"weights"`
}

// WeightsOf returns the mixture weights of the arm's run with a seed (for
// a closed-loop arm, those up to Then.After).
func (a *Arm) WeightsOf(seed int) []float64 {
	if a.SeedWeights != nil {
		return a.SeedWeights[seed-1]
	}
	return a.Weights
}

// phases returns the arm's weights schedule for a seed.
func (a *Arm) phases(seed int) []lm.Phase {
	p := []lm.Phase{{Weights: a.WeightsOf(seed)}}
	if a.Then != nil {
		p = append(p, lm.Phase{After: a.Then.After, Weights: a.Then.Weights})
	}
	return p
}

// Record is the outcome of Run.
type Record struct {
	Options Options          `json:"options"` // with defaults filled in, Mix normalized
	Model   lm.Config        `json:"model"`
	Planted lm.PlantedConfig `json:"planted,omitzero"` // the planted corpus's; zero on Go source
	Train   lm.TrainConfig   `json:"train"`            // Seed is each run's seed
	Kinds   []string         `json:"kinds"`
	// Threshold is the formation criterion: the induction tokens' loss
	// falls below log(A)/2 (docs/theory.md §7.4), or on Go source the
	// repeat tokens' loss below lm.GoFormationRatio of the first copies'
	// (docs/theory.md §6.5).
	Threshold float64 `json:"threshold"`
	// EarlyStep is the checkpoint of the baseline (seed 1) at which the
	// susceptibilities were sampled.
	EarlyStep int `json:"early_step"`
	// J[k] and its standard error: nβ χ̂_layer1(L_k) (estimator units,
	// docs/theory.md §6.5) for Observable "layer1", −nβ Cov(φ, L_k) of the
	// induction tokens' loss φ for "induction".
	J   []float64 `json:"j"`
	JSE []float64 `json:"j_se"`
	// JCov is the covariance of J's estimation errors, JSE² on its
	// diagonal, from the same units: J's entries share their chains, so a
	// combination of them has the standard error JContrast computes, not
	// the one that treats them as independent. Nil in a record made before
	// it was kept (SampleJ recomputes it).
	JCov [][]float64 `json:"j_cov,omitempty"`
	// Again is J measured again at EarlyStep by chains from another chain
	// seed (SampleJ; seed 1 would share the record's chains), an
	// independent measurement: the design's own draws overstate how well J
	// is resolved along dh. Nil unless cmd/lmpattern -resample added it.
	Again *JSample `json:"again,omitempty"`
	// Dh is the designed direction (+dh raises layer 1's structural
	// coordinate, or lowers the induction tokens' loss); Control is the
	// feasible direction of the same norm orthogonal to it.
	Dh      []float64 `json:"dh"`
	Control []float64 `json:"control"`
	// CurveSteps are the checkpoint steps of a whole run (0, every
	// multiple of Every and Steps); a curve covers a prefix of them.
	CurveSteps []int `json:"curve_steps"`
	// Arms: baseline, +dh, −dh, control, random, and after Record.Loop
	// the closed-loop arms +dh loop and −dh loop.
	Arms []Arm `json:"arms"`
	// Reused names the arms whose runs were taken from an earlier record
	// of the same settings but for the early fraction and the chains
	// (Redesign): the baseline and the random control, whose runs do not
	// depend on J.
	Reused []string `json:"reused,omitempty"`
}

// Arm indices in Record.Arms. Random is the literal random control: for
// each seed a direction of norm ‖dh‖ drawn uniformly among the feasible
// ones (pattern.RandomFeasible), from a stream of its own.
const (
	Baseline = iota
	Plus
	Minus
	Control
	Random
	numArms
)

// The closed-loop arms' indices, after Record.Loop.
const (
	PlusLoop = numArms + iota
	MinusLoop
)

// Observables the design can move (Options.Observable).
const (
	Layer1    = "layer1"
	Induction = "induction"
)

// Stream tags (internal/seeds): the sampling corpus and probe, and the
// random control's directions.
const (
	sampleSeed = 1<<63 | 0xfade
	// probeTag is also the content-stream index of window 0, kind 1 of the
	// planted sampling corpus; harmless while that window is of kind 0, as
	// in the shipped planted records. Use goProbeTag when they are next
	// regenerated.
	probeTag   = 1
	goProbeTag = 1<<63 | 0x70726f62 // the Go-source kinds' probe windows
	randomTag  = 1<<63 | 0x72616e64
)

// kindNames returns the names of a corpus's window kinds, in order.
func kindNames(corpus string) []string {
	if corpus == CorpusGoSource {
		return lm.GoKindNames()
	}
	return []string{"repeats", "fillers", "noise"}
}

// threshold returns the formation criterion of a corpus (Record.Threshold).
func threshold(corpus string, pc lm.PlantedConfig) float64 {
	if corpus == CorpusGoSource {
		return lm.GoFormationRatio
	}
	return math.Log(float64(pc.Alphabet)) / 2
}

// settings returns the model, planted corpus (zero on Go source) and
// training settings of Run's records for o's corpus, Steps and Every. On
// Go source they are the sizing runs' of docs/theory.md §6.5: the default
// architecture, constant learning rate 3e-3 after 200 warm-up steps, 8
// windows per step.
func settings(o Options) (lm.Config, lm.PlantedConfig, lm.TrainConfig) {
	if o.Corpus == CorpusGoSource {
		tc := lm.TrainConfig{Steps: o.Steps, Every: o.Every, LR: 3e-3, Warmup: 200, BatchWindows: 8, Doubled: goDoubled,
			Data: fmt.Sprintf("gosrc: lm.TrainGoMixture on lm.GoKindPools of lm.GoSplitDoubled(%v, seed)", goDoubled)}
		return lm.Config{}.WithDefaults(), lm.PlantedConfig{}, tc
	}
	cfg, pc, tc := lm.PlantedDefaults()
	pc.Context = cfg.Context
	tc.Steps, tc.Every = o.Steps, o.Every
	return cfg, pc, tc
}

// goCorpus is the embedded Go source, parsed once.
var goCorpus = sync.OnceValue(lm.GoCorpus)

// goSplit returns the Go-source training and probe models of a seed and
// the training windows' kind pools.
func (r *Record) goSplit(seed int) (train, probe *lm.Model, pools [][]int) {
	c := goCorpus()
	train, probe = lm.GoSplitDoubled(c, r.Model, r.Train.Doubled, uint64(seed))
	return train, probe, lm.GoKindPools(c, train)
}

// Retrain re-runs one arm and seed and returns its formation curve at the
// checkpoints (Arm.Curves): the first `steps` steps, or with steps = 0 the
// recorded run (stopped Options.Margin steps after formation). With the
// same dense-product engine it is bit for bit the recorded curve, or its
// start. A prefix reproduces the run because the data (the whole run's
// windows) and the minibatch order do not depend on where training stops,
// and the learning rate is constant after warm-up.
func (r *Record) Retrain(arm, seed, steps int) (curve []float64, err error) {
	if arm < 0 || arm >= len(r.Arms) || seed < 1 || seed > r.Options.Seeds {
		return nil, fmt.Errorf("patterntime: no arm %d seed %d", arm, seed)
	}
	if r.Train.Every < 1 || steps < 0 || steps > r.Train.Steps || steps%r.Train.Every != 0 {
		return nil, fmt.Errorf("patterntime: Retrain steps %d: want a multiple of %d up to %d", steps, r.Train.Every, r.Train.Steps)
	}
	if r.Train.Cosine {
		return nil, errors.New("patterntime: a cosine schedule depends on the run's length; Retrain cannot re-run a prefix")
	}
	margin := -1
	if steps == 0 {
		steps, margin = r.Train.Steps, r.Options.Margin
	}
	// A panic of package lm (settings of a record that it refuses) is an
	// error here: a notebook calls this on a record read from a file.
	defer func() {
		if p := recover(); p != nil {
			curve, err = nil, fmt.Errorf("patterntime: Retrain: %v", p)
		}
	}()
	run, err := r.train(context.Background(), &r.Arms[arm], seed, steps, margin)
	if err != nil {
		return nil, err
	}
	return run.curve, nil
}

// trainRun is one training run: its formation curve at the checkpoints,
// its formation step and its last parameters and checkpoints.
type trainRun struct {
	curve       []float64
	formation   float64
	w           []float64
	checkpoints *checkpoint.Series
}

// train runs the first `steps` steps of an arm's run with a seed, stopping
// `margin` steps after formation if margin ≥ 0 or when ctx is done: the
// data (Train.Steps × BatchWindows windows) do not depend on steps.
func (r *Record) train(ctx context.Context, arm *Arm, seed, steps, margin int) (trainRun, error) {
	tc := r.Train
	tc.Seed = uint64(seed)
	if r.Options.Corpus == CorpusGoSource {
		if arm.Then != nil {
			return trainRun{}, errors.New("patterntime: a redesigned (closed-loop) arm on Go source")
		}
		// The whole run's windows and minibatch order; Stop ends it at steps.
		tc.Stop = func(step int, _ []float64) bool { return step >= steps || ctx.Err() != nil }
		train, probe, pools := r.goSplit(seed)
		g, err := lm.TrainGoMixture(train, probe, pools, arm.WeightsOf(seed), tc, uint64(seed), margin)
		if err != nil {
			return trainRun{}, fmt.Errorf("patterntime: %w", err)
		}
		return trainRun{g.CurveRatio, g.Formation, g.W, g.Checkpoints}, nil
	}
	tc.Steps = steps
	tc.Stop = func(int, []float64) bool { return ctx.Err() != nil }
	kinds, windows := lm.PlantedKinds(r.Planted), r.Train.Steps*tc.BatchWindows
	p := lm.TrainPlantedPhases(r.Model, kinds, arm.phases(seed), tc, windows, uint64(seed), margin)
	return trainRun{p.CurveLoss, p.Formation, p.W, p.Checkpoints}, nil
}

// checkpointSteps returns the steps at which lm.Train takes checkpoints.
func checkpointSteps(steps, every int) []int {
	var c []int
	for s := 0; s < steps; s += every {
		c = append(c, s)
	}
	return append(c, steps)
}

// Formation returns the formation step of each seed of an arm (NaN: never
// formed within the run, or not run).
func (r *Record) Formation(arm int) []float64 {
	f := make([]float64, len(r.Arms[arm].Curves))
	for s, c := range r.Arms[arm].Curves {
		f[s] = math.NaN()
		if len(c) > 0 && len(c) <= len(r.CurveSteps) {
			f[s] = lm.FormationStep(r.CurveSteps[:len(c)], c, r.Threshold)
		}
	}
	return f
}

// Shift is an arm's formation step minus the baseline's (or ShiftFrom's
// reference arm's), as the mean of per-seed differences over the seeds
// where both formed.
type Shift struct {
	Mean, SE float64
	Pairs    int // seeds in the mean
	// Unformed counts the seeds left out because the arm, the baseline or
	// both never formed the circuit, or were not run (a cancelled Run):
	// leaving out slow seeds biases the mean, so report them.
	Unformed int
}

// Z is Mean/SE.
func (s Shift) Z() float64 { return s.Mean / s.SE }

// Shift returns the paired shift of an arm against the baseline.
func (r *Record) Shift(arm int) Shift { return r.ShiftFrom(arm, Baseline) }

// ShiftFrom returns the paired shift of an arm against another (a
// closed-loop arm against its open-loop arm, say).
func (r *Record) ShiftFrom(arm, ref int) Shift {
	a, b := r.Formation(arm), r.Formation(ref)
	var d []float64
	var out Shift
	for s := range a {
		if math.IsNaN(a[s]) || math.IsNaN(b[s]) {
			out.Unformed++
			continue
		}
		d = append(d, a[s]-b[s])
	}
	out.Pairs = len(d)
	out.Mean, out.SE = math.NaN(), math.NaN()
	if len(d) > 0 {
		out.Mean = stat.Mean(d, nil)
	}
	if len(d) > 1 {
		out.SE = stat.StdDev(d, nil) / math.Sqrt(float64(len(d)))
	}
	return out
}

// Signs counts the seeds in which an arm formed the circuit earlier or
// later than the baseline. Unlike Shift it keeps a seed where one of the
// two never formed within the run, when the other did (that one is
// earlier); Unknown counts the seeds where neither formed, or a run is
// missing. Ties count as Unknown.
type Signs struct {
	Earlier, Later, Unknown int
}

// Signs returns the signs of an arm's paired formation shifts.
func (r *Record) Signs(arm int) Signs {
	a, b := r.Formation(arm), r.Formation(Baseline)
	ca, cb := r.Arms[arm].Curves, r.Arms[Baseline].Curves
	full := len(r.CurveSteps)
	var out Signs
	for s := range a {
		// A run that never formed and reached the last step formed after it.
		if math.IsNaN(a[s]) && len(ca[s]) == full {
			a[s] = math.Inf(1)
		}
		if math.IsNaN(b[s]) && len(cb[s]) == full {
			b[s] = math.Inf(1)
		}
		switch {
		case a[s] < b[s]:
			out.Earlier++
		case a[s] > b[s]:
			out.Later++
		default: // equal, both never formed, or NaN
			out.Unknown++
		}
	}
	return out
}

// SignTestP returns the two-sided sign-test p-value of k earlier against
// l later seeds (binomial, p = 1/2, under no shift).
func SignTestP(k, l int) float64 {
	n := k + l
	if n == 0 {
		return 1
	}
	m := min(k, l)
	var tail float64
	for i := 0; i <= m; i++ {
		tail += math.Exp(lchoose(n, i) - float64(n)*math.Ln2)
	}
	return math.Min(1, 2*tail)
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// Slope is a least-squares line of per-seed shifts on per-seed predictions.
type Slope struct {
	Slope, SlopeSE         float64
	Intercept, InterceptSE float64
	Pairs                  int // seeds where the arm and the baseline formed
}

// ShiftSlope fits each seed's formation shift against the baseline to its
// prediction J·(h_s − π), with an intercept. For the random control, whose
// direction differs by seed, the slope says whether the direction of a
// reweighting predicts its shift; for an arm whose weights are the same
// for every seed it is NaN.
func (r *Record) ShiftSlope(arm int) Slope {
	a, b := r.Formation(arm), r.Formation(Baseline)
	var x, y []float64
	for s := range a {
		if !math.IsNaN(a[s]) && !math.IsNaN(b[s]) {
			x, y = append(x, r.Predicted(arm, s+1)), append(y, a[s]-b[s])
		}
	}
	out := Slope{Pairs: len(x), Slope: math.NaN(), SlopeSE: math.NaN(), Intercept: math.NaN(), InterceptSE: math.NaN()}
	n := float64(len(x))
	if len(x) < 3 {
		return out
	}
	mx, vx := stat.MeanVariance(x, nil)
	if !(vx > 0) {
		return out
	}
	out.Intercept, out.Slope = stat.LinearRegression(x, y, nil, false)
	var rss float64
	for i := range x {
		e := y[i] - out.Intercept - out.Slope*x[i]
		rss += e * e
	}
	s2, sxx := rss/(n-2), vx*(n-1)
	out.SlopeSE = math.Sqrt(s2 / sxx)
	out.InterceptSE = math.Sqrt(s2 * (1/n + mx*mx/sxx))
	return out
}

// Predicted returns J·(h − π) of an arm's weights h for a seed (the same
// for every seed except the random control's; 0 for the baseline; a
// closed-loop arm's weights before its redesign): the linear-response
// change of the design's observable (layer 1's structural coordinate, in
// the estimator's units, or ⟨φ⟩ for Observable "induction").
func (r *Record) Predicted(arm, seed int) float64 {
	var p float64
	h, pi := r.Arms[arm].WeightsOf(seed), r.Arms[Baseline].Weights
	for k := range r.J {
		p += r.J[k] * (h[k] - pi[k])
	}
	return p
}

// Run runs the experiment (see the package documentation). If ctx is
// cancelled it returns the record so far with ctx's error once the runs
// under way have reached their next checkpoint (at most Every steps, about
// a second): runs not done, and runs cut short, have nil curves. Invalid
// options return no record.
func Run(ctx context.Context, o Options) (*Record, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.WithDefaults()
	var s float64
	for _, w := range o.Mix {
		s += w
	}
	mix := make([]float64, 3)
	for k, w := range o.Mix {
		mix[k] = w / s
	}
	o.Mix = mix
	cfg, pc, tc := settings(o)
	r := &Record{Options: o, Model: cfg, Planted: pc, Train: tc, Kinds: kindNames(o.Corpus),
		Threshold: threshold(o.Corpus, pc)}
	total := 1 + numArms*o.Seeds
	done := 0
	progress := func() {
		done++
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}

	// 1. The baseline, seed 1: its formation step places the checkpoint.
	r.Arms = []Arm{{Name: "baseline", Weights: mix}}
	base, err := r.train(ctx, &r.Arms[0], 1, o.Steps, o.Margin)
	if err != nil {
		return r, err
	}
	progress()
	r.CurveSteps = checkpointSteps(o.Steps, o.Every)
	r.Arms[0].Curves = make([][]float64, o.Seeds)
	r.Arms[0].Curves[0] = base.curve
	if err := ctx.Err(); err != nil {
		r.Arms[0].Curves[0] = nil
		return r, err
	}
	if math.IsNaN(base.formation) {
		return r, errors.New("patterntime: the baseline (seed 1) never forms the circuit; train longer (Steps)")
	}
	r.EarlyStep = earlyStep(o, base.formation)
	ck, ok := base.checkpoints.Find(r.EarlyStep)
	if !ok {
		return r, fmt.Errorf("patterntime: no checkpoint at step %d", r.EarlyStep)
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}

	// 2. J at the early checkpoint.
	if r.J, r.JSE, r.JCov, err = r.sample(ctx, ck.Params, o.Chains, 1); err != nil {
		return r, err
	}
	progress()

	// 3. The design.
	if err := r.design(); err != nil {
		return r, err
	}

	// 4. Every other arm and seed, results stored by index.
	for a := 1; a < len(r.Arms); a++ {
		r.Arms[a].Curves = make([][]float64, o.Seeds)
	}
	return r, r.trainArms(ctx, 0, o.Workers, progress)
}

// earlyStep is the checkpoint nearest EarlyFraction of a formation step,
// and at least the first one after step 0.
func earlyStep(o Options, formation float64) int {
	return o.Every * max(1, int(math.Round(o.EarlyFraction*formation/float64(o.Every))))
}

// Redesign returns a record that reads J again, at the checkpoint of
// fraction × the baseline's formation step (seed 1) with `chains` chains
// from chain seed 1, designs dh from it, and reuses r's baseline and
// random control: their runs do not depend on J (the random directions
// depend on ‖dh‖ only), so Reused names them. The +dh, −dh and control
// arms are left to train (Resume). r must be a record of Run's five arms.
func (r *Record) Redesign(ctx context.Context, fraction float64, chains int) (n *Record, err error) {
	if len(r.Arms) != numArms {
		return nil, fmt.Errorf("patterntime: Redesign needs a record of Run's %d arms, this one has %d", numArms, len(r.Arms))
	}
	if chains < 2 || chains > maxChains {
		return nil, fmt.Errorf("patterntime: %d chains: want 2 to %d", chains, maxChains)
	}
	if !(fraction > 0 && fraction <= 1) {
		return nil, fmt.Errorf("patterntime: early fraction %v: want (0, 1]", fraction)
	}
	// A panic of package lm or susc (settings it refuses) is an error here:
	// the record may come from a file.
	defer func() {
		if p := recover(); p != nil {
			n, err = nil, fmt.Errorf("patterntime: Redesign: %v", p)
		}
	}()
	o := r.Options
	o.EarlyFraction, o.Chains = fraction, chains
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.WithDefaults()
	if o.Every != r.Train.Every || o.Steps != r.Train.Steps {
		return nil, fmt.Errorf("patterntime: options of %d steps every %d, training of %d every %d", o.Steps, o.Every, r.Train.Steps, r.Train.Every)
	}
	f := r.Formation(Baseline)[0]
	if math.IsNaN(f) {
		return nil, errors.New("patterntime: the baseline (seed 1) never formed: no step to read J at")
	}
	n = &Record{Options: o, Model: r.Model, Planted: r.Planted, Train: r.Train, Kinds: r.Kinds, Threshold: r.Threshold,
		EarlyStep: earlyStep(o, f), CurveSteps: r.CurveSteps, Arms: []Arm{reuse(r.Arms[Baseline])}}
	if n.EarlyStep > n.Train.Steps {
		return nil, fmt.Errorf("patterntime: early step %d after the run's end", n.EarlyStep)
	}
	w, curve, err := n.baselineAt(ctx, n.EarlyStep)
	if err != nil {
		return nil, err
	}
	// J must be read on the run the reused baseline recorded: another
	// dense-product engine or build trains another run.
	if rec := r.Arms[Baseline].Curves[0]; len(curve) > len(rec) || !slices.Equal(curve, rec[:len(curve)]) {
		return nil, errors.New("patterntime: Redesign: seed 1's baseline retrained here is not the record's run (another engine or build)")
	}
	if n.J, n.JSE, n.JCov, err = n.sample(ctx, w, chains, 1); err != nil {
		return nil, err
	}
	if err := n.design(); err != nil {
		return nil, err
	}
	for a := Plus; a < Random; a++ {
		n.Arms[a].Curves = make([][]float64, o.Seeds)
	}
	n.Arms[Random] = reuse(r.Arms[Random])
	n.Reused = []string{r.Arms[Baseline].Name, r.Arms[Random].Name}
	return n, nil
}

// baselineAt retrains the baseline's seed-1 run to a checkpoint step and
// returns its parameters there and its curve up to there.
func (r *Record) baselineAt(ctx context.Context, step int) (w, curve []float64, err error) {
	base, err := r.train(ctx, &r.Arms[Baseline], 1, step, -1)
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	ck, ok := base.checkpoints.Find(step)
	if !ok {
		return nil, nil, fmt.Errorf("patterntime: no checkpoint at step %d", step)
	}
	return ck.Params, base.curve, nil
}

// reuse returns a copy of an arm for another record: a run it adds to
// its curves is not added to the arm's. The curves and weights it holds
// are shared; nothing changes them in place.
func reuse(a Arm) Arm {
	a.Weights, a.Curves = slices.Clone(a.Weights), slices.Clone(a.Curves)
	a.SeedWeights = slices.Clone(a.SeedWeights)
	return a
}

// Resume trains every run of the record that has no curve (an arm left to
// train by Redesign, or the runs of a record in memory that a cancelled
// Run or Loop did not finish), `workers`
// runs at once, calling progress, if not nil, from one goroutine at a time
// after each run. A cancelled ctx returns its error with the runs not done
// nil.
func (r *Record) Resume(ctx context.Context, workers int, progress func(done, total int)) error {
	if workers < 1 {
		return errors.New("patterntime: Resume needs workers >= 1")
	}
	total := 0
	for _, a := range r.Arms {
		for _, c := range a.Curves {
			if c == nil {
				total++
			}
		}
	}
	done := 0
	return r.trainArms(ctx, Baseline, workers, func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	})
}

// trainArms trains every seed of the arms from index `from` on, Workers
// runs at once, skipping the runs already recorded; runs cut short by a
// cancelled ctx are left nil.
func (r *Record) trainArms(ctx context.Context, from, workers int, progress func()) error {
	type job struct{ arm, seed int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	cut := false // a run was cut short by ctx
	// train is one run; a panic of package lm (settings it refuses) is
	// that run's error, not the caller's crash.
	train := func(j job) (run trainRun, err error) {
		defer func() {
			if p := recover(); p != nil {
				run, err = trainRun{}, fmt.Errorf("patterntime: %s seed %d: %v", r.Arms[j.arm].Name, j.seed, p)
			}
		}()
		return r.train(ctx, &r.Arms[j.arm], j.seed, r.Train.Steps, r.Options.Margin)
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				run, err := train(j)
				mu.Lock()
				if ctx.Err() != nil {
					run.curve, cut = nil, true // perhaps cut short
				}
				r.Arms[j.arm].Curves[j.seed-1] = run.curve
				if err != nil && firstErr == nil {
					firstErr = err
				}
				progress()
				mu.Unlock()
			}
		}()
	}
	var err error
feed:
	for seed := 1; seed <= r.Options.Seeds; seed++ {
		for a := from; a < len(r.Arms); a++ {
			if r.Arms[a].Curves[seed-1] != nil {
				continue
			}
			select {
			case jobs <- job{a, seed}:
			case <-ctx.Done():
				err = ctx.Err()
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		err = firstErr
	}
	if err == nil && cut {
		err = ctx.Err()
	}
	return err
}

// Loop adds the closed-loop arms to a record of Run (docs/theory.md §6.5):
// for +dh and for −dh, J is sampled again at step After, halfway between
// the early checkpoint and the open-loop arm's formation with seed 1
// (rounded to a checkpoint, and at least one checkpoint after the early
// one), on that run's parameters; dh is designed from it at the same norm;
// and every seed is trained with the open-loop arm's weights up to After
// and π ± the new dh after it. Up to After a loop run is its open-loop run
// but for the last target of the windows whose successor changed kind
// (lm.TrainPlantedPhases). It trains `workers` runs at once and calls
// progress, if not nil, from one goroutine at a time after each sampling
// and each run. A cancelled ctx returns its error, with the runs not done
// nil (or no loop arms if it came before the redesigns).
func (r *Record) Loop(ctx context.Context, workers int, progress func(done, total int)) (err error) {
	if len(r.Arms) != numArms {
		return fmt.Errorf("patterntime: Loop needs a record of Run's %d arms, this one has %d", numArms, len(r.Arms))
	}
	if workers < 1 {
		return errors.New("patterntime: Loop needs workers >= 1")
	}
	if r.Options.Corpus == CorpusGoSource {
		return errors.New("patterntime: Loop runs on the planted corpus only (lm.TrainGoMixture has no phases)")
	}
	// A panic of package lm or susc (settings it refuses) is an error here:
	// the record may come from a file.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("patterntime: Loop: %v", p)
		}
	}()
	o := r.Options
	total, done := 2+2*o.Seeds, 0
	step := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	var loops []Arm
	for _, a := range []int{Plus, Minus} {
		open := &r.Arms[a]
		f := r.Formation(a)[0]
		if math.IsNaN(f) {
			return fmt.Errorf("patterntime: arm %s never formed with seed 1: no step to redesign at", open.Name)
		}
		after := r.Train.Every * int(math.Round((float64(r.EarlyStep)+f)/2/float64(r.Train.Every)))
		after = max(after, r.EarlyStep+r.Train.Every)
		if after >= r.Train.Steps || float64(after) >= f {
			return fmt.Errorf("patterntime: arm %s: the redesign at step %d is not before formation (%.0f) and the run's end (%d)", open.Name, after, f, r.Train.Steps)
		}
		run, err := r.train(ctx, open, 1, after, -1)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		j, jse, _, err := r.sample(ctx, run.w, r.Options.Chains, 1)
		if err != nil {
			return err
		}
		step()
		dh, _, err := Design(objective(r.Options.Observable, j), o.Mix, o.Norm)
		if err != nil {
			return fmt.Errorf("patterntime: the redesign of %s: %w", open.Name, err)
		}
		sign := 1.0
		if a == Minus {
			sign = -1
		}
		loops = append(loops, Arm{Name: open.Name + " loop", Weights: open.Weights,
			Then:   &Redesign{After: after, J: j, JSE: jse, Dh: dh, Weights: add(o.Mix, dh, sign)},
			Curves: make([][]float64, o.Seeds)})
	}
	r.Arms = append(r.Arms, loops...)
	var mu sync.Mutex
	return r.trainArms(ctx, PlusLoop, workers, func() { mu.Lock(); step(); mu.Unlock() })
}

// sample returns J, its standard error and the covariance of its errors
// at the parameters w: the structural susceptibility of layer 1 to each
// kind's mean probe loss, or the induction observable's plain response
// (Options.Observable), with that many chains from the chain seed (Run
// and Loop use Options.Chains and seed 1).
func (r *Record) sample(ctx context.Context, w []float64, chains int, seed uint64) (j, jse []float64, jcov [][]float64, err error) {
	o := r.Options
	var p probes
	if o.Corpus == CorpusGoSource {
		p, err = r.goProbes()
	} else {
		p = r.plantedProbes()
	}
	if err != nil {
		return nil, nil, nil, err
	}
	nk := len(r.Kinds)
	x, err := KindLosses("kind_loss", p.kinds, p.kindOf, nk)
	if err != nil {
		return nil, nil, nil, err
	}
	T := r.Model.Context
	run := susc.Run{Chains: chains, Draws: o.Draws, BurnIn: o.BurnIn, Thin: o.Thin,
		BatchSize: 8 * T, BatchBlock: T, Seed: seed, LossSubset: lm.EvalBatch(p.train, 16)}
	post := susc.Posterior{NBeta: o.NBeta, Gamma: o.Gamma, Center: w}
	j, jse = make([]float64, nk), make([]float64, nk)
	if o.Observable == Induction {
		// φ is component 0: the mean loss of the induction tokens.
		phi, err := KindLosses("induction_loss", p.induction, p.inductionOf, 2)
		if err != nil {
			return nil, nil, nil, err
		}
		res, err := susc.Sample(ctx, p.train, post, susc.SGLD{Epsilon: o.Epsilon}, run, x, phi)
		if err != nil {
			return nil, nil, nil, err
		}
		s, err := res.SusceptibilityMatrix("induction_loss", "kind_loss")
		if err != nil {
			return nil, nil, nil, err
		}
		resp, se := s.Response()
		for k := range nk {
			j[k], jse[k] = resp.At(0, k), se.At(0, k)
		}
		jcov, err = errorCov(nk, func(a []float64) (float64, error) {
			c, err := res.CovCombination("induction_loss", 0, "kind_loss", a)
			return o.NBeta * c.SE, err
		})
		return j, jse, jcov, err
	}
	names, masks := p.train.Components()
	layer1 := make([]bool, p.train.Dim())
	for i, n := range names {
		if strings.HasPrefix(n, "l1h") {
			for q, b := range masks[i] {
				layer1[q] = layer1[q] || b
			}
		}
	}
	m, err := structure.Sample(ctx, p.train, post, susc.SGLD{Epsilon: o.Epsilon}, run,
		[]structure.Component{{Name: "layer1", Mask: layer1}}, x)
	if err != nil {
		return nil, nil, nil, err
	}
	for k := range nk {
		j[k], jse[k] = o.NBeta*m.Chi.At(k, 0), o.NBeta*m.SE.At(k, 0)
	}
	jcov, err = errorCov(nk, func(a []float64) (float64, error) {
		return o.NBeta * m.LinearSE(mat.NewDense(nk, 1, a)), nil
	})
	return j, jse, jcov, err
}

// errorCov returns the covariance matrix of n correlated estimates from the
// standard error of their combinations, se(a) for Σ_k a_k x_k, by
// polarization: Var(x_k) = se(2e_k)²/4 and Cov(x_k, x_l) = (se(e_k + e_l)²
// − Var(x_k) − Var(x_l))/2. It is exact to rounding because se² is a
// quadratic form in a.
func errorCov(n int, se func(a []float64) (float64, error)) ([][]float64, error) {
	v := func(k, l int) (float64, error) {
		a := make([]float64, n)
		a[k]++
		a[l]++
		s, err := se(a)
		return s * s, err
	}
	c := make([][]float64, n)
	for k := range c {
		c[k] = make([]float64, n)
		d, err := v(k, k)
		if err != nil {
			return nil, err
		}
		c[k][k] = d / 4
	}
	for k := range n {
		for l := k + 1; l < n; l++ {
			s, err := v(k, l)
			if err != nil {
				return nil, err
			}
			c[k][l] = (s - c[k][k] - c[l][l]) / 2
			c[l][k] = c[k][l]
		}
	}
	return c, nil
}

// JContrast returns a·J and its standard error √(aᵀ JCov a), which counts
// that J's entries share their chains; NaN without JCov or if a does not
// have one weight per kind.
func (r *Record) JContrast(a []float64) (value, se float64) { return contrast(r.J, r.JCov, a) }

// A JSample is J sampled at a record's early checkpoint by Chains chains
// from ChainSeed, with its standard errors and the covariance of its errors.
type JSample struct {
	Chains    int         `json:"chains"`
	ChainSeed uint64      `json:"chain_seed"`
	J         []float64   `json:"j"`
	JSE       []float64   `json:"j_se"`
	JCov      [][]float64 `json:"j_cov"`
}

// Contrast returns a·J and its standard error, as Record.JContrast; NaN
// for a nil sample (a record without Again).
func (s *JSample) Contrast(a []float64) (value, se float64) {
	if s == nil {
		return math.NaN(), math.NaN()
	}
	return contrast(s.J, s.JCov, a)
}

// contrast returns a·j and √(aᵀ c a); NaN unless a and c fit j.
func contrast(j []float64, c [][]float64, a []float64) (value, se float64) {
	if len(a) != len(j) || len(c) != len(j) {
		return math.NaN(), math.NaN()
	}
	var v float64
	for k, ak := range a {
		if len(c[k]) != len(j) {
			return math.NaN(), math.NaN()
		}
		value += ak * j[k]
		for l, al := range a {
			v += ak * c[k][l] * al
		}
	}
	return value, math.Sqrt(v)
}

// maxChains bounds SampleJ's chains, each of which holds a replica of the
// model.
const maxChains = 64

// SampleJ samples J again as Run did: it retrains the seed-1 baseline to
// EarlyStep and samples at that checkpoint, returning J, its standard
// errors and the covariance of its errors with the chains and chain seed
// used. With chains = 0 and seed = 0 it uses the record's chains
// (Options.Chains, seed 1), and with the engine that made the record J and
// JSE are the record's bit for bit, so JCov can be added to a record made
// before it was kept (cmd/lmpattern -jcov). Chain c's draws depend on the
// chain seed and c only, so another seed gives an independent measurement
// of J at the same point (Record.Again, cmd/lmpattern -resample), while
// seed 1 with more chains shares the record's.
func (r *Record) SampleJ(ctx context.Context, chains int, seed uint64) (s *JSample, err error) {
	e := r.EarlyStep
	if r.Train.Every < 1 || e < r.Train.Every || e > r.Train.Steps || e%r.Train.Every != 0 {
		return nil, fmt.Errorf("patterntime: early step %d: want a checkpoint of the run", e)
	}
	if r.Train.Cosine {
		return nil, errors.New("patterntime: a cosine schedule depends on the run's length; SampleJ cannot re-run the start")
	}
	if chains == 0 {
		chains = r.Options.Chains
	}
	if seed == 0 {
		seed = 1
	}
	if chains < 2 || chains > maxChains {
		return nil, fmt.Errorf("patterntime: %d chains: want 2 to %d", chains, maxChains)
	}
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("patterntime: SampleJ: %v", p)
		}
	}()
	w, _, err := r.baselineAt(ctx, e)
	if err != nil {
		return nil, err
	}
	s = &JSample{Chains: chains, ChainSeed: seed}
	if s.J, s.JSE, s.JCov, err = r.sample(ctx, w, chains, seed); err != nil {
		return nil, err
	}
	return s, nil
}

// probes are what J is sampled with: the sampling corpus (the posterior's
// data), the kinds' probe model with each sample's kind, and the induction
// observable's model with 0 for its induction tokens and 1 for the others.
type probes struct {
	train       *lm.Model
	kinds       *lm.Model
	kindOf      []int
	induction   *lm.Model
	inductionOf []int
}

// plantedProbes returns the planted corpus's probes: 512 windows of the
// baseline mixture from the stream sampleSeed, ProbeWindows fresh windows
// of each kind, and as induction tokens the repeats windows' planted ones.
func (r *Record) plantedProbes() probes {
	o := r.Options
	kinds := lm.PlantedKinds(r.Planted)
	T := r.Model.Context
	tok, _, _, _ := lm.PlantedMixture(sampleSeed, kinds, o.Mix, 512)
	train := lm.New(r.Model, r.Planted.VocabSize(), tok)
	rng := derivedRand(sampleSeed, probeTag)
	var probeTok []int
	var kindOf, inductionOf []int
	for k := range kinds {
		pt, ind, _ := lm.Planted(rng, kinds[k], o.ProbeWindows)
		probeTok = append(probeTok, pt[:o.ProbeWindows*T]...)
		for t := range o.ProbeWindows * T {
			kindOf = append(kindOf, k)
			inductionOf = append(inductionOf, 1)
			if k == 0 && ind[t] {
				inductionOf[len(inductionOf)-1] = 0
			}
		}
	}
	probeTok = append(probeTok, probeTok[0])
	probe := lm.New(r.Model, r.Planted.VocabSize(), probeTok)
	return probes{train: train, kinds: probe, kindOf: kindOf, induction: probe, inductionOf: inductionOf}
}

// goProbes returns the Go-source probes, on seed 1's split (the early
// checkpoint's run): 512 windows that lm.MixWindows draws with the
// baseline weights from the stream sampleSeed, ProbeWindows distinct
// windows of each kind's pool from the stream goProbeTag (training
// windows, which may also be among the posterior's), and the 8
// held-out probe windows with their first halves repeated, whose repeat
// tokens are the induction tokens (lm.Model.Repeated; docs/theory.md §6.5).
func (r *Record) goProbes() (probes, error) {
	o := r.Options
	T := r.Model.Context
	train, probe, pools := r.goSplit(1)
	chosen, _, err := lm.MixWindows(sampleSeed, pools, o.Mix, 512)
	if err != nil {
		return probes{}, fmt.Errorf("patterntime: %w", err)
	}
	rng := derivedRand(sampleSeed, goProbeTag)
	var windows, kindOf []int
	for k, pool := range pools {
		if len(pool) < o.ProbeWindows {
			return probes{}, fmt.Errorf("patterntime: %d probe windows of kind %s, the pool holds %d", o.ProbeWindows, r.Kinds[k], len(pool))
		}
		for _, i := range rng.Perm(len(pool))[:o.ProbeWindows] {
			windows = append(windows, pool[i])
			for range T {
				kindOf = append(kindOf, k)
			}
		}
	}
	rep, _, second, err := probe.Repeated(probe.FirstHalves())
	if err != nil {
		return probes{}, fmt.Errorf("patterntime: %w", err)
	}
	inductionOf := make([]int, rep.NumData())
	for i := range inductionOf {
		inductionOf[i] = 1
	}
	for _, i := range second {
		inductionOf[i] = 0
	}
	return probes{train: train.Subset(chosen), kinds: train.Subset(windows), kindOf: kindOf, induction: rep, inductionOf: inductionOf}, nil
}

// Objective returns the response that +dh raises: J for Observable
// "layer1", −J for "induction" (a lower loss).
func (r *Record) Objective() []float64 { return objective(r.Options.Observable, r.J) }

func objective(observable string, j []float64) []float64 {
	if observable != Induction {
		return slices.Clone(j)
	}
	o := make([]float64, len(j))
	for k, v := range j {
		o[k] = -v
	}
	return o
}

// design fills Dh, Control and the four other arms from J.
func (r *Record) design() error {
	dh, ctrl, err := Design(r.Objective(), r.Options.Mix, r.Options.Norm)
	if err != nil {
		return err
	}
	r.Dh, r.Control = dh, ctrl
	random := Arm{Name: "random", SeedWeights: make([][]float64, r.Options.Seeds)}
	for s := range random.SeedWeights {
		c, err := RandomDirection(s+1, dh, r.Options.Mix)
		if err != nil {
			return err
		}
		random.SeedWeights[s] = add(r.Options.Mix, c, 1)
	}
	r.Arms = append(r.Arms[:1],
		Arm{Name: "+dh", Weights: add(r.Options.Mix, dh, 1)},
		Arm{Name: "-dh", Weights: add(r.Options.Mix, dh, -1)},
		Arm{Name: "control", Weights: add(r.Options.Mix, ctrl, 1)},
		random)
	return nil
}

// RandomDirection returns the random control's direction for a seed: of
// the norm of dh, uniform among the feasible directions at the mixture
// weights pi (pattern.RandomFeasible), from a stream fixed by the seed.
func RandomDirection(seed int, dh, pi []float64) ([]float64, error) {
	c, ok := pattern.RandomFeasible(derivedRand(uint64(seed), randomTag), dh, pi)
	if !ok {
		return nil, fmt.Errorf("patterntime: no feasible random direction of norm ‖dh‖ at %v", pi)
	}
	return c, nil
}

func derivedRand(seed, stream uint64) *rand.Rand {
	return rand.New(seeds.PCG(seed, stream))
}

// Design returns the direction dh of norm `norm` within Σ dh = 0 that
// raises J·dh most (pattern.Solve on the 1 × k response J with the
// mixture weights pi), and the control: the feasible direction of the same
// norm orthogonal to dh (J predicts no change along it when k = 3), with
// the sign that keeps pi + control ≥ 0 (a fixed random draw's sign if
// both do). It refuses
// a J that is flat across kinds and a norm for which pi ± dh or the
// control leaves the simplex.
func Design(j, pi []float64, norm float64) (dh, control []float64, err error) {
	k := len(j)
	dh, err = pattern.Steepest(j, pi, norm)
	if err != nil {
		return nil, nil, fmt.Errorf("patterntime: Design: %w", err)
	}
	// The control: a random feasible direction, its dh component removed,
	// rescaled. With k = 3 the Σ = 0 plane is 2-D and this is ±the unique
	// orthogonal direction, whatever the draw.
	c, ok := pattern.RandomFeasible(rand.New(rand.NewPCG(2, 0xc7)), dh, pi)
	if ok {
		f := dot(c, dh) / dot(dh, dh)
		for i := range c {
			c[i] -= f * dh[i]
		}
		n := math.Sqrt(dot(c, c))
		ok = n > 0
		for i := range c {
			c[i] *= norm / n
		}
		if ok && slices.Min(add(pi, c, 1)) < 0 {
			c = add(make([]float64, k), c, -1)
		}
		ok = ok && slices.Min(add(pi, c, 1)) >= 0
	}
	if !ok {
		return nil, nil, errors.New("patterntime: no feasible control direction orthogonal to dh")
	}
	return dh, c, nil
}

func add(a, b []float64, s float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + s*b[i]
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
