// Copyright ©2026 The susclab Authors.

package lm

import (
	"math"
	"math/rand/v2"
)

// chunkWindows is the number of windows whose rows are stacked into one
// matrix per pass: products are (chunkWindows·T)×d times d×d at most, and
// scratch memory is bounded whatever the batch size.
const chunkWindows = 8

// Model is a decoder-only, attention-only transformer on a token stream,
// with per-sample (per predicted token) losses; see the package
// documentation for the architecture, the parameter layout, the sample
// indexing and the cost of a batch.
//
// A Model holds data and configuration, never parameters, and scratch
// memory: its methods are NOT safe for concurrent use. Replicate returns an
// independent copy (shared read-only tokens, own scratch) for another
// goroutine; the sampler calls it once per chain. After a warm-up call with
// the largest batch, LossGrad and PointLosses do not allocate.
type Model struct {
	cfg    Config
	lay    Layout
	tokens []int   // shared, read-only: the whole stream
	nwin   int     // windows in the stream: (len(tokens)-1)/T
	sel    []int32 // shared, read-only: local sample → global sample (nil: identity)
	n      int     // NumData

	plan *gradPlan // SetGradientMask's (nil: the full gradient); shared, read-only
	sc   *scratch
}

// New returns the model with architecture cfg (zero fields take their
// defaults) on the token stream tokens (values in 0..vocabSize-1), cut into
// (len(tokens)-1)/T windows of T+1 tokens with stride T. The tokens are
// shared, not copied: do not change them while the model is in use.
func New(cfg Config, vocabSize int, tokens []int) *Model {
	cfg = cfg.WithDefaults()
	cfg.validate()
	if vocabSize < 1 {
		panic("lm: New: vocabSize < 1")
	}
	for _, t := range tokens {
		if t < 0 || t >= vocabSize {
			panic("lm: New: token outside 0..vocabSize-1")
		}
	}
	nwin := (len(tokens) - 1) / cfg.Context
	if nwin < 1 {
		panic("lm: New: fewer than T+1 tokens")
	}
	m := &Model{cfg: cfg, lay: newLayout(cfg, vocabSize), tokens: tokens, nwin: nwin, n: nwin * cfg.Context}
	m.sc = newScratch(m)
	return m
}

// Config returns the model's configuration with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// Layout returns the parameter layout.
func (m *Model) Layout() Layout {
	lay := m.lay
	lay.QKV = append([]int(nil), lay.QKV...)
	lay.O = append([]int(nil), lay.O...)
	if lay.M > 0 {
		lay.In = append([]int(nil), lay.In...)
		lay.Out = append([]int(nil), lay.Out...)
	}
	if lay.LN1 != nil {
		lay.LN1 = append([]int(nil), lay.LN1...)
	}
	if lay.LN2 != nil {
		lay.LN2 = append([]int(nil), lay.LN2...)
	}
	return lay
}

// VocabSize returns V.
func (m *Model) VocabSize() int { return m.lay.V }

// Dim returns the number of parameters.
func (m *Model) Dim() int { return m.lay.Dim }

// NumData returns the number of samples (predicted tokens).
func (m *Model) NumData() int { return m.n }

// WindowLen returns T: samples k·T .. k·T+T-1 of the full model (or of a
// Subset view) are the T predicted tokens of one window, so batches made of
// whole blocks of WindowLen consecutive indices are window-aligned.
func (m *Model) WindowLen() int { return m.cfg.Context }

// NumWindows returns the number of windows of the whole token stream (of
// which a Subset or Select view may use only some).
func (m *Model) NumWindows() int { return m.nwin }

// Replicate returns a copy that shares the read-only tokens and sample map
// and owns its scratch memory, for use by another goroutine.
func (m *Model) Replicate() *Model {
	c := *m
	c.sc = newScratch(&c)
	return &c
}

// Subset returns a view on the given windows of the whole stream (global
// window indices, 0 <= k < NumWindows(); repeats allowed): its sample
// i is position i%T of window windows[i/T], so it is window-aligned like the
// full model. It shares the tokens and owns its scratch. Use it for a fixed
// evaluation set (full-batch losses on a few windows) or a train/probe split.
func (m *Model) Subset(windows []int) *Model {
	T := m.cfg.Context
	sel := make([]int32, 0, len(windows)*T)
	for _, k := range windows {
		if k < 0 || k >= m.nwin {
			panic("lm: Subset: window out of range")
		}
		for p := 0; p < T; p++ {
			sel = append(sel, int32(k*T+p))
		}
	}
	return m.view(sel)
}

