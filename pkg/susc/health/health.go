package health

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"susclab/pkg/susc"
)

// The verdicts, in the order of Report.Verdicts (docs/theory.md §8.7).
const (
	Diverged          = "diverged"
	NotLocalized      = "not localized"
	LossBelowCenter   = "loss below L(w*)"
	StepTooLarge      = "step too large"
	ChainsDisagree    = "chains disagree"
	FewEffectiveDraws = "too few effective draws"
)

// The thresholds of the verdicts (docs/theory.md §8.7). They are fixed,
// not options: a verdict means the same thing in every report.
const (
	// MaxDistanceGrowth bounds the ratio of the mean squared distance
	// ||w - w*||² over the second half of the draws to that over the
	// first half (geometric mean over chains).
	MaxDistanceGrowth = 1.5
	// LossZ is how many standard errors below zero the LLC must lie for
	// the loss to be below L(w*).
	LossZ = 3.0
	// MinMALA bounds the lowest chain's mean MALA acceptance.
	MinMALA = 0.9
	// MaxStepBias bounds the estimated mean relative variance bias of the
	// step (εk̄/4 for SGLD).
	MaxStepBias = 0.05
	// MaxRHat bounds R̂ over every coordinate of the draw vector.
	MaxRHat = 1.01
)

// Options says what precision the run was meant to reach. The zero value
// asks for the defaults below.
type Options struct {
	// RelSE is the standard error wanted for the posterior mean of every
	// coordinate of the draw vector, as a fraction of its posterior
	// standard deviation: SE/sd = 1/√ESS, so a coordinate needs
	// ESS ≥ 1/RelSE². Zero means 0.1 (ESS ≥ 100).
	RelSE float64
	// LLCSE, if > 0, is the standard error wanted for the LLC: the loss
	// coordinate then needs ESS ≥ (nβ sd(L_n) / LLCSE)² too.
	LLCSE float64
}

// Verdict is one named check of a Report: its statistic, the threshold it
// is compared with, and whether it fired.
type Verdict struct {
	// Name is one of the constants Diverged, NotLocalized, ….
	Name string
	// Fired reports a failing run; Evaluated is false when the Result lacks
	// what the check needs (Detail says what), and Fired is then false.
	Fired, Evaluated bool
	// Statistic is the number compared with Threshold: the one that
	// triggered the verdict when it fired (docs/theory.md §8.7).
	Statistic, Threshold float64
	// Detail says, in words, what was measured and where.
	Detail string
}

// ChainHealth is what a Report shows of one chain. The traces need
// susc.Run.KeepTrace (nil otherwise); Drift, Localization and Noise are
// also nil for a kernel that reports no norms.
type ChainHealth struct {
	// Draws is the chain's number of draws; Used whether the estimators
	// use it (susc.Result.Used); Diverged whether it diverged.
	Draws          int
	Used, Diverged bool
	// Loss is L_n(w) at each draw; Distance ||w - w*||.
	Loss, Distance []float64
	// Drift, Localization and Noise are the norms of the terms of each
	// draw's step (susc.Info).
	Drift, Localization, Noise []float64
	// MALA is the chain's mean MALA acceptance, NaN if not recorded.
	MALA float64
}

// Group is the worst R̂ and ESS over the coordinates of one observable of
// the draw vector ("loss" first).
type Group struct {
	Name string
	// RHat is the largest R̂ over the group's coordinates, at RHatAt (NaN
	// with fewer than two usable chains).
	RHat   float64
	RHatAt string
	// ESS is the smallest effective sample size, at ESSAt, and Required
	// the ESS the options ask for there (NaN without traces).
	ESS, Required float64
	ESSAt         string
}

// Report is the chain-health report of a Result (docs/theory.md §8.7).
type Report struct {
	Chains []ChainHealth
	Groups []Group
	// Verdicts holds every check, fired or not, in the order of the
	// constants Diverged … FewEffectiveDraws.
	Verdicts []Verdict
	// Kernel is the name of the kernel that made the run.
	Kernel string
}

// Fired returns the verdicts that fired.
func (r *Report) Fired() []Verdict {
	var out []Verdict
	for _, v := range r.Verdicts {
		if v.Fired {
			out = append(out, v)
		}
	}
	return out
}

// Healthy reports whether no verdict fired.
func (r *Report) Healthy() bool { return len(r.Fired()) == 0 }

// Verdict returns the verdict of the given name.
func (r *Report) Verdict(name string) (Verdict, bool) {
	for _, v := range r.Verdicts {
		if v.Name == name {
			return v, true
		}
	}
	return Verdict{}, false
}

