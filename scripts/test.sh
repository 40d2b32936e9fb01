#!/usr/bin/env bash
# scripts/test.sh — the whole test suite of susclab, on a fresh Debian machine as root too:
#   1. scripts/setup.sh --test   (Jupyter, GoNB kernel, goimports, chromium, gcc; fast when done)
#   2. go vet ./...
#   3. go test ./...             (the browser test of tools/nbrun must run: no skip)
#   4. go test -race -short ./pkg/susc/ ./pkg/lm/ ./pkg/checkpoint/  (long tests run in step 3)
#   5. go run ./tools/nbrun      (executes notebooks/*.ipynb, fails on errors, panics and
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
NBRUN_REQUIRE_BROWSER=1 go test ./...

if compgen -G "pkg/susc/*.go" >/dev/null; then
  step "go test -race -short ./pkg/susc/"
  go test -race -short ./pkg/susc/
fi

step "go test -race -short ./pkg/lm/ ./pkg/checkpoint/"
go test -race -short ./pkg/lm/ ./pkg/checkpoint/

step "notebooks (tools/nbrun)"
go run ./tools/nbrun "$@"
