"The engine on the bundled model: clean-up under faults, correctness of each intervention, positions, dtypes."
import os, signal, threading, time
from dataclasses import dataclass
import pytest, torch
import neuroviz as nv
from neuroviz.interventions import Intervention, Clamp, Scale, Ablate, Add, Patch, Interventions

TEXT = 'for i in range(10):\n    print(i)\n'


@dataclass(eq=False, repr=False)
class Boom(Intervention):
    "An intervention whose edit raises, to inject faults inside a hook mid-forward."
    exc: str = 'RuntimeError'
    def edit(self, x, ctx):
        raise {'RuntimeError': RuntimeError, 'KeyboardInterrupt': KeyboardInterrupt}[self.exc]('boom')


def test_exception_inside_hook_restores_model(clean):
    m = clean
    base = m.run(TEXT).logits
    with pytest.raises(RuntimeError, match='boom'):
        with m.intervene(Clamp('L1.mlp', 3, 9.0), Boom('L3.mlp')):
            m.run(TEXT)
    torch.testing.assert_close(m.run(TEXT).logits, base)


def test_keyboardinterrupt_inside_hook_restores_model(clean):
    with pytest.raises(KeyboardInterrupt):
        with clean.intervene(Scale('L0.mlp', factor=2.0), Boom('L2.resid', exc='KeyboardInterrupt')):
            clean.run(TEXT)
    with pytest.raises(KeyboardInterrupt):
        clean.capture(TEXT, ['L1.mlp', 'L5.mlp'], interventions=Boom('L2.mlp', exc='KeyboardInterrupt'))


