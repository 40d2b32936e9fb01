package viz

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Opts are the options shared by all builders. Every field is optional.
type Opts struct {
	Title, Subtitle string
	// XName and YName label the axes.
	XName, YName string
	// Names names the series (chains, curves, bar groups); nil gives defaults
	// such as "chain 0", "series 1".
	Names []string
	// LogX and LogY use a base-10 log axis (Sweep; LogY also Bars, drawn
	// as markers).
	LogX, LogY bool
	// Width and Height are CSS sizes; defaults "900px" and "420px".
	Width, Height string
	// MaxPoints caps the points drawn per series in Traces by keeping every
	// k-th draw (running means are computed on all draws first); default 1000.
	MaxPoints int
}

func (o Opts) size() (w, h string) {
	w, h = o.Width, o.Height
	if w == "" {
		w = "900px"
	}
	if h == "" {
		h = "420px"
	}
	return w, h
}

// name is Names[i], or prefix and i ("" if prefix is "").
func (o Opts) name(i int, prefix string) string {
	if i < len(o.Names) {
		return o.Names[i]
	}
	if prefix == "" {
		return ""
	}
	return prefix + " " + strconv.Itoa(i)
}

// missingGrey fills heatmap cells that are not a number.
const missingGrey = "#9e9e9e"

// palette is ECharts' default palette; builders that pair series (a chain and
// its running mean) colour them explicitly.
var palette = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de",
	"#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"}

// num turns a value into ECharts data: NaN and ±Inf become "-" (a gap); finite
// values keep 7 significant digits, enough for a chart and its tooltip, and
// about half the bytes of a full float64 in the page.
func num(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return json.Number(strconv.FormatFloat(v, 'g', 7, 64))
}

// numAxis is num, plus "-" for values <= 0 on a log axis.
func numAxis(v float64, log bool) any {
	if log && v <= 0 {
		return "-"
	}
	return num(v)
}

func axisType(log bool) string {
	if log {
		return "log"
	}
	return "value"
}

// defaultGrid leaves room for axis names and the legend.
var defaultGrid = opts.Grid{Left: "60", Right: "40", Top: "60", Bottom: "70", ContainLabel: opts.Bool(true)}

// common sets the options every rectangular chart shares.
func common(o Opts, legend bool, grid opts.Grid) []charts.GlobalOpts {
	w, h := o.size()
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{Width: w, Height: h}),
		charts.WithTitleOpts(opts.Title{Title: o.Title, Subtitle: o.Subtitle}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Type: "scroll", Top: "bottom"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(grid),
	}
}

func xAxis(o Opts, typ string) opts.XAxis {
	return opts.XAxis{Type: typ, Name: o.XName, NameLocation: "middle", NameGap: 28,
		Scale: opts.Bool(true), SplitLine: &opts.SplitLine{Show: opts.Bool(false)}}
}

func yAxis(o Opts, typ string) opts.YAxis {
	return opts.YAxis{Type: typ, Name: o.YName, Scale: opts.Bool(true)}
}

// Traces draws one line per chain (chains[c][t] is draw t of chain c) with its
// running mean, (1/(t+1)) Σ_{s<=t} x_s, over it in the same colour. NaN draws are
// left out of the running mean.
func Traces(chains [][]float64, o Opts) *Chart {
	if len(chains) == 0 {
		panic("viz: Traces needs at least one chain")
	}
	maxPts := o.MaxPoints
	if maxPts <= 0 {
		maxPts = 1000
	}
	line := charts.NewLine()
	line.SetGlobalOptions(append(common(o, true, defaultGrid),
		charts.WithXAxisOpts(xAxis(Opts{XName: firstNonEmpty(o.XName, "draw")}, "value")),
		charts.WithYAxisOpts(yAxis(o, "value")),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
	)...)
	for c, x := range chains {
		stride := (len(x) + maxPts - 1) / maxPts
		if stride < 1 {
			stride = 1
		}
		raw := make([]opts.LineData, 0, len(x)/stride+1)
		mean := make([]opts.LineData, 0, len(x)/stride+1)
		sum, n := 0.0, 0
		for t, v := range x {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				sum += v
				n++
			}
			if t%stride != 0 && t != len(x)-1 {
				continue
			}
			raw = append(raw, opts.LineData{Value: []any{t, num(v)}})
			m := math.NaN()
			if n > 0 {
				m = sum / float64(n)
			}
			mean = append(mean, opts.LineData{Value: []any{t, num(m)}})
		}
		col := palette[c%len(palette)]
		name := o.name(c, "chain")
		line.AddSeries(name, raw,
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: col, Width: 1, Opacity: opts.Float(0.45)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: col}),
		)
		line.AddSeries(name+" running mean", mean,
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: col, Width: 2.5}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: col}),
		)
	}
	return newChart(line, o)
}

