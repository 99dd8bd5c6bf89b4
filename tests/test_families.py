"Every supported architecture, as a tiny random-init model built from its config (no download)."
import pytest, torch
from torch import nn
import transformers as T
from neuroviz.sites import load, SiteError, UnitError
from neuroviz.interventions import Clamp, Add, Scale
from neuroviz.engine import hook_snapshot

D, L, V, FF = 32, 2, 128, 64
common = dict(vocab_size=V, hidden_size=D, num_hidden_layers=L, num_attention_heads=4, intermediate_size=FF)
DECODERS = {
    'gpt2': lambda: T.GPT2LMHeadModel(T.GPT2Config(vocab_size=V, n_embd=D, n_layer=L, n_head=4, n_inner=FF, n_positions=64, bos_token_id=0, eos_token_id=0)),
    'gpt_neox': lambda: T.GPTNeoXForCausalLM(T.GPTNeoXConfig(**common, max_position_embeddings=64)),
    'llama': lambda: T.LlamaForCausalLM(T.LlamaConfig(**common, num_key_value_heads=2)),
    'mistral': lambda: T.MistralForCausalLM(T.MistralConfig(**common, num_key_value_heads=2)),
    'qwen2': lambda: T.Qwen2ForCausalLM(T.Qwen2Config(**common, num_key_value_heads=2)),
    'gemma': lambda: T.GemmaForCausalLM(T.GemmaConfig(**common, num_key_value_heads=2, head_dim=8)),
    'gemma2': lambda: T.Gemma2ForCausalLM(T.Gemma2Config(**common, num_key_value_heads=2, head_dim=8)),
    'phi3': lambda: T.Phi3ForCausalLM(T.Phi3Config(**common, num_key_value_heads=2, pad_token_id=0)),
    'opt': lambda: T.OPTForCausalLM(T.OPTConfig(vocab_size=V, hidden_size=D, num_hidden_layers=L, num_attention_heads=4, ffn_dim=FF, word_embed_proj_dim=D, max_position_embeddings=64)),
}
ENCODERS = {
    'bert': lambda: T.BertModel(T.BertConfig(**common)),
    'roberta': lambda: T.RobertaModel(T.RobertaConfig(**common, pad_token_id=1)),
}
ALL = {**DECODERS, **ENCODERS}


def build(name):
    torch.manual_seed(0)
    return load(ALL[name]())


@pytest.mark.parametrize('name', list(ALL))
def test_sites_resolve_with_right_widths(name):
    m = build(name)
    kinds = {k: m.resolve(f'L1.{k}') for k in ('mlp', 'resid', 'attn')}
    assert kinds['mlp'].units == FF and kinds['resid'].units == D and kinds['attn'].units == D
    assert m.resolve('embed').units == D and m.n_layers == L
    assert set(m.sites.name) >= {'embed', 'L0.mlp', 'L1.attn', 'L1.resid'}
    if name in DECODERS: assert m.resolve('logits').units == V
    with pytest.raises(SiteError, match=r"L0\.\.L1"): m.resolve('L7.mlp')
    with pytest.raises(UnitError, match=rf"0\.\.{FF-1}"): m.check_units('L0.mlp', FF)


@pytest.mark.parametrize('name', list(ALL))
def test_capture_shapes_and_meaning(name):
    "MLP neurons are exactly the down projection's input; resid/embed match the model's own hidden states."
    m = build(name)
    ids = torch.randint(3, V, (2, 7))
    site = m.resolve('L0.mlp')
    acts = m.capture(ids, ['embed', 'L0.mlp', site.module, 'L0.attn', 'L0.resid', 'L1.resid'], output=True)
    assert acts['L0.mlp'].shape == (2, 7, FF)
    for k in ('embed', 'L0.attn', 'L0.resid'): assert acts[k].shape == (2, 7, D), k
    down = m._modules[site.module]
    with torch.no_grad(): torch.testing.assert_close(down(acts['L0.mlp']), acts[site.module].view(2, 7, D), rtol=1e-4, atol=1e-5)
    with torch.no_grad(): hs = m.module(ids, output_hidden_states=True).hidden_states
    torch.testing.assert_close(acts['embed'], hs[0])
    torch.testing.assert_close(acts['L0.resid'], hs[1])
    if name in DECODERS:
        assert acts.output.logits.shape == (2, 7, V)
        early = m.capture(ids, 'L1.resid')
        assert early.output is None
        torch.testing.assert_close(early['L1.resid'], acts['L1.resid'])


