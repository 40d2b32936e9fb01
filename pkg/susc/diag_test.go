package susc

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// ar1 returns m chains of an AR(1) process x' = ρx + √(1-ρ²) ξ, whose
// effective sample size is N (1-ρ)/(1+ρ) per chain.
func ar1(m, n int, rho, shift float64, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	out := make([][]float64, m)
	for c := range out {
		x := rng.NormFloat64()
		out[c] = make([]float64, n)
		for i := range out[c] {
			x = rho*x + math.Sqrt(1-rho*rho)*rng.NormFloat64()
			out[c][i] = x + shift*float64(c)
		}
	}
	return out
}

func TestESSOfAR1(t *testing.T) {
	const m, n, rho = 4, 20000, 0.8
	want := float64(m*n) * (1 - rho) / (1 + rho)
	got := ESS(ar1(m, n, rho, 0, 1))
	// The ESS estimate's relative error is about √(2τ/N_total) ≈ 2% here.
	if math.Abs(got/want-1) > 0.1 {
		t.Errorf("ESS = %v, want %v", got, want)
	}
	if iid := ESS(ar1(1, 5000, 0, 0, 2)); math.Abs(iid/5000-1) > 0.1 {
		t.Errorf("ESS of iid draws = %v, want 5000", iid)
	}
}

func TestRHat(t *testing.T) {
	res := func(shift float64) *Result {
		r := &Result{DrawDim: 1, Observables: []ObservableInfo{{Name: LossName, Dim: 1}}}
		for _, tr := range ar1(4, 2000, 0.5, shift, 3) {
			mo := NewMoments(1)
			for _, x := range tr {
				mo.Add([]float64{x})
			}
			r.Chains = append(r.Chains, Chain{Draws: 2000, Units: []*Moments{mo}})
		}
		return r
	}
	if rh, _ := res(0).RHat(LossName, 0); math.Abs(rh-1) > 0.01 {
		t.Errorf("mixed chains: R̂ = %v, want ≈ 1", rh)
	}
	if rh, _ := res(1).RHat(LossName, 0); rh < 1.2 {
		t.Errorf("chains shifted by 1 sd: R̂ = %v, want > 1.2", rh)
	}
}

// TestMALAAcceptanceFormula checks the acceptance probability against a
// direct evaluation of the Gaussian densities on a 1D quadratic.
func TestMALAAcceptanceFormula(t *testing.T) {
	m := newGaussModel(1, []float64{1, 2, 4})
	p := Posterior{NBeta: 3, Gamma: 2, Center: []float64{0.5}}
	s, _ := SGLD{Epsilon: 0.3}.Init(&p, []float64{0.1})
	ms := newMALAScratch(1)
	ms.prev[0] = 0.1
	s.Position()[0] = 0.9
	U := func(w float64) float64 { return p.NBeta*m.LossGrad(nil, []float64{w}, nil) + p.Gamma/2*(w-0.5)*(w-0.5) }
	dU := func(w float64) float64 { return p.NBeta*(w-7.0/3) + p.Gamma*(w-0.5) }
	logq := func(to, from float64) float64 { // N(from - ε/2 U'(from), ε)
		mu := from - 0.15*dU(from)
		return -(to - mu) * (to - mu) / (2 * 0.3)
	}
	want := math.Min(1, math.Exp(U(0.1)-U(0.9)+logq(0.1, 0.9)-logq(0.9, 0.1)))
	if got := ms.acceptance(s.(langevin), m); math.Abs(got-want) > 1e-12 {
		t.Errorf("acceptance %v, want %v", got, want)
	}
	// With weight decay δ (docs/theory.md §2.9), U gains (δ/2)w² and U' gains δw.
	pd := p
	pd.WeightDecay = 4
	sd, _ := SGLD{Epsilon: 0.3}.Init(&pd, []float64{0.1})
	ms.prev[0], sd.Position()[0] = 0.9, 0.1 // the move 0.9 → 0.1, which a Metropolis test would refuse sometimes
	Ud := func(w float64) float64 { return U(w) + 2*w*w }
	dUd := func(w float64) float64 { return dU(w) + 4*w }
	logqd := func(to, from float64) float64 {
		mu := from - 0.15*dUd(from)
		return -(to - mu) * (to - mu) / (2 * 0.3)
	}
	want = math.Min(1, math.Exp(Ud(0.9)-Ud(0.1)+logqd(0.9, 0.1)-logqd(0.1, 0.9)))
	if got := ms.acceptance(sd.(langevin), m); math.Abs(got-want) > 1e-12 || want > 0.999 {
		t.Errorf("with weight decay: acceptance %v, want %v (< 0.999)", got, want)
	}
	// Small steps are nearly exact, large ones are not.
	accept := func(eps float64) float64 {
		res, err := Sample(context.Background(), m, p, SGLD{Epsilon: eps}, Run{Chains: 2, Draws: 2000, Seed: 1, MALA: true})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := res.MALA()
		return (a[0] + a[1]) / 2
	}
	if lo, hi := accept(0.5), accept(0.005); !(hi > 0.99 && lo < hi-0.1) {
		t.Errorf("acceptance at ε = 0.005: %v, at ε = 0.5: %v", hi, lo)
	}
}

