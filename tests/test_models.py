"The models neuroviz ships or loads offline: the bundled stdlib-gpt2 and the real pretrained MiniLM encoder."
import json, sys
from pathlib import Path
import pytest, torch
import transformers as T
import neuroviz as nv
from neuroviz.sites import bundled_path

sys.path.insert(0, str(Path(__file__).parents[1] / 'tools'))
from train_stdlib_gpt2 import split_files, read  # the recipe's own train/held-out split


def test_bundled_model_loads_offline_through_plain_transformers():
    p = bundled_path()
    weights = sum(f.stat().st_size for f in p.glob('*.safetensors'))
    assert weights <= 12 * 2**20, f'{weights/2**20:.1f} MB of weights'
    model = T.AutoModelForCausalLM.from_pretrained(p)
    tok = T.AutoTokenizer.from_pretrained(p)
    assert isinstance(model, T.GPT2LMHeadModel) and tok.eos_token == '<|endoftext|>'
    ids = tok('import os\n', return_tensors='pt').input_ids
    with torch.no_grad(): out = model.generate(ids, max_new_tokens=5, do_sample=False, pad_token_id=tok.eos_token_id)
    assert out.shape[1] == ids.shape[1] + 5
    meta = json.loads((p / 'training.json').read_text())
    assert meta['recipe'] == 'tools/train_stdlib_gpt2.py' and meta['history'][-1]['val_loss'] > 0


@pytest.fixture(scope='module')
def held_out():
    root, train, held = split_files()
    assert len(held) > 50 and not set(held) & set(train)
    return [read(f) for f in held[:40]]


def test_bundled_model_predicts_held_out_python(bundled, held_out):
    "Held-out stdlib files (never trained on): the loss is far below a unigram model's on the same tokens."
    tok = bundled.tokenizer
    losses, unigram = [], torch.zeros(len(tok))
    chunks = [tok(t)['input_ids'][:256] for t in held_out]
    for ids in chunks: unigram += torch.bincount(torch.tensor(ids), minlength=len(tok))
    p_uni = (unigram + 1) / (unigram + 1).sum()
    uni = torch.cat([-p_uni[torch.tensor(ids[1:])].log() for ids in chunks]).mean().item()
    for ids in chunks:
        x = torch.tensor([ids])
        with torch.no_grad(): logits = bundled.module(x).logits
        losses.append(torch.nn.functional.cross_entropy(logits[0, :-1], x[0, 1:]))
    loss = torch.stack(losses).mean().item()
    assert loss < 0.6 * uni, (loss, uni)


def test_bundled_model_writes_python(bundled):
    "Greedy continuations of typical openings contain Python structure (indentation, calls, colons)."
    outs = [bundled.generate(p, max_new_tokens=40).text for p in ('def __init__(self', 'import os\nimport ', 'class Config:\n    def ')]
    joined = ''.join(outs)
    assert '(' in joined and ':' in joined and '\n    ' in joined, outs
    words = [w for w in outs[1].replace('\n', ' ').split() if w.isidentifier()]
    assert words, outs[1]


def test_minilm_real_pretrained_encoder():
    m = nv.load('all-MiniLM-L6-v2')
    assert isinstance(m.module, T.BertModel) and m.n_layers == 6
    assert m.resolve('L0.mlp').units == 1536 and m.resolve('L5.resid').units == 384
    texts = ['A man is playing a guitar.', 'Someone plays the guitar.', 'The stock market fell sharply today.']
    acts = m.capture(texts, ['L2.mlp', 'L5.resid'])
    mask = acts.attention_mask[..., None].float()
    emb = torch.nn.functional.normalize((acts['L5.resid'] * mask).sum(1) / mask.sum(1), dim=-1)
    sim = emb @ emb.T
    assert sim[0, 1] > sim[0, 2] + 0.3, sim  # real pretrained weights: paraphrases are close, unrelated text is not
    with m.intervene(nv.Ablate('L2.mlp')):
        ablated = m.capture(texts, 'L5.resid')['L5.resid']
    assert not torch.allclose(ablated, acts['L5.resid'])
    assert len(m.hooks) == 0


def test_import_has_no_side_effects():
    "import neuroviz loads no torch, starts no thread, patches nothing, and is fast."
    import subprocess, sys
    code = ('import sys, threading, time; t0 = time.perf_counter(); n = threading.active_count(); hook = sys.excepthook; '
            'import neuroviz; dt = time.perf_counter() - t0; '
            'assert "torch" not in sys.modules and "transformers" not in sys.modules, "heavy import"; '
            'assert threading.active_count() == n and sys.excepthook is hook; print(dt)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 0.5


def test_load_passes_device_map_and_dtype_through(monkeypatch):
    seen = {}
    orig = T.AutoModelForCausalLM.from_pretrained
    def spy(*a, **k):
        seen.update(k); return orig(*a, **k)
    monkeypatch.setattr(T.AutoModelForCausalLM, 'from_pretrained', spy)
    m = nv.load('stdlib-gpt2', device_map={'': 'cpu'}, dtype='bfloat16')
    assert seen['device_map'] == {'': 'cpu'} and seen['dtype'] == torch.bfloat16 and m.dtype == torch.bfloat16
    assert m.capture('x = 1', 'L0.mlp')['L0.mlp'].dtype == torch.bfloat16
    with pytest.raises(ValueError, match='device_map'): nv.load(m.module, device='cpu', device_map='cpu')
    mod = torch.nn.Linear(3, 3)
    h = nv.load(mod, dtype=torch.float64)
    assert h.module is mod and mod.weight.dtype == torch.float64 and not mod.training
    with pytest.raises(TypeError, match='nn.Module'): nv.load(42)
