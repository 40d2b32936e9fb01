package structure

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/internal/seeds"
	"susclab/pkg/susc"
)

// Component names a set of parameters by a mask over all Dim() parameters.
type Component struct {
	Name string
	Mask []bool
}

// Components pairs names with masks: the components of Sample,
// from a model that lists its components without importing this package
// (for example structure.Components(tms.Components()) with a toy.TMS). It panics
// if the lengths differ.
func Components(names []string, masks [][]bool) []Component {
	if len(names) != len(masks) {
		panic("structure: Components: names and masks have different lengths")
	}
	cs := make([]Component, len(names))
	for i := range cs {
		cs[i] = Component{Name: names[i], Mask: masks[i]}
	}
	return cs
}

// Matrix is the matrix of χ̂_C(X_p): rows are data patterns p (the
// components of the perturbation observable X), columns are components C.
type Matrix struct {
	NBeta      float64
	Patterns   []string
	Components []string
	// Chi holds χ̂ and SE its standard error (restricted-chain units, plus the
	// full chain's uncertainty in E_full[X]).
	Chi, SE *mat.Dense
	// Terms, set by Sample, are the units' parts of every entry, for the
	// standard error of a combination of entries (LinearSE); nil in a
	// matrix assembled otherwise.
	Terms *UnitTerms
}

// UnitTerms are what each standard-error unit (docs/theory.md §8.1) gives
// the entries of a Matrix. Entries of one column share their runs' chains,
// and every column shares the full run, so their errors are correlated: a
// combination of entries has the standard error that LinearSE computes from
// these terms, not the one that treats entries as independent.
type UnitTerms struct {
	// Restricted[c] has a row per unit of component c's restricted run and
	// a column per pattern: the unit's E_C[(L - L*)X] - E_C[L - L*] E_full[X]
	// (E_full from the pooled full run); nil for a column not sampled or
	// without a unit of two draws.
	Restricted []*mat.Dense
	// Shift[c] is component c's pooled E_C[L - L*] (NaN if not sampled).
	Shift []float64
	// Full has a row per unit of the full run and a column per pattern: the
	// unit's mean of X.
	Full *mat.Dense
}

// Fits reports whether t holds terms for an r × c matrix: a Full matrix
// and a Shift per column, every matrix with r pattern columns and at least
// one unit (a column not sampled may have none).
func (t *UnitTerms) Fits(r, c int) bool {
	if t == nil || t.Full == nil || len(t.Restricted) != c || len(t.Shift) != c {
		return false
	}
	for _, m := range append([]*mat.Dense{t.Full}, t.Restricted...) {
		if m == nil {
			continue
		}
		if _, mc := m.Dims(); mc != r {
			return false
		}
	}
	return true
}

// LinearSE returns the standard error of Σ_pc w_pc χ̂_pc, w of Chi's shape
// (docs/theory.md §5.2, §5.7): the restricted runs are independent of each other
// and of the full run, so
//
//	SE² = Σ_c SE_units(Σ_p w_pc a_c,u,p)² + SE_units(Σ_p (Σ_c w_pc Shift_c) x̄_u,p)²,
//
// a_c,u the restricted units' terms and x̄_u the full run's unit means; for a
// single entry it is that entry's SE. It is NaN without Terms (or with terms
// of another shape), where w weighs a column that was not sampled, and with
// fewer than two units; it panics if w's shape differs from Chi's.
func (s *Matrix) LinearSE(w mat.Matrix) float64 {
	r, c := s.Chi.Dims()
	if wr, wc := w.Dims(); wr != r || wc != c {
		panic(fmt.Sprintf("structure: LinearSE: weights %d×%d for a %d×%d matrix", wr, wc, r, c))
	}
	t := s.Terms
	if !t.Fits(r, c) {
		return math.NaN()
	}
	var v float64
	full := make([]float64, r) // Σ_c w_pc Shift_c
	for k := range c {
		used := false
		for p := range r {
			if wk := w.At(p, k); wk != 0 {
				used = true
				full[p] += wk * t.Shift[k]
			}
		}
		if !used {
			continue
		}
		if t.Restricted[k] == nil {
			return math.NaN()
		}
		se := standardError(combine(t.Restricted[k], func(p int) float64 { return w.At(p, k) }))
		v += se * se
	}
	se := standardError(combine(t.Full, func(p int) float64 { return full[p] }))
	return math.Sqrt(v + se*se)
}

// combine returns Σ_p weight(p) x_up for each row u of x.
func combine(x *mat.Dense, weight func(p int) float64) []float64 {
	u, r := x.Dims()
	out := make([]float64, u)
	for i := range u {
		for p := range r {
			out[i] += weight(p) * x.At(i, p)
		}
	}
	return out
}

