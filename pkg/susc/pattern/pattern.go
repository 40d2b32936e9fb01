package pattern

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Config regularizes the pseudo-inverse and sets the feasible set.
type Config struct {
	// Rank keeps the Rank largest singular values of J; zero keeps all those
	// above RelTol · s_max.
	Rank int
	// RelTol is the relative singular value cut-off. Zero means 1e-10.
	RelTol float64
	// Damping is the Tikhonov parameter λ ≥ 0: 1/s becomes s/(s² + λ).
	Damping float64
	// Weights are the current mixture weights π over the patterns (a
	// probability vector, length = columns of J) when the base distribution
	// is itself the mixture q = Σ π_k q_k; the new weights are π + dh, which
	// must stay on the simplex (so Σ dh = 0). nil means the base q is not
	// among the patterns: q_h = (1 - Σ h) q + Σ h_k q_k with h ≥ 0 and Σ h ≤ 1.
	Weights []float64
	// Project, if set, replaces the scaled pseudo-inverse step by the
	// feasible dh that minimizes ||J_r dh - dμ||² + λ||dh||² (projected
	// gradient), J_r the rank-truncated J (the kept singular values only);
	// by default the pseudo-inverse direction is kept and scaled down until
	// feasible.
	Project bool
}

// Design is a designed data intervention.
type Design struct {
	// Unconstrained is the regularized pseudo-inverse solution J⁺ dμ.
	Unconstrained []float64
	// Dh is the feasible intervention; Scale is the factor applied to
	// Unconstrained (1 if it was feasible; 0 if no positive multiple is, as
	// when an entry is negative without Weights: then use Project; NaN when
	// Project was used).
	Dh    []float64
	Scale float64
	// Predicted is J dh, the linear-response prediction of the change in μ.
	Predicted []float64
	// Reachable is the fraction of the target that the feasible dh attains
	// in linear response: 1 - ||J dh - dμ|| / ||dμ||.
	Reachable float64
	// InRange is the fraction of ||dμ|| inside the range of J (the kept
	// singular directions): what any intervention could reach at all.
	InRange float64
	// Rank is the number of singular values used.
	Rank int
	// Weights are the new mixture weights (π + dh, or (1 - Σdh, dh...) when
	// Config.Weights is nil, base first).
	Weights []float64
}

