// Copyright ©2026 The susclab Authors.

package toy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"susclab/pkg/checkpoint"
	"susclab/pkg/toy"
)

// trainable is one trainable toy with an initialization and a training set-up.
type trainable struct {
	name string
	m    toy.DataLossGrader
	w0   []float64
	cfg  toy.TrainConfig
}

func trainables() []trainable {
	rng := rand.New(rand.NewPCG(11, 12))
	tcfg := toy.NewTMSConfig(5, 2, 0.9, 0.2)
	x, _ := toy.GenerateTMS(rng, 200, tcfg, nil)
	tms := toy.NewTMS(tcfg, x)
	tc := toy.NewLinearTeacher(rng, 4, 3, []float64{2, 1}, 0.1)
	xd, yd, _ := toy.GenerateDeepLinear(rng, 100, tc, nil)
	dln := toy.NewDeepLinear([]int{4, 3, 3, 3}, xd, yd)
	mt := toy.NewMLPTeacher(rng, 2, 3, 1, 2, 0.1)
	xm, ym, _ := toy.GenerateMLP(rng, 150, mt, nil)
	mlp := toy.NewMLP(4, xm, ym)
	return []trainable{
		{"tms", tms, tms.Init(rng), toy.TrainConfig{Method: toy.Adam, Steps: 400, LR: 0.01, BatchSize: 32, Seed: 1}},
		{"deep-linear", dln, toy.RandomInit(rng, dln.Dim(), 0.1), toy.TrainConfig{Steps: 400, LR: 0.05, WeightDecay: 1e-3}},
		{"mlp", mlp, mlp.Init(rng), toy.TrainConfig{Steps: 400, LR: 0.05, BatchSize: 20, Seed: 2}},
	}
}

// sameBits reports whether a and b are equal bit for bit.
func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// TestTrainCheckpoints checks, for each trainable toy (Adam on minibatches,
// full-batch gradient descent with weight decay, SGD on minibatches), that
// the checkpoint at step s holds the bits Train returns after s steps and
// their full-batch loss, that the schedule is kept exactly, and that the
// series written to a file and read back is the same bit for bit.
func TestTrainCheckpoints(t *testing.T) {
	at := toy.Schedule{Every: 100, At: []int{7, 333, 7, 0}}
	want := []int{0, 7, 100, 200, 300, 333, 400}
	for _, c := range trainables() {
		s, err := toy.TrainCheckpoints(context.Background(), c.m, c.w0, c.cfg, at)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if s.Name != c.name || s.Dim != c.m.Dim() || !slices.Equal(s.Steps(), want) {
			t.Fatalf("%s: series %q dim %d steps %v, want %q %d %v", c.name, s.Name, s.Dim, s.Steps(), c.name, c.m.Dim(), want)
		}
		for _, ck := range s.Checkpoints {
			w, loss := c.w0, c.m.LossGrad(nil, c.w0, nil)
			if ck.Step > 0 {
				cfg := c.cfg
				cfg.Steps = ck.Step
				w, loss = toy.Train(c.m, c.w0, cfg)
			}
			if !sameBits(ck.Params, w) || math.Float64bits(ck.Loss) != math.Float64bits(loss) {
				t.Errorf("%s: checkpoint at step %d differs from Train with Steps = %d", c.name, ck.Step, ck.Step)
			}
		}
		var rec toy.TrainRecord
		if err := json.Unmarshal(s.Config, &rec); err != nil || !reflect.DeepEqual(rec.Train, c.cfg) || rec.NumData != c.m.NumData() {
			t.Errorf("%s: config %s does not record the training (%v)", c.name, s.Config, err)
		}
		name := filepath.Join(t.TempDir(), c.name+".ckpt")
		if err := checkpoint.WriteFile(name, s); err != nil {
			t.Fatal(err)
		}
		r, err := checkpoint.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if r.Name != s.Name || !bytes.Equal(r.Config, s.Config) || !slices.Equal(r.Steps(), s.Steps()) {
			t.Errorf("%s: read back %q %s %v", c.name, r.Name, r.Config, r.Steps())
		}
		for k, ck := range s.Checkpoints {
			if !sameBits(r.Checkpoints[k].Params, ck.Params) || math.Float64bits(r.Checkpoints[k].Loss) != math.Float64bits(ck.Loss) {
				t.Errorf("%s: checkpoint %d not read back bit for bit", c.name, ck.Step)
			}
		}
	}
}

