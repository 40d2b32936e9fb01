// Copyright ©2026 The susclab Authors.

package toy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// Shared checks for the structural models (TMS, DeepLinear, MLP): models
// with scratch memory and a Replicate method.

// replicable is the method set of a structural model.
type replicable interface {
	DataLossGrader
	PointLosses(dst, w []float64, idx []int)
	replicate() replicable
}

func (t *TMS) replicate() replicable        { return t.Replicate() }
func (d *DeepLinear) replicate() replicable { return d.Replicate() }

type structCase struct {
	name  string
	m     replicable
	batch []int
	// points returns parameter vectors to test at (away from kinks).
	points func(rng *rand.Rand) [][]float64
}

func sRelVec(a, b []float64) float64 {
	var s, e float64
	for i := range a {
		s = math.Max(s, math.Max(math.Abs(a[i]), math.Abs(b[i])))
		e = math.Max(e, math.Abs(a[i]-b[i]))
	}
	return e / math.Max(s, 1e-300)
}

func sRel(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(1e-300, math.Max(math.Abs(a), math.Abs(b)))
}

func checkGradFD(t *testing.T, c structCase) {
	t.Helper()
	rng := rand.New(rand.NewPCG(31, 41))
	m := c.m
	d := m.Dim()
	for pi, w := range c.points(rng) {
		for _, batch := range [][]int{nil, c.batch} {
			g := make([]float64, d)
			m.LossGrad(g, w, batch)
			f := func(x []float64) float64 { return m.LossGrad(nil, x, batch) }
			want := fd.Gradient(nil, f, w, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			if e := sRelVec(g, want); e > 1e-7 {
				t.Errorf("%s point %d batch=%v: gradient vs finite difference rel err %g\n got %v\nwant %v", c.name, pi, batch, e, g, want)
			}
		}
	}
}

// checkPerSample compares the batch paths with explicit per-sample sums.
func checkPerSample(t *testing.T, c structCase) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 9))
	m := c.m
	d, n := m.Dim(), m.NumData()
	for pi, w := range c.points(rng) {
		gFull := make([]float64, d)
		lFull := m.LossGrad(gFull, w, nil)
		if l := m.LossGrad(nil, w, nil); l != lFull {
			t.Errorf("%s: loss depends on grad == nil: %v != %v", c.name, l, lFull)
		}
		// Explicit mean of single-sample losses and gradients.
		sum := make([]float64, d)
		gi := make([]float64, d)
		var lSum float64
		for i := 0; i < n; i++ {
			lSum += m.LossGrad(gi, w, []int{i})
			for k, v := range gi {
				sum[k] += v
			}
		}
		for k := range sum {
			sum[k] /= float64(n)
		}
		lSum /= float64(n)
		if e := sRel(lFull, lSum); e > 1e-10 {
			t.Errorf("%s point %d: full-batch loss %v, per-sample mean %v (rel %g)", c.name, pi, lFull, lSum, e)
		}
		if e := sRelVec(gFull, sum); e > 1e-10 {
			t.Errorf("%s point %d: full-batch grad vs per-sample mean rel err %g", c.name, pi, e)
		}
		// Overwrite, not accumulate.
		for k := range gi {
			gi[k] = 1e6
		}
		m.LossGrad(gi, w, nil)
		if e := sRelVec(gi, gFull); e != 0 {
			t.Errorf("%s: grad accumulates", c.name)
		}
		// PointLosses: mean = loss, idx picks entries.
		pl := make([]float64, n)
		m.PointLosses(pl, w, nil)
		var s float64
		for _, v := range pl {
			s += v
		}
		if e := sRel(s/float64(n), lFull); e > 1e-10 {
			t.Errorf("%s point %d: mean point loss %v != loss %v", c.name, pi, s/float64(n), lFull)
		}
		pb := make([]float64, len(c.batch))
		m.PointLosses(pb, w, c.batch)
		s = 0
		for b, i := range c.batch {
			if pb[b] != pl[i] {
				t.Errorf("%s: PointLosses(idx)[%d] = %v, want %v", c.name, b, pb[b], pl[i])
			}
			s += pb[b]
		}
		if e := sRel(s/float64(len(pb)), m.LossGrad(nil, w, c.batch)); e > 1e-10 {
			t.Errorf("%s: batch mean point loss rel err %g", c.name, e)
		}
	}
}

func checkNoAllocs(t *testing.T, c structCase) {
	t.Helper()
	m := c.m
	w := c.points(rand.New(rand.NewPCG(1, 1)))[0]
	g := make([]float64, m.Dim())
	dst := make([]float64, m.NumData())
	dstb := make([]float64, len(c.batch))
	for name, f := range map[string]func(){
		"LossGrad full":       func() { m.LossGrad(g, w, nil) },
		"LossGrad full, loss": func() { m.LossGrad(nil, w, nil) },
		"LossGrad batch":      func() { m.LossGrad(g, w, c.batch) },
		"PointLosses all":     func() { m.PointLosses(dst, w, nil) },
		"PointLosses idx":     func() { m.PointLosses(dstb, w, c.batch) },
	} {
		if a := testing.AllocsPerRun(20, f); a != 0 {
			t.Errorf("%s %s: %v allocations", c.name, name, a)
		}
	}
}

// checkReplicas runs independent replicas concurrently (run with -race) and
// checks that they agree with the original, and that the original still
// works after replication.
func checkReplicas(t *testing.T, c structCase) {
	t.Helper()
	m := c.m
	w := c.points(rand.New(rand.NewPCG(2, 2)))[0]
	want := make([]float64, m.Dim())
	wl := m.LossGrad(want, w, nil)
	wantB := make([]float64, m.Dim())
	wlB := m.LossGrad(wantB, w, c.batch)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for r := 0; r < 4; r++ {
		rep := m.replicate()
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := make([]float64, m.Dim())
			pl := make([]float64, rep.NumData())
			for it := 0; it < 20; it++ {
				if l := rep.LossGrad(g, w, nil); l != wl || sRelVec(g, want) != 0 {
					errs <- fmt.Errorf("%s: replica result differs", c.name)
					return
				}
				if l := rep.LossGrad(g, w, c.batch); l != wlB || sRelVec(g, wantB) != 0 {
					errs <- fmt.Errorf("%s: replica batch result differs", c.name)
					return
				}
				rep.PointLosses(pl, w, nil)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if l := m.LossGrad(nil, w, nil); l != wl {
		t.Errorf("%s: original changed after replication", c.name)
	}
}

func runStructural(t *testing.T, cases []structCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGradFD(t, c)
			checkPerSample(t, c)
			checkNoAllocs(t, c)
			checkReplicas(t, c)
		})
	}
}

// checkMask asserts that mask selects exactly the indices in want.
func checkMask(t *testing.T, name string, mask []bool, d int, want []int) {
	t.Helper()
	if len(mask) != d {
		t.Fatalf("%s: len(mask) = %d, want %d", name, len(mask), d)
	}
	sel := make([]bool, d)
	for _, k := range want {
		sel[k] = true
	}
	for k := range mask {
		if mask[k] != sel[k] {
			t.Errorf("%s: mask[%d] = %v, want %v", name, k, mask[k], sel[k])
		}
	}
}

// binomialOK reports whether count is within 5 standard deviations of n·p.
func binomialOK(count, n int, p float64) bool {
	sd := math.Sqrt(float64(n) * p * (1 - p))
	return math.Abs(float64(count)-float64(n)*p) <= 5*sd+1e-9
}
