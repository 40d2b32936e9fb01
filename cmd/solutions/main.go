// Copyright ©2026 The susclab Authors.

// Command solutions runs the second demonstration of patterning in time
// (package solutions, docs/theory.md §6.6): which of two solutions, a
// square or a pentagon, a six-feature toy model of superposition trained
// from scratch finds, under the baseline mixture, a reweighting designed
// from the represented mass's response, its opposite and a random control.
// It prints the design, the LLC and loss of each solution and the solution
// counts with paired shifts; -out writes the record (JSON).
//
//	go run ./cmd/solutions
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"susclab/pkg/solutions"
)

func main() {
	var o solutions.Options
	o = o.WithDefaults()
	flag.IntVar(&o.Seeds, "seeds", o.Seeds, "retraining seeds per arm")
	flag.IntVar(&o.DesignSeeds, "design-seeds", o.DesignSeeds, "baseline runs J is sampled at")
	flag.Float64Var(&o.Norm, "norm", o.Norm, "Euclidean norm of dh")
	flag.Float64Var(&o.Density, "density", o.Density, "base density of each feature")
	flag.Float64Var(&o.Pattern, "pattern", o.Pattern, "baseline weight of each feature pattern")
	out := flag.String("out", "", "write the record (JSON) to this file")
	flag.Parse()
	start := time.Now()
	r, err := solutions.Run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "solutions:", err)
		os.Exit(1)
	}
	fmt.Printf("%.1f s\n", time.Since(start).Seconds())
	for _, p := range r.Points {
		fmt.Printf("design point %d: %s, φ %.2f, loss %.4f, LLC %.2f ± %.2f\n", p.Seed, solutions.Name(p.Represented), p.Phi, p.Loss, p.LLC.Value, p.LLC.SE)
	}
	fmt.Printf("J  = %.3f\nSE = %.3f\ndh = %.4f\n", r.J, r.JSE, r.Dh)
	for a, arm := range r.Arms {
		f := r.Fraction(a, 5)
		line := fmt.Sprintf("%-8s pentagons %3d, squares %3d of %d (pentagon fraction %.2f ± %.2f)", arm.Name, r.Count(a, 5), r.Count(a, 4), len(arm.Represented), f.Value, f.SE)
		if a != solutions.Baseline {
			s := r.Shift(a, 5)
			to, from := r.Switches(a, 5)
			line += fmt.Sprintf("; paired shift %+.3f ± %.3f (%+.1f SE), %d to pentagon, %d from", s.Value, s.SE, s.Value/s.SE, to, from)
		}
		fmt.Println(line)
	}
	if *out != "" {
		b, _ := json.MarshalIndent(r, "", " ")
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "solutions:", err)
			os.Exit(1)
		}
	}
}
