// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// tmsRef computes z = WᵀW x + b for every sample with gonum (n×F) and the
// per-sample losses, independently of TMS.sample.
func tmsRef(m *TMS, w []float64) (z *mat.Dense, loss []float64) {
	W, b := m.Weights(w)
	x := m.X()
	var wtw mat.Dense
	wtw.Mul(W.T(), W)
	z = &mat.Dense{}
	z.Mul(x, &wtw) // WᵀW symmetric: (WᵀW x)ᵀ = xᵀ WᵀW
	n, f := x.Dims()
	loss = make([]float64, n)
	for i := 0; i < n; i++ {
		for k := 0; k < f; k++ {
			z.Set(i, k, z.At(i, k)+b[k])
			r := x.At(i, k) - math.Max(z.At(i, k), 0)
			loss[i] += m.imp[k] * r * r
		}
	}
	return z, loss
}

// tmsPoints returns random parameters away from ReLU kinks (|z| > 1e-3 for
// every sample and feature) with both active and inactive units.
func tmsPoints(m *TMS) func(rng *rand.Rand) [][]float64 {
	return func(rng *rand.Rand) [][]float64 {
		var pts [][]float64
		for len(pts) < 4 {
			w := RandomInit(rng, m.Dim(), 0.8)
			z, _ := tmsRef(m, w)
			var on, off int
			ok := true
			for _, v := range z.RawMatrix().Data {
				switch {
				case math.Abs(v) < 1e-3:
					ok = false
				case v > 0:
					on++
				default:
					off++
				}
			}
			if ok && on > 0 && off > 0 {
				pts = append(pts, w)
			}
		}
		return pts
	}
}

func tmsCases() []structCase {
	rng := rand.New(rand.NewPCG(11, 12))
	var cs []structCase
	for _, c := range []struct {
		name string
		cfg  TMSConfig
		n    int
	}{
		{"TMS6x2", NewTMSConfig(6, 2, 0.9, 0.3), 40},
		{"TMS7x3", TMSConfig{Features: 7, Hidden: 3, Density: []float64{0.5, 0.2, 0.9, 0.3, 0.3, 1, 0.1}}, 30},
		{"TMS20x5", NewTMSConfig(20, 5, 0.95, 0.2), 25},
	} {
		x, _ := GenerateTMS(rng, c.n, c.cfg, nil)
		m := NewTMS(c.cfg, x)
		cs = append(cs, structCase{name: c.name, m: m, batch: []int{3, 0, 7, 7, c.n - 1}, points: tmsPoints(m)})
	}
	return cs
}

func TestTMSStructural(t *testing.T) { runStructural(t, tmsCases()) }

func TestTMSLossAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, c := range tmsCases() {
		m := c.m.(*TMS)
		for _, w := range c.points(rng) {
			_, ref := tmsRef(m, w)
			got := make([]float64, m.NumData())
			m.PointLosses(got, w, nil)
			if e := sRelVec(got, ref); e > 1e-12 {
				t.Errorf("%s: PointLosses vs reference rel err %g", c.name, e)
			}
		}
	}
}

func TestTMSMasks(t *testing.T) {
	cfg := NewTMSConfig(5, 3, 0.9, 0.1)
	x, _ := GenerateTMS(rand.New(rand.NewPCG(1, 1)), 4, cfg, nil)
	m := NewTMS(cfg, x)
	f, h := 5, 3
	for k := 0; k < f; k++ {
		want := []int{h*f + k}
		for j := 0; j < h; j++ {
			want = append(want, j*f+k)
		}
		mask := m.FeatureMask(k)
		checkMask(t, "FeatureMask", mask, m.Dim(), want)
		// Through the documented views: the mask is column k of W and b_k.
		w := make([]float64, m.Dim())
		for i, on := range mask {
			if on {
				w[i] = 1
			}
		}
		W, b := m.Weights(w)
		for j := 0; j < h; j++ {
			for kk := 0; kk < f; kk++ {
				if (W.At(j, kk) == 1) != (kk == k) || (b[kk] == 1) != (kk == k) {
					t.Errorf("FeatureMask(%d) is not column %d of W and b_%d", k, k, k)
				}
			}
		}
	}
	for j := 0; j < h; j++ {
		var want []int
		for k := 0; k < f; k++ {
			want = append(want, j*f+k)
		}
		checkMask(t, "HiddenMask", m.HiddenMask(j), m.Dim(), want)
	}
}

