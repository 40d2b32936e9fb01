// Copyright ©2026 The susclab Authors.

package attrib

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"susclab/pkg/susc"
)

// AUC returns the area under the ROC curve of score as a detector of the
// samples marked positive (docs/theory.md §4.4),
//
//	AUC = P(s_a > s_b) + ½ P(s_a = s_b),   a positive, b negative,
//
// the Mann–Whitney statistic over all positive–negative pairs, with
// DeLong's standard error: with V_a the fraction of negatives that positive
// a beats (ties ½) and W_b the fraction of positives that beat negative b,
//
//	SE² = Var(V)/n₊ + Var(W)/n₋     (sample variances).
//
// It needs at least two positives and two negatives and finite scores.
func AUC(score []float64, positive []bool) (susc.Estimate, error) {
	np, nn, err := checkDetect(score, positive)
	if err != nil {
		return susc.Estimate{}, err
	}
	// Midranks over all samples and within each class give the placements:
	// V_a = (rank_all(a) - rank_pos(a))/n₋, W_b = 1 - (rank_all(b) - rank_neg(b))/n₊.
	v, w := placements(score, positive, np, nn)
	mv, vv := meanVar(v)
	_, vw := meanVar(w)
	return susc.Estimate{Value: mv, SE: math.Sqrt(vv/float64(np) + vw/float64(nn))}, nil
}

// PairedAUC returns AUC(a) - AUC(b) for two scores of the same samples,
// with DeLong's standard error of the difference: with the placements V, W
// of AUC as above for each score,
//
//	SE² = Var(V_a - V_b)/n₊ + Var(W_a - W_b)/n₋,
//
// which accounts for the correlation between two detectors of the same
// samples.
func PairedAUC(a, b []float64, positive []bool) (susc.Estimate, error) {
	np, nn, err := checkDetect(a, positive)
	if err != nil {
		return susc.Estimate{}, err
	}
	if _, _, err := checkDetect(b, positive); err != nil {
		return susc.Estimate{}, err
	}
	va, wa := placements(a, positive, np, nn)
	vb, wb := placements(b, positive, np, nn)
	for k := range va {
		va[k] -= vb[k]
	}
	for k := range wa {
		wa[k] -= wb[k]
	}
	mv, vv := meanVar(va)
	_, vw := meanVar(wa)
	return susc.Estimate{Value: mv, SE: math.Sqrt(vv/float64(np) + vw/float64(nn))}, nil
}

// placements returns V_a (positives, in order) and W_b (negatives, in order).
func placements(score []float64, positive []bool, np, nn int) (v, w []float64) {
	all := Ranks(nil, score)
	ps, ns := make([]float64, 0, np), make([]float64, 0, nn)
	for i, s := range score {
		if positive[i] {
			ps = append(ps, s)
		} else {
			ns = append(ns, s)
		}
	}
	rp, rn := Ranks(nil, ps), Ranks(nil, ns)
	v, w = make([]float64, 0, np), make([]float64, 0, nn)
	var a, b int
	for i := range score {
		if positive[i] {
			v = append(v, (all[i]-rp[a])/float64(nn))
			a++
		} else {
			w = append(w, 1-(all[i]-rn[b])/float64(np))
			b++
		}
	}
	return v, w
}

func meanVar(x []float64) (mean, variance float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x)-1)
}

func checkDetect(score []float64, positive []bool) (np, nn int, err error) {
	if len(score) != len(positive) {
		return 0, 0, fmt.Errorf("attrib: %d scores for %d marks", len(score), len(positive))
	}
	for i, s := range score {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return 0, 0, fmt.Errorf("attrib: score %d is %v", i, s)
		}
		if positive[i] {
			np++
		} else {
			nn++
		}
	}
	if np < 2 || nn < 2 {
		return np, nn, errors.New("attrib: detection needs at least two positives and two negatives")
	}
	return np, nn, nil
}

// DetectionCurve returns, after inspecting the samples in decreasing order
// of score, the fraction inspected and the fraction of positives found, at
// each distinct score (tied samples are inspected together), starting at
// (0, 0) and ending at (1, 1). Plotted against each other it is the curve of
// mislabelled-sample detection; with the fraction of negatives inspected
// on the x axis it would be the ROC curve.
func DetectionCurve(score []float64, positive []bool) (inspected, found []float64, err error) {
	np, _, err := checkDetect(score, positive)
	if err != nil {
		return nil, nil, err
	}
	n := len(score)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	inspected, found = []float64{0}, []float64{0}
	var hits int
	for k := 0; k < n; {
		j := k
		for j < n && score[order[j]] == score[order[k]] {
			if positive[order[j]] {
				hits++
			}
			j++
		}
		inspected = append(inspected, float64(j)/float64(n))
		found = append(found, float64(hits)/float64(np))
		k = j
	}
	return inspected, found, nil
}
