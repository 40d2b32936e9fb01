package viz

import (
	"math"
	"strings"
	"testing"

	"susclab/pkg/susc"
)

func TestChecks(t *testing.T) {
	c := Checks{Title: "demo"}
	c.Add("good", susc.Estimate{Value: 1.01, SE: 0.01}, 1)
	if err := c.Err(); err != nil {
		t.Fatalf("passing claim rejected: %v", err)
	}
	c.Add("bad", susc.Estimate{Value: 1.1, SE: 0.01}, 1)
	c.Add("nan", susc.Estimate{Value: math.NaN(), SE: 0.01}, 1)
	c.Rows = append(c.Rows, Check{Name: "slack", Estimate: susc.Estimate{Value: 1.1, SE: 0.01}, Exact: 1, Slack: 0.07})
	err := c.Err()
	if err == nil || !strings.Contains(err.Error(), "bad") || !strings.Contains(err.Error(), "nan") || strings.Contains(err.Error(), "slack:") || strings.Contains(err.Error(), "good") {
		t.Errorf("Err = %v", err)
	}
	if h := c.HTML(); !strings.Contains(h, "✗ FAIL") || !strings.Contains(h, "good") {
		t.Errorf("HTML lacks rows: %s", h)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustPass did not panic on a failed claim")
		}
	}()
	c.MustPass()
}
