// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

// The models satisfy the sampler's contract structurally; none needs a
// Replicator (they hold no mutable scratch memory).
var (
	_ susc.Model       = (*toy.GaussianMean)(nil)
	_ susc.PointLosser = (*toy.GaussianMean)(nil)
	_ susc.Model       = (*toy.LinearRegression)(nil)
	_ susc.PointLosser = (*toy.LinearRegression)(nil)
	_ susc.Model       = toy.Polynomial{}
	_ susc.PointLosser = toy.Polynomial{}
	_ susc.Model       = toy.Monomial{}
	_ susc.PointLosser = toy.Monomial{}
	_ susc.Model       = (*toy.NormalCrossing)(nil)
	_ susc.PointLosser = (*toy.NormalCrossing)(nil)
	_ susc.Model       = (*toy.ReducedRank)(nil)
	_ susc.PointLosser = (*toy.ReducedRank)(nil)

	_ toy.LossGrader = susc.Model(nil)
)
