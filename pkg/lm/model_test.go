// Copyright ©2026 The susclab Authors.

package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// small is the gradient-check configuration: T=8, d=8, H=2 (d_head 4), L=2.
var small = Config{Context: 8, DModel: 8, Heads: 2, Layers: 2}

// smallMLP adds the optional MLP block of hidden width 12; smallLN the
// optional layer norms, smallLNMLP both.
var (
	smallMLP   = Config{Context: 8, DModel: 8, Heads: 2, Layers: 2, MLP: 12}
	smallLN    = Config{Context: 8, DModel: 8, Heads: 2, Layers: 2, LayerNorm: true}
	smallLNMLP = Config{Context: 8, DModel: 8, Heads: 2, Layers: 2, MLP: 12, LayerNorm: true}
)

const smallV = 7

func randTokens(rng *rand.Rand, n, v int) []int {
	t := make([]int, n)
	for i := range t {
		t[i] = rng.IntN(v)
	}
	return t
}

// smallModel returns a model with 5 windows of random tokens and random
// parameters (E and P entries N(0, 0.75²), matrices N(0, 2.25/d)), so that
// attention is far from uniform (every term of the backward pass matters)
// but not saturated (which would make the query and key gradients vanish).
// With the MLP block (smallModelOf(smallMLP, ...)) the scales are 2/3 of
// these (W_out N(0, 1/M)): the block makes the residual stream larger and
// attention sharper, and at the full scales fifth derivatives reach 1e13,
// beyond what the finite differences of TestGradient resolve.
func smallModel(seed uint64) (*Model, []float64) { return smallModelOf(small, seed) }

func smallModelOf(cfg Config, seed uint64) (*Model, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := New(cfg, smallV, randTokens(rng, 5*8+1, smallV))
	lay := m.Layout()
	f := 1.0
	if cfg.MLP > 0 {
		f = 2.0 / 3
	}
	w := make([]float64, m.Dim())
	for k := range w {
		s := f * 1.5 / math.Sqrt(float64(cfg.DModel))
		if k < lay.PosEnd {
			s = f * 0.75
		}
		w[k] = s * rng.NormFloat64()
	}
	for l := 0; l < lay.L && lay.M > 0; l++ {
		for k := lay.Out[l]; k < lay.Out[l]+lay.M*lay.D; k++ {
			w[k] *= math.Sqrt(float64(lay.D)/float64(lay.M)) / (f * 1.5)
		}
	}
	for _, off := range lay.lnGains() { // gains 1 + N(0, 0.3²)
		for k := off; k < off+lay.D; k++ {
			w[k] = 1 + 0.3*rng.NormFloat64()
		}
	}
	return m, w
}

