package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"susclab/pkg/checkpoint"
	"susclab/pkg/lm"
	"susclab/pkg/susc"
)

// transformer measures SGLD steps per second on pkg/lm's default model
// (T = 64, d = 64, H = 4, L = 2, the Go-source corpus, w* from the shipped
// checkpoint), batches of 4 whole windows (256 tokens), through
// susc.Sample on one core, next to the same model in PyTorch
// (bench/lm_torch.py: float64, one thread, autograd), with the BLAS each
// side used.
func transformer() {
	fmt.Printf("\nTransformer (pkg/lm default: T=64 d=64 H=4 L=2, Go-source vocabulary), SGLD on batches of 4 windows (256 tokens), float64, one core\n")
	root := filepath.Dir(filepath.Dir(findScript()))
	ck, err := checkpoint.ReadFile(filepath.Join(root, "pkg", "lm", "testdata", "gosrc.ckpt"))
	if err != nil {
		fmt.Println("transformer: ", err)
		return
	}
	cfg, err := lm.ParseSeriesConfig(ck)
	c, ok := ck.Last()
	if err != nil || !ok {
		fmt.Println("transformer: bad checkpoint:", err)
		return
	}
	train, _ := lm.GoSplit(lm.GoCorpus(), cfg.Model)
	p := susc.Posterior{NBeta: 1000, Gamma: 100, Center: c.Params}
	T := train.WindowLen()
	sec := *seconds / float64(*reps)
	r, err := best(*reps, func() (float64, error) {
		return rate(sec, func(steps int) error {
			_, err := susc.Sample(context.Background(), train, p, susc.SGLD{Epsilon: 1e-5},
				susc.Run{Chains: 1, Workers: 1, BurnIn: steps - 1, Draws: 1, Seed: 1,
					BatchSize: 4 * T, BatchBlock: T, LossSubset: lm.EvalBatch(train, 1)})
			return err
		})
	})
	if err != nil {
		fmt.Println("transformer:", err)
		return
	}
	fmt.Printf("Go library (susc.Sample, engine %s): %s steps/s\n", lm.Engine, num(r[0]))
	tr, why := runLMTorch(root)
	if tr == nil {
		fmt.Println(why)
		return
	}
	fmt.Printf("PyTorch %s autograd (bench/lm_torch.py, BLAS %s): %s steps/s;  Go/PyTorch %s\n",
		tr.Torch, tr.BLASLibrary, num(tr.Steps), times(r[0]/tr.Steps))
	fmt.Println("(the other engine: go run -tags openblas ./cmd/bench for OpenBLAS; PyTorch's BLAS is chosen by update-alternatives, see bench/README.md)")
}

type lmTorchResult struct {
	Torch       string  `json:"torch"`
	BLASLibrary string  `json:"blas_library"`
	Steps       float64 `json:"sgld_steps_per_s"`
}

func runLMTorch(root string) (*lmTorchResult, string) {
	if *skipTorch {
		return nil, "PyTorch: skipped (-no-torch)"
	}
	if err := exec.Command(*python, "-c", "import torch").Run(); err != nil {
		return nil, "PyTorch: not installed (apt-get install python3-torch)"
	}
	path := filepath.Join(root, "bench", "lm_torch.py")
	cmd := exec.Command(*python, path, "--json", "--seconds", strconv.FormatFloat(max(3**torchSeconds, 2), 'g', -1, 64))
	cmd.Env = append(os.Environ(), "OPENBLAS_NUM_THREADS=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Sprintf("PyTorch: %s failed: %v %s", path, err, strings.TrimSpace(stderr.String()))
	}
	var r lmTorchResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Sprintf("PyTorch: bad output from %s: %v", path, err)
	}
	return &r, ""
}
