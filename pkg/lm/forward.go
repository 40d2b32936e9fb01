// Copyright ©2026 The susclab Authors.

package lm

import "math"

// forward runs the model on the windows ws (rows rows in all) and leaves
// every activation the backward pass needs in the scratch: X_0..X_L, each
// layer's [Q | K | V], attention weights A and head outputs Z, and the
// logits X_L U.
//
//	X_0[t]   = E[tok_t] + P[t]
//	[Q|K|V]  = X_l Wqkv_l
//	S_h      = Q_h K_hᵀ / √d_head,  A_h = softmax over j ≤ t of S_h[t, j]
//	Z_h      = A_h V_h,  Z = [Z_0 | ... | Z_{H-1}]
//	X_{l+1}  = X_l + Z W_O_l          (attention-only)
//	X_mid    = X_l + Z W_O_l,  X_{l+1} = X_mid + GELU(X_mid W_in_l) W_out_l   (with MLP)
//	logits   = X_L U
//
// With layer norms, the attention reads LN(X_l), the MLP LN(X_mid) and the
// unembedding LN(X_L) instead (layerNorm).
func (m *Model) forward(w []float64, ws []winRef, rows int) {
	lay, sc := &m.lay, m.sc
	d, T, H, dh, V := lay.D, lay.T, lay.H, lay.DHead, lay.V
	d3 := 3 * d
	scale := 1 / math.Sqrt(float64(dh))
	E, P := w[lay.Embed:lay.Pos], w[lay.Pos:lay.PosEnd]
	X := sc.x[0][:rows*d]
	for _, wr := range ws {
		for p := 0; p < wr.m; p++ {
			row := X[(wr.r+p)*d : (wr.r+p+1)*d]
			e, q := E[wr.in[p]*d:][:d], P[p*d:][:d]
			for j := range row {
				row[j] = e[j] + q[j]
			}
		}
	}
	for l := 0; l < lay.L; l++ {
		Xl, Xn := sc.x[l][:rows*d], sc.x[l+1][:rows*d]
		qkv, Z, att := sc.qkv[l], sc.z[l], sc.att[l]
		in := Xl // the attention's input: X_l, or LN(X_l) with layer norms
		if lay.LNF >= 0 {
			layerNorm(sc.ln1[l], Xl, w[lay.LN1[l]:], rows, d)
			in = sc.ln1[l].y[:rows*d]
		}
		gemm(false, false, rows, d3, d, 1, in, d, w[lay.QKV[l]:lay.O[l]], d3, 0, qkv, d3)
		for s, wr := range ws {
			mm, r := wr.m, wr.r
			for h := 0; h < H; h++ {
				A := att[(s*H+h)*T*T:][:T*T]
				q, k, v := qkv[r*d3+h*dh:], qkv[r*d3+d+h*dh:], qkv[r*d3+2*d+h*dh:]
				gemmLower(mm, dh, scale, q, d3, k, d3, A, T)
				softmaxCausal(A, mm, T)
				gemm(false, false, mm, dh, mm, 1, A, T, v, d3, 0, Z[r*d+h*dh:], d)
			}
		}
		if lay.M == 0 {
			copy(Xn, Xl)
			gemm(false, false, rows, d, d, 1, Z, d, w[lay.O[l]:lay.O[l]+d*d], d, 1, Xn, d)
			continue
		}
		// With the MLP block: X_mid = X_l + Z W_O, pre = X_mid W_in,
		// act = GELU(pre), X_{l+1} = X_mid + act W_out.
		M := lay.M
		mid, pre, act := sc.mid[l][:rows*d], sc.pre[l][:rows*M], sc.act[l][:rows*M]
		copy(mid, Xl)
		gemm(false, false, rows, d, d, 1, Z, d, w[lay.O[l]:lay.O[l]+d*d], d, 1, mid, d)
		in2 := mid
		if lay.LNF >= 0 {
			layerNorm(sc.ln2[l], mid, w[lay.LN2[l]:], rows, d)
			in2 = sc.ln2[l].y[:rows*d]
		}
		gemm(false, false, rows, M, d, 1, in2, d, w[lay.In[l]:lay.In[l]+d*M], M, 0, pre, M)
		for i, u := range pre {
			act[i] = gelu(u)
		}
		copy(Xn, mid)
		gemm(false, false, rows, d, M, 1, act, M, w[lay.Out[l]:lay.Out[l]+M*d], d, 1, Xn, d)
	}
	in := sc.x[lay.L][:rows*d]
	if lay.LNF >= 0 {
		layerNorm(sc.lnf, in, w[lay.LNF:], rows, d)
		in = sc.lnf.y[:rows*d]
	}
	gemm(false, false, rows, V, d, 1, in, d, w[lay.Unembed:], V, 0, sc.lg, V)
}

// gelu is x Φ(x), Φ the standard normal distribution function.
func gelu(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }

// geluDeriv is GELU'(x) = Φ(x) + x φ(x).
func geluDeriv(x float64) float64 {
	return 0.5*(1+math.Erf(x/math.Sqrt2)) + x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi)
}

