// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"susclab/internal/seeds"
)

// TMSConfig describes a toy model of superposition (Elhage et al. 2022) and
// its base data distribution q: F features, a hidden space of dimension M,
// and per-feature importances and densities.
type TMSConfig struct {
	Features int // F >= 1, the number of input features
	Hidden   int // M >= 1, the hidden dimension
	// Importance holds I_k, the weight of feature k in the loss (length F);
	// nil means all 1.
	Importance []float64
	// Density holds p_k in [0, 1], the probability that feature k is active
	// in the base distribution (length F): the sparsity is 1 - p_k.
	Density []float64
}

// NewTMSConfig returns the usual configuration: importances I_k = decay^k
// and equal densities p_k = density (sparsity 1 - density), k = 0..F-1.
// Elhage et al. use decay 0.9.
func NewTMSConfig(features, hidden int, decay, density float64) TMSConfig {
	c := TMSConfig{Features: features, Hidden: hidden,
		Importance: make([]float64, features), Density: make([]float64, features)}
	for k := range c.Importance {
		c.Importance[k] = math.Pow(decay, float64(k))
		c.Density[k] = density
	}
	return c
}

// check panics on an inconsistent configuration.
func (c TMSConfig) check() {
	if c.Features < 1 || c.Hidden < 1 {
		panic("toy: TMSConfig needs Features >= 1 and Hidden >= 1")
	}
	if c.Importance != nil && len(c.Importance) != c.Features {
		panic("toy: TMSConfig len(Importance) != Features")
	}
	if len(c.Density) != c.Features {
		panic("toy: TMSConfig len(Density) != Features")
	}
	for _, p := range c.Density {
		if !(p >= 0 && p <= 1) {
			panic("toy: TMSConfig density not in [0, 1]")
		}
	}
}

// GenerateTMS draws n independent samples x ∈ R^F from the mixture
// q_π = Σ_k π_k q_k + π_F q over the F feature patterns and the base
// distribution (see PatternWeights for the length and meaning of pi; nil is
// the base distribution). It returns them as the rows of x (n×F) and, for
// each sample, its component (k < F: pattern k, F: base).
//
//   - Base q: each feature k independently active with probability p_k;
//     an active feature is x_k ~ Uniform[0,1], an inactive one x_k = 0.
//   - Pattern q_k: feature k always active, x_k ~ Uniform[0,1]; every other
//     feature drawn as in q. So P_{q_π}(x_k ≠ 0) = π_k + (1 - π_k) p_k.
func GenerateTMS(rng *rand.Rand, n int, cfg TMSConfig, pi []float64) (x *mat.Dense, pattern []int) {
	needRand(rng)
	cfg.check()
	f := cfg.Features
	if n < 1 {
		panic("toy: GenerateTMS needs n >= 1")
	}
	cdf := mixtureCDF(pi, f)
	x = mat.NewDense(n, f, nil)
	pattern = make([]int, n)
	for i := 0; i < n; i++ {
		c := drawComponent(rng, cdf)
		pattern[i] = c
		row := x.RawRowView(i)
		for k := 0; k < f; k++ {
			if k == c || rng.Float64() < cfg.Density[k] {
				row[k] = rng.Float64()
			}
		}
	}
	return x, pattern
}

// GenerateTMSCoupled draws n samples from the same mixture as GenerateTMS,
// with common random numbers across mixture weights: sample i comes from a
// stream fixed by (seed, i) alone, which draws its component by the inverse
// of the weights' cumulative distribution, then for each feature an
// activation draw and a value (x_k = the value if k is the component's
// pattern or the activation draw is below p_k, else 0). Two mixtures with
// the same seed therefore share every sample whose component did not
// change, and a sample whose component did differs at most in the features
// of the two patterns involved.
// The stream's seeds are derived by a hash (internal/seeds).
func GenerateTMSCoupled(seed uint64, n int, cfg TMSConfig, pi []float64) (x *mat.Dense, pattern []int) {
	return generateTMSCoupled(seed, n, cfg, pi, false)
}

