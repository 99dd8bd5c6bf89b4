#!/usr/bin/env bash
# Set up (idempotent) and open the tour in JupyterLab, running on the bundled model (no network needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
root=(); [ "$(id -u)" = 0 ] && root=(--allow-root)
exec jupyter lab "${root[@]}" --ServerApp.port="${PORT:-8888}" --ServerApp.port_retries=0 --ServerApp.root_dir="$PWD/nbs" "$PWD/nbs/tutorials/tour.ipynb"
