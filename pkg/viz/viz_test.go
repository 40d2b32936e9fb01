package viz

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"susclab/pkg/susc/health"
	"susclab/pkg/trajectory"
)

// gallery builds one chart of each kind, with recognisable data.
func gallery() map[string]*Chart {
	return map[string]*Chart{
		"traces": Traces([][]float64{{1.25, 2.5, 3.75}, {-1.5, math.NaN(), 0.125}}, Opts{Title: "traces"}),
		"scatter": EstimateVsExact([]float64{1.0625, 2.0625}, []float64{1, 2}, []float64{0.3125, 0.4375},
			Opts{Title: "estimate vs exact"}),
		"groups": Scatter([][]float64{{1.375, 2}, {-3.5}}, [][]float64{{0.625, 1}, {4.25}}, Opts{Names: []string{"induction", "other"}}),
		"heatmap": Heatmap([][]float64{{0.5, -0.75}, {-0.75, 2.5}}, []string{"rowA", "rowB"}, []string{"colA", "colB"},
			Opts{Title: "heatmap"}),
		"heatmap NaN": Heatmap([][]float64{{math.NaN(), 1}, {-1, math.Inf(1)}}, nil, nil, Opts{Title: "diverged", Subtitle: "ε × nβ"}),
		"bars":        Bars([]string{"w1", "w2", "w3"}, [][]float64{{0.1875, -0.5625, 0.8125}}, Opts{Title: "mode"}),
		"singular":    SingularValues([]float64{10.5, 1.5, 0.015625}, Opts{Title: "singular values"}),
		"histogram":   Histogram([]float64{0, 1, 1, 2, 2, 2, 3}, 4, Opts{Title: "histogram"}),
		"sweep": Sweep([]float64{0.01, 0.1, 1}, [][]float64{{3.5, 4.5, 5.5}}, Opts{Title: "sweep", LogX: true,
			XName: "beta"}),
		"curves": Curves([][]float64{{0.25, 2.5}, {0.75, 1.5, 3.25}}, [][]float64{{0.5, 0.625}, {0.125, math.NaN(), 0.375}},
			[][]float64{{0.0625, 0.03125}, nil}, Opts{Title: "curves", LogX: true, Names: []string{"IF", "BIF"}}),
		"estimate bars": EstimateBars([]string{"methodA", "methodB"}, []float64{0.5625, math.NaN()}, []float64{0.125, 0.25},
			Opts{Title: "LDS"}),
		"over training": OverTraining(trajectory.Series{Name: "loss", Steps: []int{0, 10, 100}, Value: []float64{8.5, 2.75, 0.0625}, SE: make([]float64, 3)},
			[]trajectory.Series{{Name: "LLC", Steps: []int{0, 10, 100}, Value: []float64{-0.25, 3.125, 2.5}, SE: []float64{0.125, 0.0625, 0.25}}},
			Opts{Title: "development", LogX: true, LogY: true, YName: "λ̂"}),
		"health": Health(&health.Report{Kernel: "SGLD",
			Chains: []health.ChainHealth{
				{Draws: 3, Used: true, Loss: []float64{0.8125, 0.875, 0.9375}, Distance: []float64{0.25, 0.3125, 0.375},
					Drift: []float64{0.0625, 0.125, 0.1875}, Localization: []float64{0.015625, 0.03125, 0.046875}, Noise: []float64{1.5, 1.25, 1.75}, MALA: 0.96875},
				{Draws: 3, Used: true, Loss: []float64{0.5, 0.5625, 0.625}, Distance: []float64{1.25, 2.5, 3.75},
					Drift: []float64{0.0625, 0.125, 0.1875}, Localization: []float64{0.015625, 0.03125, 0.046875}, Noise: []float64{1.5, 1.25, 1.75}, MALA: math.NaN()},
			},
			Groups:   []health.Group{{Name: "loss", RHat: 1.0625, ESS: 50, Required: 100}, {Name: "w0", RHat: 1.00390625, ESS: 400, Required: 100}},
			Verdicts: []health.Verdict{{Name: health.ChainsDisagree, Fired: true, Evaluated: true, Statistic: 1.0625, Threshold: health.MaxRHat}},
		}, Opts{}),
		"heatmap over training": HeatmapOverTraining(trajectory.Entries{Name: "J modes/dL", Steps: []int{0, 50}, Labels: []string{"m0/d0", "m1/d1"},
			Value: [][]float64{{0.5, 1.5}, {-2.5, 0.25}}, SE: [][]float64{{0.25, 0.25}, {0.5, 0.5}}}, Opts{}),
	}
}

