"Corpus scans and the index: exact statistics, resume after SIGKILL, shard merge, atomic versions, concurrent readers."
import os, signal, subprocess, sys, textwrap, time
from pathlib import Path
import numpy as np
import pandas as pd
import pytest, torch
import neuroviz as nv
from neuroviz.scan import scan, state_tables, ScanState, hist_quantile
from neuroviz.index import Index, IndexMismatchError

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
from train_stdlib_gpt2 import split_files, read


@pytest.fixture(scope='module')
def docs():
    _, _, held = split_files()
    return [(f.name, read(f)[:6000]) for f in held[:10]]


def tables_equal(a: ScanState, b: ScanState, m, exact_float=True):
    ua, ha, ea = state_tables(a, m)
    ub, hb, eb = state_tables(b, m)
    cols = ['site', 'unit', 'count', 'frac_active', 'max']
    pd.testing.assert_frame_equal(ua[cols], ub[cols])
    tol = 0 if exact_float else 1e-6  # shards batch rows differently: per-batch float32 sums round differently
    np.testing.assert_allclose(ua['mean'], ub['mean'], rtol=tol, atol=tol)
    np.testing.assert_allclose(ua['std'], ub['std'], rtol=max(tol, 1e-12), atol=max(tol, 1e-9))
    assert all((x == y).all() for x, y in zip(ha.counts, hb.counts))
    pd.testing.assert_frame_equal(ea.drop(columns=['acts']), eb.drop(columns=['acts']))
    assert all(np.array_equal(x, y) for x, y in zip(ea.acts, eb.acts))


def test_topk_and_histogram_match_a_direct_computation(bundled, docs):
    m = bundled
    st = scan(m, docs[:3], 'L1.mlp', k=5, ctx=64, batch_size=4, progress=False, hist_stride=1)
    acts = []
    for di, (_, text) in enumerate(docs[:3]):
        ids = m.tokenizer(text)['input_ids']
        for o in range(0, len(ids), 64):
            c = ids[o:o + 64]
            if len(c) > 1 or o == 0:
                a = m.capture({'input_ids': torch.tensor([c])}, 'L1.mlp')['L1.mlp'][0]
                acts += [(a[t], di, o + t) for t in range(len(c))]
    x = torch.stack([a for a, _, _ in acts])
    s = st.sites['L1.mlp']
    where = {(d, p): i for i, (_, d, p) in enumerate(acts)}
    for u in (0, 100, 767):
        top = x[:, u].topk(5)
        assert torch.allclose(s.top_act[:, u], top.values, atol=1e-4)
        for act, d, p in zip(s.top_act[:, u], s.top_doc[:, u], s.top_pos[:, u]):  # each exemplar is where it says
            assert abs(x[where[(int(d), int(p))], u] - act) < 1e-4
    h = s.hist[100].numpy()
    assert h.sum() == x.shape[0]
    med = x[:, 100].median().item()
    assert abs(hist_quantile(h, 0.5) - med) <= 0.2 * abs(med) + 1e-3  # within a quarter-octave bin


def test_shards_merge_to_the_single_process_result(bundled, docs):
    m = bundled
    kw = dict(sites=['L0.mlp', 'L4.mlp'], k=6, ctx=64, batch_size=4, progress=False, corpus_name='docs')
    whole = scan(m, docs, **kw)
    a, b = scan(m, docs, shard=(0, 2), **kw), scan(m, docs, shard=(1, 2), **kw)
    merged = a.merge(b)
    assert merged.settings == whole.settings and merged.tokens == whole.tokens
    tables_equal(whole, merged, m, exact_float=False)


def test_ray_scan_on_a_local_two_worker_cluster_equals_one_process(bundled, docs):
    import functools
    from neuroviz.scan import scan_ray
    kw = dict(k=6, ctx=64, batch_size=4, corpus_name='docs')
    dist = scan_ray(functools.partial(nv.load, 'stdlib-gpt2'), docs, ['L0.mlp', 'L4.mlp'], workers=2, **kw)
    whole = scan(bundled, docs, ['L0.mlp', 'L4.mlp'], progress=False, **kw)
    assert dist.settings == whole.settings
    tables_equal(whole, dist, bundled, exact_float=False)


