package susc

// Moments accumulates the mean and the co-moment matrix of a stream of
// vectors x ∈ R^D with Welford's update, which stays accurate when the
// covariance is tiny compared with the mean (raw second moments do not):
//
//	n ← n+1,  δ = x - mean,  mean ← mean + δ/n,  M ← M + ((n-1)/n) δ δᵀ
//
// so that Cov = M/(n-1). Memory is D + D² floats whatever the number of
// draws. Only the upper triangle of M is updated; read it with Cov.
type Moments struct {
	// N is the number of vectors added.
	N int
	// Mean is the running mean, length D.
	Mean []float64
	// M is the co-moment matrix Σ (x-mean)(x-mean)ᵀ, D×D row-major; only the
	// upper triangle (j ≥ i) is meaningful.
	M []float64

	delta []float64
}

// NewMoments returns an empty accumulator for vectors of length d.
func NewMoments(d int) *Moments {
	return &Moments{Mean: make([]float64, d), M: make([]float64, d*d), delta: make([]float64, d)}
}

// Dim returns D.
func (m *Moments) Dim() int { return len(m.Mean) }

// Add adds one vector. It allocates nothing.
func (m *Moments) Add(x []float64) {
	d := len(m.Mean)
	if len(x) != d {
		panic("susc: Moments.Add: length mismatch")
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

// Merge adds the draws accumulated in o to m (Chan, Golub & LeVeque's
// pairwise update), as if they had been added one by one.
func (m *Moments) Merge(o *Moments) {
	if o.N == 0 {
		return
	}
	d := len(m.Mean)
	if len(o.Mean) != d {
		panic("susc: Moments.Merge: dimension mismatch")
	}
	if m.N == 0 {
		m.N = o.N
		copy(m.Mean, o.Mean)
		copy(m.M, o.M)
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
		delta[i] = o.Mean[i] - m.Mean[i]
	}
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			m.M[i*d+j] += o.M[i*d+j] + f*delta[i]*delta[j]
		}
	}
	for i := range m.Mean {
		m.Mean[i] += delta[i] * nb / n
	}
	m.N += o.N
}

// Cov returns the unbiased covariance of coordinates i and j, M_ij/(N-1).
// It is NaN for fewer than two draws.
func (m *Moments) Cov(i, j int) float64 {
	if m.N < 2 {
		return nan
	}
	if j < i {
		i, j = j, i
	}
	return m.M[i*len(m.Mean)+j] / float64(m.N-1)
}

// Clone returns a deep copy.
func (m *Moments) Clone() *Moments {
	c := NewMoments(len(m.Mean))
	c.Merge(m)
	return c
}
