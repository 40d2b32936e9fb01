// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestTMSComponents(t *testing.T) {
	cfg := NewTMSConfig(4, 3, 0.9, 0.5)
	m := NewTMS(cfg, mat.NewDense(1, 4, []float64{1, 0, 0, 0}))
	names, masks := m.Components()
	want := []string{"f0", "f1", "f2", "f3", "h0", "h1", "h2"}
	if !slices.Equal(names, want) || len(masks) != len(want) {
		t.Fatalf("names %v (%d masks), want %v", names, len(masks), want)
	}
	for k := range 4 {
		if !slices.Equal(masks[k], m.FeatureMask(k)) {
			t.Errorf("mask %d is not FeatureMask(%d)", k, k)
		}
	}
	for j := range 3 {
		if !slices.Equal(masks[4+j], m.HiddenMask(j)) {
			t.Errorf("mask %d is not HiddenMask(%d)", 4+j, j)
		}
	}
	// Every weight of W is in exactly one feature and one hidden component;
	// each bias only in its feature's.
	count := make([]int, m.Dim())
	for _, mk := range masks {
		for i, on := range mk {
			if on {
				count[i]++
			}
		}
	}
	for i, c := range count {
		if want := map[bool]int{true: 2, false: 1}[i < 3*4]; c != want {
			t.Errorf("parameter %d is in %d components, want %d", i, c, want)
		}
	}
}

func TestTMSRepresented(t *testing.T) {
	cfg := NewTMSConfig(3, 2, 0.9, 0.5)
	m := NewTMS(cfg, mat.NewDense(1, 3, []float64{1, 0, 0}))
	// W (2×3, row-major) with columns of squared norm 1, 0.04, 0.98; b = 0.
	w := []float64{
		0.6, 0.2, -0.7,
		0.8, 0, 0.7,
		0, 0, 0,
	}
	if got := m.Represented(w, 0.5); !slices.Equal(got, []int{0, 2}) {
		t.Errorf("Represented = %v, want [0 2]", got)
	}
	if got := m.Represented(w, 0.99); !slices.Equal(got, []int{0}) {
		t.Errorf("Represented(0.99) = %v, want [0]", got)
	}
}

func TestTMSOneHotSamples(t *testing.T) {
	cfg := NewTMSConfig(3, 2, 0.9, 0.5)
	x := mat.NewDense(9, 3, []float64{
		0, 0.9, 0, // 0: feature 1
		0.7, 0, 0, // 1: feature 0
		0.3, 0, 0, // 2: feature 0, too small
		0.6, 0.6, 0, // 3: two active
		0, 0, 0, // 4: none
		0.5, 0, 0, // 5: feature 0 (value = min counts)
		0, 0.8, 0, // 6: feature 1
		0.9, 0, 0, // 7: feature 0, over the cap of 2
		0, 0, 0, // 8: none (feature 2 has no sample)
	})
	m := NewTMS(cfg, x)
	idx, feature := m.OneHotSamples(2, 0.5)
	if !slices.Equal(idx, []int{1, 5, 0, 6}) || !slices.Equal(feature, []int{0, 0, 1, 1}) {
		t.Errorf("OneHotSamples = %v %v, want [1 5 0 6] [0 0 1 1]", idx, feature)
	}
}

func TestFeatureAngles(t *testing.T) {
	cfg := NewTMSConfig(3, 2, 1, 0.1)
	m := NewTMS(cfg, mat.NewDense(1, 3, []float64{1, 0, 0}))
	// W columns (1, 0), (0, 2), (-1, -1); biases ignored.
	w := []float64{1, 0, -1, 0, 2, -1, 0, 0, 0}
	a := m.FeatureAngles(w)
	want := []float64{0, 90, -135}
	for k := range a {
		if math.Abs(a[k]-want[k]) > 1e-12 {
			t.Errorf("angle %d = %v, want %v", k, a[k], want[k])
		}
	}
	g := Gaps(a)
	for k, v := range []float64{135, 90, 135} {
		if math.Abs(g[k]-v) > 1e-12 {
			t.Errorf("gaps %v, want [135 90 135]", g)
		}
	}
}
