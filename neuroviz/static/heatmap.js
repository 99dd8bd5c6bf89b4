// neuroviz/static/heatmap.js: the activation heatmap widgets of neuroviz.heatmap (common.js is prepended).
// One module, one render per view: 'token' (token x neuron), 'text' (coloured text for one unit),
// 'layer' (layer x token overview with a token x neuron drill-down), 'image' (channel overlay + grid of channels).

/**
 * A canvas matrix view: rows x cols values drawn through an offscreen image (1 pixel a cell), scrolled and zoomed
 * by redrawing only the visible part, so thousands of rows and columns stay smooth.
 * @param {HTMLElement} host
 * @param {{values: Float32Array, rows: number, cols: number, rowLabels: string[], colIds: Float32Array|null,
 *          rowName: string, colName: string, height: number, onSelect: (r:number,c:number)=>void}} o
 */
function nvMatrix(host, o) {
  const { values, rows, cols } = o;
  const vmax = nvRobustMax(values);
  const img = document.createElement('canvas');
  img.width = Math.max(1, cols); img.height = Math.max(1, rows);
  const ictx = img.getContext('2d');
  const id = ictx.createImageData(img.width, img.height);
  for (let i = 0; i < rows * cols; i++) {
    const k = 3 * nvLutIndex(values[i], vmax);
    id.data[4 * i] = NV_LUT[k]; id.data[4 * i + 1] = NV_LUT[k + 1]; id.data[4 * i + 2] = NV_LUT[k + 2]; id.data[4 * i + 3] = 255;
  }
  ictx.putImageData(id, 0, 0);

  const bar = nvEl('div', 'nv-bar');
  const zin = nvEl('button', '', 'zoom +'), zout = nvEl('button', '', 'zoom \u2212'), fit = nvEl('button', '', 'fit');
  const info = nvEl('span', '', `${rows} ${o.rowName}s \u00d7 ${cols} ${o.colName}s \u00b7 wheel scrolls, shift+wheel pans, ctrl+wheel zooms`);
  bar.append(zin, zout, fit, info);
  const canvas = document.createElement('canvas');
  canvas.className = 'nv-matrix';
  canvas.style.cursor = 'crosshair';
  canvas.style.display = 'block';
  host.append(bar, nvLegend(vmax, vmax < nvAbsMax(values) ? 'activation (99.9th percentile of |value|; beyond saturates)' : 'activation'), canvas);
  const tip = nvTooltip(host);
  const ctx = canvas.getContext('2d');
  const gutter = 110;
  const width = Math.max(320, Math.min(host.clientWidth || 900, 1400));
  const fitCw = Math.max(0.05, (width - gutter) / Math.max(1, cols));
  const st = { cw: fitCw, ch: rows > 400 ? 10 : 14, x0: 0, y0: 0, sel: null };
  const visRows = () => Math.min(rows - Math.floor(st.y0), Math.floor(canvas.height / st.ch));
  const visCols = () => Math.min(cols - st.x0, (canvas.width - gutter) / st.cw);
  canvas.width = width;
  canvas.height = Math.min(o.height || 420, rows * st.ch + 1);
  canvas.style.width = `${width}px`;

  function clamp() {
    st.x0 = Math.max(0, Math.min(st.x0, Math.max(0, cols - (canvas.width - gutter) / st.cw)));
    st.y0 = Math.max(0, Math.min(Math.floor(st.y0), Math.max(0, rows - Math.floor(canvas.height / st.ch))));
  }
  function draw() {
    clamp();
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = false;
    const vr = visRows(), vc = visCols();
    if (vr > 0 && vc > 0) ctx.drawImage(img, st.x0, st.y0, vc, vr, gutter, 0, vc * st.cw, vr * st.ch);
    ctx.fillStyle = '#333';
    ctx.font = `${Math.min(12, st.ch - 2)}px ui-monospace, monospace`;
    ctx.textBaseline = 'middle';
    if (st.ch >= 8) for (let r = 0; r < vr; r++) {
      const i = st.y0 + r;
      ctx.fillText(`${i} ${nvShow(o.rowLabels[i] ?? '')}`.slice(0, 16), 2, r * st.ch + st.ch / 2);
    }
    if (st.sel) {
      const [r, c] = st.sel;
      ctx.strokeStyle = '#111'; ctx.lineWidth = 1;
      ctx.strokeRect(gutter, (r - st.y0) * st.ch + 0.5, vc * st.cw, st.ch);
      ctx.strokeRect(gutter + (c - st.x0) * st.cw, 0, Math.max(1, st.cw), vr * st.ch);
    }
  }
  function cellAt(ev) {
    const r = canvas.getBoundingClientRect();
    const x = (ev.clientX - r.left) * (canvas.width / r.width), y = (ev.clientY - r.top) * (canvas.height / r.height);
    if (x < gutter) return null;
    const c = Math.floor(st.x0 + (x - gutter) / st.cw), row = st.y0 + Math.floor(y / st.ch);
    return row >= 0 && row < rows && c >= 0 && c < cols ? [row, c] : null;
  }
  canvas.addEventListener('mousemove', (ev) => {
    const cell = cellAt(ev);
    if (!cell) return tip.hide();
    const [r, c] = cell, unit = o.colIds ? o.colIds[c] : c;
    tip.show(ev, [`${o.rowName} ${r}: ${JSON.stringify(o.rowLabels[r] ?? '')}`, `${o.colName} ${unit}`, `value ${nvFmt(values[r * cols + c])}`]);
  });
  canvas.addEventListener('mouseleave', () => tip.hide());
  canvas.addEventListener('click', (ev) => {
    const cell = cellAt(ev);
    if (!cell) return;
    st.sel = cell; draw(); o.onSelect(cell[0], cell[1]);
  });
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    if (ev.ctrlKey) {
      const r = canvas.getBoundingClientRect(), x = (ev.clientX - r.left) * (canvas.width / r.width) - gutter;
      const at = st.x0 + x / st.cw;
      st.cw = Math.max(fitCw, Math.min(40, st.cw * (ev.deltaY < 0 ? 1.25 : 0.8)));
      st.x0 = at - x / st.cw;
    } else if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      st.x0 += (ev.deltaX || ev.deltaY) / st.cw;
    } else {
      st.y0 += Math.sign(ev.deltaY) * Math.max(1, Math.round(Math.abs(ev.deltaY) / st.ch));
    }
    draw();
  }, { passive: false });
  zin.onclick = () => { st.cw = Math.min(40, st.cw * 2); draw(); };
  zout.onclick = () => { st.cw = Math.max(fitCw, st.cw / 2); draw(); };
  fit.onclick = () => { st.cw = fitCw; st.x0 = 0; draw(); };
  draw();
  return { canvas, draw, state: st };
}

