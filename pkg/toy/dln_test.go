// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func dlnPoints(m *DeepLinear) func(rng *rand.Rand) [][]float64 {
	return func(rng *rand.Rand) [][]float64 {
		return [][]float64{RandomInit(rng, m.Dim(), 0.7), RandomInit(rng, m.Dim(), 0.3), RandomInit(rng, m.Dim(), 1)}
	}
}

func dlnCases() []structCase {
	rng := rand.New(rand.NewPCG(21, 22))
	var cs []structCase
	for _, c := range []struct {
		name   string
		widths []int
		s      []float64
		n      int
	}{
		{"DLN3-4-2", []int{3, 4, 2}, []float64{2, 0.5}, 30},
		{"DLN5-3-3-4", []int{5, 3, 3, 4}, []float64{3, 1, 0.2}, 25},
		{"DLN2-6-1-5-3", []int{2, 6, 1, 5, 3}, []float64{1}, 20},
	} {
		in, out := c.widths[0], c.widths[len(c.widths)-1]
		teacher := NewLinearTeacher(rng, in, out, c.s, 0.3)
		x, y, _ := GenerateDeepLinear(rng, c.n, teacher, nil)
		m := NewDeepLinear(c.widths, x, y)
		cs = append(cs, structCase{name: c.name, m: m, batch: []int{1, 4, 4, 0, c.n - 1}, points: dlnPoints(m)})
	}
	return cs
}

func TestDeepLinearStructural(t *testing.T) { runStructural(t, dlnCases()) }

// TestDeepLinearLossAgainstReference compares with an explicit gonum product.
func TestDeepLinearLossAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	for _, c := range dlnCases() {
		m := c.m.(*DeepLinear)
		w := RandomInit(rng, m.Dim(), 1)
		ws := m.Weights(w)
		M := mat.DenseCopyOf(ws[0])
		for _, wl := range ws[1:] {
			var p mat.Dense
			p.Mul(wl, M)
			M = &p
		}
		if !mat.EqualApprox(M, m.EndToEnd(w), 1e-12) {
			t.Errorf("%s: EndToEnd differs from the product of Weights", c.name)
		}
		var loss float64
		for i := 0; i < m.NumData(); i++ {
			in, out := m.widths[0], m.widths[len(m.widths)-1]
			x := mat.NewVecDense(in, m.x[i*in:(i+1)*in])
			var r mat.VecDense
			r.MulVec(M, x)
			r.SubVec(mat.NewVecDense(out, m.y[i*out:(i+1)*out]), &r)
			loss += mat.Dot(&r, &r) / 2
		}
		loss /= float64(m.NumData())
		if e := sRel(loss, m.LossGrad(nil, w, nil)); e > 1e-11 {
			t.Errorf("%s: loss %v, reference %v", c.name, m.LossGrad(nil, w, nil), loss)
		}
	}
}

func TestLinearTeacher(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	s := []float64{3, 2, 1, 0.5}
	tc := NewLinearTeacher(rng, 7, 5, s, 0.2)
	var utu, vtv mat.Dense
	utu.Mul(tc.U.T(), tc.U)
	vtv.Mul(tc.V.T(), tc.V)
	eye := mat.NewDiagDense(4, []float64{1, 1, 1, 1})
	if !mat.EqualApprox(&utu, eye, 1e-12) || !mat.EqualApprox(&vtv, eye, 1e-12) {
		t.Fatalf("U or V not orthonormal")
	}
	var svd mat.SVD
	if !svd.Factorize(tc.Map(), mat.SVDNone) {
		t.Fatal("SVD failed")
	}
	for k, v := range svd.Values(nil)[:4] {
		if math.Abs(v-s[k]) > 1e-12 {
			t.Errorf("singular value %d = %v, want %v", k, v, s[k])
		}
	}

	// Mixture frequencies, pattern inputs along v_k, noise level.
	pi := []float64{0.1, 0.3, 0.05, 0.15, 0.4}
	const n = 20000
	x, y, pat := GenerateDeepLinear(rng, n, tc, pi)
	counts := make([]int, 5)
	T := tc.Map()
	var rss float64
	for i := 0; i < n; i++ {
		c := pat[i]
		counts[c]++
		xi := mat.NewVecDense(7, x.RawRowView(i))
		if c < 4 {
			// x = v_c z: the component of x orthogonal to v_c vanishes.
			z := mat.Dot(xi, tc.V.ColView(c))
			var perp mat.VecDense
			perp.AddScaledVec(xi, -z, tc.V.ColView(c))
			if perp.Norm(2) > 1e-12 {
				t.Fatalf("sample %d of pattern %d not along v_%d", i, c, c)
			}
		}
		var r mat.VecDense
		r.MulVec(T, xi)
		r.SubVec(mat.NewVecDense(5, y.RawRowView(i)), &r)
		rss += mat.Dot(&r, &r)
	}
	for c, p := range pi {
		if !binomialOK(counts[c], n, p) {
			t.Errorf("component %d: %d of %d samples, want %v", c, counts[c], n, float64(n)*p)
		}
	}
	// rss/σ² ~ χ²(5n): mean 5n, sd √(10n).
	if v := rss / (0.2 * 0.2); math.Abs(v-5*n) > 5*math.Sqrt(10*n) {
		t.Errorf("noise: rss/σ² = %v, want %v", v, 5*n)
	}
}