// Solve designs the data intervention dh that produces the structural
// change target under the response matrix j.
func Solve(j mat.Matrix, target []float64, cfg Config) (*Design, error) {
	r, k := j.Dims()
	if len(target) != r {
		return nil, fmt.Errorf("pattern: Solve: target has length %d, J has %d rows", len(target), r)
	}
	if cfg.Damping < 0 || cfg.RelTol < 0 || cfg.Rank < 0 || math.IsNaN(cfg.Damping) || math.IsNaN(cfg.RelTol) {
		return nil, errors.New("pattern: Solve: negative or NaN Rank, RelTol or Damping")
	}
	for a := range r {
		if !finite(target[a]) {
			return nil, fmt.Errorf("pattern: Solve: target[%d] = %v is not finite", a, target[a])
		}
		for b := range k {
			if v := j.At(a, b); !finite(v) {
				return nil, fmt.Errorf("pattern: Solve: J[%d][%d] = %v is not finite", a, b, v)
			}
		}
	}
	if cfg.Weights != nil {
		if len(cfg.Weights) != k {
			return nil, fmt.Errorf("pattern: Solve: %d weights for %d patterns", len(cfg.Weights), k)
		}
		var s float64
		for _, w := range cfg.Weights {
			if w < 0 || math.IsNaN(w) {
				return nil, errors.New("pattern: Solve: weights must be ≥ 0")
			}
			s += w
		}
		if math.Abs(s-1) > 1e-9 {
			return nil, fmt.Errorf("pattern: Solve: weights sum to %v, want 1", s)
		}
	}
	// With weights only moves with Σ dh = 0 keep the total mass: work with
	// J P, P = I - 11ᵀ/k the projector onto them, so that the minimum-norm
	// solution, the range and the projected objective all respect it.
	jEff := j
	if cfg.Weights != nil {
		p := mat.NewDense(k, k, nil)
		for a := range k {
			for b := range k {
				v := -1 / float64(k)
				if a == b {
					v++
				}
				p.Set(a, b, v)
			}
		}
		var jp mat.Dense
		jp.Mul(j, p)
		jEff = &jp
	}
	var svd mat.SVD
	if !svd.Factorize(jEff, mat.SVDThin) {
		return nil, errors.New("pattern: Solve: SVD did not converge")
	}
	s := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	tol := cfg.RelTol
	if tol == 0 {
		tol = 1e-10
	}
	// The cut-off is relative to J itself, so that a J P that is zero up to
	// rounding has rank 0.
	scale := math.Max(s[0], mat.Norm(j, 2)/math.Sqrt(float64(min(r, k))))
	rank := 0
	for _, x := range s {
		if x > tol*scale {
			rank++
		}
	}
	if cfg.Rank > 0 {
		rank = min(rank, cfg.Rank)
	}
	if rank == 0 {
		return nil, errors.New("pattern: Solve: J is zero (on the moves the weights allow)")
	}
	// Unconstrained: V diag(s/(s²+λ)) Uᵀ dμ over the kept values; also the
	// part of dμ inside the kept range.
	res := &Design{Rank: rank, Unconstrained: make([]float64, k)}
	var inRange, tnorm float64
	for _, x := range target {
		tnorm += x * x
	}
	for m := range rank {
		var c float64
		for i := range r {
			c += u.At(i, m) * target[i]
		}
		inRange += c * c
		f := s[m] / (s[m]*s[m] + cfg.Damping) * c
		for a := range k {
			res.Unconstrained[a] += f * v.At(a, m)
		}
	}
	if tnorm > 0 {
		res.InRange = math.Sqrt(inRange / tnorm)
	}
	if cfg.Project {
		jr := jEff
		if rank < len(s) {
			// J_r = U_r diag(s_r) V_rᵀ: directions cut by the truncation
			// carry no weight in the objective.
			var t mat.Dense
			t.Mul(u.Slice(0, r, 0, rank), mat.NewDiagDense(rank, s[:rank]))
			var jt mat.Dense
			jt.Mul(&t, v.Slice(0, k, 0, rank).T())
			jr = &jt
		}
		res.Dh = projectedLS(jr, target, cfg, res.Unconstrained)
		res.Scale = math.NaN()
	} else {
		res.Scale = feasibleScale(res.Unconstrained, cfg.Weights)
		res.Dh = make([]float64, k)
		for a, x := range res.Unconstrained {
			res.Dh[a] = res.Scale * x
		}
	}
	res.Predicted = make([]float64, r)
	mat.NewVecDense(r, res.Predicted).MulVec(j, mat.NewVecDense(k, res.Dh))
	var miss float64
	for i := range target {
		miss += (res.Predicted[i] - target[i]) * (res.Predicted[i] - target[i])
	}
	if tnorm > 0 {
		res.Reachable = 1 - math.Sqrt(miss/tnorm)
	}
	res.Weights = newWeights(res.Dh, cfg.Weights)
	return res, nil
}

// Steepest returns the direction dh of Euclidean norm `norm` within
// Σ dh = 0 that raises j·dh most at the mixture weights pi (Config.Weights):
// Solve on the one-row response j with the target norm·‖j − mean(j)‖, so
// dh = norm (j − mean j)/‖j − mean j‖. It refuses a j that is flat across
// the patterns and a norm for which pi + dh or pi − dh leaves the simplex.
func Steepest(j, pi []float64, norm float64) ([]float64, error) {
	k := len(j)
	if len(pi) != k || k < 2 {
		return nil, errors.New("pattern: Steepest needs j and pi of the same length ≥ 2")
	}
	if !(norm > 0) || math.IsInf(norm, 0) {
		return nil, fmt.Errorf("pattern: Steepest: norm %v must be finite and positive", norm)
	}
	mean := stat.Mean(j, nil)
	var jp float64 // ‖j − mean‖
	for _, v := range j {
		jp += (v - mean) * (v - mean)
	}
	jp = math.Sqrt(jp)
	if !(jp > 0) || math.IsInf(jp, 0) {
		return nil, fmt.Errorf("pattern: j %v is flat or not finite across patterns", j)
	}
	d, err := Solve(mat.NewDense(1, k, append([]float64(nil), j...)), []float64{norm * jp}, Config{Weights: pi})
	if err != nil {
		return nil, err
	}
	for i, v := range d.Dh {
		if pi[i]-v < 0 || pi[i]+v < 0 {
			return nil, fmt.Errorf("pattern: norm %v: pi ± dh leaves the simplex (pi %v, dh %v)", norm, pi, d.Unconstrained)
		}
	}
	if d.Scale != 1 {
		return nil, fmt.Errorf("pattern: norm %v: pi ± dh leaves the simplex (pi %v, dh %v)", norm, pi, d.Unconstrained)
	}
	return d.Dh, nil
}