// naiveLoss is an independent reference: the per-position losses of one
// window (T+1 tokens) by plain loops over the documented formulas, no
// shared code with the model but the layout.
func naiveLoss(lay Layout, w []float64, win []int) []float64 {
	d, T, H, dh, V := lay.D, lay.T, lay.H, lay.DHead, lay.V
	x := make([][]float64, T)
	for t := range x {
		x[t] = make([]float64, d)
		for j := range x[t] {
			x[t][j] = w[lay.Embed+win[t]*d+j] + w[lay.Pos+t*d+j]
		}
	}
	// norm returns row x layer-normed with the gain at off (x itself
	// without layer norms).
	norm := func(x []float64, off int) []float64 {
		if lay.LNF < 0 {
			return x
		}
		var mu, v2 float64
		for _, v := range x {
			mu += v / float64(d)
		}
		for _, v := range x {
			v2 += (v - mu) * (v - mu) / float64(d)
		}
		y := make([]float64, d)
		for c, v := range x {
			y[c] = w[off+c] * (v - mu) / math.Sqrt(v2+1e-5)
		}
		return y
	}
	for l := 0; l < lay.L; l++ {
		q, k, v := make([][]float64, T), make([][]float64, T), make([][]float64, T)
		for t := range x {
			q[t], k[t], v[t] = make([]float64, d), make([]float64, d), make([]float64, d)
			var g1 int
			if lay.LNF >= 0 {
				g1 = lay.LN1[l]
			}
			xn := norm(x[t], g1)
			for j := 0; j < d; j++ {
				for i := 0; i < d; i++ {
					q[t][j] += xn[i] * w[lay.WQ(l, i, j)]
					k[t][j] += xn[i] * w[lay.WK(l, i, j)]
					v[t][j] += xn[i] * w[lay.WV(l, i, j)]
				}
			}
		}
		z := make([][]float64, T)
		for t := range z {
			z[t] = make([]float64, d)
			for h := 0; h < H; h++ {
				s := make([]float64, t+1)
				var sum float64
				for j := 0; j <= t; j++ {
					for c := h * dh; c < (h+1)*dh; c++ {
						s[j] += q[t][c] * k[j][c]
					}
					s[j] = math.Exp(s[j] / math.Sqrt(float64(dh)))
					sum += s[j]
				}
				for j := 0; j <= t; j++ {
					for c := h * dh; c < (h+1)*dh; c++ {
						z[t][c] += s[j] / sum * v[j][c]
					}
				}
			}
		}
		for t := range x {
			for j := 0; j < d; j++ {
				for i := 0; i < d; i++ {
					x[t][j] += z[t][i] * w[lay.WO(l, i, j)]
				}
			}
		}
		if lay.M == 0 {
			continue
		}
		for t := range x { // x += GELU(x W_in) W_out
			h := make([]float64, lay.M)
			var g2 int
			if lay.LNF >= 0 {
				g2 = lay.LN2[l]
			}
			xn := norm(x[t], g2)
			for a := range h {
				for i := 0; i < d; i++ {
					h[a] += xn[i] * w[lay.In[l]+i*lay.M+a]
				}
				h[a] = h[a] * (1 + math.Erf(h[a]/math.Sqrt2)) / 2
			}
			for j := 0; j < d; j++ {
				for a := range h {
					x[t][j] += h[a] * w[lay.Out[l]+a*d+j]
				}
			}
		}
	}
	loss := make([]float64, T)
	for t := range loss {
		lg := make([]float64, V)
		var sum float64
		xn := norm(x[t], lay.LNF)
		for u := range lg {
			for i := 0; i < d; i++ {
				lg[u] += xn[i] * w[lay.Unembed+i*V+u]
			}
			sum += math.Exp(lg[u])
		}
		loss[t] = math.Log(sum) - lg[win[t+1]]
	}
	return loss
}

func TestForwardAgainstNaive(t *testing.T) {
	for _, cfg := range []Config{small, smallMLP, smallLN, smallLNMLP} {
		testForwardAgainstNaive(t, cfg)
	}
}

func testForwardAgainstNaive(t *testing.T, cfg Config) {
	m, w := smallModelOf(cfg, 1)
	pl := make([]float64, m.NumData())
	m.PointLosses(pl, w, nil)
	for k := 0; k < m.NumWindows(); k++ {
		for p, want := range naiveLoss(m.Layout(), w, m.Window(k)) {
			if got := pl[k*8+p]; math.Abs(got-want) > 1e-12*math.Max(1, want) {
				t.Errorf("window %d position %d: loss %v, naive %v", k, p, got, want)
			}
		}
	}
}

