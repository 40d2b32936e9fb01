// Copyright ©2026 The susclab Authors.

package trajectory_test

// The exact answers of development: a deep linear network learning its
// teacher's modes one at a time (the LLC rises at each stage), a toy model
// of superposition moving between k-gons (the represented features, the
// loss and the LLC change together) and the influence of a training sample
// changing sign between stages. The learning coefficient of a DLN at its
// trained minima is tested against the exact finite-nβ value in
// pkg/toy/dln_llc_test.go; here it is the reference printed next to the
// plateau estimates.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"susclab/pkg/checkpoint"
	"susclab/pkg/susc"
	"susclab/pkg/toy"
	"susclab/pkg/trajectory"
)

// skipShort skips the statistical tests under -short (the race run).
func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("long statistical test; run without -short")
	}
}

// sgldSpec returns the sampler settings used for a trajectory: ε = 0.1/k_max
// with k_max = nβ λ_max(H) + γ from the Hessian H at the last checkpoint (a
// variance bias of εk/4 ≤ 2.5%, docs/theory.md §2.1), burn-in 2 and a draw
// every 0.25 relaxation times 2/(εγ) (docs/theory.md §2.7).
func sgldSpec(m susc.Model, s *checkpoint.Series, nb, gamma float64, chains, draws int, seed uint64) trajectory.Spec {
	last, _ := s.Last()
	h := susc.Curvatures(m, last.Params)
	eps := 0.1 / (nb*h[len(h)-1] + gamma)
	tau := 2 / (eps * gamma)
	return trajectory.Spec{
		Posterior: susc.Posterior{NBeta: nb, Gamma: gamma},
		Kernel:    susc.SGLD{Epsilon: eps},
		Run:       susc.Run{Chains: chains, Draws: draws, BurnIn: int(2 * tau), Thin: max(1, int(tau/4)), Seed: seed, KeepTrace: true},
		Distance:  true,
	}
}

// stagewiseDLN is the stagewise set-up: widths (4,4,4,4), a rank-3 teacher
// with singular values 4, 2, 1 (noise 0.1, n = 200) and gradient descent
// from a small initialization (scale 0.01, learning rate 0.02, 2·10⁴ steps,
// 25 log-spaced checkpoints).
func stagewiseDLN(t testing.TB) (*toy.DeepLinear, *toy.LinearTeacher, *checkpoint.Series) {
	rng := rand.New(rand.NewPCG(1, 2))
	tc := toy.NewLinearTeacher(rng, 4, 4, []float64{4, 2, 1}, 0.1)
	x, y, _ := toy.GenerateDeepLinear(rng, 200, tc, nil)
	m := toy.NewDeepLinear([]int{4, 4, 4, 4}, x, y)
	s, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 0.01),
		toy.TrainConfig{Steps: 20000, LR: 0.02}, toy.Schedule{At: toy.LogSteps(20000, 25)})
	if err != nil {
		t.Fatal(err)
	}
	return m, tc, s
}

