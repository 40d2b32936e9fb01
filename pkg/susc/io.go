package susc

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"susclab/internal/jsonx"

	"gonum.org/v1/gonum/mat"
)

// Results are written as plain CSV and JSON so that they can be analysed
// elsewhere. NaN and ±Inf (a standard error from a single chain, say) are
// written as the strings "NaN", "+Inf" and "-Inf" in JSON, and as Go's
// float formatting in CSV; the readers accept them back.

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

// WriteMatrixCSV writes m as CSV with a header row of column labels and a
// first column of row labels (labels may be nil: indices are used).
func WriteMatrixCSV(w io.Writer, rows, cols []string, m mat.Matrix) error {
	r, c := m.Dims()
	cw := csv.NewWriter(w)
	head := []string{""}
	for k := range c {
		head = append(head, labelAt(cols, k))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, c+1)
	for i := range r {
		rec[0] = labelAt(rows, i)
		for k := range c {
			rec[k+1] = strconv.FormatFloat(m.At(i, k), 'g', -1, 64)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func labelAt(l []string, i int) string {
	if l == nil {
		return strconv.Itoa(i)
	}
	return l[i]
}

// ReadMatrixCSV reads what WriteMatrixCSV writes. A file that does not end
// with a newline (cut short) is an error.
func ReadMatrixCSV(r io.Reader) (rows, cols []string, m *mat.Dense, err error) {
	recs, err := readCSV(r, "matrix")
	if err != nil {
		return nil, nil, nil, err
	}
	if len(recs) < 2 || len(recs[0]) < 2 {
		return nil, nil, nil, fmt.Errorf("susc: matrix CSV has no data")
	}
	cols = recs[0][1:]
	m = mat.NewDense(len(recs)-1, len(cols), nil)
	for i, rec := range recs[1:] {
		rows = append(rows, rec[0])
		for k, s := range rec[1:] {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("susc: matrix CSV row %d: %v", i+1, err)
			}
			m.Set(i, k, x)
		}
	}
	return rows, cols, m, nil
}

// lastByte remembers the last byte read through it.
type lastByte struct {
	r    io.Reader
	last byte
	n    int64
}

func (l *lastByte) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		l.last = p[n-1]
		l.n += int64(n)
	}
	return n, err
}

// readCSV reads every record and checks that the input ended with a
// newline, as every file the writers make does.
func readCSV(r io.Reader, what string) ([][]string, error) {
	lb := &lastByte{r: r}
	recs, err := csv.NewReader(lb).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("susc: %s CSV: %w", what, err)
	}
	if lb.n > 0 && lb.last != '\n' {
		return nil, fmt.Errorf("susc: %s CSV does not end with a newline: the file was cut short", what)
	}
	return recs, nil
}

// WriteTraceCSV writes every kept draw (Run.KeepTrace) as one row:
// chain, draw, then one column per coordinate of the draw vector, labelled
// like Labels.
func WriteTraceCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	head := []string{"chain", "draw"}
	for _, o := range r.Observables {
		for j := range o.Dim {
			head = append(head, o.label(j))
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	for c, ch := range r.Chains {
		if ch.Draws > 0 && len(ch.Trace) == 0 {
			return fmt.Errorf("susc: no trace kept; set Run.KeepTrace")
		}
		for k := range ch.Draws {
			rec[0], rec[1] = strconv.Itoa(c), strconv.Itoa(k)
			for j, x := range ch.Trace[k*r.DrawDim : (k+1)*r.DrawDim] {
				rec[j+2] = strconv.FormatFloat(x, 'g', -1, 64)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// TraceTable is a trace read back from CSV: Values[c][k] is the draw vector
// of draw k of chain c, with column labels Labels.
type TraceTable struct {
	Labels []string
	Values [][][]float64
}

// ReadTraceCSV reads what WriteTraceCSV writes. A file that does not end
// with a newline (cut short, perhaps inside its last number) is an error.
func ReadTraceCSV(r io.Reader) (*TraceTable, error) {
	recs, err := readCSV(r, "trace")
	if err != nil {
		return nil, err
	}
	if len(recs) < 1 || len(recs[0]) < 3 || recs[0][0] != "chain" || recs[0][1] != "draw" {
		return nil, fmt.Errorf("susc: not a trace CSV (want header chain,draw,...)")
	}
	t := &TraceTable{Labels: recs[0][2:]}
	for i, rec := range recs[1:] {
		c, err1 := strconv.Atoi(rec[0])
		k, err2 := strconv.Atoi(rec[1])
		if err1 != nil || err2 != nil || c < 0 || c > len(t.Values) || (c < len(t.Values) && k != len(t.Values[c])) || (c == len(t.Values) && k != 0) {
			return nil, fmt.Errorf("susc: trace CSV line %d: chain/draw out of order", i+2)
		}
		if c == len(t.Values) {
			t.Values = append(t.Values, nil)
		}
		row := make([]float64, len(t.Labels))
		for j, s := range rec[2:] {
			if row[j], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("susc: trace CSV line %d: %v", i+2, err)
			}
		}
		t.Values[c] = append(t.Values[c], row)
	}
	return t, nil
}
