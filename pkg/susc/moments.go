package susc

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Moments accumulates the mean and the co-moment matrix of a stream of
// vectors x ∈ R^D in a form that stays accurate when the covariance is tiny
// compared with the mean (raw second moments do not). Cov = M/(N-1).
//
// For small D every Add is Welford's update
//
//	n ← n+1,  δ = x - mean,  mean ← mean + δ/n,  M ← M + ((n-1)/n) δ δᵀ.
//
// For D ≥ 48 that rank-1 update, which streams all of M through memory at
// every draw, is replaced by a rank-k one. The accumulator works with the
// deviations y = x - s from a fixed shift s (its first draw), so that the
// running mean ȳ of the deviations is small and carries no rounding error of
// the order of |mean|. Add stores y and updates ȳ; every 64 draws (and at
// Flush) the block of B draws, with mean e and n_A draws before it, is merged
// with Chan, Golub & LeVeque's formula as one symmetric rank-(B+1) update
// (BLAS Dsyrk):
//
//	d = e - ȳ_A,   M ← M + Σ_l (y_l - e)(y_l - e)ᵀ + (n_A B / n) d dᵀ,   n = n_A + B.
//
// N and Mean (= s + ȳ) are current after every Add; M is brought up to date
// by Flush, which Cov, Merge and Clone call, and which Sample calls on every
// accumulator before it returns. Read M directly only after Flush.
//
// Memory is D + D² floats (plus 68·D for the block buffers when D ≥ 48)
// whatever the number of draws. Only the upper triangle of M is updated.
// A Moments is not safe for concurrent use, except for reading one whose
// block buffer is empty (after Flush).
type Moments struct {
	// N is the number of vectors added.
	N int
	// Mean is the running mean, length D.
	Mean []float64
	// M is the co-moment matrix Σ (x-mean)(x-mean)ᵀ, D×D row-major; only the
	// upper triangle (j ≥ i) is meaningful, and only after Flush.
	M []float64

	delta []float64

	// Block state (D ≥ blockMinDim). buf holds up to blockSize+1 rows of
	// length D: the deviations x - shift of the nbuf pending draws and, at
	// flush, the Chan cross-term row. ym is the mean of the deviations, ymA
	// its value before the pending block.
	buf, shift, ym, ymA []float64
	nbuf                int
}

const (
	// blockMinDim is the smallest D accumulated in blocks; below it the
	// rank-1 Welford update is about as fast (M stays in cache).
	blockMinDim = 48
	// blockSize is the number of draws B per rank-k update.
	blockSize = 64
)

// NewMoments returns an empty accumulator for vectors of length d.
func NewMoments(d int) *Moments {
	return &Moments{Mean: make([]float64, d), M: make([]float64, d*d), delta: make([]float64, d)}
}

// Add adds one vector. It allocates nothing (but the first Add of an
// accumulator with D ≥ 48 allocates its block buffer).
func (m *Moments) Add(x []float64) {
	d := len(m.Mean)
	if len(x) != d {
		panic("susc: Moments.Add: length mismatch")
	}
	if d >= blockMinDim {
		m.addBlock(x)
		return
	}
	if m.delta == nil {
		m.delta = make([]float64, d)
	}
	m.N++
	inv := 1 / float64(m.N)
	f := float64(m.N-1) * inv
	delta := m.delta
	for i, xi := range x {
		delta[i] = xi - m.Mean[i]
		m.Mean[i] += delta[i] * inv
	}
	for i := 0; i < d; i++ {
		a := f * delta[i]
		if a == 0 {
			continue
		}
		row := m.M[i*d+i : i*d+d]
		di := delta[i:]
		for j := range row {
			row[j] += a * di[j]
		}
	}
}

// initBlock allocates the block buffers. An accumulator that already holds
// draws without a shift (read back from JSON, say) takes its mean as the
// shift, so ȳ = 0 and no precision is lost to a large mean.
func (m *Moments) initBlock() {
	if m.buf != nil {
		return
	}
	d := len(m.Mean)
	m.buf = make([]float64, (blockSize+1)*d)
	m.shift = append([]float64(nil), m.Mean...)
	m.ym = make([]float64, d)
	m.ymA = make([]float64, d)
}

// split returns the shift and ȳ of coordinate i (Mean = shift + ȳ) without
// modifying m: an accumulator without block state counts as shift = Mean.
func (m *Moments) split(i int) (shift, ym float64) {
	if m.buf == nil {
		return m.Mean[i], 0
	}
	return m.shift[i], m.ym[i]
}