// TestStagewiseDLN checks that the LLC rises by more than 2 SE at each
// stage of a deep linear network's stagewise learning. The network learns
// its teacher's three modes one at a time (loss plateaus near 10.45, 2.72,
// 0.58, 0.017); the test reads each stage's LLC at its checkpoint of smallest
// gradient norm (trajectory.Stages), the nearest to the plateau's saddle. Plateau checkpoints are saddles: the localization γ = nβ = 10⁴
// holds the chains there (with γ = 700 at nβ = 10³ the chains at the first
// plateau escape downhill and the LLC there is -3,000). The fraction of draws
// below the checkpoint's loss and Aoyagi's λ at the rank learned so far are
// logged as references: at γ = nβ the estimand counts each learned direction
// with weight nβh/(nβh + γ) < 1, and the plateau values sit below λ.
//
// Tolerance: the criterion, a rise of more than 2 combined SE
// (8 chains each; measured rises are 10 to 60 SE).
func TestStagewiseDLN(t *testing.T) {
	skipShort(t)
	m, tc, s := stagewiseDLN(t)
	nb, gamma := 1e4, 1e4
	spec := sgldSpec(m, s, nb, gamma, 8, 200, 5)
	tr, err := trajectory.Sample(context.Background(), m, s, spec)
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]int, len(s.Checkpoints))
	for k, c := range s.Checkpoints {
		labels[k] = m.LearnedModes(c.Params, tc)
	}
	llc, grad := tr.LLC(), gradNorms(tr)
	widths := m.Widths()
	for k, p := range tr.Points {
		lam, _ := toy.DLNLearningCoefficient(widths, labels[k])
		t.Logf("step %5d  loss %10.6f  |∇L| %.1e  rank %d  λ̂ %9.3f ± %6.3f  below %.3f  λ(rank) %.1f", p.Step, p.TrainLoss, p.GradNorm, labels[k], p.LLC.Mean, p.LLC.SE, p.Below.Value, lam)
	}
	st := trajectory.Stages(labels, grad)
	if len(st) != 4 || st[0].Label != 0 || st[1].Label != 1 || st[2].Label != 2 || st[3].Label != 3 {
		t.Fatalf("stages %v; want ranks 0 → 1 → 2 → 3", st)
	}
	for i := 1; i < len(st); i++ {
		a, b := st[i-1].Rep, st[i].Rep
		x := trajectory.Transition{From: st[i-1].Label, To: st[i].Label}
		ea := susc.Estimate{Value: llc.Value[a], SE: llc.SE[a]}
		eb := susc.Estimate{Value: llc.Value[b], SE: llc.SE[b]}
		c := trajectory.Change(ea, eb)
		lamA, _ := toy.DLNLearningCoefficient(widths, x.From)
		lamB, _ := toy.DLNLearningCoefficient(widths, x.To)
		t.Logf("rank %d → %d: λ̂ %.3f ± %.3f (step %d, below %.2f) → %.3f ± %.3f (step %d, below %.2f): rise %.3f ± %.3f (%.0f SE); closed form λ %.1f → %.1f; γ = %g",
			x.From, x.To, ea.Value, ea.SE, tr.Points[a].Step, tr.Points[a].Below.Value, eb.Value, eb.SE, tr.Points[b].Step, tr.Points[b].Below.Value, c.Value, c.SE, c.Value/c.SE, lamA, lamB, gamma)
		if !(c.Value > 2*c.SE) {
			t.Errorf("rank %d → %d: the LLC changes by %.3f ± %.3f, want a rise of more than 2 SE", x.From, x.To, c.Value, c.SE)
		}
	}
}

