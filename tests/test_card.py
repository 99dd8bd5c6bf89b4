"The neuron card headless: data from the index, paging and navigation messages, directions, static rendering."
import pytest, torch
from neuroviz.scan import scan
from neuroviz.index import Index
from neuroviz.card import NeuronCard

TEXTS = ['def f(x):\n    # we add one\n    return x + 1\n', 'import os\nprint(os.getcwd())  # <script>alert(1)</script>\n',
         'class A:\n    """This is a class."""\n    pass\n'] * 3


@pytest.fixture(scope='module')
def index(bundled, tmp_path_factory):
    d = torch.randn(192, generator=torch.Generator().manual_seed(0))
    idx = Index(tmp_path_factory.mktemp('ix') / 'i')
    idx.write(scan(bundled, TEXTS, 'L2.mlp', k=7, window=4, progress=False, corpus_name='t', hist_stride=1, directions={'rand': ('L2.resid', d)}), bundled)
    return idx, d


def test_card_pages_and_units(bundled, index):
    idx, _ = index
    c = NeuronCard(idx, 'L2.mlp', 3, model=bundled, per_page=3)
    assert (c.n_units, c.n_pages, c.page) == (768, 3, 0) and len(c.ex_tokens) == 3
    assert c.stats['count'] == idx.unit('L2.mlp', 3)['count'] and len(c.writes) == 16
    acts0 = [e['act'] for e in c.ex_info]
    c._on_msg(c, {'kind': 'neuroviz:page', 'id': 1, 'page': 2}, [])
    assert c.page == 2 and len(c.ex_tokens) == 1 and c.ex_info[0]['act'] <= min(acts0)
    c._on_msg(c, {'kind': 'neuroviz:page', 'id': 2, 'page': 99}, [])
    assert c.page == 2  # clamped to the last page
    c._on_msg(c, {'kind': 'neuroviz:goto', 'id': 3, 'unit': 4}, [])
    assert c.unit == 4 and c.page == 0 and c.selected == {'site': 'L2.mlp', 'unit': 4, 'page': 0}
    with pytest.raises(IndexError, match='valid 0..767'): c._handle_goto({'unit': -1})
    with pytest.raises(KeyError, match='it has: L2.mlp'): NeuronCard(idx, 'L9.mlp')
    counts = c.get_array('hist')
    assert counts.sum() == c.stats['count']
    assert c.get_array('ex_acts').shape == (3, 9)


def test_direction_card_and_static_html(bundled, index):
    idx, d = index
    c = NeuronCard.for_direction(idx, 'L2.resid', 'rand', d, model=bundled)
    assert c.kind == 'direction' and c.site == 'L2.resid@rand' and c.n_units == 1
    cap = bundled.capture(TEXTS[:3], 'L2.resid')  # right-padded: padding positions are not text
    acts = (cap['L2.resid'].float() @ d).masked_fill(cap.attention_mask == 0, float('-inf'))
    assert abs(c.stats['max'] - acts.max().item()) < 1e-3
    page = c.to_html()
    assert '<script>alert(1)</script>' not in page.split('<body>')[1]
