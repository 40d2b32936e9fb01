// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestGaussianMeanExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	m := GaussianMeanData(rng, 40, []float64{0.5, -1}, 1)
	probe := GaussianMeanData(rng, 30, []float64{2, 0}, 1)
	nbeta, gamma := 25.0, 7.0
	c := []float64{0.3, 0.1}
	// J = d/dh of the posterior mean of the mixture q_h = (1-h)q + hq',
	// whose data mean is (1-h)ȳ + hμ'.
	chi := m.Susceptibility(nil, probe, nbeta, gamma)
	for k := 0; k < 2; k++ {
		ybar, mu := m.Mean()[k], probe.Mean()[k]
		post := func(h float64) float64 {
			return (nbeta*((1-h)*ybar+h*mu) + gamma*c[k]) / (nbeta + gamma)
		}
		if got := m.PosteriorMean(nil, nbeta, gamma, c)[k]; math.Abs(got-post(0)) > 1e-14 {
			t.Errorf("posterior mean %v, want %v", got, post(0))
		}
		j := (post(0.1) - post(-0.1)) / 0.2
		if math.Abs(nbeta*chi[k]-j) > 1e-12 {
			t.Errorf("J = nβχ = %v, want %v", nbeta*chi[k], j)
		}
	}
	// LLC at the centre ȳ: d nβ/(2(nβ+γ)).
	if got, want := m.LLC(nbeta, gamma, nil), 2*nbeta/(2*(nbeta+gamma)); math.Abs(got-want) > 1e-12 {
		t.Errorf("LLC = %v, want %v", got, want)
	}
	// 1D: compare LLC and susceptibility with quadrature, also at an
	// off-minimum centre.
	m1 := GaussianMeanData(rng, 20, []float64{0.2}, 1)
	p1 := GaussianMeanData(rng, 20, []float64{-0.4}, 2)
	L := func(x float64) float64 { return m1.LossGrad(nil, []float64{x}, nil) }
	dL := func(x float64) float64 { return p1.LossGrad(nil, []float64{x}, nil) - L(x) }
	post, err := NewPosterior1D(Density1D{V: L, D: dL, NBeta: nbeta, Gamma: gamma, Center: 1.3})
	if err != nil {
		t.Fatal(err)
	}
	lq := nbeta * (post.Expect(L) - L(1.3))
	if got := m1.LLC(nbeta, gamma, []float64{1.3}); math.Abs(got-lq) > 1e-10*math.Abs(lq) {
		t.Errorf("1D LLC = %v, quadrature %v", got, lq)
	}
	chiq := -post.Cov(func(x float64) float64 { return x }, dL)
	if got := m1.Susceptibility(nil, p1, nbeta, gamma)[0]; math.Abs(got-chiq) > 1e-10*math.Abs(chiq) {
		t.Errorf("1D χ = %v, quadrature %v", got, chiq)
	}
	if got, want := post.Var(), m1.PosteriorVar(nbeta, gamma); math.Abs(got-want) > 1e-10*want {
		t.Errorf("1D var = %v, want %v", got, want)
	}
}

// sampleCov returns the sample covariance of a and b and its standard error.
func sampleCov(a, b []float64) (cov, se float64) {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= n
	mb /= n
	var s, s2 float64
	for i := range a {
		p := (a[i] - ma) * (b[i] - mb)
		s += p
		s2 += p * p
	}
	cov = s / n
	return cov, math.Sqrt((s2/n - cov*cov) / n)
}

func TestLinearRegressionMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, noise := range []float64{0.7, 0} {
		m := LinearRegressionData(rng, 12, []float64{1, -0.5, 2}, noise)
		nbeta, gamma := 8.0, 2.0
		post := m.Posterior(nbeta, gamma, nil)
		idx := []int{0, 3, 7, 11}
		lc := post.LossCov(idx)
		lr := post.LossCorr(idx)
		pc := post.LossParamCov(idx)

		// Exact draws w = Mean + L z, Cov = L Lᵀ (distmv would pull in x/tools).
		var chol mat.Cholesky
		if !chol.Factorize(post.Cov) {
			t.Fatal("covariance not PD")
		}
		var lt mat.TriDense
		chol.LTo(&lt)
		src := rand.New(rand.NewPCG(15, 16))
		z := make([]float64, m.Dim())
		const N = 400000
		ls := make([][]float64, len(idx))
		for a := range ls {
			ls[a] = make([]float64, N)
		}
		ws := make([][]float64, m.Dim())
		for k := range ws {
			ws[k] = make([]float64, N)
		}
		all := make([]float64, N)
		w := make([]float64, m.Dim())
		pl := make([]float64, len(idx))
		for s := 0; s < N; s++ {
			for k := range z {
				z[k] = src.NormFloat64()
			}
			for k := range w {
				w[k] = post.Mean[k]
				for j := 0; j <= k; j++ {
					w[k] += lt.At(k, j) * z[j]
				}
			}
			m.PointLosses(pl, w, idx)
			for a := range idx {
				ls[a][s] = pl[a]
			}
			for k := range w {
				ws[k][s] = w[k]
			}
			all[s] = m.LossGrad(nil, w, nil)
		}
		for a := range idx {
			for b := range idx {
				got, se := sampleCov(ls[a], ls[b])
				if want := lc.At(a, b); math.Abs(got-want) > 5*se+1e-12 {
					t.Errorf("noise %v: Cov(l_%d, l_%d): MC %v ± %v, exact %v", noise, idx[a], idx[b], got, se, want)
				}
				if noise > 0 {
					va, _ := sampleCov(ls[a], ls[a])
					vb, _ := sampleCov(ls[b], ls[b])
					if corr := got / math.Sqrt(va*vb); math.Abs(corr-lr.At(a, b)) > 0.01 {
						t.Errorf("Corr(l_%d, l_%d): MC %v, exact %v", idx[a], idx[b], corr, lr.At(a, b))
					}
				}
			}
			for k := 0; k < m.Dim(); k++ {
				got, se := sampleCov(ws[k], ls[a])
				if want := pc.At(k, a); math.Abs(got-want) > 5*se+1e-12 {
					t.Errorf("noise %v: Cov(w_%d, l_%d): MC %v ± %v, exact %v", noise, k, idx[a], got, se, want)
				}
			}
		}
		var mean, m2 float64
		for _, v := range all {
			mean += v
			m2 += v * v
		}
		mean /= N
		se := math.Sqrt((m2/N - mean*mean) / N)
		if want := post.ExpectedLoss(); math.Abs(mean-want) > 5*se {
			t.Errorf("E[L_n]: MC %v ± %v, exact %v", mean, se, want)
		}
	}
}

func TestLinearRegressionClosedForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	m := LinearRegressionData(rng, 15, []float64{1, -0.5, 2}, 0.4)
	n := float64(m.NumData())
	gamma := 0.5
	// Least squares: gradient vanishes.
	g := make([]float64, 3)
	m.LossGrad(g, m.LeastSquares(), m.batchAll())
	for _, v := range g {
		if math.Abs(v) > 1e-13 {
			t.Errorf("gradient at least squares %v", g)
		}
	}
	// Hessian: gradient difference of a quadratic is exact.
	h := m.Hessian()
	w := []float64{0.3, -1, 2}
	v := []float64{0.5, 0.25, -1}
	g1, g2 := make([]float64, 3), make([]float64, 3)
	m.LossGrad(g1, w, nil)
	m.LossGrad(g2, []float64{w[0] + v[0], w[1] + v[1], w[2] + v[2]}, nil)
	var hv mat.VecDense
	hv.MulVec(h, mat.NewVecDense(3, v))
	for k := range g1 {
		if math.Abs(g2[k]-g1[k]-hv.AtVec(k)) > 1e-12 {
			t.Errorf("Hessian·v %v, gradient difference %v", hv.AtVec(k), g2[k]-g1[k])
		}
	}
	// Classical influence = -(first term of the exact covariance) at β = 1.
	post := m.Posterior(n, gamma, nil)
	lc := post.LossCov(nil)
	c := post.C(nil)
	ci := m.ClassicalInfluence(gamma, nil)
	for i := 0; i < m.NumData(); i++ {
		for j := 0; j < m.NumData(); j++ {
			if d := lc.At(i, j) + ci.At(i, j) - c.At(i, j)*c.At(i, j)/2; math.Abs(d) > 1e-14 {
				t.Errorf("Cov + IF - c²/2 = %v at (%d,%d)", d, i, j)
			}
		}
	}
	cp := m.ClassicalInfluenceParams(gamma, []int{2, 4})
	pc := post.LossParamCov([]int{2, 4})
	for k := 0; k < 3; k++ {
		for b := 0; b < 2; b++ {
			if math.Abs(cp.At(k, b)+pc.At(k, b)) > 1e-14 {
				t.Errorf("classical param influence %v != -Cov %v", cp.At(k, b), pc.At(k, b))
			}
		}
	}
	// Regular LLC → d/2.
	if got := m.Posterior(1e9, 1e-3, nil).LLC(nil); math.Abs(got-1.5) > 1e-6 {
		t.Errorf("LLC at large nβ = %v, want 1.5", got)
	}
	// Off-centre prior: mean solves (βXᵀX + γI) m = βXᵀy + γc; check via
	// the stationarity of the log density.
	cen := []float64{1, 1, 1}
	p2 := m.Posterior(10, 3, cen)
	m.LossGrad(g, p2.Mean, nil)
	for k := range g {
		if s := 10*g[k] + 3*(p2.Mean[k]-cen[k]); math.Abs(s) > 1e-12 {
			t.Errorf("posterior mean not stationary: %v", s)
		}
	}
}

