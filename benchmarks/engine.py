"""Engine benchmark: what capturing and intervening cost against a plain forward pass.

    python benchmarks/engine.py [--quick] [--device cuda] [--dtype bfloat16]

Two models: a GPT-2-small-shaped model (124M parameters, random init, built locally) and neuroviz's bundled
`stdlib-gpt2`. All cases of a model run interleaved in one process (each repetition runs every case once, in a
rotating order), and each ratio is the median over repetitions of (case time / plain time in the same repetition),
so machine load that drifts over seconds cancels out. Where nnsight is installed (`pip install -e .[bench]`), the
same cases run through nnsight side by side.

Ends with one line per measure: `RATIO <measure> <value>` (GPT-2-small-shaped model), then the same for the
bundled model (`RATIO stdlib-gpt2.<measure>`), and `OVERHEAD_MS <case> <ms>` for the fixed per-call cost on a
tiny input.
"""
import argparse, os, statistics, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
import transformers as T
import neuroviz as nv

try:
    import nnsight
except ImportError:
    nnsight = None


def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)


def timed(fn, dev):
    sync(dev); t = time.perf_counter(); fn(); sync(dev)
    return time.perf_counter() - t


def interleave(cases: dict, reps: int, dev, baseline='plain'):
    "Run every case once per repetition in a rotating order; return per-case times and paired ratios to the baseline."
    names = list(cases)
    for n in names: cases[n]()  # warm-up
    times = {n: [] for n in names}
    for r in range(reps):
        order = names[r % len(names):] + names[:r % len(names)]
        for n in order: times[n].append(timed(cases[n], dev))
    ratios = {n: statistics.median(a / b for a, b in zip(times[n], times[baseline])) for n in names}
    return {n: statistics.median(v) for n, v in times.items()}, ratios


def forward_cases(m: nv.Model, enc, mid: int, tag: str):
    mod = m.module
    clamp = nv.Clamp(f'L{mid}.mlp', 5, 3.0)
    cases = {
        'plain': lambda: _nograd(mod, enc),
        'capture': lambda: m.capture(enc, 'L*.mlp', output=True),
        'capture_early_stop': lambda: m.capture(enc, 'L*.mlp'),
        'clamp': lambda: m.run(enc, clamp),
    }
    if nnsight is not None:
        nm = nnsight.NNsight(mod)
        paths = [m.resolve(f'L{i}.mlp').module for i in range(m.n_layers)]
        def nn_capture():
            saved = []
            with nm.trace(enc['input_ids']):
                for p in paths: saved.append(_lookup(nm, p).input.save())
            return saved
        def nn_clamp():
            with nm.trace(enc['input_ids']):
                _lookup(nm, paths[mid]).input[..., 5] = 3.0
        cases['nnsight_capture'], cases['nnsight_clamp'] = nn_capture, nn_clamp
    return cases


def generate_cases(m: nv.Model, ids, mid: int, n_new: int):
    mod = m.module
    clamp = nv.Clamp(f'L{mid}.mlp', 5, 3.0)
    kw = dict(max_new_tokens=n_new, min_new_tokens=n_new, do_sample=False, pad_token_id=0)
    cases = {
        'plain': lambda: _nograd_gen(mod, ids, kw),
        'generate_clamp': lambda: m.generate(ids[0], n_new, interventions=clamp, min_new_tokens=n_new),
    }
    if nnsight is not None and m.tokenizer is not None:
        lm = nnsight.LanguageModel(mod, tokenizer=m.tokenizer)
        path = m.resolve(f'L{mid}.mlp').module
        def nn_gen():
            with lm.generate(ids, **kw) as tr:
                with tr.all():
                    _lookup(lm, path).input[..., 5] = 3.0
        cases['nnsight_generate_clamp'] = nn_gen
    return cases


def _nograd(mod, enc):
    with torch.no_grad(): return mod(**enc)


def _nograd_gen(mod, ids, kw):
    with torch.no_grad(): return mod.generate(ids, **kw)



def _lookup(root, path):
    for p in path.split('.'): root = root[int(p)] if p.isdigit() else getattr(root, p)
    return root


def gpt2_small(dev, dtype, tokenizer):
    torch.manual_seed(0)
    cfg = T.GPT2Config(bos_token_id=0, eos_token_id=0)  # GPT-2 small: 12 layers, 768 wide, 50,257 tokens, 124M parameters
    return nv.load(T.GPT2LMHeadModel(cfg), tokenizer=tokenizer, device=dev, dtype=dtype)