function renderToken(model, root) {
  const meta = model.get('values_meta');
  const [rows, cols] = meta.shape;
  const host = nvEl('div');
  root.append(host);
  nvMatrix(host, {
    values: nvDecode(model.get('values'), meta), rows, cols, rowLabels: model.get('tokens'),
    colIds: nvDecode(model.get('units'), model.get('units_meta')), rowName: 'token', colName: 'unit',
    height: model.get('height'), onSelect: (r, c) => nvSend(model, 'select', { token: r, col: c }),
  });
}

function renderText(model, root) {
  const meta = model.get('values_meta');
  const [T, K] = meta.shape;
  const values = nvDecode(model.get('values'), meta);
  const units = model.get('unit_ids');
  const bar = nvEl('div', 'nv-bar');
  const pick = document.createElement('select');
  units.forEach((u, i) => pick.append(Object.assign(nvEl('option', '', `unit ${u}`), { value: String(i) })));
  bar.append(nvEl('span', '', `${model.get('site')}`), pick);
  const legendBox = nvEl('div');
  const text = nvEl('div', 'nv-text');
  root.append(bar, legendBox, text);
  const tip = nvTooltip(root);
  const spans = model.get('tokens').map((t, i) => {
    const s = nvEl('span', 'nv-tok', t === '\n' ? '\u21b5\n' : t);
    s.dataset.i = String(i);
    text.append(s);
    return s;
  });
  let sel = -1;
  function paint() {
    const k = Math.max(0, Math.min(K - 1, model.get('unit_index')));
    pick.value = String(k);
    let vmax = 0;
    for (let i = 0; i < T; i++) vmax = Math.max(vmax, Math.abs(values[i * K + k]));
    spans.forEach((s, i) => { s.style.background = nvCss(values[i * K + k], vmax); });
    legendBox.replaceChildren(nvLegend(vmax, `unit ${units[k]}`));
  }
  text.addEventListener('mousemove', (ev) => {
    const s = ev.target.closest && ev.target.closest('.nv-tok');
    if (!s) return tip.hide();
    const i = Number(s.dataset.i), k = model.get('unit_index');
    tip.show(ev, [`token ${i}: ${JSON.stringify(model.get('tokens')[i])}`, `unit ${units[k]}`, `value ${nvFmt(values[i * K + k])}`]);
  });
  text.addEventListener('mouseleave', () => tip.hide());
  text.addEventListener('click', (ev) => {
    const s = ev.target.closest && ev.target.closest('.nv-tok');
    if (!s) return;
    if (sel >= 0) spans[sel].classList.remove('nv-sel');
    sel = Number(s.dataset.i); s.classList.add('nv-sel');
    nvSend(model, 'select', { token: sel });
  });
  pick.onchange = () => { model.set('unit_index', Number(pick.value)); model.save_changes(); };
  model.on('change:unit_index', paint);
  paint();
}

