package spectro

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"susclab/internal/defaults"
	"susclab/internal/seeds"
	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// Options set a per-token experiment (New). Zero fields take the defaults
// of the corpus, in brackets as [planted; gosrc].
type Options struct {
	// Corpus is "planted", the planted-induction corpus (the default), or
	// "gosrc", the Go-source corpus of package lm.
	Corpus  string
	Epsilon float64 // SGLD step ε [1e-4; 1e-5]
	NBeta   float64 // nβ [1000; 1e4] (see New)
	Gamma   float64 // γ [100; 1000]
	Chains  int     // chains per run [4; 4]
	Draws   int     // draws per chain [300; 200]
	Thin    int     // steps between draws [5; 5]
	BurnIn  int     // burn-in steps [300; 500]
	// Windows are the windows the posterior is conditioned on: fresh
	// planted windows [512], or the first Windows of the Go-source
	// training windows [0, resolved by New: all of the checkpoint's
	// lm.GoSplitOf, the corpus's windows first and any doubled ones last,
	// or a mixture's draws in order, repeats included].
	Windows int
	// ProbeWindows are the held-out probe windows: fresh planted windows
	// [8], or the first ProbeWindows of lm.GoSplitOf's 8 held-out windows
	// [0, resolved by New: 512/T of them, at most 8, so about 512 probe
	// tokens].
	ProbeWindows int
	// RepeatedProbe (Go source only) replaces each probe window by its
	// first T/2 tokens followed by themselves (lm.Model.Repeated), the
	// standard induction test on held-out text, and labels lm.Induction
	// exactly the tokens of the second copies that copying predicts
	// (docs/theory.md §5.7).
	RepeatedProbe bool
	// CRN gives the restricted and full chains the same minibatches
	// (common random numbers, Run.BatchSeed).
	CRN bool
	// Seed seeds the data and the chains [1].
	Seed uint64
}

