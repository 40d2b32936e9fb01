package susc

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Estimate is a Monte Carlo estimate and its standard error. The standard
// error is the spread of the same estimate over the independent units of
// the run (chains, times Run.Batches batches each) divided by √units; it is
// NaN with fewer than two units.
type Estimate struct {
	Value float64
	SE    float64
}

func (e Estimate) String() string { return fmt.Sprintf("%.6g ± %.2g", e.Value, e.SE) }

func (e Estimate) scale(a float64) Estimate { return Estimate{a * e.Value, math.Abs(a) * e.SE} }

// meanSE returns the mean of xs and its standard error sd/√len.
func meanSE(xs []float64) (mean, se float64) {
	if len(xs) == 0 {
		return nan, nan
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, nan
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}

// covSE returns the standard error of Cov(i, j) over units.
func covSE(units []*Moments, i, j int) float64 {
	xs := make([]float64, len(units))
	for k, u := range units {
		xs[k] = u.Cov(i, j)
	}
	_, se := meanSE(xs)
	return se
}

// Cov returns the covariance of draw coordinates i and j over all draws
// (see Coord), with its standard error.
func (r *Result) Cov(i, j int) Estimate {
	return Estimate{r.Pooled().Cov(i, j), covSE(r.Units(), i, j)}
}

// Mean returns the posterior mean of draw coordinate i with its standard
// error (spread of unit means).
func (r *Result) Mean(i int) Estimate {
	pooled, us := r.Pooled(), r.Units()
	xs := make([]float64, len(us))
	for k, u := range us {
		xs[k] = u.Mean[i]
	}
	_, se := meanSE(xs)
	if pooled.N == 0 {
		return Estimate{nan, se}
	}
	return Estimate{pooled.Mean[i], se}
}

// Susceptibility is the linear response of a posterior expectation <φ> to a
// data perturbation q → q_h = (1-h) q + h q' with loss change ΔL = L' - L
// (docs/theory.md §3.2). It stores the raw covariance; the susceptibility and the
// response are derived from it so that sign and factor cannot drift apart:
//
//	C = Cov(φ, ΔL),   χ = -C,   J = ∂<φ>_h/∂h = nβ χ = -nβ C.
type Susceptibility struct {
	Observable, Perturbation string
	NBeta                    float64
	// Cov is C = Cov(φ, ΔL).
	Cov Estimate
}

// Chi returns χ = -Cov(φ, ΔL), the susceptibility per unit nβ.
func (s Susceptibility) Chi() Estimate { return s.Cov.scale(-1) }

// Response returns J = ∂<φ>/∂h = -nβ Cov(φ, ΔL) (the FDT).
func (s Susceptibility) Response() Estimate { return s.Cov.scale(-s.NBeta) }

// Susceptibility returns the susceptibility of the scalar observable phi to
// the scalar perturbation observable dL (for example a LossDelta). For vector
// observables use SusceptibilityMatrix.
func (r *Result) Susceptibility(phi, dL string) (Susceptibility, error) {
	m, err := r.SusceptibilityMatrix(phi, dL)
	if err != nil {
		return Susceptibility{}, err
	}
	if len(m.Rows) != 1 || len(m.Cols) != 1 {
		return Susceptibility{}, fmt.Errorf("susc: Susceptibility needs scalar observables (%q has %d, %q has %d components); use SusceptibilityMatrix", phi, len(m.Rows), dL, len(m.Cols))
	}
	return m.At(0, 0), nil
}

// SusceptibilityMatrix holds Cov(φ_i, ΔL_k) for a vector of observables φ
// (rows) and a vector of perturbations ΔL_k = L_k - L (columns), with
// standard errors. Chi and Response derive χ = -Cov and J = -nβ Cov.
type SusceptibilityMatrix struct {
	NBeta      float64
	Rows, Cols []string
	Cov, CovSE *mat.Dense
}

// SusceptibilityMatrix returns the matrix of Cov(φ_i, ΔL_k) between the
// components of observables phi and dL.
func (r *Result) SusceptibilityMatrix(phi, dL string) (*SusceptibilityMatrix, error) {
	po, err := r.Observable(phi)
	if err != nil {
		return nil, err
	}
	do, err := r.Observable(dL)
	if err != nil {
		return nil, err
	}
	if r.NumDraws() < 2 {
		return nil, errors.New("susc: fewer than two draws")
	}
	pooled, us := r.Pooled(), r.Units()
	s := &SusceptibilityMatrix{NBeta: r.NBeta, Cov: mat.NewDense(po.Dim, do.Dim, nil), CovSE: mat.NewDense(po.Dim, do.Dim, nil)}
	for i := range po.Dim {
		s.Rows = append(s.Rows, po.label(i))
		for k := range do.Dim {
			a, b := po.Offset+i, do.Offset+k
			s.Cov.Set(i, k, pooled.Cov(a, b))
			s.CovSE.Set(i, k, covSE(us, a, b))
		}
	}
	for k := range do.Dim {
		s.Cols = append(s.Cols, do.label(k))
	}
	return s, nil
}

// CovCombination returns Σ_k a_k Cov(φ_i, ΔL_k), a combination of row i of
// SusceptibilityMatrix(phi, dL) such as a contrast of two perturbations,
// with its standard error: the spread over units of each unit's
// combination (docs/theory.md §8.1). The entries of a row come from the
// same draws, so their errors are correlated; this standard error counts
// that, where combining the entries' own standard errors would not.
// Multiply by −nβ for the response's combination.
func (r *Result) CovCombination(phi string, i int, dL string, a []float64) (Estimate, error) {
	po, err := r.Observable(phi)
	if err != nil {
		return Estimate{}, err
	}
	do, err := r.Observable(dL)
	if err != nil {
		return Estimate{}, err
	}
	if i < 0 || i >= po.Dim {
		return Estimate{}, fmt.Errorf("susc: observable %q has dimension %d, row %d out of range", phi, po.Dim, i)
	}
	if len(a) != do.Dim {
		return Estimate{}, fmt.Errorf("susc: %d weights for the %d components of %q", len(a), do.Dim, dL)
	}
	if r.NumDraws() < 2 {
		return Estimate{}, errors.New("susc: fewer than two draws")
	}
	combine := func(m *Moments) float64 {
		var v float64
		for k, ak := range a {
			if ak != 0 {
				v += ak * m.Cov(po.Offset+i, do.Offset+k)
			}
		}
		return v
	}
	us := r.Units()
	xs := make([]float64, len(us))
	for u, m := range us {
		xs[u] = combine(m)
	}
	_, se := meanSE(xs)
	return Estimate{combine(r.Pooled()), se}, nil
}

// At returns entry (i, k) as a Susceptibility.
func (s *SusceptibilityMatrix) At(i, k int) Susceptibility {
	return Susceptibility{Observable: s.Rows[i], Perturbation: s.Cols[k], NBeta: s.NBeta,
		Cov: Estimate{s.Cov.At(i, k), s.CovSE.At(i, k)}}
}

// Chi returns χ = -Cov and its standard error.
func (s *SusceptibilityMatrix) Chi() (value, se *mat.Dense) { return s.scaled(-1) }

// Response returns the Jacobian J = ∂<φ_i>/∂h_k = -nβ Cov(φ_i, L_k - L) and its
// standard error.
func (s *SusceptibilityMatrix) Response() (value, se *mat.Dense) { return s.scaled(-s.NBeta) }

func (s *SusceptibilityMatrix) scaled(a float64) (value, se *mat.Dense) {
	value, se = mat.DenseCopyOf(s.Cov), mat.DenseCopyOf(s.CovSE)
	value.Scale(a, value)
	se.Scale(math.Abs(a), se)
	return value, se
}

// BIF returns the Bayesian influence function of each sample of the
// per-sample loss observable losses on the scalar observable phi:
// BIF(z_i, φ) = -Cov(l_i, φ) (docs/theory.md §4.1; ∂<φ>/∂ε_i = β BIF with ε_i the
// weight change of sample i).
func (r *Result) BIF(losses, phi string) ([]Estimate, error) {
	m, err := r.SusceptibilityMatrix(losses, phi)
	if err != nil {
		return nil, err
	}
	if len(m.Cols) != 1 {
		return nil, fmt.Errorf("susc: BIF needs a scalar observable, %q has %d components", phi, len(m.Cols))
	}
	out := make([]Estimate, len(m.Rows))
	for i := range out {
		out[i] = Estimate{-m.Cov.At(i, 0), m.CovSE.At(i, 0)}
	}
	return out, nil
}

// InfluenceMatrix is the Bayesian influence matrix I_ij = -Cov(l_i, l_j)
// between per-sample losses (symmetric; note the minus sign), with standard
// errors. Samples lists the sample index of each row.
type InfluenceMatrix struct {
	Samples   []int
	Value, SE *mat.SymDense
}

// LossCorrelation is the normalized influence matrix: the Pearson
// correlation +Corr(l_i, l_j) (note the plus sign: it is NOT -I normalized
// with a sign flip hidden), with standard errors.
type LossCorrelation struct {
	Samples   []int
	Value, SE *mat.SymDense
}

// Influence returns the influence matrix of the per-sample loss observable
// named losses (see PointLosses).
func (r *Result) Influence(losses string) (*InfluenceMatrix, error) {
	o, pooled, us, err := r.lossBlock(losses)
	if err != nil {
		return nil, err
	}
	n := o.Dim
	v, se := mat.NewSymDense(n, nil), mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			a, b := o.Offset+i, o.Offset+j
			v.SetSym(i, j, -pooled.Cov(a, b))
			se.SetSym(i, j, covSE(us, a, b))
		}
	}
	return &InfluenceMatrix{Samples: o.Samples, Value: v, SE: se}, nil
}

