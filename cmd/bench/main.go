// Command bench measures the speed of susclab's SGLD sampler and prints one
// table, every figure measured side by side in the same run:
//
//   - SGLD steps per second through the library (susc.Sample, one chain,
//     full batch) on normal crossing, reduced-rank regression (5,3,5), the
//     toy model of superposition and the deep linear network at two sizes;
//   - for normal crossing, a minimal hand-written loop (the machine's limit)
//     and the library's ratio to it;
//   - the same update in PyTorch (bench/sgld_torch.py, run with
//     /usr/bin/python3 when it can import torch), autograd and hand-written,
//     and the ratios Go / PyTorch;
//   - chains in parallel on 1 and 2 cores (scaling efficiency);
//   - the influence matrix of 2,000 samples over 1,000 draws: time and peak
//     memory;
//   - peak memory against the number of draws (streaming statistics), with
//     and without traces.
//
// Time is wall clock (time.Now). Peak memory is the peak resident set size
// (VmHWM in /proc/self/status) of a fresh child process that runs one
// measurement, so measurements do not see each other's memory; "allocated"
// is runtime.MemStats.TotalAlloc in that child (all bytes ever allocated).
//
// Usage, from the repository root:
//
//	go run ./cmd/bench [-seconds 0.4] [-torch-seconds 0.6] [-python /usr/bin/python3]
//
// It installs nothing. See bench/README.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"susclab/internal/handloop"
	"sync"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/mat"

	"susclab/pkg/susc"
	"susclab/pkg/toy"
)

var (
	seconds      = flag.Float64("seconds", 0.4, "wall-clock seconds of the timed runs per Go figure, split over -reps runs (each run first ramps up its step count, which comes on top)")
	reps         = flag.Int("reps", 7, "alternating runs per Go figure; the best is reported")
	torchSeconds = flag.Float64("torch-seconds", 0.6, "wall-clock seconds per PyTorch figure (best of 3 runs of a third each)")
	python       = flag.String("python", "/usr/bin/python3", "Python with Debian's python3-torch")
	script       = flag.String("script", "", "path of bench/sgld_torch.py (default: found from the module root)")
	skipTorch    = flag.Bool("no-torch", false, "skip the PyTorch reference")
	child        = flag.String("child", "", "internal: run one memory measurement in this process")
	childDraws   = flag.Int("draws", 0, "internal: draws per chain for -child")
	childTrace   = flag.Bool("trace", false, "internal: keep traces for -child")
)

// model is one row of the table; keys match bench/sgld_torch.py.
type model struct {
	key, name, size string
	make            func() (susc.Model, susc.Posterior, float64) // model, posterior, ε
}

const n = 1000

func nbeta() float64 { return susc.NOverLogN(n) }

func rng() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// models are the benchmarked models, with the hyperparameters of
// bench/sgld_torch.py (γ = 100, nβ = n/log n, ε small enough to be stable).
func models() []model {
	return []model{
		{"nc", "normal crossing (1,2)", "n=1000, d=2", func() (susc.Model, susc.Posterior, float64) {
			m := toy.NormalCrossingData(rng(), n, []int{1, 2}, false)
			return m, susc.Posterior{NBeta: nbeta(), Gamma: 100, Center: []float64{0, 0}}, 1e-4
		}},
		{"rrr", "reduced-rank (5,3,5)", "n=1000, d=30", func() (susc.Model, susc.Posterior, float64) {
			m := toy.ReducedRankData(rng(), n, 5, 3, 5, nil)
			return m, susc.Posterior{NBeta: nbeta(), Gamma: 100, Center: make([]float64, m.Dim())}, 1e-5
		}},
		{"tms-small", "TMS F=5 M=2", "n=1000, d=15", tms(5, 2, 1e-5)},
		{"tms-large", "TMS F=100 M=20", "n=1000, d=2100", tms(100, 20, 1e-6)},
		{"dln-small", "DLN 10-10-10-10", "n=1000, d=300", dln(10, 1e-6)},
		{"dln-large", "DLN 100-100-100-100", "n=1000, d=30000", dln(100, 1e-7)},
	}
}

func tms(f, m int, eps float64) func() (susc.Model, susc.Posterior, float64) {
	return func() (susc.Model, susc.Posterior, float64) {
		r := rng()
		cfg := toy.NewTMSConfig(f, m, 0.9, 0.1)
		x, _ := toy.GenerateTMS(r, n, cfg, nil)
		t := toy.NewTMS(cfg, x)
		return t, susc.Posterior{NBeta: nbeta(), Gamma: 100, Center: t.Init(r)}, eps
	}
}

