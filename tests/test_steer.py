"Effects, contrasts and steering on the bundled model, headless."
import math
import pytest, torch
import neuroviz as nv
from neuroviz.steer import (compare, next_token_change, logprob_effect, loss_effect, logit_diff, token_id, contrast,
                            units_intervention, verify, steering_vector, sweep, sweep_figure)

POS = [f"{n} = 'a{i}'\nz = 'b'\nq =" for i, n in enumerate('abcdefgh')]
NEG = [f'{n} = "a{i}"\nz = "b"\nq =' for i, n in enumerate('abcdefgh')]


def test_compare_and_next_token(clean):
    m = clean
    c = compare(m, 'def f(x):\n', nv.Scale('L3.mlp', factor=0.0), max_new_tokens=6)
    assert list(c.tokens.columns) == ['baseline', 'baseline_logprob', 'edited', 'edited_logprob', 'same']
    assert c.baseline.ids.tolist() == m.generate('def f(x):\n', 6).ids.tolist()
    assert c.tokens.baseline.tolist()[:len(c.baseline.tokens)] == c.baseline.tokens
    nt = c.next_token
    assert (nt.delta == nt.p_after - nt.p_before).all() and nt.delta.abs().is_monotonic_decreasing
    noop = next_token_change(m, 'import ', nv.Scale('L1.mlp', factor=1.0))
    assert nt.shape[0] >= 10 and noop.delta.abs().max() < 1e-6


def test_logprob_and_loss_effects_are_exact_for_a_no_op(clean):
    m = clean
    df = logprob_effect(m, nv.Scale('L2.mlp', factor=1.0), POS[:3], " '")
    assert df.delta.abs().max() < 1e-5 and df.before.lt(0).all()
    manual = m.run(POS[0] + " '").logits[0, -2].log_softmax(-1)[token_id(m, " '")].item()
    assert abs(df.before[0] - manual) < 1e-4
    le = loss_effect(m, nv.Ablate('L0.mlp'), ['import os\n'])
    assert le['after'] > le['before'] > 0


def test_contrast_statistics_match_a_direct_computation(clean):
    m = clean
    df = contrast(m, POS, NEG, 'L2.mlp', top=None)
    assert len(df) == 768 and df.d.abs().is_monotonic_decreasing
    top = df.iloc[0]
    a = m.capture(POS, 'L2.mlp')['L2.mlp']  # all prompts have the same length here, so the last token is -1
    b = m.capture(NEG, 'L2.mlp')['L2.mlp']
    x, y = a[:, -1, int(top.unit)], b[:, -1, int(top.unit)]
    assert math.isclose(top.mean_pos, x.mean().item(), rel_tol=1e-4, abs_tol=1e-6)
    pooled = ((x.var() * 7 + y.var() * 7) / 14).sqrt()
    assert math.isclose(top.d, ((x.mean() - y.mean()) / pooled).item(), rel_tol=1e-3)
    with pytest.raises(ValueError, match="'last' or 'mean'"): contrast(m, POS, NEG, 'L2.mlp', position='first')


def test_units_intervention_sets_means(clean):
    m = clean
    df = contrast(m, POS, NEG, 'L*.mlp', top=6)
    ivs = units_intervention(df, 'mean_neg')
    assert {iv.site for iv in ivs} == set(df.site)
    with m.intervene(ivs):
        acts = m.capture(POS[0], list(df.site.unique()))
    for _, r in df.iterrows():
        assert torch.allclose(acts[r.site][0, :, int(r.unit)], torch.tensor(float(r.mean_neg)), atol=1e-5)
    with pytest.raises(ValueError, match='mode must be one of'): units_intervention(df, 'zap')


def test_steering_vector_and_sweep(clean):
    m = clean
    v = steering_vector(m, POS, NEG, 3)
    a = m.capture(POS, 'L3.resid')['L3.resid'][:, -1].mean(0) - m.capture(NEG, 'L3.resid')['L3.resid'][:, -1].mean(0)
    assert torch.allclose(v, a, atol=1e-5)
    metric = lambda ps, ivs=None: logit_diff(m, ps, " '", ' "', ivs)
    df = sweep(m, v, 'L3.resid', [0, 2, 4], metric, NEG, positions=[-1])
    assert df.metric.is_monotonic_increasing and df.metric[0] == pytest.approx(metric(NEG).mean().item(), abs=1e-5)
    assert len(sweep_figure(df).data) == 3
    res = verify(m, contrast(m, POS, NEG, 'L*.mlp', top=50), metric, POS, mode='mean_neg')
    assert res['after'] < res['before']
