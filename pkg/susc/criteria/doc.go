// Package criteria estimates Watanabe's information criteria from the draws
// of a susc.Result, each with a standard error (docs/theory.md §7.5, §8.6).
//
// Every criterion needs the negative log-likelihood of each sample, and a
// model's loss may leave out a constant: -log p(x_i | w) = l_i(w) + c. The
// estimators take c explicitly (0 when the losses are full negative
// log-likelihoods; ½ log 2π for a unit-variance Gaussian regression written
// as (y - xᵀw)²/2), like nβ it has no default.
//
// WBIC (docs/theory.md §7.5), at inverse temperature β = 1/log n, that is
// nβ = n/log n (susc.NOverLogN):
//
//	WBIC = n E_w[ L_n(w) + c ]
//
// from the built-in draw coordinate "loss". With localization (γ > 0) it is
// a local variant, the criterion of the model near w* (WBIC.Local).
//
// From the per-sample statistics of susc.Run.PointStats, at per-sample
// inverse temperature β = nβ/n (docs/theory.md §8.6):
//
//	T_n = c - (1/n) Σ_i log E_w[ exp(-l_i(w)) ]     (Bayes training loss)
//	V_n = Σ_i Var_w( l_i(w) )                       (functional variance)
//	WAIC = T_n + (β/n) V_n,    ν = (β/2) V_n         (singular fluctuation)
//
// streamed without the n × n covariance of the per-sample losses (V_n is
// minus the trace of the influence matrix). Values are computed from all
// draws of the used chains pooled (susc.Result.Used), standard errors from
// the spread of the same statistics over the units of docs/theory.md §8.1.
// For Bayesian linear regression all of them have closed forms
// (docs/theory.md §9.8; toy.LinRegPosterior.Criteria), which the tests
// compare with.
package criteria