func TestTMSObservables(t *testing.T) {
	cfg := NewTMSConfig(6, 2, 0.9, 0.1)
	x, _ := GenerateTMS(rand.New(rand.NewPCG(1, 1)), 4, cfg, nil)
	m := NewTMS(cfg, x)
	w := RandomInit(rand.New(rand.NewPCG(2, 2)), m.Dim(), 1)
	W, _ := m.Weights(w)
	var g mat.Dense
	g.Mul(W.T(), W) // Gram matrix of the feature directions
	norms := m.FeatureNorms(nil, w)
	inter := m.Interference(nil, w)
	for k := 0; k < 6; k++ {
		if e := sRel(norms[k], g.At(k, k)); e > 1e-13 {
			t.Errorf("FeatureNorms[%d] = %v, want %v", k, norms[k], g.At(k, k))
		}
		var s float64
		for j := 0; j < 6; j++ {
			if j != k {
				s += g.At(k, j) * g.At(k, j)
			}
		}
		if e := sRel(inter[k], s); e > 1e-13 {
			t.Errorf("Interference[%d] = %v, want %v", k, inter[k], s)
		}
	}
	dst := make([]float64, 6)
	if a := testing.AllocsPerRun(10, func() { m.FeatureNorms(dst, w); m.Interference(dst, w) }); a != 0 {
		t.Errorf("observables allocate: %v", a)
	}
}

func TestGenerateTMSFrequencies(t *testing.T) {
	cfg := TMSConfig{Features: 4, Hidden: 2, Density: []float64{0.1, 0.3, 0, 0.5}}
	pi := []float64{0.1, 0.2, 0.3, 0.15, 0.25} // four patterns, then base
	const n = 40000
	x, pat := GenerateTMS(rand.New(rand.NewPCG(7, 7)), n, cfg, pi)
	checkTMSFrequencies(t, x, pat, cfg, pi)
	// nil: the base distribution; length-K weights: patterns only.
	_, pat = GenerateTMS(rand.New(rand.NewPCG(7, 8)), 100, cfg, nil)
	for _, c := range pat {
		if c != 4 {
			t.Fatalf("nil weights drew component %d", c)
		}
	}
	_, pat = GenerateTMS(rand.New(rand.NewPCG(7, 9)), 100, cfg, []float64{0, 1, 0, 0})
	for _, c := range pat {
		if c != 1 {
			t.Fatalf("one-hot weights drew component %d", c)
		}
	}
	for _, bad := range [][]float64{{0.5, 0.5}, {0.5, 0.6, 0, 0}, {-0.1, 0.6, 0.5, 0, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("weights %v did not panic", bad)
				}
			}()
			GenerateTMS(rand.New(rand.NewPCG(1, 1)), 10, cfg, bad)
		}()
	}
}

// checkTMSFrequencies checks a TMS sample against its mixture: component
// counts, activation frequencies, values in [0, 1) with mean 1/2.
func checkTMSFrequencies(t *testing.T, x *mat.Dense, pat []int, cfg TMSConfig, pi []float64) {
	t.Helper()
	n, _ := x.Dims()
	counts := make([]int, 5)
	for _, c := range pat {
		counts[c]++
	}
	for c, p := range pi {
		if !binomialOK(counts[c], n, p) {
			t.Errorf("component %d: %d of %d samples, want %v", c, counts[c], n, float64(n)*p)
		}
	}
	// P(x_k != 0) = π_k + (1 - π_k) p_k; values in (0, 1); a pattern's own
	// feature always active; active values have mean 1/2.
	for k := 0; k < 4; k++ {
		var active int
		var sum float64
		for i := 0; i < n; i++ {
			v := x.At(i, k)
			if v < 0 || v >= 1 {
				t.Fatalf("x[%d,%d] = %v not in [0, 1)", i, k, v)
			}
			if v != 0 {
				active++
				sum += v
			}
			if pat[i] == k && v == 0 {
				t.Errorf("sample %d of pattern %d has feature %d inactive", i, k, k)
			}
		}
		p := pi[k] + (1-pi[k])*cfg.Density[k]
		if !binomialOK(active, n, p) {
			t.Errorf("feature %d active in %d of %d samples, want %v", k, active, n, float64(n)*p)
		}
		if mean := sum / float64(active); math.Abs(mean-0.5) > 5*math.Sqrt(1/12.0/float64(active)) {
			t.Errorf("feature %d: mean active value %v, want 0.5", k, mean)
		}
	}
}