function renderLayer(model, root) {
  const meta = model.get('values_meta');
  const [L, T] = meta.shape;
  const values = nvDecode(model.get('values'), meta), top = nvDecode(model.get('top_units'), model.get('top_units_meta'));
  const tokens = model.get('tokens'), labels = model.get('layer_labels');
  const vmax = nvAbsMax(values);
  const cw = Math.max(10, Math.min(28, Math.floor(((root.clientWidth || 900) - 70) / Math.max(1, T)))), ch = 18, left = 70, bottom = 70;
  const scroll = nvEl('div', 'nv-scroll');
  const canvas = document.createElement('canvas');
  canvas.width = left + T * cw; canvas.height = L * ch + bottom;
  canvas.style.display = 'block'; canvas.style.cursor = 'pointer';
  scroll.append(canvas);
  const detail = nvEl('div');
  root.append(nvEl('div', 'nv-bar', `${model.get('reduction')} over the units of each layer \u00b7 click a cell to open that layer`), nvLegend(vmax, ''), scroll, detail);
  const tip = nvTooltip(root);
  const g = canvas.getContext('2d');
  let sel = null;
  function draw() {
    g.clearRect(0, 0, canvas.width, canvas.height);
    for (let l = 0; l < L; l++) for (let t = 0; t < T; t++) { g.fillStyle = nvCss(values[l * T + t], vmax); g.fillRect(left + t * cw, l * ch, cw - 1, ch - 1); }
    g.fillStyle = '#333'; g.font = '11px ui-monospace, monospace'; g.textBaseline = 'middle';
    for (let l = 0; l < L; l++) g.fillText(labels[l], 2, l * ch + ch / 2);
    for (let t = 0; t < T; t++) {
      g.save(); g.translate(left + t * cw + cw / 2, L * ch + 4); g.rotate(Math.PI / 3); g.textBaseline = 'middle';
      g.fillText(nvShow(tokens[t]).slice(0, 10), 0, 0); g.restore();
    }
    if (sel) { g.strokeStyle = '#111'; g.lineWidth = 2; g.strokeRect(left + sel[1] * cw, sel[0] * ch, cw - 1, ch - 1); }
  }
  function cellAt(ev) {
    const r = canvas.getBoundingClientRect();
    const t = Math.floor((ev.clientX - r.left - left) / cw), l = Math.floor((ev.clientY - r.top) / ch);
    return l >= 0 && l < L && t >= 0 && t < T ? [l, t] : null;
  }
  canvas.addEventListener('mousemove', (ev) => {
    const c = cellAt(ev);
    if (!c) return tip.hide();
    tip.show(ev, [`${labels[c[0]]} \u00b7 token ${c[1]}: ${JSON.stringify(tokens[c[1]])}`, `${model.get('reduction')} ${nvFmt(values[c[0] * T + c[1]])}`, `top unit ${top[c[0] * T + c[1]]}`]);
  });
  canvas.addEventListener('mouseleave', () => tip.hide());
  canvas.addEventListener('click', (ev) => {
    const c = cellAt(ev);
    if (!c) return;
    sel = c; draw();
    nvSend(model, 'select', { layer: c[0], token: c[1] });
  });
  function showDetail() {
    const dm = model.get('detail_values_meta');
    detail.replaceChildren();
    if (!dm || !dm.shape) return;
    detail.append(nvEl('div', 'nv-title', `${model.get('detail_site')}: token \u00d7 unit (units sorted by max activation)`));
    const host = nvEl('div'); detail.append(host);
    nvMatrix(host, {
      values: nvDecode(model.get('detail_values'), dm), rows: dm.shape[0], cols: dm.shape[1], rowLabels: tokens,
      colIds: nvDecode(model.get('detail_units'), model.get('detail_units_meta')), rowName: 'token', colName: 'unit',
      height: 320, onSelect: (r, c) => nvSend(model, 'select_detail', { token: r, col: c }),
    });
  }
  model.on('change:detail_values_meta', showDetail);
  draw(); showDetail();
}

