#!/usr/bin/env bash
# scripts/notebook.sh — set up (scripts/setup.sh) and start Jupyter Notebook on notebooks/.
#
# Listens on 127.0.0.1 only; Jupyter prints the login URL with its token. Open it in a browser
# and pick a notebook; the kernel is "Go (gonb)". Stop with Ctrl-C.
#   PORT=9999 scripts/notebook.sh          another port (default 8888)
#   scripts/notebook.sh --NotebookApp.x=y  extra arguments go to `jupyter notebook`
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bash "$root/scripts/setup.sh"

# The GoNB kernel inherits this environment (its kernel.json sets none): it runs `go`
# and `goimports`, so both must be on PATH.
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$(dirname "$(command -v go)"):$PATH"

# The first jupyter on PATH may belong to a Python without the notebook server (pyenv):
# take the first of these that works. Debian 12 has the classic Notebook; conda may have Lab.
jupyter=
for j in "jupyter notebook" "/usr/bin/jupyter notebook" "jupyter lab"; do
  if $j --version >/dev/null 2>&1; then jupyter=$j; break; fi
done
if [ -z "$jupyter" ]; then
  echo "notebook.sh: no working 'jupyter notebook' or 'jupyter lab' (see scripts/setup.sh's output)" >&2
  exit 1
fi

args=(--notebook-dir="$root/notebooks" --ip=127.0.0.1 --port="${PORT:-8888}" --no-browser)
[ "$(id -u)" = 0 ] && args+=(--allow-root)
echo "notebook.sh: starting $jupyter on $root/notebooks; open the http://127.0.0.1:...?token=... URL below"
exec $jupyter "${args[@]}" "$@"
