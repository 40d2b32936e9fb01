// Package pattern designs data interventions from susceptibilities and checks
// them (docs/theory.md §6).
//
// Patterning inverts linear response: to move structural coordinates μ = <φ>
// by dμ, change the data distribution's mixture weights by
// (docs/theory.md §6.2)
//
//	dh = J⁺ dμ_target
//
// with J = ∂μ/∂h the response matrix (rows: observables, columns: probe
// patterns; susc.SusceptibilityMatrix.Response) and J⁺ its Moore–Penrose
// pseudo-inverse, regularized by rank truncation and Tikhonov damping. The
// perturbed weights must stay a probability distribution; Solve enforces that
// (scaling or projected least squares, docs/theory.md §6.3) and reports how
// much of the target is then reachable.
//
// Closing the loop (docs/theory.md §6.4): Mixture is the exact loss of q_h =
// (1 - Σh) q + Σ h_k q_k (the datasets concatenated and reweighted), so the
// perturbed posterior can be sampled; ClosedLoop sweeps t·dh and compares the
// realized shift of <φ> (MeanShift, paired standard errors) with the
// prediction t·J dh; RandomFeasible draws the control direction of the same
// norm.
package pattern