func (m *LinearRegression) batchAll() []int { return allIndices(m.n) }

func TestQuadratureGaussian(t *testing.T) {
	for _, tc := range []struct{ lambda, nbeta, gamma, c float64 }{
		{1, 10, 3, 0.7}, {2, 1e4, 1, -3}, {0, 0, 5, 2}, {0.5, 1e6, 0, 0},
	} {
		p, err := NewPosterior1D(Density1D{V: Polynomial{Lambda: tc.lambda}.Value, NBeta: tc.nbeta, Gamma: tc.gamma, Center: tc.c})
		if err != nil {
			t.Fatal(err)
		}
		prec := tc.nbeta*tc.lambda + tc.gamma
		mean := tc.gamma * tc.c / prec
		if got := p.Mean(); math.Abs(got-mean) > 1e-10*math.Max(math.Abs(mean), 1/math.Sqrt(prec)) {
			t.Errorf("%+v: mean %v, want %v", tc, got, mean)
		}
		if got := p.Var(); math.Abs(got-1/prec) > 1e-10/prec {
			t.Errorf("%+v: var %v, want %v", tc, got, 1/prec)
		}
		m4 := p.Expect(func(x float64) float64 { return math.Pow(x-mean, 4) })
		if want := 3 / (prec * prec); math.Abs(m4-want) > 1e-10*want {
			t.Errorf("%+v: 4th central moment %v, want %v", tc, m4, want)
		}
	}
}

func TestQuadratureMonomial(t *testing.T) {
	// V = x^{2k}/(2k)!, γ = 0: with a = nβ/(2k)!, E[x^{2j}] = a^{-j/k} Γ((2j+1)/(2k)) / Γ(1/(2k)).
	for _, k := range []int{2, 3} {
		for _, nbeta := range []float64{1, 50, 1e6} {
			p, err := NewPosterior1D(Density1D{V: Monomial{K: k}.Value, NBeta: nbeta})
			if err != nil {
				t.Fatal(err)
			}
			a := nbeta / factorial(2*k)
			for j := 1; j <= 3; j++ {
				want := math.Pow(a, -float64(j)/float64(k)) * math.Gamma(float64(2*j+1)/float64(2*k)) / math.Gamma(1/float64(2*k))
				got := p.Expect(func(x float64) float64 { return ipow(x, 2*j) })
				if math.Abs(got-want) > 1e-10*want {
					t.Errorf("k=%d nβ=%v: E[x^%d] = %v, want %v (rel %g)", k, nbeta, 2*j, got, want, math.Abs(got-want)/want)
				}
			}
			// The LLC of x^{2k}/(2k)! is exactly 1/(2k) at γ = 0 (scale invariance).
			if got := nbeta * p.Expect(Monomial{K: k}.Value); math.Abs(got-1/float64(2*k)) > 1e-10 {
				t.Errorf("k=%d: LLC %v, want %v", k, got, 1/float64(2*k))
			}
		}
	}
}

