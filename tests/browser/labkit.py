"Helpers for the browser tests: notebooks to write, Lab to drive, files to wait for."
import json, os, time
from pathlib import Path

ARTIFACTS = Path(os.environ.get('NEUROVIZ_ARTIFACTS', Path(__file__).parents[2] / 'artifacts'))


def write_notebook(path: Path, cells: list[str]):
    nb = {'cells': [{'cell_type': 'code', 'metadata': {}, 'source': c, 'outputs': [], 'execution_count': None} for c in cells],
          'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}}, 'nbformat': 4, 'nbformat_minor': 5}
    for i, c in enumerate(nb['cells']): c['id'] = f'c{i}'
    path.write_text(json.dumps(nb))


def open_notebook(page, url, token, name, timeout=120_000):
    "Open notebook `name` alone in a fresh Lab workspace and wait until its kernel is idle."
    ws = name.replace('.', '-').replace('/', '-')
    page.goto(f'{url}/lab/workspaces/{ws}/tree/{name}?reset&token={token}')
    page.wait_for_selector('.jp-Notebook', timeout=timeout)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=timeout)
    page.wait_for_function("() => document.body.innerText.includes('| Idle')", timeout=timeout)


def run_all(page, url, token, name, timeout=120_000):
    "Open notebook `name` in a fresh workspace, wait for an idle kernel, and run all cells."
    open_notebook(page, url, token, name, timeout)
    page.locator('.lm-MenuBar-itemLabel', has_text='Run').first.click()
    page.locator('.lm-Menu-itemLabel', has_text='Run All Cells').first.click()


def wait_file(path: Path, timeout=30):
    t = time.time()
    while time.time() - t < timeout:
        if path.exists() and path.stat().st_size:
            try: return json.loads(path.read_text())
            except json.JSONDecodeError: pass
        time.sleep(0.2)
    raise TimeoutError(f'{path} was not written')
