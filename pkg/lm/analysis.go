// Copyright ©2026 The susclab Authors.

package lm

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// Windows returns the global windows that m's samples lie in, in order of
// first appearance (for a Subset view: its windows, in its order).
func (m *Model) Windows() []int {
	seen := make(map[int]bool)
	var ks []int
	for i := 0; i < m.n; i++ {
		k, _ := m.Sample(i)
		if !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	return ks
}

// HeadScores measures on the given global windows, from the attention
// patterns (Attention on each window's T inputs), for every head (index
// l·H + h):
//
//   - prevToken: the mean over positions t >= 1 of A[t, t-1], the weight
//     on the previous token (near 1 for a previous-token head);
//   - induction: the mean over positions t at which the current token
//     occurred before (x_{j-1} = x_t for some 1 <= j <= t) of Σ A[t, j]
//     over those j, the weight on the tokens that followed earlier
//     occurrences of the current token (near 1 for an induction head);
//   - base: the same two scores for uniform causal attention (weight
//     1/(t+1) on each position j <= t), for comparison: base[0] for the
//     previous token, base[1] for induction.
func (m *Model) HeadScores(w []float64, windows []int) (prevToken, induction []float64, base [2]float64) {
	lay := m.lay
	nh := lay.L * lay.H
	prevToken, induction = make([]float64, nh), make([]float64, nh)
	T := lay.T
	att := make([]float64, nh*T*T)
	var np, ni float64
	for _, k := range windows {
		x := m.Window(k)[:T]
		m.Attention(att, w, x)
		for t := 1; t < T; t++ {
			np++
			base[0] += 1 / float64(t+1)
			for q := 0; q < nh; q++ {
				prevToken[q] += att[(q*T+t)*T+t-1]
			}
			matches := 0
			for j := 1; j <= t; j++ {
				if x[j-1] == x[t] {
					matches++
				}
			}
			if matches == 0 {
				continue
			}
			ni++
			base[1] += float64(matches) / float64(t+1)
			for q := 0; q < nh; q++ {
				row := att[(q*T+t)*T:]
				for j := 1; j <= t; j++ {
					if x[j-1] == x[t] {
						induction[q] += row[j]
					}
				}
			}
		}
	}
	for q := range prevToken {
		prevToken[q] /= math.Max(np, 1)
		induction[q] /= math.Max(ni, 1)
	}
	base[0] /= math.Max(np, 1)
	base[1] /= math.Max(ni, 1)
	return prevToken, induction, base
}

// PrintInductionReport writes, for model m at parameters w, the mean loss
// of all samples and of those labelled Induction (labels in m's sample
// order), the latter with each head ablated, and each head's HeadScores on
// the given global windows (nil: m's windows).
func PrintInductionReport(out io.Writer, m *Model, w []float64, labels []Label, windows []int) {
	idx := WithLabel(labels, Induction)
	fmt.Fprintf(out, "probe: %d tokens, mean loss %.4f nats; %d induction-labelled tokens\n", m.NumData(), m.LossGrad(nil, w, nil), len(idx))
	var abl []float64
	var intact float64
	if len(idx) > 0 {
		abl, intact = m.AblationLosses(w, idx)
		fmt.Fprintf(out, "induction-labelled loss %.4f nats intact\n", intact)
	}
	if windows == nil {
		windows = m.Windows()
	}
	prev, ind, base := m.HeadScores(w, windows)
	fmt.Fprintf(out, "attention scores on %d windows\n", len(windows))
	fmt.Fprintf(out, "%-6s %22s %11s %11s\n", "head", "ablated loss", "prev-token", "induction")
	for q := range prev {
		a := "-"
		if abl != nil {
			a = fmt.Sprintf("%.4f (%+.3f)", abl[q], abl[q]-intact)
		}
		fmt.Fprintf(out, "%-6s %22s %11.3f %11.3f\n", HeadName(q/m.lay.H, q%m.lay.H), a, prev[q], ind[q])
	}
	fmt.Fprintf(out, "%-6s %22s %11.3f %11.3f\n", "unif.", "(uniform attention)", base[0], base[1])
}

// RepeatScores is the standard induction-head diagnostic of the model at
// w: `windows` windows whose first T/2 tokens are drawn uniformly from pool
// (with repetition; e.g. a corpus's tokens, for its unigram distribution)
// and whose last T/2 tokens repeat them. It returns, for every head (index
// l·H + h), the mean attention over positions t >= T/2 of the second half
// on the previous token (prev) and on position t - T/2 + 1, the token after
// the earlier occurrence of the current token (induction), and the mean
// loss of the samples t = 0..T/2-2 of the first half (first) and t =
// T/2..T-2 of the second half (second), whose targets only copying from
// the first half predicts. A model with induction heads has second far
// below first and induction near 1 for those heads. T must be even.
func (m *Model) RepeatScores(w []float64, rng *rand.Rand, pool []int, windows int) (prev, induction []float64, first, second float64) {
	T := m.lay.T
	if T%2 != 0 || T < 4 || windows < 1 || len(pool) == 0 {
		panic("lm: RepeatScores: need an even T >= 4, windows >= 1 and a pool")
	}
	halves := make([][]int, windows)
	for k := range halves {
		halves[k] = make([]int, T/2)
		for t := range halves[k] {
			halves[k][t] = pool[rng.IntN(len(pool))]
		}
	}
	return m.RepeatScoresOf(w, halves)
}

// RepeatScoresOf is RepeatScores on given first halves (each of T/2
// tokens), e.g. real text: the second half of each window repeats its first.
func (m *Model) RepeatScoresOf(w []float64, halves [][]int) (prev, induction []float64, first, second float64) {
	rm, idx1, idx2, err := m.Repeated(halves)
	if err != nil {
		panic(err.Error())
	}
	lay, toks := m.lay, rm.tokens
	T, half, windows := lay.T, lay.T/2, len(halves)
	first, second = rm.LossGrad(nil, w, idx1), rm.LossGrad(nil, w, idx2)
	nh := lay.L * lay.H
	prev, induction = make([]float64, nh), make([]float64, nh)
	att := make([]float64, nh*T*T)
	for k := 0; k < windows; k++ {
		rm.Attention(att, w, toks[k*T:k*T+T])
		for q := 0; q < nh; q++ {
			for t := half; t < T; t++ {
				prev[q] += att[(q*T+t)*T+t-1]
				induction[q] += att[(q*T+t)*T+t-half+1]
			}
		}
	}
	for q := range prev {
		prev[q] /= float64(windows * half)
		induction[q] /= float64(windows * half)
	}
	return prev, induction, first, second
}

// FirstHalves returns the first T/2 input tokens of each of m's windows
// (Windows order; views of the stream, not to be modified): the halves of
// the induction test on m's own text (Repeated, RepeatScoresOf).
func (m *Model) FirstHalves() [][]int {
	ks := m.Windows()
	halves := make([][]int, len(ks))
	for j, k := range ks {
		halves[j] = m.Window(k)[: m.lay.T/2 : m.lay.T/2]
	}
	return halves
}

// Repeated returns a model with m's architecture and vocabulary on windows
// whose first T/2 tokens are halves[k] and whose last T/2 repeat them (the
// standard induction test; window k's last target is the first token of
// window k+1, and the last window's that of window 0), with the samples
// t = 0..T/2-2 of each window's first copy (first) and t = T/2..T-2 of its
// second (second), whose targets only copying from the first copy
// predicts. Samples T/2-1 and T-1 of each window, whose targets start a
// copy or the next window, are in neither. It needs an even T >= 4 and at
// least one half, each of T/2 tokens of the vocabulary.
func (m *Model) Repeated(halves [][]int) (rm *Model, first, second []int, err error) {
	lay := m.lay
	T, half := lay.T, lay.T/2
	if T%2 != 0 || T < 4 {
		return nil, nil, nil, fmt.Errorf("lm: Repeated: need an even context of at least 4, not %d", T)
	}
	if len(halves) == 0 {
		return nil, nil, nil, errors.New("lm: Repeated: need at least one half")
	}
	for k, h := range halves {
		if len(h) != half {
			return nil, nil, nil, fmt.Errorf("lm: Repeated: half %d has %d tokens, not T/2 = %d", k, len(h), half)
		}
		for _, v := range h {
			if v < 0 || v >= lay.V {
				return nil, nil, nil, fmt.Errorf("lm: Repeated: half %d: token %d outside the vocabulary of %d", k, v, lay.V)
			}
		}
	}
	toks := make([]int, len(halves)*T+1)
	for k, h := range halves {
		copy(toks[k*T:], h)
		copy(toks[k*T+half:], h)
	}
	toks[len(halves)*T] = toks[0]
	rm = New(m.cfg, lay.V, toks)
	for k := range halves {
		for t := 0; t <= half-2; t++ {
			first = append(first, k*T+t)
		}
		for t := half; t <= T-2; t++ {
			second = append(second, k*T+t)
		}
	}
	return rm, first, second, nil
}