// TestTMSTransitions checks that a toy model of superposition's k-gon
// transitions show in the loss and the LLC at the checkpoint where the
// number of represented features changes. Six features of importance 0.8^k
// (density 0.1, n = 1000) in two dimensions, trained by gradient descent from
// a small initialization (10⁻⁵, so that each feature waits at the origin's
// saddle and the stages separate): one feature, then an antipodal pair (a
// 2-gon, checked to 5°), three features at right angles, and a square (a
// 4-gon, checked to 5°), with checkpoints every 2,000 steps. At each transition (a feature's ||W_k||²
// crossing 1/2 between checkpoints j-1 and j) the test asks for, within one
// checkpoint interval of j: a loss drop (a local maximum of the decrease per
// interval, trajectory.LossDrops) and an LLC change of more than 2 combined
// SE between consecutive checkpoints (8 chains each).
func TestTMSTransitions(t *testing.T) {
	skipShort(t)
	m, s := tmsRun(t)
	nb, gamma := 1e3, 300.0
	tr, err := trajectory.Sample(context.Background(), m, s, sgldSpec(m, s, nb, gamma, 8, 200, 7))
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, len(s.Checkpoints))
	for k, c := range s.Checkpoints {
		counts[k] = len(m.Represented(c.Params, 0.5))
	}
	loss, llc := tr.Loss(), tr.LLC()
	drops := trajectory.LossDrops(loss.Value)
	for k, p := range tr.Points {
		t.Logf("step %5d  loss %.5f  drop %-5v  features %d  λ̂ %7.3f ± %.3f  below %.3f", p.Step, p.TrainLoss, drops[k], counts[k], p.LLC.Mean, p.LLC.SE, p.Below.Value)
	}
	// The configurations: the gaps between the represented features'
	// directions at each stage's checkpoint of smallest gradient norm.
	for _, st := range trajectory.Stages(counts, gradNorms(tr)) {
		w := s.Checkpoints[st.Rep].Params
		var ang []float64
		for _, k := range m.Represented(w, 0.5) {
			ang = append(ang, m.FeatureAngles(w)[k])
		}
		gaps := toy.Gaps(ang)
		t.Logf("%d features (steps %d–%d), at step %d: gaps %.1f°", st.Label, tr.Points[st.First].Step, tr.Points[st.Last].Step, tr.Points[st.Rep].Step, gaps)
		if st.Label == 2 || st.Label == 4 { // an antipodal pair, a square
			for _, g := range gaps {
				if math.Abs(g-360/float64(st.Label)) > 5 {
					t.Errorf("%d features at step %d: gaps %.1f°, want a regular %d-gon", st.Label, tr.Points[st.Rep].Step, gaps, st.Label)
				}
			}
		}
	}
	trs := trajectory.Transitions(tr.Steps(), counts)
	if len(trs) < 3 {
		t.Fatalf("transitions %v; want at least three", trs)
	}
	for _, x := range trs {
		drop, best := -1, 0.0
		for i := x.Index - 1; i <= x.Index+1; i++ {
			if i < 1 || i >= len(tr.Points) {
				continue
			}
			if drops[i] && drop < 0 {
				drop = i
			}
			c := trajectory.Change(susc.Estimate{Value: llc.Value[i-1], SE: llc.SE[i-1]}, susc.Estimate{Value: llc.Value[i], SE: llc.SE[i]})
			best = max(best, math.Abs(c.Value)/c.SE)
		}
		t.Logf("%d → %d features at step %d: loss drop at step %s, largest LLC change within one interval %.1f SE",
			x.From, x.To, x.Step, stepOf(tr, drop), best)
		if drop < 0 {
			t.Errorf("%d → %d features at step %d: no loss drop within one checkpoint interval", x.From, x.To, x.Step)
		}
		if !(best > 2) {
			t.Errorf("%d → %d features at step %d: the LLC changes by at most %.1f SE within one checkpoint interval, want more than 2", x.From, x.To, x.Step, best)
		}
	}
}

// gradNorms returns the gradient norm at each point's checkpoint.
func gradNorms(tr *trajectory.Trajectory) []float64 {
	return tr.Series("|∇L|", func(p *trajectory.Point) susc.Estimate { return susc.Estimate{Value: p.GradNorm} }).Value
}

func stepOf(tr *trajectory.Trajectory, k int) string {
	if k < 0 {
		return "none"
	}
	return fmt.Sprint(tr.Points[k].Step)
}

