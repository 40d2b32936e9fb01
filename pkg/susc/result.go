package susc

import (
	"fmt"
	"math"
	"reflect"
	"sync"
)

var nan = math.NaN()

// LossName is the name of the built-in coordinate L_n(w), the full-batch
// mean loss at each draw; it always comes first.
const LossName = "loss"

// ObservableInfo locates one observable in the draw vector.
type ObservableInfo struct {
	Name    string `json:"name"`
	Offset  int    `json:"offset"`
	Dim     int    `json:"dim"`
	Samples []int  `json:"samples,omitempty"` // for per-sample losses: which samples
}

// Settings records the run that produced a Result.
type Settings struct {
	Chains     int    `json:"chains"`
	Draws      int    `json:"draws"`
	BurnIn     int    `json:"burn_in"`
	Thin       int    `json:"thin"`
	BatchSize  int    `json:"batch_size"`
	BatchBlock int    `json:"batch_block,omitempty"`
	Seed       uint64 `json:"seed"`
	BatchSeed  uint64 `json:"batch_seed,omitempty"`
	Batches    int    `json:"batches"`
	// LossSubset is Run.LossSubset: the samples of the "loss" coordinate
	// (nil: all).
	LossSubset []int `json:"loss_subset,omitempty"`
}

// KernelSettings records the kernel that produced a Result: its type name
// and its exported hyperparameters (numbers and flags by field name; a mask
// as the number of moving coordinates, "MaskActive").
type KernelSettings struct {
	Name     string             `json:"name"`
	Settings map[string]float64 `json:"settings,omitempty"`
}

// kernelSettings reads k's exported numeric and boolean fields.
func kernelSettings(k Kernel) KernelSettings {
	v := reflect.Indirect(reflect.ValueOf(k))
	ks := KernelSettings{Name: v.Type().Name(), Settings: map[string]float64{}}
	if v.Kind() != reflect.Struct {
		return ks
	}
	for i := range v.NumField() {
		f, t := v.Field(i), v.Type().Field(i)
		if !t.IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.Float32, reflect.Float64:
			ks.Settings[t.Name] = f.Float()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			ks.Settings[t.Name] = float64(f.Int())
		case reflect.Bool:
			if f.Bool() {
				ks.Settings[t.Name] = 1
			} else {
				ks.Settings[t.Name] = 0
			}
		case reflect.Slice:
			if mask, ok := f.Interface().([]bool); ok && mask != nil {
				n := 0
				for _, on := range mask {
					if on {
						n++
					}
				}
				ks.Settings[t.Name+"Active"] = float64(n)
			}
		}
	}
	return ks
}

// Chain holds what one chain produced.
type Chain struct {
	// Draws is the number of draws taken (less than Settings.Draws if the
	// chain stopped early) and Steps the number of steps.
	Draws, Steps int
	// Units are the streaming moments of the draw vector, one per batch of
	// consecutive draws (Settings.Batches of them).
	Units []*Moments
	// Trace holds the draw vectors row by row (Draws × DrawDim) when
	// KeepTrace.
	Trace []float64
	// MALASum / MALACount is the mean MALA acceptance probability; MALATrace
	// holds each draw's value when KeepTrace.
	MALASum   float64
	MALACount int
	MALATrace []float64
	// DistTrace holds ||w - w*|| at each draw, and DriftTrace,
	// LocalizationTrace and NoiseTrace the norms of the terms of the step
	// that produced the draw (Info), when KeepTrace; DistSq, DriftSq,
	// LocalizationSq and NoiseSq are their sums of squares over all draws,
	// always (docs/theory.md §8.7). A kernel that reports no norms (one
	// outside this package) leaves those three traces empty and sums zero.
	DistTrace, DriftTrace, LocalizationTrace, NoiseTrace []float64
	DistSq, DriftSq, LocalizationSq, NoiseSq             float64
	// PointMean[u][i], PointM2[u][i] and PointLogMeanExp[u][i] are, for
	// unit u (the draws of Units[u]) and sample i, the mean of l_i(w) over
	// the unit's draws, the sum of squared deviations from that mean, and
	// log((1/N_u) Σ exp(-l_i(w))); NaN for a unit without draws
	// (Run.PointStats, docs/theory.md §8.6; nil otherwise).
	PointMean, PointM2, PointLogMeanExp [][]float64
	// Diverged marks a chain stopped by a value that is not a number: a
	// non-finite loss (a *DivergenceError), a non-finite observable, or
	// co-moments that overflowed; estimators leave it out unless
	// Result.IncludeDiverged is set.
	Diverged bool `json:",omitempty"`
	// Err describes why the chain stopped early ("" if it did not).
	Err string
}

