#!/usr/bin/env bash
# scripts/test.sh — the whole test suite of susclab, on a fresh Debian machine as root too:
#   1. scripts/setup.sh --test   (Jupyter, GoNB kernel, goimports, chromium, gcc, OpenBLAS; fast when done)
#   2. go vet ./...
#   3. go test ./...             (the browser test of tools/nbrun must run: no skip)
#   4. go test -race -short ./...  (every package, the toy models under the sampler
#                                   included; long statistical tests run in step 3)
#   5. the transformer's OpenBLAS build (-tags openblas): vet, gradient check, shipped checkpoints
#   6. every Fuzz target for 10^5 inputs (the file readers must never panic)
#   7. go run ./tools/nbrun      (executes notebooks/*.ipynb, fails on errors, panics and
#                                 undrawn charts; pages go to build/notebooks/)
# Idempotent; needs no stdin. Extra arguments are passed to nbrun (e.g. -screenshot).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*"; }

step "setup"
bash scripts/setup.sh --test </dev/null
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"

step "go vet ./..."
go vet ./...

step "go test ./..."
# go test stops a package's tests after 10 minutes by default. pkg/patterntime
# takes about 5 minutes on 2 idle cores and more than 10 on a shared, loaded
# machine (its shipped re-runs train and sample); 30 minutes keeps a slow
# machine from failing what a fast one passes.
NBRUN_REQUIRE_BROWSER=1 go test -timeout 30m ./...

step "go test -race -short ./..."
go test -race -short ./...

step "the OpenBLAS build of the transformer (-tags openblas)"
go vet -tags openblas ./pkg/lm/ ./cmd/bench/
OPENBLAS_NUM_THREADS=1 go test -tags openblas -run 'TestGradient|TestShippedCheckpoints' ./pkg/lm/

# A count, not a duration: Go 1.26's fuzz coordinator can report its own -fuzztime
# deadline as a failure (golang/go#75804, fixed in Go 1.27); a count has no deadline.
step "fuzz the readers (${FUZZTIME:=100000x} each)"
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    # -fuzzminimizetime 0: minimizing every new input can take a minute each.
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 0 "$pkg"
  done
done

step "notebooks (tools/nbrun)"
go run ./tools/nbrun "$@"
