// Package csvio writes and reads the results of package susc as plain CSV, so
// that they can be analysed elsewhere: a labelled matrix (WriteMatrix,
// ReadMatrix: a susceptibility matrix's Cov, an influence matrix's Value) and
// the kept draws of a Result (WriteTrace, ReadTrace: one row per draw, needs
// susc.Run.KeepTrace).
//
// Numbers are written with Go's shortest exact formatting, NaN and ±Inf
// included, and read back bit-identical. Every file the writers make ends
// with a newline; the readers refuse a file that does not (one cut short,
// perhaps inside its last number), and one whose rows are out of order or
// of the wrong length. JSON, the format that keeps a whole Result, is
// susc.WriteJSON and susc.ReadJSON.
package csvio
