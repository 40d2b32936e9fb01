package spectro_test

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"susclab/pkg/lm"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// tiny returns a small planted model pair (training data and probe) and
// parameters to sample around.
func tiny(t testing.TB) (train, probe *lm.Model, w []float64, induction []bool) {
	cfg := lm.Config{Context: 8, DModel: 8, Heads: 2, Layers: 2}
	pc := lm.PlantedConfig{Alphabet: 6, Filler: 4, Context: 8, MinLen: 2, MaxLen: 3, Repeats: 1, Skip: 0.5}
	rng := rand.New(rand.NewPCG(3, 4))
	tok, _, _ := lm.Planted(rng, pc, 32)
	train = lm.New(cfg, pc.VocabSize(), tok)
	ptok, ind, _ := lm.Planted(rng, pc, 4)
	probe = lm.New(cfg, pc.VocabSize(), ptok)
	w = train.Init(rng)
	return train, probe, w, ind
}

func tinySetup(t testing.TB) (*spectro.Setup, []bool) {
	train, probe, w, ind := tiny(t)
	return &spectro.Setup{Train: train, Probe: probe, Center: w, NBeta: 50, Gamma: 100,
		Kernel: susc.SGLD{Epsilon: 1e-3}, Run: susc.Run{Chains: 2, Draws: 20, BurnIn: 10, BatchSize: 16, Seed: 1}}, ind
}

