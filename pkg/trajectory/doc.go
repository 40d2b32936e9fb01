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
// A checkpoint is not a critical point in general, and λ̂_k is then not a
// learning coefficient but a measure of the local volume the localized
// posterior finds; the localization γ keeps the chains near w_k, and Below
// and Dist2 show whether it did.
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