// GenerateTMSSlots is GenerateTMSCoupled with a tighter coupling: the
// uniform draw u picks pattern k if it falls in [k/F, k/F + π_k) and the
// base distribution otherwise (so every π_k must be at most 1/F). A change
// of the weights then changes the component of a fraction Σ_k |Δπ_k| of
// the samples (k over the patterns), where the inverse cumulative
// distribution also moves every later boundary: the least any coupling
// can (the total variation distance) when every pattern weight moves the
// same way, at most twice it otherwise. It panics if a pattern's weight
// exceeds 1/F.
func GenerateTMSSlots(seed uint64, n int, cfg TMSConfig, pi []float64) (x *mat.Dense, pattern []int) {
	return generateTMSCoupled(seed, n, cfg, pi, true)
}

func generateTMSCoupled(seed uint64, n int, cfg TMSConfig, pi []float64, slots bool) (x *mat.Dense, pattern []int) {
	cfg.check()
	f := cfg.Features
	if n < 1 {
		panic("toy: GenerateTMSCoupled needs n >= 1")
	}
	cdf := mixtureCDF(pi, f)
	var slot []float64 // pattern k's weight times F (its share of its slot), when slots
	if slots {
		slot = make([]float64, f)
		var s float64
		for _, v := range pi {
			s += v
		}
		for k := range min(f, len(pi)) {
			slot[k] = pi[k] / s * float64(f)
			if slot[k] > 1+1e-12 {
				panic("toy: GenerateTMSSlots needs every pattern weight at most 1/F")
			}
			slot[k] = min(slot[k], 1)
		}
	}
	src := rand.NewPCG(0, 0)
	rng := rand.New(src)
	x = mat.NewDense(n, f, nil)
	pattern = make([]int, n)
	for i := range n {
		a := seeds.Derive(seed, uint64(i))
		src.Seed(a, seeds.SplitMix(a))
		var c int
		if slots {
			u := rng.Float64() * float64(f)
			k := min(int(u), f-1)
			c = f // the base
			if u-float64(k) < slot[k] {
				c = k
			}
		} else {
			c = drawComponent(rng, cdf)
		}
		pattern[i] = c
		row := x.RawRowView(i)
		for k := range f {
			active, v := rng.Float64() < cfg.Density[k], rng.Float64()
			if k == c || active {
				row[k] = v
			}
		}
	}
	return x, pattern
}

// TMS is the toy model of superposition (Elhage et al. 2022): features
// x ∈ R^F are compressed to h = W x ∈ R^M (W is M×F) and reconstructed as
//
//	z = Wᵀ h + b = WᵀW x + b,   x̂ = ReLU(z),   l(x) = Σ_k I_k (x_k - x̂_k)²
//
// with importances I_k. The loss depends on W only through the Gram matrix
// A = WᵀW of the feature directions, so with δ_k = ∂l/∂z_k the hand-written
// backward pass is
//
//	δ_k = 2 I_k (x̂_k - x_k) 1[z_k > 0]     ∂l/∂b = δ
//	∂l/∂A = δ xᵀ                           ∂l/∂W = W (δ xᵀ + x δᵀ)
//
// (at a kink z_k = 0 the ReLU derivative is taken as 0). A batch computes A
// once (F²M), then per sample z = A x + b over the active features only
// (F·nnz, nnz the number of active features) and accumulates
// R = Σ_i x_i δ_iᵀ (F·nnz); finally ∂L/∂W = W (R + Rᵀ)/|B| (MF²). Samples
// with x = 0 (common at high sparsity) all have z = b and are counted once.
//
// Parameter layout: w = (vec W, b), W row-major, so W_jk = w[j*F + k]
// (row j: hidden dimension j; column k: feature k) and b_k = w[M*F + k];
// Dim() = F(M + 1).
//
// Components (docs/theory.md §5.1) are given as masks over w: FeatureMask(k) (the
// column W[:,k] and b_k, everything that reads or writes feature k) and
// HiddenMask(j) (row j of W). Observables: FeatureNorms (||W[:,k]||², is
// feature k represented?) and Interference (Σ_{j≠k} (W[:,k]·W[:,j])²).
//
// LossGrad and PointLosses cost O(F² M + |B| F (nnz + 1)) and do not
// allocate. A TMS holds scratch memory: it is NOT safe for concurrent use.
// Replicate returns an independent copy (shared read-only data, own
// scratch) for another goroutine; the sampler calls it once per chain.
type TMS struct {
	f, m, n int
	imp     []float64 // I_k
	x       []float64 // n×F row-major
	ptr     []int     // active features of sample i: act[ptr[i]:ptr[i+1]]
	act     []int32
	cfg     TMSConfig

	a, r, z []float64 // scratch: A = WᵀW (F×F), R = Σ x δᵀ (F×F), z and δ (F)
}

