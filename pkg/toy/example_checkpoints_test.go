// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"

	"susclab/pkg/checkpoint"
	"susclab/pkg/toy"
)

// Train a deep linear network from a small initialization and keep
// checkpoints at log-spaced steps; write them and read them back.
func ExampleTrainCheckpoints() {
	rng := rand.New(rand.NewPCG(1, 2))
	teacher := toy.NewLinearTeacher(rng, 3, 3, []float64{3, 1}, 0.1)
	x, y, _ := toy.GenerateDeepLinear(rng, 100, teacher, nil)
	m := toy.NewDeepLinear([]int{3, 3, 3, 3}, x, y)
	s, err := toy.TrainCheckpoints(context.Background(), m, toy.RandomInit(rng, m.Dim(), 0.05),
		toy.TrainConfig{Steps: 3000, LR: 0.02}, toy.Schedule{At: toy.LogSteps(3000, 5)})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Name, s.Steps())

	var file bytes.Buffer
	if err := checkpoint.Write(&file, s); err != nil {
		panic(err)
	}
	r, err := checkpoint.Read(&file)
	if err != nil {
		panic(err)
	}
	last, _ := r.Last()
	w, _ := toy.Train(m, s.Checkpoints[0].Params, toy.TrainConfig{Steps: 3000, LR: 0.02})
	fmt.Println("last checkpoint is Train's result:", fmt.Sprint(last.Params) == fmt.Sprint(w))
	// Output:
	// deep-linear [0 1 7 55 405 3000]
	// last checkpoint is Train's result: true
}