// EstimateVsExact draws estimates against exact values (one point per pair)
// with the identity line y = x. If halfWidth is not nil, each point gets a
// vertical error bar est[i] ± halfWidth[i] (pass e.g. 2× the standard errors;
// say which in the title). Names[0], if set, names the points.
func EstimateVsExact(est, exact, halfWidth []float64, o Opts) *Chart {
	if len(est) != len(exact) {
		panic(fmt.Sprintf("viz: EstimateVsExact: %d estimates, %d exact values", len(est), len(exact)))
	}
	if halfWidth != nil && len(halfWidth) != len(est) {
		panic(fmt.Sprintf("viz: EstimateVsExact: %d estimates, %d error half-widths", len(est), len(halfWidth)))
	}
	o.XName = firstNonEmpty(o.XName, "exact")
	o.YName = firstNonEmpty(o.YName, "estimate")
	lo, hi := math.Inf(1), math.Inf(-1)
	widen := func(vs ...float64) {
		for _, v := range vs {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	pts := make([]opts.ScatterData, len(est))
	for i := range est {
		pts[i] = opts.ScatterData{Value: []any{num(exact[i]), num(est[i])}}
		widen(exact[i], est[i])
		if halfWidth != nil {
			widen(est[i]-halfWidth[i], est[i]+halfWidth[i])
		}
	}
	if lo > hi { // no finite value
		lo, hi = 0, 1
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(append(common(o, true, defaultGrid),
		charts.WithXAxisOpts(xAxis(o, "value")),
		charts.WithYAxisOpts(yAxis(o, "value")),
	)...)
	sc.AddSeries(firstNonEmpty(o.name(0, ""), "estimate"), pts,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[0]}))

	ident := charts.NewLine()
	ident.AddSeries("y = x", []opts.LineData{{Value: []any{lo, lo}}, {Value: []any{hi, hi}}},
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: "#888888", Type: "dashed", Width: 1}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#888888"}))
	if halfWidth != nil {
		// One two-point line per bar, all with the same name: the legend shows
		// one entry that toggles them all.
		for i := range est {
			ident.AddSeries("error bars", []opts.LineData{
				{Value: []any{num(exact[i]), num(est[i] - halfWidth[i])}},
				{Value: []any{num(exact[i]), num(est[i] + halfWidth[i])}},
			},
				charts.WithLineChartOpts(opts.LineChart{Symbol: "none"}),
				charts.WithLineStyleOpts(opts.LineStyle{Color: palette[0], Width: 1.5}),
				charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[0]}))
		}
	}
	sc.Overlap(ident)
	return newChart(sc, o)
}

// Scatter draws groups of points, one colour and legend entry per group
// (o.Names names them): group g has the points (xs[g][i], ys[g][i]). For a
// 2-D embedding coloured by label, one group per label. It panics if the
// groups' lengths differ between xs and ys.
func Scatter(xs, ys [][]float64, o Opts) *Chart {
	if len(xs) != len(ys) {
		panic(fmt.Sprintf("viz: Scatter: %d x groups, %d y groups", len(xs), len(ys)))
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(append(common(o, true, defaultGrid),
		charts.WithXAxisOpts(xAxis(o, "value")),
		charts.WithYAxisOpts(yAxis(o, "value")),
	)...)
	for g := range xs {
		if len(xs[g]) != len(ys[g]) {
			panic(fmt.Sprintf("viz: Scatter: group %d has %d x and %d y values", g, len(xs[g]), len(ys[g])))
		}
		pts := make([]opts.ScatterData, len(xs[g]))
		for i := range pts {
			pts[i] = opts.ScatterData{Value: []any{num(xs[g][i]), num(ys[g][i])}, SymbolSize: 6}
		}
		sc.AddSeries(o.name(g, "group"), pts, charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[g%len(palette)]}))
	}
	return newChart(sc, o)
}

