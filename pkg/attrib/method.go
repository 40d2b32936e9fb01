// Copyright ©2026 The susclab Authors.

package attrib

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
)

// Method is an attribution method. Scores returns its N×Q matrix for the
// samples of the training model (rows, all of them in order) and the
// queries (columns), in the sign and scale of docs/theory.md §4.4. A method
// holds what it needs besides the data: trained weights, checkpoints, or a
// posterior and a sampler.
type Method interface {
	Scores(ctx context.Context, train susc.Model, q Query) (*Scores, error)
}

// InfluenceFunction is the classical, damped influence function
// (docs/theory.md §4.3, §4.4): with H_sum = n ∇²L_n(W) the Hessian of the
// summed training loss at the trained weights W,
//
//	τ(i, q) = ∇φ_q(W)ᵀ (H_sum + λI)⁻¹ ∇l_i(W),
//
// the first-order change of φ_q when the weight of l_i in Σ_j l_j goes from 1
// to 0 and the loss is minimized again (Newton step from W). λ = Damping.
//
// The default path forms H_sum + λI and factorizes it (Cholesky): Hessian,
// if set, is ∇²L_n of the MEAN loss at W (exact for models that provide one,
// such as LinearRegression.Hessian); if nil it is computed by susc.Hessian,
// central differences of the full-batch gradient (2d gradients, exact up to
// O(h²) for smooth losses). CG selects the Hessian-free path for larger
// models: for each query it solves (H_sum + λI) x = ∇φ_q by conjugate
// gradients, with Hessian-vector products by central differences of the
// gradient, Hv ≈ (∇L_n(W + tv) - ∇L_n(W - tv))/2t with t = 10⁻⁵·max(1, |W|∞)/|v|∞
// (two gradients each), and scores τ(i, q) = ∇l_iᵀx. Both paths return an
// error if H_sum + λI is not positive definite (at a point that is not a
// minimum, or along an exact symmetry without damping): raise Damping.
//
// The zero value is not usable: W is required.
type InfluenceFunction struct {
	// W are the trained weights w*.
	W []float64
	// Damping λ ≥ 0 is added to H_sum (not to the Hessian of the mean loss).
	Damping float64
	// Hessian is ∇²L_n at W (d×d), or nil; not used by CG.
	Hessian mat.Symmetric
	// CG selects the Hessian-free conjugate-gradient solver.
	CG bool
	// Tol stops CG when ||r|| ≤ Tol·||∇φ_q||; 0 means 1e-10.
	Tol float64
	// MaxIter bounds the CG iterations per query; 0 means 10d. Not
	// converging within it is an error.
	MaxIter int
}

func (f InfluenceFunction) name() string {
	s := fmt.Sprintf("IF λ=%g", f.Damping)
	if f.CG {
		s += " (CG)"
	}
	return s
}

// Scores returns the damped influence function of every training sample on
// every query.
func (f InfluenceFunction) Scores(ctx context.Context, train susc.Model, q Query) (*Scores, error) {
	if err := checkTrain(train, f.W); err != nil {
		return nil, err
	}
	if err := q.validate(train.Dim()); err != nil {
		return nil, err
	}
	if !(f.Damping >= 0) || math.IsInf(f.Damping, 0) {
		return nil, fmt.Errorf("attrib: damping %v, want finite and ≥ 0", f.Damping)
	}
	if f.Tol < 0 || f.MaxIter < 0 {
		return nil, errors.New("attrib: negative Tol or MaxIter")
	}
	d, n := train.Dim(), train.NumData()
	if f.Hessian != nil && !f.CG && f.Hessian.SymmetricDim() != d {
		return nil, fmt.Errorf("attrib: Hessian is %d×%d for a model of %d parameters", f.Hessian.SymmetricDim(), f.Hessian.SymmetricDim(), d)
	}
	g, err := Gradients(nil, train, f.W, nil)
	if err != nil {
		return nil, err
	}
	gq, err := Gradients(nil, q.Model, f.W, q.indices())
	if err != nil {
		return nil, err
	}
	nq, _ := gq.Dims()
	x := mat.NewDense(d, nq, nil) // column q: (H_sum + λI)⁻¹ ∇φ_q
	if f.CG {
		if err := f.solveCG(ctx, x, train, gq); err != nil {
			return nil, err
		}
	} else {
		h := f.Hessian
		if h == nil {
			if h, err = hessian(train, f.W); err != nil {
				return nil, err
			}
		}
		a := mat.NewSymDense(d, nil)
		a.ScaleSym(float64(n), h)
		for k := range d {
			a.SetSym(k, k, a.At(k, k)+f.Damping)
		}
		var chol mat.Cholesky
		if !chol.Factorize(a) {
			return nil, fmt.Errorf("attrib: H_sum + λI is not positive definite at λ = %g (raise Damping)", f.Damping)
		}
		if err := chol.SolveTo(x, gq.T()); err != nil {
			return nil, fmt.Errorf("attrib: solving with H_sum + λI: %v", err)
		}
	}
	s := newScores(f.name(), n, nq)
	s.Matrix().Mul(g, x)
	return s, s.Validate()
}

