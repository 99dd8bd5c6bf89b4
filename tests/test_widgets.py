"Widgets without a browser: codecs, traits, message handlers with fabricated messages, static HTML."
import base64, json, re
import numpy as np
import pytest, torch
import neuroviz as nv
from neuroviz.widgets import pack, unpack, QUANTIZE_ABOVE
from neuroviz.heatmap import (TokenHeatmap, TextHeatmap, LayerHeatmap, heatmap, text_heatmap, layer_heatmap,
                              image_heatmap, spatial_maps, unit_histogram)

XSS = '<img src=x onerror=alert(1)>'


@pytest.mark.parametrize('dtype,tol', [('float16', 1e-3), ('float32', 0), ('uint8', None), ('auto', 1e-3)])
def test_pack_roundtrip(dtype, tol):
    x = np.random.default_rng(1).normal(size=(7, 11)).astype(np.float32)
    data, meta = pack(torch.from_numpy(x), dtype)
    back = unpack(data, meta)
    assert back.shape == x.shape and meta['shape'] == [7, 11]
    if dtype == 'uint8':
        assert len(data) == x.size and np.abs(back - x).max() <= meta['scale'] / 2 + 1e-6
    else:
        assert np.allclose(back, x, rtol=tol, atol=tol)


def test_large_arrays_are_quantised_and_small_ones_are_not():
    assert pack(np.zeros(QUANTIZE_ABOVE + 1))[1]['dtype'] == 'uint8'
    assert pack(np.zeros(10))[1]['dtype'] == 'float16'
    data, meta = pack(np.full((3, 3), 2.5), 'uint8')  # constant arrays survive quantisation
    assert np.allclose(unpack(data, meta), 2.5)
    assert unpack(*pack(np.arange(12).reshape(3, 4), 'int32')).dtype == np.int32


def test_token_heatmap_traits_and_selection():
    acts = torch.tensor([[0.0, 3.0, 1.0], [2.0, -1.0, 0.5]])
    w = TokenHeatmap(acts, ['a', XSS], site='L0.mlp')
    assert w.get_array('units').tolist() == [1, 0, 2]  # sorted by max activation
    assert np.allclose(w.get_array('values'), acts[:, [1, 0, 2]].numpy(), atol=1e-3)
    assert isinstance(w.values, bytes) and w.values_meta == {'dtype': 'float16', 'shape': [2, 3]}
    seen = []
    w.on_select(seen.append)
    w._on_msg(w, {'kind': 'neuroviz:select', 'token': 1, 'col': 0}, [])
    assert w.selected == seen[0] == {'site': 'L0.mlp', 'token': 1, 'token_text': XSS, 'unit': 1, 'value': -1.0}
    with pytest.raises(IndexError, match=r'valid 0\.\.1'): w._handle_select({'token': 2, 'col': 0})
    with pytest.raises(ValueError, match='does not handle'): w._on_msg(w, {'kind': 'neuroviz:frobnicate'}, [])
    w._on_msg(w, {'kind': 'other:thing'}, [])  # not a neuroviz message: ignored
    assert len(seen) == 1
    with pytest.raises(ValueError, match='3 tokens for 2 rows'): TokenHeatmap(acts, ['a', 'b', 'c'])
    with pytest.raises(AttributeError, match='needs traits'): w.set_array('nope', acts)


def test_text_heatmap_two_way_unit():
    w = TextHeatmap(torch.randn(4, 2), list('abcd'), [10, 20], site='L1.mlp')
    w.unit = 20
    assert w.unit_index == 1
    w._handle_select({'token': 2})
    assert w.selected['unit'] == 20 and w.selected['token_text'] == 'c'
    with pytest.raises(ValueError, match=r'shown: \[10, 20\]'): w.unit = 30
    with pytest.raises(Exception, match='valid 0..1'): w.unit_index = 5


def test_layer_heatmap_drill_down_sends_only_the_opened_layer(bundled):
    w = layer_heatmap(bundled, 'import os\nos.path.join(a, b)\n', 'L*.mlp')
    n = len(w.tokens)
    assert w.values_meta['shape'] == [bundled.n_layers, n] and w.detail_values == b''
    acts = bundled.capture('import os\nos.path.join(a, b)\n', 'L2.mlp')['L2.mlp'][0]
    w._handle_select({'layer': 2, 'token': 4})
    assert w.detail_site == 'L2.mlp' and w.selected['unit'] == int(acts[4].argmax())
    d = w.get_array('detail_values')
    assert d.shape == (n, 768) and np.all(np.diff(d.max(0)) <= 1e-2)  # units sorted by max activation
    w._handle_select_detail({'token': 4, 'col': 0})
    unit = w.selected['unit']
    assert abs(w.selected['value'] - acts[4, unit].item()) < 1e-5
    with pytest.raises(IndexError, match='layer 9'): w.open_layer(9)


def test_one_liners_on_the_bundled_model(bundled):
    hm = heatmap(bundled, 'x = 1', 'L1.mlp', units=[3, 4, 5], sort=None)
    assert hm.get_array('units').tolist() == [3, 4, 5]
    assert isinstance(heatmap(bundled, 'x = 1', 'L*.resid'), LayerHeatmap)
    with pytest.raises(nv.UnitError, match='0..767'): text_heatmap(bundled, 'x', 'L1.mlp', [900])
    with pytest.raises(nv.SiteError): heatmap(bundled, 'x', 'L1.mpl')
    fig = unit_histogram(torch.arange(6.).reshape(3, 2), unit=1)
    assert list(fig.data[0].x) == [1.0, 3.0, 5.0]


def test_spatial_maps_and_image_heatmap():
    assert spatial_maps(torch.randn(1, 8, 5, 5)).shape == (8, 5, 5)
    vit = torch.arange(17 * 3.).reshape(1, 17, 3)  # CLS + 4x4 patches, 3 units
    maps = spatial_maps(vit)
    assert maps.shape == (3, 4, 4) and maps[1, 0, 1] == vit[0, 2, 1]
    with pytest.raises(ValueError, match='square grid'): spatial_maps(torch.randn(1, 7, 3))
    cnn = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU())
    img = (np.random.default_rng(0).random((40, 60, 3)) * 255).astype(np.uint8)
    w = image_heatmap(nv.load(cnn), img, '1', top=4, pixels=torch.randn(1, 3, 16, 16))
    assert w.image_meta == {'dtype': 'rgb8', 'shape': [40, 60, 3]} and w.maps_meta['shape'] == [4, 16, 16]
    w._handle_select({'channel': 2})
    assert w.channel_index == 2 and w.selected['channel'] == w.channel_ids[2]
    w.opacity = 3.0
    assert w.opacity == 1.0


def test_static_html_is_self_contained_and_escaped():
    w = TokenHeatmap(torch.randn(2, 3), [XSS, '</script><script>alert(2)</script>'], title=XSS)
    page = w.to_html()
    body = page.split('<body>', 1)[1]
    assert XSS not in body and 'alert(2)' not in body  # model text only travels base64-encoded
    assert '&lt;img' in page.split('<body>')[0]  # the title is escaped
    assert 'http://' not in page and 'https://' not in page  # nothing to fetch
    blobs = dict(re.findall(r'id="(nv-[\w-]+)">([^<]*)</script>', page))
    state = json.loads(base64.b64decode(next(v for k, v in blobs.items() if k.startswith('nv-state'))))
    assert state['tokens'][0] == XSS and set(state['values']) == {'$buf'}
    buf = next(v for k, v in blobs.items() if k.startswith('nv-buf') and k.endswith(f"-{state['values']['$buf']}"))
    assert base64.b64decode(buf) == w.values