@pytest.mark.parametrize('name', list(ALL))
def test_clamp_changes_output_and_leaves_no_hooks(name):
    m = build(name)
    ids = torch.randint(3, V, (1, 6))
    before = hook_snapshot(m.module)
    out = lambda r: r.logits if hasattr(r, 'logits') else r.last_hidden_state
    base = out(m.run(ids))
    with m.intervene(Clamp('L0.mlp', [0, 1, 2], 10.0)):
        clamped = out(m.run(ids))
        assert m.capture(ids, 'L0.mlp')['L0.mlp'][..., :3].eq(10.0).all()
    assert not torch.allclose(base, clamped)
    torch.testing.assert_close(out(m.run(ids)), base)
    assert hook_snapshot(m.module) == before


@pytest.mark.parametrize('name', list(DECODERS))
def test_generate_with_steering(name):
    m = build(name)
    ids = torch.randint(3, V, (5,))
    steer = Add('L0.resid', vector=torch.randn(D) * 50, positions='generated')
    base = m.generate(ids, max_new_tokens=6).ids
    steered = m.generate(ids, max_new_tokens=6, interventions=steer).ids
    nocache = m.generate(ids, max_new_tokens=6, interventions=steer, use_cache=False).ids
    assert base[0] == steered[0]  # the first generated token comes from prompt positions only
    assert not torch.equal(base, steered)
    assert torch.equal(steered, nocache)  # positions are absolute under the KV cache, as without it
    with m.intervene(steer), torch.no_grad():  # raw HF generate inside a scope: the prompt length is inferred
        raw = m.module.generate(ids[None], max_new_tokens=6, do_sample=False, pad_token_id=0)
    assert torch.equal(raw[0, 5:], steered)
    assert len(m.hooks) == 0


def test_vit_patches_and_classifier():
    torch.manual_seed(0)
    cfg = T.ViTConfig(hidden_size=D, num_hidden_layers=L, num_attention_heads=4, intermediate_size=FF, image_size=16, patch_size=4, num_labels=5)
    m = load(T.ViTForImageClassification(cfg))
    px = torch.randn(2, 3, 16, 16)
    acts = m.capture(px, ['L1.mlp', 'L1.resid', 'logits', 'vit.embeddings.patch_embeddings.projection'], output=True)
    assert acts['L1.mlp'].shape == (2, 17, FF)  # 16 patches + CLS
    assert acts['logits'].shape == (2, 5) and m.resolve('logits').units == 5
    assert acts['vit.embeddings.patch_embeddings.projection'].shape == (2, D, 4, 4)
    with m.intervene(Clamp('L1.mlp', range(8), 5.0)): changed = m.run(px).logits
    assert not torch.allclose(changed, acts.output.logits)


def test_plain_cnn_channels_are_units():
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    m = load(cnn)
    x = torch.randn(2, 3, 12, 12)
    acts = m.capture(x, ['1', '3', 'logits'], units={'3': [2, 5]}, output=True)
    assert acts['1'].shape == (2, 8, 12, 12) and acts['3'].shape == (2, 2, 12, 12) and acts['logits'].shape == (2, 10)
    assert m.resolve('2').units == 16
    with pytest.raises(UnitError, match=r'0\.\.15'): m.check_units('2', [16])
    with m.intervene(Clamp('3', 4, 0.0)):
        assert m.capture(x, '3')['3'][:, 4].eq(0).all()
    full = m.capture(x, '3')['3']
    with m.intervene(Add('3', vector=torch.arange(16.))):
        torch.testing.assert_close(m.capture(x, '3')['3'], full + torch.arange(16.).view(1, 16, 1, 1))
    with m.intervene(Scale('1', factor=0.0)):
        zero = m.run(x)
    torch.testing.assert_close(zero, cnn[6](cnn[5](cnn[4](cnn[3](cnn[2](torch.zeros(2, 8, 12, 12)))))))
    assert not m.module._forward_hooks and not cnn[1]._forward_hooks
