package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *notebook {
	t.Helper()
	nb, err := parseNotebook([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestCheckExecuted(t *testing.T) {
	for _, tc := range []struct {
		name, outputs string
		fail          bool
		msg           string // for a failure: the report names this
	}{
		{"clean", `{"output_type":"stream","name":"stdout","text":["all ", "good\n"]},
			{"output_type":"display_data","data":{"text/html":"<b>x</b>"},"metadata":{}}`, false, ""},
		{"stdout mentions panic", `{"output_type":"stream","name":"stdout","text":"panic: is fine on stdout\n"}`, false, ""},
		{"error output", `{"output_type":"error","ename":"CompileError","evalue":"undefined: x","traceback":[]}`, true, ""},
		{"panic", `{"output_type":"stream","name":"stderr","text":["goroutine 1\n","panic: runtime error: index out of range\n"]}`, true, ""},
		{"exit status", `{"output_type":"stream","name":"stderr","text":"exit status 3\n"}`, true, ""},
		{"fatal error", `{"output_type":"stream","name":"stderr","text":"fatal error: all goroutines are asleep - deadlock!\n"}`, true, ""},
		{"log line on stderr", `{"output_type":"stream","name":"stderr","text":"2026/01/01 note: slow\n"}`, false, ""},
		{"SIG-like log line", `{"output_type":"stream","name":"stderr","text":"SIGMA: 0.3\n"}`, false, ""},
		// A cell's program killed by a signal (the OOM killer sends SIGKILL):
		// GoNB writes os.ProcessState's text, and nothing else, to stderr.
		{"killed", `{"output_type":"stream","name":"stdout","text":"before\n"},
			{"output_type":"stream","name":"stderr","text":["signal: killed\n"]}`, true, "signal: killed"},
		{"segmentation fault", `{"output_type":"stream","name":"stderr","text":"signal: segmentation fault (core dumped)\n"}`, true, "signal: segmentation fault"},
		{"abort", `{"output_type":"stream","name":"stderr","text":"signal: aborted (core dumped)\n"}`, true, "signal: aborted"},
		{"terminated", `{"output_type":"stream","name":"stderr","text":"signal: terminated\n"}`, true, "signal: terminated"},
		{"real-time signal", `{"output_type":"stream","name":"stderr","text":"signal: signal 34\n"}`, true, "signal: signal 34"},
		{"interrupted", `{"output_type":"stream","name":"stderr","text":["^C\n","signal: interrupt\n"]}`, true, "signal: interrupt"},
		{"killed after a partial line", `{"output_type":"stream","name":"stderr","text":"step 3/10...signal: killed\n"}`, true, "signal: killed"},
		{"killed, stdout only", `{"output_type":"stream","name":"stdout","text":"signal: killed\n"}`, false, ""},
		// The Go runtime's own report of a fatal signal (then exit status 2).
		{"runtime signal report", `{"output_type":"stream","name":"stderr","text":["SIGSEGV: segmentation violation\n","PC=0x4a5b6c m=0 sigcode=1 addr=0x0\n"]}`, true, "SIGSEGV: segmentation violation"},
		// GoNB failing to handle the program's display/input channel.
		{"GoNB error", `{"output_type":"stream","name":"stderr","text":"GoNB Error:\nfailed to decode display data\n"}`, true, "GoNB Error:"},
	} {
		nb := mustParse(t, `{"cells":[{"id":"a","cell_type":"code","outputs":[`+tc.outputs+`]}]}`)
		bad := checkExecuted(nb)
		if (len(bad) > 0) != tc.fail {
			t.Errorf("%s: problems %q, want failure %v", tc.name, bad, tc.fail)
		}
		if tc.msg != "" && len(bad) > 0 && !strings.Contains(bad[0], tc.msg) {
			t.Errorf("%s: report %q does not name %q", tc.name, bad[0], tc.msg)
		}
	}
}

func TestCheckClean(t *testing.T) {
	clean := mustParse(t, `{"cells":[{"cell_type":"markdown"},{"cell_type":"code","execution_count":null,"outputs":[]}]}`)
	if bad := checkClean(clean); len(bad) > 0 {
		t.Errorf("clean notebook rejected: %q", bad)
	}
	for _, dirty := range []string{
		`{"cells":[{"cell_type":"code","execution_count":3,"outputs":[]}]}`,
		`{"cells":[{"cell_type":"code","execution_count":null,"outputs":[{"output_type":"stream","name":"stdout","text":"x"}]}]}`,
	} {
		if bad := checkClean(mustParse(t, dirty)); len(bad) == 0 {
			t.Errorf("notebook with outputs accepted: %s", dirty)
		}
	}
}

func TestCheckDisplayed(t *testing.T) {
	chart := `{"output_type":"display_data","data":{"text/html":"<div class=\"susclab-chart\" id=\"viz-1\"></div>"}}`
	for _, tc := range []struct {
		name, source, outputs string
		fail                  bool
	}{
		{"chart shown", `"%%\nc.Display()\n"`, chart, false},
		{"chart lost", `["x := 1\n", "%%\n", "viz.Heatmap(m, nil, nil, viz.Opts{}).Display()\n"]`, ``, true},
		{"declaration only", `"func show() { c.Display() }\n"`, ``, false},
		{"library lost", `"%%\nviz.Init()\n"`, ``, true},
	} {
		nb := mustParse(t, `{"cells":[{"cell_type":"code","source":`+tc.source+`,"outputs":[`+tc.outputs+`]}]}`)
		if bad := checkDisplayed(nb); (len(bad) > 0) != tc.fail {
			t.Errorf("%s: problems %q, want failure %v", tc.name, bad, tc.fail)
		}
	}
}

func TestChartIDs(t *testing.T) {
	nb := mustParse(t, `{"cells":[{"cell_type":"code","outputs":[
		{"output_type":"display_data","data":{"text/html":["<div class=\"susclab-chart\" id=\"viz-1\" style=\"\"></div>","<script>x</script>"]}},
		{"output_type":"display_data","data":{"text/html":"<div class=\"susclab-chart\" id=\"viz-2\"></div>","text/plain":"x"}}]}]}`)
	if got := strings.Join(chartIDs(nb), ","); got != "viz-1,viz-2" {
		t.Errorf("chart ids %q", got)
	}
}

func TestDrawnCharts(t *testing.T) {
	dom := `<html><body>
<div class="susclab-chart" id="a" style="width:9px" _echarts_instance_="ec_1"><div style="position: relative;"><canvas data-zr-dom-id="zr_0"></canvas></div><div class="tooltip"></div></div>
<div class="susclab-chart" id="b" style="width:9px"></div>
<div class="susclab-chart" id="c" style="width:9px">viz: the ECharts library is not on this page</div>
<div><canvas></canvas></div>
</body></html>`
	got := drawnCharts(dom)
	if len(got) != 3 || !got["a"] || got["b"] || got["c"] {
		t.Fatalf("drawn = %v, want a only", got)
	}
	if bad := checkDrawn([]string{"a"}, got); len(bad) != 2 { // b and c are on the page, undrawn
		t.Errorf("problems %q, want 2", bad)
	}
	if bad := checkDrawn([]string{"a", "z"}, map[string]bool{"a": true}); len(bad) != 1 || !strings.Contains(bad[0], "missing") {
		t.Errorf("a chart missing from the page was not reported: %q", bad)
	}
}

// TestBrowserRejectsUndrawnChart runs the real browser check on three small
// pages: a chart with the library (drawn), the same chart when the library is
// missing (as when it would come from an unreachable CDN), and a chart whose
// option is broken. Only the first may pass. It needs Chromium: it is skipped
// without one unless NBRUN_REQUIRE_BROWSER=1 (scripts/test.sh sets it).
func TestBrowserRejectsUndrawnChart(t *testing.T) {
	chromium, err := findChromium("")
	if err != nil {
		if os.Getenv("NBRUN_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	lib, err := os.ReadFile(filepath.Join("..", "..", "pkg", "viz", "assets", "echarts.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	library := "<script>(function (define, exports, module) {\n" + string(lib) + "\n}).call(window);</script>\n"
	chart := func(option string) string {
		return `<div class="susclab-chart" id="c1" style="width:400px;height:300px;"></div>
<script>(function () { var el = document.getElementById("c1");
  window.echarts.init(el).setOption(` + option + `); })();</script>`
	}
	good := `{"xAxis":{"type":"value"},"yAxis":{"type":"value"},"series":[{"type":"line","data":[[0,1],[1,2]]}]}`
	// The remote script stands for a CDN copy of the library: unreachable here.
	pages := map[string]string{
		"drawn":      library + chart(good),
		"no library": `<script src="https://cdn.example.invalid/echarts.min.js"></script>` + chart(good),
		"bad option": library + chart(`{"series":[{"type":"line","data":[[0,1]]}], "xAxis": undefinedVariable}`),
	}
	dir := t.TempDir()
	r := &runner{chromium: chromium, budgetMS: 3000}
	for name, body := range pages {
		page := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".html")
		if err := os.WriteFile(page, []byte("<!DOCTYPE html><html><body>"+body+"</body></html>"), 0o644); err != nil {
			t.Fatal(err)
		}
		dom, err := r.dumpDOM(page)
		if err != nil {
			t.Fatal(err)
		}
		bad := checkDrawn([]string{"c1"}, drawnCharts(dom))
		if pass := len(bad) == 0; pass != (name == "drawn") {
			t.Errorf("%s: browser check passed=%v (%q)", name, pass, bad)
		}
	}
}