// blocks returns the parameter blocks checked separately.
func blocks(lay Layout) []struct {
	name   string
	lo, hi int
	cols   func(k int) bool // within the block, which entries belong (nil: all)
} {
	type blk = struct {
		name   string
		lo, hi int
		cols   func(k int) bool
	}
	bs := []blk{{"embed", lay.Embed, lay.Pos, nil}, {"pos", lay.Pos, lay.PosEnd, nil}}
	d := lay.D
	for l := 0; l < lay.L; l++ {
		for part, name := range []string{"Q", "K", "V"} {
			bs = append(bs, blk{fmt.Sprintf("l%d.%s", l, name), lay.QKV[l], lay.O[l], func(k int) bool { return (k%(3*d))/d == part }})
		}
		bs = append(bs, blk{fmt.Sprintf("l%d.O", l), lay.O[l], lay.O[l] + d*d, nil})
		if lay.M > 0 {
			bs = append(bs, blk{fmt.Sprintf("l%d.in", l), lay.In[l], lay.In[l] + d*lay.M, nil},
				blk{fmt.Sprintf("l%d.out", l), lay.Out[l], lay.Out[l] + lay.M*d, nil})
		}
		if lay.LNF >= 0 {
			bs = append(bs, blk{fmt.Sprintf("l%d.ln1", l), lay.LN1[l], lay.LN1[l] + d, nil})
			if lay.M > 0 {
				bs = append(bs, blk{fmt.Sprintf("l%d.ln2", l), lay.LN2[l], lay.LN2[l] + d, nil})
			}
		}
	}
	if lay.LNF >= 0 {
		bs = append(bs, blk{"lnf", lay.LNF, lay.LNF + d, nil})
	}
	return append(bs, blk{"unembed", lay.Unembed, lay.Dim, nil})
}

// TestGradient compares LossGrad's gradient with finite differences,
// parameter by parameter, block by block, on batches of each kind.
//
// The difference is the fourth-order central one,
//
//	fd = [8(L(w+h) - L(w-h)) - (L(w+2h) - L(w-2h))] / (12h),  h = 1e-4,
//
// whose truncation error is h⁴/30·|∂⁵L| ≈ 3e-18·|∂⁵L| and whose rounding
// error is about 1.5·ε·|L|/h ≈ 1e-11 for L ≈ 3 (ε = 2.2e-16). Fifth
// derivatives here stay far below 1e3, so |fd - g| <= 1e-8 + 1e-8|g|
// leaves a margin of about 100× over both errors (the largest |fd - g| per
// block is logged with -v; all are below 1e-10), while a wrong term in the
// backward pass (a gradient off by a fraction of itself, 1e-3..1 on
// gradients of order 0.01..10) fails it by orders of magnitude.
func TestGradient(t *testing.T) {
	t.Run("attention-only", func(t *testing.T) { testGradient(t, small) })
	t.Run("MLP", func(t *testing.T) { testGradient(t, smallMLP) })
	t.Run("LayerNorm", func(t *testing.T) { testGradient(t, smallLN) })
	t.Run("LayerNorm+MLP", func(t *testing.T) { testGradient(t, smallLNMLP) })
}

func testGradient(t *testing.T, cfg Config) {
	m, w := smallModelOf(cfg, 2)
	lay := m.Layout()
	batches := map[string][]int{
		"all":            nil,
		"partial":        {3, 10, 11, 25, 38},
		"window-aligned": {8, 9, 10, 11, 12, 13, 14, 15, 32, 33, 34, 35, 36, 37, 38, 39},
		"duplicates":     {5, 5, 5, 17, 2, 17, 0},
		"one":            {21},
	}
	const h = 1e-4
	g := make([]float64, m.Dim())
	for _, name := range []string{"all", "partial", "window-aligned", "duplicates", "one"} {
		batch := batches[name]
		m.LossGrad(g, w, batch)
		wp := append([]float64(nil), w...)
		at := func(k int, x float64) float64 {
			wp[k] = x
			l := m.LossGrad(nil, wp, batch)
			wp[k] = w[k]
			return l
		}
		for _, b := range blocks(lay) {
			worst, gmax := 0.0, 0.0
			for k := b.lo; k < b.hi; k++ {
				if b.cols != nil && !b.cols(k-b.lo) {
					continue
				}
				fd := (8*(at(k, w[k]+h)-at(k, w[k]-h)) - (at(k, w[k]+2*h) - at(k, w[k]-2*h))) / (12 * h)
				err := math.Abs(fd - g[k])
				worst, gmax = math.Max(worst, err), math.Max(gmax, math.Abs(g[k]))
				if err > 1e-8+1e-8*math.Abs(g[k]) {
					t.Errorf("%s batch, block %s, index %d: gradient %v, finite difference %v", name, b.name, k, g[k], fd)
				}
			}
			if gmax < 1e-3 {
				t.Errorf("%s batch, block %s: largest |g| = %.2g: too small to test", name, b.name, gmax)
			}
			t.Logf("%s batch, block %s: largest |fd - g| = %.2g, largest |g| = %.2g", name, b.name, worst, gmax)
		}
	}
}