// addBlock stores x - shift in the block buffer, updates N, ȳ and Mean, and
// flushes a full block.
func (m *Moments) addBlock(x []float64) {
	m.initBlock()
	d := len(m.Mean)
	if m.N == 0 {
		copy(m.shift, x)
		clear(m.ym)
	}
	if m.nbuf == 0 {
		copy(m.ymA, m.ym)
	}
	y := m.buf[m.nbuf*d : m.nbuf*d+d]
	s, ym, mean := m.shift[:d], m.ym[:d], m.Mean[:d]
	m.N++
	inv := 1 / float64(m.N)
	for i, xi := range x {
		yi := xi - s[i]
		y[i] = yi
		ym[i] += (yi - ym[i]) * inv
		mean[i] = s[i] + ym[i]
	}
	m.nbuf++
	if m.nbuf == blockSize {
		m.Flush()
	}
}

// Flush merges the pending block of draws into M. It allocates nothing and
// is a no-op when nothing is pending.
func (m *Moments) Flush() {
	b := m.nbuf
	if b == 0 {
		return
	}
	d := len(m.Mean)
	nA := m.N - b
	y := m.buf[:(b+1)*d]
	// e = block mean of the deviations; recentre the rows on it.
	e := y[b*d : b*d+d]
	clear(e)
	for l := 0; l < b; l++ {
		for i, v := range y[l*d : l*d+d] {
			e[i] += v
		}
	}
	invB := 1 / float64(b)
	for i := range e {
		e[i] *= invB
	}
	for l := 0; l < b; l++ {
		row := y[l*d : l*d+d]
		for i := range row {
			row[i] -= e[i]
		}
	}
	// Chan's cross term (n_A B / n) d dᵀ as one more row √(n_A B / n) d.
	k := b
	if nA > 0 {
		c := math.Sqrt(float64(nA) * float64(b) / float64(m.N))
		for i := range e {
			e[i] = c * (e[i] - m.ymA[i])
		}
		k++
	}
	blas64.Syrk(blas.Trans, 1, blas64.General{Rows: k, Cols: d, Stride: d, Data: y[:k*d]},
		1, blas64.Symmetric{Uplo: blas.Upper, N: d, Stride: d, Data: m.M})
	m.nbuf = 0
}

// Merge adds the draws accumulated in o to m (Chan, Golub & LeVeque's
// pairwise update), as if they had been added one by one. It flushes both.
func (m *Moments) Merge(o *Moments) {
	d := len(m.Mean)
	if len(o.Mean) != d {
		panic("susc: Moments.Merge: dimension mismatch")
	}
	o.Flush()
	if o.N == 0 {
		return
	}
	m.Flush()
	block := d >= blockMinDim
	if block {
		m.initBlock() // m is written anyway; o is only read
	}
	if m.N == 0 {
		m.N = o.N
		copy(m.Mean, o.Mean)
		copy(m.M, o.M)
		if block {
			for i := range m.shift {
				m.shift[i], m.ym[i] = o.split(i)
			}
		}
		return
	}
	na, nb := float64(m.N), float64(o.N)
	n := na + nb
	f := na * nb / n
	if m.delta == nil {
		m.delta = make([]float64, d)
	}
	delta := m.delta
	for i := range delta {
		if block {
			// Difference of the means from the shifts and the small ȳ.
			os, oy := o.split(i)
			delta[i] = (os - m.shift[i]) + (oy - m.ym[i])
		} else {
			delta[i] = o.Mean[i] - m.Mean[i]
		}
	}
	for i := 0; i < d; i++ {
		a := f * delta[i]
		row, orow := m.M[i*d+i:i*d+d], o.M[i*d+i:i*d+d]
		di := delta[i:]
		for j := range row {
			row[j] += orow[j] + a*di[j]
		}
	}
	for i := range m.Mean {
		if block {
			m.ym[i] += delta[i] * nb / n
			m.Mean[i] = m.shift[i] + m.ym[i]
		} else {
			m.Mean[i] += delta[i] * nb / n
		}
	}
	m.N += o.N
}

// Cov returns the unbiased covariance of coordinates i and j, M_ij/(N-1).
// It is NaN for fewer than two draws. It flushes m.
func (m *Moments) Cov(i, j int) float64 {
	if m.N < 2 {
		return nan
	}
	m.Flush()
	if j < i {
		i, j = j, i
	}
	return m.M[i*len(m.Mean)+j] / float64(m.N-1)
}

// Clone returns a deep copy (of a flushed m).
func (m *Moments) Clone() *Moments {
	c := NewMoments(len(m.Mean))
	c.Merge(m)
	return c
}
