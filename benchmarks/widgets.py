"""Widget benchmark: bytes sent to the browser, Python build time, and first paint in Chromium.

    python benchmarks/widgets.py [--quick]

Activations come from a GPT-2-small-shaped model (random init, 12 layers, 3,072 MLP neurons, built locally):
- `128x12x3072`: 128 tokens, all 12 MLP layers. neuroviz shows a layer x token overview and sends a layer's
  token x neuron matrix when it is opened; the bytes counted are the overview plus one opened layer. The case
  `128x12x3072_all` puts all 12 layers in one token x (12*3072) heatmap instead (quantised to uint8).
- `1000x3072`: 1,000 tokens x 3,072 neurons of one layer in a token x neuron heatmap.

Bytes are the widget's synced state as the kernel sends it (binary buffers plus the JSON of the other traits).
First paint is read from a `performance.mark` that the widget sets after its first frame, on the static
snapshot of the same widget opened in headless Chromium (page load, base64 decode, array decode, drawing).
For comparison, CircuitsVis's `text_neuron_activations` HTML for the first case is measured where circuitsvis is
installed (its JavaScript comes from a CDN, so it cannot be painted here).

Ends with `BYTES <case> <n>`, `BUILD_MS <case> <ms>` and `PAINT_MS <case> <ms>` lines (medians).
"""
import argparse, json, os, shutil, statistics, tempfile, time
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
import transformers as T
import neuroviz as nv
from neuroviz.heatmap import TokenHeatmap, LayerHeatmap

CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--no-first-run', '--disable-sync', '--disable-quic']


def state_bytes(w) -> int:
    "Bytes of a widget's synced state as sent to the front end: binary buffers plus the JSON of everything else."
    n = 0
    for k in w.trait_names(sync=True):
        v = getattr(w, k)
        if isinstance(v, (bytes, bytearray, memoryview)): n += len(v)
        elif k not in ('_esm', '_css'):
            try: n += len(json.dumps(v))
            except TypeError: pass
    return n


def median_ms(fn, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1e3)
    return statistics.median(ts)


def paint_ms(page, html_path: Path, reps: int):
    out = []
    for _ in range(reps):
        page.goto(html_path.as_uri())
        page.wait_for_function("() => performance.getEntriesByType('mark').some(e => e.name.startsWith('neuroviz:paint'))", timeout=60_000)
        out.append(page.evaluate("performance.getEntriesByType('mark').find(e => e.name.startsWith('neuroviz:paint')).startTime"))
    return statistics.median(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description='widget benchmark')
    ap.add_argument('--quick', action='store_true')
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    reps = 3 if a.quick else 7
    torch.manual_seed(0)
    gpt2 = nv.load(T.GPT2LMHeadModel(T.GPT2Config(bos_token_id=0, eos_token_id=0)))
    g = torch.Generator().manual_seed(0)
    ids128 = torch.randint(10, 50000, (1, 128), generator=g)
    ids1000 = torch.randint(10, 50000, (1, 1000), generator=g)
    toks128 = [f'tok{i}' for i in range(128)]
    toks1000 = [f'tok{i}' for i in range(1000)]
    acts128 = {k: v[0] for k, v in gpt2.capture(ids128, 'L*.mlp').items()}
    acts1000 = gpt2.capture(ids1000, 'L5.mlp')['L5.mlp'][0]

    def layer_widget():
        w = LayerHeatmap(acts128, toks128); w.open_layer(5); return w
    builders = {
        '128x12x3072': layer_widget,
        '128x12x3072_all': lambda: TokenHeatmap(torch.cat(list(acts128.values()), -1), toks128, sort=None),
        '1000x3072': lambda: TokenHeatmap(acts1000, toks1000),
    }
    results = {}
    tmp = Path(tempfile.mkdtemp())
    for name, build in builders.items():
        w = build()
        results[name] = {'bytes': state_bytes(w), 'build_ms': median_ms(build, reps)}
        html = tmp / f'{name}.html'
        w.save_html(html)
        results[name]['html_bytes'] = html.stat().st_size

    cv = None
    try:
        from circuitsvis.activations import text_neuron_activations
        stacked = torch.stack(list(acts128.values()), 1)  # (tokens, layers, neurons)
        t = time.perf_counter()
        cv = len(str(text_neuron_activations(tokens=toks128, activations=stacked)).encode())
        cv_ms = (time.perf_counter() - t) * 1e3
    except ImportError:
        pass

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which('chromium'), args=CHROMIUM_ARGS)
        page = b.new_page(viewport={'width': 1280, 'height': 900})
        for name in builders: results[name]['paint_ms'] = paint_ms(page, tmp / f'{name}.html', reps)
        b.close()

    print(f'{"case":<20}{"state MB":>10}{"static HTML MB":>16}{"build ms":>10}{"first paint ms":>16}')
    for name, r in results.items():
        print(f'{name:<20}{r["bytes"]/1e6:>10.2f}{r["html_bytes"]/1e6:>16.2f}{r["build_ms"]:>10.1f}{r["paint_ms"]:>16.1f}')
    if cv is not None: print(f'{"circuitsvis 128x12x3072":<20}{cv/1e6:>10.2f}{"(CDN JS)":>16}{cv_ms:>10.1f}{"n/a":>16}')
    print()
    for name, r in results.items():
        print(f'BYTES {name} {r["bytes"]}')
        print(f'BUILD_MS {name} {r["build_ms"]:.1f}')
        print(f'PAINT_MS {name} {r["paint_ms"]:.1f}')
    if cv is not None: print(f'BYTES circuitsvis_128x12x3072 {cv}')


if __name__ == '__main__':
    main()
