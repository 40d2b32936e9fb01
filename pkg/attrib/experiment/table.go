// Copyright ©2026 The susclab Authors.

package experiment

import (
	"fmt"
	"math"
	"strings"

	"susclab/pkg/attrib"
)

// Table formats one line per method: its LDS and leave-one-out Pearson and
// Spearman correlations with their standard errors over queries, and its
// measured cost in seconds; a method that failed shows its error instead.
// outcomes[k] and evals[k] belong to the same method (evals[k] is unused
// when outcomes[k] failed).
func Table(outcomes []attrib.Outcome, evals []attrib.Evaluation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %-15s %-15s %-15s %s\n", "method", "LDS", "LOO Pearson", "LOO Spearman", "seconds")
	pm := func(c attrib.Correlation) string {
		if math.IsNaN(c.Value) {
			return "undefined"
		}
		return fmt.Sprintf("%.3f ± %.3f", c.Value, c.SE)
	}
	for k, o := range outcomes {
		if o.Scores == nil {
			fmt.Fprintf(&b, "%-14s %s\n", "—", o.Err)
			continue
		}
		e := evals[k]
		fmt.Fprintf(&b, "%-14s %-15s %-15s %-15s %.3g\n", o.Scores.Method, pm(e.LDS), pm(e.LOOPearson), pm(e.LOOSpearman), o.Seconds)
	}
	return b.String()
}
