"""Copy nbs/ into a docs source folder: hide `#| hide` and `#| default_exp` cells, drop `#| export` lines, and give
the index page a globbed table of contents (no hand-kept list of pages)."""
import json, shutil, sys
from pathlib import Path

TOC = '```{toctree}\n:glob:\n:maxdepth: 1\n:caption: Contents\n\ntutorials/*\n[0-9]*\n```\n'


def prepare(src: Path, dst: Path):
    if dst.exists(): shutil.rmtree(dst)
    for nb_path in sorted(src.rglob('*.ipynb')):
        if '.ipynb_checkpoints' in nb_path.parts: continue
        nb = json.loads(nb_path.read_text())
        for c in nb['cells']:
            src_lines = ''.join(c['source']).split('\n')
            flags = {l.strip() for l in src_lines if l.strip().startswith('#|')}
            if c['cell_type'] == 'code' and any(f.startswith(('#| hide', '#| default_exp')) for f in flags):
                c.setdefault('metadata', {})['tags'] = ['remove-cell']
            c['source'] = '\n'.join(l for l in src_lines if not l.strip().startswith('#| export')).strip('\n')
        nb['cells'].insert(0, {'id': 'nv-offline-plotly', 'cell_type': 'code', 'metadata': {'tags': ['remove-cell']}, 'outputs': [], 'execution_count': None,
                               'source': 'from neuroviz.widgets import use_offline_plotly; use_offline_plotly()'})
        if nb_path.name == 'index.ipynb' and nb_path.parent == src:
            nb['cells'].append({'id': 'nv-toc', 'cell_type': 'markdown', 'metadata': {}, 'source': TOC})
        out = dst / nb_path.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(nb))


if __name__ == '__main__':
    prepare(Path(sys.argv[1]), Path(sys.argv[2]))
