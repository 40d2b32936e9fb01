// Copyright ©2026 The susclab Authors.

package attrib

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestRanksAndCorrelations(t *testing.T) {
	r := Ranks(nil, []float64{3, 1, 2, 2, 5})
	want := []float64{4, 1, 2.5, 2.5, 5}
	for i := range r {
		if r[i] != want[i] {
			t.Fatalf("ranks %v, want %v", r, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float64, 50), make([]float64, 50)
	for i := range x {
		x[i] = rng.NormFloat64()
		y[i] = x[i] + rng.NormFloat64()
	}
	if p, g := Pearson(x, y), stat.Correlation(x, y, nil); math.Abs(p-g) > 1e-14 {
		t.Errorf("Pearson %v, gonum %v", p, g)
	}
	// Without ties Spearman is 1 - 6Σd²/(n(n²-1)).
	rx, ry := Ranks(nil, x), Ranks(nil, y)
	var d2 float64
	for i := range rx {
		d2 += (rx[i] - ry[i]) * (rx[i] - ry[i])
	}
	if s, w := Spearman(x, y), 1-6*d2/(50*(50*50-1)); math.Abs(s-w) > 1e-14 {
		t.Errorf("Spearman %v, want %v", s, w)
	}
	// Monotone transforms do not change it; a constant makes it undefined.
	y2 := make([]float64, 50)
	for i := range y {
		y2[i] = math.Exp(3 * y[i])
	}
	if Spearman(x, y) != Spearman(x, y2) {
		t.Error("Spearman changed under a monotone transform")
	}
	if !math.IsNaN(Spearman(x, make([]float64, 50))) || !math.IsNaN(Pearson(make([]float64, 50), y)) {
		t.Error("correlation with a constant is not NaN")
	}
}

// additiveTruth returns a Truth whose measured change of query q after
// removing S_m is Σ_{i∈S_m} tau(i, q) + noise·N(0, 1).
func additiveTruth(tau *Scores, removed [][]int, noise float64, rng *rand.Rand) *Truth {
	t := &Truth{Removed: removed, Seeds: 1, Base: [][]float64{make([]float64, tau.Q)}, Done: make([]bool, len(removed))}
	for m, rm := range removed {
		v := make([]float64, tau.Q)
		for q := range v {
			for _, i := range rm {
				v[q] += tau.At(i, q)
			}
			v[q] += noise * rng.NormFloat64()
		}
		t.Values = append(t.Values, [][]float64{v})
		t.Done[m] = true
	}
	return t
}

func randomScores(name string, n, q int, rng *rand.Rand) *Scores {
	s := newScores(name, n, q)
	for k := range s.Value {
		s.Value[k] = rng.NormFloat64()
	}
	return s
}

// TestLDSExactAndNull: scores that generate the truth additively have LDS
// exactly 1, also against a monotone distortion of the truth (and LOO
// correlations 1); independent random scores have LDS
// within 4 SE of 0 (the mean of 40 per-query Spearman correlations of
// independent variables, each with sd ≈ 1/√(M-1)); the paired difference
// of the two is positive by more than 10 SE, and of a method with itself 0.
func TestLDSExactAndNull(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, nq, M = 40, 40, 60
	tau := randomScores("true", n, nq, rng)
	sub, err := RandomSubsets(n, 0.5, M, 9)
	if err != nil {
		t.Fatal(err)
	}
	truth := additiveTruth(tau, sub, 0, rng)
	lds, err := LDS(tau, truth)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lds.Value-1) > 1e-12 || lds.Used != nq {
		t.Errorf("LDS of the generating scores = %v (used %d), want 1", lds.Value, lds.Used)
	}
	// A rank correlation: a monotone distortion of the truth keeps it at 1.
	for _, v := range truth.Values {
		for q := range v[0] {
			v[0][q] = math.Exp(v[0][q])
		}
	}
	if l, _ := LDS(tau, truth); math.Abs(l.Value-1) > 1e-12 {
		t.Errorf("LDS against exp(truth) = %v, want 1", l.Value)
	}
	truth = additiveTruth(tau, sub, 0, rng)
	loo := additiveTruth(tau, LeaveOneOut(n), 0, rng)
	p, s, err := LOOCorrelation(tau, loo)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.Value-1) > 1e-12 || math.Abs(s.Value-1) > 1e-12 {
		t.Errorf("LOO correlations of the generating scores: %v, %v", p.Value, s.Value)
	}
	null := randomScores("null", n, nq, rng)
	ln, err := LDS(null, truth)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("null LDS %.3g ± %.2g", ln.Value, ln.SE)
	if math.Abs(ln.Value) > 4*ln.SE || ln.SE > 2/math.Sqrt(M-1)/math.Sqrt(nq) {
		t.Errorf("null LDS %v ± %v, want 0 within 4 SE and SE ≈ %.3g", ln.Value, ln.SE, 1/math.Sqrt(M-1)/math.Sqrt(nq))
	}
	d, err := Paired(lds, ln)
	if err != nil {
		t.Fatal(err)
	}
	if d.Value < 10*d.SE {
		t.Errorf("paired LDS(true) - LDS(null) = %v", d)
	}
	if d, _ := Paired(ln, ln); d.Value != 0 || d.SE != 0 {
		t.Errorf("paired difference of a method with itself: %v", d)
	}
	// Noisy truth lowers the LDS of the generating scores below 1.
	noisy := additiveTruth(tau, sub, 3, rng)
	lnz, _ := LDS(tau, noisy)
	if !(lnz.Value < 0.95 && lnz.Value > 0.3) {
		t.Errorf("LDS with noisy truth %v", lnz.Value)
	}
}

