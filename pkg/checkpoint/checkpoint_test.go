// Copyright ©2026 The susclab Authors.

package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// testSeries returns a seeded series whose values include the awkward ones:
// NaN with a payload, ±Inf, -0, subnormals.
func testSeries() *Series {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &Series{Name: "test <model>", Config: json.RawMessage(`{"d":8,"note":"a<b & c"}`), Dim: 13}
	special := []float64{math.Float64frombits(0x7ff8000000000123), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 5e-324, math.MaxFloat64}
	for k, step := range []int{0, 10, 20, 35, 100} {
		p := make([]float64, s.Dim)
		for j := range p {
			p[j] = rng.NormFloat64()
		}
		copy(p[k:], special[:min(len(special), s.Dim-k)])
		loss := rng.Float64()
		if k == 3 {
			loss = math.Float64frombits(0xfff0000000000777) // a NaN with sign bit and payload
		}
		s.Add(step, loss, p)
	}
	return s
}

func encode(t testing.TB, s *Series) []byte {
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sameBits(t *testing.T, got, want *Series) {
	t.Helper()
	if got.Name != want.Name || got.Dim != want.Dim || len(got.Checkpoints) != len(want.Checkpoints) {
		t.Fatalf("got %q dim %d with %d checkpoints, want %q dim %d with %d", got.Name, got.Dim, len(got.Checkpoints), want.Name, want.Dim, len(want.Checkpoints))
	}
	var cw bytes.Buffer
	if len(want.Config) > 0 {
		json.Compact(&cw, want.Config)
	}
	if !bytes.Equal(got.Config, cw.Bytes()) {
		t.Errorf("config %s, want %s", got.Config, cw.Bytes())
	}
	for k, c := range want.Checkpoints {
		g := got.Checkpoints[k]
		if g.Step != c.Step || math.Float64bits(g.Loss) != math.Float64bits(c.Loss) {
			t.Errorf("checkpoint %d: step %d loss %x, want %d %x", k, g.Step, math.Float64bits(g.Loss), c.Step, math.Float64bits(c.Loss))
		}
		for j, v := range c.Params {
			if math.Float64bits(g.Params[j]) != math.Float64bits(v) {
				t.Errorf("checkpoint %d param %d: %x, want %x", k, j, math.Float64bits(g.Params[j]), math.Float64bits(v))
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, s := range []*Series{testSeries(), {}, {Name: "empty params", Dim: 0, Checkpoints: []Checkpoint{{Step: 3, Loss: 1}}}, {Name: "no checkpoints", Dim: 5}} {
		data := encode(t, s)
		got, err := Read(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%q: %v", s.Name, err)
		}
		sameBits(t, got, s)
		// Writing what was read gives the same bytes.
		if again := encode(t, got); !bytes.Equal(again, data) {
			t.Errorf("%q: re-encoding differs", s.Name)
		}
	}
	// The layout of the package documentation, checked by hand.
	s := testSeries()
	data := encode(t, s)
	hn := int(binary.LittleEndian.Uint32(data[8:12]))
	if string(data[:8]) != Magic || len(data) != 12+hn+8*s.Dim*len(s.Checkpoints)+4 {
		t.Fatalf("layout: magic %q, %d bytes", data[:8], len(data))
	}
	if got := binary.LittleEndian.Uint64(data[12+hn+8*(s.Dim+1):]); got != math.Float64bits(s.Checkpoints[1].Params[1]) {
		t.Errorf("checkpoint 1, param 1 stored as %x", got)
	}
	if crc32.ChecksumIEEE(data[:len(data)-4]) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		t.Error("trailing CRC is not the IEEE CRC-32 of the preceding bytes")
	}
}

func TestFiles(t *testing.T) {
	s := testSeries()
	name := filepath.Join(t.TempDir(), "run.ckpt")
	if err := WriteFile(name, s); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	sameBits(t, got, s)
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestFind(t *testing.T) {
	s := testSeries()
	if c, ok := s.Find(35); !ok || c.Step != 35 || c != &s.Checkpoints[3] {
		t.Errorf("Find(35) = %v, %v", c, ok)
	}
	for _, step := range []int{-1, 5, 36, 1000} {
		if _, ok := s.Find(step); ok || s.Index(step) != -1 {
			t.Errorf("Find(%d) found a checkpoint", step)
		}
	}
	for step, want := range map[int]int{-5: 0, 4: 0, 5: 0, 6: 10, 27: 20, 28: 35, 99: 100, 500: 100} {
		if c, ok := s.Nearest(step); !ok || c.Step != want {
			t.Errorf("Nearest(%d) = %d, want %d", step, c.Step, want)
		}
	}
	if c, ok := s.Last(); !ok || c.Step != 100 {
		t.Errorf("Last = %v", c)
	}
	var empty Series
	if _, ok := empty.Last(); ok {
		t.Error("Last of an empty series")
	}
	if _, ok := empty.Nearest(3); ok {
		t.Error("Nearest of an empty series")
	}
}

func TestValidate(t *testing.T) {
	for name, s := range map[string]*Series{
		"negative dim":   {Dim: -1},
		"wrong length":   {Dim: 2, Checkpoints: []Checkpoint{{Params: []float64{1}}}},
		"steps repeat":   {Dim: 0, Checkpoints: []Checkpoint{{Step: 1}, {Step: 1}}},
		"bad config":     {Config: json.RawMessage("{")},
		"bad UTF-8 name": {Name: "\xff"},
	} {
		if err := Write(&bytes.Buffer{}, s); err == nil {
			t.Errorf("%s: Write accepted it", name)
		}
	}
}

// corruptions returns named corrupt versions of a valid file and the error
// each must give.
func corruptions(data []byte) []struct {
	name string
	data []byte
	want error
} {
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), data...)) }
	hn := binary.LittleEndian.Uint32(data[8:12])
	withCRC := func(b []byte) []byte { // fix the checksum so that only the change shows
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		return b
	}
	// A header that claims a huge dim with a valid checksum: must be refused
	// before allocating.
	huge := func(dim string) []byte {
		h := []byte(`{"name":"x","config":null,"dim":` + dim + `,"steps":[0,1],"losses":[0,0]}`)
		b := append([]byte(Magic), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(b[8:], uint32(len(h)))
		b = append(append(b, h...), make([]byte, 16+4)...)
		return withCRC(b)
	}
	return []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"half magic", data[:4], ErrTruncated},
		{"wrong magic", mod(func(b []byte) []byte { b[7] = '2'; return b }), ErrMagic},
		{"other file", []byte("#!/bin/sh\necho hello\n"), ErrMagic},
		{"magic only", data[:8], ErrTruncated},
		{"header cut", data[:12+hn/2], ErrTruncated},
		{"params cut", data[:len(data)-20], ErrTruncated},
		{"checksum cut", data[:len(data)-2], ErrTruncated},
		{"header length huge", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], math.MaxUint32); return b }), ErrTruncated},
		{"header length short", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], hn-1); return withCRC(b) }), ErrFormat},
		{"header not JSON", mod(func(b []byte) []byte { b[12] = '['; return withCRC(b) }), ErrFormat},
		{"dim huge", huge("4611686018427387904"), ErrTruncated},
		{"dim max int", huge("9223372036854775807"), ErrTruncated},
		{"dim overflows int", huge("18446744073709551616"), ErrFormat},
		{"dim negative", huge("-1"), ErrFormat},
		{"dim one more", huge("2"), ErrTruncated},
		{"dim one less", huge("0"), ErrFormat},
		{"trailing bytes", withCRC(append(append([]byte(nil), data...), 0, 0, 0, 0, 0, 0, 0, 0)), ErrFormat},
		{"param bit flipped", mod(func(b []byte) []byte { b[len(b)-9] ^= 1; return b }), ErrChecksum},
		{"checksum flipped", mod(func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }), ErrChecksum},
		{"header byte changed", mod(func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"dim":13`))
			b[i+7] = '2' // dim 12: the sizes no longer match
			return withCRC(b)
		}), ErrFormat},
	}
}

func TestCorrupt(t *testing.T) {
	data := encode(t, testSeries())
	for _, c := range corruptions(data) {
		s, err := Read(bytes.NewReader(c.data))
		if err == nil || s != nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error %q, want %q", c.name, err, c.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	data := encode(f, testSeries())
	f.Add(data)
	f.Add(encode(f, &Series{}))
	for _, c := range corruptions(data) {
		f.Add(c.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		// Whatever is accepted is a valid series, written back to the same bytes.
		if err := s.Validate(); err != nil {
			t.Fatalf("Read accepted an invalid series: %v", err)
		}
		var out bytes.Buffer
		if err := Write(&out, s); err != nil {
			t.Fatalf("Write of an accepted series: %v", err)
		}
		if s2, err := Read(&out); err != nil || s2.Dim != s.Dim || len(s2.Checkpoints) != len(s.Checkpoints) {
			t.Fatalf("second round trip: %v", err)
		}
	})
}
