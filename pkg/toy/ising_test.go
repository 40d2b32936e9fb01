// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"testing"
)

// TestIsingFree checks J = 0: independent spins, <s_i> = tanh(βh_i),
// Var(s_i) = 1 - tanh², log Z = Σ log(2 cosh βh_i).
func TestIsingFree(t *testing.T) {
	m := Ising{L: 3}
	h := make([]float64, 9)
	for i := range h {
		h[i] = 0.1*float64(i) - 0.3
	}
	e := m.Exact(0.7, h)
	var logZ float64
	for i, hi := range h {
		th := math.Tanh(0.7 * hi)
		logZ += math.Log(2 * math.Cosh(0.7*hi))
		if math.Abs(e.Mean[i]-th) > 1e-13 || math.Abs(e.Cov.At(i, i)-(1-th*th)) > 1e-13 {
			t.Errorf("site %d: mean %v var %v, want %v %v", i, e.Mean[i], e.Cov.At(i, i), th, 1-th*th)
		}
		for j := i + 1; j < 9; j++ {
			if math.Abs(e.Cov.At(i, j)) > 1e-13 {
				t.Errorf("Cov(s_%d, s_%d) = %v, want 0", i, j, e.Cov.At(i, j))
			}
		}
	}
	if math.Abs(e.LogZ-logZ) > 1e-12 {
		t.Errorf("log Z = %v, want %v", e.LogZ, logZ)
	}
}

// TestIsingTwoByTwo checks the 2×2 periodic lattice, a 4-cycle with every bond
// doubled: Z = (2 cosh K)⁴ + (2 sinh K)⁴, K = 2βJ.
func TestIsingTwoByTwo(t *testing.T) {
	beta, J := 0.6, 0.8
	K := 2 * beta * J
	want := math.Log(math.Pow(2*math.Cosh(K), 4) + math.Pow(2*math.Sinh(K), 4))
	if got := (Ising{L: 2, J: J}).Exact(beta, nil).LogZ; math.Abs(got-want) > 1e-12 {
		t.Errorf("log Z = %v, want %v", got, want)
	}
}

// TestIsingFDT checks ∂<m_A>/∂h_B = β Cov(m_A, m_B) and ∂ log Z/∂β = -<E>
// against central finite differences of the exact enumeration (error
// O(dh²), relative 1e-7 here).
func TestIsingFDT(t *testing.T) {
	for _, L := range []int{3, 4} {
		m := Ising{L: L, J: 1}
		beta := 0.35
		h0 := m.AddField(nil, nil, 0.05)
		e := m.Exact(beta, h0)
		rows := m.Rows()
		const dh = 1e-4
		for a := range rows {
			for b := range rows {
				fd := (m.Exact(beta, m.AddField(h0, rows[b], dh)).Magnetization(rows[a]) -
					m.Exact(beta, m.AddField(h0, rows[b], -dh)).Magnetization(rows[a])) / (2 * dh)
				if got := e.Response(rows[a], rows[b]); math.Abs(got-fd) > 1e-6*math.Abs(fd)+1e-9 {
					t.Errorf("L=%d: ∂m_%d/∂h_%d = %v, finite difference %v", L, a, b, got, fd)
				}
			}
		}
		fd := (m.Exact(beta, m.AddField(h0, nil, dh)).Magnetization(nil) - m.Exact(beta, m.AddField(h0, nil, -dh)).Magnetization(nil)) / (2 * dh)
		if got := e.Response(nil, nil); math.Abs(got-fd) > 1e-6*math.Abs(fd) {
			t.Errorf("L=%d: β Var M = %v, finite difference %v", L, got, fd)
		}
		db := 1e-5
		fdE := -(m.Exact(beta+db, h0).LogZ - m.Exact(beta-db, h0).LogZ) / (2 * db)
		if math.Abs(fdE-e.Energy) > 1e-6 {
			t.Errorf("L=%d: <E> = %v, -∂log Z/∂β = %v", L, e.Energy, fdE)
		}
	}
}

func TestIsingPanics(t *testing.T) {
	for _, f := range []func(){
		func() { Ising{L: 5}.Exact(1, nil) },
		func() { Ising{L: 3}.Exact(1, make([]float64, 4)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
}
