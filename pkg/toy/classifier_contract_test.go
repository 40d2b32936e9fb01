// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// The classifier satisfies the sampler's contract structurally and, holding
// scratch memory, returns its own type from Replicate.
var (
	_ susc.Model                               = (*toy.Classifier)(nil)
	_ susc.PointLosser                         = (*toy.Classifier)(nil)
	_ interface{ Replicate() *toy.Classifier } = (*toy.Classifier)(nil)
)
