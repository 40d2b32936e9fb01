package viz

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// maxMarkers is the largest number of points of a curve that Curves marks.
const maxMarkers = 50

// Curves draws curves that each have their own x values: curve s joins the
// points (xs[s][k], ys[s][k]) in order, with a marker at each (for curves
// of at most 50 points; longer ones are drawn as plain lines). If halfWidths
// is not nil, point k of curve s gets a vertical error bar
// ys[s][k] ± halfWidths[s][k] (pass e.g. 2× the standard errors and say so
// in the title; a nil halfWidths[s] draws curve s without bars). LogX and
// LogY select log axes; a NaN or infinite value leaves a gap. Use it where
// Sweep's shared x does not fit: methods swept over different parameters,
// or step curves such as detection curves.
func Curves(xs, ys, halfWidths [][]float64, o Opts) *Chart {
	if len(ys) == 0 || len(xs) != len(ys) {
		panic(fmt.Sprintf("viz: Curves: %d x series for %d curves (want at least one, equal)", len(xs), len(ys)))
	}
	if halfWidths != nil && len(halfWidths) != len(ys) {
		panic(fmt.Sprintf("viz: Curves: %d error-bar series for %d curves", len(halfWidths), len(ys)))
	}
	for s := range ys {
		if len(xs[s]) != len(ys[s]) {
			panic(fmt.Sprintf("viz: Curves: curve %d has %d x values and %d y values", s, len(xs[s]), len(ys[s])))
		}
		if halfWidths != nil && halfWidths[s] != nil && len(halfWidths[s]) != len(ys[s]) {
			panic(fmt.Sprintf("viz: Curves: curve %d has %d error half-widths for %d points", s, len(halfWidths[s]), len(ys[s])))
		}
	}
	line := charts.NewLine()
	line.SetGlobalOptions(append(common(o, len(ys) > 1 || len(o.Names) > 0, defaultGrid),
		charts.WithXAxisOpts(xAxis(o, axisType(o.LogX))),
		charts.WithYAxisOpts(yAxis(o, axisType(o.LogY))),
	)...)
	for s, y := range ys {
		col := palette[s%len(palette)]
		name := o.name(s, "series")
		d := make([]opts.LineData, len(y))
		for k := range y {
			d[k] = opts.LineData{Value: []any{numAxis(xs[s][k], o.LogX), numAxis(y[k], o.LogY)}}
		}
		symbol := "circle"
		if len(y) > maxMarkers {
			symbol = "none"
		}
		line.AddSeries(name, d,
			charts.WithLineChartOpts(opts.LineChart{Symbol: symbol, SymbolSize: 7, ConnectNulls: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: col, Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: col}))
		if halfWidths == nil || halfWidths[s] == nil {
			continue
		}
		// One two-point line per bar, all named after the curve: the legend
		// entry toggles the curve and its bars together.
		for k := range y {
			x, h := numAxis(xs[s][k], o.LogX), halfWidths[s][k]
			line.AddSeries(name, []opts.LineData{
				{Value: []any{x, numAxis(y[k]-h, o.LogY)}},
				{Value: []any{x, numAxis(y[k]+h, o.LogY)}},
			},
				charts.WithLineChartOpts(opts.LineChart{Symbol: "none"}),
				charts.WithLineStyleOpts(opts.LineStyle{Color: col, Width: 1.5}),
				charts.WithItemStyleOpts(opts.ItemStyle{Color: col}))
		}
	}
	return newChart(line, o)
}

// EstimateBars draws one bar per label, est[k] at labels[k], with a
// vertical error bar est[k] ± halfWidth[k] if halfWidth is not nil (pass e.g.
// 2× the standard errors and say so in the title). A NaN estimate draws no
// bar (a method that gave no value). Names[0], if set, names the bars.
func EstimateBars(labels []string, est, halfWidth []float64, o Opts) *Chart {
	if len(est) != len(labels) {
		panic(fmt.Sprintf("viz: EstimateBars: %d estimates for %d labels", len(est), len(labels)))
	}
	if halfWidth != nil && len(halfWidth) != len(est) {
		panic(fmt.Sprintf("viz: EstimateBars: %d error half-widths for %d estimates", len(halfWidth), len(est)))
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(common(o, false, defaultGrid),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: labels, Name: o.XName, NameLocation: "middle", NameGap: 28,
			AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 20}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: o.YName}),
	)...)
	bar.SetXAxis(labels)
	d := make([]opts.BarData, len(est))
	for k, v := range est {
		d[k] = opts.BarData{Value: num(v)}
	}
	name := firstNonEmpty(o.name(0, ""), "estimate")
	bar.AddSeries(name, d, charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[0]}))
	if halfWidth != nil {
		bars := charts.NewLine()
		for k, v := range est {
			bars.AddSeries("error bars", []opts.LineData{
				{Value: []any{labels[k], num(v - halfWidth[k])}},
				{Value: []any{labels[k], num(v + halfWidth[k])}},
			},
				charts.WithLineChartOpts(opts.LineChart{Symbol: "none"}),
				charts.WithLineStyleOpts(opts.LineStyle{Color: "#333333", Width: 2}),
				charts.WithItemStyleOpts(opts.ItemStyle{Color: "#333333"}))
		}
		bar.Overlap(bars)
	}
	return newChart(bar, o)
}
