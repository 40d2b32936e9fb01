// Copyright ©2026 The susclab Authors.

package solutions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"susclab/internal/seeds"
	"susclab/pkg/toy"
)

// maxRecordBytes bounds what Read decodes.
const maxRecordBytes = 64 << 20

// Write writes r as JSON (compact: a record of a thousand seeds is about
// half a megabyte).
func (r *Record) Write(w io.Writer) error { return json.NewEncoder(w).Encode(r) }

// Read reads a record written by Write and checks it: options that Run
// accepts, the baseline weights they imply, one J, JDesign and dh entry per
// mixture component, a design point per design seed, and for every arm
// (five with Options.Antithetic, else four) one result per seed, with
// mixture weights that toy.RetrainTMS accepts (checkWeights) and a count
// of represented features in [0, Features]. It reads at most 64 MiB.
func Read(rd io.Reader) (*Record, error) {
	var r Record
	lr := &io.LimitedReader{R: rd, N: maxRecordBytes + 1}
	dec := json.NewDecoder(lr)
	if err := dec.Decode(&r); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("solutions: a record of more than %d bytes", maxRecordBytes)
		}
		return nil, fmt.Errorf("solutions: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("solutions: data after the record")
	}
	o := r.Options
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.WithDefaults()
	r.Options = o
	k := o.Features + 1
	if !slices.Equal(r.Pi, o.baseline()) {
		return nil, errors.New("solutions: the baseline weights are not the options'")
	}
	if len(r.J) != k || len(r.JSE) != k || len(r.JDesign) != k || len(r.Dh) != k || len(r.Points) != o.DesignSeeds {
		return nil, fmt.Errorf("solutions: J, JDesign and dh need %d entries and there must be %d design points", k, o.DesignSeeds)
	}
	for i, p := range r.Points {
		if len(p.J) != k || len(p.JSE) != k || p.Represented < 0 || p.Represented > o.Features {
			return nil, fmt.Errorf("solutions: design point %d: %d J entries, %d features represented", i, len(p.J), p.Represented)
		}
	}
	arms := 4
	if o.Antithetic {
		arms = 5
	}
	if len(r.Arms) != arms {
		return nil, fmt.Errorf("solutions: %d arms, want %d", len(r.Arms), arms)
	}
	names := []string{"baseline", "+dh", "-dh", "random", "-random"}
	for i, a := range r.Arms {
		if a.Name != names[i] {
			return nil, fmt.Errorf("solutions: arm %d is %q, want %q", i, a.Name, names[i])
		}
		if len(a.Weights) != o.Seeds || len(a.Represented) != o.Seeds || len(a.Phi) != o.Seeds || len(a.Loss) != o.Seeds {
			return nil, fmt.Errorf("solutions: arm %q: %d weight rows, %d counts, %d φ and %d losses for %d seeds",
				a.Name, len(a.Weights), len(a.Represented), len(a.Phi), len(a.Loss), o.Seeds)
		}
		for s, w := range a.Weights {
			if err := checkWeights(w, o); err != nil {
				return nil, fmt.Errorf("solutions: arm %q seed %d: %w", a.Name, s, err)
			}
			if n := a.Represented[s]; n < 0 || n > o.Features {
				return nil, fmt.Errorf("solutions: arm %q seed %d: %d features represented", a.Name, s, n)
			}
		}
	}
	// The arms are what Run makes them: π, π ± dh, and π ± c_s.
	for s := range o.Seeds {
		if !slices.Equal(r.Arms[Baseline].Weights[s], r.Pi) || !slices.Equal(r.Arms[Plus].Weights[s], add(r.Pi, r.Dh, 1)) ||
			!slices.Equal(r.Arms[Minus].Weights[s], add(r.Pi, r.Dh, -1)) {
			return nil, fmt.Errorf("solutions: seed index %d: the baseline's and ±dh's weights are not π and π ± dh", s)
		}
		if o.Antithetic { // π + c and π − c average to π, up to rounding
			for k, v := range r.Arms[Random].Weights[s] {
				if math.Abs((v+r.Arms[RandomOpposite].Weights[s][k])/2-r.Pi[k]) > 1e-12 {
					return nil, fmt.Errorf("solutions: seed index %d: -random's weights are not π − c", s)
				}
			}
		}
	}
	return &r, nil
}

// Rerun retrains one arm's run at seed index s (seed FirstSeed+s) and
// returns what Run recorded for it: the features represented, φ and the
// loss on the evaluation set. With the same arithmetic it is bit for bit
// the record's.
func (r *Record) Rerun(arm, s int) (represented int, phi, loss float64, err error) {
	o := r.Options
	if arm < 0 || arm >= len(r.Arms) || s < 0 || s >= len(r.Arms[arm].Weights) {
		return 0, 0, 0, fmt.Errorf("solutions: no arm %d seed index %d", arm, s)
	}
	if err := checkWeights(r.Arms[arm].Weights[s], o); err != nil {
		return 0, 0, 0, err
	}
	w := toy.RetrainTMS(o.retrain(), []toy.RetrainJob{r.armJob(arm, s)})[0]
	represented, phi, loss = outcome(r.evalModel(), w, make([]float64, o.Features))
	return represented, phi, loss, nil
}

// Resample retrains design point i and samples it again: bit for bit the
// record's Point with the same arithmetic.
func (r *Record) Resample(ctx context.Context, i int) (Point, error) {
	o := r.Options
	if i < 0 || i >= len(r.Points) {
		return Point{}, fmt.Errorf("solutions: no design point %d", i)
	}
	job := r.designJob(i)
	w := toy.RetrainTMS(o.retrain(), []toy.RetrainJob{job})[0]
	return r.sample(ctx, job, w, r.evalModel())
}

// RandomDirection returns the random control's direction at seed index s,
// as Run drew it.
func (r *Record) RandomDirection(s int) ([]float64, error) {
	if s < 0 || s >= r.Options.Seeds || len(r.Dh) != len(r.Pi) || len(r.Pi) == 0 {
		return nil, fmt.Errorf("solutions: no random direction for seed index %d (or no design)", s)
	}
	return r.randomDirection(r.Options.FirstSeed + uint64(s))
}

// evalModel is the model on Run's evaluation set.
func (r *Record) evalModel() *toy.TMS {
	o := r.Options
	x, _ := toy.GenerateTMS(rand.New(seeds.PCG(dataSeed, evalTag)), 4*o.N, o.tms(), r.Pi)
	return toy.NewTMS(o.tms(), x)
}

// checkWeights checks a run's mixture weights: F+1 finite non-negative
// weights summing to 1, and with Slots every pattern weight at most 1/F,
// so that retraining with them cannot panic.
func checkWeights(w []float64, o Options) error {
	if len(w) != o.Features+1 {
		return fmt.Errorf("%d weights, want %d", len(w), o.Features+1)
	}
	var s float64
	for k, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("weight %v", v)
		}
		if o.Slots && k < o.Features && v > 1/float64(o.Features) {
			return fmt.Errorf("pattern weight %v above 1/%d (Slots)", v, o.Features)
		}
		s += v
	}
	if math.Abs(s-1) > 1e-9 {
		return fmt.Errorf("weights sum to %v, not 1", s)
	}
	return nil
}
