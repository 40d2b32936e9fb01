// Copyright ©2026 The susclab Authors.

package susc

import (
	"math"
	"math/rand/v2"
	"testing"
)

// correlatedResult returns a run of 8 units of 50 draws of (φ, ΔL_1, ΔL_2)
// with φ = z₀, ΔL_1 = z₀ + z₁ and ΔL_2 = ΔL_1 + 0.1 z₂ (z iid normal): the
// two entries Cov(φ, ΔL_k) are equal and their errors nearly so.
func correlatedResult(rng *rand.Rand) *Result {
	r := &Result{DrawDim: 3, Observables: []ObservableInfo{{Name: "phi", Dim: 1}, {Name: "dL", Offset: 1, Dim: 2}}}
	for range 8 {
		mo := NewMoments(3)
		for range 50 {
			z0, z1, z2 := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
			mo.Add([]float64{z0, z0 + z1, z0 + z1 + 0.1*z2})
		}
		r.Chains = append(r.Chains, Chain{Draws: 50, Units: []*Moments{mo}})
	}
	return r
}

// CovCombination's standard error is calibrated where a row's entries
// share most of their noise: over 400 replicate runs the spread of the
// contrast Cov(φ, ΔL_1) − Cov(φ, ΔL_2) matches its root-mean-square
// standard error, where the entries' standard errors combined as if
// independent overstate it about 25-fold. With a = e_k it is the entry.
func TestCovCombination(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sum, sumSq, seSq, naiveSq float64
	const reps = 400
	for range reps {
		r := correlatedResult(rng)
		c, err := r.CovCombination("phi", 0, "dL", []float64{1, -1})
		if err != nil {
			t.Fatal(err)
		}
		sum, sumSq, seSq = sum+c.Value, sumSq+c.Value*c.Value, seSq+c.SE*c.SE
		m, err := r.SusceptibilityMatrix("phi", "dL")
		if err != nil {
			t.Fatal(err)
		}
		if d := c.Value - (m.Cov.At(0, 0) - m.Cov.At(0, 1)); math.Abs(d) > 1e-12 {
			t.Fatalf("value %v, entries' difference off by %v", c.Value, d)
		}
		naiveSq += m.CovSE.At(0, 0)*m.CovSE.At(0, 0) + m.CovSE.At(0, 1)*m.CovSE.At(0, 1)
		for k := range 2 {
			a := []float64{0, 0}
			a[k] = 1
			e, err := r.CovCombination("phi", 0, "dL", a)
			if err != nil || e != m.At(0, k).Cov {
				t.Fatalf("e_%d: %v (%v), entry %v", k, e, err, m.At(0, k).Cov)
			}
		}
	}
	mean := sum / reps
	spread := math.Sqrt((sumSq - reps*mean*mean) / (reps - 1))
	// The spread's relative error is about 1/√800 (3.5%) and the RMS SE's
	// half the mean SE²'s √(2/7)/√400 (1.3%), 3.8% together: 15% is about
	// 4 of those.
	if ratio := spread / math.Sqrt(seSq/reps); math.Abs(ratio-1) > 0.15 {
		t.Errorf("spread of the contrast / its RMS standard error = %.3f, want 1", ratio)
	}
	if ratio := spread / math.Sqrt(naiveSq/reps); ratio > 0.1 {
		t.Errorf("spread / the independent-entries SE = %.3f: the entries' errors are not shared", ratio)
	}
	r := correlatedResult(rng)
	for name, call := range map[string]func() error{
		"unknown φ":     func() error { _, err := r.CovCombination("psi", 0, "dL", []float64{1, -1}); return err },
		"unknown ΔL":    func() error { _, err := r.CovCombination("phi", 0, "L", []float64{1, -1}); return err },
		"row past φ":    func() error { _, err := r.CovCombination("phi", 1, "dL", []float64{1, -1}); return err },
		"negative row":  func() error { _, err := r.CovCombination("phi", -1, "dL", []float64{1, -1}); return err },
		"short weights": func() error { _, err := r.CovCombination("phi", 0, "dL", []float64{1}); return err },
		"no draws": func() error {
			_, err := (&Result{Observables: r.Observables}).CovCombination("phi", 0, "dL", []float64{1, -1})
			return err
		},
	} {
		if call() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