// Select returns a view whose sample j is sample samples[j] of m (indices of
// m, not of the stream): a probe set of chosen tokens, e.g. those with one
// label. It shares the tokens and owns its scratch. Its batches touch one
// window per distinct window of their samples; it is window-aligned only if
// samples is.
func (m *Model) Select(samples []int) *Model {
	sel := make([]int32, len(samples))
	for j, i := range samples {
		if i < 0 || i >= m.n {
			panic("lm: Select: sample out of range")
		}
		sel[j] = int32(m.global(i))
	}
	return m.view(sel)
}

func (m *Model) view(sel []int32) *Model {
	if len(sel) == 0 {
		panic("lm: empty view")
	}
	c := *m
	c.sel, c.n = sel, len(sel)
	c.sc = newScratch(&c)
	return &c
}

// global returns the stream sample index of local sample i.
func (m *Model) global(i int) int {
	if m.sel != nil {
		return int(m.sel[i])
	}
	return i
}

// Sample returns the global window and the position of sample i: its input
// is token Window(window)[pos], its target Window(window)[pos+1].
func (m *Model) Sample(i int) (window, pos int) {
	if i < 0 || i >= m.n {
		panic("lm: Sample: index out of range")
	}
	g := m.global(i)
	return g / m.cfg.Context, g % m.cfg.Context
}

// Target returns the token that sample i predicts.
func (m *Model) Target(i int) int {
	k, p := m.Sample(i)
	return m.tokens[k*m.cfg.Context+p+1]
}

// Window returns global window k's T+1 tokens (a view of the stream; do not
// modify): inputs Window(k)[:T], targets Window(k)[1:].
func (m *Model) Window(k int) []int {
	T := m.cfg.Context
	if k < 0 || k >= m.nwin {
		panic("lm: Window: index out of range")
	}
	return m.tokens[k*T : k*T+T+1 : k*T+T+1]
}

// Tokens returns the whole token stream (shared; do not modify).
func (m *Model) Tokens() []int { return m.tokens }

// Init returns initial parameters drawn from rng: E entries N(0, 0.5²);
// P the sinusoidal position code of Vaswani et al. scaled by 0.5,
//
//	P[t][2i] = 0.5 sin(t ω_i),  P[t][2i+1] = 0.5 cos(t ω_i),  ω_i = T^(-2i/d)·π/2,
//
// (frequencies from a quarter turn per position down to about one cycle
// per 4T positions), in which attending to the previous position is a
// rotation, so that a previous-token head is within easy reach of a
// low-rank query-key map (P is learned like every other parameter); and
// W_Q, W_K, W_V, W_O, U (and W_in) entries N(0, 1/d), W_out entries
// N(0, 1/M), layer-norm gains 1. Residual-stream entries then
// start at a scale of about 0.5, attention is nearly uniform and the
// initial loss is about log V.
func (m *Model) Init(rng *rand.Rand) []float64 {
	w := make([]float64, m.lay.Dim)
	lay := m.lay
	for k := lay.Embed; k < lay.Pos; k++ {
		w[k] = 0.5 * rng.NormFloat64()
	}
	for t := 0; t < lay.T; t++ {
		for i := 0; 2*i < lay.D; i++ {
			om := math.Pow(float64(lay.T), -2*float64(i)/float64(lay.D)) * math.Pi / 2
			w[lay.Pos+t*lay.D+2*i] = 0.5 * math.Sin(float64(t)*om)
			if 2*i+1 < lay.D {
				w[lay.Pos+t*lay.D+2*i+1] = 0.5 * math.Cos(float64(t)*om)
			}
		}
	}
	s := 1 / math.Sqrt(float64(lay.D))
	for k := lay.PosEnd; k < lay.Dim; k++ {
		w[k] = s * rng.NormFloat64()
	}
	for _, off := range lay.lnGains() { // layer-norm gains: 1
		for k := off; k < off+lay.D; k++ {
			w[k] = 1
		}
	}
	if lay.M > 0 { // W_out: N(0, 1/M)
		r := math.Sqrt(float64(lay.D) / float64(lay.M))
		for l := 0; l < lay.L; l++ {
			for k := lay.Out[l]; k < lay.Out[l]+lay.M*lay.D; k++ {
				w[k] *= r
			}
		}
	}
	return w
}

