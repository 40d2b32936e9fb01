// Copyright ©2026 The susclab Authors.

package lm

import (
	"fmt"
	"testing"
)

func TestLabels(t *testing.T) {
	text := []byte("if ab(x1) {\n\tab = 0 // for ab\n}\n")
	c := NewCorpus(text)
	m := New(Config{Context: len(text) - 1, DModel: 4, Heads: 1, Layers: 1}, c.Vocab.Size(), c.Tokens)
	labels := c.Labels(m, NewBigram(m))
	// The label of the sample predicting byte offset off.
	at := func(off int) Label { return labels[off-1] }
	check := func(off int, want, not Label) {
		t.Helper()
		if l := at(off); l&want != want || l&not != 0 {
			t.Errorf("byte %d (%q after %q): labels %v, want %v and not %v", off, text[off], text[off-1], l, want, not)
		}
	}
	check(1, Keyword|WordCont, WordStart|Comment) // the f of if
	check(3, WordStart, Induction)                // first a
	check(4, WordCont, Induction)                 // first b
	check(7, Digit|WordCont, 0)                   // 1 of x1
	check(8, Closing, 0)                          // )
	check(len(text)-2, Closing, 0)                // }
	check(11, Whitespace, 0)                      // \n
	check(12, Whitespace, 0)                      // \t
	second := bytesIndex(text[5:], "ab") + 5
	check(second+1, Induction|WordCont, 0) // the b of the second ab: (a, b) seen before
	check(second, WordStart, Induction)    // \t then a: (\t, a) is new
	check(bytesIndex(text, "0"), Digit, WordCont|WordStart)
	inComment := bytesIndex(text, "for")
	check(inComment, Comment|WordStart, Keyword) // "for" in a comment is no keyword
	// (a, b) occurs 3 times and (a, ·) 3 times: P(b | a) = 1.
	check(bytesIndex(text[20:], "ab")+21, PrevToken|Induction|Comment, 0)

	if l := Induction | Whitespace | Comment; l.Primary() != Induction || l.String() != "induction+whitespace+comment" {
		t.Errorf("Primary %v, String %q", l.Primary(), l.String())
	}
	if Comment.Primary() != 0 || Label(0).String() != "none" || (WordCont|PrevToken).Primary() != WordCont {
		t.Error("Primary of a comment-only or plain label")
	}
	var ind []string
	for _, i := range WithLabel(labels, Induction) {
		ind = append(ind, string(text[i:i+2]))
	}
	// The bigrams completed a second time in the window: "ab" (after \t),
	// " a" and "ab" (of " ab" in the comment, after "if ab").
	if fmt.Sprint(ind) != "[ab  a ab]" {
		t.Errorf("induction bigrams %q", ind)
	}
}