// TestBatchMean checks that LossGrad is the mean of the per-sample losses
// and gradients: over a batch with duplicates, it equals the weighted sum of
// single-sample calls.
func TestBatchMean(t *testing.T) {
	m, w := smallModel(3)
	batch := []int{4, 9, 9, 39, 0, 22}
	g := make([]float64, m.Dim())
	loss := m.LossGrad(g, w, batch)
	sum := make([]float64, m.Dim())
	gi := make([]float64, m.Dim())
	var ls float64
	pl := make([]float64, len(batch))
	m.PointLosses(pl, w, batch)
	for e, i := range batch {
		li := m.LossGrad(gi, w, []int{i})
		if math.Abs(li-pl[e]) > 1e-13 {
			t.Errorf("sample %d: LossGrad %v, PointLosses %v", i, li, pl[e])
		}
		ls += li
		for k, v := range gi {
			sum[k] += v
		}
	}
	n := float64(len(batch))
	if math.Abs(loss-ls/n) > 1e-13 {
		t.Errorf("mean loss %v, mean of singles %v", loss, ls/n)
	}
	for k := range g {
		if math.Abs(g[k]-sum[k]/n) > 1e-12*(1+math.Abs(g[k])) { // summation order differs
			t.Fatalf("gradient %d: %v, mean of singles %v", k, g[k], sum[k]/n)
		}
	}
	// nil means all samples in order.
	all := make([]float64, m.NumData())
	m.PointLosses(all, w, nil)
	var mean float64
	for _, v := range all {
		mean += v
	}
	mean /= float64(len(all))
	if l := m.LossGrad(nil, w, nil); math.Abs(l-mean) > 1e-13 {
		t.Errorf("full-batch loss %v, mean of PointLosses %v", l, mean)
	}
	for e, i := range batch {
		if all[i] != pl[e] {
			t.Errorf("PointLosses(nil)[%d] = %v, PointLosses(batch) %v", i, all[i], pl[e])
		}
	}
}

func TestViews(t *testing.T) {
	m, w := smallModel(4)
	T := m.WindowLen()
	sub := m.Subset([]int{3, 1})
	if sub.NumData() != 2*T {
		t.Fatalf("Subset NumData %d", sub.NumData())
	}
	var idx []int
	for p := 0; p < T; p++ {
		idx = append(idx, 3*T+p)
	}
	for p := 0; p < T; p++ {
		idx = append(idx, T+p)
	}
	g1, g2 := make([]float64, m.Dim()), make([]float64, m.Dim())
	if a, b := sub.LossGrad(g1, w, nil), m.LossGrad(g2, w, idx); a != b {
		t.Errorf("Subset loss %v, full model on its samples %v", a, b)
	}
	for k := range g1 {
		if g1[k] != g2[k] {
			t.Fatalf("Subset gradient differs at %d", k)
		}
	}
	if k, p := sub.Sample(T + 2); k != 1 || p != 2 || sub.Target(T+2) != m.Window(1)[3] {
		t.Errorf("Subset sample %d: window %d position %d", T+2, k, p)
	}
	sel := m.Select([]int{7, 30, 30})
	pl := make([]float64, 3)
	sel.PointLosses(pl, w, nil)
	ref := make([]float64, 3)
	m.PointLosses(ref, w, []int{7, 30, 30})
	for j := range pl {
		if pl[j] != ref[j] {
			t.Errorf("Select sample %d: %v, want %v", j, pl[j], ref[j])
		}
	}
	if a, b := sel.LossGrad(nil, w, []int{1}), m.LossGrad(nil, w, []int{30}); a != b {
		t.Errorf("Select batch: %v, want %v", a, b)
	}
}