func TestGenerateTMSCoupled(t *testing.T) {
	cfg := TMSConfig{Features: 4, Hidden: 2, Density: []float64{0.1, 0.3, 0, 0.5}}
	pi := []float64{0.1, 0.2, 0.3, 0.15, 0.25}
	const n = 40000
	x, pat := GenerateTMSCoupled(7, n, cfg, pi)
	checkTMSFrequencies(t, x, pat, cfg, pi)
	// Coupling: nearby weights keep every sample whose component did not
	// change; one whose component changed differs at most in the features
	// of the two patterns.
	near := []float64{0.12, 0.18, 0.3, 0.15, 0.25}
	y, pat2 := GenerateTMSCoupled(7, n, cfg, near)
	changed := 0
	for i := range n {
		diff := 0
		for k := range 4 {
			if x.At(i, k) != y.At(i, k) {
				diff++
			}
		}
		if pat[i] == pat2[i] && diff != 0 || diff > 2 {
			t.Fatalf("sample %d: components %d, %d and %d features differ", i, pat[i], pat2[i], diff)
		}
		if pat[i] != pat2[i] {
			changed++
		}
	}
	// The cumulative weights move by 0.02 at the first inner boundary only.
	if !binomialOK(changed, n, 0.02) {
		t.Errorf("%d of %d samples changed component, want about %v", changed, n, 0.02*n)
	}
	if z, _ := GenerateTMSCoupled(8, 10, cfg, pi); mat.Equal(z, x.Slice(0, 10, 0, 4)) {
		t.Error("another seed gives the same samples")
	}
}

func TestTMSProbes(t *testing.T) {
	cfg := NewTMSConfig(4, 2, 0.9, 0.1)
	x, _ := GenerateTMS(rand.New(rand.NewPCG(1, 1)), 10, cfg, nil)
	m := NewTMS(cfg, x)
	ps := m.Probes(rand.New(rand.NewPCG(2, 2)), 50)
	if len(ps) != 4 {
		t.Fatalf("%d probes, want 4", len(ps))
	}
	for k, p := range ps {
		if p.Dim() != m.Dim() || p.NumData() != 50 {
			t.Fatalf("probe %d: Dim %d NumData %d", k, p.Dim(), p.NumData())
		}
		px := p.X()
		for i := 0; i < 50; i++ {
			if px.At(i, k) == 0 {
				t.Fatalf("probe %d sample %d: feature %d inactive", k, i, k)
			}
		}
	}
}

// trainTMS62 trains the classic F=6, M=2 model (importance 0.9^k, sparsity
// 0.9) with Adam on minibatches.
func trainTMS62(seed uint64) (*TMS, []float64, float64, float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	cfg := NewTMSConfig(6, 2, 0.9, 0.1)
	x, _ := GenerateTMS(rng, 5000, cfg, nil)
	m := NewTMS(cfg, x)
	w0 := m.Init(rng)
	l0 := m.LossGrad(nil, w0, nil)
	w, l := Train(m, w0, TrainConfig{Method: Adam, Steps: 10000, LR: 0.01, BatchSize: 256, Seed: seed})
	return m, w, l0, l
}

// TestTMSTrainSuperposition checks that training finds superposition: five
// of six features represented in two dimensions, as a regular pentagon.
func TestTMSTrainSuperposition(t *testing.T) {
	if testing.Short() {
		t.Skip("training")
	}
	m, w, l0, l := trainTMS62(1)
	if l > l0/2 {
		t.Errorf("training reduced the loss only from %v to %v", l0, l)
	}
	norms := m.FeatureNorms(nil, w)
	W, _ := m.Weights(w)
	var angles []float64
	for k, v := range norms {
		if v > 0.5 {
			angles = append(angles, math.Atan2(W.At(1, k), W.At(0, k))*180/math.Pi)
		}
	}
	if len(angles) != 5 {
		t.Fatalf("%d features represented (norms %v), want 5 (a pentagon)", len(angles), norms)
	}
	sort.Float64s(angles)
	for i := range angles {
		gap := angles[(i+1)%5] - angles[i]
		if i == 4 {
			gap += 360
		}
		if math.Abs(gap-72) > 5 {
			t.Errorf("pentagon gaps: angles %v", angles)
			break
		}
	}
	// Deterministic for a seed, different for another seed.
	_, w2, _, l2 := trainTMS62(1)
	if l2 != l || sRelVec(w, w2) != 0 {
		t.Errorf("training is not deterministic: %v vs %v", l, l2)
	}
}

