// Copyright ©2026 The susclab Authors.

package trajectory

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// csvHeader is the first line of WriteCSV's table.
var csvHeader = []string{"step", "estimate", "entry", "value", "se"}

// Row is one line of the CSV table: an estimate (or one entry of a
// matrix-valued estimate) at one checkpoint.
type Row struct {
	Step      int
	Estimate  string // "train_loss", "loss_at_center", "grad_norm", "llc", "below", "dist2", "partial", or an Entries name
	Entry     string // the entry's label ("" for a scalar)
	Value, SE float64
}

// Rows lists every estimate of t, point by point: the scalars (training
// loss, L_n(w*) and the gradient's norm with SE 0, the LLC, Below, Dist2, and
// "partial" = 1 for a partial point), then every entry of each
// susceptibility matrix (as J), BIF, influence matrix and structural matrix.
func (t *Trajectory) Rows() ([]Row, error) {
	var ents []Entries
	for i := range t.Susceptibilities {
		e, err := t.Response(i)
		if err != nil {
			return nil, err
		}
		ents = append(ents, e)
	}
	for i := range t.BIFs {
		e, err := t.BIF(i)
		if err != nil {
			return nil, err
		}
		ents = append(ents, e)
	}
	if t.InfluenceLosses != "" {
		e, err := t.Influence()
		if err != nil {
			return nil, err
		}
		ents = append(ents, e)
	}
	if len(t.Components) > 0 {
		e, err := t.Structure()
		if err != nil {
			return nil, err
		}
		ents = append(ents, e)
	}
	var rows []Row
	for k, p := range t.Points {
		partial := 0.0
		if p.Partial {
			partial = 1
		}
		rows = append(rows,
			Row{p.Step, "train_loss", "", p.TrainLoss, 0},
			Row{p.Step, "loss_at_center", "", p.LossAtCenter, 0},
			Row{p.Step, "grad_norm", "", p.GradNorm, 0},
			Row{p.Step, "llc", "", p.LLC.Mean, p.LLC.SE},
			Row{p.Step, "below", "", p.Below.Value, p.Below.SE},
			Row{p.Step, "dist2", "", p.Dist2.Value, p.Dist2.SE},
			Row{p.Step, "partial", "", partial, 0})
		for _, e := range ents {
			for i, l := range e.Labels {
				rows = append(rows, Row{p.Step, e.Name, l, e.Value[i][k], e.SE[i][k]})
			}
		}
	}
	return rows, nil
}

// WriteCSV writes t as one tidy table with the header
// step,estimate,entry,value,se (see Rows); NaN and ±Inf are written as
// "NaN", "+Inf", "-Inf".
func WriteCSV(w io.Writer, t *Trajectory) error {
	rows, err := t.Rows()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range rows {
		if err := cw.Write([]string{strconv.Itoa(r.Step), r.Estimate, r.Entry, f(r.Value), f(r.SE)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads a table written by WriteCSV: the header must match, every
// line must have five fields, a step that is a non-negative integer, steps
// that never decrease, and numbers (NaN and ±Inf allowed).
func ReadCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(csvHeader)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("trajectory: CSV header: %w", err)
	}
	if !slices.Equal(head, csvHeader) {
		return nil, fmt.Errorf("trajectory: CSV header %q, want %q", head, csvHeader)
	}
	var rows []Row
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("trajectory: CSV: %w", err)
		}
		step, err := strconv.Atoi(rec[0])
		if err != nil || step < 0 {
			return nil, fmt.Errorf("trajectory: CSV line %d: step %q is not a non-negative integer", line, rec[0])
		}
		if len(rows) > 0 && step < rows[len(rows)-1].Step {
			return nil, fmt.Errorf("trajectory: CSV line %d: step %d after step %d", line, step, rows[len(rows)-1].Step)
		}
		v, err1 := strconv.ParseFloat(rec[3], 64)
		se, err2 := strconv.ParseFloat(rec[4], 64)
		if err1 != nil && !isRange(err1) || err2 != nil && !isRange(err2) {
			return nil, fmt.Errorf("trajectory: CSV line %d: value %q or SE %q is not a number", line, rec[3], rec[4])
		}
		if rec[1] == "" {
			return nil, fmt.Errorf("trajectory: CSV line %d: no estimate name", line)
		}
		rows = append(rows, Row{Step: step, Estimate: rec[1], Entry: rec[2], Value: v, SE: se})
	}
}

// isRange reports a number too large for float64 (parsed as ±Inf).
func isRange(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange)
}
