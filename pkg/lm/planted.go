// Copyright ©2026 The susclab Authors.

package lm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"susclab/internal/seeds"
)

// PlantedConfig configures Planted. The zero value of each field means the
// default in its comment.
type PlantedConfig struct {
	Alphabet int `json:"alphabet"` // A, the number of distinct tokens; 0 means 24
	Context  int `json:"context"`  // T, tokens per window; 0 means 64
	MinLen   int `json:"min_len"`  // shortest repeat; 0 means 4
	MaxLen   int `json:"max_len"`  // longest repeat; 0 means 10
	Repeats  int `json:"repeats"`  // repeats per window; 0 means 3
	// Filler is the size F of a separate filler alphabet A..A+F-1 for the
	// positions outside the repeats; 0 means none (fillers are drawn from
	// the repeats' alphabet 0..A-1).
	Filler int `json:"filler"`
	// Skip is the probability that a filler follows the skip rule (see
	// Planted); 0 means never.
	Skip float64 `json:"skip"`
	// NoRepeats places no repeats: every position is a filler (a window
	// kind with nothing for an induction head to do, for mixtures).
	NoRepeats bool `json:"no_repeats,omitempty"`
}

// VocabSize returns the number of tokens, A + F.
func (c PlantedConfig) VocabSize() int {
	c = c.withDefaults()
	return c.Alphabet + c.Filler
}

func (c PlantedConfig) withDefaults() PlantedConfig {
	if c.Alphabet == 0 {
		c.Alphabet = 24
	}
	if c.Context == 0 {
		c.Context = 64
	}
	if c.MinLen == 0 {
		c.MinLen = 4
	}
	if c.MaxLen == 0 {
		c.MaxLen = 10
	}
	if c.Repeats == 0 {
		c.Repeats = 3
	}
	return c
}

// Planted returns a token stream of windows·T+1 tokens with planted
// structure, and for each of its windows·T samples (the indexing of New)
// whether it is a planted induction token and whether it is a skip token.
//
// Each window is generated as follows. First Repeats segment pairs are
// placed: a source [o, o+ℓ) (ℓ uniform in MinLen..MaxLen) and a later copy
// [s, s+ℓ), s ≥ o+ℓ, no two segments of a window overlapping (a pair that
// does not fit after 1000 tries is skipped). Then the T positions are
// filled from left to right: a source position with a uniform token of the
// alphabet 0..A-1, a copy position with the token of its source position,
// and every other position with a filler: a uniform token of the filler
// alphabet A..A+F-1 (of 0..A-1 if F = 0), except that with probability
// Skip a filler at q ≥ 2 after a filler x_{q-2} follows the skip rule
// x_q = next(x_{q-2}), the next token of the filler alphabet cyclically
// (a skip token). The last target of a window is the first token of the
// next, unpredictable.
//
// Sample t of a window (predicting x_{t+1}) is a planted induction token
// when s ≤ t < s+ℓ-1 for one of its copies: it predicts the 2nd..ℓ-th
// token of the copy, uniform and independent of everything but its source
// earlier in the window, so that only an induction mechanism predicts it
// (a previous-token head in layer 0 whose output lets an induction head in
// layer 1 find the token after the earlier occurrence of the current
// token); unconditionally its entropy is log A nats. Sample t is a skip
// token when x_{t+1} was drawn by the skip rule: a previous-token head
// predicts it. The skip rule gives the previous-token head a use of its
// own, so that it forms early; with Skip = 0 the model learns induction
// far more slowly (see the package documentation). A separate filler
// alphabet keeps the two apart: the current token tells whether the skip
// rule or a repeat can apply, and repeated tokens rarely occur by chance.
func Planted(rng *rand.Rand, cfg PlantedConfig, windows int) (tokens []int, induction, skip []bool) {
	cfg = cfg.withDefaults()
	T, A, F := cfg.Context, cfg.Alphabet, cfg.Filler
	if A < 2 || F < 0 || F == 1 || cfg.MinLen < 2 || cfg.MaxLen < cfg.MinLen || 2*cfg.MaxLen > T || windows < 1 || cfg.Skip < 0 || cfg.Skip > 1 {
		panic("lm: Planted: invalid config")
	}
	f0, nf := A, F // the filler alphabet f0..f0+nf-1
	if F == 0 {
		f0, nf = 0, A
	}
	tokens = make([]int, windows*T+1)
	induction = make([]bool, windows*T)
	skip = make([]bool, windows*T)
	src := make([]int, T) // position → source position for a copy, -1: filler; -2: a source
	for k := 0; k < windows; k++ {
		for i := range src {
			src[i] = -1
		}
		for r := 0; r < cfg.Repeats && !cfg.NoRepeats; r++ {
			for try := 0; try < 1000; try++ {
				l := cfg.MinLen + rng.IntN(cfg.MaxLen-cfg.MinLen+1)
				o := rng.IntN(T - 2*l + 1)
				s := o + l + rng.IntN(T-2*l-o+1)
				if free(src, o, o+l) && free(src, s, s+l) {
					for i := 0; i < l; i++ {
						src[o+i], src[s+i] = -2, o+i
					}
					for t := s; t < s+l-1; t++ {
						induction[k*T+t] = true
					}
					break
				}
			}
		}
		x := tokens[k*T : k*T+T]
		for q := range x {
			switch {
			case src[q] >= 0:
				x[q] = x[src[q]]
			case src[q] == -2:
				x[q] = rng.IntN(A)
			case q >= 2 && src[q-2] == -1 && rng.Float64() < cfg.Skip:
				x[q] = f0 + (x[q-2]-f0+1)%nf
				skip[k*T+q-1] = true
			default:
				x[q] = f0 + rng.IntN(nf)
			}
		}
	}
	tokens[windows*T] = f0 + rng.IntN(nf)
	return tokens, induction, skip
}

