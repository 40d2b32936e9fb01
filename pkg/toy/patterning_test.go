// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestHWeights(t *testing.T) {
	pi := HWeights([]float64{0.1, 0, 0.25})
	want := []float64{0.1, 0, 0.25, 0.65}
	for k := range want {
		if math.Abs(pi[k]-want[k]) > 1e-15 {
			t.Fatalf("HWeights = %v, want %v", pi, want)
		}
	}
	// Σh = 1 up to round-off: the base weight is clamped at 0.
	if pi := HWeights([]float64{0.7, 0.3 + 1e-12}); pi[2] != 0 {
		t.Errorf("base weight %v, want 0", pi[2])
	}
	for _, h := range [][]float64{{-0.1, 0.2}, {0.6, 0.6}, {math.NaN()}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("HWeights(%v) did not panic", h)
				}
			}()
			HWeights(h)
		}()
	}
}

func TestRetrainTMSDeterministic(t *testing.T) {
	cfg := RetrainConfig{Config: NewTMSConfig(4, 2, 0.9, 0.2), N: 300, DataSeed: 5,
		Train: TrainConfig{Method: Adam, Steps: 300, LR: 0.01, BatchSize: 50}}
	jobs := []RetrainJob{{Seed: 1}, {H: []float64{0, 0, 0, 0.3}, Seed: 1}, {Seed: 2}}
	cfg.Workers = 1
	a := RetrainTMS(cfg, jobs)
	cfg.Workers = 3
	b := RetrainTMS(cfg, jobs)
	for j := range jobs {
		if !slices.Equal(a[j], b[j]) {
			t.Fatalf("job %d depends on Workers", j)
		}
	}
	if slices.Equal(a[0], a[1]) || slices.Equal(a[0], a[2]) {
		t.Error("different interventions or seeds gave identical models")
	}
	// Job 1 is exactly a hand-made run with the documented seeds.
	x, _ := GenerateTMS(rand.New(rand.NewPCG(5, 1)), 300, cfg.Config, []float64{0, 0, 0, 0.3, 0.7})
	m := NewTMS(cfg.Config, x)
	tc := cfg.Train
	tc.Seed = 1
	w, _ := Train(m, m.Init(rand.New(rand.NewPCG(1, 0x5eed))), tc)
	if !slices.Equal(w, a[1]) {
		t.Error("job 1 differs from the documented recipe")
	}
}

// RetrainTMS trains on Dataset: one job re-run by hand gives the same bits,
// with and without Coupled (and Slots), and each changes the data.
func TestRetrainDataset(t *testing.T) {
	job := RetrainJob{H: []float64{0.1, 0, 0.2, 0}, Seed: 3}
	var data []*mat.Dense
	for _, c := range [][2]bool{{false, false}, {true, false}, {true, true}} {
		coupled := c
		cfg := RetrainConfig{Config: NewTMSConfig(4, 2, 0.9, 0.2), N: 200, DataSeed: 5, Coupled: c[0], Slots: c[1],
			Train: TrainConfig{Method: Adam, Steps: 50, LR: 0.01, BatchSize: 20}}
		x := cfg.Dataset(job)
		m := NewTMS(cfg.Config, x)
		tc := cfg.Train
		tc.Seed = job.Seed
		want, _ := Train(m, m.Init(rand.New(rand.NewPCG(job.Seed, 0x5eed))), tc)
		if got := RetrainTMS(cfg, []RetrainJob{job})[0]; !slices.Equal(got, want) {
			t.Errorf("coupled %v: RetrainTMS differs from Train on Dataset", coupled)
		}
		data = append(data, x)
	}
	if mat.Equal(data[0], data[1]) || mat.Equal(data[1], data[2]) {
		t.Error("Coupled or Slots did not change the data")
	}
}
