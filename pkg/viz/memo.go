package viz

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
)

// Memo returns the value of compute, computed once per notebook kernel
// session. GoNB runs every cell as a new program, so a value computed in one
// cell is gone in the next; Memo keeps it on disk, in the kernel's temporary
// directory ($GONB_TMP_DIR, removed when the kernel stops), under a hash of
// key, of deps (the parameters the computation depends on, as JSON), of
// T's type and of the source text of compute. A cell that calls Memo with
// the same key, parameters and code reads the value back; editing the
// function or its parameters computes it afresh.
//
// The value goes through encoding/json (the library's own JSON for its
// result types) and Memo returns it as read back, on the first call too, so
// every cell sees the same bits whether or not it computed them. A type
// that does not survive JSON (unexported fields, a NaN float outside the
// library's types) gives an error.
//
// Outside a notebook nothing is cached, unless SUSCLAB_MEMO_DIR names a
// directory to cache in (tests, or a cache that outlives the kernel).
func Memo[T any](key string, compute func() (T, error), deps ...any) (T, error) {
	var zero T
	if err := jsonSafe(reflect.TypeFor[T](), map[reflect.Type]bool{}); err != nil {
		return zero, fmt.Errorf("viz: Memo %q: %v does not survive JSON: %w", key, reflect.TypeFor[T](), err)
	}
	dir := memoDir()
	if dir == "" {
		v, err := compute()
		if err != nil {
			return zero, err
		}
		return roundTrip(key, v)
	}
	h, err := memoHash[T](key, compute, deps)
	if err != nil {
		return zero, err
	}
	path := filepath.Join(dir, "memo-"+h+".json")
	if b, err := os.ReadFile(path); err == nil {
		var v T
		if json.Unmarshal(b, &v) == nil {
			return v, nil
		}
	}
	v, err := compute()
	if err != nil {
		return zero, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return zero, fmt.Errorf("viz: Memo %q: %w", key, err)
	}
	back, err := decodeStable[T](key, b)
	if err != nil {
		return zero, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return zero, fmt.Errorf("viz: Memo %q: %w", key, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return zero, fmt.Errorf("viz: Memo %q: %w", key, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return zero, fmt.Errorf("viz: Memo %q: %w", key, err)
	}
	return back, nil
}

// Must returns v, or panics with err: a notebook cell has nowhere to return
// an error to, and a panic fails the notebook.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// jsonSafe reports an error if encoding/json would silently drop part of a
// value of type t: a struct field it cannot see (unexported), in a type
// without its own MarshalJSON, a func, a channel or an interface (an error
// value, say, which JSON cannot restore).
func jsonSafe(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] || t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return jsonSafe(t.Elem(), seen)
	case reflect.Map:
		return jsonSafe(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("field %s of %v is unexported", f.Name, t)
			}
			if f.Tag.Get("json") == "-" {
				continue
			}
			if err := jsonSafe(f.Type, seen); err != nil {
				return err
			}
		}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128, reflect.Interface:
		return fmt.Errorf("%v has no JSON form", t)
	}
	return nil
}

// memoDir is where Memo keeps values ("" means nowhere).
func memoDir() string {
	if d := os.Getenv("SUSCLAB_MEMO_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("GONB_TMP_DIR"); d != "" {
		return filepath.Join(d, "susclab-memo")
	}
	return ""
}

// roundTrip returns v as read back from its JSON.
func roundTrip[T any](key string, v T) (T, error) {
	b, err := json.Marshal(v)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("viz: Memo %q: %w", key, err)
	}
	return decodeStable[T](key, b)
}

// decodeStable decodes b and checks that encoding the result gives b again.
func decodeStable[T any](key string, b []byte) (T, error) {
	var v, zero T
	if err := json.Unmarshal(b, &v); err != nil {
		return zero, fmt.Errorf("viz: Memo %q: %T does not read back from its JSON: %w", key, v, err)
	}
	again, err := json.Marshal(v)
	if err != nil || !bytes.Equal(again, b) {
		return zero, fmt.Errorf("viz: Memo %q: %T does not survive a JSON round trip", key, v)
	}
	return v, nil
}

// memoHash hashes what identifies a computation.
func memoHash[T any](key string, compute any, deps []any) (string, error) {
	for i, dep := range deps {
		if dep == nil {
			continue
		}
		if err := jsonSafe(reflect.TypeOf(dep), map[reflect.Type]bool{}); err != nil {
			return "", fmt.Errorf("viz: Memo %q: parameter %d (%T) would not tell its values apart: %w", key, i, dep, err)
		}
	}
	d, err := json.Marshal(deps)
	if err != nil {
		return "", fmt.Errorf("viz: Memo %q: parameters: %w", key, err)
	}
	s := sha256.New()
	fmt.Fprintf(s, "%q\n%s\n%s\n", key, reflect.TypeFor[T](), d)
	s.Write([]byte(funcSource(compute)))
	return hex.EncodeToString(s.Sum(nil))[:32], nil
}

// funcSource returns the source text of the function f (a function literal
// or declaration), found through its entry's file and line; if the file
// cannot be read, its file:line.
func funcSource(f any) string {
	fn := runtime.FuncForPC(reflect.ValueOf(f).Pointer())
	if fn == nil {
		return ""
	}
	file, line := fn.FileLine(fn.Entry())
	// Not the function's name: the compiler names inlined copies of one
	// closure apart (func1.1, func1.2), which would defeat the cache.
	where := fmt.Sprintf("%s:%d", file, line)
	src, err := os.ReadFile(file)
	if err != nil {
		return where
	}
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, file, src, 0)
	if err != nil {
		return where
	}
	// Every function starting on the entry's line: two closures on one
	// line cannot be told apart by the line, so both texts count.
	var text strings.Builder
	ast.Inspect(af, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncLit:
			body = n.Body
		case *ast.FuncDecl:
			body = n.Body
		}
		if body != nil {
			start, end := fset.Position(n.Pos()), fset.Position(n.End())
			if start.Line <= line && line <= fset.Position(body.Lbrace).Line {
				text.Write(src[start.Offset:end.Offset])
				text.WriteByte('\n')
			}
		}
		return true
	})
	return where + "\n" + text.String()
}
