"Shared test settings: one torch thread, no hub access, and a model-state check used everywhere."
import os
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('OMP_NUM_THREADS', '1')
import pytest, torch
torch.set_num_threads(1)
from neuroviz.engine import hook_snapshot


@pytest.fixture(scope='session')
def bundled():
    from neuroviz.sites import load
    m = load('stdlib-gpt2')
    # transformers 5 installs its own (permanent) output-capturing hooks the first time hidden states are asked for;
    # install them now so that hook snapshots taken by tests see only what neuroviz adds or leaks
    with torch.no_grad(): m.module(torch.tensor([[1, 2]]), output_hidden_states=True, output_attentions=True)
    return m


@pytest.fixture
def clean(bundled):
    "The bundled model, checked to end each test with exactly the hooks it started with."
    before = hook_snapshot(bundled.module)
    yield bundled
    assert hook_snapshot(bundled.module) == before
    assert len(bundled.hooks) == 0