func dln(width int, eps float64) func() (susc.Model, susc.Posterior, float64) {
	return func() (susc.Model, susc.Posterior, float64) {
		r := rng()
		x, y := mat.NewDense(n, width, nil), mat.NewDense(n, width, nil)
		for i := range n {
			for j := range width {
				x.Set(i, j, r.NormFloat64())
				y.Set(i, j, r.NormFloat64())
			}
		}
		d := toy.NewDeepLinear([]int{width, width, width, width}, x, y)
		w0 := toy.RandomInit(r, d.Dim(), 1/math.Sqrt(float64(width)))
		return d, susc.Posterior{NBeta: nbeta(), Gamma: 100, Center: w0}, eps
	}
}

// rate runs f(steps) with growing step counts until one run lasts about sec
// seconds and returns steps per second of that run.
func rate(sec float64, f func(steps int) error) (float64, error) {
	steps := 16
	for {
		t0 := time.Now()
		if err := f(steps); err != nil {
			return 0, err
		}
		el := time.Since(t0).Seconds()
		if el >= sec {
			return float64(steps) / el, nil
		}
		if el < sec/8 {
			steps *= 8
		} else {
			steps = int(float64(steps)*sec/el*1.05) + 1
		}
	}
}

// best returns the highest of the rates of reps alternating calls of each
// f (each f a rate measurement): other work on the machine only ever slows a
// run down, so the best run is the least disturbed, and alternating keeps
// figures that are compared measured under the same conditions.
func best(reps int, fs ...func() (float64, error)) ([]float64, error) {
	r := make([]float64, len(fs))
	for range reps {
		for i, f := range fs {
			v, err := f()
			if err != nil {
				return nil, err
			}
			r[i] = max(r[i], v)
		}
	}
	return r, nil
}

// libraryRate is the general API: Sample, one chain on one worker, steps-1
// burn-in steps and one draw.
func libraryRate(m susc.Model, p susc.Posterior, eps float64, sec float64) (float64, error) {
	return rate(sec, func(steps int) error {
		_, err := susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: eps},
			susc.Run{Chains: 1, Workers: 1, BurnIn: steps - 1, Draws: 1, Seed: 1})
		return err
	})
}

var sink float64

// handLoopRate is the machine's limit on normal crossing (1,2): the same
// update written out by hand (internal/handloop), no interfaces.
func handLoopRate(m *toy.NormalCrossing, p susc.Posterior, eps, sec float64) (float64, error) {
	x, y := m.Data()
	h := handloop.New(x, y, p.NBeta, p.Gamma, eps)
	noise := rand.New(rand.NewPCG(1, 1))
	return rate(sec, func(steps int) error {
		h.Run(steps, noise)
		if h.Diverged() {
			return errors.New("hand loop diverged")
		}
		return nil
	})
}

// torchResult is the JSON of bench/sgld_torch.py --json.
type torchResult struct {
	Torch   string `json:"torch"`
	Threads int    `json:"threads"`
	BLAS    string `json:"blas"`
	Models  map[string]struct {
		Autograd float64 `json:"autograd"`
		Hand     float64 `json:"hand"`
	} `json:"models"`
}

// findScript returns bench/sgld_torch.py from the module root above the
// working directory.
func findScript() string {
	if *script != "" {
		return *script
	}
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "bench", "sgld_torch.py")
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			return filepath.Join("bench", "sgld_torch.py")
		}
		dir = up
	}
}

// runTorch returns the PyTorch figures, or a one-line reason why there are none.
func runTorch() (*torchResult, string) {
	if *skipTorch {
		return nil, "PyTorch: skipped (-no-torch)"
	}
	if err := exec.Command(*python, "-c", "import torch").Run(); err != nil {
		return nil, "PyTorch: not installed (apt-get install python3-torch)"
	}
	path := findScript()
	cmd := exec.Command(*python, path, "--json", "--seconds", strconv.FormatFloat(*torchSeconds, 'g', -1, 64))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Sprintf("PyTorch: %s failed: %v %s", path, err, strings.TrimSpace(stderr.String()))
	}
	var r torchResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Sprintf("PyTorch: bad output from %s: %v", path, err)
	}
	return &r, ""
}

