package susc

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
)

// welford is the one-draw-at-a-time reference (the accumulator before block
// updates): mean ← mean + δ/n, M ← M + ((n-1)/n) δ δᵀ, full matrix.
type welford struct {
	n           int
	mean, m, dl []float64
}

func (w *welford) add(x []float64) {
	d := len(x)
	if w.mean == nil {
		w.mean, w.m, w.dl = make([]float64, d), make([]float64, d*d), make([]float64, d)
	}
	w.n++
	inv := 1 / float64(w.n)
	f := float64(w.n-1) * inv
	delta := w.dl
	for i, xi := range x {
		delta[i] = xi - w.mean[i]
		w.mean[i] += delta[i] * inv
	}
	for i := range d {
		a := f * delta[i]
		row, di := w.m[i*d+i:i*d+d], delta[i:]
		for j := range row {
			row[j] += a * di[j]
		}
	}
}

// twoPass returns the mean (summed exactly with big.Float, then rounded)
// and the co-moment matrix of the deviations from the exact mean (each
// deviation rounded once): the reference, accurate to a few ulps even when
// the mean dominates.
func twoPass(xs [][]float64) (mean, m []float64) {
	d := len(xs[0])
	mean, m = make([]float64, d), make([]float64, d*d)
	dev := make([][]float64, len(xs))
	for k := range dev {
		dev[k] = make([]float64, d)
	}
	for i := range d {
		sum := new(big.Float).SetPrec(2048)
		for _, x := range xs {
			sum.Add(sum, new(big.Float).SetFloat64(x[i]))
		}
		sum.Quo(sum, new(big.Float).SetInt64(int64(len(xs))))
		mean[i], _ = sum.Float64()
		for k, x := range xs {
			v := new(big.Float).SetPrec(2048).SetFloat64(x[i])
			dev[k][i], _ = v.Sub(v, sum).Float64()
		}
	}
	for _, y := range dev {
		for i := range d {
			for j := i; j < d; j++ {
				m[i*d+j] += y[i] * y[j]
			}
		}
	}
	return mean, m
}

// drawStream returns n correlated draws of dimension d with mean of order
// scale and standard deviations of order sd (a random walk around a random
// mean: autocorrelated like a chain, so that block means drift).
func drawStream(n, d int, scale, sd float64, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	mu := make([]float64, d)
	mix := make([]float64, d)
	for i := range mu {
		mu[i] = scale * (1 + rng.Float64())
		mix[i] = rng.NormFloat64()
	}
	state := make([]float64, d)
	xs := make([][]float64, n)
	for k := range xs {
		common := rng.NormFloat64()
		x := make([]float64, d)
		for i := range x {
			state[i] = 0.9*state[i] + rng.NormFloat64()
			x[i] = mu[i] + sd*(state[i]+mix[i]*common)
		}
		xs[k] = x
	}
	return xs
}

// relErr returns max |a - b| over the upper triangle divided by the largest
// |b| on the diagonal (covariances are bounded by the variances).
func relErr(a, b []float64, d int) float64 {
	var scale, e float64
	for i := range d {
		scale = math.Max(scale, math.Abs(b[i*d+i]))
		for j := i; j < d; j++ {
			e = math.Max(e, math.Abs(a[i*d+j]-b[i*d+j]))
		}
	}
	return e / scale
}

