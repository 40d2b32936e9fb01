// Copyright ©2026 The susclab Authors.

package lm

import (
	"crypto/sha256"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestCorpusMatchesReadme checks the embedded corpus against the size and
// SHA-256 that corpus/README.md states (written by cmd/lmcorpus).
func TestCorpusMatchesReadme(t *testing.T) {
	readme, err := os.ReadFile("corpus/README.md")
	if err != nil {
		t.Fatal(err)
	}
	size := regexp.MustCompile(`(?m)^Size: (\d+) bytes$`).FindSubmatch(readme)
	sum := regexp.MustCompile(`(?m)^SHA-256: ([0-9a-f]{64})$`).FindSubmatch(readme)
	if size == nil || sum == nil {
		t.Fatal("README states no size or SHA-256")
	}
	src := GoSource()
	if n, _ := strconv.Atoi(string(size[1])); n != len(src) {
		t.Errorf("embedded corpus has %d bytes, README says %d", len(src), n)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(src)); got != string(sum[1]) {
		t.Errorf("embedded corpus SHA-256 %s, README says %s", got, sum[1])
	}
	if _, err := os.Stat("corpus/LICENSE"); err != nil {
		t.Error("corpus/LICENSE missing")
	}
}

func TestGoSplit(t *testing.T) {
	c := GoCorpus()
	train, probe := GoSplit(c, Config{})
	if train.NumData() < 200000 || probe.NumData() != 512 {
		t.Fatalf("train %d samples, probe %d", train.NumData(), probe.NumData())
	}
	if train.NumData()+probe.NumData() != train.NumWindows()*64 {
		t.Errorf("split loses windows")
	}
	seen := map[int]bool{}
	for _, k := range train.Windows() {
		seen[k] = true
	}
	for _, k := range probe.Windows() {
		if seen[k] {
			t.Errorf("probe window %d is also a training window", k)
		}
	}
	code, comment := c.KindSamples(probe, false), c.KindSamples(probe, true)
	if len(code)+len(comment) != 512 || len(code) < 100 || len(comment) < 100 {
		t.Errorf("probe kinds: %d code, %d comment", len(code), len(comment))
	}
	for _, i := range comment {
		if !c.Comment[TargetOffset(probe, i)] {
			t.Fatalf("comment sample %d predicts a code byte", i)
		}
	}
	// Tokens are the bytes of the text, through the vocabulary.
	if string(c.Vocab.Decode(c.Tokens)) != string(c.Text) {
		t.Error("tokens do not decode to the text")
	}
}

func TestVocab(t *testing.T) {
	v := NewVocab([]byte("hello, world"))
	if v.Size() != 9 || string(v.Bytes()) != " ,dehlorw" {
		t.Fatalf("vocab %q", v.Bytes())
	}
	toks, err := v.Encode([]byte("hold"))
	if err != nil || fmt.Sprint(toks) != "[4 6 5 2]" || string(v.Decode(toks)) != "hold" {
		t.Errorf("Encode: %v %v", toks, err)
	}
	if _, err := v.Encode([]byte("hex")); err == nil {
		t.Error("Encode accepted a byte outside the vocabulary")
	}
	if k, ok := v.Token('w'); !ok || v.Byte(k) != 'w' {
		t.Error("Token/Byte")
	}
}

func TestCommentAndKeywordClasses(t *testing.T) {
	text := []byte("for x := range y { // for range\n\ts := \"if\" /* go */ + `//x`\n}\n")
	c := NewCorpus(text)
	want := func(sub string, from int, comment, keyword bool) {
		t.Helper()
		i := from
		for ; i+len(sub) <= len(text) && string(text[i:i+len(sub)]) != sub; i++ {
		}
		for j := i; j < i+len(sub); j++ {
			if c.Comment[j] != comment || c.Keyword[j] != keyword {
				t.Errorf("%q at %d: comment %v keyword %v, want %v %v", sub, j, c.Comment[j], c.Keyword[j], comment, keyword)
			}
		}
	}
	want("for", 0, false, true)
	want("range", 0, false, true)
	want("// for range", 0, true, false)
	want("\"if\"", 0, false, false)
	want("/* go */", 0, true, false)
	want("`//x`", 0, false, false)
	if c.Comment[bytesIndex(text, "\n")] {
		t.Error("the newline ending a line comment is code")
	}
}

func bytesIndex(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return i
		}
	}
	return -1
}
