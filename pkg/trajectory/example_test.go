// Copyright ©2026 The susclab Authors.

package trajectory_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
	"susclab/pkg/trajectory"
)

// Train a deep linear network from a small initialization, keep checkpoints,
// and estimate the LLC at each one: it rises as the network learns the
// teacher's modes one at a time.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	teacher := toy.NewLinearTeacher(rng, 3, 3, []float64{4, 1}, 0.1)
	x, y, _ := toy.GenerateDeepLinear(rng, 100, teacher, nil)
	m := toy.NewDeepLinear([]int{3, 3, 3, 3}, x, y)
	series, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 0.01),
		toy.TrainConfig{Steps: 8000, LR: 0.02}, toy.Schedule{At: []int{100, 2000}})
	if err != nil {
		panic(err)
	}
	// Strong localization (γ = nβ) holds the chains at the plateaus' saddles.
	tr, err := trajectory.Sample(context.Background(), m, series, trajectory.Spec{
		Posterior: susc.Posterior{NBeta: 1e4, Gamma: 1e4},
		Kernel:    susc.SGLD{Epsilon: 5e-7},
		Run:       susc.Run{Chains: 4, Draws: 100, BurnIn: 800, Thin: 100, Seed: 1},
	})
	if err != nil {
		panic(err)
	}
	llc := tr.LLC()
	for k, step := range llc.Steps {
		learned := 0
		for i, s := range m.ModeStrengths(nil, series.Checkpoints[k].Params, teacher) {
			if s > teacher.S[i]/2 {
				learned++
			}
		}
		fmt.Printf("step %4d: loss %4.2f, modes learned %d, LLC %4.1f ± %.1f\n", step, tr.Points[k].TrainLoss, learned, llc.Value[k], llc.SE[k])
	}
	var csv bytes.Buffer
	if err := trajectory.WriteCSV(&csv, tr); err != nil {
		panic(err)
	}
	rows, _ := trajectory.ReadCSV(&csv)
	fmt.Println("CSV rows:", len(rows))
	// Output:
	// step    0: loss 7.71, modes learned 0, LLC -0.1 ± 0.0
	// step  100: loss 7.71, modes learned 0, LLC -0.1 ± 0.0
	// step 2000: loss 0.53, modes learned 1, LLC  1.3 ± 0.1
	// step 8000: loss 0.01, modes learned 2, LLC  3.1 ± 0.1
	// CSV rows: 28
}
