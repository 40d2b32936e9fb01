package structure_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
	"susclab/pkg/toy"
)

// spectroscopySetup is the per-sample ("spectroscopy", arXiv:2601.12703)
// setting of notebooks/05-structure.ipynb: a toy model of superposition with
// 6 features in 2 hidden dimensions (importance 0.9^k, density 0.1), trained
// on n = 1,000 samples of the base distribution (it represents 5 features and
// drops feature 1), and 36 training samples with exactly one active feature,
// of value at least 0.5, 6 per feature; their feature is the pattern label.
// Components: the 6 feature columns (W[:,k], b_k) and the 2 hidden rows.
type spectroscopySetup struct {
	m     *toy.TMS
	w     []float64
	idx   []int // the samples
	truth []int // their feature
	comps []structure.Component
}

func newSpectroscopySetup() spectroscopySetup {
	cfg := toy.NewTMSConfig(6, 2, 0.9, 0.1)
	x, _ := toy.GenerateTMS(rand.New(rand.NewPCG(1, 1)), 1000, cfg, nil)
	m := toy.NewTMS(cfg, x)
	w, _ := toy.Train(m, m.Init(rand.New(rand.NewPCG(2, 2))), toy.TrainConfig{Method: toy.Adam, Steps: 20000, LR: 0.01, BatchSize: 100, Seed: 3})
	s := spectroscopySetup{m: m, w: w}
	count := make([]int, 6)
	for i := range 1000 {
		row := x.RawRowView(i)
		active, f := 0, -1
		for k, v := range row {
			if v != 0 {
				active, f = active+1, k
			}
		}
		if active == 1 && row[f] >= 0.5 && count[f] < 6 {
			count[f]++
			s.idx, s.truth = append(s.idx, i), append(s.truth, f)
		}
	}
	s.comps = structure.Components(m.Components())
	return s
}

// sample samples the per-sample structural matrix (rows: samples, X_i =
// l_i - L_n; columns: components) at nβ = n/log n, or the nβ = 0 control.
// γ = 100, SGLD ε = 3e-4, minibatches of 100, 4 chains × 200 draws every
// 20 steps after 4,000 (≈ 60 relaxation times 2/(εγ)): about 2 s.
func (s spectroscopySetup) sample(control bool, seed uint64) (*structure.Matrix, error) {
	post := susc.Posterior{NBeta: susc.NOverLogN(1000), Gamma: 100, Center: s.w}
	if control {
		post = susc.Posterior{PriorOnly: true, Gamma: 100, Center: s.w}
	}
	run := susc.Run{Chains: 4, Draws: 200, BurnIn: 4000, Thin: 20, BatchSize: 100, Seed: seed}
	return structure.Sample(context.Background(), s.m, post, susc.SGLD{Epsilon: 3e-4}, run, s.comps,
		susc.SampleLossDeltas("x", s.idx))
}

// clusterRows is the clustering of the notebook: columns scaled to unit RMS
// (removes Z/Z_C), rows normalized (removes the sample's magnitude), rows
// projected on the leading k right singular vectors, k-means with k = 6.
func clusterRows(chi mat.Matrix, k int) []int {
	y := structure.NormalizeRows(nil, structure.ScaleColumns(nil, chi))
	modes, err := structure.SVDModes(y)
	if err != nil {
		panic(err)
	}
	return structure.KMeans(structure.ProjectRows(nil, y, modes, k), k, 1, 20)
}

// TestSpectroscopyClustersByPattern: the per-sample susceptibility vectors
// of the 36 one-hot samples cluster by their feature, and so do those of the
// nβ = 0 control computed the same way.
//
// Thresholds. Six clusters of six: ARI ≥ 0.8 allows about two misplaced
// samples (one sample moved between two clusters gives ARI ≈ 0.89, two ≈
// 0.79); purity ≥ 0.9 allows three. Measured on 5 sampling seeds (11-15,
// here 11 and 13): ARI = 1 and purity = 1 for both the signal and the
// control (k-means on the raw rows: 0.83 for the signal, 1 for the control).
//
// The control. At this toy scale the nβ = 0 control clusters as well as the
// signal: the sample ↔ component structure of a one-hot sample is geometry
// (sample i of feature k reads the weights of feature k directly; the
// Hessian of its loss at w* lives on that column), which the localizing
// Gaussian alone already probes. The test pins that finding down (control
// ARI ≥ 0.8, and the standardized signal and control matrices positively
// correlated, measured 0.60 and 0.64, asserted above 0.4) so that the notebook's statement about it is checked; it does
// not claim the data-tempered posterior beats the control here.
func TestSpectroscopyClustersByPattern(t *testing.T) {
	if testing.Short() {
		t.Skip("samples 2 × 9 chains; run without -short")
	}
	s := newSpectroscopySetup()
	if len(s.idx) != 36 {
		t.Fatalf("%d samples, want 36", len(s.idx))
	}
	norms := s.m.FeatureNorms(nil, s.w)
	for k, v := range norms {
		if want := k != 1; (v > 0.5) != want {
			t.Fatalf("feature norms %v: the setting expects feature 1 dropped and the others represented", norms)
		}
	}
	for _, seed := range []uint64{11, 13} {
		var z [2]*mat.Dense
		for c, control := range []bool{false, true} {
			st, err := s.sample(control, seed)
			if err != nil {
				t.Fatal(err)
			}
			pred := clusterRows(st.Chi, 6)
			ari, pur := structure.AdjustedRand(pred, s.truth), structure.Purity(pred, s.truth)
			name := map[bool]string{false: "nβ = n/log n", true: "nβ = 0 control"}[control]
			t.Logf("seed %d, %s: ARI %.3f, purity %.3f", seed, name, ari, pur)
			if ari < 0.8 || pur < 0.9 {
				t.Errorf("seed %d, %s: ARI %.3f, purity %.3f; want ≥ 0.8 and ≥ 0.9", seed, name, ari, pur)
			}
			z[c] = structure.Standardize(nil, st.Chi, false)
		}
		r := stat.Correlation(z[0].RawMatrix().Data, z[1].RawMatrix().Data, nil)
		t.Logf("seed %d: correlation of the standardized signal and control matrices %.3f", seed, r)
		if r < 0.4 {
			t.Errorf("seed %d: signal and control matrices correlate %.3f; the notebook says they agree", seed, r)
		}
	}
}

// The own-feature column: each represented feature's samples load most
// negatively (after standardization), among the represented features'
// columns, on their own feature's column: "negative means the component
// expresses the pattern". (The dropped feature's column is noise: its
// z-score can be anything.)
func TestSpectroscopyOwnFeature(t *testing.T) {
	if testing.Short() {
		t.Skip("samples 9 chains; run without -short")
	}
	s := newSpectroscopySetup()
	st, err := s.sample(false, 11)
	if err != nil {
		t.Fatal(err)
	}
	z := structure.Standardize(nil, st.Chi, false)
	for i, f := range s.truth {
		if f == 1 {
			continue // dropped feature: no column expresses it
		}
		row := z.RawRowView(i)[:6]
		best := 0 // among the represented features' columns
		for k, v := range row {
			if k != 1 && v < row[best] {
				best = k
			}
		}
		if best != f || math.IsNaN(row[f]) {
			t.Errorf("sample %d (feature %d): most negative feature column %d, row %.2f", s.idx[i], f, best, row)
		}
	}
}
