// Command nbrun executes susclab's notebooks headlessly and checks them.
//
//	go run ./tools/nbrun [flags] [notebook.ipynb ...]
//
// With no arguments it takes every notebooks/*.ipynb of the repository. For
// each notebook it
//
//  1. checks that the committed notebook has no outputs;
//  2. executes it with `jupyter nbconvert --to notebook --execute` on the
//     GoNB kernel, writing OUT/NAME.ipynb (the source is not touched);
//  3. fails on any error output and on abnormal ends of a cell's program in
//     stderr streams (panic:, fatal error:, the runtime's SIGxxx report,
//     exit status N, signal: NAME as after SIGKILL, GoNB Error:), which
//     nbconvert lets pass, and on
//     a cell that calls .Display() (or viz.Init()) in its main part but shows
//     no chart (or no library);
//  4. exports OUT/NAME.html (nbconvert --to html);
//  5. opens that page in headless Chromium with no network and fails unless
//     every pkg/viz chart the notebook displayed was drawn (holds a <canvas>).
//
// OUT is build/notebooks under the repository root unless -out says otherwise.
// The kernel gets `go` and the Go bin directory (goimports, gonb) on its PATH.
// Set-up (Jupyter, GoNB kernel, chromium) is scripts/setup.sh --test.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	var (
		out        = flag.String("out", "", "output directory (default <repo>/build/notebooks)")
		jupyter    = flag.String("jupyter", "", "jupyter command (default: jupyter on PATH if it runs nbconvert, else /usr/bin/jupyter)")
		kernel     = flag.String("kernel", "gonb", "Jupyter kernel name")
		cellTime   = flag.Duration("cell_timeout", 10*time.Minute, "time limit of one cell")
		browser    = flag.Bool("browser", true, "check in headless Chromium that every chart was drawn")
		chromium   = flag.String("chromium", "", "Chromium binary (default: chromium, chromium-browser or google-chrome on PATH)")
		budget     = flag.Int("budget_ms", 5000, "Chromium's virtual time budget for a page, in ms")
		screenshot = flag.Bool("screenshot", false, "also write OUT/NAME.png, a screenshot of each exported page")
		shotSize   = flag.String("screenshot_size", "1200,7000", "window size of the screenshot, width,height in px")
		verbose    = flag.Bool("v", false, "print the output of nbconvert and Chromium")
	)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: nbrun [flags] [notebook.ipynb ...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	root, err := repoRoot()
	if err != nil {
		fatalf("%v", err)
	}
	nbs := flag.Args()
	if len(nbs) == 0 {
		nbs, _ = filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
		slices.Sort(nbs)
		if len(nbs) == 0 {
			fatalf("no notebooks in %s", filepath.Join(root, "notebooks"))
		}
	}
	if *out == "" {
		*out = filepath.Join(root, "build", "notebooks")
	}
	if *out, err = filepath.Abs(*out); err != nil {
		fatalf("%v", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatalf("%v", err)
	}
	r := &runner{out: *out, kernel: *kernel, cellTimeout: *cellTime, budgetMS: *budget,
		screenshot: *screenshot, shotSize: *shotSize, verbose: *verbose, env: kernelEnv()}
	if r.jupyter, err = findJupyter(*jupyter); err != nil {
		fatalf("%v", err)
	}
	if *browser {
		if r.chromium, err = findChromium(*chromium); err != nil {
			fatalf("%v", err)
		}
	}

	passed, failed := 0, 0
	for _, nb := range nbs {
		start := time.Now()
		charts, problems := r.run(nb)
		name := filepath.Base(nb)
		if len(problems) > 0 {
			failed++
			fmt.Printf("FAIL %s (%.1fs)\n", name, time.Since(start).Seconds())
			for _, p := range problems {
				fmt.Printf("     %s\n", p)
			}
			continue
		}
		passed++
		drawn := "charts not checked in a browser"
		if r.chromium != "" {
			drawn = fmt.Sprintf("%d charts drawn", charts)
		}
		fmt.Printf("ok   %s (%.1fs, %s) -> %s\n", name, time.Since(start).Seconds(), drawn,
			filepath.Join(r.out, strings.TrimSuffix(name, ".ipynb")+".html"))
	}
	fmt.Printf("nbrun: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

type runner struct {
	jupyter     string
	chromium    string
	out, kernel string
	cellTimeout time.Duration
	budgetMS    int
	screenshot  bool
	shotSize    string
	verbose     bool
	env         []string
}

// run executes and checks one notebook; it returns the number of charts drawn
// and the problems found.
func (r *runner) run(src string) (int, []string) {
	src, err := filepath.Abs(src)
	if err != nil {
		return 0, []string{err.Error()}
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return 0, []string{err.Error()}
	}
	nb, err := parseNotebook(b)
	if err != nil {
		return 0, []string{err.Error()}
	}
	if bad := checkClean(nb); len(bad) > 0 {
		return 0, bad
	}

	name := strings.TrimSuffix(filepath.Base(src), ".ipynb")
	executed := filepath.Join(r.out, name+".ipynb")
	page := filepath.Join(r.out, name+".html")
	os.Remove(executed) // never check a stale result
	os.Remove(page)

	timeout := fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(r.cellTimeout.Seconds()))
	if err := r.cmd(0, r.jupyter, "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name="+r.kernel, timeout,
		"--output-dir", r.out, "--output", name, src); err != nil {
		return 0, []string{"execution failed (a compile error, a cell timeout or a dead kernel): " + err.Error()}
	}
	if b, err = os.ReadFile(executed); err != nil {
		return 0, []string{err.Error()}
	}
	if nb, err = parseNotebook(b); err != nil {
		return 0, []string{err.Error()}
	}
	if bad := append(checkExecuted(nb), checkDisplayed(nb)...); len(bad) > 0 {
		return 0, bad
	}
	if err := r.cmd(0, r.jupyter, "nbconvert", "--to", "html", "--output-dir", r.out, "--output", name,
		executed); err != nil {
		return 0, []string{"HTML export failed: " + err.Error()}
	}
	if r.chromium == "" {
		return 0, nil
	}
	want := chartIDs(nb)
	dom, err := r.dumpDOM(page)
	if err != nil {
		return 0, []string{err.Error()}
	}
	drawn := drawnCharts(dom)
	if bad := checkDrawn(want, drawn); len(bad) > 0 {
		return 0, bad
	}
	if r.screenshot {
		if err := r.shoot(page, filepath.Join(r.out, name+".png")); err != nil {
			return 0, []string{err.Error()}
		}
	}
	return len(drawn), nil
}

// chromiumArgs start a headless Chromium that reaches no network: every host
// name fails to resolve, and the background services are off.
func (r *runner) chromiumArgs(profile, size string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND",
		"--user-data-dir=" + profile, "--window-size=" + size,
		fmt.Sprintf("--virtual-time-budget=%d", r.budgetMS)}
}

// dumpDOM loads page in Chromium, lets its scripts run for the virtual time
// budget, and returns the serialized DOM. Headless Chromium now and then
// hangs on a busy machine and never writes the DOM; a second attempt with
// a fresh profile is then made, once, and said so.
func (r *runner) dumpDOM(page string) (string, error) {
	dom, hung, err := r.dumpDOMOnce(page)
	if hung {
		fmt.Fprintf(os.Stderr, "nbrun: chromium --dump-dom %s timed out; trying once more\n", page)
		dom, _, err = r.dumpDOMOnce(page)
	}
	return dom, err
}

// dumpDOMOnce is one attempt of dumpDOM; hung reports a timeout.
func (r *runner) dumpDOMOnce(page string) (dom string, hung bool, err error) {
	profile, err := os.MkdirTemp("", "nbrun-chromium-")
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(profile)
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.chromium, append(r.chromiumArgs(profile, "1200,1600"), "--dump-dom", "file://"+page)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", ctx.Err() == context.DeadlineExceeded, fmt.Errorf("chromium --dump-dom %s: %v\n%s", page, err, tail(stderr.String(), 20))
	}
	if r.verbose {
		os.Stderr.Write(stderr.Bytes())
	}
	if stdout.Len() == 0 {
		return "", false, fmt.Errorf("chromium --dump-dom %s: empty DOM\n%s", page, tail(stderr.String(), 20))
	}
	return stdout.String(), false, nil
}

