// Package susc samples localized tempered posteriors around trained weights
// and estimates susceptibilities, influence matrices and local learning
// coefficients from the draws. The conventions are those of THEORY.md:
//
// # The posterior
//
// For a model with per-sample losses l_i(w), mean loss L_n(w) = (1/n) Σ l_i(w)
// and trained parameters w*, the localized tempered posterior is
//
//	p(w) ∝ exp( -nβ L_n(w) - (γ/2) ||w - w*||² )          (Posterior)
//
// nβ is always explicit (NOverLogN gives n/log n); γ localizes at w*.
//
// # Sampling
//
// A Kernel is a state, a step and an info record (blackjax style). SGLD
// takes, with L_B the MEAN loss of the minibatch B,
//
//	w ← w - (ε/2) [ nβ ∇L_B(w) + γ (w - w*) ] + √ε · N(0, I)
//
// RMSPropSGLD scales drift by G = 1/(√V + δ) and noise by √G. A Mask freezes
// weights (drift, prior and noise). Sample runs chains in parallel from w*,
// discards burn-in, keeps every Thin-th step and evaluates, at each draw, the
// full-batch loss L_n(w) (coordinate "loss") and the Observables. Chain c
// draws its noise and batch order from streams derived from (Seed, c) alone,
// so results are bit-identical for any number of Workers. Statistics are
// streaming (Welford co-moments per chain, or per batch of draws with
// Run.Batches), so memory does not grow with the number of draws unless
// Run.KeepTrace asks for traces. The inner loop allocates nothing.
//
// # Estimators (functions of a Result, each with a standard error)
//
// Susceptibility of an observable φ to a data perturbation q → q' with
// ΔL = L' - L (fluctuation–dissipation theorem):
//
//	C = Cov(φ, ΔL),   χ = -C,   J = ∂<φ>_h/∂h = nβ χ = -nβ C
//
// A Susceptibility stores C; Chi and Response derive χ and J, so the sign and
// the nβ factor cannot be confused. SusceptibilityMatrix gives the Jacobian
// J_ik = -nβ Cov(φ_i, L_k - L) for several probes (LossDeltas).
//
// Influence: with per-sample losses as observables (PointLosses), the
// Bayesian influence function is BIF(z_i, φ) = -Cov(l_i, φ), the influence
// matrix I_ij = -Cov(l_i, l_j) (InfluenceMatrix) and its normalized form the
// correlation +Corr(l_i, l_j) (LossCorrelation: note the opposite sign).
//
// Local learning coefficient, per chain c:
//
//	λ̂_c = nβ ( E_c[L_n(w)] - L_n(w*) )
//
// with mean and spread over chains (LLC).
//
// Standard errors are the spread of the same estimate over independent units
// (the chains, each split into Run.Batches batches of consecutive draws)
// divided by √units. Diagnostics: traces and RunningMean, ESS (Geyer), R̂
// (Gelman–Rubin, streaming) and the MALA acceptance probability (Run.MALA).
//
// # Accuracy of the LLC against budget
//
// On normal crossing (THEORY §6) the estimator targets the finite-nβ value
// nβ E[L_n - L_n(w*)], which approaches the learning coefficient λ only as
// log(nβ) grows (the log correction of multiplicity m > 1 models is about
// -(m-1)/log nβ). The package tests compare the sampler against that exact
// finite-nβ value by quadrature and against λ at large nβ; see
// llc_test.go for the budgets and the accuracy they reach.
//
// # Errors
//
// Invalid hyperparameters, shape mismatches and empty data are reported by
// Sample before any work. A chain whose loss becomes NaN or infinite stops
// with a *DivergenceError (chain, step, loss) and keeps its draws; a
// cancelled context stops all chains; in both cases Sample returns the
// partial Result with the error.
package susc
