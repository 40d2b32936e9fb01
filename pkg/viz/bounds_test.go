package viz

import (
	"math"
	"strings"
	"testing"
)

func TestBounds(t *testing.T) {
	var b Bounds
	b.Title = "diagnostics"
	b.Add("R̂", 1.003, math.Inf(-1), 1.05)
	b.Add("acceptance", 0.97, 0.9, 1)
	b.Add("slope", -0.52, -0.7, -0.3)
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	if h := b.HTML(); !strings.Contains(h, "≤ 1.05") || !strings.Contains(h, "[-0.7, -0.3]") || strings.Contains(h, "FAIL") {
		t.Errorf("HTML = %s", h)
	}
	b.Add("nan", math.NaN(), 0, 1)
	b.Add("low", 0.5, 0.9, math.Inf(1))
	err := b.Err()
	if err == nil || !strings.Contains(err.Error(), "2 of 5") || !strings.Contains(err.Error(), "≥ 0.9") {
		t.Errorf("Err = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustPass did not panic")
		}
	}()
	b.MustPass()
}
