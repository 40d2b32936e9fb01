// Package health reads a susc.Result for signs that its chains cannot be
// trusted, and names what went wrong (docs/theory.md §8.7).
//
// Check returns a Report: per chain the traces worth looking at (the loss,
// the distance ||w - w*|| from the centre, the norms of the drift, the
// localization and the noise of each draw's step, recorded by the driver at
// draws; the MALA acceptance), per observable the worst R̂ and ESS, and six
// verdicts, each with the statistic that decides it and a fixed threshold:
//
//	diverged                  chains stopped by a non-finite loss      > 0
//	not localized             E||w-w*||², second half / first half     > MaxDistanceGrowth = 1.5 (and > 3 SE)
//	loss below L(w*)          λ̂ = nβ(E[L_n] - L(w*))                  < -3 SE
//	step too large            lowest mean MALA acceptance               < MinMALA = 0.9
//	                          or step bias b̂ = E[D²]/E[N²] (SGLD)       > MaxStepBias = 0.05
//	chains disagree           largest R̂ over the draw vector           > MaxRHat = 1.01
//	too few effective draws   ESS of a coordinate                       < 1/RelSE² (and the LLC's need)
//
// The statistic of the step bias is, for SGLD, the mean over directions of
// the relative variance bias εk/4 (by E||∇U||² = E[ΔU] under the target),
// and for SGNHT (a/2)(1 + E[D²]/E[N²]). A verdict whose statistic needs
// what the run did not keep (Run.KeepTrace for the distance and ESS,
// Run.MALA) is reported as not evaluated. viz.Health draws a Report.
package health