// LossCorrelation returns Corr(l_i, l_j) for the per-sample loss observable
// named losses.
func (r *Result) LossCorrelation(losses string) (*LossCorrelation, error) {
	o, pooled, us, err := r.lossBlock(losses)
	if err != nil {
		return nil, err
	}
	n := o.Dim
	v, se := mat.NewSymDense(n, nil), mat.NewSymDense(n, nil)
	xs := make([]float64, len(us))
	for i := range n {
		for j := i; j < n; j++ {
			a, b := o.Offset+i, o.Offset+j
			v.SetSym(i, j, corr(pooled, a, b))
			for k, u := range us {
				xs[k] = corr(u, a, b)
			}
			_, s := meanSE(xs)
			se.SetSym(i, j, s)
		}
	}
	return &LossCorrelation{Samples: o.Samples, Value: v, SE: se}, nil
}

func corr(m *Moments, a, b int) float64 {
	return m.Cov(a, b) / math.Sqrt(m.Cov(a, a)*m.Cov(b, b))
}

func (r *Result) lossBlock(name string) (ObservableInfo, *Moments, []*Moments, error) {
	o, err := r.Observable(name)
	if err != nil {
		return o, nil, nil, err
	}
	if o.Samples == nil {
		return o, nil, nil, fmt.Errorf("susc: observable %q is not a per-sample loss observable (use PointLosses)", name)
	}
	if r.NumDraws() < 2 {
		return o, nil, nil, errors.New("susc: fewer than two draws")
	}
	return o, r.Pooled(), r.Units(), nil
}