// The token observable is the probe's per-sample losses, evaluated per
// chain on a replica: the matrix is the structural estimator's, bit for
// bit, and does not depend on the number of workers.
func TestSampleIsStructureSample(t *testing.T) {
	s, _ := tinySetup(t)
	got, err := s.Sample(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	heads := spectro.Heads(s.Train)
	if len(heads) != 4 || heads[0].Name != "l0h0" || heads[3].Name != "l1h1" || len(got.Components) != 4 {
		t.Fatalf("heads %v, components %v", len(heads), got.Components)
	}
	r := s.Run
	r.BatchBlock = s.Train.WindowLen()
	want, err := structure.Sample(context.Background(), s.Train, susc.Posterior{NBeta: 50, Gamma: 100, Center: s.Center},
		s.Kernel, r, heads, spectro.TokenLosses(spectro.TokenName, s.Probe, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got.Chi, want.Chi) || !mat.Equal(got.SE, want.SE) {
		t.Error("Setup.Sample differs from structure.Sample with TokenLosses")
	}
	if got.Patterns[5] != "token[5]" {
		t.Errorf("pattern label %q", got.Patterns[5])
	}
	s.Run.Workers = 1
	one, _ := s.Sample(context.Background())
	if !mat.Equal(got.Chi, one.Chi) {
		t.Error("the matrix depends on the number of workers")
	}
	// The observable itself: the probe's PointLosses.
	o := spectro.TokenLosses("x", s.Probe, []int{3, 1})
	dst := make([]float64, 2)
	o.(susc.ObservableReplicator).Replicate().Observe(dst, s.Center, nil)
	ref := make([]float64, 2)
	s.Probe.PointLosses(ref, s.Center, []int{3, 1})
	if !reflect.DeepEqual(dst, ref) {
		t.Errorf("TokenLosses %v, PointLosses %v", dst, ref)
	}
}

// The control is the same computation at nβ = 0.
func TestControl(t *testing.T) {
	s, _ := tinySetup(t)
	c, err := s.Control(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := s.Run
	r.BatchBlock = s.Train.WindowLen()
	want, _ := structure.Sample(context.Background(), s.Train, susc.Posterior{PriorOnly: true, Gamma: 100, Center: s.Center},
		s.Kernel, r, spectro.Heads(s.Train), spectro.TokenLosses(spectro.TokenName, s.Probe, nil))
	if !mat.Equal(c.Chi, want.Chi) || c.NBeta != 0 {
		t.Error("Control is not the nβ = 0 structural matrix")
	}
}

// Bad setups are refused before any sampling.
func TestSetupRefused(t *testing.T) {
	for name, edit := range map[string]func(s *spectro.Setup){
		"no probe":     func(s *spectro.Setup) { s.Probe = nil },
		"short centre": func(s *spectro.Setup) { s.Center = s.Center[:3] },
		"no kernel":    func(s *spectro.Setup) { s.Kernel = nil },
		"bad token":    func(s *spectro.Setup) { s.Tokens = []int{0, 999} },
		"no nβ":        func(s *spectro.Setup) { s.NBeta = 0 },
	} {
		s, _ := tinySetup(t)
		edit(s)
		if m, err := s.Sample(context.Background()); err == nil || m != nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// noiseless returns a structural matrix χ̂ = x whose units all agree (no
// sampling noise): its standard errors are zero.
func noiseless(x *mat.Dense) *structure.Matrix {
	r, c := x.Dims()
	t := &structure.UnitTerms{Full: mat.NewDense(2, r, nil), Shift: make([]float64, c)}
	for k := range c {
		a := mat.NewDense(2, r, nil)
		for u := range 2 {
			for i := range r {
				a.Set(u, i, -x.At(i, k))
			}
		}
		t.Restricted = append(t.Restricted, a)
	}
	return &structure.Matrix{Chi: x, SE: mat.NewDense(r, c, nil), Terms: t}
}

// Without sampling noise, Separation is the difference of group means of
// the standardized column with the Welch standard error, and LabelMeans the
// mean per label, whose standard error counts the unlabelled tokens too
// (they set the column's mean).
func TestSeparationAndLabelMeans(t *testing.T) {
	x := mat.NewDense(5, 2, []float64{
		1, 0,
		3, 0,
		5, 1,
		0, 1,
		2, 9,
	})
	m := noiseless(x)
	z := structure.Standardize(nil, x, false)
	sd := stat.StdDev(mat.Col(nil, 0, x), nil)
	in := []bool{true, true, true, false, false}
	s := spectro.Separation(m, false, 0, in)
	// in: {1,3,5} mean 3, var 4; out: {0,2} mean 1, var 2; in z-units / sd.
	if math.Abs(s.Value-2/sd) > 1e-14 || math.Abs(s.SE-math.Sqrt(4.0/3+2.0/2)/sd) > 1e-14 {
		t.Errorf("separation %v, want %v ± %v", s, 2/sd, math.Sqrt(4.0/3+2.0/2)/sd)
	}
	zc := structure.Standardize(nil, x, true)
	if c := spectro.Separation(m, true, 1, in); math.Abs(c.Value-(stat.Mean([]float64{zc.At(0, 1), zc.At(1, 1), zc.At(2, 1)}, nil)-
		stat.Mean([]float64{zc.At(3, 1), zc.At(4, 1)}, nil))) > 1e-14 {
		t.Errorf("centred separation %v", c)
	}
	labels := []lm.Label{lm.Induction, lm.Induction | lm.Digit, lm.Digit, 0, lm.Induction}
	mean, se, count := spectro.LabelMeans(m, false, labels, []lm.Label{lm.Induction, lm.Digit, lm.Whitespace})
	if count[0] != 3 || count[1] != 2 || count[2] != 0 || math.Abs(mean.At(0, 0)-(z.At(0, 0)+z.At(1, 0)+z.At(4, 0))/3) > 1e-14 ||
		math.Abs(mean.At(1, 1)-(z.At(1, 1)+z.At(2, 1))/2) > 1e-14 || !math.IsNaN(mean.At(2, 0)) {
		t.Errorf("counts %v, means %v", count, mat.Formatted(mean))
	}
	// The mean over rows {0, 1, 4} is Σ a_t z_t with a = 1/3 there and 0 on
	// {2, 3}; the z-scores' column mean (ā = 1/5) is estimated from all five,
	// so each group weighs (a_g - ā)² n_g times its variance.
	v1, v0 := stat.Variance([]float64{z.At(0, 0), z.At(1, 0), z.At(4, 0)}, nil), stat.Variance([]float64{z.At(2, 0), z.At(3, 0)}, nil)
	if want := math.Sqrt(3*math.Pow(1.0/3-1.0/5, 2)*v1 + 2*math.Pow(1.0/5, 2)*v0); math.Abs(se.At(0, 0)-want) > 1e-14 {
		t.Errorf("SE %v, want %v", se.At(0, 0), want)
	}
	// A column that was not sampled (NaN) leaves the others' plain z-scores alone.
	nan := noiseless(mat.NewDense(5, 2, []float64{1, math.NaN(), 3, math.NaN(), 5, math.NaN(), 0, math.NaN(), 2, math.NaN()}))
	nan.Terms.Restricted[1] = nil
	if e := spectro.Separation(nan, false, 0, in); math.Abs(e.Value-s.Value) > 1e-14 || math.Abs(e.SE-s.SE) > 1e-14 {
		t.Errorf("with a NaN column beside it: %v, want %v", e, s)
	}
	// A label on every token has mean 0 by construction, and SE 0.
	all := []lm.Label{lm.Digit, lm.Digit, lm.Digit, lm.Digit, lm.Digit}
	if mean, se, _ := spectro.LabelMeans(m, false, all, []lm.Label{lm.Digit}); math.Abs(mean.At(0, 0)) > 1e-15 || se.At(0, 0) != 0 {
		t.Errorf("every token labelled: %v ± %v, want 0 ± 0", mean.At(0, 0), se.At(0, 0))
	}
	if e := spectro.Separation(m, false, 0, []bool{true, true, true, true, true}); !math.IsNaN(e.Value) {
		t.Errorf("one group empty: %v", e)
	}
	if e := spectro.Separation(m, false, 0, []bool{true, false, false, false, false}); math.IsNaN(e.Value) || !math.IsNaN(e.SE) {
		t.Errorf("a group of one: %v, want a value and a NaN SE", e)
	}
}

// Contrast's standard error matches the spread of a separation over
// replicates (new tokens, new chains) when the chains' noise is shared by
// the labelled tokens, which the Welch standard error over tokens misses,
// and when it scales whole columns, which the z-score removes. Synthetic
// matrices: 60 tokens (20 labelled) × 3 heads, each token with its own
// effect (sd 3) and the labelled ones 3 higher in head 0; 8 units per
// column, each scaling the column by 1 + 0.7ξ and adding noise with a part
// common to the unit's labelled tokens (sd 2) and an independent part (sd
// 1). Over 400 replicates the ratio of the spread to the RMS standard error
// has a sampling error of about 4%, so [0.88, 1.12] is three of them. The
// Welch SE gives a ratio near 1.22, leaving out the tokens' spread 1.49,
// and taking the column sds as fixed 0.73.
func TestContrastCalibrated(t *testing.T) {
	const r, c, units, reps, nin = 60, 3, 8, 400, 20
	rng := rand.New(rand.NewPCG(5, 6))
	in := make([]bool, r)
	for i := range nin {
		in[i] = true
	}
	var vals []float64
	var se2, welch2 float64
	for range reps {
		truth := mat.NewDense(r, c, nil)
		for i := range r {
			for k := range c {
				v := 3 * rng.NormFloat64()
				if in[i] && k == 0 {
					v += 3
				}
				truth.Set(i, k, v)
			}
		}
		terms := &structure.UnitTerms{Full: mat.NewDense(2, r, nil), Shift: make([]float64, c)}
		chi := mat.NewDense(r, c, nil)
		for k := range c {
			a := mat.NewDense(units, r, nil)
			for u := range units {
				shared, scale := 2*rng.NormFloat64(), 1+0.7*rng.NormFloat64()
				for i := range r {
					e := rng.NormFloat64()
					if in[i] {
						e += shared
					}
					v := scale*truth.At(i, k) + e
					a.Set(u, i, -v)
					chi.Set(i, k, chi.At(i, k)+v/units)
				}
			}
			terms.Restricted = append(terms.Restricted, a)
		}
		m := &structure.Matrix{Chi: chi, SE: mat.NewDense(r, c, nil), Terms: terms}
		e := spectro.Separation(m, false, 0, in)
		vals = append(vals, e.Value)
		se2 += e.SE * e.SE / reps
		z := mat.Col(nil, 0, structure.Standardize(nil, chi, false))
		welch2 += (stat.Variance(z[:nin], nil)/nin + stat.Variance(z[nin:], nil)/(r-nin)) / reps
	}
	spread := stat.StdDev(vals, nil)
	ratio, welch := spread/math.Sqrt(se2), spread/math.Sqrt(welch2)
	t.Logf("spread of the separation %.4f: %.3f of the RMS Contrast SE, %.3f of the RMS Welch SE", spread, ratio, welch)
	if ratio < 0.88 || ratio > 1.12 {
		t.Errorf("spread / Contrast SE = %.3f, want within [0.88, 1.12]", ratio)
	}
}

// Typical orders each cluster's rows by distance to its centroid.
func TestTypical(t *testing.T) {
	y := mat.NewDense(6, 1, []float64{0, 1, 10, 2, 11, 15})
	got := spectro.Typical(y, []int{0, 0, 1, 0, 1, 1}, 2, 2)
	// Cluster 0: {0, 1, 2} centroid 1 → rows 1, then 0 or 3 (tie: first); cluster 1: {10, 11, 15} centroid 12 → 4, 2.
	if !reflect.DeepEqual(got, [][]int{{1, 0}, {4, 2}}) {
		t.Errorf("Typical %v", got)
	}
}

// Context shows the window text before a probe token and the token.
func TestContext(t *testing.T) {
	v := lm.NewVocab([]byte("ab\tc\nd"))
	tok, _ := v.Encode([]byte("ab\tc\nd"))
	m := lm.New(lm.Config{Context: 5, DModel: 4, Heads: 1, Layers: 1}, v.Size(), tok)
	before, next := spectro.Context(m, v, 3, 3) // predicts "\n" after "b\tc"
	if before != "b⇥c" || next != "⏎" {
		t.Errorf("context %q|%q", before, next)
	}
	if !strings.Contains(before+next, "⇥") {
		t.Error("tab not escaped")
	}
}