// String is the report as a short table: one line per verdict, then R̂
// and ESS per group.
func (r *Report) String() string {
	var b strings.Builder
	used := 0
	for _, c := range r.Chains {
		if c.Used {
			used++
		}
	}
	fmt.Fprintf(&b, "chain health of %d chains (%d used), kernel %s:\n", len(r.Chains), used, r.Kernel)
	for _, v := range r.Verdicts {
		mark := "ok  "
		switch {
		case v.Fired:
			mark = "FAIL"
		case !v.Evaluated:
			mark = "n/a "
		}
		fmt.Fprintf(&b, "  %s %-24s %s\n", mark, v.Name, v.Detail)
	}
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "  %-12s max R̂ %.4g (%s)", g.Name, g.RHat, g.RHatAt)
		if !math.IsNaN(g.ESS) {
			fmt.Fprintf(&b, ", min ESS %.4g (%s; %.4g wanted)", g.ESS, g.ESSAt, g.Required)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Check returns the chain-health report of res: per chain the traces a
// chart shows (susc.Run.KeepTrace), per observable the worst R̂ and ESS,
// and the six verdicts of docs/theory.md §8.7 with the number behind each.
// A verdict whose statistic needs something the run did not keep (traces,
// MALA, step norms) is reported as not evaluated. It returns an error only
// for a Result without draws or options out of range.
func Check(res *susc.Result, o Options) (*Report, error) {
	switch {
	case res == nil || len(res.Chains) == 0 || res.DrawDim < 1:
		return nil, errors.New("health: empty result")
	case o.RelSE < 0 || math.IsNaN(o.RelSE) || math.IsInf(o.RelSE, 0) || o.LLCSE < 0 || math.IsNaN(o.LLCSE) || math.IsInf(o.LLCSE, 0):
		return nil, fmt.Errorf("health: options %+v, want finite values ≥ 0", o)
	}
	if o.RelSE == 0 {
		o.RelSE = 0.1
	}
	rep := &Report{Kernel: res.Kernel.Name}
	used := res.Used()
	for c, ch := range res.Chains {
		h := ChainHealth{Draws: ch.Draws, Used: slices.Contains(used, c), Diverged: ch.Diverged, MALA: math.NaN(),
			Distance: ch.DistTrace, Drift: ch.DriftTrace, Localization: ch.LocalizationTrace, Noise: ch.NoiseTrace}
		if ch.MALACount > 0 {
			h.MALA = ch.MALASum / float64(ch.MALACount)
		}
		if len(ch.Trace) > 0 && len(ch.Trace)/res.DrawDim >= ch.Draws {
			h.Loss = make([]float64, ch.Draws)
			for k := range h.Loss {
				h.Loss[k] = ch.Trace[k*res.DrawDim]
			}
		}
		rep.Chains = append(rep.Chains, h)
	}
	labels := coordLabels(res)
	rhat := rHats(res, used)
	ess, required := effective(res, used, o)
	for _, ob := range res.Observables {
		g := Group{Name: ob.Name, RHat: math.NaN(), ESS: math.NaN(), Required: math.NaN()}
		for j := ob.Offset; j < ob.Offset+ob.Dim && j < res.DrawDim; j++ {
			if v := rhat[j]; !math.IsNaN(v) && !(v <= g.RHat) {
				g.RHat, g.RHatAt = v, labels[j]
			}
			if ess != nil && !math.IsNaN(ess[j]) && (math.IsNaN(g.ESS) || ess[j]/required[j] < g.ESS/g.Required) {
				g.ESS, g.Required, g.ESSAt = ess[j], required[j], labels[j]
			}
		}
		rep.Groups = append(rep.Groups, g)
	}
	rep.Verdicts = []Verdict{
		diverged(res),
		notLocalized(res, used),
		lossBelow(res),
		stepTooLarge(res, used),
		disagree(rhat, labels),
		fewEffective(ess, required, labels),
	}
	return rep, nil
}

// coordLabels names every coordinate of the draw vector.
func coordLabels(res *susc.Result) []string {
	out := make([]string, res.DrawDim)
	for j := range out {
		out[j] = fmt.Sprintf("#%d", j)
	}
	for _, ob := range res.Observables {
		l, err := res.Labels(ob.Name)
		if err != nil {
			continue
		}
		for k, s := range l {
			if ob.Offset+k < len(out) {
				out[ob.Offset+k] = s
			}
		}
	}
	return out
}

func diverged(res *susc.Result) Verdict {
	v := Verdict{Name: Diverged, Evaluated: true, Threshold: 0}
	first := ""
	for c, ch := range res.Chains {
		if ch.Diverged {
			v.Statistic++
			if first == "" {
				first = fmt.Sprintf("chain %d: %s", c, ch.Err)
			}
		}
	}
	v.Fired = v.Statistic > 0
	v.Detail = fmt.Sprintf("%g of %d chains diverged", v.Statistic, len(res.Chains))
	if v.Fired {
		v.Detail += " (first: " + first + ")"
	}
	return v
}

// notLocalized compares the mean squared distance from w* over the second
// half of each chain's draws with that over the first half.
func notLocalized(res *susc.Result, used []int) Verdict {
	v := Verdict{Name: NotLocalized, Threshold: MaxDistanceGrowth}
	var gs []float64
	for _, c := range used {
		ch := &res.Chains[c]
		if ch.Draws < 8 || len(ch.DistTrace) != ch.Draws {
			continue
		}
		h := ch.Draws / 2
		var m1, m2 float64
		for k := range h {
			a, b := ch.DistTrace[k], ch.DistTrace[ch.Draws-h+k]
			m1 += a * a
			m2 += b * b
		}
		if m1 > 0 && m2 > 0 && !math.IsInf(m1, 0) && !math.IsInf(m2, 0) {
			gs = append(gs, math.Log(m2/m1))
		}
	}
	if len(gs) == 0 {
		v.Detail = "needs distance traces of at least 8 draws (Run.KeepTrace)"
		return v
	}
	v.Evaluated = true
	g, se := meanSE(gs)
	v.Statistic = math.Exp(g)
	significant := len(gs) < 2 || g > 3*se
	v.Fired = v.Statistic > MaxDistanceGrowth && significant
	v.Detail = fmt.Sprintf("E||w - w*||², second half of the draws over the first: %.3g (threshold %g; log ratio %.3g ± %.2g over %d chains)",
		v.Statistic, MaxDistanceGrowth, g, se, len(gs))
	return v
}

func lossBelow(res *susc.Result) Verdict {
	v := Verdict{Name: LossBelowCenter}
	llc, err := res.LLC()
	if err != nil {
		v.Detail = "no LLC: " + err.Error()
		return v
	}
	v.Evaluated = true
	v.Statistic = llc.Mean
	v.Threshold = -LossZ * llc.SE
	if math.IsNaN(llc.SE) {
		v.Threshold = 0
	}
	v.Fired = v.Statistic < v.Threshold
	v.Detail = fmt.Sprintf("λ̂ = nβ(E[L_n] - L(w*)) = %.4g ± %.2g (fires below %.3g)", llc.Mean, llc.SE, v.Threshold)
	if v.Fired {
		v.Detail += ": the draws' loss lies below L(w*), so w* is not a local minimum"
	}
	return v
}

// stepTooLarge looks at the MALA acceptance and the step-bias estimate.
func stepTooLarge(res *susc.Result, used []int) Verdict {
	v := Verdict{Name: StepTooLarge}
	minA, at := math.Inf(1), -1
	for _, c := range used {
		ch := &res.Chains[c]
		if ch.MALACount > 0 {
			if a := ch.MALASum / float64(ch.MALACount); a < minA {
				minA, at = a, c
			}
		}
	}
	var d2, n2 float64
	for _, c := range used {
		d2 += res.Chains[c].DriftSq
		n2 += res.Chains[c].NoiseSq
	}
	bias := math.NaN()
	if n2 > 0 {
		bias = d2 / n2
		if res.Kernel.Name == "SGNHT" {
			a := res.Kernel.Settings["Diffusion"]
			if a == 0 {
				a = 0.01
			}
			bias = a / 2 * (1 + d2/n2)
		}
	}
	var parts []string
	if at >= 0 {
		parts = append(parts, fmt.Sprintf("lowest mean MALA acceptance %.4g (chain %d; threshold %g)", minA, at, MinMALA))
	}
	if !math.IsNaN(bias) {
		parts = append(parts, fmt.Sprintf("step bias estimate %.3g (threshold %g)", bias, MaxStepBias))
	}
	if len(parts) == 0 {
		v.Detail = "needs Run.MALA or a kernel that reports its step's norms"
		return v
	}
	v.Evaluated = true
	v.Detail = strings.Join(parts, "; ")
	switch {
	case at >= 0 && minA < MinMALA:
		v.Fired, v.Statistic, v.Threshold = true, minA, MinMALA
	case bias > MaxStepBias:
		v.Fired, v.Statistic, v.Threshold = true, bias, MaxStepBias
	case !math.IsNaN(bias):
		v.Statistic, v.Threshold = bias, MaxStepBias
	default:
		v.Statistic, v.Threshold = minA, MinMALA
	}
	return v
}

func disagree(rhat []float64, labels []string) Verdict {
	v := Verdict{Name: ChainsDisagree, Threshold: MaxRHat, Statistic: math.NaN()}
	at := ""
	for j, x := range rhat {
		if !math.IsNaN(x) && !(x <= v.Statistic) {
			v.Statistic, at = x, labels[j]
		}
	}
	if math.IsNaN(v.Statistic) {
		v.Detail = "R̂ needs two used chains with two draws each, and a coordinate that varies"
		return v
	}
	v.Evaluated = true
	v.Fired = v.Statistic > MaxRHat
	v.Detail = fmt.Sprintf("largest R̂ %.4g at %s (threshold %g)", v.Statistic, at, MaxRHat)
	return v
}

func fewEffective(ess, required []float64, labels []string) Verdict {
	v := Verdict{Name: FewEffectiveDraws}
	if ess == nil {
		v.Detail = "ESS needs traces of at least 4 draws (Run.KeepTrace)"
		return v
	}
	worst := -1
	for j, e := range ess {
		if !math.IsNaN(e) && (worst < 0 || e/required[j] < ess[worst]/required[worst]) {
			worst = j
		}
	}
	if worst < 0 {
		v.Detail = "no coordinate varies"
		return v
	}
	v.Evaluated = true
	v.Statistic, v.Threshold = ess[worst], required[worst]
	v.Fired = v.Statistic < v.Threshold
	v.Detail = fmt.Sprintf("ESS %.4g at %s, %.4g wanted for the requested SE", v.Statistic, labels[worst], v.Threshold)
	return v
}

// rHats returns R̂ (docs/theory.md §8.3) of every coordinate from the used
// chains' moments, computed once per chain: NaN where fewer than two
// chains have two draws or a coordinate does not vary.
func rHats(res *susc.Result, used []int) []float64 {
	out := make([]float64, res.DrawDim)
	for j := range out {
		out[j] = math.NaN()
	}
	var ms []*susc.Moments
	n := math.MaxInt
	for _, c := range used {
		m := res.ChainMoments(c)
		if m.N < 2 {
			continue
		}
		ms = append(ms, m)
		n = min(n, m.N)
	}
	if len(ms) < 2 {
		return out
	}
	N := float64(n)
	means, vars := make([]float64, len(ms)), make([]float64, len(ms))
	for j := range out {
		for k, m := range ms {
			means[k], vars[k] = m.Mean[j], m.Cov(j, j)
		}
		w, _ := meanSE(vars)
		mu, _ := meanSE(means)
		var b float64
		for _, x := range means {
			b += (x - mu) * (x - mu)
		}
		b /= float64(len(ms) - 1)
		if w == 0 && b == 0 {
			continue
		}
		out[j] = math.Sqrt(((N-1)/N*w + b) / w)
	}
	return out
}

// effective returns the ESS of every coordinate from the used chains'
// traces (nil without them) and the ESS the options ask for.
func effective(res *susc.Result, used []int, o Options) (ess, required []float64) {
	var traces [][]float64
	n := math.MaxInt
	for _, c := range used {
		ch := &res.Chains[c]
		if ch.Draws < 4 || len(ch.Trace)/res.DrawDim < ch.Draws {
			continue
		}
		traces = append(traces, ch.Trace)
		n = min(n, ch.Draws)
	}
	if len(traces) == 0 {
		return nil, nil
	}
	d := res.DrawDim
	ess, required = make([]float64, d), make([]float64, d)
	x := make([][]float64, len(traces))
	for k := range x {
		x[k] = make([]float64, n)
	}
	for j := range d {
		for k, tr := range traces {
			for t := range n {
				x[k][t] = tr[t*d+j]
			}
		}
		ess[j] = susc.ESS(x)
		required[j] = 1 / (o.RelSE * o.RelSE)
	}
	if o.LLCSE > 0 && !res.PriorOnly {
		sd := math.Sqrt(res.Pooled().Cov(0, 0))
		required[0] = math.Max(required[0], math.Pow(res.NBeta*sd/o.LLCSE, 2))
	}
	return ess, required
}

// meanSE returns the mean of xs and its standard error (NaN for fewer than
// two values).
func meanSE(xs []float64) (float64, float64) {
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	if len(xs) < 2 {
		return m, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}
