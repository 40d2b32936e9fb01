// Copyright ©2026 The susclab Authors.

package toy

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Without returns the linear regression on the same data with the samples
// in drop removed (leave-one-out retraining when drop has one index): its
// LeastSquares is the retrained w_ls, and its Posterior the exact posterior
// without those samples. The n - k remaining samples keep their order.
//
// To keep the per-sample inverse temperature β = nβ/n of the full model,
// pass nβ·(n-k)/n to the smaller model's Posterior. Then, for one dropped
// sample i and the same prior centre c, Sherman–Morrison gives the exact
// shift of the posterior mean
//
//	Mean₋ᵢ - Mean = -β V x_i r_i / (1 - β c_ii),
//
// the linear response to the weight change ε_i = -1, ∂<w>/∂ε_i = -β Cov(l_i, w)
// = β r_i V x_i, divided by 1 - β c_ii (r_i and c_ii = x_iᵀ V x_i of the full
// posterior).
func (m *LinearRegression) Without(drop ...int) *LinearRegression {
	skip := make(map[int]bool, len(drop))
	for _, i := range drop {
		if i < 0 || i >= m.n {
			panic(fmt.Sprintf("toy: Without: sample %d out of range [0, %d)", i, m.n))
		}
		skip[i] = true
	}
	k := m.n - len(skip)
	if k == 0 {
		panic("toy: Without: no sample left")
	}
	x := mat.NewDense(k, m.d, nil)
	y := make([]float64, 0, k)
	r := 0
	for i := 0; i < m.n; i++ {
		if skip[i] {
			continue
		}
		x.SetRow(r, m.Input(i))
		y = append(y, m.y[i])
		r++
	}
	return NewLinearRegression(x, y)
}
