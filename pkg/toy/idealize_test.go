package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestReducedRankIdealize(t *testing.T) {
	r := ReducedRankData(rand.New(rand.NewPCG(3, 4)), 50, 4, 2, 3, nil).Idealize()
	n := float64(r.n)
	for b := range r.m {
		for c := range r.m {
			want := 0.0
			if b == c {
				want = n
			}
			if math.Abs(r.sxx[b*r.m+c]-want) > 1e-9*n {
				t.Fatalf("Sxx[%d,%d] = %v, want %v", b, c, r.sxx[b*r.m+c], want)
			}
		}
	}
	for _, v := range r.syx {
		if math.Abs(v) > 1e-9*n {
			t.Fatalf("Syx entry %v, want 0", v)
		}
	}
	// L_n(w) = L_n(0) + ||W2 W1||²/2.
	w := RandomInit(rand.New(rand.NewPCG(5, 6)), r.Dim(), 1)
	w1, w2 := r.Weights(w)
	var mm [3 * 4]float64
	var norm2 float64
	for a := range 3 {
		for b := range 4 {
			for k := range 2 {
				mm[a*4+b] += w2.At(a, k) * w1.At(k, b)
			}
			norm2 += mm[a*4+b] * mm[a*4+b]
		}
	}
	if d := r.LossGrad(nil, w, nil) - r.LossGrad(nil, make([]float64, r.Dim()), nil); math.Abs(d-norm2/2) > 1e-10 {
		t.Errorf("L(w) - L(0) = %v, want ||M||²/2 = %v", d, norm2/2)
	}
}

// TestDeepLinearIdealize: Sxx = n I, Syx = n T, and L_n(w) - L_n(w') =
// (||M - T||² - ||M' - T||²)/2 for any w, w' (M, M' their end-to-end
// maps), for T = 0 (nil) and a rank-2 teacher.
func TestDeepLinearIdealize(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	tc := NewLinearTeacher(rng, 4, 3, []float64{2, 0.5}, 0.3)
	x, y, _ := GenerateDeepLinear(rng, 40, tc, nil)
	raw := NewDeepLinear([]int{4, 3, 2, 3}, x, y)
	for _, T := range []*mat.Dense{nil, tc.Map()} {
		d := raw.Idealize(T)
		want := mat.NewDense(3, 4, nil) // T, or 0 for nil
		if T != nil {
			want.Copy(T)
		}
		n := float64(d.n)
		for b := range 4 {
			for c := range 4 {
				e := d.sxx[b*4+c]
				if b == c {
					e -= n
				}
				if math.Abs(e) > 1e-9*n {
					t.Fatalf("T=%v: Sxx[%d,%d] off by %v", T != nil, b, c, e)
				}
			}
			for a := range 3 {
				if e := math.Abs(d.syx[a*4+b] - n*want.At(a, b)); e > 1e-9*n {
					t.Fatalf("T=%v: Syx[%d,%d] off by %v", T != nil, a, b, e)
				}
			}
		}
		dist2 := func(w []float64) float64 { // ||M - T||_F²
			var diff mat.Dense
			diff.Sub(d.EndToEnd(w), want)
			return mat.Norm(&diff, 2) * mat.Norm(&diff, 2)
		}
		w, w2 := RandomInit(rng, d.Dim(), 0.7), RandomInit(rng, d.Dim(), 0.4)
		got := d.LossGrad(nil, w, nil) - d.LossGrad(nil, w2, nil)
		if e := math.Abs(got - (dist2(w)-dist2(w2))/2); e > 1e-10 || dist2(w) == 0 {
			t.Errorf("T=%v: L(w) - L(w') off by %v", T != nil, e)
		}
	}
}
