package susc

import (
	"fmt"
	"math"
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
	Chains    int    `json:"chains"`
	Draws     int    `json:"draws"`
	BurnIn    int    `json:"burn_in"`
	Thin      int    `json:"thin"`
	BatchSize int    `json:"batch_size"`
	Seed      uint64 `json:"seed"`
	Batches   int    `json:"batches"`
}

// Chain holds what one chain produced.
type Chain struct {
	// Draws is the number of draws taken (less than Settings.Draws if the
	// chain diverged or was cancelled) and Steps the number of steps.
	Draws, Steps int
	// Units are the streaming moments of the draw vector, one per batch of
	// consecutive draws (Settings.Batches of them).
	Units []*Moments
	// Trace holds the draw vectors row by row (Draws × D) when KeepTrace.
	Trace []float64
	// MALASum / MALACount is the mean MALA acceptance probability; MALATrace
	// holds each draw's value when KeepTrace.
	MALASum   float64
	MALACount int
	MALATrace []float64
	// Err describes why the chain stopped early ("" if it did not).
	Err string
}

// Result is the output of Sample: per-chain streaming statistics of the
// draw vector (coordinate 0 is "loss", then the observables in order).
// Estimators are methods and functions of a Result.
type Result struct {
	NBeta, Gamma float64
	PriorOnly    bool
	Dim, NumData int
	Center       []float64
	// LossAtCenter is L_n(w*).
	LossAtCenter float64
	// D is the length of the draw vector.
	D           int
	Observables []ObservableInfo
	Settings    Settings
	Chains      []Chain
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

// Pooled returns the moments of all draws of all chains together.
func (r *Result) Pooled() *Moments {
	all := NewMoments(r.D)
	for _, c := range r.Chains {
		for _, u := range c.Units {
			all.Merge(u)
		}
	}
	return all
}

// ChainMoments returns the moments of the draws of chain c.
func (r *Result) ChainMoments(c int) *Moments {
	all := NewMoments(r.D)
	for _, u := range r.Chains[c].Units {
		all.Merge(u)
	}
	return all
}

// units returns the non-trivial accumulators used for standard errors:
// every (chain, batch) with at least two draws.
func (r *Result) units() []*Moments {
	var us []*Moments
	for _, c := range r.Chains {
		for _, u := range c.Units {
			if u.N >= 2 {
				us = append(us, u)
			}
		}
	}
	return us
}

// NumDraws returns the total number of draws over all chains.
func (r *Result) NumDraws() int {
	n := 0
	for _, c := range r.Chains {
		n += c.Draws
	}
	return n
}

// Trace returns the trace of coordinate j (see Coord) of each chain; it
// needs Run.KeepTrace.
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
			t[k] = ch.Trace[k*r.D+j]
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