// WithDefaults returns o with its zero fields set to the defaults of its
// corpus.
func (o Options) WithDefaults() Options {
	if o.Corpus == "" {
		o.Corpus = CorpusPlanted
	}
	if o.Corpus == CorpusGoSource {
		defaults.Set(&o.Epsilon, 1e-5)
		defaults.Set(&o.NBeta, 1e4)
		defaults.Set(&o.Gamma, 1000)
		defaults.Set(&o.Draws, 200)
		defaults.Set(&o.BurnIn, 500)
	} else {
		defaults.Set(&o.Epsilon, 1e-4)
		defaults.Set(&o.NBeta, 1000)
		defaults.Set(&o.Draws, 300)
		defaults.Set(&o.BurnIn, 300)
		defaults.Set(&o.Windows, 512)
		defaults.Set(&o.ProbeWindows, 8)
	}
	defaults.Set(&o.Gamma, 100)
	defaults.Set(&o.Chains, 4)
	defaults.Set(&o.Thin, 5)
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// The corpora of Options.Corpus.
const (
	CorpusPlanted  = "planted"
	CorpusGoSource = "gosrc"
)

// New builds a per-token experiment around the last checkpoint of s, a
// model trained by cmd/lmtrain on o.Corpus, and returns the pattern labels
// of its probe tokens. Minibatches are whole windows: 8 on the planted
// corpus, 512 tokens' worth on Go source (8 windows at T = 64); the
// per-draw loss is on 16 evaluation windows of the planted corpus and on
// ⌊1024/T⌋ windows of Go source (at least one; 16 at T = 64, 4 at T = 256),
// so that its cost does not grow with the context (Run.LossSubset). The
// per-draw loss enters χ̂ through L − L*, so the subset is part of the
// estimator, not only of its cost.
//
// On the planted corpus the posterior is conditioned on fresh planted
// windows (the training data were fresh windows too, so they are a sample
// of the same distribution), the probe tokens are held-out windows, and a
// label is lm.Induction exactly for the planted-induction tokens.
//
// On the Go-source corpus the posterior is conditioned on the training
// windows of lm.GoSplitOf (the data the checkpoint was trained on, doubled
// windows included), the probe tokens are held-out windows of it, and
// the labels are lm.Corpus.Labels with the training stream's bigrams
// (with RepeatedProbe, the probe windows repeated and their repeat tokens
// labelled lm.Induction).
// Its nβ is 10⁴ rather than n/log n: on the model trained on Go source
// alone (n = 554,432 tokens, n/log n ≈ 4·10⁴) a step small enough for the
// step-bias check (ε = 2·10⁻⁶) left the chains unlocalized within the
// budget (E‖w − w*‖² still growing 1.5-fold over the run); at 10⁴ with
// γ = 1000 and ε = 10⁻⁵ they were localized, the step bias 0.02 and the
// loss 0.19 nats above L(w*) (docs/theory.md §5.7). The shipped model,
// with doubled windows, keeps these settings.
func New(s *checkpoint.Series, o Options) (setup *Setup, labels []lm.Label, err error) {
	o = o.WithDefaults()
	cfg, err := lm.ParseSeriesConfig(s)
	if err != nil {
		return nil, nil, err
	}
	c, ok := s.Last()
	if !ok {
		return nil, nil, errors.New("spectro: New: the series has no checkpoint")
	}
	if o.Windows < 0 || o.ProbeWindows < 0 {
		return nil, nil, errors.New("spectro: New: negative window count")
	}
	var train, probe *lm.Model
	switch o.Corpus {
	case CorpusPlanted:
		if o.RepeatedProbe {
			return nil, nil, errors.New("spectro: New: a repeated probe is for Go source (the planted probe has its own induction tokens)")
		}
		_, pc, _ := lm.PlantedDefaults()
		pc.Context = cfg.Model.Context
		if pc.VocabSize() != cfg.VocabSize {
			return nil, nil, fmt.Errorf("spectro: New: the checkpoint's vocabulary has %d tokens, the planted corpus %d", cfg.VocabSize, pc.VocabSize())
		}
		rng := rand.New(rand.NewPCG(o.Seed, 0x5bec))
		tok, _, _ := lm.Planted(rng, pc, o.Windows)
		train = lm.New(cfg.Model, cfg.VocabSize, tok)
		ptok, ind, _ := lm.Planted(rng, pc, o.ProbeWindows)
		probe = lm.New(cfg.Model, cfg.VocabSize, ptok)
		labels = make([]lm.Label, len(ind))
		for i, b := range ind {
			if b {
				labels[i] = lm.Induction
			}
		}
	case CorpusGoSource:
		corpus := lm.GoCorpus()
		trainAll, heldAll, err := lm.GoSplitOf(corpus, cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("spectro: New: %w", err)
		}
		T := trainAll.WindowLen()
		// Windows in sample order, repeats kept: a mixture's draws
		// (TrainConfig.Mix) weigh the data by repeating windows.
		tr, held := make([]int, trainAll.NumData()/T), heldAll.Windows()
		for j := range tr {
			tr[j], _ = trainAll.Sample(j * T)
		}
		if o.ProbeWindows == 0 {
			o.ProbeWindows = min(len(held), max(1, 512/T))
		}
		if o.ProbeWindows > len(held) || o.Windows > len(tr) {
			return nil, nil, fmt.Errorf("spectro: New: %d probe windows of %d held out, %d training windows of %d", o.ProbeWindows, len(held), o.Windows, len(tr))
		}
		if o.Windows > 0 {
			tr = tr[:o.Windows]
		}
		train, probe = trainAll.Subset(tr), trainAll.Subset(held[:o.ProbeWindows])
		if !o.RepeatedProbe {
			labels = corpus.Labels(probe, lm.NewBigram(train))
			break
		}
		rep, _, second, err := probe.Repeated(probe.FirstHalves())
		if err != nil {
			return nil, nil, fmt.Errorf("spectro: New: %w", err)
		}
		probe, labels = rep, make([]lm.Label, rep.NumData())
		for _, i := range second {
			labels[i] = lm.Induction
		}
	default:
		return nil, nil, fmt.Errorf("spectro: New: unknown corpus %q (want %q or %q)", o.Corpus, CorpusPlanted, CorpusGoSource)
	}
	bw := max(1, 512/train.WindowLen())
	if o.Corpus == CorpusPlanted {
		bw = 8
	}
	if bw*train.WindowLen() > train.NumData() {
		return nil, nil, fmt.Errorf("spectro: New: %d tokens to condition on, fewer than a minibatch of %d windows", train.NumData(), bw)
	}
	evalWindows := 16
	if o.Corpus == CorpusGoSource {
		evalWindows = max(1, 1024/train.WindowLen())
	}
	run := susc.Run{Chains: o.Chains, Draws: o.Draws, BurnIn: o.BurnIn, Thin: o.Thin, BatchSize: bw * train.WindowLen(),
		Seed: o.Seed, LossSubset: lm.EvalBatch(train, evalWindows)}
	if o.CRN {
		run.BatchSeed = seeds.Derive(o.Seed, 0xc0ffee) | 1 // never 0, which would mean "no CRN"
	}
	setup = &Setup{Train: train, Probe: probe, Center: c.Params, NBeta: o.NBeta, Gamma: o.Gamma,
		Kernel: susc.SGLD{Epsilon: o.Epsilon}, Run: run}
	return setup, labels, nil
}

// Flags returns, for each label set, whether it includes any label of
// want (for a single label: whether it has it).
func Flags(labels []lm.Label, want lm.Label) []bool {
	in := make([]bool, len(labels))
	for i, l := range labels {
		in[i] = l&want != 0
	}
	return in
}

// HeadSummary is what one column says about a labelled set of tokens.
type HeadSummary struct {
	Head string
	// Separation is the labelled tokens' mean minus the others' in the
	// column z-scores; Centred the same with rows centred as well (each
	// token's mean over heads removed); Control and ControlCentred the
	// same in the nβ = 0 control.
	Separation, Centred, Control, ControlCentred susc.Estimate
	// Ablated is the labelled tokens' mean loss with the head ablated.
	Ablated float64
}

// Summarize returns one HeadSummary per column of the sampled and control
// matrices (same components), for the tokens with in[i], with the losses
// ablated[k] of ablating column k's head.
func Summarize(sampled, control *structure.Matrix, in []bool, ablated []float64) []HeadSummary {
	out := make([]HeadSummary, len(sampled.Components))
	for k, name := range sampled.Components {
		out[k] = HeadSummary{Head: name, Separation: Separation(sampled, false, k, in), Centred: Separation(sampled, true, k, in),
			Control: Separation(control, false, k, in), ControlCentred: Separation(control, true, k, in)}
		if k < len(ablated) {
			out[k].Ablated = ablated[k]
		}
	}
	return out
}

// Experiment is the record of a run of New's experiment, as cmd/lmspectro
// writes it (package testdata holds one per corpus and one of the Go-source
// model on the repeated probe, each regenerated by that command).
type Experiment struct {
	Options       Options
	Engine        string  // lm.Engine of the run
	InductionLoss float64 // the induction-labelled probe tokens' mean loss at w*
	Heads         []HeadSummary
	Sampled       *structure.Matrix
	Control       *structure.Matrix
	// Slice, if not nil, is the first column sampled again with
	// SliceOptions: two chains and fewer draws, the prefixes of chains 0
	// and 1 of the full and first restricted runs of Sampled (a chain's
	// draws depend only on the seed and its index). A test re-runs it bit
	// for bit when re-running a whole column would take too long.
	Slice        *structure.Matrix `json:",omitempty"`
	SliceOptions *Options          `json:",omitempty"`
}
