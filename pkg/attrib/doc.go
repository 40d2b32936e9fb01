// Copyright ©2026 The susclab Authors.

// Package attrib attributes a model's behaviour to its training samples and
// checks the attributions against retraining: the Bayesian influence
// function (BIF) from the sampler of package susc next to the classical
// attribution methods, and the scores that compare them, the linear
// datamodeling score (LDS), leave-one-out correlations and the detection of
// mislabelled samples. The mathematics and the conventions are those of
// docs/theory.md §4.4, with docs/theory.md §4.1, §4.3 for the BIF and the
// classical influence function.
//
// # One sign and one scale
//
// Every method returns Scores, an N×Q matrix for N training samples and Q
// queries. A query is a behaviour φ_q of the model, the loss of a test
// sample or of a training sample (Query). Entry (i, q) is
//
//	τ(i, q) ≈ φ_q(trained without sample i) - φ_q(trained on all samples),
//
// the predicted change of the query when sample i is removed: positive when
// sample i helps query q. How each method's raw output maps to τ, with n the
// number of training samples and w* the trained weights:
//
//	BIF                  τ = β Cov(l_i, φ_q), β = nβ/n     (-β times BIF(z_i, φ_q) = -Cov(l_i, φ_q))
//	InfluenceFunction    τ = ∇φ_qᵀ (H_sum + λI)⁻¹ ∇l_i       (minus the classical IF; H_sum = n∇²L_n(w*))
//	GradientSimilarity   τ = ∇l_iᵀ∇φ_q / n,  or  cos(∇l_i, ∇φ_q)
//	TracIn               τ = Σ_k η_k (s_{k+1} - s_k)/n · ∇l_i(w_k)ᵀ∇φ_q(w_k)
//
// The BIF predicts the change of the posterior expectation ⟨φ_q⟩; the
// others that of φ_q at the retrained weights. Self-influence τ(i, i) is the
// diagonal when the queries are the training samples (Scores.Self).
//
// # Ground truth and scores
//
// Retrain.Run retrains without given sets of samples, warm-started at w* or
// from fresh initializations, several seeds each with common random
// numbers, in parallel, cancellable (a partial Truth), with a progress
// callback; LeaveOneOut and RandomSubsets make the removal sets, and
// ExactTruth wraps a closed form. LDS is the Spearman correlation, per query
// over random subsets, between Σ_{i removed} τ(i, q) and the measured
// change, averaged over queries with a standard error over queries; Paired
// compares two methods query by query. LOOCorrelation gives the Pearson and
// Spearman correlations with leave-one-out retraining; Evaluate gives all
// three, and RunAll runs several methods, recording each one's scores,
// error and measured cost. AUC (with DeLong's standard error), PairedAUC and
// DetectionCurve measure how well self-influence finds mislabelled samples.
//
// Scores and Truth are plain values that survive JSON (viz.Memo); Validate
// checks one read back before use.
//
// Package experiment, under this one, holds the experiments of notebook
// 09-influence-evaluation and their tests.
package attrib
