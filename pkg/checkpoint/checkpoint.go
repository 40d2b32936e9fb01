// Copyright ©2026 The susclab Authors.

package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"sort"
	"unicode/utf8"
)

// Magic is the first 8 bytes of every checkpoint file.
const Magic = "SUSCKPT1"

// Errors returned (wrapped, with details) by Read; test with errors.Is.
var (
	ErrMagic     = errors.New("checkpoint: not a checkpoint file (wrong magic)")
	ErrTruncated = errors.New("checkpoint: file truncated")
	ErrFormat    = errors.New("checkpoint: malformed file")
	ErrChecksum  = errors.New("checkpoint: checksum mismatch")
)

// Checkpoint is the state of a training run at one step.
type Checkpoint struct {
	Step   int       // the training step (0: the initialization)
	Loss   float64   // the training loss at this step
	Params []float64 // the parameters, length Series.Dim
}

// Series is the checkpoints of one training run, in strictly increasing
// order of Step. The zero value is an empty series of a model with no name,
// no config and Dim 0.
type Series struct {
	Name        string          // the model's name, e.g. "lm"
	Config      json.RawMessage // the model's config as JSON (nil: null)
	Dim         int             // the number of parameters of every checkpoint
	Checkpoints []Checkpoint
}

// Add appends a checkpoint with a copy of params. It panics if len(params)
// != s.Dim or step is not greater than the last step.
func (s *Series) Add(step int, loss float64, params []float64) {
	if len(params) != s.Dim {
		panic("checkpoint: Add: len(params) != Dim")
	}
	if k := len(s.Checkpoints); k > 0 && step <= s.Checkpoints[k-1].Step {
		panic("checkpoint: Add: steps must increase")
	}
	s.Checkpoints = append(s.Checkpoints, Checkpoint{Step: step, Loss: loss, Params: append([]float64(nil), params...)})
}

// Steps returns the steps of the checkpoints, in order.
func (s *Series) Steps() []int {
	st := make([]int, len(s.Checkpoints))
	for k, c := range s.Checkpoints {
		st[k] = c.Step
	}
	return st
}

// Index returns the position of the checkpoint at step, or -1 if there is none.
func (s *Series) Index(step int) int {
	k := sort.Search(len(s.Checkpoints), func(k int) bool { return s.Checkpoints[k].Step >= step })
	if k < len(s.Checkpoints) && s.Checkpoints[k].Step == step {
		return k
	}
	return -1
}

// Find returns the checkpoint at step, and false if there is none.
func (s *Series) Find(step int) (*Checkpoint, bool) {
	k := s.Index(step)
	if k < 0 {
		return nil, false
	}
	return &s.Checkpoints[k], true
}

// Nearest returns the checkpoint whose step is closest to step (the earlier
// one on a tie), and false if the series is empty.
func (s *Series) Nearest(step int) (*Checkpoint, bool) {
	n := len(s.Checkpoints)
	if n == 0 {
		return nil, false
	}
	k := sort.Search(n, func(k int) bool { return s.Checkpoints[k].Step >= step })
	switch {
	case k == n:
		k = n - 1
	case k > 0 && step-s.Checkpoints[k-1].Step <= s.Checkpoints[k].Step-step:
		k--
	}
	return &s.Checkpoints[k], true
}

// Last returns the last checkpoint, and false if the series is empty.
func (s *Series) Last() (*Checkpoint, bool) {
	if len(s.Checkpoints) == 0 {
		return nil, false
	}
	return &s.Checkpoints[len(s.Checkpoints)-1], true
}

// Validate reports whether s can be written: Dim >= 0, every checkpoint has
// Dim parameters, steps strictly increase, the name is valid UTF-8 and the
// config (if any) is valid JSON.
func (s *Series) Validate() error {
	if s.Dim < 0 {
		return fmt.Errorf("checkpoint: negative Dim %d", s.Dim)
	}
	if !utf8.ValidString(s.Name) {
		return errors.New("checkpoint: name is not valid UTF-8")
	}
	if len(s.Config) > 0 && !json.Valid(s.Config) {
		return errors.New("checkpoint: config is not valid JSON")
	}
	for k, c := range s.Checkpoints {
		if len(c.Params) != s.Dim {
			return fmt.Errorf("checkpoint: checkpoint %d (step %d) has %d parameters, Dim is %d", k, c.Step, len(c.Params), s.Dim)
		}
		if k > 0 && c.Step <= s.Checkpoints[k-1].Step {
			return fmt.Errorf("checkpoint: steps not increasing at checkpoint %d (step %d after %d)", k, c.Step, s.Checkpoints[k-1].Step)
		}
	}
	return nil
}

// header is the JSON header of a file.
type header struct {
	Name   string          `json:"name"`
	Config json.RawMessage `json:"config"`
	Dim    int             `json:"dim"`
	Steps  []int           `json:"steps"`
	Losses []uint64        `json:"losses"` // math.Float64bits of each loss
}