def main(argv=None):
    ap = argparse.ArgumentParser(description='engine benchmark')
    ap.add_argument('--quick', action='store_true', help='fewer repetitions: under 3 minutes on a 2-core CPU')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--dtype', default=None, help='e.g. bfloat16 (default: float32 on CPU, bfloat16 on CUDA)')
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    dtype = getattr(torch, a.dtype) if a.dtype else (torch.bfloat16 if dev.type == 'cuda' else torch.float32)
    reps, gen_reps = (7, 5) if a.quick else (25, 15)
    batch, seq = (1, 128) if dev.type == 'cpu' else (8, 512)
    n_new = 32

    bundled = nv.load('stdlib-gpt2', device=dev, dtype=dtype)
    models = {'gpt2-small': gpt2_small(dev, dtype, bundled.tokenizer), 'stdlib-gpt2': bundled}
    print(f'device {dev} ({torch.cuda.get_device_name(dev) if dev.type == "cuda" else f"{a.threads} CPU thread(s)"}), {dtype}, '
          f'batch {batch} x {seq} tokens, nnsight {getattr(nnsight, "__version__", "not installed")}, {reps} reps', flush=True)
    g = torch.Generator().manual_seed(0)
    results = {}
    for name, m in models.items():
        enc = {'input_ids': torch.randint(10, 4000, (batch, seq), generator=g).to(dev)}
        mid = m.n_layers // 2
        t0 = time.time()
        ft, fr = interleave(forward_cases(m, enc, mid, name), reps, dev)
        prompt = torch.randint(10, 4000, (1, 16), generator=g).to(dev)
        gt, gr = interleave(generate_cases(m, prompt, mid, n_new), gen_reps, dev)
        results[name] = (ft, fr, gt, gr)
        print(f'\n{name} ({sum(p.numel() for p in m.module.parameters())/1e6:.0f}M params, {time.time()-t0:.0f}s)')
        print(f'  {"case":<28}{"median ms":>12}{"x plain":>10}')
        for n in ft: print(f'  {n:<28}{ft[n]*1e3:>12.2f}{fr[n]:>10.3f}')
        for n in gt: print(f'  {("generate_plain" if n == "plain" else n) + f" ({n_new} tok)":<28}{gt[n]*1e3:>12.2f}{gr[n]:>10.3f}')

    # fixed per-call cost on a tiny input (bundled model, 4 tokens)
    tiny = {'input_ids': torch.randint(10, 4000, (1, 4), generator=g).to(dev)}
    tcases = {'plain': lambda: _nograd(bundled.module, tiny), 'clamp': lambda: bundled.run(tiny, nv.Clamp('L3.mlp', 5, 3.0)),
              'capture': lambda: bundled.capture(tiny, 'L*.mlp', output=True)}
    if nnsight is not None:
        nm = nnsight.NNsight(bundled.module)
        def nn_tiny_clamp():
            with nm.trace(tiny['input_ids']):
                nm.transformer.h[3].mlp.c_proj.input[..., 5] = 3.0
        tcases['nnsight_clamp'] = nn_tiny_clamp
    tt, _ = interleave(tcases, reps * 20, dev)
    print('\nfixed per-call cost, 4-token input, stdlib-gpt2')
    for n in tt: print(f'  {n:<28}{tt[n]*1e3:>12.3f} ms' + ('' if n == 'plain' else f'   (+{(tt[n]-tt["plain"])*1e3:.3f} ms)'))

    print()
    for prefix, name in (('', 'gpt2-small'), ('stdlib-gpt2.', 'stdlib-gpt2')):
        ft, fr, gt, gr = results[name]
        for k in ('capture', 'capture_early_stop', 'clamp'): print(f'RATIO {prefix}{k} {fr[k]:.3f}')
        print(f'RATIO {prefix}generate_clamp {gr["generate_clamp"]:.3f}')
        if nnsight is not None:
            for k in ('nnsight_capture', 'nnsight_clamp'): print(f'RATIO {prefix}{k} {fr[k]:.3f}')
            if 'nnsight_generate_clamp' in gr: print(f'RATIO {prefix}nnsight_generate_clamp {gr["nnsight_generate_clamp"]:.3f}')
    for n in tt:
        if n != 'plain': print(f'OVERHEAD_MS {n} {(tt[n]-tt["plain"])*1e3:.3f}')


if __name__ == '__main__':
    main()
