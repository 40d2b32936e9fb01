package viz

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"

	"susclab/pkg/susc"
)

// Check is one numeric claim of a notebook: an estimate with its standard
// error against the exact value it must reproduce.
type Check struct {
	Name     string
	Estimate susc.Estimate
	Exact    float64
	// Slack is an allowed absolute difference on top of the statistical
	// tolerance, for a known, stated bias (for example a finite-nβ bias).
	Slack float64
}

// z returns (estimate - exact)/SE.
func (c Check) z() float64 { return (c.Estimate.Value - c.Exact) / c.Estimate.SE }

// ok reports |estimate - exact| ≤ maxZ·SE + Slack with a finite estimate.
func (c Check) ok(maxZ float64) bool {
	d := math.Abs(c.Estimate.Value - c.Exact)
	return !math.IsNaN(d) && !math.IsInf(d, 0) && d <= maxZ*c.Estimate.SE+c.Slack
}

// Checks is a table of claims, each passing when its estimate is within
// MaxZ standard errors (plus its Slack) of the exact value. A notebook
// shows it with MustPass, which fails the notebook (and CI) on any miss.
type Checks struct {
	Title string
	// MaxZ is the tolerance in standard errors. Zero means 4.
	MaxZ float64
	Rows []Check
}

func (c *Checks) maxZ() float64 {
	if c.MaxZ == 0 {
		return 4
	}
	return c.MaxZ
}

// Add appends a claim with no slack.
func (c *Checks) Add(name string, est susc.Estimate, exact float64) {
	c.Rows = append(c.Rows, Check{Name: name, Estimate: est, Exact: exact})
}

// Err returns an error naming every failed claim, or nil.
func (c *Checks) Err() error {
	var bad []string
	for _, r := range c.Rows {
		if !r.ok(c.maxZ()) {
			bad = append(bad, fmt.Sprintf("%s: %v vs exact %.6g (z = %.2f)", r.Name, r.Estimate, r.Exact, r.z()))
		}
	}
	if bad == nil {
		return nil
	}
	return fmt.Errorf("viz: %s: %d of %d checks failed: %s", c.Title, len(bad), len(c.Rows), strings.Join(bad, "; "))
}

// HTML renders the table: claim, estimate, SE, exact, z and verdict.
func (c *Checks) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="susclab-checks"><caption style="text-align:left"><b>%s</b> (pass: |estimate − exact| ≤ %g SE + slack)</caption>`,
		html.EscapeString(c.Title), c.maxZ())
	b.WriteString("<tr><th>claim</th><th>estimate</th><th>SE</th><th>exact</th><th>z</th><th></th></tr>")
	for _, r := range c.Rows {
		verdict := "✓"
		if !r.ok(c.maxZ()) {
			verdict = "✗ FAIL"
		}
		if r.Slack != 0 {
			verdict += fmt.Sprintf(" (slack %.3g)", r.Slack)
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%.6g</td><td>%.2g</td><td>%.6g</td><td>%+.2f</td><td>%s</td></tr>",
			html.EscapeString(r.Name), r.Estimate.Value, r.Estimate.SE, r.Exact, r.z(), verdict)
	}
	b.WriteString("</table>")
	return b.String()
}

// String renders the table as text.
func (c *Checks) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (pass: |estimate - exact| <= %g SE + slack)\n", c.Title, c.maxZ())
	for _, r := range c.Rows {
		verdict := "ok"
		if !r.ok(c.maxZ()) {
			verdict = "FAIL"
		}
		fmt.Fprintf(&b, "  %-28s %12.6g ± %-8.2g exact %12.6g  z = %+.2f  %s\n", r.Name, r.Estimate.Value, r.Estimate.SE, r.Exact, r.z(), verdict)
	}
	return b.String()
}

// MustPass shows the table (HTML in a notebook, text elsewhere) and panics
// with Err if any claim fails, so that the notebook fails.
func (c *Checks) MustPass() {
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(c.HTML())
		gonbui.Sync()
	} else {
		fmt.Print(c.String())
	}
	if err := c.Err(); err != nil {
		panic(err)
	}
}

// ProgressFunc returns a callback for susc.Run.Progress that shows a bar
// labelled label, updated in place in a notebook and silent elsewhere.
func ProgressFunc(label string) func(done, total int) {
	var p *Progress
	last := 0
	return func(done, total int) {
		if p == nil {
			p = NewProgress(label, total)
		}
		p.Add(done - last)
		last = done
		if done == total {
			p.Done()
		}
	}
}
