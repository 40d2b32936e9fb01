// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"susclab/internal/seeds"
)

// Retraining under a designed data distribution: the developmental half of
// a closed patterning loop (docs/theory.md §6). A patterning intervention h over
// the F feature patterns of a toy model of superposition defines
//
//	q_h = (1 - Σ_k h_k) q + Σ_k h_k q_k,
//
// the data distribution of pattern.Mixture. RetrainTMS draws a fresh dataset
// from q_h and trains a model on it from scratch, once per job, so that the
// trained models of a baseline (h = 0), a designed h and a control h can be
// compared seed by seed.

// HWeights returns the weights of q_h in the order of GenerateTMS: the
// pattern weights h_0..h_{K-1} followed by the base weight 1 - Σh. It
// panics unless h ≥ 0 and Σh ≤ 1 (within 1e-9; the base weight is then
// clamped at 0).
func HWeights(h []float64) []float64 {
	pi := make([]float64, len(h)+1)
	s := 0.0
	for k, v := range h {
		if !(v >= 0) || math.IsInf(v, 0) {
			panic("toy: HWeights: h must be finite and non-negative")
		}
		pi[k] = v
		s += v
	}
	if s > 1+1e-9 {
		panic("toy: HWeights: Σh > 1")
	}
	pi[len(h)] = math.Max(0, 1-s)
	return pi
}

// RetrainJob is one training run: the intervention H (one weight per
// feature pattern; nil is the base distribution) and the Seed that fixes
// its dataset, its initialization and its minibatch order.
type RetrainJob struct {
	H    []float64
	Seed uint64
}

// RetrainConfig configures RetrainTMS.
type RetrainConfig struct {
	Config TMSConfig
	// N is the number of training samples drawn from q_h. Required, ≥ 1.
	N int
	// DataSeed is mixed with each job's Seed to seed its dataset. Jobs with
	// the same Seed share their initialization, minibatch order and the
	// seed of their data stream; without Coupled their datasets agree only
	// until the first sample drawn from a different mixture component (the
	// generator draws a data-dependent number of variates), so pairing by
	// Seed reduces the variance of a comparison through the initialization
	// rather than the data. Paired differences remain valid either way.
	DataSeed uint64
	// Coupled draws each job's dataset with GenerateTMSCoupled, seeded by
	// a hash of (DataSeed, Seed), instead of GenerateTMS: jobs with the same
	// Seed then share every sample whose mixture component is the same
	// under their weights (common random numbers).
	Coupled bool
	// Slots, with Coupled, draws with GenerateTMSSlots instead (a tighter
	// coupling; every weight of H at most 1/Features, or the job panics).
	// Without Coupled it is ignored.
	Slots bool
	// Train configures the optimizer; its Seed is replaced by the job's.
	Train TrainConfig
	// Workers bounds the concurrent trainings; zero means GOMAXPROCS.
	Workers int
}

// RetrainTMS trains one TMS from scratch per job and returns the trained
// parameters in job order. Job j uses the dataset GenerateTMS(PCG(DataSeed,
// Seed), N, Config, HWeights(H)) (with Coupled, GenerateTMSCoupled(
// seeds.Derive(DataSeed, Seed), ...)), the initialization TMS.Init(PCG(Seed,
// 0x5eed)) and TrainConfig.Seed = Seed: the result is a deterministic
// function of the configuration and the jobs, whatever Workers.
func RetrainTMS(cfg RetrainConfig, jobs []RetrainJob) [][]float64 {
	cfg.Config.check()
	if cfg.N < 1 {
		panic("toy: RetrainTMS needs N >= 1")
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([][]float64, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				out[j] = retrainOne(cfg, jobs[j])
			}
		}()
	}
	for j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	return out
}

func retrainOne(cfg RetrainConfig, job RetrainJob) []float64 {
	m := NewTMS(cfg.Config, cfg.Dataset(job))
	w0 := m.Init(rand.New(rand.NewPCG(job.Seed, 0x5eed)))
	tc := cfg.Train
	tc.Seed = job.Seed
	w, _ := Train(m, w0, tc)
	return w
}

// Dataset returns the training data of a job of RetrainTMS (N×F): drawn
// from q_H with GenerateTMS seeded by (DataSeed, Seed), or with Coupled by
// GenerateTMSCoupled (GenerateTMSSlots with Slots). It panics if len(H) is
// neither 0 nor Features.
func (cfg RetrainConfig) Dataset(job RetrainJob) *mat.Dense {
	var pi []float64
	if job.H != nil {
		if len(job.H) != cfg.Config.Features {
			panic("toy: RetrainTMS: len(H) != Features")
		}
		pi = HWeights(job.H)
	}
	var x *mat.Dense
	switch {
	case cfg.Coupled && cfg.Slots:
		x, _ = GenerateTMSSlots(seeds.Derive(cfg.DataSeed, job.Seed), cfg.N, cfg.Config, pi)
	case cfg.Coupled:
		x, _ = GenerateTMSCoupled(seeds.Derive(cfg.DataSeed, job.Seed), cfg.N, cfg.Config, pi)
	default:
		x, _ = GenerateTMS(rand.New(rand.NewPCG(cfg.DataSeed, job.Seed)), cfg.N, cfg.Config, pi)
	}
	return x
}