// tmsRun is the toy model of superposition of TestTMSTransitions and its
// checkpoints.
func tmsRun(t testing.TB) (*toy.TMS, *checkpoint.Series) {
	rng := rand.New(rand.NewPCG(1, 7))
	cfg := toy.NewTMSConfig(6, 2, 0.8, 0.1)
	x, _ := toy.GenerateTMS(rng, 1000, cfg, nil)
	m := toy.NewTMS(cfg, x)
	m.Init(rng) // keep the stream of the runs the settings were chosen on
	s, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 1e-5),
		toy.TrainConfig{Steps: 40000, LR: 0.01}, toy.Schedule{Every: 2000})
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// TestInfluenceSignChange checks that the Bayesian influence of a training
// sample changes sign between stages of learning. A deep linear network
// (4,4,4,7) learns hierarchical data (toy.HierarchicalTeacher(3, 2, 1): four
// items on a binary tree, noise 0.3, ten samples per item) from a small
// initialization: first what all items share (mode 0), then branch A against
// B (mode 1), then the leaves. The probe behaviour is the loss on item 1's
// noiseless sample, and the training sample z is one of item 0's (item 1's
// sibling on branch A). With mode 0 learned, the residuals of items 0 and 1
// both point along the branch-A direction, their losses fluctuate together,
// and BIF(z, L_1) = -Cov(l_z, L_1) < 0: up-weighting z helps its sibling.
// Once mode 1 is learned, what is left are their opposite leaf directions,
// and BIF(z, L_1) > 0: z now competes with its sibling. The test asks for
// BIF < -2 SE in stage 1 and > +2 SE in stage 2, each read at the stage's
// checkpoint of smallest gradient norm (8 chains each; measured 25 and 20 SE).
func TestInfluenceSignChange(t *testing.T) {
	skipShort(t)
	m, tc, s, item := hierarchyRun(t)
	probes := toy.HierarchicalProbes(m.Widths(), tc)
	nb, gamma := 1e4, 3e3
	spec := sgldSpec(m, s, nb, gamma, 8, 200, 11)
	spec.Observables = []susc.Observable{susc.PointLosses("l", []int{0}), trajectory.ProbeLoss("sibling", probes[1]), trajectory.ProbeLoss("other branch", probes[2])}
	spec.BIFs = []trajectory.Pair{{A: "l", B: "sibling"}, {A: "l", B: "other branch"}}
	if item[0] != 0 {
		t.Fatalf("sample 0 is of item %d", item[0])
	}
	tr, err := trajectory.Sample(context.Background(), m, s, spec)
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]int, len(s.Checkpoints))
	for k, c := range s.Checkpoints {
		labels[k] = m.LearnedModes(c.Params, tc)
	}
	sib, err := tr.BIF(0)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := tr.BIF(1)
	for k, p := range tr.Points {
		t.Logf("step %5d  loss %.4f  |∇L| %.1e  modes %d  BIF(z, sibling) %+.2e ± %.1e  BIF(z, other branch) %+.2e ± %.1e  below %.2f",
			p.Step, p.TrainLoss, p.GradNorm, labels[k], sib.Value[0][k], sib.SE[0][k], other.Value[0][k], other.SE[0][k], p.Below.Value)
	}
	a, b := -1, -1
	st := trajectory.Stages(labels, gradNorms(tr))
	for i := 1; i < len(st); i++ {
		if st[i-1].Label == 1 && st[i].Label == 2 {
			a, b = st[i-1].Rep, st[i].Rep
		}
	}
	if a < 0 {
		t.Fatalf("no stage of one learned mode followed by one of two (stages %v)", st)
	}
	za, zb := sib.Value[0][a]/sib.SE[0][a], sib.Value[0][b]/sib.SE[0][b]
	t.Logf("BIF(z, sibling): %+.3e ± %.1e at step %d (stage 1, z = %.1f) → %+.3e ± %.1e at step %d (stage 2, z = %.1f)",
		sib.Value[0][a], sib.SE[0][a], tr.Points[a].Step, za, sib.Value[0][b], sib.SE[0][b], tr.Points[b].Step, zb)
	if !(za < -2 && zb > 2) {
		t.Errorf("BIF(z, sibling) goes from %.1f SE to %.1f SE; want below -2 in stage 1 and above +2 in stage 2", za, zb)
	}
}

// hierarchyRun is the network of TestInfluenceSignChange and its
// checkpoints (25 log-spaced over 2·10⁴ steps of gradient descent).
func hierarchyRun(t testing.TB) (*toy.DeepLinear, *toy.LinearTeacher, *checkpoint.Series, []int) {
	rng := rand.New(rand.NewPCG(3, 4))
	tc := toy.HierarchicalTeacher(3, 2, 1, 0.3)
	x, y, item := toy.GenerateHierarchical(rng, 10, tc)
	m := toy.NewDeepLinear([]int{4, 4, 4, 7}, x, y)
	s, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 0.01),
		toy.TrainConfig{Steps: 20000, LR: 0.05}, toy.Schedule{At: toy.LogSteps(20000, 25)})
	if err != nil {
		t.Fatal(err)
	}
	return m, tc, s, item
}
