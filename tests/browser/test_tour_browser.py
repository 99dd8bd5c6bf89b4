"The tour, as a user runs it: Run All in JupyterLab, no error output, and its widgets render (heatmaps, clamp panel)."
import shutil
from pathlib import Path
from labkit import ARTIFACTS, run_all

TOUR = Path(__file__).parents[2] / 'nbs' / 'tutorials' / 'tour.ipynb'


def test_tour_runs_in_jupyterlab(lab, page):
    url, token, root = lab
    shutil.copy(TOUR, root / 'tour.ipynb')
    run_all(page, url, token, 'tour.ipynb')
    page.wait_for_selector('.nv-status', timeout=180_000)  # the clamp panel, near the end
    page.wait_for_function("() => /done/.test(document.querySelector('.nv-status').textContent)", timeout=180_000)
    page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle'", timeout=180_000)
    assert page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] .jp-RenderedText:has-text("Error")').count() == 0
    assert page.locator('.jp-OutputArea-output .jp-RenderedText:has-text("Traceback")').count() == 0
    assert page.locator('.nv-tok').count() > 20  # coloured text and the panel's outputs
    assert page.locator('.nv-scroll canvas').count() >= 1  # the layer overview
    assert page.locator('.nv-out').nth(1).inner_text().strip()  # the edited continuation
    assert not [e for e in page.events if e[0] in ('pageerror', 'dialog')], page.events
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / 'lab-tour.png'), full_page=True)