SCRIPT = textwrap.dedent('''
    import sys, time, json, torch
    sys.path.insert(0, {tools!r})
    import neuroviz as nv
    from neuroviz.scan import scan
    from neuroviz.index import Index
    from train_stdlib_gpt2 import split_files, read
    torch.set_num_threads(1)
    _, _, held = split_files()
    docs = [(f.name, read(f)[:6000]) for f in held[:10]]
    m = nv.load('stdlib-gpt2')
    slow = len(sys.argv) > 3
    if slow:  # slow each forward down, so the kill lands mid-scan
        m.module.register_forward_pre_hook(lambda *a: time.sleep(0.4))
    st = scan(m, docs, ['L0.mlp', 'L3.mlp'], k=6, ctx=64, batch_size=2, progress=False, checkpoint=sys.argv[1],
              checkpoint_every=2, corpus_name='docs')
    Index(sys.argv[2]).write(st, m)
''')


def test_resume_after_sigkill_gives_the_same_index(bundled, tmp_path):
    script = tmp_path / 'scan.py'
    script.write_text(SCRIPT.format(tools=str(ROOT / 'tools')))
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    subprocess.run([sys.executable, script, tmp_path / 'ref.ckpt', tmp_path / 'ref'], check=True, env=env, timeout=600)
    ckpt = tmp_path / 'run.ckpt'
    p = subprocess.Popen([sys.executable, script, ckpt, tmp_path / 'run', 'slow'], env=env)
    t0 = time.time()
    while not ckpt.exists() and time.time() - t0 < 120: time.sleep(0.02)
    time.sleep(0.1)  # the scan has many batches of 0.4 s left: the kill lands mid-scan, after a checkpoint
    p.send_signal(signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL and ckpt.exists() and not (tmp_path / 'run').exists()
    done_before = ScanState.load(ckpt).rows_done
    assert done_before > 0
    subprocess.run([sys.executable, script, ckpt, tmp_path / 'run'], check=True, env=env, timeout=600)
    ref, run = Index(tmp_path / 'ref'), Index(tmp_path / 'run')
    for t in ('units', 'hist', 'exemplars'):
        pd.testing.assert_frame_equal(ref.sql(f'SELECT * FROM {t} ORDER BY ALL'), run.sql(f'SELECT * FROM {t} ORDER BY ALL'))
    assert ref.meta['tokens'] == run.meta['tokens']


def test_index_versions_are_atomic_and_readers_see_whole_versions(bundled, docs, tmp_path):
    m = bundled
    idx = Index(tmp_path / 'ix')
    idx.write(scan(m, docs[:2], 'L0.mlp', k=4, progress=False, corpus_name='d'), m)
    before = idx.units('L0.mlp')
    # a writer that dies before switching leaves the current version untouched
    (tmp_path / 'ix' / '.v-dead.tmp').mkdir()
    (tmp_path / 'ix' / '.v-dead.tmp' / 'units.parquet').write_bytes(b'garbage')
    pd.testing.assert_frame_equal(idx.units('L0.mlp'), before)
    # concurrent reader while a new version is written: every read is a complete version
    reader = subprocess.Popen([sys.executable, '-c', textwrap.dedent(f'''
        import time
        from neuroviz.index import Index
        ix = Index({str(tmp_path / 'ix')!r}); n = 0; t = time.time()
        while time.time() - t < 6:
            s = sorted(ix.units().site.unique()); assert s in (['L0.mlp'], ['L0.mlp', 'L1.mlp']), s
            assert len(ix.units()) == 768 * len(s); n += 1
        print(n)''')], stdout=subprocess.PIPE, text=True)
    for _ in range(3): idx.write(scan(m, docs[:2], 'L1.mlp', k=4, progress=False, corpus_name='d'), m)
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0 and int(out) > 0
    with pytest.raises(IndexMismatchError, match='k: index has 4, this scan 5'):
        idx.write(scan(m, docs[:2], 'L1.mlp', k=5, progress=False, corpus_name='d'), m)
    assert not list((tmp_path / 'ix').glob('.v-*.tmp'))


def test_memory_does_not_grow_with_the_corpus(bundled, docs):
    "The state's size depends on sites, units and k, never on how much text went through."
    m = bundled
    small = scan(m, docs[:1], 'L2.mlp', k=4, progress=False)
    big = scan(m, docs, 'L2.mlp', k=4, progress=False)
    size = lambda s: sum(t.numel() * t.element_size() for st in s.sites.values() for t in st.tensors().values())
    assert big.tokens > 5 * small.tokens and size(big) == size(small)
    assert len(big.doc_names) <= 4 * 768
