package susc

import (
	"fmt"
	"reflect"
)

// Observable is a vector of functions of w evaluated at every draw of every
// chain. The runner concatenates all observables, after the built-in
// coordinate "loss" = L_n(w), into one vector whose co-moments it
// accumulates; estimators refer to observables by name.
type Observable interface {
	// Name identifies the observable in a Result. Names must be unique.
	Name() string
	// Dim is the number of values it writes.
	Dim() int
	// Observe writes the Dim values at w into dst. m is the chain's own
	// model (its replica when the model is a Replicator). Observe is called
	// concurrently from several chains and should not allocate.
	Observe(dst, w []float64, m Model)
}

// ObservableReplicator is implemented by observables with scratch memory;
// the runner calls Replicate once per chain and uses the copy from that
// chain's goroutine only.
type ObservableReplicator interface {
	Replicate() Observable
}

// binder is implemented by observables that depend on the sampled model:
// bind checks them against m and returns a copy for this Sample call, so
// that one value can be passed to concurrent calls.
type binder interface {
	bind(m Model) (Observable, error)
}

// lossUser is implemented by observables built on L_n(w): the driver
// passes it, computed once per draw (the draw's own "loss" coordinate when
// that is the full-batch loss).
type lossUser interface {
	observeWithLoss(dst, w []float64, m Model, loss float64)
}

// sampled is implemented by observables made of per-sample losses; it names
// the fixed samples, in order.
type sampled interface {
	samples() []int
}

// Func returns a scalar observable φ(w). f must be safe for concurrent use.
func Func(name string, f func(w []float64) float64) Observable {
	return funcObs{name: name, f: f}
}

type funcObs struct {
	name string
	f    func(w []float64) float64
}

func (o funcObs) Name() string                      { return o.name }
func (o funcObs) Dim() int                          { return 1 }
func (o funcObs) Observe(dst, w []float64, _ Model) { dst[0] = o.f(w) }

// VecFunc returns a vector observable of dimension dim; f writes φ(w) into
// dst. f must be safe for concurrent use and should not allocate.
func VecFunc(name string, dim int, f func(dst, w []float64)) Observable {
	return vecObs{name: name, dim: dim, f: f}
}

type vecObs struct {
	name string
	dim  int
	f    func(dst, w []float64)
}

func (o vecObs) Name() string                      { return o.name }
func (o vecObs) Dim() int                          { return o.dim }
func (o vecObs) Observe(dst, w []float64, _ Model) { o.f(dst, w) }

// Param returns the observable w_i (one parameter coordinate); Sample checks
// that i is a coordinate of the model.
func Param(name string, i int) Observable {
	return paramObs{name: name, i: i}
}

type paramObs struct {
	name string
	i    int
}

func (o paramObs) Name() string                      { return o.name }
func (o paramObs) Dim() int                          { return 1 }
func (o paramObs) Observe(dst, w []float64, _ Model) { dst[0] = w[o.i] }
func (o paramObs) bind(m Model) (Observable, error) {
	if o.i < 0 || o.i >= m.Dim() {
		return nil, fmt.Errorf("susc: observable %q: parameter index %d out of range [0, %d)", o.name, o.i, m.Dim())
	}
	return o, nil
}

// PointLosses returns the per-sample losses l_i(w) of the sampled model on
// the fixed samples idx (nil means all n samples). The model must be a
// PointLosser. Its covariances give the influence matrix.
func PointLosses(name string, idx []int) Observable {
	return &lossObs{name: name, idx: append([]int(nil), idx...), all: idx == nil}
}

type lossObs struct {
	name string
	idx  []int
	all  bool
}

func (o *lossObs) Name() string   { return o.name }
func (o *lossObs) Dim() int       { return len(o.idx) }
func (o *lossObs) samples() []int { return o.idx }
func (o *lossObs) Observe(dst, w []float64, m Model) {
	m.(PointLosser).PointLosses(dst, w, o.idx)
}

// bind returns a copy with idx == nil resolved to all samples of m, after
// checking that m can report them.
func (o *lossObs) bind(m Model) (Observable, error) {
	c, err := o.bound(m)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (o *lossObs) bound(m Model) (*lossObs, error) {
	if _, ok := m.(PointLosser); !ok {
		return nil, fmt.Errorf("susc: observable %q needs per-sample losses but the model is not a PointLosser", o.name)
	}
	n := m.NumData()
	c := &lossObs{name: o.name, idx: o.idx}
	if o.all {
		c.idx = make([]int, n)
		for i := range c.idx {
			c.idx[i] = i
		}
	}
	if len(c.idx) == 0 {
		return nil, fmt.Errorf("susc: observable %q has no samples", o.name)
	}
	for _, i := range c.idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("susc: observable %q: sample index %d out of range [0, %d)", o.name, i, n)
		}
	}
	return c, nil
}

