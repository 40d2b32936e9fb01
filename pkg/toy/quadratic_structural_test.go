package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// gaussian draws from N(0, Σ) by a Cholesky factor.
type gaussian struct {
	l   mat.TriDense
	rng *rand.Rand
}

func newGaussian(sigma *mat.SymDense, rng *rand.Rand) (*gaussian, bool) {
	var ch mat.Cholesky
	if !ch.Factorize(sigma) {
		return nil, false
	}
	g := &gaussian{rng: rng}
	ch.LTo(&g.l)
	return g, true
}

func (g *gaussian) Rand(dst []float64) {
	n := len(dst)
	z := make([]float64, n)
	for i := range z {
		z[i] = g.rng.NormFloat64()
	}
	for i := range n {
		var s float64
		for j := 0; j <= i; j++ {
			s += g.l.At(i, j) * z[j]
		}
		dst[i] = s
	}
}

// QuadraticStructural against the estimator's definition evaluated on exact
// Gaussian draws (no SGLD): -{E_C[L X] - E_C[L] E_F[X]} with c ~ N(0, Σ_C)
// on the component (zero elsewhere) and w ~ N(0, Σ_F).
func TestQuadraticStructuralMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("long Monte Carlo; runs without -short")
	}
	h := mat.NewSymDense(3, []float64{2, 0.5, 0.3, 0.5, 1, 0.2, 0.3, 0.2, 1.5})
	a := mat.NewSymDense(3, []float64{1, 0.2, -0.5, 0.2, -0.5, 0.3, -0.5, 0.3, 2})
	g := []float64{0.3, -0.2, 0.1}
	mask := []bool{true, false, true}
	const tb, gamma, eps = 10.0, 1.0, 0.004
	lq := NewQuadratic(nil, h)    // L = ½ wᵀHw
	x := NewQuadratic(g, a).Value // X = gᵀw + ½ wᵀAw
	for _, e := range []float64{0, eps} {
		for _, nb := range []float64{tb, 0} {
			k := mat.NewSymDense(3, nil)
			for i := range 3 {
				for j := range 3 {
					v := nb * h.At(i, j)
					if i == j {
						v += gamma
					}
					k.SetSym(i, j, v)
				}
			}
			symm := func(m *mat.Dense) *mat.SymDense {
				r, _ := m.Dims()
				s := mat.NewSymDense(r, nil)
				for i := range r {
					for j := i; j < r; j++ {
						s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
					}
				}
				return s
			}
			kcc := mat.NewSymDense(2, []float64{k.At(0, 0), k.At(0, 2), k.At(2, 0), k.At(2, 2)})
			full, ok1 := newGaussian(symm(stationaryCov(k, e)), rand.New(rand.NewPCG(11, 2)))
			restr, ok2 := newGaussian(symm(stationaryCov(kcc, e)), rand.New(rand.NewPCG(13, 4)))
			if !ok1 || !ok2 {
				t.Fatal("covariance not positive definite")
			}
			const n = 1000000
			var ex float64
			w := make([]float64, 3)
			for range n / 2 { // antithetic pairs ±w cancel the linear term's noise
				full.Rand(w)
				ex += x(w) / n
				for i := range w {
					w[i] = -w[i]
				}
				ex += x(w) / n
			}
			var elx, el float64
			c := make([]float64, 2)
			for range n / 2 {
				restr.Rand(c)
				for _, s := range []float64{1, -1} {
					w = []float64{s * c[0], 0, s * c[1]}
					l := lq.Value(w)
					elx += l * x(w) / n
					el += l / n
				}
			}
			mc := -(elx - el*ex)
			exact := QuadraticStructural(h, a, mask, nb, gamma, e)
			t.Logf("nβ = %v, ε = %v: MC %.5g exact %.5g", nb, e, mc, exact)
			if math.Abs(mc-exact) > 0.02*math.Abs(exact) {
				t.Errorf("nβ = %v, ε = %v: Monte Carlo %v, QuadraticStructural %v", nb, e, mc, exact)
			}
		}
	}
}

// Programmer errors panic.
func TestQuadraticStructuralPanics(t *testing.T) {
	h := mat.NewSymDense(2, []float64{1, 0, 0, 1})
	for _, mask := range [][]bool{{false, false}, {true}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("mask %v: no panic", mask)
				}
			}()
			QuadraticStructural(h, h, mask, 1, 1, 0)
		}()
	}
}