function renderImage(model, root) {
  const im = model.get('image_meta');
  const [H, W] = im.shape;
  const rgb = new Uint8Array(model.get('image').buffer, model.get('image').byteOffset, H * W * 3);
  const mm = model.get('maps_meta');
  const [K, h, w] = mm.shape;
  const maps = nvDecode(model.get('maps'), mm);
  const ids = model.get('channel_ids');
  const base = document.createElement('canvas');
  base.width = W; base.height = H;
  const bd = base.getContext('2d').createImageData(W, H);
  for (let i = 0; i < H * W; i++) {  // grey base, so the overlay's colours are the activation alone
    const y = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
    bd.data[4 * i] = bd.data[4 * i + 1] = bd.data[4 * i + 2] = y; bd.data[4 * i + 3] = 255;
  }
  base.getContext('2d').putImageData(bd, 0, 0);
  const vmaxOf = (k) => { let m = 0; for (let i = 0; i < h * w; i++) m = Math.max(m, maps[k * h * w + i]); return m; };
  const overlays = [];
  for (let k = 0; k < K; k++) {  // one small RGBA map a channel (positive part, scaled to its max), upsampled smoothly when drawn
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const d = c.getContext('2d').createImageData(w, h), vm = vmaxOf(k);
    for (let i = 0; i < h * w; i++) {
      const t = vm > 0 ? Math.max(0, Math.min(1, maps[k * h * w + i] / vm)) : 0, j = 3 * Math.round(t * 255);
      d.data[4 * i] = NV_SEQ[j]; d.data[4 * i + 1] = NV_SEQ[j + 1]; d.data[4 * i + 2] = NV_SEQ[j + 2];
      d.data[4 * i + 3] = Math.round(255 * (0.15 + 0.85 * t));
    }
    c.getContext('2d').putImageData(d, 0, 0);
    overlays.push(c);
  }
  const compose = (canvas, k, size, alpha) => {
    const s = size / Math.max(W, H);
    canvas.width = Math.round(W * s); canvas.height = Math.round(H * s);
    const g = canvas.getContext('2d');
    g.imageSmoothingEnabled = true;
    g.drawImage(base, 0, 0, canvas.width, canvas.height);
    if (k >= 0 && k < K) { g.globalAlpha = alpha; g.drawImage(overlays[k], 0, 0, canvas.width, canvas.height); g.globalAlpha = 1; }
  };
  const layout = nvEl('div'); layout.style.display = 'flex'; layout.style.gap = '14px'; layout.style.alignItems = 'flex-start';
  const big = document.createElement('canvas'); big.className = 'nv-big';
  const side = nvEl('div');
  const bar = nvEl('div', 'nv-bar');
  const slider = Object.assign(document.createElement('input'), { type: 'range', min: '0', max: '1', step: '0.05' });
  const caption = nvEl('span');
  bar.append(nvEl('span', '', 'opacity'), slider, caption);
  side.append(bar, big);
  const grid = nvEl('div', 'nv-grid');
  grid.style.gridTemplateColumns = `repeat(${Math.min(4, K)}, 100px)`;
  const thumbs = [];
  if (model.get('show_grid')) {
    for (let k = 0; k < K; k++) {
      const t = nvEl('div', 'nv-thumb'), c = document.createElement('canvas');
      compose(c, k, 96, 0.75);
      t.append(c, nvEl('div', '', `ch ${ids[k]} \u00b7 max ${nvFmt(vmaxOf(k))}`));
      t.onclick = () => { model.set('channel_index', k); model.save_changes(); nvSend(model, 'select', { channel: k }); };
      grid.append(t); thumbs.push(t);
    }
    layout.append(grid);
  }
  layout.append(side);
  root.append(layout);
  const tip = nvTooltip(root);
  function paint() {
    const k = model.get('channel_index');
    slider.value = String(model.get('opacity'));
    compose(big, k, model.get('size'), model.get('opacity'));
    caption.textContent = `${model.get('site')} channel ${ids[k]} (positive activation, scaled to its max)`;
    thumbs.forEach((t, i) => t.classList.toggle('nv-sel', i === k));
  }
  slider.oninput = () => { model.set('opacity', Number(slider.value)); model.save_changes(); paint(); };
  big.addEventListener('mousemove', (ev) => {
    const r = big.getBoundingClientRect(), k = model.get('channel_index');
    const x = Math.floor((ev.clientX - r.left) / r.width * w), y = Math.floor((ev.clientY - r.top) / r.height * h);
    if (x < 0 || y < 0 || x >= w || y >= h) return tip.hide();
    tip.show(ev, [`channel ${ids[k]} at (${y}, ${x}) of ${h}\u00d7${w}`, `value ${nvFmt(maps[k * h * w + y * w + x])}`]);
  });
  big.addEventListener('mouseleave', () => tip.hide());
  model.on('change:channel_index', paint);
  model.on('change:opacity', paint);
  paint();
}

const NV_VIEWS = { token: renderToken, text: renderText, layer: renderLayer, image: renderImage };

function renderView(model, root) {
  const view = NV_VIEWS[model.get('view')];
  if (!view) { root.append(nvEl('div', '', `neuroviz: unknown view ${model.get('view')}`)); return; }
  view(model, root);
}

export default nvWidget('', renderView);
