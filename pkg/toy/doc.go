// Copyright ©2026 The susclab Authors.

// Package toy provides small learning machines with exactly known answers,
// for testing the samplers and estimators of package susc against ground
// truth. Conventions follow docs/theory.md §1.1: per-sample losses l_i(w), empirical
// loss L_n = (1/n) Σ_i l_i, and the tempered, localized posterior
//
//	p(w) ∝ exp(-nβ L_n(w) - γ/2 ||w - c||²)
//
// with c the prior centre (normally the trained parameters w*).
//
// Every model has the methods Dim, NumData, LossGrad and PointLosses and so
// satisfies susc.Model and susc.PointLosser structurally (this package does
// not import susc). LossGrad returns the MEAN loss over a batch (nil: all n
// samples) and overwrites grad. The full-batch path uses precomputed
// sufficient statistics (cost independent of n) where the loss allows it
// (TMS and MLP loop over all samples); minibatches loop over the batch. The
// exact-answer models below are read-only after construction, safe for
// concurrent use and allocation-free in LossGrad and PointLosses, so none
// needs a Replicate method. The structural models (TMS, DeepLinear,
// MLP) hold scratch memory instead: each has a method Replicate() returning
// an independent copy of its own type, which the sampler finds structurally
// and calls once per chain.
//
// Models and their exact answers:
//
//   - GaussianMean: l_i = ||y_i - w||²/2, y_i ∈ R^d. Posterior N((nβ ȳ + γc)/(nβ+γ), I/(nβ+γ))
//     (PosteriorMean, PosteriorVar); susceptibility of φ = w_k to a probe
//     dataset with mean μ': χ_k = -Cov(w_k, ΔL) = (μ'_k - ȳ_k)/(nβ+γ), J = nβχ
//     (Susceptibility); LLC estimand (LLC).
//   - LinearRegression: l_i = (y_i - x_iᵀw)²/2. Posterior N(m, V), V = (βXᵀX + γI)⁻¹,
//     β = nβ/n (Posterior); Cov(l_i, l_j) = r_i r_j c_ij + c_ij²/2 with
//     c_ij = x_iᵀVx_j (LossCov, LossCorr); Cov(w, l_i) = -r_i V x_i
//     (LossParamCov); susceptibility of φ = w to a probe dataset,
//     χ = -V∇ΔL(m) (LinRegPosterior.Susceptibility); E[L_n] and the LLC; the Hessian XᵀX/n; the damped classical
//     influence functions -∇φᵀ(H_sum + γI)⁻¹∇l_i (ClassicalInfluence,
//     ClassicalInfluenceParams).
//   - Polynomial (V = λx²/2 + αx³/6 + κx⁴/24) and Monomial (V = x^{2k}/(2k)!):
//     one parameter, one sample, loss V. Exact expectations and covariances under
//     exp(-nβ(V + hD) - γ/2(x - c)²) by quadrature (Density1D, NewPosterior1D,
//     Posterior1D.Expect, Posterior1D.Cov), accurate to ~1e-12 relative; this
//     checks the FDT ∂_h<φ> = -nβ Cov(φ, D) to quadrature precision.
//   - NormalCrossing: y = x Π_k w_k^{a_k}, l_i = (y_i - x_i f(w))²/2. Learning
//     coefficient 1/(2 max a_k) for pure-noise truth (LearningCoefficient);
//     exact finite-nβ LLC estimand for two parameters by 2D quadrature (LLC2D);
//     Idealize removes the data-fluctuation term at w = 0.
//   - ReducedRank: two-layer linear network W2 W1 x, l_i = ||y_i - W2W1x_i||²/2.
//     Aoyagi–Watanabe learning coefficient at rank-0 truth (LearningCoefficient,
//     RRRLearningCoefficient; (5,3,5) → 6.5); Train finds w*.
//
// Structural models, for susceptibility matrices between model components
// and data patterns (docs/theory.md §5.1) and for patterning (docs/theory.md §6). Each has
// component masks over w (for a restricted chain), a data generator whose
// mixture weights over patterns can be set (q_π = Σ_k π_k q_k + π_K q, base
// distribution q last; see PatternWeights), per-pattern probe datasets
// (Probes) and seeded training (Train):
//
//   - TMS, the toy model of superposition x̂ = ReLU(WᵀWx + b),
//     l = Σ_k I_k (x_k - x̂_k)²; patterns = features (GenerateTMS: pattern k
//     has feature k always active; GenerateTMSCoupled draws the same mixture
//     with common random numbers across weights); components FeatureMask(k) (column k of W
//     and b_k) and HiddenMask(j) (row j of W); observables FeatureNorms
//     ||W[:,k]||² and Interference Σ_{j≠k} (W[:,k]·W[:,j])². Trained at
//     F = 6, M = 2 it puts five features on a regular pentagon (with equal
//     importances it ends as a square or a pentagon, depending on the
//     initialization: package solutions).
//   - DeepLinear, a bias-free deep linear network on a LinearTeacher
//     y = U diag(s) Vᵀ x + σε; patterns = teacher modes (GenerateDeepLinear:
//     pattern k has x = v_k z); components LayerMask(l) and
//     HiddenUnitMask(l, j); observable ModeStrengths u_kᵀ W_{L-1}⋯W_0 v_k.
//     Its learning coefficient and multiplicity at a truth of rank r are
//     Aoyagi's closed form (DLNLearningCoefficient; M. Aoyagi, Neural
//     Networks 2024; two layers give reduced-rank regression at any rank),
//     and Idealize(T) makes Sxx = nI and Syx = nT exactly, so that every w
//     with end-to-end map T is an exact minimum (w* = 0 for pure noise).
//     LearnedModes counts the modes learned so far (strength above s_k/2).
//     HierarchicalTeacher is the teacher of a hierarchical task (four items
//     on a binary tree, one-hot inputs, seven properties) with its singular
//     modes in closed form: s_0 = √(4 root² + 2 branch² + leaf²) (what all
//     items share), s_1 = √(2 branch² + leaf²) (branch against branch), s_2 =
//     s_3 = leaf (the leaves); GenerateHierarchical draws its data and
//     HierarchicalProbes one noiseless probe per item.
//   - MLP, one tanh hidden layer on an MLPTeacher; patterns = input regions
//     (GenerateMLP: pattern k has x ~ N(c_k, Spread² I)); components
//     HiddenUnitMask(j) and LayerMask(l).
//
// A classification model, for attribution and mislabelled-sample detection
// (docs/theory.md §4.4): Classifier, a softmax classifier with cross-entropy
// loss l_i = log Σ_k e^{z_k} - z_{y_i} and an optional tanh hidden layer
// (z = W2 tanh(W1 x + b1) + b2; Hidden = 0 gives softmax regression,
// z = Wx + b), with a Replicate method; GenerateClusters draws Gaussian
// clusters centred on a circle, FlipLabels gives a known fraction of samples
// a wrong label.
//
// Closed forms for attributing query losses to training samples in linear
// regression (a query set is another LinearRegression, l_q = (y_q - x_qᵀw)²/2;
// docs/theory.md §4.4): the exact change of l_q when sample i is removed and
// least squares refitted, δ r_q + δ²/2 with δ = h_qi r_i/(1 - h_ii)
// (LeaveOneOutLoss; HatDiagonal gives h_ii); its first-order, damped
// prediction r_i r_q x_iᵀ(XᵀX + λI)⁻¹x_q (RemovalInfluence); the exact change of
// the posterior expected loss ⟨l_q⟩ (LinRegPosterior.LeaveOneOutExpectedLoss)
// and its first-order prediction β Cov(l_i, l_q) (QueryLossCov).
//
// Smaller pieces for notebooks and tests: Quadratic (gᵀw + ½wᵀAw, a
// one-sample model or a perturbation); RichardsonDeriv and RichardsonDeriv2
// (finite differences with an error estimate, for ∂<φ>/∂h from exact
// expectations); Polynomial.Curvature, Monomial.Curvature and
// Monomial.PosteriorVar; LinearRegression.CurvatureRange and
// LeaveOneOutShift, LinRegPosterior.BeyondLaplace and Leverage; and, for the
// TMS, Components, Represented, OneHotSamples, and FeatureAngles with Gaps
// (the angles between represented features: 360°/k apart in a regular
// k-gon).
//
// Minimize is a deterministic full-batch gradient-descent (or Adam) trainer
// for any LossGrader; Train is its minibatch counterpart (SGD or Adam on a
// permutation seeded by TrainConfig.Seed) for any DataLossGrader.
// TrainCheckpoints runs the same updates and keeps the parameters and the
// loss at the steps of a Schedule (every k steps, at given steps, LogSteps
// for log-spaced ones) as a checkpoint.Series, in memory or on disk in the
// format of package checkpoint: the checkpoint at step s is bit for bit what
// Train returns after s steps.
// Randomness only ever comes from a caller-supplied *math/rand/v2.Rand (data
// generators, RandomInit, Init methods) or an explicit seed (Train); there is
// no global random state.
package toy
