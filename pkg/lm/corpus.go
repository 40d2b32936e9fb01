// Copyright ©2026 The susclab Authors.

package lm

import (
	_ "embed"
	"go/scanner"
	"go/token"
	"math"
	"math/rand/v2"
)

//go:embed corpus/gosrc.txt
var goSource string

// GoSource returns a copy of the Go-source corpus: an extract of the Go
// standard library's sources (Go code with English comments, © The Go
// Authors, BSD-style license in corpus/LICENSE) built by cmd/lmcorpus and
// described in corpus/README.md. It is embedded: no file paths needed.
func GoSource() []byte { return []byte(goSource) }

// Corpus is a text with its byte-level vocabulary and tokens (one token per
// byte) and a classification of each byte.
type Corpus struct {
	Text   []byte
	Vocab  *Vocab
	Tokens []int
	// Comment[i] reports whether byte i is inside a comment, // to the end
	// of the line (the newline excluded) or /* to */ (delimiters included).
	Comment []bool
	// Keyword[i] reports whether byte i is part of one of Go's 25 keywords
	// as a token of Go code (not in a comment, string or identifier).
	Keyword []bool
}

// NewCorpus returns the corpus of text, classified by Go's scanner
// (go/scanner; text that is not Go still gets a classification, by the
// same lexical rules).
func NewCorpus(text []byte) *Corpus {
	v := NewVocab(text)
	toks, _ := v.Encode(text) // every byte is in its own vocabulary
	c := &Corpus{Text: text, Vocab: v, Tokens: toks, Comment: make([]bool, len(text)), Keyword: make([]bool, len(text))}
	fset := token.NewFileSet()
	file := fset.AddFile("corpus", fset.Base(), len(text))
	var s scanner.Scanner
	s.Init(file, text, func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch {
		case tok == token.COMMENT:
			// lit is the comment as in the source, // or /* included
			// (less carriage returns in /*-comments, which the Go
			// sources do not have).
			end := off + len(lit)
			for i := off; i < end && i < len(text); i++ {
				c.Comment[i] = true
			}
		case tok.IsKeyword():
			for i := off; i < off+len(tok.String()); i++ {
				c.Keyword[i] = true
			}
		}
	}
	return c
}

// GoCorpus returns NewCorpus(GoSource()).
func GoCorpus() *Corpus { return NewCorpus(GoSource()) }

// Model returns the model of architecture cfg on the corpus's tokens.
func (c *Corpus) Model(cfg Config) *Model { return New(cfg, c.Vocab.Size(), c.Tokens) }

// SplitWindows splits the window indices 0..n-1 into a held-out probe set
// of `probe` windows, evenly spaced (window ⌊(2j+1)n/(2·probe)⌋ for j =
// 0..probe-1, so they come from all over the stream), and the training set
// of the others, both in increasing order.
func SplitWindows(n, probe int) (train, held []int) {
	if probe < 0 || probe >= n {
		panic("lm: SplitWindows: need 0 <= probe < n")
	}
	in := make([]bool, n)
	for j := 0; j < probe; j++ {
		in[(2*j+1)*n/(2*probe)] = true
	}
	for k := 0; k < n; k++ {
		if in[k] {
			held = append(held, k)
		} else {
			train = append(train, k)
		}
	}
	return train, held
}

// GoSplit returns the default models on the Go-source corpus for
// architecture cfg: train on all windows but the 8 held-out probe windows of
// SplitWindows (with T = 64: 8,663 windows, 554,432 predicted tokens), and
// probe on those 8 windows (512 predicted tokens). Both are Subset views of
// one full model and are window-aligned.
func GoSplit(c *Corpus, cfg Config) (train, probe *Model) {
	full := c.Model(cfg)
	tr, pr := SplitWindows(full.NumWindows(), 8)
	return full.Subset(tr), full.Subset(pr)
}

// TargetOffset returns the offset in the corpus text of the byte that
// sample i of m predicts (m a model on c.Tokens).
func TargetOffset(m *Model, i int) int {
	k, p := m.Sample(i)
	return k*m.WindowLen() + p + 1
}

// KindSamples returns the samples of m (a model on c's tokens) whose
// predicted byte is inside a comment (comment = true) or is code (comment
// = false): the probe distributions "comment prose" and "code". Use
// m.Select on the result for a probe model.
func (c *Corpus) KindSamples(m *Model, comment bool) []int {
	var idx []int
	for i := 0; i < m.NumData(); i++ {
		if c.Comment[TargetOffset(m, i)] == comment {
			idx = append(idx, i)
		}
	}
	return idx
}

// MaxDoubled is the largest fraction of doubled windows GoSplitDoubled
// accepts (nine doubled windows for every window of the corpus).
const MaxDoubled = 0.9

// GoSplitDoubled is GoSplit with doubled windows added to the training set:
// extra windows whose second half repeats their first, the first half a span
// of T/2 bytes drawn uniformly from the training windows (never from the
// probe windows) by a stream fixed by seed. A fraction frac of the training
// windows are doubled (0 <= frac <= MaxDoubled; 0 gives GoSplit's models;
// frac > 0 needs an even context). Go source rarely repeats a span right
// after itself, and the models trained on it alone form no induction head
// in tens of millions of tokens (docs/theory.md §5.7);
// the doubled windows teach copying (the probe's induction-labelled tokens,
// bigrams completed from earlier in the window, turn out to need the
// resulting induction head little: docs/theory.md §5.7). A doubled
// window's last sample predicts the first byte of the next one, which
// copying does not give. The probe is GoSplit's. The stream holds the
// corpus's windows, one spacer window that neither set uses (its first
// token ends the corpus's last window) and then the doubled windows, so
// sample indices of the corpus's windows are GoSplit's.
func GoSplitDoubled(c *Corpus, cfg Config, frac float64, seed uint64) (train, probe *Model) {
	if !(frac >= 0 && frac <= MaxDoubled) {
		panic("lm: GoSplitDoubled: need 0 <= frac <= MaxDoubled")
	}
	cfg = cfg.WithDefaults()
	T := cfg.Context
	if frac == 0 {
		return GoSplit(c, cfg)
	}
	if T%2 != 0 {
		panic("lm: GoSplitDoubled: need an even context")
	}
	nwin := (len(c.Tokens) - 1) / T
	tr, pr := SplitWindows(nwin, 8)
	extra := int(math.Round(frac / (1 - frac) * float64(len(tr))))
	half := T / 2
	toks := make([]int, (nwin+1+extra)*T+1)
	copy(toks, c.Tokens[:nwin*T+1])
	for i := nwin*T + 1; i < (nwin+1)*T; i++ { // the spacer: its first token again
		toks[i] = toks[nwin*T]
	}
	rng := rand.New(rand.NewPCG(seed, 0x646f75626c6564)) // "doubled"
	// Spans come from the corpus's training windows only.
	src := len(tr)
	for j := 0; j < extra; j++ {
		k, p := tr[rng.IntN(src)], rng.IntN(T-half+1)
		span := c.Tokens[k*T+p : k*T+p+half]
		at := (nwin + 1 + j) * T
		copy(toks[at:], span)
		copy(toks[at+half:], span)
		tr = append(tr, nwin+1+j)
	}
	toks[len(toks)-1] = toks[len(toks)-1-T] // the last doubled window's last target: its first token
	full := New(cfg, c.Vocab.Size(), toks)
	return full.Subset(tr), full.Subset(pr)
}
