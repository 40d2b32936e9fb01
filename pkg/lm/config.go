// Copyright ©2026 The susclab Authors.

package lm

import "fmt"

// Config is the architecture of a Model. The zero value of each field means
// the default in its comment; WithDefaults fills them in.
type Config struct {
	Context int `json:"context"` // T, tokens per window; 0 means 64
	DModel  int `json:"d_model"` // d, the width of the residual stream; 0 means 64
	Heads   int `json:"heads"`   // H, attention heads per layer (d_head = d/H); 0 means 4
	Layers  int `json:"layers"`  // L, attention layers; 0 means 2
	// MLP is the hidden width of an MLP block after the attention of every
	// layer, X ← X + GELU(X W_in) W_out (no biases); 0 means none
	// (attention-only, the default).
	MLP int `json:"mlp,omitempty"`
	// LayerNorm puts a layer norm with a learned gain (no bias) before the
	// attention and the MLP block of every layer and before the
	// unembedding (pre-LN); false means none (the default).
	LayerNorm bool `json:"layer_norm,omitempty"`
}

// WithDefaults returns c with every zero field replaced by its default.
func (c Config) WithDefaults() Config {
	if c.Context == 0 {
		c.Context = 64
	}
	if c.DModel == 0 {
		c.DModel = 64
	}
	if c.Heads == 0 {
		c.Heads = 4
	}
	if c.Layers == 0 {
		c.Layers = 2
	}
	return c
}

// check returns an error unless c (with defaults) describes a model.
func (c Config) check() error {
	if c.Context < 1 || c.DModel < 1 || c.Heads < 1 || c.Layers < 1 || c.DModel%c.Heads != 0 || c.MLP < 0 {
		return fmt.Errorf("lm: invalid config %+v (sizes must be >= 1 and d_model a multiple of heads)", c)
	}
	return nil
}

// validate panics unless c (with defaults) describes a model.
func (c Config) validate() {
	if err := c.check(); err != nil {
		panic(err.Error())
	}
}

// Layout gives the position of each parameter block in the flat parameter
// vector w (see the package documentation). All matrices are row-major.
//
//	E   = w[Embed : Embed+V·d]                  token embedding, V×d: row v embeds token v
//	P   = w[Pos : Pos+T·d]                      positional embedding, T×d: row t is position t
//	Wqkv_l = w[QKV[l] : QKV[l]+3d·d]            layer l's d×3d matrix [W_Q | W_K | W_V]:
//	                                            W_Q[i][j] = w[QKV[l] + 3d·i + j],
//	                                            W_K[i][j] = w[QKV[l] + 3d·i + d + j],
//	                                            W_V[i][j] = w[QKV[l] + 3d·i + 2d + j]
//	W_O_l = w[O[l] : O[l]+d·d]                  layer l's output projection, d×d
//	W_in_l = w[In[l] : In[l]+d·M]               with an MLP block (Config.MLP = M > 0):
//	W_out_l = w[Out[l] : Out[l]+M·d]            layer l's MLP, d×M and M×d, after W_O_l
//	                                            (with LayerNorm: its gain g2_l = w[LN2[l] : LN2[l]+d] before W_in_l)
//	g_f = w[LNF : LNF+d]                        with LayerNorm: the final gain, before U
//	U   = w[Unembed : Unembed+d·V]              unembedding, d×V
//
// Head h of a layer owns columns h·d_head ≤ j < (h+1)·d_head of W_Q, W_K
// and W_V and rows h·d_head ≤ i < (h+1)·d_head of W_O.
type Layout struct {
	V, T, D, H, L, DHead int
	M                    int // MLP hidden width (0: no MLP)

	Embed, Pos int   // offsets of E and P
	QKV, O     []int // offsets of each layer's [W_Q | W_K | W_V] and W_O
	In, Out    []int // offsets of each layer's W_in and W_out (nil without MLP)
	LN1, LN2   []int // offsets of each layer's layer-norm gains (nil without LayerNorm; LN2 also without MLP)
	LNF        int   // offset of the final layer-norm gain (-1 without LayerNorm)
	PosEnd     int   // Pos + T·d, the end of P
	Unembed    int   // offset of U
	Dim        int   // the number of parameters
}

func newLayout(c Config, v int) Layout {
	d, t := c.DModel, c.Context
	lay := Layout{V: v, T: t, D: d, H: c.Heads, L: c.Layers, DHead: d / c.Heads, M: c.MLP}
	lay.Embed = 0
	lay.Pos = v * d
	lay.PosEnd = lay.Pos + t*d
	off := lay.PosEnd
	lay.QKV, lay.O = make([]int, c.Layers), make([]int, c.Layers)
	if c.MLP > 0 {
		lay.In, lay.Out = make([]int, c.Layers), make([]int, c.Layers)
	}
	lay.LNF = -1
	if c.LayerNorm {
		lay.LN1 = make([]int, c.Layers)
		if c.MLP > 0 {
			lay.LN2 = make([]int, c.Layers)
		}
	}
	for l := range lay.QKV {
		if c.LayerNorm {
			lay.LN1[l] = off
			off += d
		}
		lay.QKV[l] = off
		lay.O[l] = off + 3*d*d
		off += 4 * d * d
		if c.MLP > 0 {
			if c.LayerNorm {
				lay.LN2[l] = off
				off += d
			}
			lay.In[l], lay.Out[l] = off, off+d*c.MLP
			off += 2 * d * c.MLP
		}
	}
	if c.LayerNorm {
		lay.LNF = off
		off += d
	}
	lay.Unembed = off
	lay.Dim = off + d*v
	return lay
}

// WQ returns the index in w of W_Q[i][j] of layer l (likewise WK, WV, WO).
func (lay Layout) WQ(l, i, j int) int { return lay.QKV[l] + 3*lay.D*i + j }

// WK returns the index in w of W_K[i][j] of layer l.
func (lay Layout) WK(l, i, j int) int { return lay.QKV[l] + 3*lay.D*i + lay.D + j }

// WV returns the index in w of W_V[i][j] of layer l.
func (lay Layout) WV(l, i, j int) int { return lay.QKV[l] + 3*lay.D*i + 2*lay.D + j }

// WO returns the index in w of W_O[i][j] of layer l.
func (lay Layout) WO(l, i, j int) int { return lay.O[l] + lay.D*i + j }
