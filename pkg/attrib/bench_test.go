// Copyright ©2026 The susclab Authors.

package attrib_test

import (
	"context"
	"testing"

	"susclab/pkg/attrib"
	"susclab/pkg/attrib/experiment"
	"susclab/pkg/toy"
)

// Costs of the methods on the notebook's small-data MLP (40 samples, 25
// parameters, 40 test queries): go test -run '^$' -bench . ./pkg/attrib

func benchSetup(b *testing.B) (*toy.MLP, attrib.Query, []float64, experiment.Regression, []attrib.Method) {
	p := experiment.DefaultRegression()
	w, s, err := p.Train()
	if err != nil {
		b.Fatal(err)
	}
	m, test, _, _ := p.Data()
	bif, err := experiment.DefaultSampler().BIF(m, w, 4*float64(p.N), 10)
	if err != nil {
		b.Fatal(err)
	}
	return m, attrib.Query{Model: test}, w, p, []attrib.Method{
		attrib.InfluenceFunction{W: w, Damping: 1},
		attrib.InfluenceFunction{W: w, Damping: 1, CG: true},
		attrib.GradientSimilarity{W: w},
		attrib.TracIn{Series: s, LR: []float64{p.LR}},
		bif,
	}
}

func benchMethod(b *testing.B, k int) {
	m, q, _, _, ms := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := ms[k].Scores(context.Background(), m, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInfluenceFunctionCholesky(b *testing.B) { benchMethod(b, 0) }
func BenchmarkInfluenceFunctionCG(b *testing.B)       { benchMethod(b, 1) }
func BenchmarkGradientSimilarity(b *testing.B)        { benchMethod(b, 2) }
func BenchmarkTracIn100Checkpoints(b *testing.B)      { benchMethod(b, 3) }
func BenchmarkBIF(b *testing.B)                       { benchMethod(b, 4) }

// BenchmarkRetrainLeaveOneOut: the ground truth, 41 warm-started
// retrainings of 1,000 full-batch steps.
func BenchmarkRetrainLeaveOneOut(b *testing.B) {
	m, q, w, p, _ := benchSetup(b)
	r := attrib.Retrain{Train: toy.TrainConfig{Steps: p.RetrainSteps, LR: p.LR}, W0: w}
	b.ResetTimer()
	for range b.N {
		if _, err := r.Run(context.Background(), m, q, attrib.LeaveOneOut(p.N)); err != nil {
			b.Fatal(err)
		}
	}
}
