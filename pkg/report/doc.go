// Package report reads results for a person: the numbers a notebook or a
// table states about a structural matrix, its modes or a patterning sweep
// (median |z|, most-negative counts, mode overlaps, sweep lines and bands),
// and the mean and proportion estimates over independent seeds. It holds no
// estimator: those are in susc and its structure and pattern packages.
package report