// LLC is the local learning coefficient estimate (docs/theory.md §7.1):
//
//	λ̂_c = nβ ( mean over chain c's draws of L_n(w) - L_n(w*) )
//
// per chain; Mean and SE are over the used chains (SE = Std/√Used).
type LLC struct {
	NBeta float64
	// PerChain[c] is chain c's estimate: NaN for a chain without draws or
	// left out as diverged (see Result.Used).
	PerChain []float64
	Mean     float64
	SE       float64
	Std      float64
	// Used and Excluded count the chains averaged and the chains with draws
	// left out (diverged).
	Used, Excluded int
}

// LLC returns the local learning coefficient per chain and over the used
// chains.
func (r *Result) LLC() (LLC, error) {
	if r.PriorOnly {
		return LLC{}, errors.New("susc: the LLC needs nβ > 0 (this is a PriorOnly run)")
	}
	l := LLC{NBeta: r.NBeta, PerChain: make([]float64, len(r.Chains))}
	var used []float64
	for c := range l.PerChain {
		l.PerChain[c] = nan
	}
	for _, c := range r.Used() {
		m := r.ChainMoments(c)
		l.PerChain[c] = r.NBeta * (m.Mean[0] - r.LossAtCenter)
		used = append(used, l.PerChain[c])
	}
	l.Used = len(used)
	for _, ch := range r.Chains {
		if ch.Draws > 0 {
			l.Excluded++
		}
	}
	l.Excluded -= l.Used
	if l.Used == 0 {
		l.Mean, l.SE, l.Std = nan, nan, nan
		if l.Excluded > 0 {
			return l, fmt.Errorf("susc: no draws: all %d chains with draws diverged (set IncludeDiverged to use their draws)", l.Excluded)
		}
		return l, errors.New("susc: no draws")
	}
	l.Mean, l.SE = meanSE(used)
	l.Std = l.SE * math.Sqrt(float64(l.Used))
	return l, nil
}
