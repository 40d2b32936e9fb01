// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

func (m *Classifier) replicate() replicable { return m.Replicate() }

func classifierCases() []structCase {
	rng := rand.New(rand.NewPCG(61, 62))
	var cs []structCase
	for _, c := range []struct {
		name        string
		in, h, k, n int
		sep, spread float64
	}{
		{"softmax2-3", 2, 0, 3, 30, 2, 1},
		{"classifier2-5-3", 2, 5, 3, 30, 2, 1},
		{"classifier4-6-2", 4, 6, 2, 25, 1, 1},
	} {
		x, y := GenerateClusters(rng, c.n, c.k, c.in, c.sep, c.spread)
		m := NewClassifier(c.h, c.k, x, y)
		cs = append(cs, structCase{name: c.name, m: m, batch: []int{2, 2, 0, c.n - 1}, points: func(rng *rand.Rand) [][]float64 {
			return [][]float64{RandomInit(rng, m.Dim(), 0.5), RandomInit(rng, m.Dim(), 1.5), m.Init(rng)}
		}})
	}
	return cs
}

// TestClassifierStructural: gradient against central differences (all
// parameters, full batch and a batch with a repeated index), per-sample
// consistency, no allocations, concurrent replicas.
func TestClassifierStructural(t *testing.T) { runStructural(t, classifierCases()) }

// TestClassifierGradBlocks checks the hand-written gradient of one sample
// against central differences block by block (W1, b1, W2, b2), so that an
// error in one block is reported as such. Relative tolerance 1e-7: the
// central difference with step 1e-5 has truncation error ~1e-10 · |f”'| and
// round-off ~1e-16/1e-5 relative to values of order one.
func TestClassifierGradBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range classifierCases() {
		m := c.m.(*Classifier)
		in, h, k := m.Shape()
		var blocks []struct {
			name   string
			lo, hi int
		}
		if h == 0 {
			blocks = append(blocks, struct {
				name   string
				lo, hi int
			}{"W", 0, k * in}, struct {
				name   string
				lo, hi int
			}{"b", k * in, k*in + k})
		} else {
			o1, o2 := h*in, h*in+h
			o3 := o2 + k*h
			for _, b := range []struct {
				name   string
				lo, hi int
			}{{"W1", 0, o1}, {"b1", o1, o2}, {"W2", o2, o3}, {"b2", o3, o3 + k}} {
				blocks = append(blocks, b)
			}
		}
		if last := blocks[len(blocks)-1].hi; last != m.Dim() {
			t.Fatalf("%s: blocks end at %d, Dim %d", c.name, last, m.Dim())
		}
		w := RandomInit(rng, m.Dim(), 1)
		for _, i := range []int{0, 7, m.NumData() - 1} {
			batch := []int{i}
			g := make([]float64, m.Dim())
			m.LossGrad(g, w, batch)
			want := fd.Gradient(nil, func(x []float64) float64 { return m.LossGrad(nil, x, batch) }, w, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			for _, b := range blocks {
				if e := sRelVec(g[b.lo:b.hi], want[b.lo:b.hi]); e > 1e-7 {
					t.Errorf("%s sample %d block %s: rel err %g\n got %v\nwant %v", c.name, i, b.name, e, g[b.lo:b.hi], want[b.lo:b.hi])
				}
			}
		}
	}
}

// TestClassifierLossAgainstReference evaluates the cross-entropy with gonum
// matrices and an unshifted softmax (inputs of order one, no overflow).
func TestClassifierLossAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range classifierCases() {
		m := c.m.(*Classifier)
		in, h, k := m.Shape()
		w := RandomInit(rng, m.Dim(), 1)
		var loss float64
		pl := make([]float64, m.NumData())
		m.PointLosses(pl, w, nil)
		for i := 0; i < m.n; i++ {
			x := mat.NewVecDense(in, append([]float64(nil), m.x[i*in:(i+1)*in]...))
			var z mat.VecDense
			if h == 0 {
				z.MulVec(mat.NewDense(k, in, w[:k*in]), x)
				z.AddVec(&z, mat.NewVecDense(k, w[k*in:]))
			} else {
				var a mat.VecDense
				a.MulVec(mat.NewDense(h, in, w[:h*in]), x)
				for j := 0; j < h; j++ {
					a.SetVec(j, math.Tanh(a.AtVec(j)+w[h*in+j]))
				}
				o := h*in + h
				z.MulVec(mat.NewDense(k, h, w[o:o+k*h]), &a)
				z.AddVec(&z, mat.NewVecDense(k, w[o+k*h:]))
			}
			var s float64
			for c := 0; c < k; c++ {
				s += math.Exp(z.AtVec(c))
			}
			li := -math.Log(math.Exp(z.AtVec(m.y[i])) / s)
			if e := sRel(li, pl[i]); e > 1e-12 {
				t.Errorf("%s sample %d: loss %v, reference %v", c.name, i, pl[i], li)
			}
			loss += li
		}
		if e := sRel(loss/float64(m.n), m.LossGrad(nil, w, nil)); e > 1e-12 {
			t.Errorf("%s: mean loss rel err %g", c.name, e)
		}
	}
}

