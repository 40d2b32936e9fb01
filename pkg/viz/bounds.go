package viz

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// Bound is a claim that a number lies in the closed interval [Lo, Hi]: for
// diagnostics that are not estimates of an exact value (R̂ below 1.05, a
// MALA acceptance above 0.9, a chain that must have diverged, a fitted slope
// near -1/2). Use ±Inf for a one-sided bound. A NaN value fails.
type Bound struct {
	Name          string
	Value, Lo, Hi float64
}

func (b Bound) ok() bool { return b.Value >= b.Lo && b.Value <= b.Hi }

// Bounds is a table of interval claims, the companion of Checks for
// diagnostics. A notebook shows it with MustPass, which fails the notebook
// on any miss.
type Bounds struct {
	Title string
	Rows  []Bound
}

// Add appends the claim lo <= value <= hi.
func (b *Bounds) Add(name string, value, lo, hi float64) {
	b.Rows = append(b.Rows, Bound{Name: name, Value: value, Lo: lo, Hi: hi})
}

// Err returns an error naming every failed claim, or nil.
func (b *Bounds) Err() error {
	var bad []string
	for _, r := range b.Rows {
		if !r.ok() {
			bad = append(bad, fmt.Sprintf("%s = %.6g not in %s", r.Name, r.Value, interval(r.Lo, r.Hi)))
		}
	}
	if bad == nil {
		return nil
	}
	return fmt.Errorf("viz: %s: %d of %d bounds failed: %s", b.Title, len(bad), len(b.Rows), strings.Join(bad, "; "))
}

// interval writes [lo, hi], "≥ lo" or "≤ hi".
func interval(lo, hi float64) string {
	switch {
	case math.IsInf(lo, -1) && math.IsInf(hi, 1):
		return "(any)"
	case math.IsInf(lo, -1):
		return fmt.Sprintf("≤ %.4g", hi)
	case math.IsInf(hi, 1):
		return fmt.Sprintf("≥ %.4g", lo)
	}
	return fmt.Sprintf("[%.4g, %.4g]", lo, hi)
}

// HTML renders the table: claim, value, allowed interval and verdict.
func (b *Bounds) HTML() string {
	var s strings.Builder
	fmt.Fprintf(&s, `<table class="susclab-checks"><caption style="text-align:left"><b>%s</b> (pass: value in the allowed range)</caption>`,
		html.EscapeString(b.Title))
	s.WriteString("<tr><th>claim</th><th>value</th><th>allowed</th><th></th></tr>")
	for _, r := range b.Rows {
		verdict := "✓"
		if !r.ok() {
			verdict = "✗ FAIL"
		}
		fmt.Fprintf(&s, "<tr><td>%s</td><td>%.6g</td><td>%s</td><td>%s</td></tr>",
			html.EscapeString(r.Name), r.Value, html.EscapeString(interval(r.Lo, r.Hi)), verdict)
	}
	s.WriteString("</table>")
	return s.String()
}

// String renders the table as text.
func (b *Bounds) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (pass: value in the allowed range)\n", b.Title)
	for _, r := range b.Rows {
		verdict := "ok"
		if !r.ok() {
			verdict = "FAIL"
		}
		fmt.Fprintf(&s, "  %-36s %12.6g  %-18s %s\n", r.Name, r.Value, interval(r.Lo, r.Hi), verdict)
	}
	return s.String()
}

// MustPass shows the table (HTML in a notebook, text elsewhere) and panics
// with Err if any claim fails, so that the notebook fails.
func (b *Bounds) MustPass() {
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(b.HTML())
		gonbui.Sync()
	} else {
		fmt.Print(b.String())
	}
	if err := b.Err(); err != nil {
		panic(err)
	}
}