// LossDelta returns ΔL(w) = L'(w) - L(w), the mean loss of a probe model
// (the same parameters on the probe data q') minus the mean loss of the
// sampled model. Its covariance with φ gives the susceptibility of φ to the
// perturbation q → q'. A probe with a Replicate method is replicated per chain.
func LossDelta(name string, probe Model) Observable {
	return lossDelta{name: name, probe: probe}
}

type lossDelta struct {
	name  string
	probe Model
}

func (o lossDelta) Name() string { return o.name }
func (o lossDelta) Dim() int     { return 1 }
func (o lossDelta) Observe(dst, w []float64, m Model) {
	o.observeWithLoss(dst, w, m, m.LossGrad(nil, w, nil))
}
func (o lossDelta) observeWithLoss(dst, w []float64, _ Model, loss float64) {
	dst[0] = o.probe.LossGrad(nil, w, nil) - loss
}
func (o lossDelta) Replicate() Observable {
	return lossDelta{name: o.name, probe: mustReplicate(o.probe)}
}

// LossDeltas returns the vector ΔL_k(w) = L_k(w) - L(w) for several probes
// q_1..q_K, the columns of the Jacobian J_ik = -nβ Cov(φ_i, L_k - L). The
// probes may be of any one model type (a []*toy.TMS, say).
func LossDeltas[M Model](name string, probes ...M) Observable {
	ps := make([]Model, len(probes))
	for k, p := range probes {
		ps[k] = p
	}
	return lossDeltas{name: name, probes: ps}
}

type lossDeltas struct {
	name   string
	probes []Model
}

func (o lossDeltas) Name() string { return o.name }
func (o lossDeltas) Dim() int     { return len(o.probes) }
func (o lossDeltas) Observe(dst, w []float64, m Model) {
	o.observeWithLoss(dst, w, m, m.LossGrad(nil, w, nil))
}
func (o lossDeltas) observeWithLoss(dst, w []float64, _ Model, base float64) {
	for k, p := range o.probes {
		dst[k] = p.LossGrad(nil, w, nil) - base
	}
}
func (o lossDeltas) Replicate() Observable {
	ps := make([]Model, len(o.probes))
	for k, p := range o.probes {
		ps[k] = mustReplicate(p)
	}
	return lossDeltas{name: o.name, probes: ps}
}

func (o lossDelta) bind(m Model) (Observable, error) { return o, checkProbe(o.name, m, o.probe) }

func (o lossDeltas) bind(m Model) (Observable, error) {
	if len(o.probes) == 0 {
		return nil, fmt.Errorf("susc: observable %q has no probes", o.name)
	}
	for _, p := range o.probes {
		if err := checkProbe(o.name, m, p); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// mustReplicate is Replicate for a probe that bind has already checked.
func mustReplicate(m Model) Model {
	c, err := Replicate(m)
	if err != nil {
		panic(err)
	}
	return c
}

func checkProbe(name string, m, probe Model) error {
	if probe == nil || isNil(reflect.ValueOf(probe)) {
		return fmt.Errorf("susc: observable %q: probe model is nil", name)
	}
	if _, err := Replicate(probe); err != nil {
		return fmt.Errorf("susc: observable %q: probe: %w", name, err)
	}
	if probe.Dim() != m.Dim() {
		return fmt.Errorf("susc: observable %q: probe has dimension %d, sampled model %d", name, probe.Dim(), m.Dim())
	}
	if probe.NumData() == 0 {
		return fmt.Errorf("susc: observable %q: probe has no data", name)
	}
	return nil
}

// SampleLossDeltas returns X_i(w) = l_i(w) - L_n(w) for the fixed samples idx
// (nil: all), the per-sample perturbation losses of the structural
// estimator: with them, a structural matrix has one row per sample (the
// per-sample susceptibility vectors). The model must be a PointLosser.
func SampleLossDeltas(name string, idx []int) Observable {
	return &sampleDeltaObs{lossObs{name: name, idx: append([]int(nil), idx...), all: idx == nil}}
}

type sampleDeltaObs struct{ lossObs }

func (o *sampleDeltaObs) bind(m Model) (Observable, error) {
	c, err := o.lossObs.bound(m)
	if err != nil {
		return nil, err
	}
	return &sampleDeltaObs{*c}, nil
}

func (o *sampleDeltaObs) Observe(dst, w []float64, m Model) {
	o.observeWithLoss(dst, w, m, m.LossGrad(nil, w, nil))
}
func (o *sampleDeltaObs) observeWithLoss(dst, w []float64, m Model, base float64) {
	m.(PointLosser).PointLosses(dst, w, o.idx)
	for i := range dst {
		dst[i] -= base
	}
}