func main() {
	flag.Parse()
	if *reps < 1 || !(*seconds > 0) {
		fmt.Fprintf(os.Stderr, "bench: need -reps >= 1 and -seconds > 0 (got %d, %v)\n", *reps, *seconds)
		os.Exit(2)
	}
	if *child != "" {
		runChild()
		return
	}
	start := time.Now()
	fmt.Printf("susclab speed benchmark — %s, %s/%s, %d CPUs, GOMAXPROCS %d\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Printf("load average at start: %s (other work on the machine slows every figure; see the arithmetic-loop row below)\n", loadavg())
	fmt.Printf("SGLD (docs/theory.md §2.1), full batch, float64; Go: susc.Sample, 1 chain on 1 core; wall clock, best of %d alternating runs of ≈%.2f s per figure.\n\n", *reps, *seconds/float64(*reps))

	// PyTorch first, alone on the machine.
	tr, why := runTorch()

	ms := models()
	rows := make([][]string, 0, len(ms))
	for _, mc := range ms {
		m, p, eps := mc.make()
		sec := *seconds / float64(*reps)
		fs := []func() (float64, error){func() (float64, error) { return libraryRate(m, p, eps, sec) }}
		nc, isNC := m.(*toy.NormalCrossing)
		if isNC {
			fs = append(fs, func() (float64, error) { return handLoopRate(nc, p, eps, sec) })
		}
		r, err := best(*reps, fs...)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", mc.name, err)
			os.Exit(1)
		}
		lib := r[0]
		hand, ratio := "–", "–"
		if isNC {
			hand, ratio = num(r[1]), fmt.Sprintf("%.2f", lib/r[1])
		}
		ta, th, ra, rh := "–", "–", "–", "–"
		if tr != nil {
			if t, ok := tr.Models[mc.key]; ok {
				ta, th = num(t.Autograd), num(t.Hand)
				ra, rh = times(lib/t.Autograd), times(lib/t.Hand)
			}
		}
		rows = append(rows, []string{mc.name, mc.size, num(lib), hand, ratio, ta, th, ra, rh})
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "model\tsize\tGo library\tGo hand loop\tlibrary/hand\tPyTorch autograd\tPyTorch hand\tGo/PyTorch autograd\tGo/PyTorch hand\t")
	fmt.Fprintln(w, "\t\tsteps/s\tsteps/s\t\tsteps/s\tsteps/s\t\t\t")
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t")+"\t")
	}
	w.Flush()
	if tr != nil {
		fmt.Printf("PyTorch %s, %d thread(s), BLAS %s (bench/sgld_torch.py: autograd = devinterp-style loop, hand = no autograd, same algorithm as Go)\n",
			tr.Torch, tr.Threads, tr.BLAS)
	} else {
		fmt.Println(why)
	}

	scaling()
	influence()
	memory()
	transformer()
	fmt.Printf("\ntotal %.0f s; load average at end: %s\n", time.Since(start).Seconds(), loadavg())
}

// scaling runs 4 chains on 1 and on 2 workers, alternating, best of -reps
// runs each, with a pure arithmetic loop on 1 and 2 goroutines as the
// machine's own reference (it is below 2× when other work shares the cores).
func scaling() {
	fmt.Printf("\nChains in parallel: 4 chains, Workers = 1 then 2 (GOMAXPROCS %d), best of %d alternating runs; efficiency = speed-up / 2\n", runtime.GOMAXPROCS(0), *reps)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "model\t1 core steps/s\t2 cores steps/s\tspeed-up\tefficiency\t")
	row := func(name string, f func(workers, steps int) error) {
		sec := *seconds / float64(*reps)
		r, err := best(*reps,
			func() (float64, error) { return rate(sec, func(steps int) error { return f(1, steps) }) },
			func() (float64, error) { return rate(sec, func(steps int) error { return f(2, steps) }) })
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.2f×\t%.0f%%\t\n", name, num(r[0]), num(r[1]), r[1]/r[0], 50*r[1]/r[0])
	}
	row("(machine: arithmetic loop)", spin)
	for _, mc := range models() {
		if mc.key == "tms-large" || mc.key == "dln-large" {
			continue
		}
		m, p, eps := mc.make()
		row(mc.name, func(workers, steps int) error {
			per := max(steps/4, 1)
			_, err := susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: eps},
				susc.Run{Chains: 4, Workers: workers, BurnIn: per - 1, Draws: 1, Seed: 1})
			return err
		})
	}
	w.Flush()
}

// spin runs steps iterations of a dependent floating-point recurrence (no
// memory traffic), split over 4 goroutines of which at most workers run at
// once.
func spin(workers, steps int) error {
	per := max(steps/4, 1)
	res := make([]float64, 4)
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			x := float64(c)
			for range per {
				x = x*0.999999 + 1e-3
			}
			res[c] = x
			<-sem
		}()
	}
	wg.Wait()
	for _, v := range res {
		sink += v
	}
	return nil
}

// childOut is what a child process reports.
type childOut struct {
	SampleSec, EstimateSec float64
	PeakRSS, Allocated     uint64 // bytes
	Draws                  int
}

