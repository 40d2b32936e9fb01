// Copyright ©2026 The susclab Authors.

package toy

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Ising is the classical Ising model on an L×L square lattice with periodic
// boundaries: spins s_i ∈ {-1, +1}, i = r·L + c, each coupled to its right and
// lower neighbour with strength J, and a field h_i at each site. The Gibbs
// distribution at inverse temperature β is
//
//	p(s) ∝ exp( β ( J Σ_<ij> s_i s_j + Σ_i h_i s_i ) ).
//
// It is the physicist's version of the fluctuation–dissipation theorem
// (docs/theory.md §3.5): with M = Σ_i s_i and a uniform field h, ∂<M>/∂h = β Var(M);
// with fields h_B on a set of sites B and m_A = Σ_{i∈A} s_i,
// ∂<m_A>/∂h_B = β Cov(m_A, m_B). Exact enumerates all 2^(L²) states, so
// L <= 4 (65,536 states); for L = 2 each neighbour pair is counted twice
// (right and left neighbour coincide), the usual periodic convention.
type Ising struct {
	L int     // side of the lattice, 2 <= L <= 4
	J float64 // coupling (J > 0 ferromagnetic)
}

// IsingExact holds exact Gibbs expectations of an Ising model.
type IsingExact struct {
	Beta float64
	// Field is the field h_i at each site.
	Field []float64
	// Mean is <s_i>.
	Mean []float64
	// Cov is Cov(s_i, s_j).
	Cov *mat.SymDense
	// Energy is <E>, E(s) = -J Σ_<ij> s_i s_j - Σ_i h_i s_i.
	Energy float64
	// LogZ is log Σ_s exp(-β E(s)).
	LogZ float64
}

// N returns the number of spins L².
func (m Ising) N() int { return m.L * m.L }

func (m Ising) check(h []float64) {
	if m.L < 2 || m.L > 4 {
		panic(fmt.Sprintf("toy: Ising: L = %d, want 2 <= L <= 4 (exact enumeration)", m.L))
	}
	if h != nil && len(h) != m.N() {
		panic(fmt.Sprintf("toy: Ising: %d fields for %d spins", len(h), m.N()))
	}
}

// bonds returns the neighbour pairs (i, right(i)) and (i, down(i)).
func (m Ising) bonds() [][2]int {
	L := m.L
	b := make([][2]int, 0, 2*L*L)
	for r := range L {
		for c := range L {
			i := r*L + c
			b = append(b, [2]int{i, r*L + (c+1)%L}, [2]int{i, ((r+1)%L)*L + c})
		}
	}
	return b
}

// Exact returns the exact Gibbs expectations at inverse temperature beta and
// site fields h (nil: zero field) by enumerating all 2^(L²) states, with
// two passes (mean, then centred covariance) so that small covariances stay
// accurate.
func (m Ising) Exact(beta float64, h []float64) *IsingExact {
	m.check(h)
	n := m.N()
	if h == nil {
		h = make([]float64, n)
	}
	bonds := m.bonds()
	states := 1 << n
	logw := make([]float64, states)
	energy := make([]float64, states)
	s := make([]float64, n)
	maxLog := math.Inf(-1)
	for k := range states {
		spins(s, k)
		var e float64
		for _, b := range bonds {
			e -= m.J * s[b[0]] * s[b[1]]
		}
		for i, hi := range h {
			e -= hi * s[i]
		}
		energy[k] = e
		logw[k] = -beta * e
		maxLog = math.Max(maxLog, logw[k])
	}
	var z float64
	for k := range logw {
		logw[k] = math.Exp(logw[k] - maxLog) // now the unnormalized weight
		z += logw[k]
	}
	res := &IsingExact{Beta: beta, Field: append([]float64(nil), h...), Mean: make([]float64, n),
		Cov: mat.NewSymDense(n, nil), LogZ: maxLog + math.Log(z)}
	for k, w := range logw {
		w /= z
		logw[k] = w
		spins(s, k)
		for i := range s {
			res.Mean[i] += w * s[i]
		}
		res.Energy += w * energy[k]
	}
	c := make([]float64, n*n)
	for k, w := range logw {
		spins(s, k)
		for i := range s {
			s[i] -= res.Mean[i]
		}
		for i := range n {
			wi := w * s[i]
			for j := i; j < n; j++ {
				c[i*n+j] += wi * s[j]
			}
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			res.Cov.SetSym(i, j, c[i*n+j])
		}
	}
	return res
}

// spins writes state k (bit i set: s_i = +1) into s.
func spins(s []float64, k int) {
	for i := range s {
		if k>>i&1 == 1 {
			s[i] = 1
		} else {
			s[i] = -1
		}
	}
}

// Magnetization returns <m_A> = Σ_{i∈A} <s_i> (A nil: all sites, <M>).
func (e *IsingExact) Magnetization(a []int) float64 {
	var t float64
	for _, i := range sites(a, len(e.Mean)) {
		t += e.Mean[i]
	}
	return t
}

// BlockCov returns Cov(m_A, m_B) = Σ_{i∈A, j∈B} Cov(s_i, s_j) (nil: all
// sites). With A = B = nil it is Var(M).
func (e *IsingExact) BlockCov(a, b []int) float64 {
	var t float64
	n := len(e.Mean)
	for _, i := range sites(a, n) {
		for _, j := range sites(b, n) {
			t += e.Cov.At(i, j)
		}
	}
	return t
}

// Response returns the exact linear response ∂<m_A>/∂h_B = β Cov(m_A, m_B)
// of the magnetization of sites A to a field h_B added on sites B (FDT).
func (e *IsingExact) Response(a, b []int) float64 { return e.Beta * e.BlockCov(a, b) }

func sites(a []int, n int) []int {
	if a != nil {
		return a
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// AddField returns a copy of h (nil: zeros of length N) with dh added on the
// sites in b (nil: all sites): the field perturbation h_B of a block.
func (m Ising) AddField(h []float64, b []int, dh float64) []float64 {
	m.check(h)
	out := make([]float64, m.N())
	copy(out, h)
	for _, i := range sites(b, m.N()) {
		out[i] += dh
	}
	return out
}

// Rows returns the site indices of each row of the lattice, row r being
// {rL, ..., rL + L - 1}: a natural split into parts A, B, ...
func (m Ising) Rows() [][]int {
	r := make([][]int, m.L)
	for k := range r {
		for c := range m.L {
			r[k] = append(r[k], k*m.L+c)
		}
	}
	return r
}
