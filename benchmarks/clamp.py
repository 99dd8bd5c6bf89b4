"""Clamp panel benchmark: latency from a slider message to the first edited token, and generation with a clamp.

    python benchmarks/clamp.py [--quick]

On the bundled model. The latency runs the panel's real path: a `neuroviz:run` message handled as the kernel would,
the worker waking, the interventions' scope opening, and the first generated token reaching the widget's trait (the
baseline is cached per prompt, as in use). It is reported next to one plain forward pass over the same prompt (the
least any first token costs), interleaved. Generation throughput: `model.generate` with a clamp vs the model's own
`generate`, 32 tokens, interleaved, paired medians.

Ends with `LATENCY_MS slider_to_first_token <ms>`, `LATENCY_MS forward_pass <ms>`, `OVERHEAD_MS slider_to_first_token <ms>`
and `RATIO generate_clamp <x>`.
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
    def plain():
        with torch.no_grad(): m.module.generate(**ids, **kw)
    def clamped(): m.generate(prompt, 32, interventions=clamp, min_new_tokens=32)
    plain(); clamped()
    ratios, tp, tc = [], [], []
    for i in range(reps // 2 + 3):
        order = (plain, clamped) if i % 2 == 0 else (clamped, plain)
        ts = {}
        for f in order:
            t = time.perf_counter(); f(); ts[f] = time.perf_counter() - t
        ratios.append(ts[clamped] / ts[plain]); tp.append(ts[plain]); tc.append(ts[clamped])
    L, F = statistics.median(lat), statistics.median(fwd)
    print(f'slider message -> first edited token: median {L:.1f} ms (p90 {sorted(lat)[int(0.9 * len(lat))]:.1f}); '
          f'one forward over the {ids["input_ids"].shape[1]}-token prompt: {F:.1f} ms')
    print(f'generate 32 tokens: plain {statistics.median(tp)*1e3:.1f} ms, with a clamp {statistics.median(tc)*1e3:.1f} ms')
    print(f'LATENCY_MS slider_to_first_token {L:.1f}')
    print(f'LATENCY_MS forward_pass {F:.1f}')
    print(f'OVERHEAD_MS slider_to_first_token {L - F:.1f}')
    print(f'RATIO generate_clamp {statistics.median(ratios):.3f}')


if __name__ == '__main__':
    main()