// NewTMS returns the model with the architecture and importances of cfg on
// the samples in the rows of x (n×F), for instance from GenerateTMS. The
// data are copied.
func NewTMS(cfg TMSConfig, x *mat.Dense) *TMS {
	cfg.check()
	n, f := x.Dims()
	if f != cfg.Features || n == 0 {
		panic("toy: NewTMS: x must be n×Features with n >= 1")
	}
	t := &TMS{f: f, m: cfg.Hidden, n: n, x: make([]float64, n*f), ptr: make([]int, n+1)}
	t.cfg = TMSConfig{Features: f, Hidden: cfg.Hidden, Density: append([]float64(nil), cfg.Density...)}
	t.imp = make([]float64, f)
	for k := range t.imp {
		t.imp[k] = 1
		if cfg.Importance != nil {
			t.imp[k] = cfg.Importance[k]
		}
	}
	t.cfg.Importance = append([]float64(nil), t.imp...)
	for i := 0; i < n; i++ {
		row := x.RawRowView(i)
		copy(t.x[i*f:(i+1)*f], row)
		for k, v := range row {
			if v != 0 {
				t.act = append(t.act, int32(k))
			}
		}
		t.ptr[i+1] = len(t.act)
	}
	t.alloc()
	return t
}

func (t *TMS) alloc() {
	t.a, t.r, t.z = make([]float64, t.f*t.f), make([]float64, t.f*t.f), make([]float64, t.f)
}

// Replicate returns a copy that shares the read-only data and owns its
// scratch memory, for use by another goroutine.
func (t *TMS) Replicate() *TMS {
	c := *t
	c.alloc()
	return &c
}

// Dim returns F(M + 1).
func (t *TMS) Dim() int { return t.f * (t.m + 1) }

// NumData returns n.
func (t *TMS) NumData() int { return t.n }

// Config returns (a copy of) the configuration, with Importance filled in.
func (t *TMS) Config() TMSConfig {
	c := t.cfg
	c.Importance = append([]float64(nil), c.Importance...)
	c.Density = append([]float64(nil), c.Density...)
	return c
}

// X returns the data as a new n×F matrix.
func (t *TMS) X() *mat.Dense {
	return mat.NewDense(t.n, t.f, append([]float64(nil), t.x...))
}

// Weights returns W (M×F) and b (length F) as views of w in the documented
// layout.
func (t *TMS) Weights(w []float64) (W *mat.Dense, b []float64) {
	checkLen(w, t.Dim(), "TMS: len(w) != Dim")
	mf := t.m * t.f
	return mat.NewDense(t.m, t.f, w[:mf:mf]), w[mf:]
}

// Init returns parameters with W_jk ~ N(0, 2/(F+M)) (Xavier normal) drawn
// from rng and b = 0.
func (t *TMS) Init(rng *rand.Rand) []float64 {
	needRand(rng)
	w := make([]float64, t.Dim())
	s := math.Sqrt(2 / float64(t.f+t.m))
	for k := range w[:t.m*t.f] {
		w[k] = s * rng.NormFloat64()
	}
	return w
}

