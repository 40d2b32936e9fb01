package structure

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestComponents(t *testing.T) {
	cs := Components([]string{"a", "b"}, [][]bool{{true, false}, {false, true}})
	if len(cs) != 2 || cs[1].Name != "b" || !cs[1].Mask[1] || cs[1].Mask[0] {
		t.Errorf("Components = %+v", cs)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Components with different lengths did not panic")
			}
		}()
		Components([]string{"a"}, nil)
	}()
}

// Rows in three directions, each scaled by its own positive factor and each
// column by its own factor: ClusterByDirection recovers the directions, and
// y has unit rows.
func TestClusterByDirection(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	dirs := [][]float64{{1, 0.2, 0, 0.1}, {0, 1, 0.3, 0}, {0.2, 0, 0, 1}}
	colScale := []float64{1e-5, 3e-5, 2e-6, 1e-4}
	var truth []int
	x := mat.NewDense(30, 4, nil)
	for i := range 30 {
		c := i % 3
		truth = append(truth, c)
		a := math.Exp(2 * rng.NormFloat64()) // sample magnitudes over decades
		for j := range 4 {
			x.Set(i, j, a*colScale[j]*(dirs[c][j]+0.03*rng.NormFloat64()))
		}
	}
	labels, y, err := ClusterByDirection(x, 3, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if ari := AdjustedRand(labels, truth); ari != 1 {
		t.Errorf("ARI %v, want 1 (labels %v)", ari, labels)
	}
	for i := range 30 {
		if n := mat.Norm(y.RowView(i), 2); math.Abs(n-1) > 1e-12 {
			t.Fatalf("row %d of y has norm %v", i, n)
		}
	}
	// On the raw rows the large samples and the large column dominate.
	if ari := AdjustedRand(KMeans(x, 3, 1, 10), truth); ari > 0.5 {
		t.Errorf("k-means on the raw rows: ARI %v; the test does not need the scaling", ari)
	}
	if !slices.Equal(labels, KMeans(ProjectRows(nil, y, mustModes(t, y), 3), 3, 1, 10)) {
		t.Error("ClusterByDirection differs from its documented pipeline")
	}
}

// More clusters than columns: there are only min(rows, cols) = 2 modes, so
// ClusterByDirection projects on both (a rotation of the unit rows) instead
// of asking ProjectRows for 3.
func TestClusterByDirectionMoreClustersThanColumns(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	dirs := [][]float64{{1, 0.05}, {1, 1}, {0.05, 1}}
	var truth []int
	x := mat.NewDense(30, 2, nil)
	for i := range 30 {
		c := i % 3
		truth = append(truth, c)
		a := math.Exp(rng.NormFloat64())
		for j := range 2 {
			x.Set(i, j, a*(dirs[c][j]+0.03*rng.NormFloat64()))
		}
	}
	labels, y, err := ClusterByDirection(x, 3, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if ari := AdjustedRand(labels, truth); ari != 1 {
		t.Errorf("ARI %v, want 1 (labels %v)", ari, labels)
	}
	if !slices.Equal(labels, KMeans(ProjectRows(nil, y, mustModes(t, y), 2), 3, 1, 10)) {
		t.Error("ClusterByDirection differs from its documented pipeline")
	}
	for _, k := range []int{0, 31} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("k = %d did not panic", k)
				}
			}()
			ClusterByDirection(x, k, 1, 10)
		}()
	}
}

func mustModes(t *testing.T, x mat.Matrix) *Modes {
	m, err := SVDModes(x)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
