package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// notebook is the part of the .ipynb format (nbformat 4) that the checks read.
type notebook struct {
	Cells []cell `json:"cells"`
}

type cell struct {
	ID             string          `json:"id"`
	CellType       string          `json:"cell_type"`
	Source         multiline       `json:"source"`
	ExecutionCount json.RawMessage `json:"execution_count"`
	Outputs        []output        `json:"outputs"`
}

type output struct {
	OutputType string                     `json:"output_type"`
	Name       string                     `json:"name"` // stream: stdout or stderr
	Text       multiline                  `json:"text"` // stream
	Data       map[string]json.RawMessage `json:"data"` // display_data, execute_result
	EName      string                     `json:"ename"`
	EValue     string                     `json:"evalue"`
}

// multiline is nbformat's string-or-list-of-strings.
type multiline string

func (m *multiline) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = multiline(s)
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*m = multiline(strings.Join(l, ""))
	return nil
}

func parseNotebook(b []byte) (*notebook, error) {
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("not a notebook: %w", err)
	}
	return &nb, nil
}

// checkClean reports the code cells of a source notebook that carry outputs:
// notebooks are committed without them (CI executes them).
func checkClean(nb *notebook) []string {
	var bad []string
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		ec := strings.TrimSpace(string(c.ExecutionCount))
		if len(c.Outputs) > 0 || (ec != "" && ec != "null") {
			bad = append(bad, fmt.Sprintf("cell %d (%s) has outputs or an execution count: clear them "+
				"(jupyter nbconvert --clear-output --inplace NOTEBOOK)", i, c.ID))
		}
	}
	return bad
}

// goFailure matches what a cell's program that ended abnormally leaves on the
// cell's stderr: GoNB (v0.11.3, internal/jpyexec) only prints it, and
// nbconvert still exits 0. The cases:
//
//   - "panic: " and "fatal error: " at the start of a line: the Go runtime's
//     report of a panic or a fatal error (then exit status 2);
//   - "SIGSEGV: segmentation violation" followed by a "PC=0x..." line: the
//     runtime's report of a fatal signal it caught (then exit status 2);
//   - "exit status N" and "signal: NAME" (e.g. "signal: killed",
//     "signal: segmentation fault (core dumped)", "signal: aborted",
//     "signal: terminated", "signal: signal 34"): os.ProcessState's text, which
//     GoNB writes, alone and possibly after "^C", when the program exits with
//     a non-zero status or is killed by a signal it does not catch (SIGKILL
//     from the out-of-memory killer leaves nothing else). Not anchored: the
//     program's last stderr line may lack its newline;
//   - "GoNB Error:": GoNB failed to handle the program's display or input
//     channel (outputs may be lost).
var goFailure = regexp.MustCompile(`(?m)^(panic: |fatal error: |SIG[A-Z0-9]+: .*\nPC=0x)|exit status \d+|signal: \S|GoNB Error:`)

// checkExecuted reports every error output and every Go run-time failure in
// the stderr streams of an executed notebook.
func checkExecuted(nb *notebook) []string {
	var bad []string
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			switch {
			case o.OutputType == "error":
				bad = append(bad, fmt.Sprintf("cell %d (%s): error output %s: %s", i, c.ID, o.EName, firstLine(o.EValue)))
			case o.OutputType == "stream" && o.Name == "stderr":
				if m := goFailure.FindStringIndex(string(o.Text)); m != nil {
					bad = append(bad, fmt.Sprintf("cell %d (%s): Go failure on stderr: %s", i, c.ID,
						firstLine(string(o.Text)[m[0]:])))
				}
			}
		}
	}
	return bad
}

// chartIDPattern finds the charts that pkg/viz puts in a page: a div with the
// class viz.ChartClass (the string is repeated here: nothing imports viz).
var chartIDPattern = regexp.MustCompile(`<div class="susclab-chart" id="([^"]+)"`)

// chartIDs lists the chart ids in the HTML outputs of an executed notebook.
func chartIDs(nb *notebook) []string {
	var ids []string
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			raw, ok := o.Data["text/html"]
			if !ok {
				continue
			}
			var h multiline
			if err := json.Unmarshal(raw, &h); err != nil {
				continue
			}
			for _, m := range chartIDPattern.FindAllStringSubmatch(string(h), -1) {
				ids = append(ids, m[1])
			}
		}
	}
	return ids
}

// checkDisplayed catches displays that went missing: a code cell whose main
// part (after its %% line) calls .Display() must show at least one chart, and
// one that calls viz.Init() must show the library. (GoNB can drop output that
// a cell's program sends just before it exits.)
func checkDisplayed(nb *notebook) []string {
	var bad []string
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		_, main, ok := strings.Cut("\n"+string(c.Source), "\n%%")
		if !ok {
			continue
		}
		html := ""
		for _, o := range c.Outputs {
			if raw, ok := o.Data["text/html"]; ok {
				var h multiline
				if json.Unmarshal(raw, &h) == nil {
					html += string(h)
				}
			}
		}
		if strings.Contains(main, ".Display()") && !chartIDPattern.MatchString(html) {
			bad = append(bad, fmt.Sprintf("cell %d (%s) calls .Display() but shows no chart", i, c.ID))
		}
		if strings.Contains(main, "viz.Init()") && !strings.Contains(html, "Apache ECharts") {
			bad = append(bad, fmt.Sprintf("cell %d (%s) calls viz.Init() but shows no library", i, c.ID))
		}
	}
	return bad
}

// domChart matches the opening tag of a chart div in a browser's DOM dump
// (attributes may gain others, such as ECharts' _echarts_instance_).
var domChart = regexp.MustCompile(`<div\b[^>]*\bclass="susclab-chart"[^>]*>`)
var domID = regexp.MustCompile(`\bid="([^"]+)"`)

// drawnCharts reads a DOM dump and returns, for every chart div on the page,
// whether ECharts drew into it: the div must hold a <canvas>. A chart whose
// library never loaded, or whose script failed, stays an empty div.
func drawnCharts(dom string) map[string]bool {
	out := map[string]bool{}
	for _, loc := range domChart.FindAllStringIndex(dom, -1) {
		tag := dom[loc[0]:loc[1]]
		id := ""
		if m := domID.FindStringSubmatch(tag); m != nil {
			id = m[1]
		}
		inner := innerDiv(dom[loc[1]:])
		out[id] = strings.Contains(inner, "<canvas")
	}
	return out
}

// innerDiv returns the content of a div whose opening tag ends just before s,
// up to its matching </div>.
func innerDiv(s string) string {
	depth := 1
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "<div"):
			depth++
		case strings.HasPrefix(s[i:], "</div>"):
			depth--
			if depth == 0 {
				return s[:i]
			}
		}
	}
	return s
}

// checkDrawn compares the charts a notebook displayed (want) with the charts
// drawn in the browser's DOM of its HTML export.
func checkDrawn(want []string, drawn map[string]bool) []string {
	var bad []string
	seen := map[string]bool{}
	for _, id := range want {
		seen[id] = true
		ok, present := drawn[id]
		switch {
		case !present:
			bad = append(bad, fmt.Sprintf("chart %s: missing from the exported page", id))
		case !ok:
			bad = append(bad, fmt.Sprintf("chart %s: not drawn (no <canvas>): library missing or script failed", id))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(drawn)) {
		if !seen[id] && !drawn[id] {
			bad = append(bad, fmt.Sprintf("chart %s: not drawn (no <canvas>)", id))
		}
	}
	return bad
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