// Probes returns one model per pattern k = 0..F-1 on n fresh samples of q_k
// drawn from rng, with the configuration of t: the probe datasets of
// ΔL_k = L_k - L.
func (t *TMS) Probes(rng *rand.Rand, n int) []*TMS {
	ps := make([]*TMS, t.f)
	for k := range ps {
		x, _ := GenerateTMS(rng, n, t.cfg, PatternWeights(t.f, k, 1))
		ps[k] = NewTMS(t.cfg, x)
	}
	return ps
}

// FeatureMask returns the mask of component "feature k": the column W[:,k]
// (w[j*F + k], j = 0..M-1) and the bias b_k (w[M*F + k]).
func (t *TMS) FeatureMask(k int) []bool {
	if k < 0 || k >= t.f {
		panic("toy: TMS.FeatureMask: feature out of range")
	}
	mask := make([]bool, t.Dim())
	for j := 0; j < t.m; j++ {
		mask[j*t.f+k] = true
	}
	mask[t.m*t.f+k] = true
	return mask
}

// HiddenMask returns the mask of component "hidden dimension j": row j of W
// (w[j*F : (j+1)*F]).
func (t *TMS) HiddenMask(j int) []bool {
	if j < 0 || j >= t.m {
		panic("toy: TMS.HiddenMask: hidden dimension out of range")
	}
	mask := make([]bool, t.Dim())
	for k := 0; k < t.f; k++ {
		mask[j*t.f+k] = true
	}
	return mask
}

// FeatureNorms writes ||W[:,k]||² = Σ_j W_jk² for k = 0..F-1 into dst
// (nil: allocate) and returns it. A feature is represented when this is
// near 1 and ignored when it is near 0. Safe for concurrent use; does not
// allocate when dst != nil.
func (t *TMS) FeatureNorms(dst, w []float64) []float64 {
	checkLen(w, t.Dim(), "TMS: len(w) != Dim")
	if dst == nil {
		dst = make([]float64, t.f)
	}
	checkLen(dst, t.f, "TMS.FeatureNorms: len(dst) != Features")
	for k := range dst {
		dst[k] = 0
	}
	for j := 0; j < t.m; j++ {
		row := w[j*t.f : (j+1)*t.f]
		for k, v := range row {
			dst[k] += v * v
		}
	}
	return dst
}

// Interference writes Σ_{j≠k} (W[:,k]·W[:,j])² for k = 0..F-1 into dst
// (nil: allocate) and returns it: how much the other features' directions
// overlap feature k's (zero when the represented features are orthogonal,
// positive in superposition). Safe for concurrent use; does not allocate
// when dst != nil.
func (t *TMS) Interference(dst, w []float64) []float64 {
	checkLen(w, t.Dim(), "TMS: len(w) != Dim")
	if dst == nil {
		dst = make([]float64, t.f)
	}
	checkLen(dst, t.f, "TMS.Interference: len(dst) != Features")
	f, m := t.f, t.m
	for k := 0; k < f; k++ {
		var s float64
		for j := 0; j < f; j++ {
			if j == k {
				continue
			}
			var d float64
			for r := 0; r < m; r++ {
				d += w[r*f+k] * w[r*f+j]
			}
			s += d * d
		}
		dst[k] = s
	}
	return dst
}