func TestDeepLinearMasks(t *testing.T) {
	widths := []int{3, 4, 2, 5}
	x, y := mat.NewDense(2, 3, nil), mat.NewDense(2, 5, nil)
	m := NewDeepLinear(widths, x, y)
	if m.Dim() != 12+8+10 || m.LayerOffset(1) != 12 || m.LayerOffset(2) != 20 || m.LayerOffset(3) != 30 {
		t.Fatalf("layout: Dim %d offsets %d %d %d", m.Dim(), m.LayerOffset(1), m.LayerOffset(2), m.LayerOffset(3))
	}
	for l := 0; l < 3; l++ {
		var want []int
		for k := m.LayerOffset(l); k < m.LayerOffset(l+1); k++ {
			want = append(want, k)
		}
		checkMask(t, "LayerMask", m.LayerMask(l), m.Dim(), want)
	}
	// Through the documented views: unit j of hidden layer l is row j of
	// W_l and column j of W_{l+1}.
	for l := 0; l < 2; l++ {
		for j := 0; j < widths[l+1]; j++ {
			mask := m.HiddenUnitMask(l, j)
			w := make([]float64, m.Dim())
			count := 0
			for i, on := range mask {
				if on {
					w[i] = 1
					count++
				}
			}
			if count != widths[l]+widths[l+2] {
				t.Errorf("HiddenUnitMask(%d, %d) selects %d entries", l, j, count)
			}
			ws := m.Weights(w)
			for ll, wl := range ws {
				r, c := wl.Dims()
				for a := 0; a < r; a++ {
					for b := 0; b < c; b++ {
						want := (ll == l && a == j) || (ll == l+1 && b == j)
						if (wl.At(a, b) == 1) != want {
							t.Errorf("HiddenUnitMask(%d, %d): W_%d[%d,%d] = %v", l, j, ll, a, b, wl.At(a, b))
						}
					}
				}
			}
		}
	}
}

// TestDeepLinearTrainLearnsModes trains from a small initialization and
// checks that every mode is learned: u_kᵀ M v_k ≈ s_k (up to the noise).
func TestDeepLinearTrainLearnsModes(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	s := []float64{3, 1.5, 0.75}
	tc := NewLinearTeacher(rng, 6, 4, s, 0.1)
	x, y, _ := GenerateDeepLinear(rng, 2000, tc, nil)
	m := NewDeepLinear([]int{6, 5, 5, 4}, x, y)
	w0 := RandomInit(rng, m.Dim(), 0.1)
	before := m.ModeStrengths(nil, w0, tc)
	w, l := Train(m, w0, TrainConfig{Steps: 3000, LR: 0.05, BatchSize: 64, Seed: 3})
	after := m.ModeStrengths(nil, w, tc)
	for k := range s {
		if math.Abs(before[k]) > 0.1 || math.Abs(after[k]-s[k]) > 0.05 {
			t.Errorf("mode %d: strength %v before, %v after training, want ≈ %v", k, before[k], after[k], s[k])
		}
	}
	if want := 4 * 0.01 / 2; l > 1.5*want {
		t.Errorf("trained loss %v, noise floor %v", l, want)
	}
	// ModeStrengths matches u_kᵀ M v_k through EndToEnd, without allocating.
	M := m.EndToEnd(w)
	for k := range s {
		var mv mat.VecDense
		mv.MulVec(M, tc.V.ColView(k))
		if e := sRel(mat.Dot(tc.U.ColView(k), &mv), after[k]); e > 1e-12 {
			t.Errorf("ModeStrengths[%d] rel err %g", k, e)
		}
	}
	dst := make([]float64, 3)
	if a := testing.AllocsPerRun(10, func() { m.ModeStrengths(dst, w, tc) }); a != 0 {
		t.Errorf("ModeStrengths allocates %v", a)
	}
}

