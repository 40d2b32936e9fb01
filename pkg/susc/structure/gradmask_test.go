// Copyright ©2026 The susclab Authors.

package structure_test

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
	"susclab/pkg/toy"
)

// masking is a quadratic model that implements GradientMasker by writing
// NaN outside the mask: a restricted run that read a masked-out entry
// would diverge. Replicate copies the mask, as a model's replicas must.
type masking struct {
	*toy.Quadratic
	mask  []bool
	calls *int
}

func (m *masking) SetGradientMask(mask []bool) { m.mask = mask; *m.calls++ }
func (m *masking) Replicate() *masking         { c := *m; return &c }
func (m *masking) LossGrad(grad, w []float64, batch []int) float64 {
	l := m.Quadratic.LossGrad(grad, w, batch)
	if grad != nil && m.mask != nil {
		for i, on := range m.mask {
			if !on {
				grad[i] = math.NaN()
			}
		}
	}
	return l
}

// Sample gives each restricted run a replica with its component's gradient
// mask, and the matrix is the same, bit for bit, as without one; the
// caller's model is not changed.
func TestSampleMasksRestrictedGradients(t *testing.T) {
	h := mat.NewSymDense(3, []float64{2, 0.5, 0, 0.5, 1, 0.3, 0, 0.3, 1.5})
	x := susc.Func("x", func(w []float64) float64 { return w[0]*w[1] + w[2] })
	p := susc.Posterior{NBeta: 10, Gamma: 1, Center: make([]float64, 3)}
	r := susc.Run{Chains: 2, Draws: 200, BurnIn: 100, Seed: 5}
	comps := []structure.Component{{Name: "a", Mask: []bool{true, false, false}}, {Name: "bc", Mask: []bool{false, true, true}}}
	plain, err := structure.Sample(context.Background(), toy.NewQuadratic(nil, h), p, susc.SGLD{Epsilon: 0.01}, r, comps, x)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	m := &masking{Quadratic: toy.NewQuadratic(nil, h), calls: &calls}
	masked, err := structure.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 0.01}, r, comps, x)
	if err != nil {
		t.Fatal(err)
	}
	if calls != len(comps) || m.mask != nil {
		t.Errorf("SetGradientMask called %d times (want %d, on replicas: the model's mask is %v)", calls, len(comps), m.mask)
	}
	if !mat.Equal(plain.Chi, masked.Chi) || !mat.Equal(plain.SE, masked.SE) {
		t.Errorf("masked gradients changed the matrix: %v vs %v", mat.Formatted(masked.Chi), mat.Formatted(plain.Chi))
	}
}
