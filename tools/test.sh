#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite; this is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
if ! command -v chromium >/dev/null; then  # the browser tests drive Debian's Chromium (never a downloaded one)
  echo "installing chromium (apt)"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
. .venv/bin/activate
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0

echo "== notebooks and package in sync (nbdev_export + nbdev_clean change nothing)"
state() { git status --porcelain; git diff | sha1sum; }
before="$(state)"
nbdev_export && nbdev_clean
after="$(state)"
if [ "$before" != "$after" ]; then
  echo "nbdev_export/nbdev_clean changed the tree: export and clean the notebooks, then commit"; git status --short; git diff --stat; exit 1
fi

echo "== nbdev_test (the notebooks, on the bundled model)"
nbdev_test --n_workers 2

echo "== pytest (engine, models, widgets headless, and JupyterLab + Chromium in tests/browser)"
python -m pytest tests -q -p no:cacheprovider "$@"

echo "== docs build (notebooks executed, offline, no remote assets)"
bash tools/docs.sh