// Column returns χ̂_C(X_p) for every component p of the observable x, from
// a restricted chain of component C and the full chain. Both runs must
// sample the same posterior (nβ, γ, w*) and observe x; the restricted run's
// coordinate "loss" is L_n(w) at its draws.
func Column(restricted, full *susc.Result, x string) (chi, se []float64, err error) {
	chi, se, _, _, err = column(restricted, full, x)
	return chi, se, err
}

// column is Column with the units' terms: a (units × patterns, the
// restricted units' estimates), the pooled shift E_C[L - L*] and the full
// run's unit means fx (units × patterns).
func column(restricted, full *susc.Result, x string) (chi, se []float64, a *mat.Dense, shift float64, err error) {
	if restricted.NBeta != full.NBeta || restricted.Gamma != full.Gamma || restricted.PriorOnly != full.PriorOnly {
		return nil, nil, nil, 0, errors.New("structure: restricted and full runs sample different posteriors")
	}
	if !slices.Equal(restricted.Settings.LossSubset, full.Settings.LossSubset) {
		return nil, nil, nil, 0, errors.New("structure: restricted and full runs evaluate the loss on different subsets")
	}
	if len(restricted.Center) != len(full.Center) {
		return nil, nil, nil, 0, errors.New("structure: restricted and full runs have different dimensions")
	}
	for i := range restricted.Center {
		if restricted.Center[i] != full.Center[i] {
			return nil, nil, nil, 0, errors.New("structure: restricted and full runs have different centres w*")
		}
	}
	ro, err := restricted.Observable(x)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	fo, err := full.Observable(x)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	if ro.Dim != fo.Dim {
		return nil, nil, nil, 0, fmt.Errorf("structure: observable %q has %d components in the restricted run, %d in the full run", x, ro.Dim, fo.Dim)
	}
	if restricted.NumDraws() < 2 || full.NumDraws() < 2 {
		return nil, nil, nil, 0, errors.New("structure: fewer than two draws")
	}
	rp, fp := restricted.Pooled(), full.Pooled()
	rus, fus := restricted.Units(), full.Units()
	lstar := restricted.LossAtCenter
	chi, se = make([]float64, ro.Dim), make([]float64, ro.Dim)
	if len(rus) > 0 { // no unit with two draws: no terms, and NaN standard errors
		a = mat.NewDense(len(rus), ro.Dim, nil)
	}
	shift = rp.Mean[0] - lstar
	au := make([]float64, len(rus))
	fx := make([]float64, len(fus))
	for p := range ro.Dim {
		i, j := ro.Offset+p, fo.Offset+p
		eFull := fp.Mean[j]
		// E_C[(L - L*) X] - E_C[L - L*] E_full[X]
		//   = Cov_C(L, X) + (E_C[L] - L*)(E_C[X] - E_full[X]).
		est := func(m *susc.Moments) float64 {
			cov := m.M[i] / float64(m.N) // row 0 of M; biased form: the identity is exact in sample moments
			return cov + (m.Mean[0]-lstar)*(m.Mean[i]-eFull)
		}
		chi[p] = -est(rp)
		for u, m := range rus {
			au[u] = est(m)
			a.Set(u, p, au[u])
		}
		for u, m := range fus {
			fx[u] = m.Mean[j]
		}
		se[p] = math.Hypot(standardError(au), shift*standardError(fx))
	}
	return chi, se, a, shift, nil
}

// fullUnitMeans returns the full run's per-unit means of observable x
// (units × its components).
func fullUnitMeans(full *susc.Result, x string) *mat.Dense {
	fo, err := full.Observable(x)
	fus := full.Units()
	if err != nil || len(fus) == 0 {
		return nil
	}
	fx := mat.NewDense(len(fus), fo.Dim, nil)
	for u, m := range fus {
		for p := range fo.Dim {
			fx.Set(u, p, m.Mean[fo.Offset+p])
		}
	}
	return fx
}

// standardError returns sd(xs)/√len(xs), NaN for fewer than two values.
func standardError(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	return stat.StdDev(xs, nil) / math.Sqrt(float64(len(xs)))
}