// Write writes s to w in the file format of the package documentation.
func Write(w io.Writer, s *Series) error {
	if err := s.Validate(); err != nil {
		return err
	}
	h := header{Name: s.Name, Config: s.Config, Dim: s.Dim, Steps: s.Steps(), Losses: make([]uint64, len(s.Checkpoints))}
	if len(h.Config) == 0 {
		h.Config = json.RawMessage("null")
	}
	for k, c := range s.Checkpoints {
		h.Losses[k] = math.Float64bits(c.Loss)
	}
	var hbuf bytes.Buffer
	enc := json.NewEncoder(&hbuf)
	enc.SetEscapeHTML(false) // keep the config's bytes as they are (compacted)
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("checkpoint: header: %w", err)
	}
	hb := bytes.TrimSuffix(hbuf.Bytes(), []byte("\n"))
	if uint64(len(hb)) > math.MaxUint32 {
		return errors.New("checkpoint: header too large")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	crc := crc32.NewIEEE()
	out := io.MultiWriter(bw, crc)
	var pre [12]byte
	copy(pre[:8], Magic)
	binary.LittleEndian.PutUint32(pre[8:], uint32(len(hb)))
	if _, err := out.Write(pre[:]); err != nil {
		return err
	}
	if _, err := out.Write(hb); err != nil {
		return err
	}
	buf := make([]byte, 8*min(s.Dim, 4096))
	for _, c := range s.Checkpoints {
		for p := 0; p < len(c.Params); {
			m := min(len(c.Params)-p, len(buf)/8)
			for j, v := range c.Params[p : p+m] {
				binary.LittleEndian.PutUint64(buf[8*j:], math.Float64bits(v))
			}
			if _, err := out.Write(buf[:8*m]); err != nil {
				return err
			}
			p += m
		}
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	if _, err := bw.Write(sum[:]); err != nil {
		return err
	}
	return bw.Flush()
}

// Read reads a series written by Write. It reads r to its end, checks the
// file (see the package documentation) and returns an error matching
// ErrMagic, ErrTruncated, ErrFormat or ErrChecksum for a file that is not a
// complete, intact checkpoint file. The parameters of all checkpoints share
// one allocation.
func Read(r io.Reader) (*Series, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return decode(data)
}

func decode(data []byte) (*Series, error) {
	if len(data) < len(Magic) {
		if bytes.HasPrefix([]byte(Magic), data) {
			return nil, fmt.Errorf("%w: %d bytes, shorter than the magic", ErrTruncated, len(data))
		}
		return nil, ErrMagic
	}
	if string(data[:8]) != Magic {
		return nil, ErrMagic
	}
	const pre = 12 // magic + header length
	if len(data) < pre+4 {
		return nil, fmt.Errorf("%w: %d bytes, no room for the header length and checksum", ErrTruncated, len(data))
	}
	rest := uint64(len(data) - pre - 4) // bytes for the header and parameters
	hn := uint64(binary.LittleEndian.Uint32(data[8:12]))
	if hn > rest {
		return nil, fmt.Errorf("%w: header claims %d bytes, %d remain", ErrTruncated, hn, rest)
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(data[pre : pre+hn]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: header: data after the JSON object", ErrFormat)
	}
	k := uint64(len(h.Steps))
	if h.Dim < 0 || len(h.Losses) != len(h.Steps) {
		return nil, fmt.Errorf("%w: header: dim %d, %d steps, %d losses", ErrFormat, h.Dim, len(h.Steps), len(h.Losses))
	}
	for j := 1; j < len(h.Steps); j++ {
		if h.Steps[j] <= h.Steps[j-1] {
			return nil, fmt.Errorf("%w: header: steps not increasing", ErrFormat)
		}
	}
	// The parameters must fill exactly what remains: compare without
	// overflow before allocating anything of their size.
	avail := rest - hn
	dim := uint64(h.Dim)
	var need uint64
	if dim != 0 && k != 0 {
		if dim > avail/8/k { // 8·dim·k > avail, without computing it
			return nil, fmt.Errorf("%w: header claims %d checkpoints of %d parameters, %d bytes remain", ErrTruncated, k, dim, avail)
		}
		need = 8 * dim * k
	}
	if need > avail {
		return nil, fmt.Errorf("%w: header claims %d bytes of parameters, %d remain", ErrTruncated, need, avail)
	}
	if need < avail {
		return nil, fmt.Errorf("%w: %d bytes after the parameters, want only the 4-byte checksum", ErrFormat, avail-need)
	}
	body := data[:len(data)-4]
	if got, want := crc32.ChecksumIEEE(body), binary.LittleEndian.Uint32(data[len(data)-4:]); got != want {
		return nil, fmt.Errorf("%w: computed %08x, stored %08x", ErrChecksum, got, want)
	}
	s := &Series{Name: h.Name, Dim: h.Dim, Checkpoints: make([]Checkpoint, k)}
	if string(h.Config) != "null" {
		s.Config = h.Config
	}
	all := make([]float64, dim*k)
	raw := data[uint64(pre)+hn:]
	for j := range all {
		all[j] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*j:]))
	}
	for j := range s.Checkpoints {
		lo, hi := j*h.Dim, (j+1)*h.Dim
		s.Checkpoints[j] = Checkpoint{Step: h.Steps[j], Loss: math.Float64frombits(h.Losses[j]), Params: all[lo:hi:hi]}
	}
	return s, nil
}

// WriteFile writes s to the named file (created or truncated), through a
// temporary file in the same directory renamed into place, so that a crash
// never leaves a half-written file under the name.
func WriteFile(name string, s *Series) error {
	if err := s.Validate(); err != nil {
		return err
	}
	dir, base := splitDir(name)
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := Write(f, s); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// ReadFile reads the named file with Read.
func ReadFile(name string) (*Series, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	s, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

func splitDir(name string) (dir, base string) {
	for i := len(name) - 1; i >= 0; i-- {
		if os.IsPathSeparator(name[i]) {
			return name[:i+1], name[i+1:]
		}
	}
	return ".", name
}
