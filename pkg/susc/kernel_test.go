package susc

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSGLDNoNoiseIsGradientDescent(t *testing.T) {
	for _, delta := range []float64{0, 3} { // without and with weight decay (docs/theory.md §2.9)
		m := newGaussModel(3, gaussData(50, []float64{1, -2, 0.5}))
		p := Posterior{NBeta: 40, Gamma: 7, Center: []float64{0.3, 0.1, -0.2}, WeightDecay: delta}
		k := SGLD{Epsilon: 1e-3, NoNoise: true}
		s, err := k.Init(&p, []float64{1, 1, 1})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for step := range 20 {
			want := make([]float64, 3)
			g := make([]float64, 3)
			m.LossGrad(g, s.Position(), nil)
			for i := range want {
				w := s.Position()[i]
				want[i] = w - (k.Epsilon/2)*(p.NBeta*g[i]+p.Gamma*(w-p.Center[i])+delta*w)
			}
			s.Step(m, nil, rng)
			for i := range want {
				if math.Abs(s.Position()[i]-want[i]) > 1e-15 {
					t.Fatalf("δ = %v, step %d coord %d: got %v want %v", delta, step, i, s.Position()[i], want[i])
				}
			}
		}
	}
}

func TestMaskFreezesWeights(t *testing.T) {
	m := newGaussModel(4, gaussData(30, []float64{1, 2, 3, 4}))
	p := Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 0, 0, 0}}
	mask := []bool{false, true, false, true}
	for _, k := range []Kernel{SGLD{Epsilon: 1e-2, Mask: mask}, RMSPropSGLD{Epsilon: 1e-2, Mask: mask}, SGNHT{Epsilon: 1e-3, Mask: mask}} {
		s, err := k.Init(&p, p.Center)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for range 500 {
			s.Step(m, nil, rng)
		}
		for i, on := range mask {
			if !on && s.Position()[i] != 0 {
				t.Errorf("%T: masked coordinate %d moved to %v", k, i, s.Position()[i])
			}
			if on && s.Position()[i] == 0 {
				t.Errorf("%T: active coordinate %d never moved", k, i)
			}
		}
	}
}

func TestRMSPropFirstStep(t *testing.T) {
	m := newGaussModel(2, gaussData(10, []float64{1, -1}))
	p := Posterior{NBeta: 5, Gamma: 2, Center: []float64{0.5, 0}}
	k := RMSPropSGLD{Epsilon: 0.01}
	s, _ := k.Init(&p, []float64{0.2, 0.3})
	w0 := append([]float64(nil), s.Position()...)
	g := make([]float64, 2)
	m.LossGrad(g, w0, nil)
	rng := rand.New(rand.NewPCG(5, 6))
	ref := rand.New(rand.NewPCG(5, 6))
	s.Step(m, nil, rng)
	for i := range 2 {
		v := 0.01 * g[i] * g[i] // α = 0.99, V starts at 0
		G := 1 / (math.Sqrt(v) + 0.1)
		want := w0[i] - 0.005*G*(p.NBeta*g[i]+p.Gamma*(w0[i]-p.Center[i])) + math.Sqrt(0.01*G)*ref.NormFloat64()
		if math.Abs(s.Position()[i]-want) > 1e-14 {
			t.Errorf("coord %d: got %v want %v", i, s.Position()[i], want)
		}
	}
}

