// Package viz draws the charts of susclab's notebooks with ECharts (via
// go-echarts) and shows them in GoNB notebooks.
//
// It is the only package that knows about notebooks: it imports go-echarts and
// gonbui (and susclab's result packages); nothing in susclab imports viz.
//
// Conventions, stated once:
//
//   - Inputs are plain Go slices and are never modified. Shape errors (ragged
//     matrices, mismatched lengths) are programmer errors and panic with a
//     "viz: " prefix.
//   - NaN and ±Inf values are drawn as gaps (ECharts' "-"), as are values <= 0
//     on a log axis.
//   - A builder returns a *Chart. Chart.Display shows it in a GoNB notebook (and
//     does nothing outside one, e.g. in tests); Chart.Save writes a standalone
//     HTML page; SavePage writes several charts into one page.
//   - Offline: the ECharts library (Apache ECharts 5.6.0, Apache-2.0, see
//     assets/LICENSE and assets/NOTICE) is embedded in the binary. No page this
//     package writes refers to a remote URL. A notebook page must contain the
//     library once: call Init in an early cell (it displays the library); charts
//     in later cells wait for it. A standalone page carries the library once in
//     its head.
//   - Chart ids are deterministic: a hash of the chart's option and size, with
//     a suffix when the same chart is built twice in one program.
//   - Opts fields are optional; the zero value means the default.
//
// Development over training (package trajectory): OverTraining draws
// estimates against training step with ±2 SE bands under the training loss,
// the two panels sharing one step axis (linear or log), and
// HeatmapOverTraining a matrix-valued estimate entry by checkpoint.
//
// Chain health (package health): Health draws a health.Report in six
// panels (loss and distance from w* per chain, the step's drift,
// localization and noise, MALA acceptance, R̂ and ESS per observable) with
// the verdicts that fired in its subtitle.
//
// A long run can show a Progress bar that updates in place in the notebook and
// is silent elsewhere. Printf, Print and Println show text through the same
// channel as charts and tables, so it stays in order among them (GoNB
// forwards stdout separately, and fmt's text can land after a later table).
package viz
