// Copyright ©2026 The susclab Authors.

// Package lm is a small decoder-only transformer language model with
// hand-written backpropagation, in float64, made to be sampled (SGLD and its
// variants) and probed head by head: per-token losses, component masks per
// attention head, head ablation and attention patterns, on a real corpus
// (Go source code) and on a planted corpus with known induction structure.
//
// # Architecture
//
// Byte-level tokens (Vocab: the distinct bytes of a text, numbered 0..V-1)
// in windows of T tokens, a residual stream of width d, L attention-only
// layers of H heads each (d_head = d/H), no biases (Config; defaults
// T = 64, d = 64, H = 4, L = 2). Two options, off by default: an
// MLP block of width M per layer (Config.MLP) and pre-LN layer norms with a
// learned gain and no bias, LN(x) = g ⊙ (x - mean x)/√(var x + 1e-5), before
// the attention, the MLP and the unembedding (Config.LayerNorm). For a
// window with input tokens x_0..x_{T-1} (rows are positions):
//
//	X_0[t]   = E[x_t] + P[t]                                 (T×d)
//	[Q|K|V]  = X_l Wqkv_l,  Q_h, K_h, V_h = columns h·d_head..(h+1)·d_head-1
//	S_h      = Q_h K_hᵀ / √d_head
//	A_h[t,j] = exp(S_h[t,j]) / Σ_{j'≤t} exp(S_h[t,j'])  for j ≤ t, 0 for j > t
//	Z        = [A_0 V_0 | ... | A_{H-1} V_{H-1}]
//	X_{l+1}  = X_l + Z W_O_l
//	           (with the MLP block: X_mid = X_l + Z W_O_l,
//	            X_{l+1} = X_mid + GELU(X_mid W_in_l) W_out_l, GELU(u) = u Φ(u))
//	logits   = X_L U,    l_t = log Σ_v exp(logits[t,v]) - logits[t, x_{t+1}]
//
// l_t is the per-sample loss: the negative log-likelihood, in nats, of the
// token at position t+1 given tokens 0..t.
//
// # Backward pass
//
// Hand-written, beside the forward pass (forward.go), one rule per forward
// product. With G[t,·] = c_t/|B| (softmax(logits[t]) - onehot(x_{t+1})) for
// a position counted c_t times in the batch B:
//
//	∂U      = X_Lᵀ G,            dX_L = G Uᵀ
//	∂W_O_l  = Zᵀ dX_{l+1},       dZ   = dX_{l+1} W_O_lᵀ
//	dA_h    = dZ_h V_hᵀ,         dV_h = A_hᵀ dZ_h
//	dS_h[t,j] = A_h[t,j] (dA_h[t,j] - Σ_{j'≤t} A_h[t,j'] dA_h[t,j']) / √d_head
//	dQ_h    = dS_h K_h,          dK_h = dS_hᵀ Q_h
//	∂Wqkv_l = X_lᵀ [dQ|dK|dV],   dX_l = dX_{l+1} + [dQ|dK|dV] Wqkv_lᵀ
//	∂E[x_t] += dX_0[t],          ∂P[t] += dX_0[t]
//
// and with the MLP block, first in each layer (pre = X_mid W_in, act =
// GELU(pre)):
//
//	∂W_out_l += actᵀ dX_{l+1},   dpre = (dX_{l+1} W_out_lᵀ) ⊙ GELU'(pre)
//	∂W_in_l  += X_midᵀ dpre,     dX_mid = dX_{l+1} + dpre W_in_lᵀ
//
// With layer norms, each product reads Y = LN(X) in place of X, and the
// gradient dY it returns reaches X through (per row, ĥ = (x - mean)/σ)
//
//	∂g += dY ⊙ ĥ,   dX += (1/σ)(dĥ - mean(dĥ) - ĥ·mean(dĥ ⊙ ĥ)),   dĥ = dY ⊙ g.
//
// Every block of the gradient is checked against fourth-order central
// differences in the tests (TestGradient), on partial-window,
// window-aligned and duplicated batches.
//
// # Parameters
//
// A Model holds data and configuration, never parameters: those are one
// flat []float64 w with the layout of Layout (offsets per block):
//
//	E (V×d) | P (T×d) | layer 0: [g1,] [W_Q|W_K|W_V] (d×3d), W_O (d×d) [, g2, W_in (d×M), W_out (M×d)] | layer 1: ... | [g_f,] U (d×V)
//
// all row-major; head h owns columns h·d_head..(h+1)·d_head-1 of W_Q, W_K,
// W_V and the same rows of W_O. Init draws a starting point.
//
// # Samples and batches
//
// The token stream x_0..x_{N-1} is cut into W = ⌊(N-1)/T⌋ windows of T+1
// tokens with stride T: window k has inputs x_{kT}..x_{kT+T-1} and targets
// x_{kT+1}..x_{kT+T}, so each token is predicted once and no window sees
// another's tokens. One sample is one predicted token: NumData() = W·T, and
// sample i is position i%T of window i/T. (Views renumber: Subset(windows)
// keeps whole windows, so its sample i is position i%T of windows[i/T];
// Select(samples) takes any samples.)
//
// LossGrad(grad, w, batch) returns the MEAN loss over the batch (nil: all
// samples; a duplicated index counts as often as it appears) and overwrites
// grad with its gradient. It groups the batch by window and runs each
// touched window only up to the largest position the batch needs in it
// (causal attention: later positions cannot change earlier losses), and
// backward only from the batch's positions. The cost is O(windows touched
// × T). A window-aligned batch, made of whole blocks of WindowLen()
// consecutive samples, costs O(tokens in the batch); a batch of b random
// samples touches up to b windows, about b·T/2 positions. Windows are
// stacked into one (windows·T)×d matrix, up to 8 windows per pass, so the
// products are matrix-matrix products. PointLosses gives the per-sample
// losses l_i(w). Full-batch evaluation of the Go corpus (550k samples) is
// expensive: Subset(windows) is a model on a fixed set of windows (an
// evaluation or probe set) sharing the data.
//
// # Concurrency and allocation
//
// A Model owns scratch memory: LossGrad, PointLosses and Attention are NOT
// safe for concurrent use. Replicate returns an independent copy (sharing
// the read-only tokens) for another goroutine; a sampler calls it once per
// chain. After a warm-up call with the largest batch, LossGrad and
// PointLosses allocate nothing.
//
// # Speed
//
// Dense products go through gonum's blas64, so blas64.Use swaps the engine
// for the whole package: pure-Go gonum by default (its Dgemm runs serially
// here: products are cut into 64×64 tiles so that gonum never starts
// goroutines), or OpenBLAS through gonum.org/v1/netlib with cgo: building
// with -tags openblas (and CGO_LDFLAGS=-lopenblas, OPENBLAS_NUM_THREADS=1)
// switches to it in this package's init. At the default size (V = 96), a
// gradient on a window-aligned batch of 4 windows (256 tokens) takes
// about 16 ms with pure-Go gonum (5 GFLOP/s) and 4 ms with single-threaded
// OpenBLAS (20 GFLOP/s) on a quiet core; see BenchmarkLossGrad and
// BenchmarkSGLDStep. The same model in PyTorch (float64, one thread,
// autograd, bench/lm_torch.py) takes 9–11 ms per SGLD step with OpenBLAS
// and 41–46 ms with the reference BLAS.
//
// # Corpora
//
// GoSource is an embedded extract of the Go standard library's sources
// (code with English comments, built by cmd/lmcorpus; license and file list
// in corpus/). GoCorpus classifies each byte as comment or code and marks
// Go keywords (by go/scanner); GoSplit gives the training model (all
// windows but 8) and the held-out probe model (8 windows, 512 tokens);
// GoSplitDoubled adds doubled training windows (a span of the training text
// repeated once), which teach the model to copy, and GoSplitOf rebuilds the
// split that a checkpoint was trained on;
// Corpus.KindSamples gives the code and comment probe distributions, and
// GoKindPools sorts training windows into code, comment and doubled ones,
// which MixWindows draws with mixture weights coupled across weights (the
// data kinds of a reweighting). Model.Repeated builds the induction test's
// windows (each half followed by itself) from given halves, e.g. held-out text.
// Corpus.Labels labels each predicted token with token patterns;
// Label.Primary picks one by priority for colouring. For the sample at
// position t of a window x_0..x_T, predicting y = x_{t+1} after x = x_t
// (bytes of the text; word bytes are ASCII letters, digits and '_'):
//
//	Induction   (x_t, x_{t+1}) = (x_{j-1}, x_j) for some 1 <= j <= t: the token
//	            completes a bigram that occurred earlier in the same window
//	Keyword     y is a byte (any, not only the last) of one of Go's 25
//	            keywords as a token of the code (go/scanner), never in a
//	            comment, string or identifier
//	Closing     y is ')', ']' or '}'
//	Digit       y is '0'..'9'
//	WordStart   y is an ASCII letter or '_' and x is not a word byte
//	WordCont    y and x are word bytes
//	Whitespace  y is ' ', '\t' or '\n'
//	PrevToken   P(y | x) >= 0.5 in the bigram counts of the training stream
//	Comment     y is inside a comment (a class, not a pattern)
//
// A token may have several labels. The primary label is the first of
// Induction, Keyword, Closing, Digit, WordStart, WordCont, Whitespace,
// PrevToken that it has (none otherwise); Comment is never primary.
//
// Planted generates windows of random tokens with planted repeats whose
// continuation only an induction circuit predicts, with ground-truth
// labels. Between the repeats are fillers from a separate alphabet, most of
// them following a "skip" rule (a filler is the successor of the filler two
// back), which makes a previous-token head useful on its own. Without the
// skip rule the 2-layer model stays on its loss plateau for thousands of
// steps: a previous-token head is then useful only through the induction
// head that reads it, and neither forms first. With it the previous-token
// head forms within a few hundred steps and the induction head follows;
// the separate filler alphabet keeps the two predictions apart and makes
// chance repeats rare. PlantedDefaults (T = 32, d = 32, H = 2; A = 32
// repeat tokens, 16 fillers, Skip 0.8; Adam with 16 windows per batch, LR
// 6e-3, 200 warm-up steps, 3000 steps) learn induction in under a minute
// of one core (TestPlantedInduction): on seeds 1, 2, 3 the mean loss on
// planted induction tokens falls to 0.74, 0.68 and 0.53 nats, against
// log 32 = 3.47 for the unigram distribution. One layer-0 head becomes a
// previous-token head (0.87..0.94 of its attention on the previous token)
// and ablating it raises that loss by 2.7..3.1 nats, more than any other
// head; at this width both layer-1 heads become induction heads (0.72..0.80
// of their attention on the tokens after earlier occurrences of the current
// token) and share the work: ablating either raises the loss by 0.7..1.6
// nats, the other one still copying. At the default width (d = 64, H = 4,
// same data and settings) the loss falls to 0.30..0.36 nats, one layer-0
// head is again the previous-token head (ablating it: +3.2..3.3 nats) and
// three of the four layer-1 heads become induction heads, each ablation
// costing 0.3..1.1 nats. RepeatScores is the standard diagnostic on
// repeated random tokens.
//
// # Training
//
// Train runs seeded, deterministic Adam on minibatches of whole windows
// with optional warm-up and returns the checkpoints as a checkpoint.Series
// (step 0, every TrainConfig.Every steps and the last), written and read
// bit for bit by package checkpoint; TrainConfig.Stop ends a run at a
// checkpoint (cancellation, early stopping) with the same bits as the
// uninterrupted run up to there (and as a shorter run, unless Cosine). TrainPlantedMixture trains on a mixture
// of planted window kinds with paired random streams across weights, and
// TrainPlantedUntilFormed ends such a run a margin after its induction
// circuit forms (FormationStep); TrainPlantedPhases changes the mixture's
// weights during a run (each window drawn, by PlantedPhases, with the
// weights of the step whose minibatch holds it, WindowSteps). TrainGoMixture is the
// same on Go source: windows drawn by MixWindows from GoKindPools, paired
// across weights, with formation dated by the induction test on the
// repeated probe windows (GoFormationRatio). cmd/lmtrain trains on either corpus
// and reports head ablations and attention scores (HeadScores,
// RepeatScores). testdata/ holds the last checkpoint of one run on each
// corpus; the Go-source one has half its training windows doubled
// (GoSplitDoubled, 30,000 steps) and an induction head (l1h1), which the
// model trained on Go source alone lacks (docs/theory.md §5.7): the
// default model trained on the Go corpus alone for 20,000 steps of 8
// windows (10 million tokens, 18 passes; cosine learning rate from 3e-3)
// reaches 1.40 nats per byte on its evaluation windows and 1.59 on the
// held-out probe, but forms no induction head: on repeated random tokens
// its loss on the repeat equals that on the first half (7.02 and 6.94
// nats), every head puts 0.23..0.38 of its attention on the previous token
// (6× uniform) and almost none on induction targets; repeated real text is
// not predicted better the second time either (1.61 against 1.51 nats).
// With context T = 128 (20,000 steps of 4 windows) it is the same: 1.37
// nats on the evaluation windows, 1.50 on the probe, no induction head. At
// byte level a single repeated byte is a weak cue; this small
// attention-only model spends its heads on local context instead.
package lm
