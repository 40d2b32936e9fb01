package spectro

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"susclab/pkg/lm"
	"susclab/pkg/susc"
	"susclab/pkg/susc/structure"
)

// TokenLosses is the observable of the per-token losses l_t(w), in nats, of
// the samples idx of a language model (nil: all of its samples): the probe
// tokens, usually held out from the data the posterior is conditioned on.
// Each chain evaluates them on its own replica of probe.
func TokenLosses(name string, probe *lm.Model, idx []int) susc.Observable {
	if idx == nil {
		idx = make([]int, probe.NumData())
		for i := range idx {
			idx[i] = i
		}
	}
	return &tokenLosses{name: name, probe: probe, idx: append([]int(nil), idx...)}
}

type tokenLosses struct {
	name  string
	probe *lm.Model
	idx   []int
}

func (o *tokenLosses) Name() string { return o.name }
func (o *tokenLosses) Dim() int     { return len(o.idx) }
func (o *tokenLosses) Observe(dst, w []float64, _ susc.Model) {
	o.probe.PointLosses(dst, w, o.idx)
}

// Replicate gives each chain its own probe model (scratch memory).
func (o *tokenLosses) Replicate() susc.Observable {
	return &tokenLosses{name: o.name, probe: o.probe.Replicate(), idx: o.idx}
}

// Heads returns the attention heads of m as components ("l0h0", "l0h1", …),
// in layer-major order.
func Heads(m *lm.Model) []structure.Component {
	names, masks := m.Components()
	var cs []structure.Component
	for i, n := range names {
		if isHead(n) {
			cs = append(cs, structure.Component{Name: n, Mask: masks[i]})
		}
	}
	return cs
}

func isHead(name string) bool {
	var l, h int
	_, err := fmt.Sscanf(name, "l%dh%d", &l, &h)
	return err == nil && name == lm.HeadName(l, h)
}

// Setup is a per-token susceptibility experiment on a language model
// (docs/theory.md §5.7): the posterior localized at the trained parameters
// Center, conditioned on the samples of Train, and the probe tokens Tokens
// of Probe as the perturbations X_t = l_t, one row each; the columns are
// the Components (nil: the attention heads of Train).
type Setup struct {
	Train, Probe *lm.Model
	// Tokens are samples of Probe; nil means all of them.
	Tokens []int
	// Center is w*, the trained parameters.
	Center []float64
	// NBeta and Gamma are nβ (required) and γ.
	NBeta, Gamma float64
	// Kernel moves the chains. Required.
	Kernel susc.Kernel
	// Run is the driver's setting, shared by the full chain and the
	// restricted ones (their seeds are derived from Run.Seed). With
	// minibatches, BatchBlock zero means Train.WindowLen() (whole windows
	// per minibatch). Set Run.BatchSeed for common random numbers: the
	// restricted and full chains then share their minibatches.
	Run        susc.Run
	Components []structure.Component
}

// TokenName is the observable name of the probe tokens' losses.
const TokenName = "token"

func (s *Setup) check() error {
	switch {
	case s.Train == nil || s.Probe == nil:
		return errors.New("spectro: Setup needs a Train and a Probe model")
	case s.Train.Dim() != s.Probe.Dim():
		return fmt.Errorf("spectro: Train has %d parameters, Probe %d", s.Train.Dim(), s.Probe.Dim())
	case len(s.Center) != s.Train.Dim():
		return fmt.Errorf("spectro: Center has length %d, the model %d parameters", len(s.Center), s.Train.Dim())
	case s.Kernel == nil:
		return errors.New("spectro: Setup needs a Kernel")
	}
	for _, t := range s.Tokens {
		if t < 0 || t >= s.Probe.NumData() {
			return fmt.Errorf("spectro: token %d out of range [0, %d)", t, s.Probe.NumData())
		}
	}
	return nil
}

func (s *Setup) run() susc.Run {
	r := s.Run
	if r.BatchBlock == 0 && r.BatchSize > 0 {
		r.BatchBlock = s.Train.WindowLen()
	}
	return r
}

func (s *Setup) components() []structure.Component {
	if s.Components != nil {
		return s.Components
	}
	return Heads(s.Train)
}

// Sample returns the tokens × components structural susceptibility matrix
// χ̂_C(l_t) (structure.Sample with the probe tokens' losses as X) at nβ;
// Control returns the same computation at nβ = 0 (the chains see only the
// localizing prior) with the same Run: the geometry's share of the
// structure.
func (s *Setup) Sample(ctx context.Context) (*structure.Matrix, error) {
	return s.sample(ctx, susc.Posterior{NBeta: s.NBeta, Gamma: s.Gamma, Center: s.Center})
}

// Control is Sample at nβ = 0 (see Sample).
func (s *Setup) Control(ctx context.Context) (*structure.Matrix, error) {
	return s.sample(ctx, susc.Posterior{PriorOnly: true, Gamma: s.Gamma, Center: s.Center})
}

func (s *Setup) sample(ctx context.Context, p susc.Posterior) (*structure.Matrix, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	x := TokenLosses(TokenName, s.Probe, s.Tokens)
	m, err := structure.Sample(ctx, s.Train, p, s.Kernel, s.run(), s.components(), x)
	if m != nil {
		tokens := s.Tokens
		if tokens == nil {
			tokens = x.(*tokenLosses).idx
		}
		for i, t := range tokens {
			m.Patterns[i] = fmt.Sprintf("%s[%d]", TokenName, t)
		}
	}
	return m, err
}

// Context returns the text around probe sample i of m, as «before»|«token»,
// with up to `before` tokens of its window before the predicted token,
// decoded by v; control characters are shown escaped.
func Context(m *lm.Model, v *lm.Vocab, i, before int) (string, string) {
	before = max(before, 0)
	k, pos := m.Sample(i)
	win := m.Window(k)
	lo := max(0, pos+1-before)
	prev := v.Decode(win[lo : pos+1])
	tok := v.Decode(win[pos+1 : pos+2])
	return escape(string(prev)), escape(string(tok))
}

func escape(s string) string {
	return strings.NewReplacer("\n", "⏎", "\t", "⇥").Replace(s)
}
