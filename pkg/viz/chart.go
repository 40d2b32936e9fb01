package viz

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"os"
	"strings"
	"sync"

	"github.com/go-echarts/go-echarts/v2/render"
	"github.com/janpfeifer/gonb/gonbui"
)

// echartsJS is dist/echarts.min.js of the npm package echarts@5.6.0.
//
//go:embed assets/echarts.min.js
var echartsJS string

// EChartsVersion is the version of the embedded ECharts library.
const EChartsVersion = "5.6.0"

// ChartClass is the CSS class of every chart's container div. The notebook
// runner's browser check looks for it.
const ChartClass = "susclab-chart"

// LibraryHTML returns a <script> element that defines window.echarts from the
// embedded library. The bundle is wrapped in a function whose define, exports
// and module parameters are undefined, so its UMD header sets window.echarts
// even when RequireJS is on the page (the classic Jupyter Notebook loads it);
// a second copy on a page does nothing.
func LibraryHTML() string {
	var b strings.Builder
	b.Grow(len(echartsJS) + 512)
	b.WriteString("<script type=\"text/javascript\">\n")
	b.WriteString("/* Apache ECharts " + EChartsVersion + " (Apache-2.0), embedded by susclab/pkg/viz. */\n")
	b.WriteString("if (!window.echarts) { (function (define, exports, module) {\n")
	b.WriteString(echartsJS)
	b.WriteString("\n}).call(window); }\n</script>\n")
	return b.String()
}

var initOnce sync.Once

// Init displays the ECharts library in the notebook, once per program run.
// Call it in an early cell of every notebook that shows charts: charts displayed
// by later cells use the library defined by that cell's output. Outside a
// notebook it does nothing.
func Init() {
	initOnce.Do(func() {
		gonbui.DisplayHTML(LibraryHTML())
		gonbui.Sync()
	})
}

// Chart is a chart ready to be shown or saved.
type Chart struct {
	// ID is the DOM id of the chart's div; deterministic (see the package doc).
	ID string
	// Title is the chart's title, also used as the title of a saved page.
	Title string

	option        string // the ECharts option, JSON
	width, height string
}

var (
	idMu   sync.Mutex
	idSeen = map[string]int{}
)

// newChart renders r's ECharts option and wraps it in a Chart.
func newChart(r render.Renderer, o Opts) *Chart {
	opt := strings.TrimSpace(r.RenderSnippet().Option)
	if opt == "" || opt == "null" {
		panic("viz: go-echarts rendered an empty option")
	}
	return wrapOption(opt, o)
}

// optionChart wraps an ECharts option written as Go values (maps, slices,
// numbers from num) in a Chart, for layouts go-echarts does not build.
func optionChart(option map[string]any, o Opts) *Chart {
	b, err := json.Marshal(option)
	if err != nil {
		panic("viz: " + err.Error())
	}
	return wrapOption(string(b), o)
}

// wrapOption makes a Chart of an ECharts option (JSON).
func wrapOption(opt string, o Opts) *Chart {
	// The option is inlined in a <script>: never let it close the element.
	opt = strings.ReplaceAll(opt, "</", `<\/`)
	w, h := o.size()
	sum := fnv.New64a()
	fmt.Fprintf(sum, "%s\x00%s\x00%s", opt, w, h)
	id := fmt.Sprintf("viz-%016x", sum.Sum64())
	idMu.Lock()
	idSeen[id]++
	if n := idSeen[id]; n > 1 {
		id = fmt.Sprintf("%s-%d", id, n)
	}
	idMu.Unlock()
	return &Chart{ID: id, Title: o.Title, option: opt, width: w, height: h}
}

// HTML returns the chart's div and the script that draws it, without the
// library: the page must also hold LibraryHTML once (see Init and SavePage).
// If the library never arrives, the div says so instead of staying blank.
func (c *Chart) HTML() string {
	return fmt.Sprintf(`<div class="%s" id="%s" style="width:%s;height:%s;"></div>
<script type="text/javascript">
(function () {
  var id = %q, tries = 0;
  var option = %s;
  function draw() {
    // Notebook front ends may run this script before the output is attached
    // to the page, and the library may still be loading: retry for 10 s.
    var el = document.getElementById(id);
    if (!el || !window.echarts) {
      if (++tries < 200) { setTimeout(draw, 50); return; }
      if (el) { el.textContent = "viz: the ECharts library is not on this page: run viz.Init() in an earlier cell."; }
      return;
    }
    var old = window.echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    window.echarts.init(el, null, {renderer: "canvas"}).setOption(option);
  }
  draw();
})();
</script>
`, ChartClass, c.ID, html.EscapeString(c.width), html.EscapeString(c.height), c.ID, c.option)
}

// Display shows the chart in the GoNB notebook running this program; it does
// nothing outside a notebook. It returns once GoNB has the chart: output still
// in the pipe when a cell's program exits can be lost.
func (c *Chart) Display() {
	gonbui.DisplayHTML(c.HTML())
	gonbui.Sync()
}

// Save writes the chart as a standalone HTML page (library included) to path.
func (c *Chart) Save(path string) error {
	return SavePage(path, c.Title, c)
}

// PageHTML returns a standalone HTML page holding the library once and the
// given charts in order.
func PageHTML(title string, charts ...*Chart) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</title>\n")
	b.WriteString(LibraryHTML())
	b.WriteString("</head>\n<body>\n")
	for _, c := range charts {
		b.WriteString(c.HTML())
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// SavePage writes PageHTML(title, charts...) to path.
func SavePage(path, title string, charts ...*Chart) error {
	if err := os.WriteFile(path, []byte(PageHTML(title, charts...)), 0o644); err != nil {
		return fmt.Errorf("viz: %w", err)
	}
	return nil
}