// newWeights returns the mixture weights after dh.
func newWeights(dh, pi []float64) []float64 {
	if pi != nil {
		w := make([]float64, len(pi))
		for a := range pi {
			w[a] = pi[a] + dh[a]
		}
		return w
	}
	var s float64
	for _, x := range dh {
		s += x
	}
	return append([]float64{1 - s}, dh...)
}

// feasibleScale returns the largest t ∈ [0, 1] keeping the weights valid
// after t·dh.
func feasibleScale(dh, pi []float64) float64 {
	t := 1.0
	if pi != nil {
		for a, x := range dh {
			if x < 0 {
				t = math.Min(t, pi[a]/-x)
			}
		}
		return t
	}
	var s float64
	for _, x := range dh {
		if x < 0 {
			return 0 // h ≥ 0 is violated for every t > 0
		}
		s += x
	}
	if s > 1 {
		t = 1 / s
	}
	return t
}

// projectedLS minimizes ||J dh - dμ||² + λ||dh||² over the feasible set by
// projected gradient descent with Nesterov momentum, from x0 projected.
func projectedLS(j mat.Matrix, target []float64, cfg Config, x0 []float64) []float64 {
	r, k := j.Dims()
	var jtj mat.SymDense
	jtj.SymOuterK(1, j.T())
	var svd mat.SVD
	svd.Factorize(&jtj, mat.SVDNone)
	lip := 2 * (svd.Values(nil)[0] + cfg.Damping)
	step := 1 / lip
	x := project(append([]float64(nil), x0...), cfg.Weights)
	y := append([]float64(nil), x...)
	prev := append([]float64(nil), x...)
	g := make([]float64, k)
	res := make([]float64, r)
	for it := 1; it <= 20000; it++ {
		// g = 2 Jᵀ(J y - dμ) + 2 λ y
		mat.NewVecDense(r, res).MulVec(j, mat.NewVecDense(k, y))
		for i := range res {
			res[i] -= target[i]
		}
		mat.NewVecDense(k, g).MulVec(j.T(), mat.NewVecDense(r, res))
		copy(prev, x)
		for a := range x {
			x[a] = y[a] - step*(2*g[a]+2*cfg.Damping*y[a])
		}
		x = project(x, cfg.Weights)
		// Stop on the gradient mapping ||x - y||: with momentum, x can stand
		// still while the look-ahead point y has not converged.
		var gm float64
		for a := range x {
			gm += (x[a] - y[a]) * (x[a] - y[a])
			y[a] = x[a] + float64(it-1)/float64(it+2)*(x[a]-prev[a])
		}
		if gm < 1e-32 {
			break
		}
	}
	return x
}

// project maps dh to the nearest feasible point: with weights π, π + dh on
// the simplex; without, h ≥ 0 and Σ h ≤ 1.
func project(dh, pi []float64) []float64 {
	if pi != nil {
		p := make([]float64, len(dh))
		for a := range dh {
			p[a] = pi[a] + dh[a]
		}
		p = simplexProject(p, 1)
		for a := range dh {
			dh[a] = p[a] - pi[a]
		}
		return dh
	}
	var s float64
	for a := range dh {
		dh[a] = math.Max(dh[a], 0)
		s += dh[a]
	}
	if s > 1 {
		return simplexProject(dh, 1)
	}
	return dh
}

// simplexProject returns the Euclidean projection of x onto
// {p ≥ 0, Σ p = z} (Held et al.; sort-based).
func simplexProject(x []float64, z float64) []float64 {
	u := append([]float64(nil), x...)
	sort.Sort(sort.Reverse(sort.Float64Slice(u)))
	var css, theta float64
	for i, v := range u {
		css += v
		if t := (css - z) / float64(i+1); v-t > 0 {
			theta = t
		}
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Max(v-theta, 0)
	}
	return out
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
