// Copyright ©2026 The susclab Authors.

// Package experiment holds the attribution experiments of notebook
// notebooks/09-influence-evaluation.ipynb and of their tests, so that the
// notebook's cells stay short and the tests check the same claims. Each
// experiment is a plain value of exported fields (so that viz.Memo can take
// it as a parameter) whose methods build the data, train, retrain and list
// the methods of package attrib; everything is seeded and deterministic.
//
//   - LinearBIF: the sampler settings for the BIF of linear regression
//     (docs/theory.md §4.4, §9.2), where every score has a closed form.
//   - Regression: a tanh MLP on few samples (the small-data regime), with the
//     ground truth of warm-started retraining for the LDS and leave-one-out
//     correlations, and every method over a sweep of nβ and of the damping.
//   - Detection: a tanh-MLP classifier on Gaussian clusters with a known
//     fraction of flipped labels, whose self-influence finds them.
//
// The BIF's sampler schedule comes from the curvature range of the
// posterior's potential (docs/theory.md §2.7): ε = c/k_max with k_max = nβ
// λ_max(H) + γ and k_min = γ (the flat directions are held by the
// localization alone), burn-in and thinning in relaxation times τ = 2/(ε γ).
package experiment