func TestMomentsBlockMatchesWelford(t *testing.T) {
	for _, tc := range []struct {
		d, n      int
		scale, sd float64
	}{
		{3, 1000, 1, 1},              // rank-1 path
		{blockMinDim - 1, 300, 0, 1}, // largest rank-1 dimension
		{blockMinDim, 1, 1, 1},       // one draw: pending only
		{blockMinDim, 2, 1, 1},
		{50, blockSize, 1, 1},     // exactly one block
		{50, blockSize + 1, 1, 1}, // one block and one pending draw
		{50, 3*blockSize - 1, 1, 1},
		{100, 1000, 0, 1},
		{100, 1000, 1e6, 1},   // large mean, small variance
		{64, 2000, 1e8, 1e-3}, // larger still (condition 1e11)
		{257, 777, 1e3, 1e-2}, // odd sizes
		{1, 50, 1e6, 1},       // D = 1
		{blockMinDim, 5000, -1e7, 1e-2},
	} {
		t.Run(fmt.Sprintf("d=%d,n=%d,mean=%g,sd=%g", tc.d, tc.n, tc.scale, tc.sd), func(t *testing.T) {
			xs := drawStream(tc.n, tc.d, tc.scale, tc.sd, uint64(tc.d*tc.n))
			var ref welford
			got := NewMoments(tc.d)
			for _, x := range xs {
				ref.add(x)
				got.Add(x)
			}
			if got.N != tc.n {
				t.Fatalf("N = %d, want %d", got.N, tc.n)
			}
			got.Flush()
			mean, exact := twoPass(xs)
			// Mean: Welford's running mean drifts by rounding errors of
			// order ε|mean| per draw; the block path's s + ȳ is rounded once.
			var sd float64
			for i := range tc.d {
				sd = math.Max(sd, math.Sqrt(exact[i*tc.d+i]/float64(tc.n)))
			}
			var errMeanW, errMeanB float64
			for i := range tc.d {
				errMeanW = math.Max(errMeanW, math.Abs(ref.mean[i]-mean[i])/math.Abs(mean[i]))
				errMeanB = math.Max(errMeanB, math.Abs(got.Mean[i]-mean[i])/math.Abs(mean[i]))
				if math.Abs(got.Mean[i]-mean[i]) > 2*ulp(mean[i])+1e-14*sd {
					t.Errorf("Mean[%d] = %v, exact %v (Welford %v)", i, got.Mean[i], mean[i], ref.mean[i])
				}
			}
			if tc.n < 2 {
				for i := range got.M {
					if got.M[i] != 0 {
						t.Fatalf("one draw: M[%d] = %v", i, got.M[i])
					}
				}
				return
			}
			// Co-moments: the block path must be as accurate as Welford's,
			// and equal to it within Welford's own error plus 1e-12.
			eW, eB, eBW := relErr(ref.m, exact, tc.d), relErr(got.M, exact, tc.d), relErr(got.M, ref.m, tc.d)
			t.Logf("relative error of M: Welford %.1e, block %.1e, block vs Welford %.1e; of the mean: Welford %.1e, block %.1e",
				eW, eB, eBW, errMeanW, errMeanB)
			if eB > 1e-12 {
				t.Errorf("co-moments differ from the exact ones by %.2e relative (Welford %.2e)", eB, eW)
			}
			if eBW > 1e-12+eW {
				t.Errorf("co-moments differ from Welford's by %.2e relative (Welford's own error %.2e)", eBW, eW)
			}
		})
	}
}

func ulp(x float64) float64 { return math.Abs(math.Nextafter(x, math.Inf(1)) - x) }

// TestMomentsBlockMerge splits a stream at awkward places (inside blocks)
// and checks Merge, Clone and Cov against a single accumulator.
func TestMomentsBlockMerge(t *testing.T) {
	const d, n = 50, 1000
	xs := drawStream(n, d, 1e5, 1, 3)
	all := NewMoments(d)
	parts := []*Moments{NewMoments(d), NewMoments(d), NewMoments(d), NewMoments(d)}
	cuts := []int{0, 10, 75, 600, n}
	for p := range parts {
		for _, x := range xs[cuts[p]:cuts[p+1]] {
			parts[p].Add(x)
		}
	}
	for _, x := range xs {
		all.Add(x)
	}
	merged := NewMoments(d)
	for _, p := range parts {
		merged.Merge(p) // flushes p
	}
	c := merged.Clone()
	// Add after a merge: the next block is shifted by the merged mean.
	extra := drawStream(100, d, 1e5, 1, 4)
	for _, x := range extra {
		all.Add(x)
		c.Add(x)
	}
	all.Flush()
	c.Flush()
	if e := relErr(c.M, all.M, d); e > 1e-12 {
		t.Errorf("merged co-moments differ by %.2e relative", e)
	}
	_, exact := twoPass(append(xs[:n:n], extra...))
	if e := relErr(all.M, exact, d); e > 1e-12 {
		t.Errorf("co-moments differ from two-pass by %.2e relative", e)
	}
	if math.Abs(c.Cov(3, 7)-exact[3*d+7]/float64(n+99)) > 1e-12*exact[3*d+3]/float64(n+99) {
		t.Errorf("Cov(3,7) = %v, two-pass %v", c.Cov(3, 7), exact[3*d+7]/float64(n+99))
	}
	if c.Cov(7, 3) != c.Cov(3, 7) {
		t.Error("Cov not symmetric")
	}
}