func (r *runner) shoot(page, png string) error {
	profile, err := os.MkdirTemp("", "nbrun-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	return r.cmd(2*time.Minute, append([]string{r.chromium}, append(r.chromiumArgs(profile, r.shotSize), "--screenshot="+png, "file://"+page)...)...)
}

// cmd runs a command with the kernel's environment (timeout 0: none); its
// output is shown only on failure or with -v.
func (r *runner) cmd(timeout time.Duration, argv ...string) error {
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = r.env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if r.verbose || err != nil {
		fmt.Fprintf(os.Stderr, "$ %s\n%s", strings.Join(argv, " "), tail(buf.String(), 60))
	}
	return err
}

// kernelEnv is this process's environment with the Go bin directory
// (gonb, goimports) and the directory of `go` in front of PATH: the GoNB
// kernel spec has an empty env, so the kernel sees the server's PATH.
func kernelEnv() []string {
	var dirs []string
	if goBin, err := exec.LookPath("go"); err == nil {
		dirs = append(dirs, filepath.Dir(goBin))
	}
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		switch {
		case len(lines) > 0 && lines[0] != "":
			dirs = append(dirs, lines[0])
		case len(lines) > 1:
			dirs = append(dirs, filepath.Join(strings.Split(lines[1], string(filepath.ListSeparator))[0], "bin"))
		}
	}
	path := strings.Join(append(dirs, os.Getenv("PATH")), string(filepath.ListSeparator))
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PATH=") })
	return append(env, "PATH="+path)
}

// findJupyter returns a jupyter command that can run nbconvert. The first
// jupyter on PATH may belong to a Python without the Jupyter modules (pyenv),
// so it is tried, then Debian's /usr/bin/jupyter.
func findJupyter(flagValue string) (string, error) {
	cands := []string{flagValue}
	if flagValue == "" {
		cands = []string{"jupyter", "/usr/bin/jupyter"}
	}
	for _, c := range cands {
		if err := exec.Command(c, "nbconvert", "--version").Run(); err == nil {
			return c, nil
		}
	}
	return "", errors.New("no working `jupyter nbconvert`: run scripts/setup.sh (or pass -jupyter)")
}

func findChromium(flagValue string) (string, error) {
	cands := []string{flagValue}
	if flagValue == "" {
		cands = []string{"chromium", "chromium-browser", "google-chrome"}
	}
	for _, c := range cands {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium for the browser check: run scripts/setup.sh --test, pass -chromium, or -browser=false")
}

// repoRoot is the directory holding the go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("nbrun: not inside the repository (no go.mod above the working directory)")
		}
		dir = parent
	}
}

func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "nbrun: "+format+"\n", args...)
	os.Exit(2)
}
