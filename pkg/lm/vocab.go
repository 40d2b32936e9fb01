// Copyright ©2026 The susclab Authors.

package lm

import "fmt"

// Vocab is a byte-level vocabulary: the distinct bytes of a text, in
// increasing order, numbered 0..V-1.
type Vocab struct {
	bytes []byte
	id    [256]int16 // -1: not in the vocabulary
}

// NewVocab returns the vocabulary of the distinct bytes present in text.
func NewVocab(text []byte) *Vocab {
	var seen [256]bool
	for _, b := range text {
		seen[b] = true
	}
	v := &Vocab{}
	for b := range v.id {
		v.id[b] = -1
		if seen[b] {
			v.id[b] = int16(len(v.bytes))
			v.bytes = append(v.bytes, byte(b))
		}
	}
	return v
}

// Size returns V, the number of tokens.
func (v *Vocab) Size() int { return len(v.bytes) }

// Bytes returns the vocabulary's bytes in token order (token k is Bytes()[k]).
func (v *Vocab) Bytes() []byte { return append([]byte(nil), v.bytes...) }

// Byte returns the byte of token k.
func (v *Vocab) Byte(k int) byte { return v.bytes[k] }

// Token returns the token of byte b, and false if b is not in the vocabulary.
func (v *Vocab) Token(b byte) (int, bool) {
	k := v.id[b]
	return int(k), k >= 0
}

// Encode returns the tokens of text, or an error naming the first byte that
// is not in the vocabulary.
func (v *Vocab) Encode(text []byte) ([]int, error) {
	toks := make([]int, len(text))
	for i, b := range text {
		k := v.id[b]
		if k < 0 {
			return nil, fmt.Errorf("lm: byte %q at offset %d is not in the vocabulary", b, i)
		}
		toks[i] = int(k)
	}
	return toks, nil
}

// Decode returns the bytes of tokens. It panics on a token outside 0..V-1.
func (v *Vocab) Decode(tokens []int) []byte {
	out := make([]byte, len(tokens))
	for i, k := range tokens {
		out[i] = v.bytes[k]
	}
	return out
}
