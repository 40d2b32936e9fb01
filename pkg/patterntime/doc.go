// Copyright ©2026 The susclab Authors.

// Package patterntime runs patterning in time (docs/theory.md §6.5): a
// reweighting of the training data, designed from susceptibilities at an
// early checkpoint, that moves the step at which a circuit forms.
//
// The experiment runs on the planted induction corpus of package lm, as a
// mixture of three window kinds (lm.PlantedKinds: repeats, fillers,
// noise), or with Options.Corpus "gosrc" on the embedded Go source, whose
// kinds are code, comment and doubled windows (lm.GoKindPools,
// lm.TrainGoMixture), with baseline weights π:
//
//  1. train the baseline once and date the induction circuit's formation
//     (lm.FormationStep on the held-out induction tokens' loss, or on Go
//     source on the repeated probe's repeat/first-copy loss ratio);
//  2. at the checkpoint nearest Options.EarlyFraction of that step,
//     sample the structural susceptibility of layer 1 (all its heads, where
//     the induction head forms) to each kind's mean probe loss, and take
//     J_k = nβ χ̂_layer1(L_k) with its standard error (or, with
//     Options.Observable "induction", the plain response
//     J_k = −nβ Cov(φ, L_k) of the probe's induction-token loss φ on the
//     full chain, the default on Go source, where φ is the repeated
//     probe's repeat tokens' loss), and the covariance of J's errors
//     (Record.JCov: the entries share their chains, so a contrast of them,
//     Record.JContrast, has its own standard error);
//  3. design dh with pattern.Solve within Σ dh = 0, at norm Options.Norm:
//     +dh raises layer 1's structural coordinate (or lowers ⟨φ⟩), −dh
//     does the opposite; the
//     control is the feasible direction of the same norm orthogonal to dh,
//     and the random control draws a feasible direction of that norm per
//     seed (RandomDirection);
//  4. retrain every arm (baseline, +dh, −dh, control, random) over the
//     same seeds, each run until Options.Margin steps after formation,
//     and compare formation steps.
//
// The arms are paired: for one seed every arm starts from the same
// initialization, sees the windows whose kind did not change in the same
// minibatch positions and is evaluated on the same held-out windows
// (lm.TrainPlantedMixture, lm.TrainGoMixture), so shifts are means of
// per-seed differences.
//
// Record.Loop closes the loop in time on the planted corpus: for +dh and
// −dh it samples J again halfway between the early checkpoint and that
// arm's formation (seed 1), redesigns dh at the same norm and retrains
// every seed with the first design up to there and the second after it
// (lm.TrainPlantedPhases).
//
// Run does it all and returns a Record (JSON); Record.Shift reads the
// shifts, Record.ShiftSlope the random control's per-seed shifts against
// their predictions, Record.Retrain re-runs one arm and seed, or its
// start, bit for bit, and Record.SampleJ samples J again. Record.Redesign
// reads J at another checkpoint and designs again, reusing the baseline
// and the random control, whose runs do not depend on J; Record.Resume
// trains the runs a record lacks. cmd/lmpattern writes the shipped
// records.
package patterntime
