// Copyright ©2026 The susclab Authors.

package lm

import "strings"

// Label is a set of token pattern labels of one sample (a predicted
// token), as bit flags; see Corpus.Labels for the rules.
type Label uint16

// The labels, in the priority order of Primary (Comment is a class of the
// predicted byte, never primary).
const (
	Induction  Label = 1 << iota // completes a bigram seen earlier in the window
	Keyword                      // part of a Go keyword in code
	Closing                      // ) ] or }
	Digit                        // 0-9
	WordStart                    // a letter or _ after a non-word byte
	WordCont                     // a letter, digit or _ after a word byte
	Whitespace                   // space, tab or newline
	PrevToken                    // P(token | previous token) >= 0.5 in the training stream
	Comment                      // inside a comment
)

var labelNames = []string{"induction", "keyword", "closing", "digit", "word-start", "word-cont", "whitespace", "prev-token", "comment"}

// LabelNames returns the names of the labels in bit order (Induction first).
func LabelNames() []string { return append([]string(nil), labelNames...) }

// String returns the names of the labels in l joined by "+", or "none".
func (l Label) String() string {
	var names []string
	for k, name := range labelNames {
		if l&(1<<k) != 0 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "+")
}

// Primary returns the single label used for colouring: the first of
// Induction, Keyword, Closing, Digit, WordStart, WordCont, Whitespace,
// PrevToken that l has, or 0 (none). Comment is not a pattern and is never
// primary.
func (l Label) Primary() Label {
	for k := Label(1); k < Comment; k <<= 1 {
		if l&k != 0 {
			return k
		}
	}
	return 0
}

// Bigram is a table of counts of (previous token, next token) pairs.
type Bigram struct {
	V     int
	Count []float64 // V×V: Count[a·V + b] pairs (a, b)
	Row   []float64 // Row[a] = Σ_b Count[a·V + b]
}

// NewBigram counts the pairs (input, target) of every sample of m: the
// bigram statistics of its training stream.
func NewBigram(m *Model) *Bigram {
	V := m.VocabSize()
	b := &Bigram{V: V, Count: make([]float64, V*V), Row: make([]float64, V)}
	T := m.WindowLen()
	for i := 0; i < m.NumData(); i++ {
		k, p := m.Sample(i)
		x, y := m.tokens[k*T+p], m.tokens[k*T+p+1]
		b.Count[x*V+y]++
		b.Row[x]++
	}
	return b
}

// Prob returns the empirical P(next | prev) (0 if prev never occurs).
func (b *Bigram) Prob(prev, next int) float64 {
	if b.Row[prev] == 0 {
		return 0
	}
	return b.Count[prev*b.V+next] / b.Row[prev]
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isWord(c byte) bool   { return isLetter(c) || isDigit(c) }

// Labels returns the labels of every sample of m, a model on c.Tokens, in
// m's sample order; bg gives the bigram statistics of the training stream
// (NewBigram of the training model). For sample i, at position t of its
// window x_0..x_T, predicting y = x_{t+1} after x = x_t (bytes of c.Text):
//
//   - Induction: (x_t, x_{t+1}) = (x_{j-1}, x_j) for some 1 <= j <= t: the
//     token completes a bigram that occurred earlier in the same window.
//   - PrevToken: bg.Prob(x, y) >= 0.5.
//   - Closing: y is ')', ']' or '}'.
//   - Whitespace: y is ' ', '\t' or '\n'.
//   - WordStart: y is an ASCII letter or '_' and x is not a word byte
//     (word bytes: ASCII letters, digits and '_').
//   - WordCont: y and x are word bytes.
//   - Digit: y is '0'..'9' (with WordCont inside an identifier).
//   - Keyword: y is a byte of one of Go's 25 keywords as a token of the
//     code (Corpus.Keyword): every byte of the keyword, not only its last,
//     and never a keyword-like word in a comment, string or identifier.
//   - Comment: y is inside a comment (Corpus.Comment).
//
// A sample may have several labels; Label.Primary picks one.
func (c *Corpus) Labels(m *Model, bg *Bigram) []Label {
	T := m.WindowLen()
	out := make([]Label, m.NumData())
	for i := range out {
		k, t := m.Sample(i)
		win := m.tokens[k*T : k*T+T+1]
		off := k*T + t + 1
		x, y := c.Text[off-1], c.Text[off]
		var l Label
		for j := 1; j <= t; j++ {
			if win[j-1] == win[t] && win[j] == win[t+1] {
				l |= Induction
				break
			}
		}
		if bg != nil && bg.Prob(win[t], win[t+1]) >= 0.5 {
			l |= PrevToken
		}
		switch y {
		case ')', ']', '}':
			l |= Closing
		case ' ', '\t', '\n':
			l |= Whitespace
		}
		if isLetter(y) && !isWord(x) {
			l |= WordStart
		}
		if isWord(y) && isWord(x) {
			l |= WordCont
		}
		if isDigit(y) {
			l |= Digit
		}
		if c.Keyword[off] {
			l |= Keyword
		}
		if c.Comment[off] {
			l |= Comment
		}
		out[i] = l
	}
	return out
}

// WithLabel returns the samples whose labels include all of want.
func WithLabel(labels []Label, want Label) []int {
	var idx []int
	for i, l := range labels {
		if l&want == want {
			idx = append(idx, i)
		}
	}
	return idx
}
