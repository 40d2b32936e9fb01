// Copyright ©2026 The susclab Authors.

// Package trajectory runs the estimators of package susc at every checkpoint
// of a training run: how the local learning coefficient, susceptibilities,
// influence and structure develop as a model learns (developmental
// interpretability).
//
// Sample takes a model, a checkpoint.Series of its training run (for the
// toys, toy.TrainCheckpoints) and a Spec: one posterior setting (nβ, γ), one
// kernel and one susc.Run for every checkpoint, the observables to record
// and the estimators to form. At the checkpoint w_k it samples
//
//	p_k(w) ∝ exp( -nβ L_n(w) - (γ/2) ||w - w_k||² )       (docs/theory.md §1.2)
//
// centred at w_k itself, and forms, each with its standard error
// (docs/theory.md §8.1):
//
//   - the LLC λ̂_k = nβ (E_k[L_n] - L_n(w_k)) (docs/theory.md §7.1);
//   - susceptibility matrices J = -nβ Cov(φ, ΔL) (docs/theory.md §3.3);
//   - BIFs -Cov(l_i, φ) and the influence matrix -Cov(l_i, l_j)
//     (docs/theory.md §4.1, §4.2);
//   - the structural matrix of model components (docs/theory.md §5.2), with
//     the checkpoint's run as the full chain and one restricted run per
//     component;
//   - two diagnostics of the localization: Below, the fraction of draws with
//     L_n(w) < L_n(w_k) (a checkpoint on a plateau of the loss is a saddle,
//     not a minimum, and draws that escape it lower the loss), and Dist2,
//     E||w - w_k||².
//
// A checkpoint is not a critical point in general (docs/theory.md §7.4): the
// gradient g at w_k adds -½ nβ² gᵀ(nβH + γI)⁻¹(nβH + 2γI)(nβH + γI)⁻¹g to the
// estimand, and a plateau of stagewise learning is a saddle that only a
// strong enough localization γ holds. Point.GradNorm says how near a
// critical point the checkpoint is; Below and Dist2 whether the chains
// stayed (Trajectory.Escaped flags those that did not).
//
// Reading stages: Transitions lists where a discrete label (modes learned,
// features represented) changes between checkpoints, Stages groups the
// points into runs of equal labels and picks each run's checkpoint of
// smallest gradient norm, LossDrops marks the intervals where the loss falls
// fastest, and Change forms the difference of two points' estimates with
// its standard error.
//
// Seeds and parallelism. The checkpoint at step s is sampled with the seed
// seeds.Derive(Run.Seed, s) (its restricted runs derive theirs from it as
// structure.Sample does), so its estimates do not depend on which other
// checkpoints are sampled, nor on the order or the number of workers:
// Sample runs several checkpoints at once when there are more workers than
// chains, each with its chains in parallel, and the Trajectory is
// bit-identical for any Workers. Cancelling the context returns promptly
// the points finished and the points in progress (Point.Partial).
//
// Output. A Trajectory holds one Point per checkpoint; Series (LLC, Loss, or
// any scalar of a Point) and Entries (Response, BIF, Influence, Structure:
// a matrix-valued estimate flattened, entry by checkpoint) read it as
// slices for charts (viz.OverTraining, viz.HeatmapOverTraining). It is
// written as NaN-safe JSON (WriteJSON, ReadJSON, and so through viz.Memo) and
// as one tidy CSV table of every estimate (WriteCSV, ReadCSV); the readers
// check what they read.
package trajectory
