package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMain lets TestEndToEnd run this test binary as nbrun itself.
func TestMain(m *testing.M) {
	if os.Getenv("NBRUN_TEST_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeJupyter stands for `jupyter nbconvert`: --version succeeds; executing
// SRC writes the synthetic executed notebook SRC.executed to
// OUTDIR/NAME.ipynb, as nbconvert would after running the GoNB kernel; the
// HTML export writes an empty page.
const fakeJupyter = `#!/bin/sh
[ "$2" = "--version" ] && { echo 7.16.4; exit 0; }
to= dir= name= src=
while [ $# -gt 0 ]; do
  case "$1" in
    --to) to=$2; shift ;;
    --output-dir) dir=$2; shift ;;
    --output) name=$2; shift ;;
    *) src=$1 ;;
  esac
  shift
done
case "$to" in
  notebook) cp "$src.executed" "$dir/$name.ipynb" ;;
  html) echo '<!DOCTYPE html><html><body></body></html>' > "$dir/$name.html" ;;
  *) exit 2 ;;
esac
`

// TestEndToEnd runs nbrun (its main, with a stand-in for Jupyter) on source
// notebooks whose executed versions are synthetic GoNB results: a cell's
// program that printed and was then killed by SIGKILL, as under the
// out-of-memory killer, must fail the run; a clean notebook must pass.
func TestEndToEnd(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in for jupyter is a shell script")
	}
	dir := t.TempDir()
	jupyter := filepath.Join(dir, "jupyter")
	if err := os.WriteFile(jupyter, []byte(fakeJupyter), 0o755); err != nil {
		t.Fatal(err)
	}
	source := `{"cells":[{"id":"c1","cell_type":"code","execution_count":null,"metadata":{},"outputs":[],
		"source":["%%\n","fmt.Println(\"before\")\n"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}`
	executed := func(outputs string) string {
		return `{"cells":[{"id":"c1","cell_type":"code","execution_count":1,"metadata":{},"outputs":[` + outputs + `],
			"source":["%%\n","fmt.Println(\"before\")\n"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}`
	}
	stdout := `{"output_type":"stream","name":"stdout","text":["before\n"]}`
	nbs := map[string]string{
		"clean":  executed(stdout),
		"killed": executed(stdout + `,{"output_type":"stream","name":"stderr","text":["signal: killed\n"]}`),
		"segv":   executed(`{"output_type":"stream","name":"stderr","text":["signal: segmentation fault (core dumped)\n"]}`),
	}
	var args []string
	for name, ex := range nbs {
		src := filepath.Join(dir, name+".ipynb")
		if err := os.WriteFile(src, []byte(source), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(src+".executed", []byte(ex), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, src)
	}
	cmd := exec.Command(os.Args[0], append([]string{"-jupyter", jupyter, "-browser=false",
		"-out", filepath.Join(dir, "out")}, args...)...)
	cmd.Env = append(os.Environ(), "NBRUN_TEST_AS_MAIN=1")
	out, err := cmd.CombinedOutput()
	t.Logf("nbrun output:\n%s", out)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("nbrun ended with %v, want exit status 1", err)
	}
	for _, want := range []string{
		"ok   clean.ipynb",
		"FAIL killed.ipynb", "cell 0 (c1): Go failure on stderr: signal: killed",
		"FAIL segv.ipynb", "cell 0 (c1): Go failure on stderr: signal: segmentation fault (core dumped)",
		"nbrun: 1 passed, 2 failed",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("nbrun output lacks %q", want)
		}
	}
}