// TestReplicate runs two replicas on two goroutines (under -race too) and
// compares with one model run sequentially, bit for bit.
func TestReplicate(t *testing.T) {
	m, w := smallModel(5)
	batches := [][]int{{1, 2, 3, 20}, nil, {39, 38, 0}, {8, 9, 10, 11, 12, 13, 14, 15}}
	want := make([][]float64, len(batches))
	for b, batch := range batches {
		want[b] = make([]float64, m.Dim()+1)
		want[b][0] = m.LossGrad(want[b][1:], w, batch)
	}
	var wg sync.WaitGroup
	got := make([][][]float64, 2)
	for r := range got {
		rep := m.Replicate()
		got[r] = make([][]float64, len(batches))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := range 20 {
				_ = rep
			}
			for b := range batches {
				b = (b + r) % len(batches) // different orders on the two replicas
				for range 5 {
					got[r][b] = make([]float64, m.Dim()+1)
					got[r][b][0] = rep.LossGrad(got[r][b][1:], w, batches[b])
				}
			}
		}()
	}
	wg.Wait()
	for r := range got {
		for b := range batches {
			for k, v := range want[b] {
				if got[r][b][k] != v {
					t.Fatalf("replica %d batch %d: entry %d = %v, want %v", r, b, k, got[r][b][k], v)
				}
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	m := New(Config{}, 50, randTokens(rng, 10*64+1, 50))
	w := m.Init(rng)
	batch := []int{0, 600, 63, 64, 65, 300, 300, 1}
	g1, g2 := make([]float64, m.Dim()), make([]float64, m.Dim())
	l1 := m.LossGrad(g1, w, batch)
	m.LossGrad(g2, w, nil) // something else in between
	l2 := m.LossGrad(g2, w, batch)
	if l1 != l2 {
		t.Fatalf("loss %v then %v", l1, l2)
	}
	for k := range g1 {
		if g1[k] != g2[k] {
			t.Fatalf("gradient %d: %v then %v", k, g1[k], g2[k])
		}
	}
}

// TestNoAllocs checks that LossGrad and PointLosses allocate nothing after
// warm-up, at the default size, on window-aligned, random and full batches.
func TestNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	m := New(Config{}, 60, randTokens(rng, 20*64+1, 60))
	w := m.Init(rng)
	g := make([]float64, m.Dim())
	aligned := make([]int, 256)
	for i := range aligned {
		aligned[i] = 5*64 + i
	}
	random := make([]int, 100)
	for i := range random {
		random[i] = rng.IntN(m.NumData())
	}
	dst := make([]float64, len(random))
	mm := New(Config{MLP: 128, LayerNorm: true}, 60, m.Tokens())
	wm := mm.Init(rng)
	gm := make([]float64, mm.Dim())
	for name, f := range map[string]func(){
		"MLP+LN":      func() { mm.LossGrad(gm, wm, aligned) },
		"aligned":     func() { m.LossGrad(g, w, aligned) },
		"random":      func() { m.LossGrad(g, w, random) },
		"loss only":   func() { m.LossGrad(nil, w, aligned) },
		"full":        func() { m.LossGrad(g, w, nil) },
		"PointLosses": func() { m.PointLosses(dst, w, random) },
	} {
		f() // warm-up
		if a := testing.AllocsPerRun(3, f); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}
