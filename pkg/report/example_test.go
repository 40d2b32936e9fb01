package report_test

import (
	"fmt"

	"susclab/pkg/report"
)

// How often retraining found a feature, over seeds: the fraction with its
// standard error and a Wilson interval, which stays informative at 0 of n.
func ExampleProportion() {
	for _, k := range []int{0, 13, 40} {
		p, lo, hi := report.Proportion(k, 40, 1.96)
		fmt.Printf("%2d of 40: %.3f ± %.3f, 95%% interval [%.3f, %.3f]\n", k, p.Value, p.SE, lo, hi)
	}
	// Output:
	//  0 of 40: 0.000 ± 0.000, 95% interval [0.000, 0.088]
	// 13 of 40: 0.325 ± 0.074, 95% interval [0.201, 0.480]
	// 40 of 40: 1.000 ± 0.000, 95% interval [0.912, 1.000]
}
