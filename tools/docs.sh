#!/usr/bin/env bash
# Build the docs site from the notebooks (executed now, offline) into _docs/; fails on any error or remote asset.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${VIRTUAL_ENV:-}" ] || . .venv/bin/activate
export HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1
python tools/docs/prepare.py nbs _docs_src
mkdir -p _docs
for attempt in 1 2; do
  if sphinx-build -q -b html -c tools/docs _docs_src _docs/html 2>&1 | tee _docs/sphinx.log; then break; fi
  # jupyter_client picks "free" TCP ports for a kernel and binds them later; another process can take one in between.
  # Only that race earns one more try; any other failure fails the build at once.
  if [ "$attempt" = 1 ] && grep -q "Address already in use" _docs/sphinx.log; then
    echo "docs: a kernel lost a TCP port race (jupyter_client), building once more"; continue
  fi
  exit 1
done
# offline by construction: no page may load a script or style sheet from another host
if grep -rlE '<(script|link)[^>]+(src|href)="(https?:)?//' _docs --include='*.html' | grep -q .; then
  echo "docs pages load remote assets:"; grep -rhoE '<(script|link)[^>]+(src|href)="(https?:)?//[^"]*"' _docs --include='*.html' | sort | uniq -c; exit 1
fi
echo "docs: $(find _docs/html -name "*.html" | wc -l) pages in _docs/html/"
