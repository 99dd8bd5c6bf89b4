"The heatmap widgets in a real JupyterLab and a real Chromium: render, hover, click, drill down, escape."
import re
import torch
from neuroviz.heatmap import TokenHeatmap, TextHeatmap, heatmap, layer_heatmap
from labkit import ARTIFACTS, write_notebook, run_all, wait_file

XSS = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>', '"><svg onload=alert(3)>']
GUTTER, ROW = 110, 14  # nvMatrix layout (static/heatmap.js)

SETUP = '''
import json, torch, neuroviz as nv
from neuroviz.heatmap import heatmap, layer_heatmap, TextHeatmap
m = nv.load('stdlib-gpt2')
text = 'def area(r):\\n    return 3.14 * r * r\\n'
hm = heatmap(m, text, 'L2.mlp', title='L2.mlp')
json.dump({'token': 3, 'unit': int(hm._ids[0]), 'value': float(hm._values[3, 0]), 'cols': int(hm._values.shape[1])}, open('expected.json', 'w'))
hm.on_select(lambda s: json.dump(s, open('selected.json', 'w')))
hm
'''
XSS_CELL = f'''
xss = TextHeatmap(torch.tensor([[1.0], [-1.0], [0.5]]), {XSS!r}, [0], title='escaping')
xss
'''
LAYER_CELL = '''
lh = layer_heatmap(m, text, 'L*.mlp')
lh.on_select(lambda s: json.dump(s, open('layer.json', 'w')))
lh
'''


def hover_cell(page, canvas, row, col, cols):
    box = canvas.bounding_box()
    cw = (box['width'] - GUTTER) / cols
    x, y = box['x'] + GUTTER + (col + 0.5) * cw, box['y'] + row * ROW + ROW / 2
    page.mouse.move(x, y)
    return x, y


def tooltip_value(page):
    tip = page.locator('.nv-tip:visible').first
    tip.wait_for(state='visible', timeout=5000)
    text = tip.inner_text()
    return text, float(re.search(r'value (\S+)', text).group(1))


def assert_nothing_injected(page):
    assert not [e for e in page.events if e[0] == 'dialog'], page.events
    assert page.locator('img[src="x"]').count() == 0 and page.locator('svg[onload]').count() == 0


def test_heatmaps_in_jupyterlab(lab, page):
    url, token, root = lab
    write_notebook(root / 'heat.ipynb', [SETUP, XSS_CELL, LAYER_CELL])
    run_all(page, url, token, 'heat.ipynb')
    exp = wait_file(root / 'expected.json', 120)
    canvas = page.locator('canvas.nv-matrix').first
    canvas.wait_for(timeout=60_000)

    # hover shows the kernel's value for the cell under the mouse
    x, y = hover_cell(page, canvas, exp['token'], 0, exp['cols'])
    text, shown = tooltip_value(page)
    assert f"unit {exp['unit']}" in text and 'token 3' in text
    assert abs(shown - exp['value']) <= 2e-3 * max(1, abs(exp['value'])), (text, exp)

    # a click reaches the kernel: the on_select callback wrote the selection
    page.mouse.click(x, y)
    sel = wait_file(root / 'selected.json')
    assert (sel['token'], sel['unit']) == (exp['token'], exp['unit'])

    # tokens that are HTML are shown as text and run nothing
    page.locator('.nv-tok').first.wait_for(timeout=30_000)
    shown_tokens = page.locator('.nv-tok').all_text_contents()
    for t in XSS: assert t in shown_tokens
    assert_nothing_injected(page)

    # layer overview: a click opens that layer's token x unit view (sent by the kernel on demand)
    layer = page.locator('.nv-scroll canvas').first
    layer.wait_for(timeout=30_000)
    layer.click(position={'x': 70 + 3, 'y': 4 * 18 + 9})  # layer 4, token 0
    got = wait_file(root / 'layer.json')
    assert got['layer'] == 4 and got['site'] == 'L4.mlp' and got['token'] == 0
    page.wait_for_function("() => document.querySelectorAll('canvas.nv-matrix').length >= 2", timeout=30_000)
    assert not [e for e in page.events if e[0] == 'pageerror'], page.events
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / 'lab-heatmaps.png'), full_page=True)


def test_static_snapshots_render_and_escape(page, tmp_path, bundled):
    m = bundled
    hm = heatmap(m, 'import os\nprint(os.name)\n', 'L1.mlp')
    acts = torch.randn(3, 5)
    pages = {'token': hm, 'xss_text': TextHeatmap(acts[:, :1], XSS, [0]), 'xss_token': TokenHeatmap(acts, XSS),
             'layer': layer_heatmap(m, 'x = 1\n', 'L*.resid')}
    for name, w in pages.items():
        f = tmp_path / f'{name}.html'
        w.save_html(f)
        page.goto(f.as_uri())
        page.wait_for_function("() => performance.getEntriesByType('mark').some(e => e.name.startsWith('neuroviz:paint'))", timeout=15_000)
        assert_nothing_injected(page)
        assert not [e for e in page.events if e[0] == 'pageerror'], (name, page.events)
    # the static token heatmap is live without a kernel: hover shows the value
    page.goto((tmp_path / 'token.html').as_uri())
    canvas = page.locator('canvas.nv-matrix').first
    canvas.wait_for()
    hover_cell(page, canvas, 1, 0, hm._values.shape[1])
    text, shown = tooltip_value(page)
    assert abs(shown - hm._values[1, 0]) <= 2e-3 * max(1, abs(hm._values[1, 0])), text
    page.goto((tmp_path / 'xss_token.html').as_uri())
    page.locator('canvas.nv-matrix').first.wait_for()
    hover_cell(page, page.locator('canvas.nv-matrix').first, 0, 0, 5)
    text, _ = tooltip_value(page)
    assert XSS[0] in text  # shown literally in the tooltip
    assert_nothing_injected(page)
