// Copyright ©2026 The susclab Authors.

// Package solutions runs the second demonstration of patterning in time
// (docs/theory.md §6.6): a reweighting of the training data, designed from
// susceptibilities, that changes which of two solutions training from
// scratch finds.
//
// The model is a toy model of superposition (toy.TMS) with six features of
// equal importance in two dimensions. Trained from random initializations
// on the baseline data it ends, about half of the time each, as a square
// (four features represented, on the corners) or a pentagon (five): two
// solutions that inspection tells apart (the number of feature norms near
// 1, Represented), with nearly equal losses and different local learning
// coefficients. The data are a mixture of the six feature patterns
// (pattern k: feature k always active) and the base distribution, with
// baseline weights π.
//
// The experiment (Run):
//
//  1. train the baseline at Options.DesignSeeds seeds of their own and, at
//     each trained point, sample the plain response J_k = −nβ Cov(φ, L_k − L) of
//     φ = Σ_k ‖W_{:,k}‖² (the represented mass, about 4 for a square and 5
//     for a pentagon) to each mixture component's loss, and the LLC;
//  2. average J over the design points and design dh = pattern.Steepest(J,
//     π, Options.Norm), which raises ⟨φ⟩: +dh should favour the pentagon;
//  3. retrain the baseline, +dh, −dh and a random control (a feasible
//     direction of the same norm per seed, pattern.RandomFeasible) over
//     Options.Seeds paired seeds (toy.RetrainTMS: a seed fixes the
//     initialization, the minibatch order and the data stream), and
//     classify every trained model.
//
// Record.Shift gives an arm's paired change of the fraction of seeds that
// find a solution, against the baseline. Options.Symmetric designs from J
// with its pattern entries averaged (JDesign), Options.Coupled draws the
// arms' data with common random numbers, and Options.Antithetic adds the
// random control's opposite, so that Record.Contrast (half the difference
// of opposite arms: first order) and Record.Even (their mean minus the
// baseline: second order) separate the orders of the response.
package solutions