// Heatmap draws matrix m (m[i][j] is row i, column j; row 0 on top) with a
// diverging blue-white-red scale centred at zero, from -max|m| to +max|m|.
// rows and cols label the rows and columns; nil gives 0, 1, ... Cells that
// are NaN or ±Inf are left grey, outside the colour scale, and counted in
// the subtitle.
func Heatmap(m [][]float64, rows, cols []string, o Opts) *Chart {
	nr := len(m)
	if nr == 0 {
		panic("viz: Heatmap of an empty matrix")
	}
	nc := len(m[0])
	for i := range m {
		if len(m[i]) != nc {
			panic(fmt.Sprintf("viz: Heatmap: row %d has %d columns, row 0 has %d", i, len(m[i]), nc))
		}
	}
	rows = labels(rows, nr, "rows")
	cols = labels(cols, nc, "cols")
	amax := 0.0
	missing := 0
	data := make([]opts.HeatMapData, 0, nr*nc)
	for i := range m {
		for j, v := range m[i] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				missing++
			} else {
				amax = math.Max(amax, math.Abs(v))
			}
			data = append(data, opts.HeatMapData{Value: []any{j, i, num(v)}})
		}
	}
	if amax == 0 {
		amax = 1
	}
	if missing > 0 {
		note := fmt.Sprintf("grey: %d cell(s) not a number", missing)
		o.Subtitle = strings.TrimPrefix(o.Subtitle+" · "+note, " · ")
	}
	// Cells that are not drawn (NaN, ±Inf) show the grid's background: a grey
	// outside the colour scale, so they never pass for zero (white).
	missingArea := &opts.SplitArea{Show: opts.Bool(true), AreaStyle: &opts.AreaStyle{Color: missingGrey}}
	hm := charts.NewHeatMap()
	g := common(o, false, opts.Grid{Left: "60", Right: "110", Top: "60", Bottom: "40", ContainLabel: opts.Bool(true)})
	g = append(g,
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: cols, Name: o.XName, Position: "top",
			SplitArea: missingArea}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: rows, Name: o.YName, Inverse: opts.Bool(true)}),
		charts.WithVisualMapOpts(opts.VisualMap{
			// Text labels the ends exactly; the handles would round them.
			Calculable: opts.Bool(false), Min: float32(-amax), Max: float32(amax),
			Text:   []string{strconv.FormatFloat(amax, 'g', 3, 64), strconv.FormatFloat(-amax, 'g', 3, 64)},
			Orient: "vertical", Right: "10", Top: "middle",
			InRange: &opts.VisualMapInRange{Color: []string{"#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b"}},
		}),
	)
	hm.SetGlobalOptions(g...)
	hm.SetXAxis(cols)
	hm.AddSeries(firstNonEmpty(o.name(0, ""), "value"), data)
	return newChart(hm, o)
}

// Bars draws grouped bars: values[s][k] is the bar of series s at labels[k].
// Use it for the entries of a mode. With LogY the values are drawn as
// markers joined by lines (a scree plot) instead: bars on a log axis would
// start at 1 and hang down from it for values below 1.
func Bars(labels []string, values [][]float64, o Opts) *Chart {
	if len(values) == 0 {
		panic("viz: Bars needs at least one series")
	}
	for s := range values {
		if len(values[s]) != len(labels) {
			panic(fmt.Sprintf("viz: Bars: series %d has %d values for %d labels", s, len(values[s]), len(labels)))
		}
	}
	if o.LogY {
		return logMarkers(labels, values, o)
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(o, len(values) > 1 || len(o.Names) > 0, defaultGrid),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: labels, Name: o.XName, NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{Type: axisType(o.LogY), Name: o.YName}),
	)...)
	bar.SetXAxis(labels)
	for s, vs := range values {
		d := make([]opts.BarData, len(vs))
		for k, v := range vs {
			d[k] = opts.BarData{Value: numAxis(v, o.LogY)}
		}
		bar.AddSeries(o.name(s, "series"), d, charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[s%len(palette)]}))
	}
	return newChart(bar, o)
}

