"The clamp panel headless: messages, latest-wins cancellation under load, isolation from the kernel thread, clean-up."
import time
import pytest, torch
import neuroviz as nv
from neuroviz.clamp import ClampPanel, clamp_panel, row_intervention

PROMPT = 'def read_config(path):\n'


def row(value, **kw):
    return {'site': 'L3.mlp', 'mode': 'clamp', 'units': list(range(0, 768, 3)), 'positions': 'generated', 'value': value, **kw}


def test_row_interventions(clean):
    m = clean
    assert row_intervention(m, row(2.0), {}) == nv.Clamp('L3.mlp', list(range(0, 768, 3)), 2.0, positions='generated')
    assert row_intervention(m, {'site': 'L1.resid', 'mode': 'add', 'direction': 'd', 'positions': '-1', 'value': 3}, {'d': torch.ones(192)}) \
        == nv.Add('L1.resid', vector=torch.ones(192), coef=3.0, positions=[-1])
    with pytest.raises(ValueError, match="known: \\['d'\\]"): row_intervention(m, {'site': 'L1.resid', 'mode': 'add', 'direction': 'x'}, {'d': 1})
    with pytest.raises(ValueError, match='reference texts'): row_intervention(m, {'site': 'L1.mlp', 'mode': 'mean'}, {})
    with pytest.raises(nv.UnitError): row_intervention(m, row(1.0, units=[999]), {})


def test_panel_matches_direct_generation_and_closes_clean(clean):
    m = clean
    p = clamp_panel(m, PROMPT, site='L3.mlp', unit=5, value=6.0, max_new_tokens=10)
    try:
        assert p.wait()
        assert p.status == 'done'
        assert ''.join(p.baseline_tokens) == m.generate(PROMPT, 10).text
        assert ''.join(p.edited_tokens) == m.generate(PROMPT, 10, interventions=p.interventions()).text
        assert {'token', 'before', 'after', 'delta'} <= set(p.next_token[0])
    finally:
        p.close()
    assert not p._thread.is_alive()


def test_burst_of_slider_events_ends_in_the_last_state_without_backlog(clean):
    m = clean
    p = ClampPanel(m, PROMPT, rows=[row(0.0)], max_new_tokens=24)
    try:
        p.wait()
        not_blocked = []
        for i in range(100):
            p._on_msg(p, {'kind': 'neuroviz:run', 'id': 1000 + i, 'rows': [row(i / 10)]}, [])
            # the handler only records the request: it returns while that request waits or runs, never after it
            not_blocked.append(p._pending is not None or p.status == 'running')
            time.sleep(0.003)  # events spread over ~0.3 s: runs start and are cancelled
        assert p.wait(120)
        assert p.run_id == 1099 and p.rows[0]['value'] == 9.9
        assert ''.join(p.edited_tokens) == m.generate(PROMPT, 24, interventions=p.interventions()).text
        assert p.runs_started < 100  # no backlog: waiting requests replace each other
        assert all(not_blocked)
    finally:
        p.close()


def test_panel_runs_do_not_touch_the_kernel_thread(clean):
    "While the panel generates with its interventions, the same model used from the main thread is unedited."
    m = clean
    text = 'import os\nimport sys\n'
    base = m.run(text).logits
    p = ClampPanel(m, PROMPT, rows=[row(50.0, units=list(range(768)), positions='all')], max_new_tokens=64)
    try:
        seen = []
        for _ in range(200):
            if p.status == 'running' and p._scope is not None:
                seen.append(torch.equal(m.run(text).logits, base))
            time.sleep(0.002)
        assert seen and all(seen)
        assert p.wait(120)
    finally:
        p.close()


def test_errors_in_a_run_leave_no_hooks_and_close_mid_run(clean):
    m = clean
    p = ClampPanel(m, PROMPT, directions={'bad': torch.ones(7)}, max_new_tokens=8,
                   rows=[{'site': 'L2.resid', 'mode': 'add', 'direction': 'bad', 'positions': 'all', 'value': 1.0}])
    try:
        assert p.wait()
        assert p.status.startswith('error') and '7 values' in p.status  # the width is checked when the run opens its scope
        assert len(m.hooks) == 0
        p._handle_run({'id': 5, 'rows': [row(3.0)], 'max_new_tokens': 200})
        time.sleep(0.05)
    finally:
        p.close()  # cancels the long run in flight
    assert not p._thread.is_alive() and len(m.hooks) == 0


def test_state_round_trip_and_code(clean):
    m = clean
    p = ClampPanel(m, PROMPT, rows=[row(2.0)], max_new_tokens=6)
    q = ClampPanel(m, autorun=False)
    try:
        p.wait()
        q.load_state(p.save_state()); q.wait()
        assert q.edited_tokens == p.edited_tokens and q.rows == p.rows
        ns = {}
        exec(p.to_code().replace("nv.load('stdlib-gpt2')", 'm').replace('print(out.text)', ''), {'m': m}, ns)
        assert ns['out'].text == ''.join(p.edited_tokens)
    finally:
        p.close(); q.close()
