// Copyright ©2026 The susclab Authors.

package lm

import (
	"slices"
	"testing"
)

// Repeated lays each half out twice per window, returns exactly the samples
// of each copy that the copy's own tokens predict, and refuses what it
// cannot build.
func TestRepeated(t *testing.T) {
	cfg := Config{Context: 8, DModel: 4, Heads: 1, Layers: 1}
	m := New(cfg, 5, []int{0, 1, 2, 3, 4, 0, 1, 2, 3})
	halves := [][]int{{1, 2, 3, 4}, {4, 0, 0, 2}}
	rm, first, second, err := m.Repeated(halves)
	if err != nil {
		t.Fatal(err)
	}
	if rm.NumData() != 16 || rm.VocabSize() != 5 {
		t.Fatalf("%d samples, vocabulary %d; want 16 and 5", rm.NumData(), rm.VocabSize())
	}
	want := [][]int{{1, 2, 3, 4, 1, 2, 3, 4, 4}, {4, 0, 0, 2, 4, 0, 0, 2, 1}}
	for k, w := range want {
		if got := rm.Window(k); !slices.Equal(got, w) {
			t.Errorf("window %d: %v, want %v", k, got, w)
		}
	}
	if !slices.Equal(first, []int{0, 1, 2, 8, 9, 10}) || !slices.Equal(second, []int{4, 5, 6, 12, 13, 14}) {
		t.Errorf("first %v, second %v", first, second)
	}
	// Every target of a second-copy sample is the token after the
	// current one's earlier occurrence: what an induction head copies.
	for _, i := range second {
		k, p := rm.Sample(i)
		w := rm.Window(k)
		if w[p+1] != w[p+1-4] {
			t.Errorf("sample %d: target %d is not the first copy's %d", i, w[p+1], w[p+1-4])
		}
	}
	// FirstHalves gives each window's first T/2 inputs, in Windows order.
	if got := rm.FirstHalves(); len(got) != 2 || !slices.Equal(got[0], halves[0]) || !slices.Equal(got[1], halves[1]) {
		t.Errorf("FirstHalves of the repeated model: %v, want %v", got, halves)
	}
	if got := m.Subset([]int{0}).FirstHalves(); len(got) != 1 || !slices.Equal(got[0], []int{0, 1, 2, 3}) {
		t.Errorf("FirstHalves of a one-window view: %v", got)
	}
	for name, c := range map[string]struct {
		m      *Model
		halves [][]int
	}{
		"odd context":  {New(Config{Context: 7, DModel: 4, Heads: 1, Layers: 1}, 5, make([]int, 8)), [][]int{{1, 2, 3}}},
		"no half":      {m, nil},
		"short half":   {m, [][]int{{1, 2, 3}}},
		"out of vocab": {m, [][]int{{1, 2, 3, 5}}},
		"negative":     {m, [][]int{{1, -1, 3, 4}}},
	} {
		if _, _, _, err := c.m.Repeated(c.halves); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
