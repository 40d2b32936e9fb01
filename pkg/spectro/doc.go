// Package spectro reads a language model's components by their per-token
// susceptibilities (docs/theory.md §5.7): for each probe token t and each
// component C (an attention head of package lm), the structural
// susceptibility χ̂_C(l_t) of C to upweighting t, from a restricted chain
// per component and the full chain (package structure), with the nβ = 0
// control sampled with the same Run (chains, draws and seeds).
//
// Rows of the matrix are tokens, columns components. As for any
// structural matrix, columns carry a per-component factor and are compared
// after standardization (structure.Standardize), which also removes the
// part of X = l_t that is common to every token (so X = l_t and X = l_t - L
// give the same standardized matrix). The reading tools:
//
//   - Separation: for one column, the difference of the mean over tokens
//     carrying a label (induction, delimiter, …) and the others;
//   - LabelMeans: the pattern × component matrix of means per label;
//   - Contrast: any weighted sum over tokens and heads, of which the two
//     above are cases, with a standard error that counts the chains' noise
//     shared by a column's entries (structure.Matrix.LinearSE) and the
//     tokens' own spread;
//   - Typical: the tokens nearest each cluster's centre, shown with Context
//     (the text before a token, and the token), so that a person can read
//     what a cluster is;
//   - structure.SVDModes, ProjectRows, KMeans, Purity and AdjustedRand for
//     modes, the 2-D embedding and clusters scored against the labels.
//
// Setup holds one experiment: the training data the posterior is
// conditioned on (minibatches of whole windows, Run.BatchBlock), the
// probe tokens (usually held out), w*, nβ, γ, the kernel and the run. New
// builds it, with the probe tokens' pattern labels, for a model trained
// on either corpus of package lm (Options.Corpus): the planted-induction
// corpus, where the induction tokens are known by construction, or the
// Go-source corpus, labelled by rules (lm.Corpus.Labels). cmd/lmspectro
// runs New's experiment and writes an Experiment record.
// Run.LossSubset keeps the per-draw loss cheap on a large corpus, and
// Run.BatchSeed shares the minibatch order between the restricted and full
// chains (common random numbers).
package spectro
