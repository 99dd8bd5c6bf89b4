#!/usr/bin/env bash
# Build the docs site from the notebooks (executed now, offline) into _docs/; fails on any error or remote asset.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${VIRTUAL_ENV:-}" ] || . .venv/bin/activate
export HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1
python tools/docs/prepare.py nbs _docs_src
sphinx-build -q -b html -c tools/docs _docs_src _docs/html
# offline by construction: no page may load a script or style sheet from another host
if grep -rlE '<(script|link)[^>]+(src|href)="(https?:)?//' _docs --include='*.html' | grep -q .; then
  echo "docs pages load remote assets:"; grep -rhoE '<(script|link)[^>]+(src|href)="(https?:)?//[^"]*"' _docs --include='*.html' | sort | uniq -c; exit 1
fi
echo "docs: $(find _docs/html -name "*.html" | wc -l) pages in _docs/html/"
