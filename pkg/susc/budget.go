package susc

import "math"

// Budget is an SGLD schedule chosen from the curvature range of the
// posterior's potential U = nβ L + (γ/2)||w - w*||² (docs/theory.md §2.7): with kMax
// the stiffest and kMin the flattest curvature that the chains meet, the step
// ε = c/kMax keeps the unadjusted step stable (ε kMax < 4) and its relative
// bias on variances about c/4, and the slowest mode relaxes in τ = 2/(ε kMin)
// steps. Burn-in and thinning are then stated in relaxation times.
type Budget struct {
	Epsilon float64
	// Relaxation is τ = 2/(ε kMin), in steps.
	Relaxation float64
	// BurnIn and Thin are in steps (Thin ≥ 1), for Run.
	BurnIn, Thin int
}

// NewBudget returns ε = c/kMax with burn-in burnTimes·τ and thinning
// thinTimes·τ (at least 1 step). It panics unless 0 < c, 0 < kMin ≤ kMax.
func NewBudget(c, kMax, kMin, burnTimes, thinTimes float64) Budget {
	if !(c > 0) || !(kMin > 0) || !(kMax >= kMin) || math.IsInf(kMax, 0) {
		panic("susc: NewBudget needs c > 0 and 0 < kMin ≤ kMax < ∞")
	}
	eps := c / kMax
	tau := 2 / (eps * kMin)
	return Budget{Epsilon: eps, Relaxation: tau, BurnIn: int(burnTimes * tau), Thin: int(thinTimes*tau) + 1}
}