// scratch is one replica's working memory.
type scratch struct {
	x    [][]float64 // L+1 residual streams X_0..X_L, rows×d
	qkv  [][]float64 // per layer [Q | K | V], rows×3d
	att  [][]float64 // per layer attention weights, chunkWindows·H blocks of T×T
	z    [][]float64 // per layer head outputs (concatenated), rows×d
	lg   []float64   // logits, then their gradient, rows×V
	dx   []float64   // ∂/∂X_l, rows×d
	dqkv []float64   // rows×3d
	dz   []float64   // rows×d
	ds   []float64   // T×T
	mid  [][]float64 // with MLP: per layer X after attention, rows×d
	pre  [][]float64 // with MLP: per layer X_mid W_in, rows×M
	act  [][]float64 // with MLP: per layer GELU(pre), rows×M
	dact []float64   // with MLP: rows×M
	ln1  []lnBuf     // with LayerNorm: per layer, the norm before the attention
	ln2  []lnBuf     // with LayerNorm and MLP: per layer, the norm before the MLP
	lnf  lnBuf       // with LayerNorm: the final norm
	dy   []float64   // with LayerNorm: ∂/∂(a norm's output), rows×d
	wins []winRef    // the windows of the current chunk

	// grouping of a batch by window
	slotOf []int32   // global window → slot (-1: untouched), len NumWindows
	slots  []int     // slot → global window
	maxp   []int     // slot → largest position needed
	cnt    []float64 // slot·T + pos → multiplicity in the batch
	rl     []float64 // slot·T + pos → loss (PointLosses)
}

// winRef is one window of a chunk: its input tokens, the number of
// positions computed, its first row and the multiplicity of each position.
type winRef struct {
	in   []int
	m, r int
	cnt  []float64 // len >= m; nil: no loss
	rl   []float64 // per-position losses out (nil: not wanted)
}

func newScratch(m *Model) *scratch {
	lay := m.lay
	rows := chunkWindows * lay.T
	d, L := lay.D, lay.L
	sc := &scratch{
		x: make([][]float64, L+1), qkv: make([][]float64, L), att: make([][]float64, L), z: make([][]float64, L),
		lg: make([]float64, rows*lay.V), dx: make([]float64, rows*d), dqkv: make([]float64, rows*3*d),
		dz: make([]float64, rows*d), ds: make([]float64, lay.T*lay.T), wins: make([]winRef, 0, chunkWindows),
		slotOf: make([]int32, m.nwin),
	}
	for l := range sc.x {
		sc.x[l] = make([]float64, rows*d)
	}
	for l := 0; l < L; l++ {
		sc.qkv[l] = make([]float64, rows*3*d)
		sc.att[l] = make([]float64, chunkWindows*lay.H*lay.T*lay.T)
		sc.z[l] = make([]float64, rows*d)
	}
	if lay.M > 0 {
		sc.mid, sc.pre, sc.act = make([][]float64, L), make([][]float64, L), make([][]float64, L)
		for l := 0; l < L; l++ {
			sc.mid[l] = make([]float64, rows*d)
			sc.pre[l] = make([]float64, rows*lay.M)
			sc.act[l] = make([]float64, rows*lay.M)
		}
		sc.dact = make([]float64, rows*lay.M)
	}
	if lay.LNF >= 0 {
		sc.ln1 = make([]lnBuf, L)
		for l := range sc.ln1 {
			sc.ln1[l] = newLNBuf(rows, d)
		}
		if lay.M > 0 {
			sc.ln2 = make([]lnBuf, L)
			for l := range sc.ln2 {
				sc.ln2[l] = newLNBuf(rows, d)
			}
		}
		sc.lnf = newLNBuf(rows, d)
		sc.dy = make([]float64, rows*d)
	}
	for k := range sc.slotOf {
		sc.slotOf[k] = -1
	}
	return sc
}

func (m *Model) checkW(w []float64) {
	if len(w) != m.lay.Dim {
		panic("lm: len(w) != Dim")
	}
}