// softmaxCausal replaces row t of the m×m block A (stride ld) by the
// softmax of its entries j ≤ t and zeroes the entries j > t.
func softmaxCausal(A []float64, m, ld int) {
	for t := 0; t < m; t++ {
		row := A[t*ld : t*ld+m]
		mx := math.Inf(-1)
		for _, v := range row[:t+1] {
			mx = max(mx, v)
		}
		var sum float64
		for j, v := range row[:t+1] {
			e := math.Exp(v - mx)
			row[j] = e
			sum += e
		}
		inv := 1 / sum
		for j := range row[:t+1] {
			row[j] *= inv
		}
		clear(row[t+1:])
	}
}

// crossEntropy returns Σ cnt_t · l_t over the positions t of ws with
// cnt_t > 0, l_t = log Σ_v exp(logit_v) - logit_{target} (nats), stores l_t
// in wr.rl when it is not nil, and, if wantGrad, replaces the logits by the
// gradient of inv·Σ cnt_t l_t with respect to them:
//
//	∂/∂logit_v = inv · cnt_t · (softmax(logits)_v - [v = target]),
//
// zero on rows with cnt_t = 0.
func (m *Model) crossEntropy(ws []winRef, rows int, inv float64, wantGrad bool) float64 {
	V := m.lay.V
	lg := m.sc.lg
	var total float64
	for _, wr := range ws {
		for p := 0; p < wr.m; p++ {
			row := lg[(wr.r+p)*V : (wr.r+p+1)*V]
			c := wr.cnt[p]
			if c == 0 {
				if wantGrad {
					clear(row)
				}
				continue
			}
			tgt := wr.in[p+1]
			mx := math.Inf(-1)
			for _, v := range row {
				mx = max(mx, v)
			}
			var sum float64
			for _, v := range row {
				sum += math.Exp(v - mx)
			}
			lse := mx + math.Log(sum)
			l := lse - row[tgt]
			total += c * l
			if wr.rl != nil {
				wr.rl[p] = l
			}
			if wantGrad {
				f := c * inv
				for j, v := range row {
					row[j] = f * math.Exp(v-lse)
				}
				row[tgt] -= f
			}
		}
	}
	return total
}

