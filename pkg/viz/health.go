package viz

import (
	"fmt"
	"math"
	"strings"

	"susclab/pkg/susc/health"
)

// Health draws a chain-health report (health.Check; docs/theory.md §8.7) in
// six panels: per chain, the loss and the distance ||w - w*|| over the
// draws; the mean over the used chains of the norms of each draw's drift,
// localization and noise (log axis); each chain's mean MALA acceptance
// against health.MinMALA; per observable the largest R̂ against
// health.MaxRHat and the smallest ESS over the ESS wanted (log axis,
// against 1). The subtitle names the verdicts that fired, each with its
// number, or says that none did. Panels whose data the run did not keep
// are empty. MaxPoints thins the traces as in Traces.
func Health(r *health.Report, o Opts) *Chart {
	if r == nil || len(r.Chains) == 0 {
		panic("viz: Health of an empty report")
	}
	maxPts := o.MaxPoints
	if maxPts <= 0 {
		maxPts = 1000
	}
	o.Title = firstNonEmpty(o.Title, "chain health")
	if o.Height == "" {
		o.Height = "900px"
	}
	var fired []string
	for _, v := range r.Fired() {
		fired = append(fired, fmt.Sprintf("%s: %.4g vs %.4g", v.Name, v.Statistic, v.Threshold))
	}
	sub := "no verdict fired"
	if len(fired) > 0 {
		sub = strings.Join(fired, " · ")
	}
	o.Subtitle = strings.TrimPrefix(o.Subtitle+" · "+sub, " · ")

	type panel struct {
		title, x string
		log      bool
		category []string
		min, max any // y-axis range; nil: fitted to the data
	}
	var chainNames []string
	for c := range r.Chains {
		chainNames = append(chainNames, o.name(c, "chain"))
	}
	var groupNames []string
	for _, g := range r.Groups {
		groupNames = append(groupNames, g.Name)
	}
	var mala, rhat, ess []float64
	for _, ch := range r.Chains {
		mala = append(mala, ch.MALA)
	}
	for _, g := range r.Groups {
		rhat = append(rhat, g.RHat)
		ess = append(ess, g.ESS/g.Required)
	}
	// The bars' axes include their thresholds, so that the dashed line shows.
	rhatMax, essMin, essMax := health.MaxRHat, 1.0, 1.0
	for _, v := range rhat {
		if v > rhatMax && !math.IsInf(v, 1) {
			rhatMax = v
		}
	}
	for _, v := range ess {
		if v > 0 && !math.IsInf(v, 1) {
			essMin, essMax = math.Min(essMin, v), math.Max(essMax, v)
		}
	}
	panels := []panel{
		{title: "loss L_n(w) per chain", x: "draw"},
		{title: "distance ‖w − w*‖ per chain", x: "draw"},
		{title: "norms of the step's drift, localization, noise (mean over used chains)", x: "draw", log: true},
		{title: fmt.Sprintf("mean MALA acceptance per chain (threshold %g)", health.MinMALA), category: chainNames, min: 0, max: 1},
		{title: fmt.Sprintf("largest R̂ per observable (threshold %g)", health.MaxRHat), category: groupNames,
			min: 1, max: num(1 + niceCeil(1.2*(rhatMax-1)))},
		{title: "smallest ESS / ESS wanted per observable (threshold 1)", log: true, category: groupNames,
			min: num(math.Pow(10, math.Floor(math.Log10(essMin)))), max: num(math.Pow(10, math.Ceil(math.Log10(essMax))+0.001))},
	}
	var grids, xAxes, yAxes, titles, series []any
	titles = append(titles, map[string]any{"text": o.Title, "subtext": o.Subtitle, "left": "center"})
	for i, p := range panels {
		left, top, titleTop := "7%", []string{"12%", "42%", "72%"}[i/2], []string{"8.5%", "38.5%", "68.5%"}[i/2]
		if i%2 == 1 {
			left = "56%"
		}
		grids = append(grids, map[string]any{"left": left, "top": top, "width": "37%", "height": "19%", "containLabel": false})
		titles = append(titles, map[string]any{"text": p.title, "left": left, "top": titleTop,
			"textStyle": map[string]any{"fontSize": 12, "fontWeight": "normal"}})
		x := map[string]any{"gridIndex": i, "type": "value", "name": p.x, "nameLocation": "middle", "nameGap": 22,
			"splitLine": map[string]any{"show": false}, "min": "dataMin", "max": "dataMax"}
		if p.category != nil {
			x = map[string]any{"gridIndex": i, "type": "category", "data": p.category, "axisLabel": map[string]any{"interval": 0, "rotate": 30}}
		}
		xAxes = append(xAxes, x)
		y := map[string]any{"gridIndex": i, "type": axisType(p.log), "scale": true}
		if p.min != nil {
			y["min"], y["max"] = p.min, p.max
		}
		yAxes = append(yAxes, y)
	}
	line := func(name string, axis int, ys []float64, col string, width float64, log bool) map[string]any {
		stride := max(1, (len(ys)+maxPts-1)/maxPts)
		var data []any
		for t := 0; t < len(ys); t += stride {
			data = append(data, []any{t, numAxis(ys[t], log)})
		}
		return map[string]any{"type": "line", "name": name, "xAxisIndex": axis, "yAxisIndex": axis, "data": data,
			"showSymbol": false, "lineStyle": map[string]any{"color": col, "width": width}, "itemStyle": map[string]any{"color": col}}
	}
	for c, ch := range r.Chains {
		col := palette[c%len(palette)]
		if ch.Loss != nil {
			series = append(series, line(chainNames[c], 0, ch.Loss, col, 1, false))
		}
		if ch.Distance != nil {
			series = append(series, line(chainNames[c], 1, ch.Distance, col, 1, false))
		}
	}
	for k, term := range []struct {
		name string
		get  func(health.ChainHealth) []float64
	}{
		{"drift", func(c health.ChainHealth) []float64 { return c.Drift }},
		{"localization", func(c health.ChainHealth) []float64 { return c.Localization }},
		{"noise", func(c health.ChainHealth) []float64 { return c.Noise }},
	} {
		if m := meanOverChains(r, term.get); m != nil {
			series = append(series, line(term.name, 2, m, []string{"#d62728", "#2ca02c", "#7f7f7f"}[k], 2, true))
		}
	}
	bars := func(name string, axis int, ys []float64, threshold float64, log bool) map[string]any {
		data := make([]any, len(ys))
		for i, y := range ys {
			data[i] = numAxis(y, log)
		}
		return map[string]any{"type": "bar", "name": name, "xAxisIndex": axis, "yAxisIndex": axis, "data": data,
			"itemStyle": map[string]any{"color": "#5470c6"},
			"markLine": map[string]any{"silent": true, "symbol": "none", "data": []any{map[string]any{"yAxis": threshold}},
				"lineStyle": map[string]any{"color": "#d62728", "type": "dashed"}}}
	}
	series = append(series, bars("MALA acceptance", 3, mala, health.MinMALA, false),
		bars("R̂", 4, rhat, health.MaxRHat, false), bars("ESS / wanted", 5, ess, 1, true))
	w, h := o.size()
	o.Width, o.Height = w, h
	return optionChart(map[string]any{
		"animation": false,
		"title":     titles,
		"legend":    map[string]any{"type": "scroll", "bottom": 0},
		"tooltip":   map[string]any{"trigger": "item"},
		"grid":      grids, "xAxis": xAxes, "yAxis": yAxes, "series": series,
	}, o)
}

// meanOverChains returns, per draw, the mean over the used chains of the
// trace get returns (up to the shortest), or nil if none has one.
func meanOverChains(r *health.Report, get func(health.ChainHealth) []float64) []float64 {
	var ts [][]float64
	n := math.MaxInt
	for _, c := range r.Chains {
		if t := get(c); c.Used && len(t) > 0 {
			ts = append(ts, t)
			n = min(n, len(t))
		}
	}
	if len(ts) == 0 {
		return nil
	}
	out := make([]float64, n)
	for _, t := range ts {
		for k := range out {
			out[k] += t[k] / float64(len(ts))
		}
	}
	return out
}

// niceCeil rounds x > 0 up to 1, 2 or 5 times a power of ten.
func niceCeil(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}