// spawn runs this binary as a child for one memory measurement.
func spawn(args ...string) (childOut, error) {
	exe, err := os.Executable()
	if err != nil {
		return childOut{}, err
	}
	out, err := exec.Command(exe, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return childOut{}, fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		return childOut{}, err
	}
	var c childOut
	return c, json.Unmarshal(out, &c)
}

func influence() {
	fmt.Println("\nInfluence matrix: reduced-rank (5,3,5), n = 2,000, per-sample losses of all 2,000 samples (D = 2,001),")
	fmt.Println("4 chains × 250 draws (thin 10, burn-in 500) on 2 workers, then Result.Influence (value and standard errors)")
	c, err := spawn("-child", "influence")
	if err != nil {
		fmt.Println("  failed:", err)
		return
	}
	fmt.Printf("  sampling + streaming covariance %.2f s, Influence %.2f s, peak RSS %s, allocated %s\n",
		c.SampleSec, c.EstimateSec, mib(c.PeakRSS), mib(c.Allocated))
	fmt.Printf("  (co-moments: 4 × 2,001² floats = %s; the influence matrix and its SE: 2 × %s)\n",
		mib(4*2001*2001*8), mib(2000*2000*8))
}

func memory() {
	fmt.Println("\nMemory against draws: reduced-rank (5,3,5), n = 1,000, loss + per-sample losses of 100 samples (D = 101),")
	fmt.Println("4 chains on 2 workers; each row a fresh process")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "draws per chain\tstreaming: peak RSS\tallocated\ttime\twith KeepTrace: peak RSS\tallocated\t")
	for _, d := range []int{1000, 10000, 100000} {
		s, err := spawn("-child", "memory", "-draws", strconv.Itoa(d))
		if err != nil {
			fmt.Fprintln(w, err)
			continue
		}
		t, err := spawn("-child", "memory", "-draws", strconv.Itoa(d), "-trace")
		if err != nil {
			fmt.Fprintln(w, err)
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.2f s\t%s\t%s\t\n", num(float64(d)), mib(s.PeakRSS), mib(s.Allocated), s.SampleSec, mib(t.PeakRSS), mib(t.Allocated))
	}
	w.Flush()
}

// runChild runs one measurement and prints a childOut as JSON.
func runChild() {
	var c childOut
	var err error
	switch *child {
	case "influence":
		m := toy.ReducedRankData(rng(), 2000, 5, 3, 5, nil)
		p := susc.Posterior{NBeta: susc.NOverLogN(2000), Gamma: 100, Center: make([]float64, m.Dim())}
		t0 := time.Now()
		var res *susc.Result
		res, err = susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 1e-5},
			susc.Run{Chains: 4, Workers: 2, Draws: 250, Thin: 10, BurnIn: 500, Seed: 1}, susc.PointLosses("l", nil))
		c.SampleSec = time.Since(t0).Seconds()
		if err == nil {
			t0 = time.Now()
			_, err = res.Influence("l")
			c.EstimateSec = time.Since(t0).Seconds()
			c.Draws = res.NumDraws()
		}
	case "memory":
		m := toy.ReducedRankData(rng(), n, 5, 3, 5, nil)
		p := susc.Posterior{NBeta: nbeta(), Gamma: 100, Center: make([]float64, m.Dim())}
		idx := make([]int, 100)
		for i := range idx {
			idx[i] = i
		}
		t0 := time.Now()
		var res *susc.Result
		res, err = susc.Sample(context.Background(), m, p, susc.SGLD{Epsilon: 1e-5},
			susc.Run{Chains: 4, Workers: 2, Draws: *childDraws, Seed: 1, KeepTrace: *childTrace}, susc.PointLosses("l", idx))
		c.SampleSec = time.Since(t0).Seconds()
		if err == nil {
			c.Draws = res.NumDraws()
		}
	default:
		err = fmt.Errorf("unknown -child %q", *child)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c.Allocated = ms.TotalAlloc
	c.PeakRSS = vmHWM()
	json.NewEncoder(os.Stdout).Encode(c)
}

// vmHWM returns the peak resident set size of this process (Linux), 0 if
// unknown.
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			fs := strings.Fields(rest)
			if len(fs) == 2 && fs[1] == "kB" {
				kb, _ := strconv.ParseUint(fs[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// num formats a rate with thousands separators and 3 significant digits.
func num(v float64) string {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-2)
	r := int64(math.Round(v/p) * p)
	if v < 100 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatInt(r, 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

func times(v float64) string {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v >= 10 {
		return num(v) + "×"
	}
	return fmt.Sprintf("%.2f×", v)
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// loadavg returns the 1, 5 and 15 minute load averages (Linux), or "unknown".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
