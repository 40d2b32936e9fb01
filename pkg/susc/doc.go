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
// streaming (co-moments per chain, Welford updates for short draw vectors and
// rank-64 block updates with BLAS for long ones, or per batch of draws with
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
// Laplace is the regular-model reference: Cov(φ, ψ) ≈ ∇φᵀ(nβH + γI)⁻¹∇ψ at
// w*, exact for Gaussian posteriors, with Hessian giving H by finite
// differences of the gradient and Curvatures its eigenvalues.
//
// Structure (THEORY.md §4): a Component is a mask over the parameters. Its
// structural susceptibility to a perturbation loss X takes a restricted chain
// (the kernel masked to the component) and the full chain:
//
//	χ̂_C(X) = -{ E_C[(L - L*) X] - E_C[L - L*] · E_full[X] }
//
// (StructuralColumn; SampleStructure runs all chains and returns the
// StructuralMatrix, rows = patterns, columns = components). Columns carry a
// per-component factor Z/Z_C, so compare them after Standardize (column
// z-score, optional row centring); SVDModes pairs data patterns (U) with
// circuits of components (V). The nβ = 0 control is the same computation with
// Posterior{PriorOnly: true}. With X = SampleLossDeltas the rows are
// per-sample susceptibility vectors; ProjectRows, KMeans, Purity and
// AdjustedRand cluster them against known labels (ClusterByDirection runs
// the whole pipeline). QuadraticOneChain returns, on the quadratic model,
// the limit of the one-chain shortcut -Cov_C(L, X) (χ̂_C with E_C[X] in
// place of E_full[X]), for showing why SampleStructure needs two chains.
//
// Patterning (THEORY.md §5): Pattern computes dh = J⁺ dμ_target with rank
// truncation and Tikhonov damping, keeps the mixture weights a probability
// distribution (scaling or projected least squares) and reports the
// reachable fraction of the target. Mixture is the exact loss of q_h (a
// reweighted, concatenated dataset) so the perturbed posterior can be
// sampled; ClosedLoop sweeps t·dh and compares the realized shift of <μ>
// (MeanShift, paired standard errors) with the prediction J·t·dh, and
// RandomFeasible draws the control direction of the same norm.
//
// Standard errors are the spread of the same estimate over independent units
// (the chains, each split into Run.Batches batches of consecutive draws)
// divided by √units. Diagnostics: traces and RunningMean, ESS (Geyer), R̂
// (Gelman–Rubin, streaming) and the MALA acceptance probability (Run.MALA).
// Choosing the step: NewBudget derives ε, burn-in and thinning from the
// curvature range, and Calibrate runs the ε × nβ sweep (LLC, MALA acceptance
// and divergences at every grid point).
//
// # Accuracy of the LLC against budget
//
// The estimator targets the finite-nβ value nβ(E[L_n] - L_n(w*)), which tends
// to the learning coefficient λ only as nβ grows, with a logarithmic
// correction ≈ -(m-1)/log nβ when the maximal power is repeated (multiplicity
// m = 2, as for normal crossing (1,1)). The tests therefore check the sampler
// against that exact finite-nβ value (2D quadrature, toy.NormalCrossing.LLC2D)
// and the known λ through its approach (accept_test.go). Measured here, SGLD,
// γ = 1, idealized pure-noise data (w* = 0 exact), ε = 0.2/(9 nβ), burn-in 2.5
// and thinning 0.25 relaxation times 2/(εγ):
//
//	model        nβ        exact λ(nβ)  estimate (8 chains × 500 draws)   λ      time (2 cores)
//	NC (1,1)     145 (n=1e3) 0.347      0.341 ± 0.011                     0.5    1 s
//	NC (1,2)     145         0.202      0.195 ± 0.006                     0.25   0.3 s
//	NC (1,3)     145         0.137      0.134 ± 0.005                     0.167  0.8 s
//	NC (1,1)     8,686 (1e5) 0.405      0.398 ± 0.007                     0.5    45 s
//	NC (1,2)     8,686       0.233      0.228 ± 0.007                     0.25   25 s
//	RRR (5,3,5)  145         –          6.14 ± 0.08   (4 chains × 200)    6.5    1.6 s
//	RRR (5,3,5)  1,000       –          6.24 ± 0.03 … 6.53 ± 0.11         6.5    13 s
//	RRR (5,3,5)  8,686       –          6.42 ± 0.09                       6.5    2 min
//
// For reference, devinterp's own normal-crossing test (10 chains × 5,000
// draws at ε = 2e-4, one step per draw) covers about one relaxation time per
// chain and accepts λ within ±2 chain standard deviations; its 0.40 for
// λ = 0.5 mixes that short budget with the finite-nβ bias above. With Go's
// speed, burn-in and thinning cost nothing noticeable, and the remaining
// difference from λ is the estimand's, not the sampler's.
//
// # Errors
//
// Invalid hyperparameters, shape mismatches and empty data are reported by
// Sample before any work. A chain whose loss becomes NaN or infinite stops
// with a *DivergenceError (chain, step, loss) and keeps its draws; a
// cancelled context stops all chains; in both cases Sample returns the
// partial Result with the error.
package susc
