package susc

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// CalibrationGrid is the ε × nβ grid of a step-size calibration
// (docs/theory.md §2.7; devinterp's epsilon–beta analysis): every nβ is sampled with every ε.
type CalibrationGrid struct {
	// NBetas are the values of nβ (rows). Required, each finite and > 0.
	NBetas []float64
	// Epsilons are the step sizes ε (columns). Required, each finite and > 0.
	Epsilons []float64
	// Kernel returns the kernel with step ε. nil means SGLD{Epsilon: ε}.
	Kernel func(eps float64) Kernel
}

// CalibrationPoint is what one (nβ, ε) of the grid produced.
type CalibrationPoint struct {
	NBeta, Epsilon float64
	// LLC is the local learning coefficient of the run; its Mean, SE and Std
	// are NaN (and PerChain nil) if the point has no estimate (Err != nil).
	LLC LLC
	// MALA is the MALA acceptance probability averaged over draws and chains
	// (NaN if Err != nil, or for a kernel without a Langevin proposal such
	// as SGNHT). Near 1 means the step is small for the curvature
	// the chains meet; it says nothing about mixing.
	MALA float64
	// Err is nil, or why the point has no estimate: the errors.Join of the
	// chains' *DivergenceError (see Divergences), or the context's error.
	Err error
	// Result is the run itself (partial if Err != nil; nil for a point not
	// reached before cancellation), for further diagnostics such as R̂.
	Result *Result
}

// Diverged reports whether at least one chain of the point diverged.
func (p *CalibrationPoint) Diverged() bool {
	var d *DivergenceError
	return errors.As(p.Err, &d)
}

// Divergences returns the *DivergenceError of every diverged chain (chain,
// step and loss), in chain order.
func (p *CalibrationPoint) Divergences() []*DivergenceError {
	var out []*DivergenceError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *DivergenceError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, u := range e.Unwrap() {
				walk(u)
			}
		}
	}
	walk(p.Err)
	return out
}

// Calibration is the result of Calibrate.
type Calibration struct {
	NBetas, Epsilons []float64
	// Points[i][j] is the point at NBetas[i], Epsilons[j].
	Points [][]CalibrationPoint
}

// Map returns f of every point, m[i][j] = f(&Points[i][j]): rows are nβ,
// columns ε, as for a heatmap.
func (c *Calibration) Map(f func(p *CalibrationPoint) float64) [][]float64 {
	m := make([][]float64, len(c.Points))
	for i := range c.Points {
		m[i] = make([]float64, len(c.Points[i]))
		for j := range c.Points[i] {
			m[i][j] = f(&c.Points[i][j])
		}
	}
	return m
}

// LargestStable returns the column j of the largest ε at which no chain of
// row i (nβ = NBetas[i]) diverged, or -1 if every ε of the row diverged.
// Points without an estimate for another reason (cancellation) are skipped.
func (c *Calibration) LargestStable(i int) int {
	best := -1
	for j, p := range c.Points[i] {
		if p.Err == nil && (best < 0 || p.Epsilon > c.Points[i][best].Epsilon) {
			best = j
		}
	}
	return best
}

