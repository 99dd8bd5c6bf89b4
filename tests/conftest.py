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
    return load('stdlib-gpt2')


@pytest.fixture
def clean(bundled):
    "The bundled model, checked to end each test with exactly the hooks it started with."
    before = hook_snapshot(bundled.module)
    yield bundled
    assert hook_snapshot(bundled.module) == before
    assert len(bundled.hooks) == 0
