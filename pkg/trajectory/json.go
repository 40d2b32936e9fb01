// Copyright ©2026 The susclab Authors.

package trajectory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"susclab/internal/jsonx"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

type jsonPoint struct {
	Step             int                          `json:"step"`
	TrainLoss        jsonx.Float                  `json:"train_loss"`
	LossAtCenter     jsonx.Float                  `json:"loss_at_center"`
	GradNorm         jsonx.Float                  `json:"grad_norm"`
	LLC              susc.LLC                     `json:"llc"`
	Below            susc.Estimate                `json:"below"`
	Dist2            susc.Estimate                `json:"dist2"`
	Susceptibilities []*susc.SusceptibilityMatrix `json:"susceptibilities"`
	BIFs             [][]susc.Estimate            `json:"bifs"`
	Influence        *susc.InfluenceMatrix        `json:"influence"`
	Structure        *structure.Matrix            `json:"structure"`
	Result           *susc.Result                 `json:"result,omitempty"`
	Partial          bool                         `json:"partial,omitempty"`
	Err              string                       `json:"err,omitempty"`
}

type jsonTrajectory struct {
	Name             string              `json:"name"`
	NBeta            float64             `json:"nbeta"`
	Gamma            float64             `json:"gamma"`
	PriorOnly        bool                `json:"prior_only,omitempty"`
	Kernel           susc.KernelSettings `json:"kernel"`
	Run              susc.Settings       `json:"run"`
	Observables      []string            `json:"observables"`
	Susceptibilities []Pair              `json:"susceptibilities"`
	BIFs             []Pair              `json:"bifs"`
	Influence        string              `json:"influence,omitempty"`
	Components       []string            `json:"components,omitempty"`
	StructureX       string              `json:"structure_x,omitempty"`
	Points           []jsonPoint         `json:"points"`
}

// MarshalJSON writes the trajectory with NaN-safe numbers (NaN and ±Inf as
// the strings "NaN", "+Inf", "-Inf").
func (t *Trajectory) MarshalJSON() ([]byte, error) {
	j := jsonTrajectory{Name: t.Name, NBeta: t.NBeta, Gamma: t.Gamma, PriorOnly: t.PriorOnly, Kernel: t.Kernel, Run: t.Run,
		Observables: t.Observables, Susceptibilities: t.Susceptibilities, BIFs: t.BIFs, Influence: t.InfluenceLosses,
		Components: t.Components, StructureX: t.StructureX, Points: make([]jsonPoint, len(t.Points))}
	for k, p := range t.Points {
		j.Points[k] = jsonPoint{Step: p.Step, TrainLoss: jsonx.Float(p.TrainLoss), LossAtCenter: jsonx.Float(p.LossAtCenter),
			GradNorm: jsonx.Float(p.GradNorm), LLC: p.LLC, Below: p.Below, Dist2: p.Dist2, Susceptibilities: p.Susceptibilities, BIFs: p.BIFs,
			Influence: p.Influence, Structure: p.Structure, Result: p.Result, Partial: p.Partial, Err: p.Err}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes and checks it: steps
// increasing, one estimate per requested estimator at every point, and
// matrices of the same shape at every point, so that Series and Entries can
// read any trajectory it accepts.
func (t *Trajectory) UnmarshalJSON(b []byte) error {
	var j jsonTrajectory
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	nt := Trajectory{Name: j.Name, NBeta: j.NBeta, Gamma: j.Gamma, PriorOnly: j.PriorOnly, Kernel: j.Kernel, Run: j.Run,
		Observables: j.Observables, Susceptibilities: j.Susceptibilities, BIFs: j.BIFs, InfluenceLosses: j.Influence,
		Components: j.Components, StructureX: j.StructureX, Points: make([]Point, len(j.Points))}
	for k, p := range j.Points {
		nt.Points[k] = Point{Step: p.Step, TrainLoss: float64(p.TrainLoss), LossAtCenter: float64(p.LossAtCenter),
			GradNorm: float64(p.GradNorm), LLC: p.LLC, Below: p.Below, Dist2: p.Dist2, Susceptibilities: p.Susceptibilities, BIFs: p.BIFs,
			Influence: p.Influence, Structure: p.Structure, Result: p.Result, Partial: p.Partial, Err: p.Err}
	}
	if err := nt.check(); err != nil {
		return err
	}
	*t = nt
	return nil
}

// check reports an inconsistent trajectory.
func (t *Trajectory) check() error {
	if (t.StructureX == "") != (len(t.Components) == 0) {
		return errors.New("trajectory: JSON has components without a structure observable, or the reverse")
	}
	type shape struct{ r, c int }
	susc := make([]*shape, len(t.Susceptibilities))
	bifs := make([]int, len(t.BIFs))
	for i := range bifs {
		bifs[i] = -1
	}
	var inf, str *shape
	same := func(what string, step int, want **shape, r, c int) error {
		if *want == nil {
			*want = &shape{r, c}
		} else if (*want).r != r || (*want).c != c {
			return fmt.Errorf("trajectory: %s is %d×%d at step %d, %d×%d before", what, r, c, step, (*want).r, (*want).c)
		}
		return nil
	}
	for k, p := range t.Points {
		if p.Step < 0 || (k > 0 && p.Step <= t.Points[k-1].Step) {
			return fmt.Errorf("trajectory: JSON point %d: step %d not after the previous one", k, p.Step)
		}
		if len(p.Susceptibilities) != len(t.Susceptibilities) || len(p.BIFs) != len(t.BIFs) {
			return fmt.Errorf("trajectory: JSON point at step %d has %d susceptibility matrices and %d BIFs, want %d and %d",
				p.Step, len(p.Susceptibilities), len(p.BIFs), len(t.Susceptibilities), len(t.BIFs))
		}
		for i, sm := range p.Susceptibilities {
			if sm == nil {
				continue
			}
			r, c := sm.Cov.Dims()
			if err := same("susceptibility matrix "+fmt.Sprint(i), p.Step, &susc[i], r, c); err != nil {
				return err
			}
		}
		for i, b := range p.BIFs {
			if b == nil {
				continue
			}
			if bifs[i] >= 0 && len(b) != bifs[i] {
				return fmt.Errorf("trajectory: BIF %d has %d samples at step %d, %d before", i, len(b), p.Step, bifs[i])
			}
			bifs[i] = len(b)
		}
		if p.Influence != nil {
			if t.InfluenceLosses == "" {
				return fmt.Errorf("trajectory: JSON point at step %d has an influence matrix no one asked for", p.Step)
			}
			n := p.Influence.Value.SymmetricDim()
			if err := same("influence matrix", p.Step, &inf, n, n); err != nil {
				return err
			}
		}
		if p.Structure != nil {
			if len(t.Components) == 0 {
				return fmt.Errorf("trajectory: JSON point at step %d has a structural matrix no one asked for", p.Step)
			}
			r, c := p.Structure.Chi.Dims()
			if c != len(t.Components) {
				return fmt.Errorf("trajectory: structural matrix at step %d has %d columns for %d components", p.Step, c, len(t.Components))
			}
			if err := same("structural matrix", p.Step, &str, r, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteJSON writes t as indented JSON.
func WriteJSON(w io.Writer, t *Trajectory) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(t)
}

// ReadJSON reads a trajectory written by WriteJSON, checked as
// UnmarshalJSON documents.
func ReadJSON(r io.Reader) (*Trajectory, error) {
	dec := json.NewDecoder(r)
	var t Trajectory
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	if dec.More() {
		return nil, errors.New("trajectory: data after the JSON value")
	}
	return &t, nil
}