// Calibrate samples the posterior p at every (nβ, ε) of grid g, with p.NBeta
// replaced by the grid's nβ (p.NBeta must be left 0: the grid sets it) and
// the kernel g.Kernel(ε), and returns per point the LLC estimate and the
// mean MALA acceptance. Run r is used as given at every point, with MALA
// switched on (for kernels with a Langevin proposal; with SGNHT the
// acceptance is NaN), and the same Seed everywhere (common random numbers: nearby
// points differ by their setting, not by their noise). Points run one after
// another, the chains of each in parallel (r.Workers). r.Progress, if set,
// follows the whole grid.
//
// A large ε makes chains diverge: such a point keeps its error in
// CalibrationPoint.Err and gets NaN estimates; Calibrate goes on. Invalid
// input is reported before any work; if ctx is cancelled, Calibrate returns
// the points done so far (the others have Err = ctx.Err()) with ctx.Err().
func Calibrate(ctx context.Context, m Model, p Posterior, g CalibrationGrid, r Run) (*Calibration, error) {
	if len(g.NBetas) == 0 || len(g.Epsilons) == 0 {
		return nil, errors.New("susc: Calibrate needs at least one nβ and one ε")
	}
	for _, nb := range g.NBetas {
		if !(nb > 0) || math.IsInf(nb, 0) {
			return nil, fmt.Errorf("susc: Calibrate: nβ = %v, want finite and > 0", nb)
		}
	}
	for _, eps := range g.Epsilons {
		if !(eps > 0) || math.IsInf(eps, 0) {
			return nil, fmt.Errorf("susc: Calibrate: ε = %v, want finite and > 0", eps)
		}
	}
	if p.NBeta != 0 || p.PriorOnly {
		return nil, errors.New("susc: Calibrate sets nβ from the grid; leave Posterior.NBeta 0 and PriorOnly false")
	}
	kernel := g.Kernel
	if kernel == nil {
		kernel = func(eps float64) Kernel { return SGLD{Epsilon: eps} }
	}
	if m == nil {
		return nil, errors.New("susc: nil model")
	}
	mala := true // MALA only for kernels with a Langevin proposal (not SGNHT)
	for _, nb := range g.NBetas {
		q := p
		q.NBeta = nb
		if err := q.Validate(m.Dim()); err != nil {
			return nil, err
		}
		for _, eps := range g.Epsilons {
			k := kernel(eps)
			if k == nil {
				return nil, fmt.Errorf("susc: Calibrate: nil kernel for ε = %v", eps)
			}
			s, err := k.Init(&q, q.Center)
			if err != nil {
				return nil, err
			}
			if _, ok := s.(langevin); !ok {
				mala = false
			}
		}
	}
	r.MALA = mala
	d := r.withDefaults()
	perPoint := d.Chains * (d.BurnIn + d.Draws*d.Thin)
	npts := len(g.NBetas) * len(g.Epsilons)
	progress, last := r.Progress, -1
	report := func(done int) {
		if progress != nil && done != last {
			progress(done, npts*perPoint)
			last = done
		}
	}

	c := &Calibration{
		NBetas:   append([]float64(nil), g.NBetas...),
		Epsilons: append([]float64(nil), g.Epsilons...),
		Points:   make([][]CalibrationPoint, len(g.NBetas)),
	}
	for i, nb := range c.NBetas {
		c.Points[i] = make([]CalibrationPoint, len(c.Epsilons))
		for j, eps := range c.Epsilons {
			c.Points[i][j] = CalibrationPoint{NBeta: nb, Epsilon: eps, MALA: math.NaN(), LLC: nanLLC(nb)}
		}
	}
	// cancelled marks point k = i·len(Epsilons) + j and all later ones.
	cancelled := func(k int) (*Calibration, error) {
		for ; k < npts; k++ {
			c.Points[k/len(c.Epsilons)][k%len(c.Epsilons)].Err = ctx.Err()
		}
		return c, ctx.Err()
	}
	for i, nb := range c.NBetas {
		for j, eps := range c.Epsilons {
			k := i*len(c.Epsilons) + j
			if ctx.Err() != nil {
				return cancelled(k)
			}
			pt := &c.Points[i][j]
			offset := k * perPoint
			if progress != nil {
				r.Progress = func(done, _ int) { report(offset + done) }
			}
			q := p
			q.NBeta = nb
			res, err := Sample(ctx, m, q, kernel(eps), r)
			pt.Result, pt.Err = res, err
			if err == nil {
				pt.LLC, err = res.LLC()
			}
			if err == nil && mala {
				var acc []float64
				acc, err = res.MALA()
				pt.MALA = stat.Mean(acc, nil)
			}
			if err != nil {
				pt.LLC = nanLLC(nb)
				pt.MALA = math.NaN()
			}
			switch {
			case ctx.Err() != nil && errors.Is(err, ctx.Err()):
				return cancelled(k)
			case err != nil && !pt.Diverged():
				// Not the sampler's instability: invalid input (reported by
				// Sample before any work) or a failed estimator.
				return nil, err
			}
			report(offset + perPoint)
		}
	}
	return c, nil
}

// nanLLC is the LLC of a point without an estimate: NaN mean, SE and Std.
func nanLLC(nb float64) LLC {
	return LLC{NBeta: nb, Mean: math.NaN(), SE: math.NaN(), Std: math.NaN()}
}