// LossGrad returns the mean of l_i(w) = Σ_k I_k (x_ik - ReLU((WᵀW x_i + b)_k))²
// over batch (nil: all samples) and, if grad != nil, overwrites grad with its
// gradient in the layout of w.
func (t *TMS) LossGrad(grad, w []float64, batch []int) float64 {
	checkLen(w, t.Dim(), "TMS: len(w) != Dim")
	checkBatch(batch)
	if grad != nil {
		checkLen(grad, t.Dim(), "TMS: len(grad) != Dim")
		clear(grad)
		clear(t.r)
	}
	f, mf := t.f, t.m*t.f
	t.gram(w)
	b := w[mf : mf+f]
	nb := len(batch)
	if batch == nil {
		nb = t.n
	}
	var loss float64
	var zeros int // samples with x = 0 all have z = b: handled once below
	for bi := 0; bi < nb; bi++ {
		i := bi
		if batch != nil {
			i = batch[bi]
		}
		if t.ptr[i] == t.ptr[i+1] {
			zeros++
			continue
		}
		var gb []float64
		if grad != nil {
			gb = grad[mf : mf+f]
		}
		loss += t.sample(gb, b, i)
	}
	if zeros > 0 {
		var l0 float64
		for k, bk := range b {
			if bk > 0 {
				l0 += t.imp[k] * bk * bk
				if grad != nil {
					grad[mf+k] += float64(zeros) * 2 * t.imp[k] * bk // δ_k = 2 I_k b_k
				}
			}
		}
		loss += float64(zeros) * l0
	}
	inv := 1 / float64(nb)
	if grad != nil {
		// backward through A = WᵀW: ∂L/∂W = W (R + Rᵀ), R = Σ_i x_i δ_iᵀ.
		r := t.r[:f*f]
		for k := 0; k < f; k++ {
			for c := 0; c < k; c++ {
				v := r[k*f+c] + r[c*f+k]
				r[k*f+c], r[c*f+k] = v, v
			}
			r[k*f+k] *= 2
		}
		serialGemm(false, false, t.m, f, f, inv, w[:mf], f, r, f, 0, grad[:mf], f)
		for k := range grad[mf:] {
			grad[mf+k] *= inv
		}
	}
	return loss * inv
}

// gram sets the scratch A = WᵀW (F×F).
func (t *TMS) gram(w []float64) {
	f, mf := t.f, t.m*t.f
	serialGemm(true, false, f, f, t.m, 1, w[:mf], f, w[:mf], f, 0, t.a, f)
}

// sample returns l_i(w) given A = WᵀW in the scratch; if gb != nil (the
// b part of the gradient) it adds δ_i to gb and x_i δ_iᵀ to the scratch R.
func (t *TMS) sample(gb, b []float64, i int) float64 {
	f := t.f
	xi := t.x[i*f : (i+1)*f]
	act := t.act[t.ptr[i]:t.ptr[i+1]]
	z, imp, a := t.z[:f], t.imp[:f], t.a[:f*f]
	// forward: z = A x + b over the active features (A symmetric: row c).
	copy(z, b)
	for _, c := range act {
		v := xi[c]
		for k, u := range a[int(c)*f : int(c)*f+f] {
			z[k] += u * v
		}
	}
	// forward: x̂ = ReLU(z), l = Σ I_k (x̂_k - x_k)²; backward: δ = ∂l/∂z into z.
	var l float64
	for k, zk := range z {
		if zk > 0 {
			r := zk - xi[k]
			l += imp[k] * r * r
			z[k] = 2 * imp[k] * r // δ_k = 2 I_k (x̂_k - x_k)
		} else {
			r := xi[k]
			l += imp[k] * r * r
			z[k] = 0 // ReLU inactive
		}
	}
	if gb == nil {
		return l
	}
	gb = gb[:f]
	for k, d := range z {
		gb[k] += d // ∂l/∂b = δ
	}
	r := t.r[:f*f]
	for _, c := range act {
		v := xi[c]
		row := r[int(c)*f : int(c)*f+f]
		for k, d := range z {
			row[k] += v * d // ∂l/∂A = δ xᵀ, accumulated transposed: R += x δᵀ
		}
	}
	return l
}

// PointLosses writes l_i(w) into dst for i in idx (nil: all samples in order).
func (t *TMS) PointLosses(dst, w []float64, idx []int) {
	checkLen(w, t.Dim(), "TMS: len(w) != Dim")
	if idx == nil {
		checkLen(dst, t.n, "TMS: len(dst) != NumData")
	} else {
		checkLen(dst, len(idx), "TMS: len(dst) != len(idx)")
	}
	t.gram(w)
	mf := t.m * t.f
	for p := range dst {
		i := p
		if idx != nil {
			i = idx[p]
		}
		dst[p] = t.sample(nil, w[mf:mf+t.f], i)
	}
}