func free(src []int, lo, hi int) bool { // no segment in [lo, hi)
	for _, v := range src[lo:hi] {
		if v != -1 {
			return false
		}
	}
	return true
}

// PlantedMixture returns a token stream like Planted's whose windows are
// drawn from the corpora cfgs with probabilities proportional to weights,
// each window's corpus chosen independently, with the induction and skip
// flags of its samples and the corpus of each window (kind).
//
// The draws are coupled across weights (common random numbers): window w's
// kind comes from one uniform draw of a stream fixed by seed, by the
// inverse of the weights' cumulative distribution, and its content from a
// stream fixed by (seed, w, kind). Every stream's seed is derived from
// (seed, its index) by a hash (internal/seeds), so no two coincide. Two mixtures with the same seed and
// nearby weights therefore share every window whose kind did not change,
// which is what pairs the arms of a reweighting experiment.
//
// The corpora must share the context and the vocabulary size; it panics
// otherwise, or if a weight is negative or not finite, or none is positive.
func PlantedMixture(seed uint64, cfgs []PlantedConfig, weights []float64, windows int) (tokens []int, induction, skip []bool, kind []int) {
	if windows < 1 {
		panic("lm: PlantedMixture: need windows >= 1")
	}
	return PlantedPhases(seed, cfgs, [][]float64{weights}, make([]int, windows))
}

// PlantedPhases is PlantedMixture with weights that change between
// windows: window w is drawn with weights[phase[w]] (len(phase) windows).
// The draws are coupled as in PlantedMixture, so window w is the same as
// PlantedMixture's with weights[phase[w]] and the same seed; with one set
// of weights it is PlantedMixture, bit for bit.
func PlantedPhases(seed uint64, cfgs []PlantedConfig, weights [][]float64, phase []int) (tokens []int, induction, skip []bool, kind []int) {
	windows := len(phase)
	if len(cfgs) == 0 || windows < 1 {
		panic("lm: PlantedPhases: need a corpus and windows >= 1")
	}
	total := make([]float64, len(weights))
	for i, ws := range weights {
		if len(ws) != len(cfgs) {
			panic("lm: PlantedPhases: need one weight per corpus")
		}
		if err := CheckWeights(ws); err != nil {
			panic("lm: PlantedPhases: " + err.Error())
		}
		for _, w := range ws {
			total[i] += w
		}
	}
	for _, p := range phase {
		if p < 0 || p >= len(weights) {
			panic("lm: PlantedPhases: phase out of range")
		}
	}
	for k := range cfgs {
		c, c0 := cfgs[k].withDefaults(), cfgs[0].withDefaults()
		if c.Context != c0.Context || c.VocabSize() != c0.VocabSize() {
			panic("lm: PlantedPhases: corpora of different contexts or vocabularies")
		}
	}
	T := cfgs[0].withDefaults().Context
	nk := uint64(len(cfgs))
	choose := rand.New(seeds.PCG(seed, streamKind))
	src := rand.NewPCG(0, 0)
	content := rand.New(src)
	tokens = make([]int, 0, windows*T+1)
	induction, skip, kind = make([]bool, 0, windows*T), make([]bool, 0, windows*T), make([]int, windows)
	for w := range kind {
		k := drawKind(choose.Float64()*total[phase[w]], weights[phase[w]])
		kind[w] = k
		a := seeds.Derive(seed, uint64(w)*nk+uint64(k))
		src.Seed(a, seeds.SplitMix(a))
		tok, ind, sk := Planted(content, cfgs[k], 1)
		tokens, induction, skip = append(tokens, tok[:T]...), append(induction, ind...), append(skip, sk...)
	}
	a := seeds.Derive(seed, uint64(windows)*nk)
	src.Seed(a, seeds.SplitMix(a))
	tok, _, _ := Planted(content, cfgs[0], 1)
	return append(tokens, tok[0]), induction, skip, kind
}

// Tags of the streams of PlantedMixture and TrainPlantedMixture other than
// the windows' contents (indices w·K + k, far below 2^63).
const (
	streamKind = 1<<63 | iota
	streamInit
)

// ParseWeights parses n comma-separated mixture weights ("0.6,0.2,0.2"):
// each finite and non-negative, at least one positive.
func ParseWeights(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("lm: want %d comma-separated weights, got %q", n, s)
	}
	w := make([]float64, n)
	for k, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("lm: weight %q is not a number", p)
		}
		w[k] = v
	}
	if err := CheckWeights(w); err != nil {
		return nil, fmt.Errorf("lm: weights %q: %w", s, err)
	}
	return w, nil
}

// CheckWeights reports whether w are mixture weights: each finite and
// non-negative, at least one positive.
func CheckWeights(w []float64) error {
	var total float64
	for _, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("weight %v is not finite and non-negative", v)
		}
		total += v
	}
	if !(total > 0) {
		return errors.New("no positive weight")
	}
	if math.IsInf(total, 0) {
		return errors.New("the weights' sum overflows")
	}
	return nil
}

// PlantedKinds returns the three window kinds of a planted mixture built on
// pc: pc itself (repeats), pc without repeats (fillers: only the skip
// rule is learnable) and pc without repeats or skip rule (noise).
func PlantedKinds(pc PlantedConfig) []PlantedConfig {
	fillers := pc
	fillers.NoRepeats = true
	noise := fillers
	noise.Skip = 0
	return []PlantedConfig{pc, fillers, noise}
}