// logMarkers is Bars on a log axis: one line with markers per series.
func logMarkers(labels []string, values [][]float64, o Opts) *Chart {
	line := charts.NewLine()
	line.SetGlobalOptions(append(common(o, len(values) > 1 || len(o.Names) > 0, defaultGrid),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: labels, Name: o.XName, NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{Type: "log", Name: o.YName}),
	)...)
	line.SetXAxis(labels)
	for s, vs := range values {
		d := make([]opts.LineData, len(vs))
		for k, v := range vs {
			d[k] = opts.LineData{Value: numAxis(v, true)}
		}
		c := palette[s%len(palette)]
		line.AddSeries(o.name(s, "series"), d,
			charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 9, ConnectNulls: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: c, Width: 1.5}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: c}))
	}
	return newChart(line, o)
}

// SingularValues draws s (in the order given, usually descending) labelled
// 1, 2, ...: on a log axis as a scree plot (markers joined by lines), or as
// bars when all are equal or one is <= 0.
func SingularValues(s []float64, o Opts) *Chart {
	lbl := make([]string, len(s))
	logOK, lo, hi := true, math.Inf(1), math.Inf(-1)
	for i, v := range s {
		lbl[i] = strconv.Itoa(i + 1)
		logOK = logOK && v > 0
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	o.LogY = o.LogY || (logOK && hi > lo)
	o.XName = firstNonEmpty(o.XName, "index")
	o.YName = firstNonEmpty(o.YName, "singular value")
	return Bars(lbl, [][]float64{s}, o)
}

// Histogram draws the counts of x in bins equal-width bins between its finite
// minimum and maximum; bins <= 0 means ceil(sqrt(n)) clamped to [5, 100].
// Non-finite values are not counted.
func Histogram(x []float64, bins int, o Opts) *Chart {
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi, n = math.Min(lo, v), math.Max(hi, v), n+1
		}
	}
	if bins <= 0 {
		bins = min(max(int(math.Ceil(math.Sqrt(float64(n)))), 5), 100)
	}
	if n == 0 {
		lo, hi = 0, 1
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	width := (hi - lo) / float64(bins)
	counts := make([]float64, bins)
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		k := min(int((v-lo)/width), bins-1)
		counts[k]++
	}
	lbl := make([]string, bins)
	for k := range lbl {
		lbl[k] = strconv.FormatFloat(lo+(float64(k)+0.5)*width, 'g', 4, 64)
	}
	o.YName = firstNonEmpty(o.YName, "count")
	c := charts.NewBar()
	c.SetGlobalOptions(append(common(o, false, defaultGrid),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: lbl, Name: o.XName, NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: o.YName}),
	)...)
	c.SetXAxis(lbl)
	d := make([]opts.BarData, bins)
	for k, v := range counts {
		d[k] = opts.BarData{Value: v}
	}
	c.AddSeries(o.name(0, "count"), d,
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "1%"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[0]}))
	return newChart(c, o)
}

// Sweep draws curves over a swept parameter: ys[s][k] is curve s at x[k].
// LogX and LogY select log axes.
func Sweep(x []float64, ys [][]float64, o Opts) *Chart {
	if len(ys) == 0 {
		panic("viz: Sweep needs at least one curve")
	}
	for s := range ys {
		if len(ys[s]) != len(x) {
			panic(fmt.Sprintf("viz: Sweep: curve %d has %d values for %d x values", s, len(ys[s]), len(x)))
		}
	}
	line := charts.NewLine()
	line.SetGlobalOptions(append(common(o, len(ys) > 1 || len(o.Names) > 0, defaultGrid),
		charts.WithXAxisOpts(xAxis(o, axisType(o.LogX))),
		charts.WithYAxisOpts(yAxis(o, axisType(o.LogY))),
	)...)
	for s, y := range ys {
		d := make([]opts.LineData, len(x))
		for k := range x {
			d[k] = opts.LineData{Value: []any{numAxis(x[k], o.LogX), numAxis(y[k], o.LogY)}}
		}
		col := palette[s%len(palette)]
		line.AddSeries(o.name(s, "series"), d,
			charts.WithLineStyleOpts(opts.LineStyle{Color: col, Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: col}))
	}
	return newChart(line, o)
}

func labels(l []string, n int, what string) []string {
	if l == nil {
		l = make([]string, n)
		for i := range l {
			l[i] = strconv.Itoa(i)
		}
	}
	if len(l) != n {
		panic(fmt.Sprintf("viz: Heatmap: %d labels for %d %s", len(l), n, what))
	}
	return l
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
