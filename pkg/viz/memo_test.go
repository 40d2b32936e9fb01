package viz

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/susc/criteria"
)

// Each cached computation runs once per session: a hit counter shows it,
// and the value read back equals the computed one bit for bit.
func TestMemoComputesOncePerSession(t *testing.T) {
	t.Setenv("SUSCLAB_MEMO_DIR", t.TempDir())
	t.Setenv("GONB_TMP_DIR", "")
	calls := 0
	square := func(x float64) func() ([]float64, error) {
		return func() ([]float64, error) {
			calls++
			return []float64{x * x, 1.0 / 3, math.Nextafter(1, 2)}, nil
		}
	}
	a := Must(Memo("sq", square(3), 3))
	b := Must(Memo("sq", square(3), 3)) // the next "cell": read back
	if calls != 1 {
		t.Fatalf("computed %d times, want 1", calls)
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Errorf("value %d: %v then %v", i, a[i], b[i])
		}
	}
	if b[2] != math.Nextafter(1, 2) {
		t.Errorf("value read back %v, want the computed bits", b[2])
	}
	Must(Memo("sq", square(4), 4)) // edited parameters: computed again
	Must(Memo("sq2", square(3), 3))
	if calls != 3 {
		t.Errorf("after new parameters and a new key: %d computations, want 3", calls)
	}
	Must(Memo("sq", square(4), 4))
	if calls != 3 {
		t.Errorf("repeat: %d computations, want 3", calls)
	}
	// The same key and parameters with different code: computed again.
	Must(Memo("sq", func() ([]float64, error) { calls++; return []float64{16}, nil }, 4))
	if calls != 4 {
		t.Errorf("edited code: %d computations, want 4", calls)
	}
}

// Results of the library round-trip through their JSON bit for bit.
func TestMemoLibraryTypes(t *testing.T) {
	t.Setenv("SUSCLAB_MEMO_DIR", t.TempDir())
	calls := 0
	f := func() (*susc.SusceptibilityMatrix, error) {
		calls++
		return &susc.SusceptibilityMatrix{NBeta: 7, Rows: []string{"a"}, Cols: []string{"b", "c"},
			Cov: mat.NewDense(1, 2, []float64{1.0 / 7, math.NaN()}), CovSE: mat.NewDense(1, 2, []float64{0.1, math.Inf(1)})}, nil
	}
	a := Must(Memo("J", f))
	b := Must(Memo("J", f))
	if calls != 1 || math.Float64bits(a.Cov.At(0, 0)) != math.Float64bits(b.Cov.At(0, 0)) || !math.IsNaN(b.Cov.At(0, 1)) || !math.IsInf(b.CovSE.At(0, 1), 1) {
		t.Errorf("calls %d, read back %v", calls, b.Cov)
	}
}

// The criteria's estimates, NaN standard errors included, go through Memo.
func TestMemoCriteria(t *testing.T) {
	t.Setenv("SUSCLAB_MEMO_DIR", t.TempDir())
	w := criteria.WAIC{N: 5, Beta: 0.5, Training: susc.Estimate{Value: 1.25, SE: math.NaN()}, FunctionalVariance: susc.Estimate{Value: 3, SE: 0.5}}
	got := Must(Memo("waic", func() (criteria.WAIC, error) { return w, nil }))
	if got.Training.Value != 1.25 || !math.IsNaN(got.Training.SE) || got.FunctionalVariance != w.FunctionalVariance || got.Beta != 0.5 {
		t.Errorf("WAIC read back %+v", got)
	}
	b := criteria.WBIC{Estimate: susc.Estimate{Value: 70, SE: math.Inf(1)}, N: 50, NBeta: 12.5, Local: true}
	if got := Must(Memo("wbic", func() (criteria.WBIC, error) { return b, nil })); got.Estimate.Value != 70 || !math.IsInf(got.Estimate.SE, 1) || !got.Local {
		t.Errorf("WBIC read back %+v", got)
	}
}

func TestMemoErrors(t *testing.T) {
	t.Setenv("SUSCLAB_MEMO_DIR", t.TempDir())
	boom := errors.New("boom")
	if _, err := Memo("e", func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("compute error %v", err)
	}
	if _, err := Memo("nan", func() (float64, error) { return math.NaN(), nil }); err == nil {
		t.Error("a plain NaN was cached without error")
	}
	type hidden struct{ x int }
	if _, err := Memo("hidden", func() (hidden, error) { return hidden{1}, nil }); err == nil || !strings.Contains(err.Error(), "unexported") {
		t.Errorf("unexported fields: %v", err)
	}
	if _, err := Memo("dense", func() (*mat.Dense, error) { return mat.NewDense(1, 1, []float64{2}), nil }); err == nil {
		t.Error("a *mat.Dense (encoded as {}) was accepted")
	}
	// A corrupt cache file is recomputed, not trusted.
	calls := 0
	f := func() (int, error) { calls++; return 5, nil }
	Must(Memo("c", f))
	entries, _ := os.ReadDir(os.Getenv("SUSCLAB_MEMO_DIR"))
	for _, e := range entries {
		os.WriteFile(os.Getenv("SUSCLAB_MEMO_DIR")+"/"+e.Name(), []byte("{garbage"), 0o644)
	}
	if v := Must(Memo("c", f)); v != 5 || calls != 2 {
		t.Errorf("after corruption: %v, %d computations", v, calls)
	}
	defer func() {
		if recover() == nil {
			t.Error("Must did not panic")
		}
	}()
	Must(0, boom)
}

// Parameters whose JSON cannot tell values apart are refused.
func TestMemoKeys(t *testing.T) {
	t.Setenv("SUSCLAB_MEMO_DIR", t.TempDir())
	type opaque struct{ a, b int }
	if _, err := Memo("o", func() (int, error) { return 1, nil }, opaque{1, 2}); err == nil {
		t.Error("a parameter with unexported fields was accepted (every value hashes as {})")
	}
}