// hessian is susc.Hessian with its panics (non-finite gradients) as errors.
func hessian(m susc.Model, w []float64) (h *mat.SymDense, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("attrib: Hessian: %v", r)
		}
	}()
	return susc.Hessian(nil, m, w), nil
}

// solveCG writes (H_sum + λI)⁻¹ ∇φ_q into column q of x for every row q of gq.
func (f InfluenceFunction) solveCG(ctx context.Context, x *mat.Dense, m susc.Model, gq *mat.Dense) error {
	d, n := m.Dim(), float64(m.NumData())
	tol, maxIter := f.Tol, f.MaxIter
	if tol == 0 {
		tol = 1e-10
	}
	if maxIter == 0 {
		maxIter = 10 * d
	}
	var wmax float64
	for _, v := range f.W {
		wmax = math.Max(wmax, math.Abs(v))
	}
	step := 1e-5 * math.Max(1, wmax)
	wp, gp, gm := make([]float64, d), make([]float64, d), make([]float64, d)
	// av sets dst = (n H + λI) v by central differences of the gradient.
	av := func(dst, v []float64) error {
		var vmax float64
		for _, e := range v {
			vmax = math.Max(vmax, math.Abs(e))
		}
		if vmax == 0 {
			clear(dst)
			return nil
		}
		t := step / vmax
		for k := range wp {
			wp[k] = f.W[k] + t*v[k]
		}
		m.LossGrad(gp, wp, nil)
		for k := range wp {
			wp[k] = f.W[k] - t*v[k]
		}
		m.LossGrad(gm, wp, nil)
		for k := range dst {
			dst[k] = n*(gp[k]-gm[k])/(2*t) + f.Damping*v[k]
			if math.IsNaN(dst[k]) || math.IsInf(dst[k], 0) {
				return errors.New("attrib: CG: Hessian-vector product not finite")
			}
		}
		return nil
	}
	sol, r, p, ap := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	rows, _ := gq.Dims()
	for q := range rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := gq.RawRowView(q)
		clear(sol)
		copy(r, b)
		copy(p, b)
		rr := dot(r, r)
		bnorm := math.Sqrt(rr)
		it := 0
		for ; math.Sqrt(rr) > tol*bnorm; it++ {
			if it == maxIter {
				return fmt.Errorf("attrib: CG did not converge in %d iterations for query %d (relative residual %.2g)", maxIter, q, math.Sqrt(rr)/bnorm)
			}
			if err := av(ap, p); err != nil {
				return err
			}
			pap := dot(p, ap)
			if !(pap > 0) {
				return fmt.Errorf("attrib: CG: H_sum + λI is not positive definite at λ = %g (raise Damping)", f.Damping)
			}
			alpha := rr / pap
			for k := range sol {
				sol[k] += alpha * p[k]
				r[k] -= alpha * ap[k]
			}
			rrNew := dot(r, r)
			beta := rrNew / rr
			rr = rrNew
			for k := range p {
				p[k] = r[k] + beta*p[k]
			}
		}
		x.SetCol(q, sol)
	}
	return nil
}

func dot(a, b []float64) float64 {
	var s float64
	for k, v := range a {
		s += v * b[k]
	}
	return s
}

// GradientSimilarity scores by the similarity of per-sample gradients at
// the trained weights W (docs/theory.md §4.4):
//
//	dot:     τ(i, q) = ∇l_i(W)ᵀ∇φ_q(W) / n,
//	cosine:  τ(i, q) = cos(∇l_i(W), ∇φ_q(W))   (0 where a gradient vanishes).
//
// The dot product is the influence function with H_sum replaced by nI: the
// first-order change of φ_q when sample i leaves one full-batch gradient step
// of unit learning rate on L_n. The cosine has no scale; only its ranks
// compare with the other methods (as in the LDS).
//
// The zero value is not usable: W is required.
type GradientSimilarity struct {
	W      []float64
	Cosine bool
}

// Scores returns the gradient similarity of every training sample and query.
func (f GradientSimilarity) Scores(ctx context.Context, train susc.Model, q Query) (*Scores, error) {
	if err := checkTrain(train, f.W); err != nil {
		return nil, err
	}
	if err := q.validate(train.Dim()); err != nil {
		return nil, err
	}
	g, err := Gradients(nil, train, f.W, nil)
	if err != nil {
		return nil, err
	}
	gq, err := Gradients(nil, q.Model, f.W, q.indices())
	if err != nil {
		return nil, err
	}
	n := train.NumData()
	nq, _ := gq.Dims()
	name := "grad dot"
	if f.Cosine {
		name = "grad cosine"
		normalizeRows(g)
		normalizeRows(gq)
	}
	s := newScores(name, n, nq)
	m := s.Matrix()
	m.Mul(g, gq.T())
	if !f.Cosine {
		m.Scale(1/float64(n), m)
	}
	return s, s.Validate()
}

// normalizeRows scales every non-zero row of a to unit length.
func normalizeRows(a *mat.Dense) {
	r, _ := a.Dims()
	for i := range r {
		row := a.RawRowView(i)
		if nrm := math.Sqrt(dot(row, row)); nrm > 0 {
			for k := range row {
				row[k] /= nrm
			}
		}
	}
}
