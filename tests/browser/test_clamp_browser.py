"The clamp panel in a real JupyterLab: move a slider, the edited text changes and the baseline does not; close, no hooks."
import re
from labkit import ARTIFACTS, write_notebook, wait_file, open_notebook

SETUP = '''
import json, torch, neuroviz as nv
from neuroviz.clamp import ClampPanel
m = nv.load('stdlib-gpt2')
row = {'site': 'L3.mlp', 'mode': 'clamp', 'units': list(range(0, 768, 3)), 'positions': 'generated', 'value': 0.0, 'min': -10, 'max': 10}
panel = ClampPanel(m, 'def read_config(path):\\n', rows=[row], max_new_tokens=16)
panel
'''
CLOSE = '''
panel.close()
json.dump({'hooks': len(m.hooks), 'snapshot': len(nv.hook_snapshot(m.module)), 'alive': panel._thread.is_alive(),
           'value': panel.rows[0]['value'], 'edited': ''.join(panel.edited_tokens)}, open('closed.json', 'w'))
'''


def run_cell(page, i):
    page.locator('.jp-Cell').nth(i).locator('.jp-InputArea-editor').click()
    page.keyboard.press('Shift+Enter')


def run_number(page):
    m = re.search(r'done \u00b7 run (\d+)', page.locator('.nv-status').first.inner_text())
    return int(m.group(1)) if m else None


def test_clamp_panel_in_jupyterlab(lab, page):
    url, token, root = lab
    write_notebook(root / 'clamp.ipynb', [SETUP, CLOSE])
    open_notebook(page, url, token, 'clamp.ipynb')
    run_cell(page, 0)
    page.wait_for_function("() => /done/.test(document.querySelector('.nv-status')?.textContent || '')", timeout=120_000)
    boxes = page.locator('.nv-out')
    base0, edit0 = boxes.nth(0).inner_text(), boxes.nth(1).inner_text()
    assert base0 and edit0  # (a clamp to 0 is a real edit: the two may differ already)
    first = run_number(page)

    page.locator('input.nv-slider').first.fill('8')  # a real input event on the range control
    page.wait_for_function(f"() => /done \\u00b7 run (\\d+)/.test(document.querySelector('.nv-status').textContent) && "
                           f"Number(document.querySelector('.nv-status').textContent.match(/run (\\d+)/)[1]) !== {first}", timeout=120_000)
    base1, edit1 = boxes.nth(0).inner_text(), boxes.nth(1).inner_text()
    assert base1 == base0 and edit1 != edit0
    assert page.locator('.nv-diff').count() > 0  # the differing tokens are highlighted
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / 'lab-clamp-panel.png'), full_page=True)

    run_cell(page, 1)
    closed = wait_file(root / 'closed.json', 60)
    assert (closed['hooks'], closed['snapshot'], closed['alive'], closed['value']) == (0, 0, False, 8.0)
    assert not [e for e in page.events if e[0] in ('pageerror', 'dialog')], page.events
