#!/usr/bin/env bash
# scripts/setup.sh — the one set-up script of susclab (README, CI and Docker all call it).
#
# Installs what the notebooks need and leaves everything else alone:
#   * Jupyter: Debian packages jupyter-notebook, jupyter-nbconvert, jupyter-client
#     (apt-get, only when one is missing; needs root);
#   * GoNB (Go Jupyter kernel), at the version pinned by the `tool` line in go.mod;
#   * goimports, pinned below (GoNB runs it on every cell);
#   * the "gonb" Jupyter kernel spec (per user, under $JUPYTER_DATA_DIR or
#     ~/.local/share/jupyter), pointing at the installed gonb binary.
#   * with --test (or SUSCLAB_SETUP_TEST=1): also chromium (browser check), gcc (go test -race)
#     and libopenblas-dev (the transformer's optional OpenBLAS build, -tags openblas).
#   * with --gopls (or SUSCLAB_SETUP_GOPLS=1): also gopls (completion/hover in the
#     notebook UI; ~1-2 min to build, so not by default).
#
# Idempotent: a second run only checks and prints, in about a second.
# Go binaries go to $(go env GOBIN), or $(go env GOPATH)/bin when GOBIN is unset.
# On a non-Debian system, or as non-root with packages missing, it says what is
# missing and how to get it, and exits 1.
set -euo pipefail

GOIMPORTS_VERSION=v0.52.0 # golang.org/x/tools; needs go >= 1.26
GOPLS_VERSION=v0.23.0     # golang.org/x/tools/gopls; @latest needs a newer Go
APT_PKGS=(jupyter-notebook jupyter-nbconvert jupyter-client)
TEST_APT_PKGS=(chromium gcc libc6-dev libopenblas-dev) # gcc: go test -race needs cgo; OpenBLAS: the -tags openblas build

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want_test=${SUSCLAB_SETUP_TEST:-0}
want_gopls=${SUSCLAB_SETUP_GOPLS:-0}
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --gopls) want_gopls=1 ;;
    -h | --help)
      sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) echo "setup.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
missing=() # human-readable instructions, printed at the end

# ---- Go -------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<EOF
setup: 'go' is not on PATH. susclab needs Go >= $(awk '$1=="go"{print $2; exit}' "$root/go.mod").
setup: install it from https://go.dev/dl/ (Debian's golang package is too old) and add
setup: its bin directory to PATH, e.g.  export PATH=/usr/local/go/bin:\$PATH
EOF
  exit 1
fi
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
mkdir -p "$gobin"

# ---- Debian packages ------------------------------------------------------
# have_jupyter: a Jupyter on PATH runs nbconvert and a notebook UI (conda, pip).
have_jupyter() {
  jupyter nbconvert --version >/dev/null 2>&1 &&
    { jupyter notebook --version >/dev/null 2>&1 || jupyter lab --version >/dev/null 2>&1; }
}
# have_test_tools: what --test needs is on PATH (true without --test).
have_test_tools() {
  [ "$want_test" != 1 ] && return 0
  { command -v chromium || command -v chromium-browser || command -v google-chrome; } >/dev/null 2>&1 &&
    command -v cc >/dev/null 2>&1
}

