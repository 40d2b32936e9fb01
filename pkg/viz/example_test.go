package viz_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"susclab/pkg/susc"
	"susclab/pkg/susc/health"
	"susclab/pkg/toy"
	"susclab/pkg/trajectory"
	"susclab/pkg/viz"
)

// In a notebook: viz.Init() once in an early cell, then .Display() on any chart.
// Outside one, Display does nothing and Save writes a page that works offline.
func Example() {
	chains := [][]float64{{0.5, 1.5, 1.0, 1.25}, {-0.5, 0.25, 0.75, 1.0}}
	c := viz.Traces(chains, viz.Opts{Title: "two chains", YName: "w"})
	c.Display() // no-op here: not in a notebook

	dir, _ := os.MkdirTemp("", "viz-example-")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "traces.html")
	if err := c.Save(path); err != nil {
		fmt.Println(err)
		return
	}
	page, _ := os.ReadFile(path)
	fmt.Println(strings.Contains(string(page), `id="`+c.ID+`"`), strings.Contains(string(page), "<script src"))
	// Output: true false
}

// Printf prints like fmt.Printf; in a notebook the text goes through the
// display channel, so it stays in order among the charts and tables of the
// cell.
func ExamplePrintf() {
	viz.Printf("λ̂ = %.3f ± %.3f (exact %.3f)\n", 0.341, 0.011, 0.347)
	// Output: λ̂ = 0.341 ± 0.011 (exact 0.347)
}

// In a notebook each cell is a new program: Memo keeps an expensive value
// for the kernel session, so the cell that needs it again reads it back.
func ExampleMemo() {
	run := func(seed uint64) func() ([]float64, error) {
		return func() ([]float64, error) {
			// ... an expensive computation (susc.Sample, toy.Train) ...
			return []float64{float64(seed) / 3}, nil
		}
	}
	w := viz.Must(viz.Memo("trained weights", run(7), 7)) // the parameters it depends on: 7
	fmt.Printf("%.4f\n", w)
	// Output:
	// [2.3333]
}

// A trajectory's estimates against training step, under its loss: one
// chart with ±2 SE bands and a shared (here logarithmic) step axis.
func ExampleOverTraining() {
	steps := []int{1, 10, 100, 1000}
	loss := trajectory.Series{Name: "loss", Steps: steps, Value: []float64{10.4, 10.4, 2.7, 0.6}, SE: make([]float64, 4)}
	llc := trajectory.Series{Name: "LLC", Steps: steps, Value: []float64{-0.2, -0.3, 3.0, 5.0}, SE: []float64{0.04, 0.05, 0.04, 0.05}}
	c := viz.OverTraining(loss, []trajectory.Series{llc}, viz.Opts{Title: "stagewise learning", LogX: true, LogY: true, YName: "λ̂"})
	c.Display() // in a notebook
	fmt.Println(c.Title, strings.Contains(c.HTML(), "LLC ±2 SE"))
	// Output: stagewise learning true
}

// The chain-health report of a run whose step is far too small for its
// length, drawn: per chain the loss, the distance from w* and the step's
// terms, the MALA acceptance, R̂ and ESS, and the verdicts that fired in
// the subtitle (docs/theory.md §8.7).
func ExampleHealth() {
	m := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 100, []float64{1, -1}, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: 50, Gamma: 10, Center: m.Mean()}, susc.SGLD{Epsilon: 1e-5},
		susc.Run{Chains: 4, Draws: 200, Thin: 10, Seed: 1, KeepTrace: true, MALA: true}, susc.Param("w0", 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := health.Check(res, health.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := viz.Health(rep, viz.Opts{})
	c.Display() // in a notebook
	for _, v := range rep.Fired() {
		fmt.Println(v.Name, strings.Contains(c.HTML(), v.Name))
	}
	// Output:
	// not localized true
	// chains disagree true
	// too few effective draws true
}
