// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"slices"
	"strconv"
)

// The standard components and sample selections of a toy model of
// superposition, for structural susceptibility matrices (docs/theory.md §5.1).
// This package does not import susc, so components are returned as names
// and masks; susc.Components(t.Components()) makes the []susc.Component.

// Components returns the standard components of the model as names and
// masks over w, in this order: "f0" … "f{F-1}", the weights of feature k
// (FeatureMask(k): the column W[:,k] and the bias b_k), then "h0" …
// "h{M-1}", the weights of hidden dimension j (HiddenMask(j): the row W[j,:]).
// The feature components are disjoint, the hidden ones too; feature k and
// hidden dimension j share the one weight W_jk.
func (t *TMS) Components() (names []string, masks [][]bool) {
	for k := range t.f {
		names = append(names, "f"+strconv.Itoa(k))
		masks = append(masks, t.FeatureMask(k))
	}
	for j := range t.m {
		names = append(names, "h"+strconv.Itoa(j))
		masks = append(masks, t.HiddenMask(j))
	}
	return names, masks
}

// Represented returns, in increasing order, the features k whose direction
// has ||W[:,k]||² > threshold at w (FeatureNorms). A trained model has norms
// near 1 for the features it represents and near 0 for those it drops, so
// any threshold well between, such as 0.5, gives the same answer.
func (t *TMS) Represented(w []float64, threshold float64) []int {
	var ks []int
	for k, v := range t.FeatureNorms(nil, w) {
		if v > threshold {
			ks = append(ks, k)
		}
	}
	return ks
}

// OneHotSamples returns up to per samples of the model's data for each
// feature k in which k is the only active (nonzero) feature and its value
// is at least minValue, and their feature: the labelled samples of a
// per-sample structural matrix. The samples are grouped by feature (all of feature 0's
// first) and, within a feature, are the first per in index order. A feature
// with fewer such samples contributes what it has.
func (t *TMS) OneHotSamples(per int, minValue float64) (idx, feature []int) {
	byFeature := make([][]int, t.f)
	for i := range t.n {
		act := t.act[t.ptr[i]:t.ptr[i+1]] // the nonzero features of sample i
		if len(act) != 1 {
			continue
		}
		k := int(act[0])
		if t.x[i*t.f+k] >= minValue && len(byFeature[k]) < per {
			byFeature[k] = append(byFeature[k], i)
		}
	}
	for k, is := range byFeature {
		for _, i := range is {
			idx, feature = append(idx, i), append(feature, k)
		}
	}
	return idx, feature
}

// FeatureAngles returns the direction of each feature's column W[:,k] in a
// two-dimensional hidden space (Hidden = 2), as an angle in degrees in
// (-180, 180]: the represented features of a regular k-gon are 360/k
// degrees apart. It panics unless Hidden is 2.
func (t *TMS) FeatureAngles(w []float64) []float64 {
	if t.m != 2 {
		panic("toy: TMS.FeatureAngles needs a two-dimensional hidden space")
	}
	checkLen(w, t.Dim(), "TMS: len(w) != Dim")
	a := make([]float64, t.f)
	for k := range a {
		a[k] = math.Atan2(w[t.f+k], w[k]) * 180 / math.Pi
	}
	return a
}

// Gaps returns the angles between consecutive directions, going once
// around the circle: for the sorted angles a_0 <= ... <= a_{k-1} (degrees),
// a_1 - a_0, ..., a_{k-1} - a_{k-2} and 360 + a_0 - a_{k-1}. A regular k-gon
// has all k gaps equal to 360/k.
func Gaps(angles []float64) []float64 {
	a := slices.Clone(angles)
	slices.Sort(a)
	g := make([]float64, len(a))
	for i := range a {
		if i+1 < len(a) {
			g[i] = a[i+1] - a[i]
		} else {
			g[i] = 360 + a[0] - a[i]
		}
	}
	return g
}
