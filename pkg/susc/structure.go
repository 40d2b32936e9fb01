package susc

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Structural susceptibilities (THEORY.md §4) pair model components with data
// patterns. A component C is a set of parameters; its structural observable
// φ_C = δ(u - u*)[L(w) - L(w*)] freezes everything outside C at w*. It takes
// two chains: a restricted chain that moves only C (a masked kernel) and the
// unrestricted ("full") chain. With X a perturbation loss (ΔL = L' - L for a
// probe distribution, or a single sample's loss minus L), the estimator is
//
//	χ̂_C(X) = -{ E_C[(L - L*) X] - E_C[L - L*] · E_full[X] }
//
// which converges to (Z/Z_C) χ_C: a per-component factor that does not
// depend on X. Raw columns of different components are therefore NOT
// comparable; standardize them (Standardize) before comparing. Because φ_C
// has zero gradient at w*, structural susceptibilities are O(1/(nβ)²).

// Component names a set of parameters by a mask over all Dim() parameters.
type Component struct {
	Name string
	Mask []bool
}

// StructuralMatrix is the matrix of χ̂_C(X_p): rows are data patterns p (the
// components of the perturbation observable X), columns are components C.
type StructuralMatrix struct {
	NBeta      float64
	Patterns   []string
	Components []string
	// Chi holds χ̂ and SE its standard error (restricted-chain units, plus the
	// full chain's uncertainty in E_full[X]).
	Chi, SE *mat.Dense
}

// StructuralColumn returns χ̂_C(X_p) for every component p of the
// observable x, from a restricted chain of component C and the full chain.
// Both runs must sample the same posterior (nβ, γ, w*) and observe x; the
// restricted run's coordinate "loss" is L_n(w) at its draws.
func StructuralColumn(restricted, full *Result, x string) (chi, se []float64, err error) {
	if restricted.NBeta != full.NBeta || restricted.Gamma != full.Gamma || restricted.PriorOnly != full.PriorOnly {
		return nil, nil, errors.New("susc: restricted and full runs sample different posteriors")
	}
	if len(restricted.Center) != len(full.Center) {
		return nil, nil, errors.New("susc: restricted and full runs have different dimensions")
	}
	for i := range restricted.Center {
		if restricted.Center[i] != full.Center[i] {
			return nil, nil, errors.New("susc: restricted and full runs have different centres w*")
		}
	}
	ro, err := restricted.Observable(x)
	if err != nil {
		return nil, nil, err
	}
	fo, err := full.Observable(x)
	if err != nil {
		return nil, nil, err
	}
	if ro.Dim != fo.Dim {
		return nil, nil, fmt.Errorf("susc: observable %q has %d components in the restricted run, %d in the full run", x, ro.Dim, fo.Dim)
	}
	if restricted.NumDraws() < 2 || full.NumDraws() < 2 {
		return nil, nil, errors.New("susc: fewer than two draws")
	}
	rp, fp := restricted.Pooled(), full.Pooled()
	rus, fus := restricted.units(), full.units()
	lstar := restricted.LossAtCenter
	chi, se = make([]float64, ro.Dim), make([]float64, ro.Dim)
	a := make([]float64, len(rus))
	fx := make([]float64, len(fus))
	for p := range ro.Dim {
		i, j := ro.Offset+p, fo.Offset+p
		eFull := fp.Mean[j]
		// E_C[(L - L*) X] - E_C[L - L*] E_full[X]
		//   = Cov_C(L, X) + (E_C[L] - L*)(E_C[X] - E_full[X]).
		est := func(m *Moments) float64 {
			n := float64(m.N)
			cov := m.M[0*restricted.D+i] / n // biased form: the identity is exact in sample moments
			return cov + (m.Mean[0]-lstar)*(m.Mean[i]-eFull)
		}
		chi[p] = -est(rp)
		for u, m := range rus {
			a[u] = est(m)
		}
		_, seR := meanSE(a)
		for u, m := range fus {
			fx[u] = m.Mean[j]
		}
		_, seF := meanSE(fx)
		se[p] = math.Hypot(seR, (rp.Mean[0]-lstar)*seF)
	}
	return chi, se, nil
}

// Masker is a kernel that can be restricted to a component.
type Masker interface {
	Kernel
	// WithMask returns the same kernel moving only the coordinates where mask
	// is true.
	WithMask(mask []bool) Kernel
}

// WithMask implements Masker.
func (k SGLD) WithMask(mask []bool) Kernel { k.Mask = mask; return k }

// WithMask implements Masker.
func (k RMSPropSGLD) WithMask(mask []bool) Kernel { k.Mask = mask; return k }

// SampleStructure runs the full chain and one restricted chain per
// component (the kernel masked to it) and returns the structural matrix of
// the perturbation observable x (rows: its components, the patterns). The
// runs share r except the seed: the full run uses r.Seed and component c the
// seed componentSeed(r.Seed, c), a hash, so that runs with nearby seeds share
// no stream. The kernel must not already carry a mask.
func SampleStructure(ctx context.Context, m Model, p Posterior, k Masker, r Run, comps []Component, x Observable, more ...Observable) (*StructuralMatrix, error) {
	if len(comps) == 0 {
		return nil, errors.New("susc: no components")
	}
	switch kk := k.(type) {
	case SGLD:
		if kk.Mask != nil {
			return nil, errors.New("susc: SampleStructure: the kernel already has a mask; the full chain must move every weight")
		}
	case RMSPropSGLD:
		if kk.Mask != nil {
			return nil, errors.New("susc: SampleStructure: the kernel already has a mask; the full chain must move every weight")
		}
	}
	obs := append([]Observable{x}, more...)
	full, err := Sample(ctx, m, p, k, r, obs...)
	if err != nil {
		return nil, fmt.Errorf("susc: full chain: %w", err)
	}
	labels, _ := full.Labels(x.Name())
	s := &StructuralMatrix{NBeta: p.NBeta, Patterns: labels,
		Chi: mat.NewDense(x.Dim(), len(comps), nil), SE: mat.NewDense(x.Dim(), len(comps), nil)}
	for c, comp := range comps {
		if len(comp.Mask) != m.Dim() {
			return nil, fmt.Errorf("susc: component %q: mask has length %d, model dimension %d", comp.Name, len(comp.Mask), m.Dim())
		}
		rc := r
		rc.Seed = componentSeed(r.Seed, c)
		res, err := Sample(ctx, m, p, k.WithMask(comp.Mask), rc, obs...)
		if err != nil {
			return nil, fmt.Errorf("susc: component %q: %w", comp.Name, err)
		}
		chi, se, err := StructuralColumn(res, full, x.Name())
		if err != nil {
			return nil, err
		}
		s.Components = append(s.Components, comp.Name)
		s.Chi.SetCol(c, chi)
		s.SE.SetCol(c, se)
	}
	return s, nil
}

// componentSeed is the seed of component c's restricted run in SampleStructure.
func componentSeed(seed uint64, c int) uint64 {
	return splitmix(seed ^ splitmix(uint64(c)+0x5eed))
}
