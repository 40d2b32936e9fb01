package csvio_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"susclab/pkg/susc"
	"susclab/pkg/susc/csvio"
	"susclab/pkg/toy"
)

// The draws of a short run written as CSV, one row per draw, and read back.
func ExampleWriteTrace() {
	m := toy.GaussianMeanData(rand.New(rand.NewPCG(1, 2)), 10, []float64{0}, 1)
	res, err := susc.Sample(context.Background(), m, susc.Posterior{NBeta: 10, Gamma: 1, Center: m.Mean()},
		susc.SGLD{Epsilon: 0.01}, susc.Run{Chains: 2, Draws: 3, Seed: 1, KeepTrace: true}, susc.Param("w", 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := csvio.WriteTrace(&buf, res); err != nil {
		fmt.Println(err)
		return
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	fmt.Println(lines[0])
	fmt.Println(len(lines)-1, "rows")
	t, err := csvio.ReadTrace(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, _ := res.Trace("w", 0)
	fmt.Println(len(t.Values), "chains,", len(t.Values[1]), "draws each; bit-identical:", t.Values[1][2][1] == w[1][2])
	// Output:
	// chain,draw,loss,w
	// 6 rows
	// 2 chains, 3 draws each; bit-identical: true
}
