// Copyright ©2026 The susclab Authors.

package lm

import (
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
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

// TestGoSplitDoubled checks the doubled training windows: GoSplit's windows
// with their targets unchanged, then the doubled ones, each a span of a
// training window (not of a probe window) repeated once, in the fraction
// asked for; and the probe is GoSplit's.
func TestGoSplitDoubled(t *testing.T) {
	c := GoCorpus()
	plainTrain, plainProbe := GoSplit(c, Config{})
	const T, half = 64, 32
	for _, frac := range []float64{0, 0.25} {
		train, probe := GoSplitDoubled(c, Config{}, frac, 3)
		for i := 0; i < plainProbe.NumData(); i++ {
			if probe.Target(i) != plainProbe.Target(i) {
				t.Fatalf("frac %g: probe sample %d differs from GoSplit's", frac, i)
			}
		}
		for i := 0; i < plainTrain.NumData(); i++ {
			if train.Target(i) != plainTrain.Target(i) {
				t.Fatalf("frac %g: training sample %d differs from GoSplit's", frac, i)
			}
		}
		ks := train.Windows()
		extra := ks[len(plainTrain.Windows()):]
		spacer := (len(c.Tokens) - 1) / T
		for j, k := range extra {
			if k != spacer+1+j {
				t.Fatalf("frac %g: doubled window %d is window %d, want %d (after the spacer %d)", frac, j, k, spacer+1+j, spacer)
			}
		}
		if got, want := float64(len(extra))/float64(len(ks)), frac; math.Abs(got-want) > 1e-4 {
			t.Errorf("frac %g: %d of %d windows doubled (%.5f)", frac, len(extra), len(ks), got)
		}
		text := string(c.Vocab.Decode(c.Tokens))
		var probeText []string
		for _, k := range plainProbe.Windows() {
			probeText = append(probeText, string(c.Vocab.Decode(c.Tokens[k*T:(k+1)*T+1])))
		}
		for j, k := range extra {
			w := train.Window(k)
			first, second := w[:half], w[half:T]
			if fmt.Sprint(first) != fmt.Sprint(second) {
				t.Fatalf("frac %g: doubled window %d: halves differ", frac, j)
			}
			span := string(c.Vocab.Decode(first))
			if !strings.Contains(text, span) {
				t.Fatalf("frac %g: doubled window %d: span %q not in the corpus", frac, j, span)
			}
			if j < 200 {
				for _, p := range probeText {
					if strings.Contains(p, span) && !strings.Contains(strings.Replace(text, p, "", 1), span) {
						t.Fatalf("frac %g: doubled window %d: span %q only in a probe window", frac, j, span)
					}
				}
			}
		}
	}
}

// GoSplitOf refuses configs that GoSplitDoubled would panic on and otherwise
// gives its split.
func TestGoSplitOf(t *testing.T) {
	c := GoCorpus()
	ok := SeriesConfig{Model: Config{}, VocabSize: c.Vocab.Size(), Train: TrainConfig{Seed: 5, Doubled: 0.2}}
	for name, sc := range map[string]SeriesConfig{
		"doubled 1":    {VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: 1}},
		"doubled 0.95": {VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: 0.95}},
		"negative":     {VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: -0.1}},
		"NaN":          {VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: math.NaN()}},
		"odd context":  {Model: Config{Context: 63}, VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: 0.2}},
		"vocabulary":   {VocabSize: ok.VocabSize + 1},
		"bad model":    {Model: Config{DModel: 10, Heads: 4}, VocabSize: ok.VocabSize},
		"huge context": {Model: Config{Context: 1 << 20}, VocabSize: ok.VocabSize},
		"mix count":    {VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: 0.2, Mix: &GoMix{Weights: []float64{1, 1}}, Steps: 2, BatchWindows: 2}},
		"mix no steps": {VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: 0.2, Mix: &GoMix{Weights: []float64{1, 1, 1}}, BatchWindows: 2}},
		"mix huge":     {VocabSize: ok.VocabSize, Train: TrainConfig{Doubled: 0.2, Mix: &GoMix{Weights: []float64{1, 1, 1}}, Steps: 1 << 30, BatchWindows: 8}},
		"mix doubled":  {VocabSize: ok.VocabSize, Train: TrainConfig{Mix: &GoMix{Weights: []float64{1, 1, 1}}, Steps: 2, BatchWindows: 2}}, // no doubled windows to draw
	} {
		if _, _, err := GoSplitOf(c, sc); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// An odd context is fine without doubled windows: GoSplit's split.
	odd := SeriesConfig{Model: Config{Context: 63}, VocabSize: ok.VocabSize}
	if tr, _, err := GoSplitOf(c, odd); err != nil {
		t.Errorf("odd context without doubling: %v", err)
	} else if want, _ := GoSplit(c, odd.Model); tr.NumData() != want.NumData() {
		t.Errorf("odd context without doubling: %d training samples, GoSplit %d", tr.NumData(), want.NumData())
	}
	train, probe, err := GoSplitOf(c, ok)
	if err != nil {
		t.Fatal(err)
	}
	want, wantProbe := GoSplitDoubled(c, Config{}, 0.2, 5)
	if train.NumData() != want.NumData() || probe.NumData() != wantProbe.NumData() {
		t.Fatalf("sizes %d, %d; want %d, %d", train.NumData(), probe.NumData(), want.NumData(), wantProbe.NumData())
	}
	for i := 0; i < train.NumData(); i += 97 {
		if train.Target(i) != want.Target(i) {
			t.Fatalf("sample %d differs", i)
		}
	}
	// A mixture: the windows MixWindows draws from the split's pools.
	mixed := ok
	mixed.Train.Mix, mixed.Train.Steps, mixed.Train.BatchWindows = &GoMix{Weights: []float64{0.2, 0.2, 0.6}, Seed: 9}, 5, 8
	mtrain, mprobe, err := GoSplitOf(c, mixed)
	if err != nil {
		t.Fatal(err)
	}
	chosen, _, _ := MixWindows(9, GoKindPools(c, want), mixed.Train.Mix.Weights, 40)
	if mtrain.NumData() != 40*64 || mprobe.NumData() != wantProbe.NumData() {
		t.Fatalf("mixture: %d training and %d probe samples, want %d and %d", mtrain.NumData(), mprobe.NumData(), 40*64, wantProbe.NumData())
	}
	for i := 0; i < mtrain.NumData(); i += 64 {
		if k, _ := mtrain.Sample(i); k != chosen[i/64] {
			t.Fatalf("mixture: window %d is %d, MixWindows drew %d", i/64, k, chosen[i/64])
		}
	}
}