// dataOf lists substrings that must appear in each chart's HTML.
var dataOf = map[string][]string{
	"traces":      {"1.25", "3.75", "-1.5", "0.125", `"-"`, "chain 1 running mean"},
	"scatter":     {"1.0625", "2.0625", "y = x", "error bars", "0.75", "2.5"}, // 1.0625-0.3125, 2.0625+0.4375
	"groups":      {"1.375", "0.625", "-3.5", "4.25", `"name":"induction"`, `"name":"other"`},
	"heatmap":     {"rowA", "colB", "-0.75", "2.5", `"min":-2.5`, `"max":2.5`},
	"heatmap NaN": {"ε × nβ · grey: 2 cell(s) not a number", `"areaStyle":{"color":"` + missingGrey + `"}`, `"min":-1`},
	"bars":        {"w2", "0.1875", "-0.5625", "0.8125"},
	"singular":    {"10.5", "0.015625", `"type":"log"`},
	"histogram":   {"0.375", "2.625"}, // bin centres; counts in TestHistogramCounts
	"sweep":       {"0.01", "5.5", `"type":"log"`, "beta"},
	// Curves: per-curve x values, the bar of point (0.25, 0.5) from 0.4375 to 0.5625, a gap.
	"curves":        {"0.25", "3.25", "0.4375", "0.5625", `"-"`, `"type":"log"`, "IF", "BIF"},
	"estimate bars": {"methodA", "0.5625", "0.4375", "0.6875", `"-"`, "error bars"},
	// The band from step 10 (3.125 ± 2·0.0625) to step 100 (2.5 ± 2·0.25) is
	// one quadrilateral, drawn by a function; the interval from step 0 is
	// not on the log axis, nor is the loss at step 0; two grids.
	"over training": {"training loss", "λ̂", `[10,3,3.25,100,2,3]`, `[10,3.125]`, `[100,0.0625]`, `["-",8.5]`,
		`"renderItem":function (params, api)`, `"encode":{"x":[0,3],"y":[1,2,4,5]}`, `"gridIndex":1`, `"xAxisIndex":1`,
		"step 0 not shown on the log axis", "LLC ±2 SE"},
	"heatmap over training": {"J modes/dL", "m1/d1", `"50"`, "-2.5", "1.5"},
	// Six grids; traces of both chains, the mean norms, bars against their thresholds, the verdict in the subtitle.
	"health": {"chain health", "chains disagree: 1.062 vs 1.01", `"gridIndex":5`, `[2,3.75]`, `[2,0.9375]`, "0.96875", `"-"`, `"yAxis":0.9`,
		`"yAxis":1.01`, "1.0625", "1.003906", `[0.5,4]`, "localization", `[0,0.015625]`, "drift", "noise"},
}

