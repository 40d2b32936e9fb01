package csvio

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
)

// WriteMatrix writes m as CSV with a header row of column labels and a
// first column of row labels (labels may be nil: indices are used).
func WriteMatrix(w io.Writer, rows, cols []string, m mat.Matrix) error {
	r, c := m.Dims()
	if rows != nil && len(rows) != r || cols != nil && len(cols) != c {
		return fmt.Errorf("csvio: %d×%d matrix with %d row and %d column labels", r, c, len(rows), len(cols))
	}
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

// ReadMatrix reads what WriteMatrix writes. A file that does not end with a
// newline (cut short) is an error.
func ReadMatrix(r io.Reader) (rows, cols []string, m *mat.Dense, err error) {
	recs, err := readCSV(r, "matrix")
	if err != nil {
		return nil, nil, nil, err
	}
	if len(recs) < 2 || len(recs[0]) < 2 {
		return nil, nil, nil, fmt.Errorf("csvio: matrix CSV has no data")
	}
	cols = recs[0][1:]
	m = mat.NewDense(len(recs)-1, len(cols), nil)
	for i, rec := range recs[1:] {
		rows = append(rows, rec[0])
		for k, s := range rec[1:] {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("csvio: matrix CSV row %d: %v", i+1, err)
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
// newline, as every file the writers make does. The csv reader itself
// refuses records of unequal length.
func readCSV(r io.Reader, what string) ([][]string, error) {
	lb := &lastByte{r: r}
	recs, err := csv.NewReader(lb).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("csvio: %s CSV: %w", what, err)
	}
	if lb.n > 0 && lb.last != '\n' {
		return nil, fmt.Errorf("csvio: %s CSV does not end with a newline: the file was cut short", what)
	}
	return recs, nil
}

// WriteTrace writes every kept draw of r (susc.Run.KeepTrace) as one row:
// chain, draw, then one column per coordinate of the draw vector, labelled
// like susc.Result.Labels.
func WriteTrace(w io.Writer, r *susc.Result) error {
	cw := csv.NewWriter(w)
	head := []string{"chain", "draw"}
	for _, o := range r.Observables {
		l, err := r.Labels(o.Name)
		if err != nil {
			return err
		}
		head = append(head, l...)
	}
	if len(head)-2 != r.DrawDim {
		return fmt.Errorf("csvio: the observables label %d coordinates, the draw vector has %d", len(head)-2, r.DrawDim)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	for c, ch := range r.Chains {
		if ch.Draws > 0 && len(ch.Trace) == 0 {
			return fmt.Errorf("csvio: no trace kept; set Run.KeepTrace")
		}
		if r.DrawDim < 1 || len(ch.Trace)/r.DrawDim < ch.Draws {
			return fmt.Errorf("csvio: chain %d has a trace of %d values for %d draws of %d", c, len(ch.Trace), ch.Draws, r.DrawDim)
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

// Trace is a trace read back from CSV: Values[c][k] is the draw vector of
// draw k of chain c, with column labels Labels.
type Trace struct {
	Labels []string
	Values [][][]float64
}

// ReadTrace reads what WriteTrace writes. A file that does not end with a
// newline (cut short, perhaps inside its last number) is an error, and so
// are chains or draws out of order.
func ReadTrace(r io.Reader) (*Trace, error) {
	recs, err := readCSV(r, "trace")
	if err != nil {
		return nil, err
	}
	if len(recs) < 1 || len(recs[0]) < 3 || recs[0][0] != "chain" || recs[0][1] != "draw" {
		return nil, fmt.Errorf("csvio: not a trace CSV (want header chain,draw,...)")
	}
	t := &Trace{Labels: recs[0][2:]}
	for i, rec := range recs[1:] {
		c, err1 := strconv.Atoi(rec[0])
		k, err2 := strconv.Atoi(rec[1])
		if err1 != nil || err2 != nil || c < len(t.Values)-1 || c > len(t.Values) || (c == len(t.Values)-1 && k != len(t.Values[c])) || (c == len(t.Values) && k != 0) {
			return nil, fmt.Errorf("csvio: trace CSV line %d: chain/draw out of order", i+2)
		}
		if c == len(t.Values) {
			t.Values = append(t.Values, nil)
		}
		row := make([]float64, len(t.Labels))
		for j, s := range rec[2:] {
			if row[j], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("csvio: trace CSV line %d: %v", i+2, err)
			}
		}
		t.Values[c] = append(t.Values[c], row)
	}
	return t, nil
}