// TestAUCExact works a small case by hand: pairs (3,1) (3,2) (2,1) win and
// (2,2) ties, AUC = 3.5/4; placements V = (1, 3/4), W = (1, 3/4), so
// SE² = Var(V)/2 + Var(W)/2 = 1/32.
func TestAUCExact(t *testing.T) {
	a, err := AUC([]float64{3, 1, 2, 2}, []bool{true, false, true, false})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(a.Value-0.875) > 1e-15 || math.Abs(a.SE-math.Sqrt(1.0/32)) > 1e-15 {
		t.Errorf("AUC %v, want 0.875 ± %v", a, math.Sqrt(1.0/32))
	}
	in, found, err := DetectionCurve([]float64{3, 1, 2, 2}, []bool{true, false, true, false})
	if err != nil {
		t.Fatal(err)
	}
	wantIn, wantFound := []float64{0, 0.25, 0.75, 1}, []float64{0, 0.5, 1, 1}
	for k := range wantIn {
		if in[k] != wantIn[k] || found[k] != wantFound[k] {
			t.Fatalf("detection curve %v %v, want %v %v", in, found, wantIn, wantFound)
		}
	}
}

// TestAUCCalibrated draws 2,000 replications of 30 positives from N(1, 1)
// and 120 negatives from N(0, 1), whose AUC is Φ(1/√2) = 0.7602. The mean
// estimate must lie within 4 Monte Carlo SE of it (the AUC is an unbiased
// U-statistic), and DeLong's variance, averaged over replications, must
// match the variance of the estimates over replications within 12% (the
// latter is itself uncertain by √(2/2000) ≈ 3%).
func TestAUCCalibrated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const R, np, nn = 2000, 30, 120
	want := distuv.UnitNormal.CDF(1 / math.Sqrt2)
	score, pos := make([]float64, np+nn), make([]bool, np+nn)
	est := make([]float64, R)
	var v2 float64
	for r := range R {
		for i := range score {
			pos[i] = i < np
			score[i] = rng.NormFloat64()
			if pos[i] {
				score[i]++
			}
		}
		a, err := AUC(score, pos)
		if err != nil {
			t.Fatal(err)
		}
		est[r] = a.Value
		v2 += a.SE * a.SE / R
	}
	mean, sd := stat.MeanStdDev(est, nil)
	t.Logf("AUC %.4f (exact %.4f), sd over replications %.4f, mean DeLong SE² %.3g vs variance %.3g", mean, want, sd, v2, sd*sd)
	if math.Abs(mean-want) > 4*sd/math.Sqrt(R) {
		t.Errorf("mean AUC %v, exact %v (MC SE %v)", mean, want, sd/math.Sqrt(R))
	}
	if r := v2 / (sd * sd); r < 0.88 || r > 1.12 {
		t.Errorf("DeLong variance / empirical variance = %.3f", r)
	}
}

// TestPairedAUCCalibrated: two detectors share a latent variable z per
// sample, s = z + μ·[positive] + e with independent e ~ N(0, 1), so each
// has AUC Φ(μ/2) and the two are correlated. Over 2,000 replications of 30
// positives and 120 negatives (μ = 1.5 and 1), the mean paired difference
// must lie within 4 Monte Carlo SE of Φ(0.75) - Φ(0.5), DeLong's paired
// variance must match the variance of the differences within 12%, and it
// must be smaller than the sum of the two unpaired variances (the
// correlation it accounts for).
func TestPairedAUCCalibrated(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const R, np, nn = 2000, 30, 120
	want := distuv.UnitNormal.CDF(0.75) - distuv.UnitNormal.CDF(0.5)
	a, b, pos := make([]float64, np+nn), make([]float64, np+nn), make([]bool, np+nn)
	est := make([]float64, R)
	var v2, u2 float64
	for r := range R {
		for i := range a {
			pos[i] = i < np
			z := rng.NormFloat64()
			a[i], b[i] = z+rng.NormFloat64(), z+rng.NormFloat64()
			if pos[i] {
				a[i] += 1.5
				b[i]++
			}
		}
		d, err := PairedAUC(a, b, pos)
		if err != nil {
			t.Fatal(err)
		}
		ea, _ := AUC(a, pos)
		eb, _ := AUC(b, pos)
		if math.Abs(d.Value-(ea.Value-eb.Value)) > 1e-14 {
			t.Fatalf("paired difference %v, AUCs %v and %v", d.Value, ea.Value, eb.Value)
		}
		est[r] = d.Value
		v2 += d.SE * d.SE / R
		u2 += (ea.SE*ea.SE + eb.SE*eb.SE) / R
	}
	mean, sd := stat.MeanStdDev(est, nil)
	t.Logf("paired ΔAUC %.4f (exact %.4f), sd %.4f, mean DeLong SE² %.3g, unpaired %.3g", mean, want, sd, v2, u2)
	if math.Abs(mean-want) > 4*sd/math.Sqrt(R) {
		t.Errorf("mean difference %v, exact %v (MC SE %v)", mean, want, sd/math.Sqrt(R))
	}
	if r := v2 / (sd * sd); r < 0.88 || r > 1.12 || v2 > 0.8*u2 {
		t.Errorf("paired DeLong variance / empirical = %.3f; paired %.3g vs unpaired %.3g", r, v2, u2)
	}
}