func TestTrainDeterministic(t *testing.T) {
	cfg := NewTMSConfig(5, 2, 0.9, 0.2)
	x, _ := GenerateTMS(rand.New(rand.NewPCG(1, 1)), 300, cfg, nil)
	m := NewTMS(cfg, x)
	w0 := m.Init(rand.New(rand.NewPCG(2, 2)))
	l0 := m.LossGrad(nil, w0, nil)
	for _, method := range []Method{GradientDescent, Adam} {
		c := TrainConfig{Method: method, Steps: 300, LR: 0.05, BatchSize: 32, Seed: 5}
		if method == Adam {
			c.LR = 0.01
		}
		w1, l1 := Train(m, w0, c)
		w2, l2 := Train(m, w0, c)
		if l1 != l2 || sRelVec(w1, w2) != 0 {
			t.Errorf("method %d: not deterministic", method)
		}
		if l1 >= l0 {
			t.Errorf("method %d: loss %v -> %v", method, l0, l1)
		}
		c.Seed = 6
		if w3, _ := Train(m, w0, c); sRelVec(w1, w3) == 0 {
			t.Errorf("method %d: seed has no effect", method)
		}
		// Full batch without decay equals Minimize.
		c.BatchSize = 0
		wt, lt := Train(m, w0, c)
		wm, lm := Minimize(m, w0, Optimizer{Method: method, Steps: c.Steps, LR: c.LR})
		if lt != lm || sRelVec(wt, wm) != 0 {
			t.Errorf("method %d: full-batch Train differs from Minimize", method)
		}
	}
}

func BenchmarkLossGradTMS6x2(b *testing.B) {
	cfg := NewTMSConfig(6, 2, 0.9, 0.1)
	x, _ := GenerateTMS(rand.New(rand.NewPCG(1, 2)), 1000, cfg, nil)
	benchStructural(b, NewTMS(cfg, x))
}

func BenchmarkLossGradTMS20x5(b *testing.B) {
	cfg := NewTMSConfig(20, 5, 0.9, 0.1)
	x, _ := GenerateTMS(rand.New(rand.NewPCG(1, 2)), 1000, cfg, nil)
	benchStructural(b, NewTMS(cfg, x))
}

func benchStructural(b *testing.B, m LossGrader) {
	w := RandomInit(rand.New(rand.NewPCG(9, 9)), m.Dim(), 0.5)
	g := make([]float64, m.Dim())
	b.ReportAllocs()
	for b.Loop() {
		m.LossGrad(g, w, nil)
	}
}

func TestGenerateTMSSlots(t *testing.T) {
	cfg := TMSConfig{Features: 4, Hidden: 2, Density: []float64{0.1, 0.3, 0, 0.5}}
	pi := []float64{0.1, 0.2, 0.15, 0.05, 0.5}
	const n = 40000
	x, pat := GenerateTMSSlots(7, n, cfg, pi)
	checkTMSFrequencies(t, x, pat, cfg, pi)
	// Every pattern weight down by 0.02, the base up by 0.08: a fraction
	// 0.08 of the samples changes component (the inverse cumulative
	// distribution would change 0.02 + 0.04 + 0.06 + 0.08 = 0.2).
	near := []float64{0.08, 0.18, 0.13, 0.03, 0.58}
	y, pat2 := GenerateTMSSlots(7, n, cfg, near)
	changed := 0
	for i := range n {
		if pat[i] != pat2[i] {
			changed++
			if pat2[i] != 4 {
				t.Fatalf("sample %d moved from component %d to pattern %d, not to the base", i, pat[i], pat2[i])
			}
			continue
		}
		for k := range 4 {
			if x.At(i, k) != y.At(i, k) {
				t.Fatalf("sample %d of component %d changed", i, pat[i])
			}
		}
	}
	if !binomialOK(changed, n, 0.08) {
		t.Errorf("%d of %d samples changed component, want about %v", changed, n, 0.08*n)
	}
	// Weights of exactly 1/F, given with or without the base, fill the slots.
	for _, w := range [][]float64{{0.25, 0.25, 0.25, 0.25}, {0.25, 0.25, 0.25, 0.25, 0}, HWeights([]float64{0.25, 0.25, 0.25, 0.25})} {
		if _, p := GenerateTMSSlots(7, 1000, cfg, w); slices.Contains(p, 4) {
			t.Errorf("weights %v: a sample from the base", w)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a pattern weight above 1/F: no panic")
		}
	}()
	GenerateTMSSlots(7, 10, cfg, []float64{0.3, 0.2, 0.1, 0.1, 0.3})
}
