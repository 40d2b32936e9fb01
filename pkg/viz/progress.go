package viz

import (
	"fmt"
	"html"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Progress is a progress bar that updates in place in a GoNB notebook cell and
// does nothing outside a notebook (so tests and command-line runs stay
// silent). It is safe for concurrent use: chains running in several goroutines
// may call Add on the same Progress.
//
//	p := viz.NewProgress("sampling", chains*draws)
//	... p.Add(1) in the loops ...
//	p.Done()
type Progress struct {
	label    string
	total    int
	interval time.Duration
	live     bool

	mu      sync.Mutex
	done    int
	start   time.Time
	last    time.Time
	display string // gonbui display id
}

// NewProgress returns a progress bar for total units of work (total <= 0: a
// plain counter) and shows it at 0.
func NewProgress(label string, total int) *Progress {
	p := &Progress{label: label, total: total, interval: 200 * time.Millisecond,
		live: gonbui.IsNotebook, start: time.Now()}
	if p.live {
		p.display = "viz-progress-" + gonbui.UniqueId()
		p.show(0)
	}
	return p
}

// Add records n more units done. The display is refreshed at most every 200 ms.
// Add and Done on a nil *Progress do nothing.
func (p *Progress) Add(n int) {
	if p == nil || !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if now := time.Now(); now.Sub(p.last) >= p.interval {
		p.last = now
		p.show(p.done)
	}
}

// Done shows the final state: the count reached and the elapsed time.
func (p *Progress) Done() {
	if p == nil || !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.show(p.done)
	gonbui.Sync()
}

// show sends the bar at count done; p.mu is held (or p is not shared yet).
func (p *Progress) show(done int) {
	gonbui.UpdateHTML(p.display, progressHTML(p.label, done, p.total, time.Since(p.start)))
}

// progressHTML renders one state of the bar.
func progressHTML(label string, done, total int, elapsed time.Duration) string {
	el := elapsed.Round(100 * time.Millisecond)
	if total <= 0 {
		return fmt.Sprintf(`<div style="font-family:monospace">%s: %d done, %v</div>`,
			html.EscapeString(label), done, el)
	}
	pct := 100 * float64(done) / float64(total)
	return fmt.Sprintf(`<div style="font-family:monospace">%s: <progress value="%d" max="%d" style="width:300px"></progress> %d/%d (%.0f%%), %v</div>`,
		html.EscapeString(label), done, total, done, total, pct, el)
}
