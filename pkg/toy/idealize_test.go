package toy

import (
	"math"
	"math/rand/v2"
	"testing"
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