// TestClassifierExtremeLogits: the shifted softmax keeps the loss and its
// gradient finite where exp(z) overflows; the loss of a confidently wrong
// sample is the logit gap.
func TestClassifierExtremeLogits(t *testing.T) {
	x := mat.NewDense(1, 2, []float64{1, 0})
	m := NewClassifier(0, 2, x, []int{0})
	w := []float64{0, 0, 1000, 0, 0, 0} // z = (0, 1000)
	g := make([]float64, m.Dim())
	l := m.LossGrad(g, w, nil)
	if math.Abs(l-1000) > 1e-9 {
		t.Errorf("loss %v, want 1000", l)
	}
	for _, v := range g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("gradient not finite: %v", g)
		}
	}
	if math.Abs(g[0]+1) > 1e-12 || math.Abs(g[2]-1) > 1e-12 {
		t.Errorf("gradient %v, want ∂W_00 = -1, ∂W_10 = +1", g)
	}
}

// TestClassifierTrainsAndPredicts: softmax regression on well-separated
// clusters reaches at least 95% training accuracy (the Bayes error of three
// clusters at separation 4 and unit spread is about 2%).
func TestClassifierTrainsAndPredicts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x, y := GenerateClusters(rng, 200, 3, 2, 4, 1)
	for _, h := range []int{0, 8} {
		m := NewClassifier(h, 3, x, y)
		w, _ := Minimize(m, m.Init(rng), Optimizer{Method: Adam, Steps: 2000, LR: 0.02})
		pred := m.Predict(make([]int, 200), w)
		var ok int
		for i := range pred {
			if pred[i] == y[i] {
				ok++
			}
		}
		if ok < 190 {
			t.Errorf("hidden %d: %d of 200 correct", h, ok)
		}
	}
}

func TestGenerateClustersAndFlip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, k = 3000, 4
	x, y := GenerateClusters(rng, n, k, 3, 5, 0.5)
	counts := make([]int, k)
	means := mat.NewDense(k, 3, nil)
	for i, c := range y {
		counts[c]++
		for b := 0; b < 3; b++ {
			means.Set(c, b, means.At(c, b)+x.At(i, b))
		}
	}
	for c := 0; c < k; c++ {
		if !binomialOK(counts[c], n, 1.0/k) {
			t.Errorf("class %d: %d of %d", c, counts[c], n)
		}
		th := 2 * math.Pi * float64(c) / k
		want := []float64{5 * math.Cos(th), 5 * math.Sin(th), 0}
		for b := 0; b < 3; b++ {
			// Mean of counts[c] draws with sd 0.5: 5 SE.
			if got := means.At(c, b) / float64(counts[c]); math.Abs(got-want[b]) > 5*0.5/math.Sqrt(float64(counts[c])) {
				t.Errorf("class %d coordinate %d: mean %v, want %v", c, b, got, want[b])
			}
		}
	}
	noisy, flipped := FlipLabels(rng, y, k, 0.1)
	var nf int
	for i := range y {
		if flipped[i] {
			nf++
			if noisy[i] == y[i] {
				t.Fatalf("sample %d marked flipped but keeps its label", i)
			}
		} else if noisy[i] != y[i] {
			t.Fatalf("sample %d changed but not marked", i)
		}
	}
	if nf != 300 {
		t.Errorf("%d flipped, want exactly 300", nf)
	}
}
