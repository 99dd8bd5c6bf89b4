"""Clamp panel benchmark: latency from a slider message to the first edited token, and generation with a clamp.

    python benchmarks/clamp.py [--quick]

On the bundled model. The latency runs the panel's real path: a `neuroviz:run` message handled as the kernel would,
the worker waking, the interventions' scope opening, and the first generated token reaching the widget's trait (the
baseline is cached per prompt, as in use). It is reported next to one plain forward pass over the same prompt (the
least any first token costs), interleaved. Generation throughput: `model.generate` with a clamp vs without, 32 tokens,
interleaved, paired medians (and `model.generate` vs the model's own `generate`, the cost of the wrapper).

Ends with `LATENCY_MS slider_to_first_token <ms>`, `LATENCY_MS forward_pass <ms>`, `OVERHEAD_MS slider_to_first_token <ms>`
and `RATIO generate_clamp <x>` (with a clamp vs without, both through `model.generate`), plus `RATIO generate_wrapper <x>`
(`model.generate` without interventions vs the model's own `generate`).
"""
import argparse, os, statistics, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
import neuroviz as nv
from neuroviz.clamp import ClampPanel


def main(argv=None):
    ap = argparse.ArgumentParser(description='clamp panel benchmark')
    ap.add_argument('--quick', action='store_true')
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    reps = 15 if a.quick else 50
    m = nv.load('stdlib-gpt2')
    prompt = 'class Parser:\n    def parse(self, text):\n        """Parse the text and return a tree."""\n        '
    row = {'site': 'L3.mlp', 'mode': 'clamp', 'units': [5], 'positions': 'generated', 'value': 0.0}
    panel = ClampPanel(m, prompt, rows=[row], max_new_tokens=4)
    panel.wait()
    ids = m.encode(prompt)
    lat, fwd = [], []
    for i in range(reps):
        t = time.perf_counter()
        with torch.no_grad(): m.module(**ids)
        fwd.append((time.perf_counter() - t) * 1e3)
        n = len(panel.latencies)
        panel._on_msg(panel, {'kind': 'neuroviz:run', 'id': 10 + i, 'rows': [{**row, 'value': float(i % 7)}]}, [])
        panel.wait()
        lat.append(panel.latencies[n] * 1e3)
    panel.close()

    kw = dict(max_new_tokens=32, min_new_tokens=32, do_sample=False, pad_token_id=0)
    clamp = nv.Clamp('L3.mlp', 5, 3.0, positions='generated')
    def raw():  # the model's own generate, for the wrapper's overhead
        with torch.no_grad(): m.module.generate(**ids, **kw)
    def plain(): m.generate(prompt, 32, min_new_tokens=32)
    def clamped(): m.generate(prompt, 32, interventions=clamp, min_new_tokens=32)
    raw(); plain(); clamped()
    ratios, wrap, tp, tc = [], [], [], []
    for i in range(reps + 5):
        fs = [raw, plain, clamped]
        ts = {}
        for f in fs[i % 3:] + fs[:i % 3]:
            t = time.perf_counter(); f(); ts[f] = time.perf_counter() - t
        ratios.append(ts[clamped] / ts[plain]); wrap.append(ts[plain] / ts[raw]); tp.append(ts[plain]); tc.append(ts[clamped])
    L, F = statistics.median(lat), statistics.median(fwd)
    print(f'slider message -> first edited token: median {L:.1f} ms (p90 {sorted(lat)[int(0.9 * len(lat))]:.1f}); '
          f'one forward over the {ids["input_ids"].shape[1]}-token prompt: {F:.1f} ms')
    print(f'generate 32 tokens: without {statistics.median(tp)*1e3:.1f} ms, with a clamp {statistics.median(tc)*1e3:.1f} ms; '
          f'neuroviz.generate vs the model\'s own generate (tokenising, log-probs, decoding): {statistics.median(wrap):.3f}')
    print(f'LATENCY_MS slider_to_first_token {L:.1f}')
    print(f'LATENCY_MS forward_pass {F:.1f}')
    print(f'OVERHEAD_MS slider_to_first_token {L - F:.1f}')
    print(f'RATIO generate_clamp {statistics.median(ratios):.3f}')
    print(f'RATIO generate_wrapper {statistics.median(wrap):.3f}')


if __name__ == '__main__':
    main()
