// Package structure estimates structural susceptibilities: how each component
// of a model (a neuron, a head, a layer: a mask over the parameters) responds
// to each data pattern (docs/theory.md §5).
//
// A component C is a set of parameters; its structural observable φ_C = δ(u -
// u*)[L(w) - L(w*)] freezes everything outside C at w*. It takes two chains: a
// restricted chain that moves only C (the kernel masked to C) and the
// unrestricted ("full") chain. With X a perturbation loss (ΔL = L' - L for a
// probe distribution, or a single sample's loss minus L,
// susc.SampleLossDeltas), Column computes (docs/theory.md §5.2)
//
//	χ̂_C(X) = -{ E_C[(L - L*) X] - E_C[L - L*] · E_full[X] }
//
// which converges to (Z/Z_C) χ_C: a per-component factor that does not depend
// on X. Raw columns of different components are therefore NOT comparable:
// Standardize (column z-scores, docs/theory.md §5.3) before comparing; after
// it, negative means the component expresses the pattern. Because φ_C has zero
// gradient at w*, structural susceptibilities are O(1/(nβ)²)
// (docs/theory.md §5.6).
//
// Sample runs the full chain and one restricted chain per Component and
// returns the Matrix (rows: patterns, columns: components). SVDModes pairs
// data patterns (U) with circuits of components (V) (docs/theory.md §5.4). The
// nβ = 0 control is the same computation with susc.Posterior{PriorOnly: true}.
// With per-sample rows, ScaleColumns, NormalizeRows, ProjectRows and KMeans
// cluster samples by direction, scored by Purity and AdjustedRand
// (ClusterByDirection runs the whole pipeline, docs/theory.md §5.5).
package structure