func TestMomentsAddAllocs(t *testing.T) {
	for _, d := range []int{5, blockMinDim, 300} {
		mo := NewMoments(d)
		x := make([]float64, d)
		for i := range x {
			x[i] = float64(i)
		}
		mo.Add(x) // the first Add of a large accumulator allocates its buffer
		if a := testing.AllocsPerRun(3*blockSize, func() { x[0]++; mo.Add(x) }); a != 0 {
			t.Errorf("D = %d: Moments.Add allocates %v per call", d, a)
		}
		if a := testing.AllocsPerRun(10, func() { mo.Add(x); mo.Flush() }); a != 0 {
			t.Errorf("D = %d: Moments.Flush allocates %v per call", d, a)
		}
	}
}

// TestSampleFlushesBlockMoments: with a draw vector long enough for block
// updates and draw counts that leave blocks pending, every accumulator of a
// Result is flushed and equals the moments of its draws (from the trace), and
// the result does not depend on the number of workers.
func TestSampleFlushesBlockMoments(t *testing.T) {
	const dim, draws, batches = 50, 150, 2
	m := newGaussModel(2, gaussData(30, []float64{1, -1}))
	p := Posterior{NBeta: 20, Gamma: 5, Center: []float64{0, 0}}
	obs := VecFunc("v", dim, func(dst, w []float64) {
		for i := range dst {
			dst[i] = 1e3 + w[i%2]*float64(i+1) + w[0]*w[1]
		}
	})
	var ref *Result
	for _, workers := range []int{1, 2} {
		res, err := Sample(context.Background(), m, p, SGLD{Epsilon: 1e-3},
			Run{Chains: 3, Draws: draws, Batches: batches, Workers: workers, Seed: 5, KeepTrace: true}, obs)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res
		} else if !reflect.DeepEqual(ref.Chains, res.Chains) {
			t.Errorf("%d workers differ from 1 worker", workers)
		}
	}
	d := ref.DrawDim
	for c, ch := range ref.Chains {
		for u, mo := range ch.Units {
			if mo.nbuf != 0 {
				t.Fatalf("chain %d unit %d: %d draws not flushed", c, u, mo.nbuf)
			}
			lo, hi := u*draws/batches, (u+1)*draws/batches
			xs := make([][]float64, 0, hi-lo)
			for k := lo; k < hi; k++ {
				xs = append(xs, ch.Trace[k*d:(k+1)*d])
			}
			_, exact := twoPass(xs)
			if e := relErr(mo.M, exact, d); e > 1e-12 {
				t.Errorf("chain %d unit %d: co-moments differ from the trace's by %.2e relative", c, u, e)
			}
		}
	}
}

// BenchmarkMomentsRank1 is the one-draw-at-a-time Welford update at every
// size, to compare with BenchmarkMomentsAdd (block updates from D = 48).
func BenchmarkMomentsRank1(b *testing.B) {
	for _, d := range []int{8, 16, 32, 64, 128, 512, 2001} {
		b.Run(fmt.Sprintf("D=%d", d), func(b *testing.B) {
			xs := drawStream(256, d, 1, 1, 1)
			var w welford
			w.add(xs[0])
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				w.add(xs[i%len(xs)])
			}
		})
	}
}

// A block accumulator read back from JSON (no block state) keeps its
// precision when more draws are added: its mean becomes the shift.
func TestMomentsBlockAfterJSONKeepsPrecision(t *testing.T) {
	const d, n = 64, 400
	rng := rand.New(rand.NewPCG(8, 9))
	xs := make([][]float64, n)
	for i := range xs {
		xs[i] = make([]float64, d)
		for j := range xs[i] {
			xs[i][j] = 1e8 + rng.NormFloat64()
		}
	}
	a := NewMoments(d)
	for _, x := range xs[:n/2] {
		a.Add(x)
	}
	a.Flush()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Moments
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	ref := NewMoments(d)
	for _, x := range xs {
		ref.Add(x)
	}
	for _, x := range xs[n/2:] {
		back.Add(x)
	}
	for i := 0; i < d; i += 7 {
		// The stored Mean carries a rounding of about |mean|·2⁻⁵² (1e-8 here),
		// which the split shift + ȳ of a live accumulator avoids: 1e-9 relative.
		if r := math.Abs(back.Cov(i, i)/ref.Cov(i, i) - 1); r > 1e-9 {
			t.Errorf("Cov(%d,%d) after a JSON round trip: relative error %.2g", i, i, r)
		}
	}
}
