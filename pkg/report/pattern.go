package report

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/pattern"
	"susclab/pkg/susc/structure"
)

// Reading a patterning experiment (docs/theory.md §6.2): which singular directions
// of J a target needs, and how a closed-loop sweep compares realized with
// predicted changes, coordinate by coordinate.

// TargetOverlap writes into dst (nil allocates) the cosines
//
//	c_m = u_mᵀ dμ / ||dμ||,   m = 0..len(m.S)-1,
//
// between the target dμ and the left singular vectors u_m of the response
// matrix whose modes are m (structure.SVDModes(J)), and returns it. SVDModes keeps
// min(rows, cols) modes, including those with s_m = 0 (or zero up to
// rounding), whose u_m lie outside the range of J; the identities of the
// pseudo-inverse hold over the modes with s_m > 0 only (the first
// Design.Rank modes of pattern.Solve with its default cut-off and
// Damping = 0): there Σ_{s_m>0} c_m² is the squared fraction of dμ inside
// the range of J (Design.InRange²) and
//
//	J⁺ dμ = Σ_{s_m>0} (c_m ||dμ|| / s_m) v_m,
//
// so a target carried by modes with small singular values s_m needs dh
// amplified by 1/s_m. Signs follow the sign convention of the modes. It
// panics if len(target) is not the number of rows of m.U or if dμ = 0.
func TargetOverlap(dst []float64, m *structure.Modes, target []float64) []float64 {
	r, k := m.U.Dims()
	if len(target) != r {
		panic(fmt.Sprintf("report: TargetOverlap: target has length %d, U has %d rows", len(target), r))
	}
	norm := floats.Norm(target, 2)
	if norm == 0 {
		panic("report: TargetOverlap: zero target")
	}
	if dst == nil {
		dst = make([]float64, k)
	}
	if len(dst) != k {
		panic(fmt.Sprintf("report: TargetOverlap: len(dst) = %d, want %d", len(dst), k))
	}
	v := mat.NewVecDense(k, dst)
	v.MulVec(m.U.T(), mat.NewVecDense(r, target))
	v.ScaleVec(1/norm, v)
	return dst
}

// SweepCombined returns, for coordinate i at step s, the realized change with
// the combined standard error √(SE_r² + SE_p²) of realized and predicted:
// the estimate to compare with Predicted[s][i].Value (its z-score is ResponseSweep.Z).
func SweepCombined(sw *pattern.ResponseSweep, s, i int) susc.Estimate {
	p, q := sw.Predicted[s][i], sw.Realized[s][i]
	return susc.Estimate{Value: q.Value, SE: math.Hypot(p.SE, q.SE)}
}

// SweepBand returns coordinate i along the sweep for a chart, with t = 0 first
// (where predicted and realized changes are 0 by construction) and then the
// step sizes of T: the prediction t (J dh)_i, the band pred ∓ k·SE(pred)
// and the realized change.
func SweepBand(sw *pattern.ResponseSweep, i int, k float64) (t, pred, lo, hi, realized []float64) {
	n := len(sw.T) + 1
	t, pred, lo, hi, realized = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for s := range sw.T {
		p := sw.Predicted[s][i]
		t[s+1], pred[s+1], realized[s+1] = sw.T[s], p.Value, sw.Realized[s][i].Value
		lo[s+1], hi[s+1] = p.Value-k*p.SE, p.Value+k*p.SE
	}
	return t, pred, lo, hi, realized
}

// SweepLine returns one line of a report on coordinate i at step s: predicted
// and realized change with their standard errors, realized/predicted and
// the z-score of their difference (ResponseSweep.Z).
func SweepLine(sw *pattern.ResponseSweep, s, i int) string {
	p, q := sw.Predicted[s][i], sw.Realized[s][i]
	return fmt.Sprintf("predicted %+9.3g ± %-8.2g realized %+9.3g ± %-8.2g ratio %5.2f   z = %+.2f",
		p.Value, p.SE, q.Value, q.SE, sw.Ratio(s, i), sw.Z(s, i))
}