pkgs=("${APT_PKGS[@]}")
[ "$want_test" = 1 ] && pkgs+=("${TEST_APT_PKGS[@]}")
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  need=()
  for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || need+=("$p")
  done
  if [ ${#need[@]} -eq 0 ]; then
    say "Debian packages present: ${pkgs[*]}"
  elif [ "$(id -u)" != 0 ] && have_jupyter && have_test_tools; then
    say "using the Jupyter on PATH (Debian packages ${need[*]} not installed)"
  elif [ "$(id -u)" = 0 ]; then
    say "apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
  else
    missing+=("Debian packages ${need[*]}: run  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}")
  fi
else
  # Not Debian: accept any working Jupyter (conda: conda env create -f environment.yml).
  have_jupyter ||
    missing+=("Jupyter (nbconvert + notebook or lab): conda env create -f $root/environment.yml && conda activate susclab,  or  pip install notebook nbconvert")
  have_test_tools ||
    missing+=("for the tests: Chromium (chromium, chromium-browser or google-chrome on PATH) and a C compiler (go test -race)")
fi

# ---- Go tools -------------------------------------------------------------
# has_mod BIN MODULE VERSION: BIN exists and was built from MODULE@VERSION.
has_mod() {
  [ -x "$1" ] && go version -m "$1" 2>/dev/null | grep -Eq "^[[:space:]]+(mod|dep)[[:space:]]+$2[[:space:]]+$3([[:space:]]|\$)"
}

gonb_version=$(awk '$1=="github.com/janpfeifer/gonb"{print $2; exit}' "$root/go.mod")
if [ -z "$gonb_version" ] || ! grep -q '^tool github.com/janpfeifer/gonb$' "$root/go.mod"; then
  echo "setup: go.mod lacks the gonb tool line; run: go get -tool github.com/janpfeifer/gonb@v0.11.3" >&2
  exit 1
fi
if has_mod "$gobin/gonb" github.com/janpfeifer/gonb "$gonb_version"; then
  say "gonb $gonb_version present in $gobin"
else
  # `go install tool` builds the tools listed in go.mod at their pinned versions.
  # (A plain `go install github.com/janpfeifer/gonb@VERSION` fails on the module
  # proxy here: it asks for the version list, which the proxy refuses.)
  say "installing gonb $gonb_version (go install tool) into $gobin"
  (cd "$root" && GOBIN="$gobin" go install tool)
fi

if has_mod "$gobin/goimports" golang.org/x/tools "$GOIMPORTS_VERSION"; then
  say "goimports $GOIMPORTS_VERSION present"
else
  say "installing goimports $GOIMPORTS_VERSION into $gobin"
  # From /, with -mod=mod: neither this module nor a global GOFLAGS=-mod=vendor gets in the way.
  (cd / && GOBIN="$gobin" GOFLAGS=-mod=mod go install "golang.org/x/tools/cmd/goimports@$GOIMPORTS_VERSION")
fi

if [ "$want_gopls" = 1 ]; then
  if has_mod "$gobin/gopls" golang.org/x/tools/gopls "$GOPLS_VERSION"; then
    say "gopls $GOPLS_VERSION present"
  else
    say "installing gopls $GOPLS_VERSION into $gobin (takes a minute or two)"
    (cd / && GOBIN="$gobin" GOFLAGS=-mod=mod go install "golang.org/x/tools/gopls@$GOPLS_VERSION")
  fi
fi

# ---- Jupyter kernel spec --------------------------------------------------
# gonb --install writes kernels/gonb/kernel.json under $JUPYTER_DATA_DIR (default
# ~/.local/share/jupyter). We let it write into a scratch dir first and copy only
# when the result differs, so a re-run changes nothing.
# --force_deps: do not insist on gopls (only the interactive UI uses it).
# --raw_error:  plain-text compile errors, readable in executed notebooks and CI logs.
data_dir=${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}
kdir="$data_dir/kernels/gonb"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
JUPYTER_DATA_DIR="$scratch" PATH="$gobin:$PATH" "$gobin/gonb" --install --force_deps --raw_error \
  --logtostderr=false >"$scratch/install.log" 2>&1 ||
  { cat "$scratch/install.log" >&2; exit 1; }
if cmp -s "$scratch/kernels/gonb/kernel.json" "$kdir/kernel.json" &&
  cmp -s "$scratch/kernels/gonb/logo-svg.svg" "$kdir/logo-svg.svg"; then
  say "Jupyter kernel 'gonb' present in $kdir"
else
  mkdir -p "$kdir"
  cp "$scratch/kernels/gonb/kernel.json" "$scratch/kernels/gonb/logo-svg.svg" "$kdir/"
  say "installed Jupyter kernel 'gonb' in $kdir"
fi

# ---- Report -----------------------------------------------------------------
case ":$PATH:" in
  *":$gobin:"*) ;;
  *) say "note: $gobin is not on PATH; Jupyter must be started with it on PATH (scripts/notebook.sh does that)" ;;
esac
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: still missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi
say "done"