func TestSampleAllocationDoesNotGrowWithSteps(t *testing.T) {
	m := newGaussModel(2, gaussData(20, []float64{1, 2}))
	p := Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 0}}
	allocs := func(draws int) float64 {
		return testing.AllocsPerRun(3, func() {
			Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 2, Workers: 1, Draws: draws, Thin: 5, BatchSize: 5, MALA: true, PointStats: true}, Param("w", 0), PointLosses("l", nil))
		})
	}
	if a, b := allocs(10), allocs(10000); b > a {
		t.Errorf("allocations grow with draws: %v for 10 draws, %v for 10000", a, b)
	}
}

func TestResultRoundTrips(t *testing.T) {
	m := newGaussModel(2, gaussData(30, []float64{1, 2}))
	probe := newGaussModel(2, gaussData(30, []float64{0, 2}))
	p := Posterior{NBeta: 10, Gamma: 1, Center: m.mean}
	res, err := Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3}, Run{Chains: 3, Draws: 40, Seed: 5, KeepTrace: true},
		Param("w0", 0), PointLosses("l", []int{2, 4, 6}), LossDelta("dL", probe))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := ReadJSON(&buf, &back); err != nil {
		t.Fatal(err)
	}
	s1, _ := res.Susceptibility("w0", "dL")
	s2, err := back.Susceptibility("w0", "dL")
	if err != nil || s1 != s2 {
		t.Errorf("susceptibility after JSON: %v vs %v (%v)", s2, s1, err)
	}
	// Estimates and matrices, including NaN standard errors.
	one := Susceptibility{Observable: "a", Perturbation: "b", NBeta: 3, Cov: Estimate{0.5, math.NaN()}}
	buf.Reset()
	WriteJSON(&buf, one)
	var oneBack Susceptibility
	if err := ReadJSON(&buf, &oneBack); err != nil || oneBack.Cov.Value != 0.5 || !math.IsNaN(oneBack.Cov.SE) {
		t.Errorf("Susceptibility JSON: %+v (%v)", oneBack, err)
	}
	inf, _ := res.Influence("l")
	buf.Reset()
	WriteJSON(&buf, inf)
	var infBack InfluenceMatrix
	if err := ReadJSON(bytes.NewReader(buf.Bytes()), &infBack); err != nil || !reflect.DeepEqual(inf, &infBack) {
		t.Errorf("influence JSON round trip: %v", err)
	}
	var corrBack LossCorrelation
	if err := ReadJSON(bytes.NewReader(buf.Bytes()), &corrBack); err == nil {
		t.Error("an influence matrix was read back as a correlation matrix")
	}
	sm, _ := res.SusceptibilityMatrix("l", "dL")
	buf.Reset()
	WriteJSON(&buf, sm)
	var smBack SusceptibilityMatrix
	if err := ReadJSON(&buf, &smBack); err != nil || !reflect.DeepEqual(sm, &smBack) {
		t.Errorf("susceptibility matrix JSON round trip: %v", err)
	}
	llc, _ := res.LLC()
	buf.Reset()
	WriteJSON(&buf, llc)
	var llcBack LLC
	if err := ReadJSON(&buf, &llcBack); err != nil || !reflect.DeepEqual(llc, llcBack) {
		t.Errorf("LLC JSON round trip: %+v vs %+v (%v)", llcBack, llc, err)
	}
}
