package viz

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"susclab/pkg/trajectory"
)

// OverTraining draws estimates against training step with ±2 SE bands (lower
// panel) under the training loss (upper panel), on a shared x axis: what a
// trajectory.Trajectory holds (loss = t.Loss(), curves such as t.LLC() or
// an Entries' Series). LogX puts both panels on a log step axis (step 0 is
// then not drawn, and the subtitle says so); LogY puts the loss on a log
// axis. YName names the lower panel's axis. Every curve must have the
// loss's steps; a curve whose SEs are all zero (exact values, such as a
// count of learned modes) is drawn without a band.
func OverTraining(loss trajectory.Series, curves []trajectory.Series, o Opts) *Chart {
	checkSeries("loss", loss, loss.Steps)
	for _, c := range curves {
		checkSeries(c.Name, c, loss.Steps)
	}
	x := make([]float64, len(loss.Steps))
	for k, s := range loss.Steps {
		x[k] = float64(s)
	}
	if o.LogX && len(x) > 0 && x[0] <= 0 {
		o.Subtitle = strings.TrimPrefix(o.Subtitle+" · step 0 not shown on the log axis", " · ")
	}
	o.XName = firstNonEmpty(o.XName, "training step")
	w, h := o.Width, o.Height
	if h == "" {
		h = "560px"
	}
	o.Width, o.Height = w, h
	grids := []opts.Grid{
		// Fixed margins (no containLabel), so that both panels' x axes line up.
		{Left: "80", Right: "40", Top: "60", Height: "22%", ContainLabel: opts.Bool(false)},
		{Left: "80", Right: "40", Top: "42%", Bottom: "90", ContainLabel: opts.Bool(false)},
	}
	line := charts.NewLine()
	g := common(o, true, grids[0]) // WithGridOpts appends: the second grid follows
	g = append(g,
		charts.WithGridOpts(grids[1]),
		charts.WithXAxisOpts(opts.XAxis{Type: axisType(o.LogX), Min: "dataMin", Max: "dataMax",
			AxisLabel: &opts.AxisLabel{Show: opts.Bool(false)}, SplitLine: &opts.SplitLine{Show: opts.Bool(false)}}),
		charts.WithYAxisOpts(opts.YAxis{Type: axisType(o.LogY), Name: "training loss", Scale: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithAxisPointerOpts(&opts.AxisPointer{Link: []opts.AxisPointerLink{{XAxisIndex: []int{0, 1}}}}),
	)
	line.SetGlobalOptions(g...)
	line.ExtendXAxis(opts.XAxis{Type: axisType(o.LogX), Name: o.XName, NameLocation: "middle", NameGap: 28, GridIndex: 1,
		Min: "dataMin", Max: "dataMax", SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
	line.ExtendYAxis(opts.YAxis{Type: "value", Name: o.YName, Scale: opts.Bool(true), GridIndex: 1})

	pts := func(y []float64, logY bool) []opts.LineData {
		d := make([]opts.LineData, len(x))
		for k := range x {
			d[k] = opts.LineData{Value: []any{numAxis(x[k], o.LogX), numAxis(y[k], logY)}}
		}
		return d
	}
	line.AddSeries("training loss", pts(loss.Value, o.LogY),
		charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 5}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: "#555555", Width: 2}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#555555"}))
	band := charts.NewCustom()
	for i, c := range curves {
		col := palette[i%len(palette)]
		name := firstNonEmpty(o.name(i, ""), c.Name, "estimate "+strconv.Itoa(i))
		// The band is one quadrilateral per interval between checkpoints,
		// from (x0, lo0, hi0) to (x1, lo1, hi1), drawn by bandRender.
		var quads []opts.CustomData
		for k := 1; k < len(x); k++ {
			q := []float64{x[k-1], c.Value[k-1] - 2*c.SE[k-1], c.Value[k-1] + 2*c.SE[k-1], x[k], c.Value[k] - 2*c.SE[k], c.Value[k] + 2*c.SE[k]}
			if finiteAll(q) && (!o.LogX || q[0] > 0 && q[3] > 0) {
				v := make([]any, len(q))
				for j, f := range q {
					v[j] = num(f)
				}
				quads = append(quads, opts.CustomData{Value: v})
			}
		}
		if !anyPositive(c.SE) {
			quads = nil // exact values (labels, a loss): no band
		}
		if quads != nil {
			band.AddSeries(name+" ±2 SE", quads,
				charts.WithCustomChartOpts(opts.CustomChart{XAxisIndex: 1, YAxisIndex: 1, RenderItem: bandPlaceholder}),
				charts.WithItemStyleOpts(opts.ItemStyle{Color: col}))
		}
		line.AddSeries(name, pts(c.Value, false),
			charts.WithLineChartOpts(opts.LineChart{XAxisIndex: 1, YAxisIndex: 1, Symbol: "circle", SymbolSize: 6}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: col, Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: col}))
	}
	line.Overlap(band)
	c := newChart(line, o)
	c.option = strings.ReplaceAll(c.option, `"renderItem":"`+bandPlaceholder+`"`, bandRender)
	return c
}

// bandPlaceholder stands for bandRender in the rendered option: go-echarts
// writes a function as a string.
const bandPlaceholder = "susclab-band-render"

// bandRender draws one data item [x0, lo0, hi0, x1, lo1, hi1] of a band as a
// translucent quadrilateral in the series' colour; encode makes the y axis
// range include the band's edges.
const bandRender = `"renderItem":function (params, api) {
  var p = [api.coord([api.value(0), api.value(1)]), api.coord([api.value(3), api.value(4)]),
           api.coord([api.value(3), api.value(5)]), api.coord([api.value(0), api.value(2)])];
  return {type: "polygon", silent: true, shape: {points: p}, style: api.style({opacity: 0.25, stroke: null, lineWidth: 0})};
},"encode":{"x":[0,3],"y":[1,2,4,5]}`

func anyPositive(xs []float64) bool {
	for _, v := range xs {
		if v > 0 {
			return true
		}
	}
	return false
}

func finiteAll(xs []float64) bool {
	for _, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// HeatmapOverTraining draws a matrix-valued estimate over the checkpoints
// (a trajectory.Entries: Response, Structure, Influence, BIF): one row per
// entry, one column per checkpoint, labelled by step, on Heatmap's
// diverging scale. With Opts.Names[0] = "z" it draws Value/SE instead, so
// that a cell's colour says how many standard errors it is from zero.
func HeatmapOverTraining(e trajectory.Entries, o Opts) *Chart {
	if len(e.Labels) == 0 || len(e.Steps) == 0 {
		panic("viz: HeatmapOverTraining of an empty estimate")
	}
	if len(e.Value) != len(e.Labels) || len(e.SE) != len(e.Labels) {
		panic(fmt.Sprintf("viz: HeatmapOverTraining: %d labels, %d value rows, %d SE rows", len(e.Labels), len(e.Value), len(e.SE)))
	}
	z := len(o.Names) > 0 && o.Names[0] == "z"
	m := make([][]float64, len(e.Labels))
	for i := range m {
		if len(e.Value[i]) != len(e.Steps) || len(e.SE[i]) != len(e.Steps) {
			panic(fmt.Sprintf("viz: HeatmapOverTraining: entry %d has %d values and %d SEs for %d steps", i, len(e.Value[i]), len(e.SE[i]), len(e.Steps)))
		}
		m[i] = make([]float64, len(e.Steps))
		for k, v := range e.Value[i] {
			if z {
				v /= e.SE[i][k]
			}
			m[i][k] = v
		}
	}
	cols := make([]string, len(e.Steps))
	for k, s := range e.Steps {
		cols[k] = strconv.Itoa(s)
	}
	o.Title = firstNonEmpty(o.Title, e.Name)
	o.XName = firstNonEmpty(o.XName, "step")
	return Heatmap(m, e.Labels, cols, o)
}

// checkSeries panics unless s has the given steps and one value and SE per step.
func checkSeries(name string, s trajectory.Series, steps []int) {
	if len(s.Steps) != len(steps) || len(s.Value) != len(steps) || len(s.SE) != len(steps) {
		panic(fmt.Sprintf("viz: OverTraining: series %q has %d steps, %d values, %d SEs; the loss has %d steps", name, len(s.Steps), len(s.Value), len(s.SE), len(steps)))
	}
	for k, v := range s.Steps {
		if v != steps[k] {
			panic(fmt.Sprintf("viz: OverTraining: series %q is at step %d where the loss is at %d", name, v, steps[k]))
		}
	}
}
