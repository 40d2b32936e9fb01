// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/toy"
)

// TestHierarchicalTeacher checks the closed-form modes against the map:
// U diag(s) Vᵀ = T, orthonormal U and V, and T's columns the items'
// properties; and that noiseless data are the items' one-hot inputs with
// those properties.
func TestHierarchicalTeacher(t *testing.T) {
	tc := toy.HierarchicalTeacher(3, 2, 1, 0)
	want := mat.NewDense(7, 4, []float64{
		3, 3, 3, 3,
		2, 2, 0, 0,
		0, 0, 2, 2,
		1, 0, 0, 0,
		0, 1, 0, 0,
		0, 0, 1, 0,
		0, 0, 0, 1,
	})
	if got := tc.Map(); !mat.EqualApprox(got, want, 1e-12) {
		t.Errorf("U diag(s) Vᵀ =\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(want))
	}
	for name, q := range map[string]*mat.Dense{"U": tc.U, "V": tc.V} {
		var g mat.Dense
		g.Mul(q.T(), q)
		if !mat.EqualApprox(&g, identity(4), 1e-12) {
			t.Errorf("%s has no orthonormal columns", name)
		}
	}
	var sv mat.SVD
	sv.Factorize(want, mat.SVDNone)
	for k, s := range sv.Values(nil) {
		if math.Abs(s-tc.S[k]) > 1e-12 {
			t.Errorf("s_%d = %v, SVD gives %v", k, tc.S[k], s)
		}
	}
	x, y, item := toy.GenerateHierarchical(rand.New(rand.NewPCG(1, 2)), 3, tc)
	for i, k := range item {
		if k != i%4 || x.At(i, k) != 1 || mat.Sum(x.RowView(i)) != 1 || !mat.EqualApprox(y.RowView(i), want.ColView(k), 1e-12) {
			t.Errorf("sample %d: item %d, x %v, y %v", i, k, x.RawRowView(i), y.RawRowView(i))
		}
	}
}

// TestHierarchyLearnedInOrder trains a deep linear network from a small
// initialization on hierarchical data and checks that it learns the modes
// coarse to fine: the number of learned modes never decreases, mode 0 is
// learned alone first, then mode 1, and the network ends with all four.
func TestHierarchyLearnedInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tc := toy.HierarchicalTeacher(3, 2, 1, 0.3)
	x, y, _ := toy.GenerateHierarchical(rng, 10, tc)
	m := toy.NewDeepLinear([]int{4, 4, 4, 7}, x, y)
	s, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 0.01), toy.TrainConfig{Steps: 20000, LR: 0.05}, toy.Schedule{Every: 100})
	if err != nil {
		t.Fatal(err)
	}
	first := make([]int, 4) // step at which each mode is first learned
	for k := range first {
		first[k] = -1
	}
	prev := 0
	for _, c := range s.Checkpoints {
		n := m.LearnedModes(c.Params, tc)
		if n < prev {
			t.Errorf("step %d: %d modes learned after %d", c.Step, n, prev)
		}
		prev = n
		for k, v := range m.ModeStrengths(nil, c.Params, tc) {
			if first[k] < 0 && v > tc.S[k]/2 {
				first[k] = c.Step
			}
		}
	}
	t.Logf("modes first learned at steps %v", first)
	if !(first[0] > 0 && first[0] < first[1] && first[1] < min(first[2], first[3])) || prev != 4 {
		t.Errorf("modes first learned at steps %v (ending with %d learned); want 0, then 1, then 2 and 3", first, prev)
	}
}
