"""Scan benchmark: scan throughput against a plain full forward on the same batches, and memory against corpus size.

    python benchmarks/scan.py [--quick] [--model bundled|gpt2-small]

The corpus is the held-out standard-library files (real text). A scan keeps statistics, a histogram and top-20
exemplars for every MLP neuron of every layer. Throughput is measured in steady state, as in any scan longer than a
few batches: a scan is first run over a warm-up part of the corpus (untimed) and checkpointed, then the scan that
resumes from that checkpoint over the rest is timed against plain full forwards (LM head included) over exactly the
same batches, interleaved, and `scan_vs_forward` = scan tokens/s / forward tokens/s (median of paired repetitions).

Memory: peak RSS of a scan over a corpus and over a 4x longer one, each in a fresh process.
Ends with `RATIO scan_vs_forward <x>` and `PEAK_RSS_GROWTH_MB <n>`.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
import transformers as T
import neuroviz as nv
from neuroviz.scan import scan, _rows, corpus_docs

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
from train_stdlib_gpt2 import split_files, read


def load(name):
    if name == 'bundled': return nv.load('stdlib-gpt2')
    torch.manual_seed(0)
    tok = nv.load('stdlib-gpt2').tokenizer
    return nv.load(T.GPT2LMHeadModel(T.GPT2Config(bos_token_id=0, eos_token_id=0)), tokenizer=tok)


def corpus(n_files, skip=0):
    _, _, held = split_files()
    return [(f.name, read(f)) for f in held[skip:skip + n_files]]


def batches(m, docs, ctx, bs, skip_rows):
    rows = [r for i, r in enumerate(_rows(m, corpus_docs(docs), ctx)) if i >= skip_rows]
    out = []
    for i in range(0, len(rows), bs):
        b = rows[i:i + bs]
        T_ = max(len(r[3]) for r in b)
        ids = torch.zeros(len(b), T_, dtype=torch.long); mask = torch.zeros(len(b), T_, dtype=torch.long)
        for j, r in enumerate(b): ids[j, :len(r[3])] = torch.tensor(r[3]); mask[j, :len(r[3])] = 1
        out.append((ids, mask))
    return out


def throughput(model_name, quick):
    m = load(model_name)
    ctx, bs = 128, 8
    warm_rows, timed_rows = (200, 48) if model_name == 'gpt2-small' else (400, 160)
    if quick: warm_rows, timed_rows = warm_rows // 2, timed_rows // 2
    warm_rows = int(os.environ.get('NEUROVIZ_BENCH_WARM', warm_rows))
    docs = corpus(40)
    kw = dict(sites='L*.mlp', k=20, window=8, ctx=ctx, batch_size=bs, progress=False, corpus_name='bench')
    tmp = Path(tempfile.mkdtemp())
    warm = tmp / 'warm.ckpt'
    scan(m, docs, checkpoint=warm, max_rows=warm_rows, checkpoint_every=10**9, **kw)
    bat = batches(m, docs, ctx, bs, warm_rows)[: timed_rows // bs]
    n_tok = int(sum(mk.sum() for _, mk in bat))
    end = warm_rows + len(bat) * bs

    def plain():
        with torch.no_grad():
            for ids, mk in bat: m.module(input_ids=ids, attention_mask=mk)
    seconds = {}
    def scanning():
        ck = tmp / 'run.ckpt'; shutil.copy(warm, ck)
        st = scan(m, docs, checkpoint=ck, max_rows=end, checkpoint_every=10**9, **kw)
        seconds['batches'] = st.seconds  # forward + reductions of the timed batches (not tokenising or checkpointing)
    ratios, tp, ts = [], [], []
    for r in range(2 if quick else 4):
        order = (plain, scanning) if r % 2 == 0 else (scanning, plain)
        t = {}
        for f in order:
            t0 = time.perf_counter(); f(); t[f] = time.perf_counter() - t0
        t[scanning] = seconds['batches']
        ratios.append(t[plain] / t[scanning]); tp.append(t[plain]); ts.append(t[scanning])
    shutil.rmtree(tmp, ignore_errors=True)
    return dict(model=model_name, tokens=n_tok, plain_tok_s=n_tok / statistics.median(tp), scan_tok_s=n_tok / statistics.median(ts),
                ratio=statistics.median(ratios))


CHILD = '''
import sys, json, resource, torch
sys.path.insert(0, {tools!r})
torch.set_num_threads(1)
import neuroviz as nv
from neuroviz.scan import scan
from train_stdlib_gpt2 import split_files, read
_, _, held = split_files()
n = int(sys.argv[1])
docs = [(f.name, read(f)) for f in (held * 4)[:n]]
m = nv.load('stdlib-gpt2')
st = scan(m, docs, 'L*.mlp', k=20, ctx=128, batch_size=8, progress=False)
print(json.dumps({{'tokens': st.tokens, 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
'''


def rss_growth(quick):
    n = 10 if quick else 25
    out = {}
    for k in (n, 4 * n):
        r = subprocess.run([sys.executable, '-c', CHILD.format(tools=str(ROOT / 'tools')), str(k)], capture_output=True, text=True, check=True)
        out[k] = json.loads(r.stdout.strip().splitlines()[-1])
    return out[n], out[4 * n]


def main(argv=None):
    ap = argparse.ArgumentParser(description='scan benchmark')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--model', default=None, choices=['bundled', 'gpt2-small'])
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    models = [a.model] if a.model else ['gpt2-small', 'bundled']
    res = [throughput(x, a.quick) for x in models]
    small, big = rss_growth(a.quick)
    print(f'{"model":<12}{"tokens":>8}{"forward tok/s":>15}{"scan tok/s":>12}{"ratio":>8}')
    for r in res: print(f'{r["model"]:<12}{r["tokens"]:>8}{r["plain_tok_s"]:>15.0f}{r["scan_tok_s"]:>12.0f}{r["ratio"]:>8.3f}')
    print(f'peak RSS: {small["rss_mb"]:.0f} MB for {small["tokens"]} tokens, {big["rss_mb"]:.0f} MB for {big["tokens"]} tokens')
    print()
    print(f'RATIO scan_vs_forward {res[0]["ratio"]:.3f}')
    for r in res[1:]: print(f'RATIO {r["model"]}.scan_vs_forward {r["ratio"]:.3f}')
    print(f'PEAK_RSS_GROWTH_MB {big["rss_mb"] - small["rss_mb"]:.1f}')


if __name__ == '__main__':
    main()
