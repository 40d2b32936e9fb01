// Copyright ©2026 The susclab Authors.

package patterntime

import (
	"fmt"

	"susclab/pkg/lm"
	"susclab/pkg/susc"
)

// KindLosses returns the observable whose component k is the mean loss of
// the probe tokens of kind k (kindOf[t] for probe sample t; kinds 0..n-1,
// each with at least one token): L_k, the loss of data kind k. Each chain
// evaluates it on its own replica of probe.
func KindLosses(name string, probe *lm.Model, kindOf []int, n int) (susc.Observable, error) {
	if probe == nil || n < 1 {
		return nil, fmt.Errorf("patterntime: KindLosses needs a probe model and n ≥ 1 kinds (n = %d)", n)
	}
	if len(kindOf) != probe.NumData() {
		return nil, fmt.Errorf("patterntime: %d kinds for %d probe samples", len(kindOf), probe.NumData())
	}
	count := make([]float64, n)
	for t, k := range kindOf {
		if k < 0 || k >= n {
			return nil, fmt.Errorf("patterntime: probe sample %d has kind %d, want 0..%d", t, k, n-1)
		}
		count[k]++
	}
	for k, c := range count {
		if c == 0 {
			return nil, fmt.Errorf("patterntime: no probe sample of kind %d", k)
		}
	}
	return &kindLosses{name: name, probe: probe, kindOf: kindOf, count: count, buf: make([]float64, len(kindOf))}, nil
}

type kindLosses struct {
	name   string
	probe  *lm.Model
	kindOf []int
	count  []float64
	buf    []float64
}

func (o *kindLosses) Name() string { return o.name }
func (o *kindLosses) Dim() int     { return len(o.count) }

func (o *kindLosses) Observe(dst, w []float64, _ susc.Model) {
	o.probe.PointLosses(o.buf, w, nil)
	clear(dst)
	for t, l := range o.buf {
		dst[o.kindOf[t]] += l
	}
	for k, c := range o.count {
		dst[k] /= c
	}
}

// Replicate gives each chain its own probe model and buffer.
func (o *kindLosses) Replicate() susc.Observable {
	c := *o
	c.probe, c.buf = o.probe.Replicate(), make([]float64, len(o.buf))
	return &c
}