// group sorts the entries of batch (nil: 0..n-1) into slots, one per
// distinct window, in order of first appearance, with the multiplicity of
// each position. ungroup must follow.
func (m *Model) group(batch []int) {
	sc := m.sc
	T := m.cfg.Context
	sc.slots, sc.maxp = sc.slots[:0], sc.maxp[:0]
	count := len(batch)
	if batch == nil {
		count = m.n
	}
	for e := 0; e < count; e++ {
		i := e
		if batch != nil {
			i = batch[e]
			if i < 0 || i >= m.n {
				m.ungroup()
				panic("lm: batch index out of range")
			}
		}
		g := m.global(i)
		k, p := g/T, g%T
		s := int(sc.slotOf[k])
		if s < 0 {
			s = len(sc.slots)
			sc.slotOf[k] = int32(s)
			sc.slots = append(sc.slots, k)
			sc.maxp = append(sc.maxp, p)
			if need := (s + 1) * T; need > len(sc.cnt) {
				sc.cnt = append(sc.cnt, make([]float64, max(need, 2*len(sc.cnt))-len(sc.cnt))...)
			}
			clear(sc.cnt[s*T : (s+1)*T])
		}
		sc.cnt[s*T+p]++
		sc.maxp[s] = max(sc.maxp[s], p)
	}
}

func (m *Model) ungroup() {
	for _, k := range m.sc.slots {
		m.sc.slotOf[k] = -1
	}
}

// chunks calls f for consecutive groups of at most chunkWindows slots with
// their winRefs filled in (row offsets, inputs, multiplicities) and the
// number of rows.
func (m *Model) chunks(wantLoss bool, f func(ws []winRef, rows int)) {
	sc := m.sc
	T := m.cfg.Context
	for s0 := 0; s0 < len(sc.slots); s0 += chunkWindows {
		s1 := min(s0+chunkWindows, len(sc.slots))
		ws := sc.wins[:0]
		rows := 0
		for s := s0; s < s1; s++ {
			k := sc.slots[s]
			wr := winRef{in: m.tokens[k*T : k*T+T+1], m: sc.maxp[s] + 1, r: rows, cnt: sc.cnt[s*T : (s+1)*T]}
			if wantLoss {
				wr.rl = sc.rl[s*T : (s+1)*T]
			}
			ws = append(ws, wr)
			rows += wr.m
		}
		sc.wins = ws
		f(ws, rows)
	}
}

// LossGrad returns the mean per-sample loss (negative log-likelihood in
// nats) over batch (nil: all NumData samples; duplicates count as often as
// they appear) and, if grad != nil, overwrites grad (length Dim) with its
// gradient. The windows touched by the batch are evaluated up to the
// largest position the batch needs in each, chunkWindows windows per pass.
// It does not allocate after warm-up; it is not safe for concurrent use.
func (m *Model) LossGrad(grad, w []float64, batch []int) float64 {
	m.checkW(w)
	if grad != nil && len(grad) != m.lay.Dim {
		panic("lm: len(grad) != Dim")
	}
	if batch != nil && len(batch) == 0 {
		panic("lm: empty batch")
	}
	n := len(batch)
	if batch == nil {
		n = m.n
	}
	if grad != nil {
		clear(grad)
	}
	m.group(batch)
	defer m.ungroup()
	inv := 1 / float64(n)
	var loss float64
	m.chunks(false, func(ws []winRef, rows int) {
		m.forward(w, ws, rows)
		loss += m.crossEntropy(ws, rows, inv, grad != nil)
		if grad != nil {
			m.backward(grad, w, ws, rows)
		}
	})
	if grad != nil {
		m.plan.zeroUnmasked(grad)
	}
	return loss * inv
}

// PointLosses writes l_i(w), the negative log-likelihood in nats of sample
// i's target, into dst for i in idx (nil: all samples in order; len(dst)
// must be len(idx), or NumData()). It does not allocate after warm-up.
func (m *Model) PointLosses(dst, w []float64, idx []int) {
	m.checkW(w)
	n := len(idx)
	if idx == nil {
		n = m.n
	}
	if len(dst) != n {
		panic("lm: PointLosses: wrong len(dst)")
	}
	if n == 0 {
		return
	}
	m.group(idx)
	defer m.ungroup()
	sc := m.sc
	T := m.cfg.Context
	if need := len(sc.slots) * T; need > len(sc.rl) {
		sc.rl = make([]float64, max(need, 2*len(sc.rl)))
	}
	m.chunks(true, func(ws []winRef, rows int) {
		m.forward(w, ws, rows)
		m.crossEntropy(ws, rows, 0, false)
	})
	for e := range dst {
		i := e
		if idx != nil {
			i = idx[e]
		}
		g := m.global(i)
		dst[e] = sc.rl[int(sc.slotOf[g/T])*T+g%T]
	}
}
