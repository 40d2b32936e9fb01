// Copyright ©2026 The susclab Authors.

package lm

import (
	"math/rand/v2"
)

// PlantedConfig configures Planted. The zero value of each field means the
// default in its comment.
type PlantedConfig struct {
	Alphabet int `json:"alphabet"` // A, the number of distinct tokens; 0 means 24
	Context  int `json:"context"`  // T, tokens per window; 0 means 64
	MinLen   int `json:"min_len"`  // shortest repeat; 0 means 4
	MaxLen   int `json:"max_len"`  // longest repeat; 0 means 10
	Repeats  int `json:"repeats"`  // repeats per window; 0 means 3
	// Skip is the probability that a token outside the repeats is (token
	// two back + 1) mod A; 0 means none (see Planted).
	Skip float64 `json:"skip"`
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
// filled from left to right: a source position with a uniform token from
// 0..A-1, a copy position with the token of its source position, and any
// other position q ≥ 2 with probability Skip with (x_{q-2} + 1) mod A (a
// skip token), else (and for q < 2) with a uniform token. The last target
// of a window is the first token of the next, unpredictable.
//
// Sample t of a window (predicting x_{t+1}) is a planted induction token
// when s ≤ t < s+ℓ-1 for one of its copies: it predicts the 2nd..ℓ-th
// token of the copy, uniform and independent of everything but its source
// earlier in the window, so that only an induction mechanism predicts it
// (a previous-token head in layer 0 whose output lets an induction head in
// layer 1 find the token after the earlier occurrence of the current
// token); unconditionally its entropy is log A nats. Sample t is a skip
// token when x_{t+1} was drawn by the skip rule: a previous-token head
// predicts it (with probability Skip + (1-Skip)/A). The skip rule gives the
// previous-token head a use of its own, so that it forms early; with Skip
// = 0 the windows are uniform tokens with repeats only, and the model
// learns induction far more slowly (see the package documentation).
func Planted(rng *rand.Rand, cfg PlantedConfig, windows int) (tokens []int, induction, skip []bool) {
	cfg = cfg.withDefaults()
	T, A := cfg.Context, cfg.Alphabet
	if A < 2 || cfg.MinLen < 2 || cfg.MaxLen < cfg.MinLen || 2*cfg.MaxLen > T || windows < 1 || cfg.Skip < 0 || cfg.Skip > 1 {
		panic("lm: Planted: invalid config")
	}
	tokens = make([]int, windows*T+1)
	induction = make([]bool, windows*T)
	skip = make([]bool, windows*T)
	src := make([]int, T) // position → source position for a copy, -1: none; -2: a source
	for k := 0; k < windows; k++ {
		for i := range src {
			src[i] = -1
		}
		for r := 0; r < cfg.Repeats; r++ {
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
			case src[q] == -1 && q >= 2 && rng.Float64() < cfg.Skip:
				x[q] = (x[q-2] + 1) % A
				skip[k*T+q-1] = true
			default:
				x[q] = rng.IntN(A)
			}
		}
	}
	tokens[windows*T] = rng.IntN(A)
	return tokens, induction, skip
}

func free(src []int, lo, hi int) bool {
	for _, v := range src[lo:hi] {
		if v != -1 {
			return false
		}
	}
	return true
}