def test_real_sigint_mid_forward_restores_model(clean):
    "A real SIGINT, delivered by another thread while forwards run inside a scope."
    m = clean
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    started = threading.Event()
    def fire():
        started.wait(5); time.sleep(0.05); os.kill(os.getpid(), signal.SIGINT)
    threading.Thread(target=fire, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        with m.intervene(Clamp('L2.mlp', [1, 2], 4.0), Add('L4.resid', vector=torch.ones(192))):
            started.set()
            for _ in range(10_000): m.run(TEXT)
    with pytest.raises(KeyboardInterrupt):  # and during generation
        threading.Thread(target=lambda: (time.sleep(0.1), os.kill(os.getpid(), signal.SIGINT)), daemon=True).start()
        for _ in range(1000): m.generate('def f(', max_new_tokens=16, interventions=Clamp('L1.mlp', 0, 1.0, positions='generated'))


def test_interrupt_between_register_and_handle(clean, monkeypatch):
    "Clean-up finds hooks by their scope tag, so an interrupt right after torch registered a hook loses nothing."
    m = clean
    orig = torch.nn.Module.register_forward_hook
    calls = []
    def flaky(self, *a, **k):
        h = orig(self, *a, **k); calls.append(h)
        if len(calls) == 2: raise KeyboardInterrupt
        return h
    monkeypatch.setattr(torch.nn.Module, 'register_forward_hook', flaky)
    with pytest.raises(KeyboardInterrupt):
        with m.intervene(Clamp('L0.resid', 0, 1.0), Clamp('L1.resid', 0, 1.0), Clamp('L2.resid', 0, 1.0)): pass
    assert len(calls) == 2


def test_nested_scopes_and_persistent(clean):
    m = clean
    base = m.run(TEXT).logits
    pid = m.add(Scale('L5.mlp', factor=0.5))
    with m.intervene(Clamp('L1.mlp', 0, 5.0)) as outer:
        with pytest.raises(ValueError):
            with m.intervene(Clamp('L2.mlp', 0, 5.0)):
                assert len(m.hooks.scope.unique()) == 3
                raise ValueError
        assert set(m.hooks.scope) == {pid, outer.id}
        inner = m.run(TEXT).logits
    assert set(m.hooks.scope) == {pid}
    with m.intervene(Clamp('L1.mlp', 0, 5.0)):
        m.remove(pid)
        assert not torch.allclose(m.run(TEXT).logits, inner)
    torch.testing.assert_close(m.run(TEXT).logits, base)
    with pytest.raises(KeyError, match='no active'): m.remove(pid)


def test_bad_input_registers_nothing(clean):
    m = clean
    with pytest.raises(nv.SiteError, match="Closest: 'L3.mlp'"):
        with m.intervene(Clamp('L1.mlp', 0, 1.0), Clamp('L3.mpl', 0, 1.0)): pass
    with pytest.raises(nv.UnitError, match=r'0\.\.767'):
        with m.intervene(Clamp('L1.mlp', 768, 1.0)): pass
    with pytest.raises(nv.UnitError, match='192 units'):
        with m.intervene(Add('L1.resid', vector=torch.ones(10))): pass
    with pytest.raises(nv.UnitError, match='selected units'):
        m.run(TEXT, Add('L1.mlp', units=[1, 2], vector=torch.ones(3)))
    with pytest.raises(nv.UnitError, match='0..767'): m.capture(TEXT, 'L1.mlp', units=[999])


def test_vector_on_wrong_device(clean):
    "A vector already on another device is an error; a CPU vector is moved to the site's device once."
    other = 'cuda' if torch.cuda.is_available() and clean.device.type == 'cpu' else 'meta'
    with pytest.raises(ValueError, match=f'is on {other}'):
        clean.run(TEXT, Add('L1.resid', vector=torch.ones(192, device=other)))


def test_capture_early_stop_skips_the_head(clean):
    m = clean
    calls = []
    h = m.module.lm_head.register_forward_hook(lambda *a: calls.append(1))
    try:
        acts = m.capture(TEXT, ['L3.mlp', 'L1.resid'])
        assert not calls and acts.output is None and list(acts) == ['L3.mlp', 'L1.resid']
        full = m.capture(TEXT, 'L3.mlp', output=True)
        assert calls and full.output is not None
        torch.testing.assert_close(full['L3.mlp'], acts['L3.mlp'])
    finally:
        h.remove()


def test_capture_matches_hidden_states_and_units_positions(clean):
    m = clean
    acts = m.capture([TEXT, 'x = 1'], 'L*.resid')
    with torch.no_grad(): hs = m.module(**m.encode([TEXT, 'x = 1']), output_hidden_states=True).hidden_states
    for i in range(m.n_layers - 1): torch.testing.assert_close(acts[f'L{i}.resid'], hs[i + 1])
    sub = m.capture(TEXT, 'L2.resid', units=[3, 1], positions=[0, -1])['L2.resid']
    full = m.capture(TEXT, 'L2.resid')['L2.resid']
    torch.testing.assert_close(sub, full[:, [0, -1]][..., [3, 1]])


def test_clamp_scale_ablate_add_exact(clean):
    m = clean
    x = m.capture(TEXT, 'L2.mlp')['L2.mlp']
    def after(iv): return m.capture(TEXT, 'L2.mlp', interventions=iv)['L2.mlp']
    y = after(Clamp('L2.mlp', [4, 8], 2.5, positions='prompt'))
    assert y[..., [4, 8]].eq(2.5).all() and torch.equal(y[..., :4], x[..., :4])
    torch.testing.assert_close(after(Scale('L2.mlp', [7], 3.0))[..., 7], 3 * x[..., 7])
    torch.testing.assert_close(after(Ablate('L2.mlp', [7]))[..., 7], torch.zeros_like(x[..., 7]))
    ref = m.capture(['import os', 'x = [1, 2]'], 'L2.mlp')['L2.mlp']
    mean = Ablate.from_acts('L2.mlp', ref, units=[1, 2])
    torch.testing.assert_close(after(mean)[0, :, 1:3], mean.mean.expand(x.shape[1], 2))
    v = torch.randn(768)
    torch.testing.assert_close(after(Add('L2.mlp', vector=v, coef=0.5, positions=[2, 3])), x + 0.5 * v * torch.tensor([0, 0, 1, 1] + [0.] * (x.shape[1] - 4)).view(1, -1, 1))


def test_patch_reproduces_source_run(clean):
    "Patching the whole residual stream of run A into run B at one layer gives run A's logits."
    m = clean
    a, b = 'def add(a, b):\n    return a + b', 'class Foo(object):\n    """A docstring."""\n    pass\n\nx = Foo()\n'
    na = m.encode(a)['input_ids'].shape[1]
    b = m.encode(b)['input_ids'][:, :na]
    assert b.shape[1] == na
    src = m.capture(a, 'L2.resid')['L2.resid']
    with m.intervene(Patch('L2.resid', source=src)):
        patched = m.run(b).logits
    torch.testing.assert_close(patched, m.run(a).logits, rtol=1e-4, atol=1e-4)
    one = m.capture(b, 'L2.resid', interventions=Patch('L2.resid', units=[5], positions=[1], source=src[0]))['L2.resid']
    assert one[0, 1, 5] == src[0, 1, 5] and one[0, 2, 5] != src[0, 2, 5]


def test_generation_positions(clean):
    m = clean
    p = 'def read_config(path):\n'
    g0 = m.generate(p, max_new_tokens=12)
    assert m.generate(p, max_new_tokens=12).ids.tolist() == g0.ids.tolist()  # deterministic
    torch.manual_seed(0)
    big = Add('L3.resid', vector=torch.randn(192) * 30, positions='generated')
    g1 = m.generate(p, max_new_tokens=12, interventions=big)
    assert g1.ids[0] == g0.ids[0] and g1.logprobs[0] == g0.logprobs[0]  # the first token comes from prompt positions
    assert not torch.allclose(g1.logprobs[1:], g0.logprobs[1:])
    g2 = m.generate(p, max_new_tokens=12, interventions=Add('L3.resid', vector=big.vector, positions=[-1]))
    assert g2.logprobs[0] != g0.logprobs[0]  # the last prompt position drives the first token
    nocache = m.generate(p, max_new_tokens=12, interventions=big, use_cache=False)
    assert nocache.ids.tolist() == g1.ids.tolist()
    s1, s2 = (m.generate(p, max_new_tokens=12, do_sample=True, seed=3).ids.tolist() for _ in range(2))
    assert s1 == s2
    assert isinstance(g0.text, str) and g0.logprobs.shape == g0.ids.shape and (g0.logprobs <= 0).all()
    batch = m.generate([p, 'import os\n'], max_new_tokens=5)
    assert batch[0].ids.tolist() == m.generate(p, max_new_tokens=5).ids.tolist()


def test_inference_mode_grad_and_bf16():
    m = nv.load('stdlib-gpt2')
    with torch.inference_mode():
        with m.intervene(Clamp('L1.mlp', 0, 1.0)):
            assert m.capture(TEXT, 'L1.mlp')['L1.mlp'][..., 0].eq(1).all()
    g = m.capture(TEXT, 'L2.resid', grad=True)['L2.resid']
    assert g.requires_grad
    g.sum().backward()
    assert m.module.transformer.wte.weight.grad is not None
    m.module.zero_grad(set_to_none=True)
    probe = torch.nn.Linear(768, 1)
    probe(m.capture(TEXT, 'L1.mlp')['L1.mlp']).sum().backward()  # captured tensors can train a probe
    h = nv.load('stdlib-gpt2', dtype=torch.bfloat16)
    a = h.capture(TEXT, 'L1.mlp', interventions=Add('L1.mlp', vector=torch.ones(768)))['L1.mlp']
    assert a.dtype == torch.bfloat16
    assert h.generate('def f(', max_new_tokens=4, interventions=Clamp('L1.mlp', 3, 2.0)).ids.numel() == 4


def test_interventions_are_values():
    ivs = [Clamp('L2.mlp', 7, 5.0, positions='generated'), Scale('L1.mlp', [1, 2], 0.5), Ablate('L0.mlp', range(3)),
           Ablate.from_acts('L0.mlp', torch.randn(4, 768)), Add('L3.resid', vector=torch.randn(192), coef=2.0, positions=[-1]),
           Patch('L2.resid', units=[1], source=torch.randn(5, 192))]
    combo = Interventions(ivs)
    for iv in ivs + [combo]:
        back = Intervention.from_json(iv.to_json())
        assert back == iv and repr(back) == repr(iv)
    assert Clamp('L2.mlp', 7, 5.0) == Clamp('L2.mlp', [7], 5.0) != Clamp('L2.mlp', 7, 5.0, positions='prompt')
    assert len(ivs[0] + ivs[1] + combo) == 8
    assert repr(Clamp('L2.mlp', 7, 5.0, positions='generated')) == "Clamp('L2.mlp', units=7, value=5.0, positions='generated')"
    with pytest.raises(ValueError, match="known"): Intervention.from_dict({'type': 'Nope'})
