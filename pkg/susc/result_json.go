package susc

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"susclab/internal/jsonx"
)

// A Result and its Moments are written with every float NaN-safe
// (docs/theory.md §8.5): NaN and ±Inf as the strings "NaN", "+Inf", "-Inf". A
// Moments keeps the upper triangle of M (the lower one is never used) and, for
// a block accumulator, its shift and mean deviation, so that a Result read
// back gives bit-identical estimates. Readers check every shape against the
// Result's own layout and report an inconsistent file as an error, before any
// estimator can trip over it.

type jsonMoments struct {
	N     int           `json:"n"`
	Mean  []jsonx.Float `json:"mean"`
	Upper []jsonx.Float `json:"m_upper"` // M_ij for j ≥ i, row by row
	Shift []jsonx.Float `json:"shift,omitempty"`
	YM    []jsonx.Float `json:"shift_mean,omitempty"`
}

// MarshalJSON writes N, the mean and the upper triangle of M (flushed).
func (m *Moments) MarshalJSON() ([]byte, error) {
	m.Flush()
	d := len(m.Mean)
	j := jsonMoments{N: m.N, Mean: jsonx.Floats(m.Mean), Upper: make([]jsonx.Float, 0, d*(d+1)/2)}
	for i := range d {
		for _, v := range m.M[i*d+i : i*d+d] {
			j.Upper = append(j.Upper, jsonx.Float(v))
		}
	}
	if m.buf != nil {
		j.Shift, j.YM = jsonx.Floats(m.shift), jsonx.Floats(m.ym)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *Moments) UnmarshalJSON(b []byte) error {
	var j jsonMoments
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	d := len(j.Mean)
	switch {
	case j.N < 0:
		return fmt.Errorf("susc: moments with %d draws", j.N)
	case len(j.Upper) != d*(d+1)/2:
		return fmt.Errorf("susc: moments of dimension %d with %d co-moments, want %d", d, len(j.Upper), d*(d+1)/2)
	case j.Shift != nil && (len(j.Shift) != d || len(j.YM) != d):
		return fmt.Errorf("susc: moments of dimension %d with a shift of %d and %d", d, len(j.Shift), len(j.YM))
	}
	*m = *NewMoments(d)
	m.N = j.N
	copy(m.Mean, jsonx.Plain(j.Mean))
	k := 0
	for i := range d {
		for jj := i; jj < d; jj++ {
			m.M[i*d+jj] = float64(j.Upper[k])
			k++
		}
	}
	if j.Shift != nil && d >= blockMinDim {
		m.initBlock()
		copy(m.shift, jsonx.Plain(j.Shift))
		copy(m.ym, jsonx.Plain(j.YM))
	}
	return nil
}

type jsonChain struct {
	Draws     int           `json:"draws"`
	Steps     int           `json:"steps"`
	Units     []*Moments    `json:"units"`
	Trace     []jsonx.Float `json:"trace,omitempty"`
	MALASum   jsonx.Float   `json:"mala_sum"`
	MALACount int           `json:"mala_count"`
	MALATrace []jsonx.Float `json:"mala_trace,omitempty"`
	Diverged  bool          `json:"diverged,omitempty"`
	Err       string        `json:"err,omitempty"`

	DistTrace         []jsonx.Float   `json:"dist_trace,omitempty"`
	DriftTrace        []jsonx.Float   `json:"drift_trace,omitempty"`
	LocalizationTrace []jsonx.Float   `json:"localization_trace,omitempty"`
	NoiseTrace        []jsonx.Float   `json:"noise_trace,omitempty"`
	DistSq            jsonx.Float     `json:"dist_sq"`
	DriftSq           jsonx.Float     `json:"drift_sq,omitempty"`
	LocalizationSq    jsonx.Float     `json:"localization_sq,omitempty"`
	NoiseSq           jsonx.Float     `json:"noise_sq,omitempty"`
	PointMean         [][]jsonx.Float `json:"point_mean,omitempty"`
	PointM2           [][]jsonx.Float `json:"point_m2,omitempty"`
	PointLogMeanExp   [][]jsonx.Float `json:"point_log_mean_exp,omitempty"`
}

func floatsRows(xs [][]float64) [][]jsonx.Float {
	if xs == nil {
		return nil
	}
	out := make([][]jsonx.Float, len(xs))
	for i, x := range xs {
		out[i] = jsonx.Floats(x)
	}
	return out
}

func plainRows(xs [][]jsonx.Float) [][]float64 {
	if xs == nil {
		return nil
	}
	out := make([][]float64, len(xs))
	for i, x := range xs {
		out[i] = jsonx.Plain(x)
	}
	return out
}

type jsonResult struct {
	NBeta           jsonx.Float      `json:"nbeta"`
	Gamma           jsonx.Float      `json:"gamma"`
	PriorOnly       bool             `json:"prior_only,omitempty"`
	WeightDecay     jsonx.Float      `json:"weight_decay,omitempty"`
	ModelDim        int              `json:"model_dim"`
	NumData         int              `json:"num_data"`
	Center          []jsonx.Float    `json:"center"`
	LossAtCenter    jsonx.Float      `json:"loss_at_center"`
	DrawDim         int              `json:"draw_dim"`
	Observables     []ObservableInfo `json:"observables"`
	Kernel          KernelSettings   `json:"kernel"`
	Settings        Settings         `json:"settings"`
	Chains          []jsonChain      `json:"chains"`
	IncludeDiverged bool             `json:"include_diverged,omitempty"`
}

// MarshalJSON writes the Result with NaN-safe numbers.
func (r *Result) MarshalJSON() ([]byte, error) {
	j := jsonResult{NBeta: jsonx.Float(r.NBeta), Gamma: jsonx.Float(r.Gamma), PriorOnly: r.PriorOnly, WeightDecay: jsonx.Float(r.WeightDecay),
		ModelDim: r.ModelDim, NumData: r.NumData, Center: jsonx.Floats(r.Center),
		LossAtCenter: jsonx.Float(r.LossAtCenter), DrawDim: r.DrawDim, Observables: r.Observables,
		Kernel: r.Kernel, Settings: r.Settings, IncludeDiverged: r.IncludeDiverged}
	for _, c := range r.Chains {
		j.Chains = append(j.Chains, jsonChain{Draws: c.Draws, Steps: c.Steps, Units: c.Units,
			Trace: jsonx.Floats(c.Trace), MALASum: jsonx.Float(c.MALASum), MALACount: c.MALACount,
			MALATrace: jsonx.Floats(c.MALATrace), Diverged: c.Diverged, Err: c.Err,
			DistTrace: jsonx.Floats(c.DistTrace), DriftTrace: jsonx.Floats(c.DriftTrace),
			LocalizationTrace: jsonx.Floats(c.LocalizationTrace), NoiseTrace: jsonx.Floats(c.NoiseTrace),
			DistSq: jsonx.Float(c.DistSq), DriftSq: jsonx.Float(c.DriftSq), LocalizationSq: jsonx.Float(c.LocalizationSq),
			NoiseSq: jsonx.Float(c.NoiseSq), PointMean: floatsRows(c.PointMean), PointM2: floatsRows(c.PointM2),
			PointLogMeanExp: floatsRows(c.PointLogMeanExp)})
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes and checks that the layout, the
// settings and every chain agree with one another.
func (r *Result) UnmarshalJSON(b []byte) error {
	var j jsonResult
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Result{NBeta: float64(j.NBeta), Gamma: float64(j.Gamma), PriorOnly: j.PriorOnly, WeightDecay: float64(j.WeightDecay),
		ModelDim: j.ModelDim, NumData: j.NumData, Center: jsonx.Plain(j.Center),
		LossAtCenter: float64(j.LossAtCenter), DrawDim: j.DrawDim, Observables: j.Observables,
		Kernel: j.Kernel, Settings: j.Settings, IncludeDiverged: j.IncludeDiverged}
	for _, c := range j.Chains {
		r.Chains = append(r.Chains, Chain{Draws: c.Draws, Steps: c.Steps, Units: c.Units,
			Trace: jsonx.Plain(c.Trace), MALASum: float64(c.MALASum), MALACount: c.MALACount,
			MALATrace: jsonx.Plain(c.MALATrace), Diverged: c.Diverged, Err: c.Err,
			DistTrace: jsonx.Plain(c.DistTrace), DriftTrace: jsonx.Plain(c.DriftTrace),
			LocalizationTrace: jsonx.Plain(c.LocalizationTrace), NoiseTrace: jsonx.Plain(c.NoiseTrace),
			DistSq: float64(c.DistSq), DriftSq: float64(c.DriftSq), LocalizationSq: float64(c.LocalizationSq),
			NoiseSq: float64(c.NoiseSq), PointMean: plainRows(c.PointMean), PointM2: plainRows(c.PointM2),
			PointLogMeanExp: plainRows(c.PointLogMeanExp)})
	}
	if err := r.check(); err != nil {
		*r = Result{}
		return err
	}
	return nil
}

// check reports the first inconsistency of a Result read from a file.
func (r *Result) check() error {
	s := r.Settings
	switch {
	case r.ModelDim < 1 || len(r.Center) != r.ModelDim:
		return fmt.Errorf("susc: result: model dimension %d, centre of length %d", r.ModelDim, len(r.Center))
	case !(r.NBeta >= 0) || math.IsInf(r.NBeta, 0) || !(r.Gamma >= 0) || math.IsInf(r.Gamma, 0) || !(r.WeightDecay >= 0) || math.IsInf(r.WeightDecay, 0):
		return fmt.Errorf("susc: result: nβ = %v, γ = %v, δ = %v; want finite values ≥ 0", r.NBeta, r.Gamma, r.WeightDecay)
	case r.DrawDim < 1:
		return fmt.Errorf("susc: result: draw dimension %d", r.DrawDim)
	case len(r.Observables) == 0 || r.Observables[0].Name != LossName || r.Observables[0].Offset != 0 || r.Observables[0].Dim != 1:
		return errors.New(`susc: result: the first observable must be "loss" at offset 0`)
	case s.Chains < 1 || len(r.Chains) != s.Chains:
		return fmt.Errorf("susc: result: %d chains, settings say %d", len(r.Chains), s.Chains)
	case s.Batches < 1 || s.Draws < 1 || s.Thin < 1:
		return fmt.Errorf("susc: result: settings %+v", s)
	}
	off := 0
	names := map[string]bool{}
	for _, o := range r.Observables {
		switch {
		case o.Offset != off || o.Dim < 1 || o.Dim > r.DrawDim-off: // bounded: no sum can wrap around
			return fmt.Errorf("susc: result: observable %q at offset %d with dimension %d, want offset %d", o.Name, o.Offset, o.Dim, off)
		case names[o.Name]:
			return fmt.Errorf("susc: result: observable %q twice", o.Name)
		case o.Samples != nil && len(o.Samples) != o.Dim:
			return fmt.Errorf("susc: result: observable %q has %d samples for dimension %d", o.Name, len(o.Samples), o.Dim)
		}
		names[o.Name] = true
		off += o.Dim
	}
	if off != r.DrawDim {
		return fmt.Errorf("susc: result: observables span %d coordinates, draw dimension %d", off, r.DrawDim)
	}
	for c, ch := range r.Chains {
		n := 0
		if len(ch.Units) != s.Batches {
			return fmt.Errorf("susc: result: chain %d has %d units, settings say %d batches", c, len(ch.Units), s.Batches)
		}
		for u, m := range ch.Units {
			if m == nil || len(m.Mean) != r.DrawDim || m.N > s.Draws {
				return fmt.Errorf("susc: result: chain %d unit %d missing, of the wrong dimension or with more draws than the run", c, u)
			}
			n += m.N // each ≤ Draws: the sum cannot overflow
		}
		switch {
		case ch.Draws < 0 || ch.Draws > s.Draws || n != ch.Draws:
			return fmt.Errorf("susc: result: chain %d has %d draws, its units %d (at most %d)", c, ch.Draws, n, s.Draws)
		case ch.Trace != nil && (len(ch.Trace)%r.DrawDim != 0 || len(ch.Trace)/r.DrawDim != ch.Draws): // no product: it could overflow
			return fmt.Errorf("susc: result: chain %d trace of %d values for %d draws of %d", c, len(ch.Trace), ch.Draws, r.DrawDim)
		case ch.MALATrace != nil && len(ch.MALATrace) != ch.MALACount:
			return fmt.Errorf("susc: result: chain %d MALA trace of %d values for %d draws", c, len(ch.MALATrace), ch.MALACount)
		}
		if err := ch.checkRecords(c, r.NumData, s.Batches); err != nil {
			return err
		}
	}
	return nil
}

// checkRecords checks the per-draw records of chain c (docs/theory.md §8.7)
// and its per-sample statistics (docs/theory.md §8.6) against its draws,
// the number of samples n and of units.
func (ch *Chain) checkRecords(c, n, units int) error {
	names := []string{"distance", "drift", "localization", "noise"}
	for k, t := range [][]float64{ch.DistTrace, ch.DriftTrace, ch.LocalizationTrace, ch.NoiseTrace} {
		name := names[k]
		if t != nil && len(t) != ch.Draws {
			return fmt.Errorf("susc: result: chain %d %s trace of %d values for %d draws", c, name, len(t), ch.Draws)
		}
		for _, v := range t {
			if !(v >= 0) {
				return fmt.Errorf("susc: result: chain %d %s trace holds %v, want norms ≥ 0", c, name, v)
			}
		}
	}
	if (ch.DriftTrace == nil) != (ch.NoiseTrace == nil) || (ch.DriftTrace == nil) != (ch.LocalizationTrace == nil) {
		return fmt.Errorf("susc: result: chain %d has some of the drift, localization and noise traces but not all", c)
	}
	for k, v := range []float64{ch.DistSq, ch.DriftSq, ch.LocalizationSq, ch.NoiseSq} {
		if !(v >= 0) {
			return fmt.Errorf("susc: result: chain %d sum of squared %s %v, want ≥ 0", c, names[k], v)
		}
	}
	if ch.PointMean == nil && ch.PointM2 == nil && ch.PointLogMeanExp == nil {
		return nil
	}
	for k, p := range [][][]float64{ch.PointMean, ch.PointM2, ch.PointLogMeanExp} {
		name := []string{"means", "squared deviations", "log-mean-exps"}[k]
		if len(p) != units {
			return fmt.Errorf("susc: result: chain %d per-sample %s for %d units, want %d", c, name, len(p), units)
		}
		for u, row := range p {
			if len(row) != n {
				return fmt.Errorf("susc: result: chain %d unit %d per-sample %s of %d samples, want %d", c, u, name, len(row), n)
			}
		}
	}
	for u, row := range ch.PointM2 {
		empty := ch.Units[u].N == 0
		for i, v := range row {
			if empty {
				continue // NaN for a unit without draws
			}
			if !(v >= 0) || !finite(ch.PointMean[u][i]) || math.IsNaN(ch.PointLogMeanExp[u][i]) {
				return fmt.Errorf("susc: result: chain %d unit %d sample %d: mean %v, squared deviations %v, log-mean-exp %v",
					c, u, i, ch.PointMean[u][i], v, ch.PointLogMeanExp[u][i])
			}
		}
	}
	return nil
}
