package susc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
)

// sampleResult is a small Result with every kind of observable.
func sampleResult(t testing.TB, d int, keepTrace bool) *Result {
	return sampleResultN(t, d, 60, 70, keepTrace)
}

// sampleResultN is sampleResult with n samples and draws per chain.
func sampleResultN(t testing.TB, d, n, draws int, keepTrace bool) *Result {
	m := newGaussModel(d, gaussData(n, make([]float64, d)))
	res, err := Sample(context.Background(), m, Posterior{NBeta: 10, Gamma: 1, Center: m.mean}, SGLD{Epsilon: 1e-3},
		Run{Chains: 3, Draws: draws, Batches: 2, Seed: 5, KeepTrace: keepTrace, MALA: true, PointStats: true},
		Param("w0", 0), PointLosses("l", nil), LossDelta("dL", newGaussModel(d, gaussData(30, make([]float64, d)))))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func toJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A Result read back from JSON gives bit-identical estimates, also for draw
// vectors long enough (D ≥ 48) for the block accumulator.
func TestReloadedResultBitIdentical(t *testing.T) {
	for _, d := range []int{1, 3} {
		res := sampleResult(t, d, true) // D = 1 + 1 + 60 + 1 = 63
		if res.DrawDim < blockMinDim {
			t.Fatalf("D = %d does not exercise the block accumulator", res.DrawDim)
		}
		var back Result
		if err := ReadJSON(bytes.NewReader(toJSON(t, res)), &back); err != nil {
			t.Fatal(err)
		}
		a, _ := res.Influence("l")
		b, err := back.Influence("l")
		if err != nil {
			t.Fatal(err)
		}
		n := a.Value.SymmetricDim()
		for i := range n {
			for j := i; j < n; j++ {
				if math.Float64bits(a.Value.At(i, j)) != math.Float64bits(b.Value.At(i, j)) || math.Float64bits(a.SE.At(i, j)) != math.Float64bits(b.SE.At(i, j)) {
					t.Fatalf("d = %d: influence (%d, %d) %v after reload, %v before", d, i, j, b.Value.At(i, j), a.Value.At(i, j))
				}
			}
		}
		// The per-draw records and per-sample statistics, bit for bit.
		for c := range res.Chains {
			a, b := &res.Chains[c], &back.Chains[c]
			same := sameBits(a.DistTrace, b.DistTrace) && sameBits(a.DriftTrace, b.DriftTrace) && sameBits(a.LocalizationTrace, b.LocalizationTrace) &&
				sameBits(a.NoiseTrace, b.NoiseTrace) && a.DistSq == b.DistSq && a.DriftSq == b.DriftSq && a.LocalizationSq == b.LocalizationSq && a.NoiseSq == b.NoiseSq
			for u := range a.PointMean {
				same = same && sameBits(a.PointMean[u], b.PointMean[u]) && sameBits(a.PointM2[u], b.PointM2[u]) && sameBits(a.PointLogMeanExp[u], b.PointLogMeanExp[u])
			}
			if !same || len(a.PointMean) != 2 || len(b.PointMean) != 2 || len(a.DriftTrace) != a.Draws {
				t.Errorf("d = %d, chain %d: records or per-sample statistics differ after reload", d, c)
			}
		}
		if back.WeightDecay != res.WeightDecay {
			t.Errorf("weight decay %v after reload, %v before", back.WeightDecay, res.WeightDecay)
		}
		la, _ := res.LLC()
		lb, _ := back.LLC()
		if la.Mean != lb.Mean || la.SE != lb.SE || back.Kernel.Name != "SGLD" || back.Kernel.Settings["Epsilon"] != 1e-3 {
			t.Errorf("LLC %v vs %v, kernel %+v", la, lb, back.Kernel)
		}
	}
}

// Well-formed but inconsistent files are errors on read, not panics later.
func TestInconsistentJSONRefused(t *testing.T) {
	res := sampleResult(t, 1, true)
	good := toJSON(t, res)
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		json.Unmarshal(good, &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	chain0 := func(m map[string]any) map[string]any { return m["chains"].([]any)[0].(map[string]any) }
	unit0 := func(m map[string]any) map[string]any { return chain0(m)["units"].([]any)[0].(map[string]any) }
	for name, b := range map[string][]byte{
		"null unit":          edit(func(m map[string]any) { chain0(m)["units"].([]any)[0] = nil }),
		"truncated moments":  edit(func(m map[string]any) { u := unit0(m); u["m_upper"] = u["m_upper"].([]any)[:3] }),
		"short mean":         edit(func(m map[string]any) { u := unit0(m); u["mean"] = u["mean"].([]any)[:2] }),
		"draw dim changed":   edit(func(m map[string]any) { m["draw_dim"] = 5.0 }),
		"chains removed":     edit(func(m map[string]any) { m["chains"] = m["chains"].([]any)[:1] }),
		"draw count wrong":   edit(func(m map[string]any) { chain0(m)["draws"] = 3.0 }),
		"trace cut":          edit(func(m map[string]any) { c := chain0(m); c["trace"] = c["trace"].([]any)[:10] }),
		"observable shifted": edit(func(m map[string]any) { m["observables"].([]any)[1].(map[string]any)["offset"] = 7.0 }),
		"negative draws":     edit(func(m map[string]any) { u := unit0(m); u["n"] = -1.0 }),
		"centre wrong":       edit(func(m map[string]any) { m["center"] = []any{} }),
		"dimensions wrap around": edit(func(m map[string]any) {
			// offsets and dimensions whose int sum wraps back to the draw
			// dimension; raw JSON keeps the integers exact
			m["observables"] = json.RawMessage(fmt.Sprintf(`[{"name":"loss","offset":0,"dim":1},{"name":"a","offset":1,"dim":%d},`+
				`{"name":"b","offset":%d,"dim":%d},{"name":"c","offset":-1,"dim":%d}]`,
				math.MaxInt64, math.MinInt64, math.MaxInt64, int(m["draw_dim"].(float64))+1))
		}),
		"negative γ":          edit(func(m map[string]any) { m["gamma"] = -1.0 }),
		"weight decay NaN":    edit(func(m map[string]any) { m["weight_decay"] = "NaN" }),
		"distance trace cut":  edit(func(m map[string]any) { c := chain0(m); c["dist_trace"] = c["dist_trace"].([]any)[:3] }),
		"noise without drift": edit(func(m map[string]any) { delete(chain0(m), "drift_trace") }),
		"negative norm":       edit(func(m map[string]any) { chain0(m)["noise_trace"].([]any)[0] = -1.0 }),
		"negative sum":        edit(func(m map[string]any) { chain0(m)["drift_sq"] = -1.0 }),
		"NaN distance sum":    edit(func(m map[string]any) { chain0(m)["dist_sq"] = "NaN" }),
		"point units":         edit(func(m map[string]any) { c := chain0(m); c["point_mean"] = c["point_mean"].([]any)[:1] }),
		"point samples":       edit(func(m map[string]any) { c := chain0(m); c["point_m2"].([]any)[0] = []any{1.0} }),
		"point stats partly":  edit(func(m map[string]any) { delete(chain0(m), "point_log_mean_exp") }),
		"negative point m2":   edit(func(m map[string]any) { chain0(m)["point_m2"].([]any)[1].([]any)[0] = -1.0 }),
	} {
		var back Result
		if err := ReadJSON(bytes.NewReader(b), &back); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
	sm, _ := res.SusceptibilityMatrix("l", "dL")
	smGood := toJSON(t, sm)
	for name, s := range map[string]string{
		"se shape":       strings.Replace(string(smGood), `"cov_se": {`, `"cov_se": {"data": [[1]], "x": {`, 1),
		"missing labels": strings.Replace(string(smGood), `"rows"`, `"norows"`, 1),
	} {
		var back SusceptibilityMatrix
		if err := ReadJSON(strings.NewReader(s), &back); err == nil {
			t.Errorf("susceptibility matrix, %s: read without error", name)
		}
	}
	inf, _ := res.Influence("l")
	var ib InfluenceMatrix
	if err := ReadJSON(strings.NewReader(strings.Replace(string(toJSON(t, inf)), `"samples": [`, `"samples": [99,`, 1)), &ib); err == nil {
		t.Error("influence matrix with an extra sample read without error")
	}
}

// A labelled matrix with a long first row and empty later rows used to
// allocate rows × first-row length before noticing (80 GB for 500 KB).
func TestRaggedMatrixJSONAllocatesNothingBig(t *testing.T) {
	// Labels of the right sizes, so that only the shape check stands
	// between the file and an allocation of rows × first-row length.
	var b strings.Builder
	b.WriteString(`{"nbeta": 1, "cov": {"rows": [`)
	for i := range 20001 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"r"`)
	}
	b.WriteString(`], "cols": [`)
	for i := range 20000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"c"`)
	}
	b.WriteString(`], "data": [[`)
	for i := range 20000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("1")
	}
	b.WriteString("]")
	for range 20000 {
		b.WriteString(",[]")
	}
	b.WriteString(`]}, "cov_se": {"data": [[1]]}}`)
	var s SusceptibilityMatrix
	var ms runtimeMem
	ms.measure(func() {
		if err := ReadJSON(strings.NewReader(b.String()), &s); err == nil {
			t.Error("ragged matrix read without error")
		}
	})
	if ms.bytes > 200<<20 {
		t.Errorf("reading a %d-byte ragged matrix allocated %d MB", b.Len(), ms.bytes>>20)
	}
}

// runtimeMem measures the bytes allocated by a function.
type runtimeMem struct{ bytes uint64 }

func (r *runtimeMem) measure(f func()) {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	r.bytes = b.TotalAlloc - a.TotalAlloc
}
