package viz

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

func TestTextHTMLEscapesAndKeepsLayout(t *testing.T) {
	got := TextHTML("a < b & c\n  x = 1\n")
	if !strings.Contains(got, "a &lt; b &amp; c\n  x = 1</pre>") {
		t.Errorf("TextHTML = %q: want escaped text, inner newline and indentation kept, last newline dropped", got)
	}
	if !strings.HasPrefix(got, `<pre class="`+TextClass+`"`) {
		t.Errorf("TextHTML = %q: want a %s <pre> block", got, TextClass)
	}
}

// Outside a notebook Printf, Print and Println write what fmt would.
func TestPrintOutsideNotebook(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	Printf("%d-%s|", 7, "x")
	Print("a", 1, 2, "b", "|")
	Println("c", 3)
	os.Stdout = stdout
	w.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		t.Fatal(err)
	}
	if want := "7-x|a1 2b|c 3\n"; buf.String() != want {
		t.Errorf("printed %q, want %q", buf.String(), want)
	}
}