// TestSerialGemmTiled checks the tiled path of serialGemm (products big enough for
// gonum to go parallel) against gonum's mat, for all transpositions.
func TestSerialGemmTiled(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, sz := range [][3]int{{200, 150, 30}, {70, 300, 9}, {5, 7, 3}, {20, 20, 20}, {1, 9, 1}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				a := mat.NewDense(m, k, RandomInit(rng, m*k, 1))
				b := mat.NewDense(k, n, RandomInit(rng, k*n, 1))
				c0 := RandomInit(rng, m*n, 1)
				var want mat.Dense
				want.Mul(a, b)
				want.Scale(2, &want)
				want.Add(&want, mat.NewDense(m, n, append([]float64(nil), c0...)))
				araw, lda := a.RawMatrix().Data, k
				if ta {
					araw, lda = mat.DenseCopyOf(a.T()).RawMatrix().Data, m
				}
				braw, ldb := b.RawMatrix().Data, n
				if tb {
					braw, ldb = mat.DenseCopyOf(b.T()).RawMatrix().Data, k
				}
				c := append([]float64(nil), c0...)
				serialGemm(ta, tb, m, n, k, 2, araw, lda, braw, ldb, 1, c, n)
				if !mat.EqualApprox(&want, mat.NewDense(m, n, c), 1e-10) {
					t.Errorf("serialGemm %v ta=%v tb=%v wrong", sz, ta, tb)
				}
				if a := testing.AllocsPerRun(3, func() { serialGemm(ta, tb, m, n, k, 2, araw, lda, braw, ldb, 1, c, n) }); a != 0 {
					t.Errorf("serialGemm %v allocates %v", sz, a)
				}
			}
		}
	}
}

func benchDLN(b *testing.B, widths []int, n int) {
	rng := rand.New(rand.NewPCG(1, 2))
	in, out := widths[0], widths[len(widths)-1]
	s := make([]float64, min(in, out))
	for k := range s {
		s[k] = float64(len(s) - k)
	}
	tc := NewLinearTeacher(rng, in, out, s, 0.1)
	x, y, _ := GenerateDeepLinear(rng, n, tc, nil)
	benchStructural(b, NewDeepLinear(widths, x, y))
}

func BenchmarkLossGradDLNSmall(b *testing.B) { benchDLN(b, []int{6, 5, 5, 4}, 1000) }

func BenchmarkLossGradDLNMedium(b *testing.B) { benchDLN(b, []int{32, 32, 32, 32, 32}, 1000) }

func BenchmarkLossGradDLNMediumBatch(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := []float64{4, 3, 2, 1}
	tc := NewLinearTeacher(rng, 32, 32, s, 0.1)
	x, y, _ := GenerateDeepLinear(rng, 1000, tc, nil)
	m := NewDeepLinear([]int{32, 32, 32, 32, 32}, x, y)
	w := RandomInit(rng, m.Dim(), 0.5)
	g := make([]float64, m.Dim())
	batch := allIndices(64)
	b.ReportAllocs()
	for b.Loop() {
		m.LossGrad(g, w, batch)
	}
}

// TestSmallGemmLoopsOrder checks the blocked small-product loops bit for bit
// against a plain triple loop that adds each C[i,j]'s terms in the order
// p = 0..k-1 (the order the blocking must keep), for every shape up to 9
// (remainders of the 4-blocking included), both transpositions of A or B,
// with leading dimensions larger than the rows and β ∈ {0, 1, -0.5}.
func TestSmallGemmLoopsOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for m := 1; m <= 9; m++ {
		for n := 1; n <= 9; n++ {
			for k := 1; k <= 9; k++ {
				for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
					tA, tB := tr[0], tr[1]
					// A is m×k (stored k×m if tA), B is k×n (stored n×k if tB), padded by 2.
					lda, ldb, ldc := k+2, n+2, n+2
					if tA {
						lda = m + 2
					}
					if tB {
						ldb = k + 2
					}
					a := RandomInit(rng, max(m, k)*lda, 1)
					b := RandomInit(rng, max(k, n)*ldb, 1)
					at := func(i, p int) float64 {
						if tA {
							return a[p*lda+i]
						}
						return a[i*lda+p]
					}
					bt := func(p, j int) float64 {
						if tB {
							return b[j*ldb+p]
						}
						return b[p*ldb+j]
					}
					for _, beta := range []float64{0, 1, -0.5} {
						c0 := RandomInit(rng, m*ldc, 1)
						want := append([]float64(nil), c0...)
						for i := range m {
							for j := range n {
								x := want[i*ldc+j]
								if beta != 1 {
									x *= beta
								}
								if beta == 0 {
									x = 0
								}
								if tB {
									var s float64
									for p := range k {
										s += at(i, p) * bt(p, j)
									}
									x += 1.5 * s
								} else {
									for p := range k {
										x += (1.5 * at(i, p)) * bt(p, j)
									}
								}
								want[i*ldc+j] = x
							}
						}
						got := append([]float64(nil), c0...)
						smallGemmLoops(tA, tB, m, n, k, 1.5, a, lda, b, ldb, beta, got, ldc)
						for i := range got {
							if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
								t.Fatalf("m, n, k = %d, %d, %d, tA %v, tB %v, β %v: C[%d] = %v, want %v (bit for bit)",
									m, n, k, tA, tB, beta, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}