// Sample runs the full chain and one restricted chain per component (the
// kernel masked to it) and returns the structural matrix of the
// perturbation observable x (rows: its components, the patterns). The runs
// share r except the seed: the full run uses r.Seed and component c a seed
// hashed from (r.Seed, c), so that runs with nearby seeds share no stream.
// The kernel must not already carry a mask. Every component is checked
// before any sampling. Chains that diverge are left out of each column
// (their runs' other chains are used) and their errors are returned with
// the matrix. If a run fails otherwise or ctx is cancelled, Sample returns
// the matrix with the columns finished so far (the others NaN) and the
// error; only invalid input returns no matrix.
func Sample(ctx context.Context, m susc.Model, p susc.Posterior, k susc.Kernel, r susc.Run, comps []Component, x susc.Observable, more ...susc.Observable) (*Matrix, error) {
	if len(comps) == 0 {
		return nil, errors.New("structure: no components")
	}
	if m == nil || k == nil || x == nil {
		return nil, errors.New("structure: nil model, kernel or observable")
	}
	if k.Masked() {
		return nil, errors.New("structure: the kernel already has a mask; the full chain must move every weight")
	}
	for _, comp := range comps {
		if len(comp.Mask) != m.Dim() {
			return nil, fmt.Errorf("structure: component %q: mask has length %d, model dimension %d", comp.Name, len(comp.Mask), m.Dim())
		}
		if !slices.Contains(comp.Mask, true) {
			return nil, fmt.Errorf("structure: component %q: mask selects no parameter", comp.Name)
		}
	}
	obs := append([]susc.Observable{x}, more...)
	full, err := susc.Sample(ctx, m, p, k, r, obs...)
	if full == nil {
		return nil, fmt.Errorf("structure: full chain: %w", err)
	}
	// The matrix is sized from the bound observable: PointLosses(name, nil)
	// and the like know their dimension only once bound to the model.
	o, _ := full.Observable(x.Name())
	s := &Matrix{NBeta: p.NBeta, Chi: mat.NewDense(o.Dim, len(comps), nil), SE: mat.NewDense(o.Dim, len(comps), nil),
		Terms: &UnitTerms{Restricted: make([]*mat.Dense, len(comps)), Shift: make([]float64, len(comps)), Full: fullUnitMeans(full, x.Name())}}
	s.Patterns, _ = full.Labels(x.Name())
	for c, comp := range comps {
		s.Components = append(s.Components, comp.Name)
		s.Terms.Shift[c] = math.NaN()
		for i := range o.Dim {
			s.Chi.Set(i, c, math.NaN())
			s.SE.Set(i, c, math.NaN())
		}
	}
	// A diverged chain is left out of the estimators (susc.Result.Used):
	// the matrix goes on, and the divergences come back with it.
	var errs []error
	if err != nil {
		if !onlyDivergences(err) {
			return s, fmt.Errorf("structure: full chain: %w", err)
		}
		errs = append(errs, fmt.Errorf("structure: full chain: %w", err))
	}
	for c, comp := range comps {
		rc := r
		rc.Seed = seeds.Derive(r.Seed, uint64(c)+0x5eed)
		// The restricted chain needs the gradient on its component only
		// (GradientMasker: the same draws, less work).
		res, err := susc.Sample(ctx, maskGradient(m, comp.Mask), p, k.WithMask(comp.Mask), rc, obs...)
		if err != nil {
			errs = append(errs, fmt.Errorf("structure: component %q: %w", comp.Name, err))
			if res == nil || !onlyDivergences(err) {
				return s, errors.Join(errs...)
			}
		}
		chi, se, a, shift, err := column(res, full, x.Name())
		if err != nil {
			return s, errors.Join(append(errs, err)...)
		}
		s.Chi.SetCol(c, chi)
		s.SE.SetCol(c, se)
		s.Terms.Restricted[c], s.Terms.Shift[c] = a, shift
	}
	return s, errors.Join(errs...)
}

// onlyDivergences reports whether err is made of *susc.DivergenceError
// alone (errors joined or wrapped).
func onlyDivergences(err error) bool {
	switch e := err.(type) {
	case nil:
		return true
	case *susc.DivergenceError:
		return true
	case interface{ Unwrap() []error }:
		for _, u := range e.Unwrap() {
			if !onlyDivergences(u) {
				return false
			}
		}
		return true
	case interface{ Unwrap() error }:
		return onlyDivergences(e.Unwrap())
	}
	return false
}

// GradientMasker is implemented by models that can compute the gradient on
// part of the coordinates only (lm.Model): after SetGradientMask(mask),
// LossGrad writes the gradient's entries where mask is true exactly as
// without the mask (the same bits) and 0 elsewhere, skipping work those
// entries do not need; nil restores the full gradient. The kernels read the
// gradient on the coordinates they move only, so Sample gives each
// restricted run a replica of such a model with its component's mask: the
// draws are the same, the steps cheaper.
type GradientMasker interface {
	SetGradientMask(mask []bool)
}

// maskGradient returns a replica of m (susc.Replicate) with the gradient
// masked to mask if m is a GradientMasker with a Replicate method, and m
// itself otherwise. m is not changed.
func maskGradient(m susc.Model, mask []bool) susc.Model {
	if _, ok := m.(GradientMasker); !ok || !reflect.ValueOf(m).MethodByName("Replicate").IsValid() {
		return m
	}
	r, err := susc.Replicate(m)
	if err != nil {
		return m
	}
	g, ok := r.(GradientMasker)
	if !ok {
		return m
	}
	g.SetGradientMask(mask)
	return r
}
