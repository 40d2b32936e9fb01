// Copyright ©2026 The susclab Authors.

// Command lmcorpus builds the Go-source corpus of package lm,
// pkg/lm/corpus/gosrc.txt, from the standard library sources of the
// installed Go ($(go env GOROOT)/src), with a copy of Go's LICENSE and a
// README.md stating the Go version, the files, the size and the SHA-256.
// Run it from the repository root:
//
//	go run ./cmd/lmcorpus
//
// The extract is the non-test .go files (not generated: no "Code
// generated ... DO NOT EDIT." line) of a fixed list of packages, in that
// order, each package's files sorted by name, each file preceded by a line
// "// File: <package>/<file>" and followed by a blank line. The shipped
// gosrc.txt is the reference: tests check the embedded file against the
// README, so a rebuild with another Go version shows up as a diff.
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// packages is the fixed list, chosen for code with plenty of English
// comments and few tables: about 555 KB in Go 1.26.
var packages = []string{
	"strings", "bytes", "bufio", "sort", "container/heap", "container/list", "container/ring",
	"unicode/utf8", "unicode/utf16", "text/tabwriter", "errors", "path", "io", "strconv",
	"encoding/csv", "encoding/hex", "encoding/base64", "text/scanner", "go/scanner", "go/token", "regexp",
}

var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

func goEnv(key string) string {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "lmcorpus: go env:", err)
		os.Exit(1)
	}
	return strings.TrimSpace(string(out))
}

func main() {
	out := flag.String("out", "pkg/lm/corpus", "output directory")
	flag.Parse()
	goroot, version := goEnv("GOROOT"), goEnv("GOVERSION")

	var text bytes.Buffer
	var list strings.Builder
	for _, pkg := range packages {
		dir := filepath.Join(goroot, "src", filepath.FromSlash(pkg))
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(names) == 0 {
			fmt.Fprintf(os.Stderr, "lmcorpus: no Go files in %s\n", dir)
			os.Exit(1)
		}
		sort.Strings(names)
		for _, name := range names {
			base := filepath.Base(name)
			if strings.HasSuffix(base, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "lmcorpus:", err)
				os.Exit(1)
			}
			if generated.Match(src) {
				continue
			}
			fmt.Fprintf(&text, "// File: %s/%s\n", pkg, base)
			text.Write(src)
			if len(src) > 0 && src[len(src)-1] != '\n' {
				text.WriteByte('\n')
			}
			text.WriteByte('\n')
			fmt.Fprintf(&list, "- %s/%s (%d bytes)\n", pkg, base, len(src))
		}
	}
	sum := sha256.Sum256(text.Bytes())
	lic, err := os.ReadFile(filepath.Join(goroot, "LICENSE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "lmcorpus:", err)
		os.Exit(1)
	}
	readme := fmt.Sprintf(`# Go-source corpus

gosrc.txt is an extract of the Go distribution's own standard library
sources: Go code with English comments, written by the Go Authors and
distributed under the BSD-style license in LICENSE (a copy of Go's LICENSE
file). Package lm embeds it (lm.GoSource, lm.GoCorpus).

It was built from %s by

    go run ./cmd/lmcorpus

run from the repository root: the non-test, non-generated .go files of the
packages below, in this order, each file preceded by a line
"// File: <package>/<file>" and followed by a blank line. The file shipped
here is the reference; a rebuild with another Go version gives a different
file (and this README a different checksum).

Size: %d bytes
SHA-256: %x

Files:

%s`, version, text.Len(), sum, list.String())
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "lmcorpus:", err)
		os.Exit(1)
	}
	for name, data := range map[string][]byte{"gosrc.txt": text.Bytes(), "LICENSE": lic, "README.md": []byte(readme)} {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "lmcorpus:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("wrote %s: %d bytes from %s (sha256 %x)\n", filepath.Join(*out, "gosrc.txt"), text.Len(), version, sum)
}
