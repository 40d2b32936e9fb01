package susc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"susclab/internal/jsonx"

	"gonum.org/v1/gonum/mat"
)

// Results are written as JSON so that they can be analysed elsewhere (CSV is
// package csvio). NaN and ±Inf (a standard error from a single chain, say)
// are written as the strings "NaN", "+Inf" and "-Inf"; the readers accept
// them back.

type jsonEstimate struct {
	Value jsonx.Float `json:"value"`
	SE    jsonx.Float `json:"se"`
}

// MarshalJSON writes {"value": v, "se": s}.
func (e Estimate) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonEstimate{jsonx.Float(e.Value), jsonx.Float(e.SE)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Estimate) UnmarshalJSON(b []byte) error {
	var j jsonEstimate
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Estimate{float64(j.Value), float64(j.SE)}
	return nil
}

type jsonSusceptibility struct {
	Observable   string   `json:"observable"`
	Perturbation string   `json:"perturbation"`
	NBeta        float64  `json:"nbeta"`
	Cov          Estimate `json:"cov"`      // C = Cov(φ, ΔL)
	Chi          Estimate `json:"chi"`      // χ = -C (derived, ignored when read)
	Response     Estimate `json:"response"` // J = -nβ C (derived, ignored when read)
}

// MarshalJSON writes the covariance and, for readers elsewhere, the derived
// χ and J with their names.
func (s Susceptibility) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonSusceptibility{s.Observable, s.Perturbation, s.NBeta, s.Cov, s.Chi(), s.Response()})
}

// UnmarshalJSON reads what MarshalJSON writes (χ and J are recomputed).
func (s *Susceptibility) UnmarshalJSON(b []byte) error {
	var j jsonSusceptibility
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Susceptibility{Observable: j.Observable, Perturbation: j.Perturbation, NBeta: j.NBeta, Cov: j.Cov}
	return nil
}

type jsonSuscMatrix struct {
	NBeta float64      `json:"nbeta"`
	Cov   jsonx.Matrix `json:"cov"`
	CovSE jsonx.Matrix `json:"cov_se"`
}

// MarshalJSON writes the labelled covariance matrix and its standard errors.
func (s *SusceptibilityMatrix) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonSuscMatrix{s.NBeta, jsonx.FromMatrix(s.Rows, s.Cols, s.Cov), jsonx.FromMatrix(nil, nil, s.CovSE)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *SusceptibilityMatrix) UnmarshalJSON(b []byte) error {
	var j jsonSuscMatrix
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Cov.Rows == nil || j.Cov.Cols == nil {
		return errors.New("susc: susceptibility matrix JSON without row or column labels")
	}
	cov, err := j.Cov.Dense()
	if err != nil {
		return fmt.Errorf("susc: cov: %w", err)
	}
	se, err := j.CovSE.Dense()
	if err != nil {
		return fmt.Errorf("susc: cov_se: %w", err)
	}
	if err := jsonx.SameShape("susc: cov_se", cov, se); err != nil {
		return err
	}
	*s = SusceptibilityMatrix{NBeta: j.NBeta, Rows: j.Cov.Rows, Cols: j.Cov.Cols, Cov: cov, CovSE: se}
	return nil
}

type jsonSampleMatrix struct {
	Kind    string       `json:"kind"`
	Samples []int        `json:"samples"`
	Value   jsonx.Matrix `json:"value"`
	SE      jsonx.Matrix `json:"se"`
}

func marshalSampleMatrix(kind string, samples []int, v, se *mat.SymDense) ([]byte, error) {
	return json.Marshal(jsonSampleMatrix{kind, samples, jsonx.FromMatrix(nil, nil, v), jsonx.FromMatrix(nil, nil, se)})
}

func unmarshalSampleMatrix(b []byte, kind string) ([]int, *mat.SymDense, *mat.SymDense, error) {
	var j jsonSampleMatrix
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, nil, nil, err
	}
	if j.Kind != kind {
		return nil, nil, nil, fmt.Errorf("susc: JSON holds %q, not %q", j.Kind, kind)
	}
	v, err := j.Value.Sym()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("susc: %s value: %w", kind, err)
	}
	se, err := j.SE.Sym()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("susc: %s se: %w", kind, err)
	}
	if err := jsonx.SameShape("susc: "+kind+" se", v, se); err != nil {
		return nil, nil, nil, err
	}
	if n := v.SymmetricDim(); len(j.Samples) != n {
		return nil, nil, nil, fmt.Errorf("susc: %s has %d samples for a %d×%d matrix", kind, len(j.Samples), n, n)
	}
	return j.Samples, v, se, nil
}

const (
	kindInfluence   = "influence: -Cov(l_i, l_j)"
	kindCorrelation = "correlation: +Corr(l_i, l_j)"
)

// MarshalJSON writes the matrix with a "kind" field naming its sign convention.
func (m *InfluenceMatrix) MarshalJSON() ([]byte, error) {
	return marshalSampleMatrix(kindInfluence, m.Samples, m.Value, m.SE)
}

// UnmarshalJSON reads what MarshalJSON writes and refuses a correlation matrix.
func (m *InfluenceMatrix) UnmarshalJSON(b []byte) (err error) {
	m.Samples, m.Value, m.SE, err = unmarshalSampleMatrix(b, kindInfluence)
	return err
}

// MarshalJSON writes the matrix with a "kind" field naming its sign convention.
func (m *LossCorrelation) MarshalJSON() ([]byte, error) {
	return marshalSampleMatrix(kindCorrelation, m.Samples, m.Value, m.SE)
}

// UnmarshalJSON reads what MarshalJSON writes and refuses an influence matrix.
func (m *LossCorrelation) UnmarshalJSON(b []byte) (err error) {
	m.Samples, m.Value, m.SE, err = unmarshalSampleMatrix(b, kindCorrelation)
	return err
}

type jsonLLC struct {
	NBeta    float64       `json:"nbeta"`
	PerChain []jsonx.Float `json:"per_chain"`
	Mean     jsonx.Float   `json:"mean"`
	SE       jsonx.Float   `json:"se"`
	Std      jsonx.Float   `json:"std"`
	Used     int           `json:"used"`
	Excluded int           `json:"excluded"`
}

// MarshalJSON writes the LLC with NaN-safe numbers.
func (l LLC) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonLLC{NBeta: l.NBeta, PerChain: jsonx.Floats(l.PerChain), Mean: jsonx.Float(l.Mean),
		SE: jsonx.Float(l.SE), Std: jsonx.Float(l.Std), Used: l.Used, Excluded: l.Excluded})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (l *LLC) UnmarshalJSON(b []byte) error {
	var j jsonLLC
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*l = LLC{NBeta: j.NBeta, PerChain: jsonx.Plain(j.PerChain), Mean: float64(j.Mean), SE: float64(j.SE),
		Std: float64(j.Std), Used: j.Used, Excluded: j.Excluded}
	return nil
}

// WriteJSON writes v (a Result, an estimate or a matrix of this package) as
// indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(v)
}

// ReadJSON reads JSON written by WriteJSON into v (a pointer).
func ReadJSON(r io.Reader, v any) error {
	return json.NewDecoder(r).Decode(v)
}