// Result is the output of Sample: per-chain streaming statistics of the
// draw vector (coordinate 0 is "loss", then the observables in order), with
// the posterior, kernel and run that made them. Estimators are methods and
// functions of a Result.
//
// A Result is read-only after Sample returns: its pooled statistics are
// computed once, on first use, and reused (so estimators in a loop cost
// little); changing Chains afterwards leaves them stale.
type Result struct {
	NBeta, Gamma float64
	PriorOnly    bool
	// WeightDecay is the posterior's δ (Posterior.WeightDecay).
	WeightDecay float64 `json:",omitempty"`
	// ModelDim is the model's number of parameters, NumData its number of
	// samples.
	ModelDim, NumData int
	Center            []float64
	// LossAtCenter is L_n(w*) (on Settings.LossSubset if set).
	LossAtCenter float64
	// DrawDim is the length of the draw vector: 1 (the loss) plus the
	// dimensions of the observables.
	DrawDim     int
	Observables []ObservableInfo
	Kernel      KernelSettings
	Settings    Settings
	Chains      []Chain
	// IncludeDiverged makes the estimators use the draws that diverged
	// chains took before they diverged; by default those chains are left
	// out (see Used).
	IncludeDiverged bool `json:",omitempty"`

	cache [2]pooledCache // by IncludeDiverged
}

// pooledCache holds what the estimators share, computed once.
type pooledCache struct {
	once   sync.Once
	pooled *Moments
	units  []*Moments
}

// Observable returns the layout of the named observable.
func (r *Result) Observable(name string) (ObservableInfo, error) {
	for _, o := range r.Observables {
		if o.Name == name {
			return o, nil
		}
	}
	names := make([]string, len(r.Observables))
	for i, o := range r.Observables {
		names[i] = o.Name
	}
	return ObservableInfo{}, fmt.Errorf("susc: no observable %q (have %v)", name, names)
}

// Coord returns the index in the draw vector of component i of the named
// observable.
func (r *Result) Coord(name string, i int) (int, error) {
	o, err := r.Observable(name)
	if err != nil {
		return 0, err
	}
	if i < 0 || i >= o.Dim {
		return 0, fmt.Errorf("susc: observable %q has dimension %d, index %d out of range", name, o.Dim, i)
	}
	return o.Offset + i, nil
}

// label names coordinate j of observable o.
func (o ObservableInfo) label(j int) string {
	if o.Samples != nil {
		return fmt.Sprintf("%s[%d]", o.Name, o.Samples[j])
	}
	if o.Dim == 1 {
		return o.Name
	}
	return fmt.Sprintf("%s[%d]", o.Name, j)
}

// Labels returns one label per component of the named observable.
func (r *Result) Labels(name string) ([]string, error) {
	o, err := r.Observable(name)
	if err != nil {
		return nil, err
	}
	l := make([]string, o.Dim)
	for j := range l {
		l[j] = o.label(j)
	}
	return l, nil
}

// Used returns the indices of the chains the estimators use: every chain
// with draws, except diverged ones unless IncludeDiverged is set.
func (r *Result) Used() []int {
	var used []int
	for c, ch := range r.Chains {
		if ch.Draws > 0 && (!ch.Diverged || r.IncludeDiverged) {
			used = append(used, c)
		}
	}
	return used
}

// stats returns the pooled moments and the standard-error units of the used
// chains, computing them on first use.
func (r *Result) stats() *pooledCache {
	pc := &r.cache[0]
	if r.IncludeDiverged {
		pc = &r.cache[1]
	}
	pc.once.Do(func() {
		pc.pooled = NewMoments(r.DrawDim)
		for _, c := range r.Used() {
			for _, u := range r.Chains[c].Units {
				pc.pooled.Merge(u)
				if u.N >= 2 {
					pc.units = append(pc.units, u)
				}
			}
		}
	})
	return pc
}

// Pooled returns the moments of all draws of the used chains together (see
// Used). The value is shared: read it, do not modify it (Clone it first).
func (r *Result) Pooled() *Moments { return r.stats().pooled }

// Units returns the independent accumulators behind every standard error:
// each batch of consecutive draws (Run.Batches per chain) of a used chain
// with at least two draws. The values are shared: read them only.
func (r *Result) Units() []*Moments { return r.stats().units }

// ChainMoments returns the moments of the draws of chain c.
func (r *Result) ChainMoments(c int) *Moments {
	all := NewMoments(r.DrawDim)
	for _, u := range r.Chains[c].Units {
		all.Merge(u)
	}
	return all
}

// NumDraws returns the total number of draws of the used chains.
func (r *Result) NumDraws() int {
	n := 0
	for _, c := range r.Used() {
		n += r.Chains[c].Draws
	}
	return n
}

// Trace returns the trace of component i of the named observable, one slice
// per chain (diverged chains included, up to their divergence); it needs
// Run.KeepTrace.
func (r *Result) Trace(name string, i int) ([][]float64, error) {
	j, err := r.Coord(name, i)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(r.Chains))
	for c, ch := range r.Chains {
		if ch.Draws > 0 && len(ch.Trace) == 0 {
			return nil, fmt.Errorf("susc: no trace kept; set Run.KeepTrace")
		}
		t := make([]float64, ch.Draws)
		for k := range t {
			t[k] = ch.Trace[k*r.DrawDim+j]
		}
		out[c] = t
	}
	return out, nil
}

// coordLabel names coordinate j of the draw vector, e.g. "l[4]".
func (r *Result) coordLabel(j int) string {
	for _, o := range r.Observables {
		if j >= o.Offset && j < o.Offset+o.Dim {
			return o.label(j - o.Offset)
		}
	}
	return fmt.Sprintf("#%d", j)
}
