// Package susc samples localized tempered posteriors around trained weights
// and estimates susceptibilities, influence functions and local learning
// coefficients from the draws, each with a standard error. The mathematics and
// every convention are those of the project's theory notes, from
// docs/theory.md §1 on; each formula below cites its section.
//
// # The posterior
//
// For a Model with per-sample losses l_i(w), mean loss L_n(w) = (1/n) Σ l_i(w)
// and trained parameters w*, the Posterior is
//
//	p(w) ∝ exp( -nβ L_n(w) - (γ/2) ||w - w*||² )
//
// nβ is always explicit (NOverLogN gives n/log n); γ localizes at w*;
// PriorOnly is the nβ = 0 control. Posterior.WeightDecay adds an optional
// Gaussian prior (δ/2)||w||² centred at zero (docs/theory.md §2.9).
//
// # Kernels and the driver
//
// A Kernel holds hyperparameters; its Init makes the State of one chain, which
// owns everything that changes and takes the steps (blackjax style: init, then
// step → info). SGLD takes, with L_B the MEAN loss of the minibatch B
// (docs/theory.md §2.1),
//
//	w ← w - (ε/2) [ nβ ∇L_B(w) + γ (w - w*) ] + √ε · N(0, I)
//
// RMSPropSGLD scales drift by G = 1/(√V + δ) and noise by √G
// (docs/theory.md §2.2). SGNHT, the stochastic gradient Nosé–Hoover
// thermostat, moves a velocity v with a scalar friction α that keeps the
// kinetic energy at its target (docs/theory.md §2.8):
//
//	v ← (1 - α) v - ε ∇U(w) + √(2aε) · N(0, I),   w ← w + v,   α ← α + ||v||²/d - ε
//
// A mask (WithMask) freezes weights outside a component
// (docs/theory.md §2.3). Sample runs chains in parallel from w*, discards
// burn-in, keeps every Thin-th step and evaluates, at each draw, the
// full-batch loss L_n(w) (coordinate "loss") and the Observables
// (docs/theory.md §2.4), and records the distance ||w - w*|| and the norms
// of the step's drift, localization and noise (docs/theory.md §8.7);
// Run.PointStats adds per-sample streaming statistics for the functional
// variance and WAIC (docs/theory.md §8.6). Chain c draws its noise and batch order from streams
// derived from (Seed, c) alone, so results are bit-identical for any number of
// Workers. Statistics stream: co-moments per chain and batch of draws
// (Moments), so memory does not grow with the number of draws unless
// Run.KeepTrace asks for traces. The inner loop allocates nothing.
//
// # Estimators (functions of a Result, each with a standard error)
//
// Susceptibility of an observable φ to a data perturbation q → q' with ΔL =
// L' - L, by the fluctuation–dissipation theorem (docs/theory.md §3.2):
//
//	C = Cov(φ, ΔL),   χ = -C,   J = ∂<φ>_h/∂h = nβ χ = -nβ C
//
// A Susceptibility stores C; Chi and Response derive χ and J, so the sign and
// the nβ factor cannot be confused. SusceptibilityMatrix gives J_ik = -nβ
// Cov(φ_i, L_k - L) for several probes (LossDeltas, docs/theory.md §3.3).
//
// Influence (docs/theory.md §4): with per-sample losses as observables
// (PointLosses), the Bayesian influence function is BIF(z_i, φ) = -Cov(l_i,
// φ), the influence matrix I_ij = -Cov(l_i, l_j) (InfluenceMatrix) and its
// normalized form the correlation +Corr(l_i, l_j) (LossCorrelation: note the
// opposite sign). Laplace is the regular-model reference ∇φᵀ(nβH + γI)⁻¹∇ψ
// (docs/theory.md §4.3), with Hessian and Curvatures from finite differences
// of the gradient.
//
// Local learning coefficient (docs/theory.md §7.1), per chain c:
//
//	λ̂_c = nβ ( E_c[L_n(w)] - L_n(w*) )
//
// with mean and spread over chains (LLC).
//
// Standard errors (docs/theory.md §8.1) are the spread of the same estimate
// over independent units (the chains, each split into Run.Batches batches of
// consecutive draws) divided by √units. Chains that diverged are left out of
// every estimator unless Result.IncludeDiverged is set (Result.Used).
// Diagnostics: traces, ESS (docs/theory.md §8.2), R̂ (docs/theory.md §8.3) and
// the MALA acceptance probability (Run.MALA, docs/theory.md §2.5). Choosing
// the step (docs/theory.md §2.7): NewBudget derives ε, burn-in and thinning
// from the curvature range, and Calibrate runs the ε × nβ sweep.
//
// Structural susceptibilities (restricted chains per component) are in
// package susclab/pkg/susc/structure, patterning (designing data changes
// from J) in susclab/pkg/susc/pattern, the information criteria (WBIC,
// WAIC) in susclab/pkg/susc/criteria, the chain-health report in
// susclab/pkg/susc/health and CSV files in susclab/pkg/susc/csvio.
//
// # Errors
//
// Invalid hyperparameters, shape mismatches, empty data and a Replicate method
// of the wrong shape are reported by Sample before any work. A chain whose
// loss becomes NaN or infinite stops with a *DivergenceError (chain, step,
// loss, docs/theory.md §2.6), one whose code panics with a *ChainPanicError,
// and a cancelled context stops every chain within a few steps; in each case
// Sample returns the partial Result with the errors joined.
package susc