func TestQuadratureFDT(t *testing.T) {
	v := Polynomial{Lambda: 1, Alpha: 0.5, Kappa: 2}
	d := func(x float64) float64 { return math.Sin(x) + x*x/3 }
	phi := func(x float64) float64 { return x + x*x*x/5 }
	base := Density1D{V: v.Value, D: d, H: 0.3, NBeta: 7, Gamma: 2, Center: 0.1}
	mean := func(h, nb float64) float64 {
		dd := base
		dd.H, dd.NBeta = h, nb
		p, err := NewPosterior1D(dd)
		if err != nil {
			t.Fatal(err)
		}
		return p.Expect(phi)
	}
	p, err := NewPosterior1D(base)
	if err != nil {
		t.Fatal(err)
	}
	// Five-point stencil, error O(δ⁴).
	const del = 1e-3
	h := base.H
	dh := (-mean(h+2*del, 7) + 8*mean(h+del, 7) - 8*mean(h-del, 7) + mean(h-2*del, 7)) / (12 * del)
	if want := -base.NBeta * p.Cov(phi, d); math.Abs(dh-want) > 1e-9*math.Abs(want) {
		t.Errorf("FDT: ∂_h<φ> = %v, -nβ Cov(φ, D) = %v", dh, want)
	}
	// Cov(L_h, φ) = -∂_{nβ}<φ>, L_h = V + hD.
	lh := func(x float64) float64 { return v.Value(x) + h*d(x) }
	nb := base.NBeta
	dnb := (-mean(h, nb+2*del) + 8*mean(h, nb+del) - 8*mean(h, nb-del) + mean(h, nb-2*del)) / (12 * del)
	if got := p.Cov(lh, phi); math.Abs(got+dnb) > 1e-9*math.Abs(got) {
		t.Errorf("Cov(L, φ) = %v, -∂_nβ<φ> = %v", got, -dnb)
	}
}

func TestLinearRegressionSusceptibility(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	m := LinearRegressionData(rng, 15, []float64{1, -0.5, 2}, 0.4)
	probe := LinearRegressionData(rng, 9, []float64{0, 1, 1}, 0.4)
	nbeta, gamma := 12.0, 3.0
	c := []float64{0.2, 0.1, 0.5}
	chi := m.Posterior(nbeta, gamma, c).Susceptibility(probe)
	// Posterior mean of the mixture loss L_h = (1-h)L + hL':
	// [nβ((1-h)A + hA') + γI] μ = nβ((1-h)b + hb') + γc, b = Xᵀy/n.
	mean := func(h float64) []float64 {
		d := 3
		prec := mat.NewDense(d, d, nil)
		rhs := mat.NewVecDense(d, nil)
		for _, part := range []struct {
			m   *LinearRegression
			wgt float64
		}{{m, 1 - h}, {probe, h}} {
			pm := part.m
			s := nbeta * part.wgt / float64(pm.n)
			for i := 0; i < pm.n; i++ {
				for j := 0; j < d; j++ {
					rhs.SetVec(j, rhs.AtVec(j)+s*pm.y[i]*pm.x[i*d+j])
					for k := 0; k < d; k++ {
						prec.Set(j, k, prec.At(j, k)+s*pm.x[i*d+j]*pm.x[i*d+k])
					}
				}
			}
		}
		for j := 0; j < d; j++ {
			prec.Set(j, j, prec.At(j, j)+gamma)
			rhs.SetVec(j, rhs.AtVec(j)+gamma*c[j])
		}
		var mu mat.VecDense
		if err := mu.SolveVec(prec, rhs); err != nil {
			t.Fatal(err)
		}
		return mu.RawVector().Data
	}
	const del = 1e-3
	p2, p1, m1, m2 := mean(2*del), mean(del), mean(-del), mean(-2*del)
	for k := range chi {
		j := (-p2[k] + 8*p1[k] - 8*m1[k] + m2[k]) / (12 * del)
		if math.Abs(nbeta*chi[k]-j) > 1e-9*math.Max(1, math.Abs(j)) {
			t.Errorf("J_%d = nβχ = %v, finite difference %v", k, nbeta*chi[k], j)
		}
	}
	if got := m.Posterior(nbeta, gamma, c).Mean; maxRelVec(got, mean(0)) > 1e-12 {
		t.Errorf("posterior mean %v, want %v", got, mean(0))
	}
}
