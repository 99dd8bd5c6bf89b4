"The neuron card in a real JupyterLab: it renders, and paging loads the next exemplars from the kernel."
from labkit import ARTIFACTS, write_notebook, run_all, wait_file

SETUP = '''
import json, sys, tempfile
from pathlib import Path
import neuroviz as nv
from neuroviz.scan import scan
from neuroviz.index import Index
from neuroviz.card import NeuronCard
m = nv.load('stdlib-gpt2')
texts = [f'def f{i}(x{i}):\\n    # we add {i}\\n    return x{i} + {i}\\n' for i in range(12)]
idx = Index(Path(tempfile.mkdtemp()) / 'ix')
idx.write(scan(m, texts, 'L3.mlp', k=9, window=4, progress=False, corpus_name='t'), m)
card = NeuronCard(idx, 'L3.mlp', 478, model=m, per_page=3)
card.on_select(lambda s: json.dump(s, open('card.json', 'w')))
json.dump([e['act'] for e in card.ex_info], open('page0.json', 'w'))
card
'''


def test_neuron_card_paging_in_jupyterlab(lab, page):
    url, token, root = lab
    write_notebook(root / 'card.ipynb', [SETUP])
    run_all(page, url, token, 'card.ipynb')
    acts0 = wait_file(root / 'page0.json', 120)
    page.locator('.nv-page').first.wait_for(timeout=60_000)
    assert page.locator('.nv-page').first.inner_text() == '1 / 3'
    first = page.locator('.nv-ex').first.inner_text()
    page.locator('.nv-page-next').first.click()
    sel = wait_file(root / 'card.json')
    assert sel == {'site': 'L3.mlp', 'unit': 478, 'page': 1}
    page.wait_for_function("() => document.querySelector('.nv-page').textContent === '2 / 3'", timeout=30_000)
    shown = float(page.locator('.nv-ex-act').first.inner_text())
    assert shown <= min(acts0) + 1e-3 and page.locator('.nv-ex').first.inner_text() != first
    page.locator('.nv-next').first.click()  # the next unit
    page.wait_for_function("() => document.querySelector('.nv-root .nv-title').textContent.includes('unit 479') || "
                           "[...document.querySelectorAll('.nv-title')].some(e => e.textContent.includes('unit 479'))", timeout=30_000)
    assert not [e for e in page.events if e[0] in ('pageerror', 'dialog')], page.events
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / 'lab-neuron-card.png'), full_page=True)
