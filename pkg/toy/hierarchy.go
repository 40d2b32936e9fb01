// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// HierarchicalTeacher returns the teacher of a hierarchical task in the
// manner of Saxe, McClelland and Ganguli (PNAS 2019): four items, the leaves
// of a binary tree (items 0 and 1 on branch A, items 2 and 3 on branch B),
// seen through one-hot inputs (In = 4), with seven properties (Out = 7):
// property 0 held by every item with strength root, property 1 by branch A
// and property 2 by branch B with strength branch, and property 3+i by item
// i alone with strength leaf. Its map T (column i: item i's properties) has
// the singular modes of the tree, in closed form:
//
//	s_0 = √(4 root² + 2 branch² + leaf²),   v_0 = (1, 1, 1, 1)/2      (what all items share)
//	s_1 = √(2 branch² + leaf²),             v_1 = (1, 1, -1, -1)/2    (branch A against B)
//	s_2 = s_3 = leaf,                       v_2 = (1, -1, 0, 0)/√2, v_3 = (0, 0, 1, -1)/√2
//
// and u_k = T v_k / s_k. A deep linear network trained from a small
// initialization on GenerateHierarchical's data learns the modes in that
// order, coarse distinctions first. noise is the targets' σ. It panics
// unless the strengths are positive and finite and noise >= 0.
func HierarchicalTeacher(root, branch, leaf, noise float64) *LinearTeacher {
	for _, v := range []float64{root, branch, leaf} {
		if !(v > 0) || math.IsInf(v, 0) {
			panic("toy: HierarchicalTeacher needs positive, finite strengths")
		}
	}
	if !(noise >= 0) {
		panic("toy: HierarchicalTeacher needs noise >= 0")
	}
	T := mat.NewDense(7, 4, nil)
	for i := range 4 {
		T.Set(0, i, root)
		T.Set(1+i/2, i, branch)
		T.Set(3+i, i, leaf)
	}
	h, r := 0.5, 1/math.Sqrt2
	V := mat.NewDense(4, 4, []float64{
		h, h, r, 0,
		h, h, -r, 0,
		h, -h, 0, r,
		h, -h, 0, -r,
	})
	s := []float64{math.Sqrt(4*root*root + 2*branch*branch + leaf*leaf), math.Sqrt(2*branch*branch + leaf*leaf), leaf, leaf}
	var U mat.Dense
	U.Mul(T, V)
	for k, sk := range s {
		for a := range 7 {
			U.Set(a, k, U.At(a, k)/sk)
		}
	}
	return &LinearTeacher{In: 4, Out: 7, S: s, U: &U, V: V, Noise: noise}
}

// GenerateHierarchical draws copies samples of each of the teacher's In
// items (a HierarchicalTeacher's four) in the order 0, 1, ..., In-1, 0, 1,
// ...: x the item's one-hot vector and y = T x + σ ε, the item's properties
// plus noise. It returns x (n×In), y (n×Out) and each sample's item.
func GenerateHierarchical(rng *rand.Rand, copies int, t *LinearTeacher) (x, y *mat.Dense, item []int) {
	needRand(rng)
	if copies < 1 {
		panic("toy: GenerateHierarchical needs copies >= 1")
	}
	n := copies * t.In
	tm := t.Map()
	x, y = mat.NewDense(n, t.In, nil), mat.NewDense(n, t.Out, nil)
	item = make([]int, n)
	for i := range n {
		k := i % t.In
		item[i] = k
		x.Set(i, k, 1)
		for a := range t.Out {
			y.Set(i, a, tm.At(a, k)+t.Noise*rng.NormFloat64())
		}
	}
	return x, y, item
}

// HierarchicalProbes returns one network per item of the teacher with the
// given widths, each on that item's single noiseless sample (its one-hot
// input and properties T x): the probe behaviour "how well the network
// knows item i", for a BIF or a susceptibility.
func HierarchicalProbes(widths []int, t *LinearTeacher) []*DeepLinear {
	tm := t.Map()
	ps := make([]*DeepLinear, t.In)
	for i := range ps {
		x, y := mat.NewDense(1, t.In, nil), mat.NewDense(1, t.Out, nil)
		x.Set(0, i, 1)
		for a := range t.Out {
			y.Set(0, a, tm.At(a, i))
		}
		ps[i] = NewDeepLinear(widths, x, y)
	}
	return ps
}
