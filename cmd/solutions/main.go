// Copyright ©2026 The susclab Authors.

// Command solutions runs the second demonstration of patterning in time
// (package solutions, docs/theory.md §6.6): which of two solutions, a
// square or a pentagon, a six-feature toy model of superposition trained
// from scratch finds, under the baseline mixture, a reweighting designed
// from the represented mass's response, its opposite and a random control.
// It prints the design, the LLC and loss of each solution and the solution
// counts with paired shifts; -out writes the record (solutions.Record.Write).
//
//	go run ./cmd/solutions
//	go run ./cmd/solutions -symmetric -coupled -antithetic -norm 0.1 -seeds 512 -first-seed 10000
//	go run ./cmd/solutions -symmetric -coupled -slots -antithetic -norm 0.06 -seeds 512 -first-seed 20000
//	go run ./cmd/solutions -symmetric -coupled -slots -antithetic -norm 0.06 -seeds 1024 -first-seed 30000
//	go run ./cmd/solutions -symmetric -coupled -slots -antithetic -norm 0.03 -seeds 4096 -first-seed 40000
//
// (the four pre-declared runs and the replication of docs/theory.md §6.6).
package main

import (
	"context"
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
	flag.BoolVar(&o.Symmetric, "symmetric", o.Symmetric, "design from J with its pattern entries averaged")
	flag.BoolVar(&o.Coupled, "coupled", o.Coupled, "draw the arms' data with common random numbers")
	flag.BoolVar(&o.Antithetic, "antithetic", o.Antithetic, "add the random control's opposite as a fifth arm")
	flag.Uint64Var(&o.FirstSeed, "first-seed", o.FirstSeed, "first retraining seed")
	flag.BoolVar(&o.Slots, "slots", o.Slots, "with -coupled, couple the arms' data by slots (tighter)")
	flag.Float64Var(&o.Decay, "decay", o.Decay, "importances decay^k (0: equal)")
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
	if o.Antithetic {
		for _, c := range []struct {
			name string
			a, b int
		}{{"+dh against -dh", solutions.Plus, solutions.Minus}, {"random against -random", solutions.Random, solutions.RandomOpposite}} {
			f, e, or := r.Contrast(c.a, c.b, 5), r.Even(c.a, c.b, 5), r.Oriented(c.a, c.b, 5)
			fmt.Printf("%s: first order %+.3f ± %.3f (%+.1f SE; oriented by prediction %+.3f ± %.3f, %+.1f SE), second order %+.3f ± %.3f (%+.1f SE)\n",
				c.name, f.Value, f.SE, f.Value/f.SE, or.Value, or.SE, or.Value/or.SE, e.Value, e.SE, e.Value/e.SE)
		}
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err == nil {
			err = r.Write(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "solutions:", err)
			os.Exit(1)
		}
	}
}
