package structure

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestKMeansRecoversBlobsAndScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	centres := [][]float64{{0, 0, 0}, {5, 0, 1}, {0, 5, -1}}
	var truth []int
	x := mat.NewDense(90, 3, nil)
	for i := range 90 {
		c := i % 3
		truth = append(truth, c)
		for j := range 3 {
			x.Set(i, j, centres[c][j]+0.5*rng.NormFloat64())
		}
	}
	pred := KMeans(x, 3, 7, 0)
	if p := Purity(pred, truth); p != 1 {
		t.Errorf("purity %v, want 1", p)
	}
	if a := AdjustedRand(pred, truth); math.Abs(a-1) > 1e-12 {
		t.Errorf("ARI %v, want 1", a)
	}
	// Deterministic for a seed.
	if again := KMeans(x, 3, 7, 0); !equalInts(again, pred) {
		t.Error("KMeans not deterministic")
	}
	// Hand-computed ARI: a = {0,0,1,1}, b = {0,0,0,1}: n_ij = [[2,0],[1,1]],
	// Σ C(n_ij,2) = 1, rows 1+1 = 2, cols 3+0 = 3, C(4,2) = 6, expected 1,
	// max 2.5: ARI = 0.
	if a := AdjustedRand([]int{0, 0, 1, 1}, []int{0, 0, 0, 1}); math.Abs(a) > 1e-12 {
		t.Errorf("ARI %v, want 0", a)
	}
	if p := Purity([]int{0, 0, 1, 1}, []int{0, 0, 0, 1}); p != 0.75 {
		t.Errorf("purity %v, want 0.75", p)
	}
	// Random labels: ARI near 0.
	r := make([]int, 900)
	tr := make([]int, 900)
	for i := range r {
		r[i], tr[i] = rng.IntN(3), i%3
	}
	if a := AdjustedRand(r, tr); math.Abs(a) > 0.02 {
		t.Errorf("ARI of random labels %v", a)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