// backward adds to grad the gradient of inv·Σ cnt_t l_t over the windows ws,
// after forward and crossEntropy (which left ∂/∂logits in the scratch). With
// G = ∂/∂logits and dX = ∂/∂X_l (rows×d), the rules, each the transpose of
// its forward product:
//
//	∂U      += X_Lᵀ G,            dX_L = G Uᵀ
//	with MLP: ∂W_out_l += actᵀ dX_{l+1},  dpre = (dX_{l+1} W_out_lᵀ) ⊙ GELU'(pre),
//	          ∂W_in_l += X_midᵀ dpre,     dX_mid = dX_{l+1} + dpre W_in_lᵀ
//	          (then the rules below with dX_mid for dX_{l+1})
//	∂W_O_l  += Zᵀ dX_{l+1},       dZ = dX_{l+1} W_O_lᵀ
//	per head: dA = dZ_h V_hᵀ,     dV_h = A_hᵀ dZ_h,
//	          dS[t, j] = A[t, j] (dA[t, j] - Σ_{j'≤t} A[t, j'] dA[t, j']) / √d_head,
//	          dQ_h = dS K_h,      dK_h = dSᵀ Q_h
//	∂Wqkv_l += X_lᵀ [dQ|dK|dV],   dX_l = dX_{l+1} + [dQ|dK|dV] Wqkv_lᵀ
//	∂E[tok_t] += dX_0[t],         ∂P[t] += dX_0[t]
//
// With layer norms, each product that reads a norm's output Y = LN(X)
// takes Y in place of X, and its input gradient dY goes through
// lnBackward into dX.
func (m *Model) backward(grad, w []float64, ws []winRef, rows int) {
	lay, sc := &m.lay, m.sc
	d, T, H, dh, V := lay.D, lay.T, lay.H, lay.DHead, lay.V
	d3 := 3 * d
	scale := 1 / math.Sqrt(float64(dh))
	G, dX, dZ, dqkv, dS := sc.lg[:rows*V], sc.dx[:rows*d], sc.dz[:rows*d], sc.dqkv[:rows*d3], sc.ds
	ln := lay.LNF >= 0
	pl := m.plan
	if !ln {
		if pl.needUnembed() {
			gemm(true, false, d, V, rows, 1, sc.x[lay.L], d, G, V, 1, grad[lay.Unembed:], V)
		}
		if !pl.needResidual() {
			return
		}
		gemm(false, true, rows, d, V, 1, G, V, w[lay.Unembed:], V, 0, dX, d)
	} else {
		dY := sc.dy[:rows*d]
		if pl.needUnembed() {
			gemm(true, false, d, V, rows, 1, sc.lnf.y, d, G, V, 1, grad[lay.Unembed:], V)
		}
		gemm(false, true, rows, d, V, 1, G, V, w[lay.Unembed:], V, 0, dY, d)
		clear(dX)
		lnBackward(sc.lnf, dY, w[lay.LNF:], grad[lay.LNF:], dX, rows, d)
	}
	for l := lay.L - 1; l >= pl.stop(); l-- {
		needW, needBelow := pl.needWeights(l), pl.needBelow(l)
		if M := lay.M; M > 0 {
			// MLP block backward: ∂W_out += actᵀ dX, dact = dX W_outᵀ,
			// dpre = dact ⊙ GELU'(pre), ∂W_in += X_midᵀ dpre,
			// dX_mid = dX + dpre W_inᵀ (in place).
			pre, act, dact := sc.pre[l][:rows*M], sc.act[l][:rows*M], sc.dact[:rows*M]
			win, wout := w[lay.In[l]:lay.In[l]+d*M], w[lay.Out[l]:lay.Out[l]+M*d]
			if needW {
				gemm(true, false, M, d, rows, 1, act, M, dX, d, 1, grad[lay.Out[l]:], d)
			}
			gemm(false, true, rows, M, d, 1, dX, d, wout, d, 0, dact, M)
			for i, u := range pre {
				dact[i] *= geluDeriv(u)
			}
			if !ln {
				if needW {
					gemm(true, false, d, M, rows, 1, sc.mid[l], d, dact, M, 1, grad[lay.In[l]:], M)
				}
				gemm(false, true, rows, d, M, 1, dact, M, win, M, 1, dX, d)
			} else {
				dY := sc.dy[:rows*d]
				if needW {
					gemm(true, false, d, M, rows, 1, sc.ln2[l].y, d, dact, M, 1, grad[lay.In[l]:], M)
				}
				gemm(false, true, rows, d, M, 1, dact, M, win, M, 0, dY, d)
				lnBackward(sc.ln2[l], dY, w[lay.LN2[l]:], grad[lay.LN2[l]:], dX, rows, d)
			}
		}
		qkv, Z, att := sc.qkv[l], sc.z[l], sc.att[l]
		wo := w[lay.O[l] : lay.O[l]+d*d]
		if needW {
			gemm(true, false, d, d, rows, 1, Z, d, dX, d, 1, grad[lay.O[l]:], d)
		}
		gemm(false, true, rows, d, d, 1, dX, d, wo, d, 0, dZ, d)
		for s, wr := range ws {
			mm, r := wr.m, wr.r
			for h := 0; h < H; h++ {
				A := att[(s*H+h)*T*T:][:T*T]
				q, k, v := qkv[r*d3+h*dh:], qkv[r*d3+d+h*dh:], qkv[r*d3+2*d+h*dh:]
				dz := dZ[r*d+h*dh:]
				gemmLower(mm, dh, 1, dz, d, v, d3, dS, T)                                  // dA
				gemm(true, false, mm, dh, mm, 1, A, T, dz, d, 0, dqkv[r*d3+2*d+h*dh:], d3) // dV
				for t := 0; t < mm; t++ {
					a, g := A[t*T:t*T+t+1], dS[t*T:t*T+mm]
					var dot float64
					for j, av := range a {
						dot += av * g[j]
					}
					for j, av := range a {
						g[j] = scale * av * (g[j] - dot)
					}
					clear(g[t+1:])
				}
				gemm(false, false, mm, dh, mm, 1, dS, T, k, d3, 0, dqkv[r*d3+h*dh:], d3)  // dQ
				gemm(true, false, mm, dh, mm, 1, dS, T, q, d3, 0, dqkv[r*d3+d+h*dh:], d3) // dK
			}
		}
		if !ln {
			if needW {
				gemm(true, false, d, d3, rows, 1, sc.x[l], d, dqkv, d3, 1, grad[lay.QKV[l]:], d3)
			}
			if needBelow {
				gemm(false, true, rows, d, d3, 1, dqkv, d3, w[lay.QKV[l]:lay.O[l]], d3, 1, dX, d)
			}
		} else {
			dY := sc.dy[:rows*d]
			if needW {
				gemm(true, false, d, d3, rows, 1, sc.ln1[l].y, d, dqkv, d3, 1, grad[lay.QKV[l]:], d3)
			}
			if needW || needBelow { // the layer's gain, or dX below
				gemm(false, true, rows, d, d3, 1, dqkv, d3, w[lay.QKV[l]:lay.O[l]], d3, 0, dY, d)
				lnBackward(sc.ln1[l], dY, w[lay.LN1[l]:], grad[lay.LN1[l]:], dX, rows, d)
			}
		}
	}
	if pl != nil && !pl.embed {
		return
	}
	gE, gP := grad[lay.Embed:lay.Pos], grad[lay.Pos:lay.PosEnd]
	for _, wr := range ws {
		for p := 0; p < wr.m; p++ {
			row := dX[(wr.r+p)*d : (wr.r+p+1)*d]
			e, q := gE[wr.in[p]*d:][:d], gP[p*d:][:d]
			for j, v := range row {
				e[j] += v
				q[j] += v
			}
		}
	}
}