var remoteRef = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`)

func TestChartHTML(t *testing.T) {
	for name, c := range gallery() {
		h := c.HTML()
		for _, want := range dataOf[name] {
			if !strings.Contains(h, want) {
				t.Errorf("%s: HTML lacks %q", name, want)
			}
		}
		if strings.Contains(h, "Apache ECharts") {
			t.Errorf("%s: chart HTML carries the library; only LibraryHTML/PageHTML should", name)
		}
		if n := strings.Count(h, `id="`+c.ID+`"`); n != 1 {
			t.Errorf("%s: chart div id appears %d times", name, n)
		}
		if !strings.Contains(h, `class="`+ChartClass+`"`) {
			t.Errorf("%s: no %s div", name, ChartClass)
		}
		if remoteRef.MatchString(h) {
			t.Errorf("%s: HTML refers to a remote URL: %s", name, remoteRef.FindString(h))
		}
	}
}

func TestHistogramCounts(t *testing.T) {
	// Bins of width 0.75 over [0,3]: {0}, {1,1}, {2,2,2}, {3}.
	h := Histogram([]float64{0, 1, 1, 2, 2, 2, 3, math.NaN()}, 4, Opts{}).HTML()
	for _, want := range []string{`{"value":1}`, `{"value":2}`, `{"value":3}`} {
		if !strings.Contains(h, want) {
			t.Errorf("histogram lacks %s", want)
		}
	}
	if strings.Contains(h, `{"value":4}`) {
		t.Errorf("NaN was counted")
	}
}

func TestPageHasLibraryOnce(t *testing.T) {
	g := gallery()
	var all []*Chart
	for _, c := range g {
		all = append(all, c)
	}
	page := PageHTML("gallery", all...)
	if n := strings.Count(page, "Apache ECharts "+EChartsVersion+" (Apache-2.0)"); n != 1 {
		t.Fatalf("library appears %d times on a page of %d charts", n, len(all))
	}
	if n := strings.Count(page, `t.version="`+EChartsVersion+`"`); n != 1 {
		t.Fatalf("library bundle appears %d times", n)
	}
	if m := remoteRef.FindString(page); m != "" {
		t.Fatalf("page refers to a remote URL: %s", m)
	}
	if strings.Contains(page, "<script src") {
		t.Fatalf("page loads a script from elsewhere")
	}
	for _, c := range all {
		if !strings.Contains(page, `id="`+c.ID+`"`) {
			t.Errorf("page lacks chart %s", c.ID)
		}
	}
	// The library must sit before the first chart, and be wrapped so that
	// RequireJS cannot capture it.
	if strings.Index(page, "(function (define, exports, module)") > strings.Index(page, ChartClass) {
		t.Errorf("library is not before the charts, or not wrapped")
	}

	// A standalone file of one chart, too. VIZ_GALLERY=dir keeps the gallery
	// page there for a look in a browser.
	dir := t.TempDir()
	if d := os.Getenv("VIZ_GALLERY"); d != "" {
		dir = d
		if err := SavePage(filepath.Join(dir, "gallery.html"), "viz gallery", all...); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "one.html")
	if err := g["heatmap"].Save(p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `t.version="`+EChartsVersion+`"`); n != 1 || !strings.Contains(string(b), "rowA") {
		t.Errorf("saved page: library %d times, or data missing", n)
	}
}

func TestIDsDeterministic(t *testing.T) {
	m := [][]float64{{1, 2}, {3, 4.125}}
	a := Heatmap(m, nil, nil, Opts{Title: "ids"})
	b := Heatmap(m, nil, nil, Opts{Title: "ids"})
	c := Heatmap(m, nil, nil, Opts{Title: "other"})
	if !regexp.MustCompile(`^viz-[0-9a-f]{16}$`).MatchString(a.ID) {
		t.Errorf("unexpected id %q", a.ID)
	}
	if b.ID != a.ID+"-2" {
		t.Errorf("same chart twice: ids %q then %q, want suffix -2", a.ID, b.ID)
	}
	if c.ID == a.ID {
		t.Errorf("different charts share id %q", a.ID)
	}
}

func TestOptionCannotCloseScript(t *testing.T) {
	h := Bars([]string{"</script><b>x"}, [][]float64{{1}}, Opts{Title: "</script>"}).HTML()
	if strings.Count(h, "</script>") != 1 {
		t.Errorf("a label closed the script element:\n%s", h)
	}
}

func TestShapePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"ragged heatmap":  func() { Heatmap([][]float64{{1, 2}, {3}}, nil, nil, Opts{}) },
		"labels":          func() { Heatmap([][]float64{{1}}, []string{"a", "b"}, nil, Opts{}) },
		"scatter":         func() { EstimateVsExact([]float64{1}, []float64{1, 2}, nil, Opts{}) },
		"groups":          func() { Scatter([][]float64{{1}}, [][]float64{{1}, {2}}, Opts{}) },
		"group length":    func() { Scatter([][]float64{{1}}, [][]float64{{1, 2}}, Opts{}) },
		"bars":            func() { Bars([]string{"a"}, [][]float64{{1, 2}}, Opts{}) },
		"sweep":           func() { Sweep([]float64{1}, [][]float64{{1, 2}}, Opts{}) },
		"curves x":        func() { Curves([][]float64{{1}}, [][]float64{{1, 2}}, nil, Opts{}) },
		"curves count":    func() { Curves([][]float64{{1}}, [][]float64{{1}, {2}}, nil, Opts{}) },
		"curves bars":     func() { Curves([][]float64{{1}}, [][]float64{{1}}, [][]float64{{1, 2}}, Opts{}) },
		"estimate bars":   func() { EstimateBars([]string{"a"}, []float64{1, 2}, nil, Opts{}) },
		"estimate widths": func() { EstimateBars([]string{"a"}, []float64{1}, []float64{1, 2}, Opts{}) },
		"no chains":       func() { Traces(nil, Opts{}) },
		"empty health":    func() { Health(&health.Report{}, Opts{}) },
		"curve steps": func() {
			OverTraining(trajectory.Series{Steps: []int{1, 2}, Value: []float64{1, 2}, SE: []float64{0, 0}},
				[]trajectory.Series{{Steps: []int{1, 3}, Value: []float64{1, 2}, SE: []float64{0, 0}}}, Opts{})
		},
		"curve length": func() {
			OverTraining(trajectory.Series{Steps: []int{1, 2}, Value: []float64{1, 2}, SE: []float64{0, 0}},
				[]trajectory.Series{{Steps: []int{1, 2}, Value: []float64{1}, SE: []float64{0, 0}}}, Opts{})
		},
		"entries": func() {
			HeatmapOverTraining(trajectory.Entries{Steps: []int{1, 2}, Labels: []string{"a"}, Value: [][]float64{{1}}, SE: [][]float64{{1, 1}}}, Opts{})
		},
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "viz: ") {
					t.Errorf("%s: recovered %v, want a panic with prefix viz:", name, r)
				}
			}()
			f()
		}()
	}
}

func TestTracesThinning(t *testing.T) {
	x := make([]float64, 10000)
	for i := range x {
		x[i] = float64(i % 7)
	}
	h := Traces([][]float64{x}, Opts{MaxPoints: 100}).HTML()
	if n := strings.Count(h, `"value":[`); n > 2*101+2 {
		t.Errorf("%d points drawn, want at most about 2×100", n)
	}
	// The last draw is always kept: its running mean is the mean of all draws.
	if !strings.Contains(h, `[9999,`) {
		t.Errorf("last draw not drawn")
	}
}

func TestProgressSilentOutsideNotebook(t *testing.T) {
	p := NewProgress("work", 10)
	for range 10 {
		p.Add(1) // must neither print nor block
	}
	p.Done()
	if p.live {
		t.Fatal("Progress thinks it runs in a notebook")
	}
	h := progressHTML("a<b", 3, 4, 1500*time.Millisecond)
	for _, want := range []string{"a&lt;b", `value="3"`, `max="4"`, "3/4", "75%", "1.5s"} {
		if !strings.Contains(h, want) {
			t.Errorf("progress HTML lacks %q: %s", want, h)
		}
	}
}

func TestHeatmapOverTrainingZ(t *testing.T) {
	e := trajectory.Entries{Name: "BIF", Steps: []int{0, 50}, Labels: []string{"a", "b"},
		Value: [][]float64{{0.5, 1.5}, {-2.5, 0.25}}, SE: [][]float64{{0.25, 0.25}, {0.5, 0.5}}}
	h := HeatmapOverTraining(e, Opts{Names: []string{"z"}}).HTML()
	for _, want := range []string{`[0,0,2]`, `[1,0,6]`, `[0,1,-5]`, `[1,1,0.5]`, `"min":-6`} {
		if !strings.Contains(h, want) {
			t.Errorf("z heatmap lacks %s", want)
		}
	}
}

func TestOverTrainingExactCurveHasNoBand(t *testing.T) {
	st := []int{1, 2, 3}
	loss := trajectory.Series{Steps: st, Value: []float64{3, 2, 1}, SE: make([]float64, 3)}
	h := OverTraining(loss, []trajectory.Series{{Name: "modes", Steps: st, Value: []float64{0, 1, 2}, SE: make([]float64, 3)}}, Opts{}).HTML()
	if strings.Contains(h, "renderItem") || strings.Contains(h, "±2 SE") {
		t.Error("a curve with SE 0 got a band")
	}
}

func TestOverTrainingBandsDrawn(t *testing.T) {
	h := gallery()["over training"].HTML()
	if strings.Contains(h, bandPlaceholder) || strings.Count(h, `"renderItem":function`) != 1 {
		t.Errorf("the band's render function is not in place of its placeholder")
	}
	if strings.Contains(h, `[0,-0.5,`) || strings.Contains(h, `[0,-0.25]`) {
		t.Errorf("step 0 drawn on a log axis")
	}
}
