// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func (m *MLP) replicate() replicable { return m.Replicate() }

func mlpCases() []structCase {
	rng := rand.New(rand.NewPCG(51, 52))
	var cs []structCase
	for _, c := range []struct {
		name           string
		in, th, h, out int
		n              int
	}{
		{"MLP2-5-1", 2, 3, 5, 1, 30},
		{"MLP4-7-3", 4, 5, 7, 3, 25},
	} {
		teacher := NewMLPTeacher(rng, c.in, c.th, c.out, 3, 0.1)
		x, y, _ := GenerateMLP(rng, c.n, teacher, []float64{0.2, 0.2, 0.2, 0.4})
		m := NewMLP(c.h, x, y)
		cs = append(cs, structCase{name: c.name, m: m, batch: []int{2, 2, 0, c.n - 1}, points: func(rng *rand.Rand) [][]float64 {
			return [][]float64{RandomInit(rng, m.Dim(), 0.5), RandomInit(rng, m.Dim(), 1), m.Init(rng)}
		}})
	}
	return cs
}

func TestMLPStructural(t *testing.T) { runStructural(t, mlpCases()) }

func TestMLPLossAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	for _, c := range mlpCases() {
		m := c.m.(*MLP)
		in, h, out := m.Shape()
		w := RandomInit(rng, m.Dim(), 1)
		w1, b1, w2, b2 := m.Weights(w)
		var loss float64
		for i := 0; i < m.n; i++ {
			var z mat.VecDense
			z.MulVec(w1, mat.NewVecDense(in, m.x[i*in:(i+1)*in]))
			for j := 0; j < h; j++ {
				z.SetVec(j, math.Tanh(z.AtVec(j)+b1[j]))
			}
			var f mat.VecDense
			f.MulVec(w2, &z)
			for k := 0; k < out; k++ {
				r := f.AtVec(k) + b2[k] - m.y[i*out+k]
				loss += r * r / 2
			}
		}
		loss /= float64(m.n)
		if e := sRel(loss, m.LossGrad(nil, w, nil)); e > 1e-12 {
			t.Errorf("%s: loss %v, reference %v", c.name, m.LossGrad(nil, w, nil), loss)
		}
	}
}

func TestMLPMasks(t *testing.T) {
	x, y := mat.NewDense(2, 3, nil), mat.NewDense(2, 2, nil)
	m := NewMLP(4, x, y)
	if m.Dim() != 4*4+2*5 {
		t.Fatalf("Dim = %d", m.Dim())
	}
	for j := 0; j < 4; j++ {
		mask := m.HiddenUnitMask(j)
		w := make([]float64, m.Dim())
		for i, on := range mask {
			if on {
				w[i] = 1
			}
		}
		w1, b1, w2, b2 := m.Weights(w)
		for a := 0; a < 4; a++ {
			for b := 0; b < 3; b++ {
				if (w1.At(a, b) == 1) != (a == j) {
					t.Errorf("HiddenUnitMask(%d): W1[%d,%d] = %v", j, a, b, w1.At(a, b))
				}
			}
			if (b1[a] == 1) != (a == j) {
				t.Errorf("HiddenUnitMask(%d): b1[%d] = %v", j, a, b1[a])
			}
			for k := 0; k < 2; k++ {
				if (w2.At(k, a) == 1) != (a == j) {
					t.Errorf("HiddenUnitMask(%d): W2[%d,%d] = %v", j, k, a, w2.At(k, a))
				}
			}
		}
		if b2[0] != 0 || b2[1] != 0 {
			t.Errorf("HiddenUnitMask(%d) selects b2", j)
		}
	}
	var l0 []int
	for k := 0; k < 16; k++ {
		l0 = append(l0, k)
	}
	checkMask(t, "LayerMask(0)", m.LayerMask(0), m.Dim(), l0)
	var l1 []int
	for k := 16; k < 26; k++ {
		l1 = append(l1, k)
	}
	checkMask(t, "LayerMask(1)", m.LayerMask(1), m.Dim(), l1)
}

func TestGenerateMLPFrequencies(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	tc := NewMLPTeacher(rng, 3, 4, 2, 3, 0.05)
	pi := []float64{0.5, 0.1, 0.25, 0.15}
	const n = 20000
	x, y, pat := GenerateMLP(rng, n, tc, pi)
	counts := make([]int, 4)
	means := mat.NewDense(4, 3, nil)
	var rss float64
	f, a := make([]float64, 2), make([]float64, 4)
	for i := 0; i < n; i++ {
		c := pat[i]
		counts[c]++
		for b := 0; b < 3; b++ {
			means.Set(c, b, means.At(c, b)+x.At(i, b))
		}
		mlpForward(f, a, tc.Params, x.RawRowView(i), 3, 4, 2)
		for k := range f {
			r := y.At(i, k) - f[k]
			rss += r * r
		}
	}
	for c, p := range pi {
		if !binomialOK(counts[c], n, p) {
			t.Errorf("component %d: %d of %d samples, want %v", c, counts[c], n, float64(n)*p)
		}
		for b := 0; b < 3; b++ {
			want, sd := 0.0, 1.0
			if c < 3 {
				want, sd = tc.Centers.At(c, b), tc.Spread
			}
			if got := means.At(c, b) / float64(counts[c]); math.Abs(got-want) > 5*sd/math.Sqrt(float64(counts[c])) {
				t.Errorf("component %d input mean[%d] = %v, want %v", c, b, got, want)
			}
		}
	}
	if v := rss / (0.05 * 0.05); math.Abs(v-2*n) > 5*math.Sqrt(4*n) {
		t.Errorf("noise: rss/σ² = %v, want %v", v, 2*n)
	}
}

func TestMLPTrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	tc := NewMLPTeacher(rng, 2, 3, 1, 3, 0.05)
	x, y, _ := GenerateMLP(rng, 1000, tc, []float64{0.2, 0.2, 0.2, 0.4})
	m := NewMLP(6, x, y)
	w0 := m.Init(rng)
	l0 := m.LossGrad(nil, w0, nil)
	w, l := Train(m, w0, TrainConfig{Method: Adam, Steps: 4000, LR: 0.01, BatchSize: 64, Seed: 1})
	if l > l0/20 || l > 0.01 {
		t.Errorf("training: loss %v -> %v", l0, l)
	}
	for _, p := range m.Probes(rand.New(rand.NewPCG(2, 2)), 200, tc) {
		if lp := p.LossGrad(nil, w, nil); lp > 0.05 {
			t.Errorf("probe loss %v at w*", lp)
		}
	}
}

func BenchmarkLossGradMLPSmall(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	tc := NewMLPTeacher(rng, 2, 4, 1, 3, 0.1)
	x, y, _ := GenerateMLP(rng, 1000, tc, nil)
	benchStructural(b, NewMLP(8, x, y))
}

func BenchmarkLossGradMLPMedium(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	tc := NewMLPTeacher(rng, 10, 16, 5, 4, 0.1)
	x, y, _ := GenerateMLP(rng, 1000, tc, nil)
	benchStructural(b, NewMLP(32, x, y))
}