// TestSGNHTSteps replays SGNHT's first steps by hand (docs/theory.md §2.8):
// v drawn from N(0, εI), then v ← (1-α)v - ε∇U + √(2aε)ξ, w ← w + v,
// α ← α + ||v||²/d - ε over the moving coordinates only.
func TestSGNHTSteps(t *testing.T) {
	m := newGaussModel(3, gaussData(10, []float64{1, -1, 0.5}))
	p := Posterior{NBeta: 5, Gamma: 2, Center: []float64{0.5, 0, 0.1}, WeightDecay: 1}
	for _, mask := range [][]bool{nil, {true, false, true}} {
		const eps, a = 0.01, 0.2
		s, err := SGNHT{Epsilon: eps, Diffusion: a, Mask: mask}.Init(&p, p.Center)
		if err != nil {
			t.Fatal(err)
		}
		rng, ref := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
		w := append([]float64(nil), p.Center...)
		v := make([]float64, 3)
		moving := []int{0, 1, 2}
		if mask != nil {
			moving = []int{0, 2}
		}
		for _, i := range moving {
			v[i] = math.Sqrt(eps) * ref.NormFloat64()
		}
		alpha := a
		g := make([]float64, 3)
		for step := range 5 {
			m.LossGrad(g, w, nil)
			kin := 0.0
			for _, i := range moving {
				force := p.NBeta*g[i] + p.Gamma*(w[i]-p.Center[i]) + p.WeightDecay*w[i]
				v[i] = (1-alpha)*v[i] - eps*force + math.Sqrt(2*a*eps)*ref.NormFloat64()
				w[i] += v[i]
				kin += v[i] * v[i]
			}
			alpha += kin/float64(len(moving)) - eps
			s.Step(m, nil, rng)
			for i := range w {
				if math.Abs(s.Position()[i]-w[i]) > 1e-14 {
					t.Fatalf("mask %v, step %d, coordinate %d: %v, want %v", mask, step, i, s.Position()[i], w[i])
				}
			}
		}
	}
	// SGNHT has no Langevin proposal: Run.MALA refuses it before any work.
	if _, err := Sample(context.Background(), m, p, SGNHT{Epsilon: 1e-3}, Run{Draws: 5, MALA: true}); err == nil || !strings.Contains(err.Error(), "MALA") {
		t.Errorf("Run.MALA with SGNHT: %v", err)
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	m := newGaussModel(3, gaussData(20, []float64{1, 2, 3}))
	p := Posterior{NBeta: 10, Gamma: 1, Center: []float64{0, 0, 0}}
	rng := rand.New(rand.NewPCG(1, 1))
	batch := []int{1, 5, 7}
	for _, k := range []Kernel{SGLD{Epsilon: 1e-3}, SGLD{Epsilon: 1e-3, Mask: []bool{true, false, true}}, RMSPropSGLD{Epsilon: 1e-3},
		SGNHT{Epsilon: 1e-3}, SGNHT{Epsilon: 1e-3, Mask: []bool{true, false, true}}} {
		s, _ := k.Init(&p, p.Center)
		if a := testing.AllocsPerRun(100, func() { s.Step(m, batch, rng) }); a != 0 {
			t.Errorf("%T.Step allocates %v per step", k, a)
		}
	}
	mo := NewMoments(5)
	x := []float64{1, 2, 3, 4, 5}
	if a := testing.AllocsPerRun(100, func() { mo.Add(x) }); a != 0 {
		t.Errorf("Moments.Add allocates %v", a)
	}
}

func TestInvalidKernels(t *testing.T) {
	p := Posterior{NBeta: 1, Center: []float64{0, 0}}
	for _, k := range []Kernel{
		SGLD{}, SGLD{Epsilon: -1}, SGLD{Epsilon: math.NaN()}, SGLD{Epsilon: 1, Mask: []bool{true}},
		SGLD{Epsilon: 1, Mask: []bool{false, false}}, RMSPropSGLD{Epsilon: 1, Alpha: 1.5},
		SGNHT{}, SGNHT{Epsilon: 1, Diffusion: -1}, SGNHT{Epsilon: 1, Diffusion: math.NaN()}, SGNHT{Epsilon: 1, Mask: []bool{false, false}},
	} {
		if _, err := k.Init(&p, p.Center); err == nil {
			t.Errorf("%#v: no error", k)
		}
	}
	for _, q := range []Posterior{
		{Center: []float64{0, 0}}, {NBeta: -1, Center: []float64{0, 0}}, {NBeta: 1, Gamma: -1, Center: []float64{0, 0}},
		{NBeta: 1, Center: []float64{0}}, {NBeta: 1, PriorOnly: true, Center: []float64{0, 0}},
		{NBeta: math.Inf(1), Center: []float64{0, 0}}, {NBeta: 1, WeightDecay: -1, Center: []float64{0, 0}},
		{NBeta: 1, WeightDecay: math.NaN(), Center: []float64{0, 0}},
	} {
		if err := q.Validate(2); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
	if err := (&Posterior{PriorOnly: true, Gamma: 1, Center: []float64{0, 0}}).Validate(2); err != nil {
		t.Errorf("prior-only control rejected: %v", err)
	}
}

func TestNewBudget(t *testing.T) {
	b := NewBudget(0.2, 1000, 10, 2.5, 0.25)
	if b.Epsilon != 2e-4 || b.Relaxation != 1000 || b.BurnIn != 2500 || b.Thin != 251 {
		t.Errorf("budget %+v", b)
	}
	defer func() {
		if recover() == nil {
			t.Error("kMin > kMax accepted")
		}
	}()
	NewBudget(0.2, 1, 10, 1, 1)
}

// TestStepRecordsNorms checks the norms a recorded step reports
// (docs/theory.md §8.7) against a hand computation from the gradient at
// the position before the step and the same normal draws, for every
// kernel of the package, and that the recorded step moves the chain
// exactly as Step.
func TestStepRecordsNorms(t *testing.T) {
	m := newGaussModel(3, gaussData(10, []float64{1, -1, 0.5}))
	p := Posterior{NBeta: 5, Gamma: 2, Center: []float64{0.5, 0, 0.1}, WeightDecay: 1}
	w0 := []float64{0.9, -0.3, 0.4}
	mask := []bool{true, false, true}
	for _, k := range []Kernel{SGLD{Epsilon: 0.01}, SGLD{Epsilon: 0.01, Mask: mask}, RMSPropSGLD{Epsilon: 0.01}, SGNHT{Epsilon: 0.01, Diffusion: 0.3, Mask: mask}} {
		a, _ := k.Init(&p, w0)
		b, _ := k.Init(&p, w0)
		moving := []int{0, 1, 2}
		if k.Masked() {
			moving = []int{0, 2}
		}
		g := make([]float64, 3)
		m.LossGrad(g, w0, nil)
		ref := rand.New(rand.NewPCG(7, 8))
		if _, ok := k.(SGNHT); ok {
			for range moving {
				ref.NormFloat64() // the initial velocity
			}
		}
		var drift, loc, noise float64
		for _, i := range moving {
			prior := p.Gamma*(w0[i]-p.Center[i]) + p.WeightDecay*w0[i]
			force := p.NBeta*g[i] + prior
			z := ref.NormFloat64()
			scale, sd := 0.005, math.Sqrt(0.01) // SGLD: (ε/2)·force, √ε·ξ
			switch k.(type) {
			case RMSPropSGLD:
				G := 1 / (math.Sqrt(0.01*g[i]*g[i]) + 0.1)
				scale, sd = 0.005*G, math.Sqrt(0.01*G)
			case SGNHT:
				scale, sd = 0.01, math.Sqrt(2*0.3*0.01) // ε·force, √(2aε)·ξ
			}
			drift += scale * force * scale * force
			loc += scale * prior * scale * prior
			noise += sd * z * sd * z
		}
		info := a.(recorder).stepRecorded(m, nil, rand.New(rand.NewPCG(7, 8)))
		plain := b.Step(m, nil, rand.New(rand.NewPCG(7, 8)))
		for name, pair := range map[string][2]float64{"drift": {info.Drift, math.Sqrt(drift)}, "localization": {info.Localization, math.Sqrt(loc)}, "noise": {info.Noise, math.Sqrt(noise)}} {
			if math.Abs(pair[0]-pair[1]) > 1e-12*pair[1] || pair[1] == 0 {
				t.Errorf("%T (masked %v): %s norm %v, want %v", k, k.Masked(), name, pair[0], pair[1])
			}
		}
		if plain.Drift != 0 || plain.Noise != 0 || plain.Localization != 0 || plain.Loss != info.Loss {
			t.Errorf("%T: Step reported %+v", k, plain)
		}
		for i := range w0 {
			if math.Float64bits(a.Position()[i]) != math.Float64bits(b.Position()[i]) {
				t.Errorf("%T: the recorded step moved coordinate %d to %v, Step to %v", k, i, a.Position()[i], b.Position()[i])
			}
		}
	}
}

// nanGradModel is gaussModel whose gradient is NaN: a chain that uses the
// data's force at all ends in NaN.
type nanGradModel struct{ *gaussModel }

func (m nanGradModel) LossGrad(grad, w []float64, batch []int) float64 {
	loss := m.gaussModel.LossGrad(grad, w, batch)
	for i := range grad {
		grad[i] = math.NaN()
	}
	return loss
}

// checkPriorOnlyReplay samples the nβ = 0 control with kernel k on a model
// whose gradient is NaN (a chain that used it would diverge), checks that
// the model is evaluated only at w* and at the draws, and that the chain's
// distances from w* at the draws equal, bit for bit, those of move replayed
// from w* on the chain's noise stream (move advances w by one step).
func checkPriorOnlyReplay(t *testing.T, name string, k Kernel, run Run, center []float64, gamma float64, move func(w []float64, rng *rand.Rand)) {
	t.Helper()
	base := newGaussModel(len(center), gaussData(40, []float64{0.3, -1, 2}))
	res, err := Sample(context.Background(), nanGradModel{base}, Posterior{PriorOnly: true, Gamma: gamma, Center: center}, k, run)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if calls := base.calls.Load(); calls != int64(1+run.Draws) {
		t.Errorf("%s: %d model evaluations, want %d: L(w*) and one per draw", name, calls, 1+run.Draws)
	}
	w := append([]float64(nil), center...)
	rng := chainRand(run.Seed, 0, 0)
	var want []float64
	for step := 0; step < run.BurnIn+run.Draws*run.Thin; step++ {
		move(w, rng)
		if (step+1-run.BurnIn)%run.Thin == 0 && step >= run.BurnIn {
			var r2 float64
			for i := range w {
				r2 += (w[i] - center[i]) * (w[i] - center[i])
			}
			want = append(want, math.Sqrt(r2))
		}
	}
	got := res.Chains[0].DistTrace
	if len(got) != len(want) {
		t.Fatalf("%s: %d draws, want %d", name, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: draw %d: ‖w - w*‖ = %v, want %v bit for bit", name, i, got[i], want[i])
		}
	}
}

// priorOnlyMasks are the masks the control tests run under: none, and one
// that leaves the middle coordinate still.
var priorOnlyMasks = []struct {
	name string
	mask []bool
}{{"all coordinates", nil}, {"masked", []bool{true, false, true}}}

// TestSGNHTPriorOnlySkipsData is TestSGLDPriorOnlySkipsData for SGNHT: the
// chain is the thermostat's recursion with the prior's force alone.
func TestSGNHTPriorOnlySkipsData(t *testing.T) {
	const eps, a, gamma = 1e-3, 0.05, 50.0
	center := []float64{0.5, -0.25, 1}
	for _, tc := range priorOnlyMasks {
		var moving []int
		for i := range center {
			if tc.mask == nil || tc.mask[i] {
				moving = append(moving, i)
			}
		}
		v := make([]float64, len(center))
		alpha, sd, started := a, math.Sqrt(2*a*eps), false
		run := Run{Chains: 1, Draws: 7, BurnIn: 5, Thin: 3, BatchSize: 8, Seed: 11, KeepTrace: true}
		checkPriorOnlyReplay(t, tc.name, SGNHT{Epsilon: eps, Diffusion: a, Mask: tc.mask}, run, center, gamma, func(w []float64, rng *rand.Rand) {
			if !started { // the velocity is drawn at the first step
				started = true
				for _, i := range moving {
					v[i] = math.Sqrt(eps) * rng.NormFloat64()
				}
			}
			var kin float64
			for _, i := range moving {
				v[i] = (1-alpha)*v[i] - eps*(gamma*(w[i]-center[i])) + sd*rng.NormFloat64()
				w[i] += v[i]
				kin += v[i] * v[i]
			}
			alpha += kin/float64(len(moving)) - eps
		})
	}
}

// TestSGLDPriorOnlySkipsData checks that SGLD in the nβ = 0 control takes
// no minibatch gradient (a NaN gradient does not reach the chain) and moves
// exactly as w ← w - (ε/2)γ(w - w*) + √ε ξ, recomputed here from the chain's
// noise stream, bit for bit, on every step path (many steps at once, one at
// a time under a mask, and the recorded step at draws).
func TestSGLDPriorOnlySkipsData(t *testing.T) {
	const eps, gamma = 1e-2, 50.0
	center := []float64{0.5, -0.25, 1}
	for _, tc := range priorOnlyMasks {
		run := Run{Chains: 1, Draws: 7, BurnIn: 5, Thin: 3, BatchSize: 8, Seed: 11, KeepTrace: true}
		checkPriorOnlyReplay(t, tc.name, SGLD{Epsilon: eps, Mask: tc.mask}, run, center, gamma, func(w []float64, rng *rand.Rand) {
			for i := range w {
				if tc.mask != nil && !tc.mask[i] {
					continue
				}
				drift := gamma * (w[i] - center[i])
				w[i] += -0.5*eps*drift + math.Sqrt(eps)*rng.NormFloat64()
			}
		})
	}
}