// cancelAfter cancels a context at its calls-th LossGrad.
type cancelAfter struct {
	toy.DataLossGrader
	calls  int
	cancel context.CancelFunc
}

func (c *cancelAfter) LossGrad(g, w []float64, b []int) float64 {
	if c.calls--; c.calls == 0 {
		c.cancel()
	}
	return c.DataLossGrader.LossGrad(g, w, b)
}

// TestTrainCheckpointsCancel checks that a cancelled training stops within
// 64 updates and returns the checkpoints made so far with the context's error.
func TestTrainCheckpointsCancel(t *testing.T) {
	c := trainables()[1]
	ctx, cancel := context.WithCancel(context.Background())
	m := &cancelAfter{DataLossGrader: c.m, calls: 150, cancel: cancel}
	s, err := toy.TrainCheckpoints(ctx, m, c.w0, c.cfg, toy.Schedule{Every: 10})
	if !errors.Is(err, context.Canceled) || s == nil {
		t.Fatalf("series returned: %v, error %v; want the partial series and context.Canceled", s != nil, err)
	}
	last, _ := s.Last()
	if last.Step < 100 || last.Step > 150+64 || s.Validate() != nil {
		t.Errorf("cancelled near step 140: kept up to step %d (%v)", last.Step, s.Steps())
	}
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	s, err = toy.TrainCheckpoints(done, c.m, c.w0, c.cfg, toy.Schedule{Every: 10})
	if !errors.Is(err, context.Canceled) || len(s.Checkpoints) != 1 {
		t.Errorf("cancelled before: %v checkpoints, error %v", s.Steps(), err)
	}
}

// TestTrainCheckpointsInvalid checks that bad input is an error, not a panic.
func TestTrainCheckpointsInvalid(t *testing.T) {
	c := trainables()[0]
	ok := c.cfg
	nan := append([]float64(nil), c.w0...)
	nan[3] = math.NaN()
	for name, f := range map[string]func() (*checkpoint.Series, error){
		"nil model": func() (*checkpoint.Series, error) {
			return toy.TrainCheckpoints(context.Background(), nil, c.w0, ok, toy.Schedule{})
		},
		"short w0": func() (*checkpoint.Series, error) {
			return toy.TrainCheckpoints(context.Background(), c.m, c.w0[1:], ok, toy.Schedule{})
		},
		"NaN in w0": func() (*checkpoint.Series, error) {
			return toy.TrainCheckpoints(context.Background(), c.m, nan, ok, toy.Schedule{})
		},
		"negative steps": func() (*checkpoint.Series, error) {
			cfg := ok
			cfg.Steps = -1
			return toy.TrainCheckpoints(context.Background(), c.m, c.w0, cfg, toy.Schedule{})
		},
		"negative batch": func() (*checkpoint.Series, error) {
			cfg := ok
			cfg.BatchSize = -3
			return toy.TrainCheckpoints(context.Background(), c.m, c.w0, cfg, toy.Schedule{})
		},
		"step past end": func() (*checkpoint.Series, error) {
			return toy.TrainCheckpoints(context.Background(), c.m, c.w0, ok, toy.Schedule{At: []int{401}})
		},
		"negative step": func() (*checkpoint.Series, error) {
			return toy.TrainCheckpoints(context.Background(), c.m, c.w0, ok, toy.Schedule{At: []int{-1}})
		},
		"negative every": func() (*checkpoint.Series, error) {
			return toy.TrainCheckpoints(context.Background(), c.m, c.w0, ok, toy.Schedule{Every: -5})
		},
	} {
		if s, err := f(); err == nil || s != nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestLogSteps(t *testing.T) {
	for _, c := range []struct {
		last, k int
		want    []int
	}{
		{1000, 4, []int{1, 10, 100, 1000}},
		{100, 5, []int{1, 3, 10, 32, 100}},
		{3, 10, []int{1, 2, 3}},
		{50, 1, []int{50}},
		{50, 0, nil},
		{0, 3, nil},
	} {
		if got := toy.LogSteps(c.last, c.k); !slices.Equal(got, c.want) {
			t.Errorf("LogSteps(%d, %d) = %v, want %v", c.last, c.k, got, c.want)
		}
	}
}
