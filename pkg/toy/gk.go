// Copyright ©2026 The susclab Authors.

package toy

import (
	"math"
	"sort"
)

// Gauss–Kronrod 7–15 nodes on [-1, 1] (positive half, the last one is 0) and weights.
var (
	gkX = [8]float64{
		0.991455371120812639206854697526329,
		0.949107912342758524526189684047851,
		0.864864423359769072789712788640926,
		0.741531185599394439863864773280788,
		0.586087235467691130294144845693013,
		0.405845151377397166906606412076961,
		0.207784955007898467600689403773245,
		0,
	}
	gkWK = [8]float64{
		0.022935322010529224963732008058970,
		0.063092092629978553290700663189204,
		0.104790010322250183839876322541518,
		0.140653259715525918745189590510238,
		0.169004726639267902826583426598550,
		0.190350578064785409913256402421014,
		0.204432940075298892414161999234649,
		0.209482141084727828012999174891714,
	}
	// Gauss weights for the odd-indexed Kronrod nodes (1, 3, 5) and the centre.
	gkWG = [4]float64{
		0.129484966168869693270611432679082,
		0.279705391489276667901467771423780,
		0.381830050505118944950369775488975,
		0.417959183673469387755102040816327,
	}
)

// vec2 is a pair of integrands evaluated together.
type vec2 [2]float64

// gk15 integrates f on [a, b] and returns the Kronrod estimate and the
// absolute differences to the Gauss estimate.
func gk15(f func(float64) vec2, a, b float64) (res, err vec2) {
	c, h := (a+b)/2, (b-a)/2
	fc := f(c)
	var k, g vec2
	for j := 0; j < 2; j++ {
		k[j] = gkWK[7] * fc[j]
		g[j] = gkWG[3] * fc[j]
	}
	for i := 0; i < 7; i++ {
		f1, f2 := f(c-h*gkX[i]), f(c+h*gkX[i])
		for j := 0; j < 2; j++ {
			s := f1[j] + f2[j]
			k[j] += gkWK[i] * s
			if i%2 == 1 {
				g[j] += gkWG[i/2] * s
			}
		}
	}
	for j := 0; j < 2; j++ {
		res[j] = k[j] * h
		err[j] = math.Abs((k[j] - g[j]) * h)
	}
	return res, err
}

// adaptGK refines the GK15 result res (with error estimate err) of f on
// [a, b] by recursive bisection until the absolute error estimate of each
// component is below tol.
func adaptGK(f func(float64) vec2, a, b float64, res, err, tol vec2, depth int) vec2 {
	if (err[0] <= tol[0] && err[1] <= tol[1]) || depth > 40 {
		return res
	}
	m := (a + b) / 2
	t := vec2{tol[0] / math.Sqrt2, tol[1] / math.Sqrt2}
	lr, le := gk15(f, a, m)
	rr, re := gk15(f, m, b)
	l := adaptGK(f, a, m, lr, le, t, depth+1)
	r := adaptGK(f, m, b, rr, re, t, depth+1)
	return vec2{l[0] + r[0], l[1] + r[1]}
}

// gradedPanels returns panel boundaries on [lo, hi] that include the break
// points and grade geometrically (ratio 4) towards each of them, from width
// minWidth up, so that narrow peaks sitting at break points are resolved.
func gradedPanels(lo, hi float64, breaks []float64, minWidth float64) []float64 {
	pts := []float64{lo, hi}
	for _, b := range breaks {
		if b > lo && b < hi {
			pts = append(pts, b)
		}
	}
	sort.Float64s(pts)
	out := []float64{lo}
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		if b-a <= 0 {
			continue
		}
		// Grade from both ends towards the middle.
		var left, right []float64
		for w := minWidth; a+w < (a+b)/2; w *= 4 {
			left = append(left, a+w)
			right = append(right, b-w)
		}
		out = append(out, left...)
		out = append(out, (a+b)/2)
		for j := len(right) - 1; j >= 0; j-- {
			out = append(out, right[j])
		}
		out = append(out, b)
	}
	return out
}

// integrateGraded integrates f over [lo, hi] with graded panels: a fixed
// GK15 pass over all panels estimates the scale s = max_j |I_j|, then the
// panels whose error estimate exceeds their share of rel·s are refined adaptively.
func integrateGraded(f func(float64) vec2, lo, hi float64, breaks []float64, minWidth, rel float64) vec2 {
	pts := gradedPanels(lo, hi, breaks, minWidth)
	np := len(pts) - 1
	res := make([]vec2, np)
	errs := make([]vec2, np)
	var coarse vec2
	for i := 0; i < np; i++ {
		res[i], errs[i] = gk15(f, pts[i], pts[i+1])
		coarse[0] += res[i][0]
		coarse[1] += res[i][1]
	}
	s := math.Max(math.Abs(coarse[0]), math.Abs(coarse[1]))
	if s == 0 {
		return coarse
	}
	tol := vec2{rel * s / float64(np), rel * s / float64(np)}
	var total vec2
	for i := 0; i < np; i++ {
		r := adaptGK(f, pts[i], pts[i+1], res[i], errs[i], tol, 0)
		total[0] += r[0]
		total[1] += r[1]
	}
	return total
}
