// neuroviz/static/card.js: the neuron card of neuroviz.card (common.js is prepended).
// One unit (or a direction): its stats, its activation histogram, a page of exemplars coloured by the unit's
// activation on every token (the peak token outlined), and the tokens it promotes and suppresses. Pages and other
// units are fetched from the kernel by id; the static rendering shows the page it was saved with.

function drawHist(canvas, counts, edges) {
  const g = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  g.clearRect(0, 0, W, H);
  let lo = counts.findIndex((c) => c > 0), hi = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  if (lo < 0) return;
  lo = Math.max(0, lo - 1); hi = Math.min(counts.length - 1, hi + 1);
  const n = hi - lo + 1, bw = (W - 40) / n, max = Math.log10(1 + Math.max(...counts));
  for (let i = lo; i <= hi; i++) {
    const h = (Math.log10(1 + counts[i]) / max) * (H - 18);
    const mid = i === 0 ? edges[0] : i >= edges.length ? edges[edges.length - 1] : (edges[i - 1] + edges[i]) / 2;
    g.fillStyle = mid > 0 ? '#b2182b' : mid < 0 ? '#2166ac' : '#888';
    g.fillRect(30 + (i - lo) * bw, H - 14 - h, Math.max(1, bw - 0.5), h);
  }
  g.fillStyle = '#444'; g.font = '10px system-ui, sans-serif';
  const label = (i) => nvFmt(i <= 0 ? edges[0] : i >= edges.length ? edges[edges.length - 1] : edges[i - 1]);
  g.fillText(label(lo), 30, H - 2);
  const tx = label(hi + 1); g.fillText(tx, W - 8 - g.measureText(tx).width, H - 2);
  g.save(); g.translate(9, H - 16); g.rotate(-Math.PI / 2); g.fillText('log count', 0, 0); g.restore();
}

function renderCard(model, root) {
  const head = nvEl('div', 'nv-bar');
  const prev = nvEl('button', 'nv-prev', '\u25c0'), next = nvEl('button', 'nv-next', '\u25b6');
  const name = nvEl('span', 'nv-title');
  const jump = Object.assign(document.createElement('input'), { type: 'number', min: '0' });
  jump.style.width = '5em'; jump.className = 'nv-jump';
  head.append(prev, name, next, nvEl('span', '', 'go to'), jump);
  const stats = nvEl('div', 'nv-bar nv-stats');
  const body = nvEl('div'); body.style.display = 'grid'; body.style.gridTemplateColumns = 'minmax(0, 3fr) minmax(200px, 1fr)'; body.style.gap = '14px';
  const left = nvEl('div'), right = nvEl('div');
  const exBox = nvEl('div', 'nv-exemplars');
  const pager = nvEl('div', 'nv-bar');
  const pPrev = nvEl('button', 'nv-page-prev', '\u25c0 page'), pNext = nvEl('button', 'nv-page-next', 'page \u25b6'), pInfo = nvEl('span', 'nv-page');
  pager.append(pPrev, pInfo, pNext);
  left.append(nvEl('div', 'nv-title', 'top exemplars'), exBox, pager);
  const hist = document.createElement('canvas'); hist.width = 260; hist.height = 110;
  const writes = nvEl('div');
  right.append(nvEl('div', 'nv-title', 'activation histogram'), hist, writes);
  body.append(left, right);
  root.append(head, stats, body);
  const tip = nvTooltip(root);
  let reqId = 0;
  const goto = (u) => { if (model.get('kind') === 'neuron') { nvSend(model, 'goto', { id: ++reqId, unit: u }); } };
  prev.onclick = () => goto(model.get('unit') - 1);
  next.onclick = () => goto(model.get('unit') + 1);
  jump.onchange = () => goto(Number(jump.value));
  pPrev.onclick = () => nvSend(model, 'page', { id: ++reqId, page: model.get('page') - 1 });
  pNext.onclick = () => nvSend(model, 'page', { id: ++reqId, page: model.get('page') + 1 });

  function drawHead() {
    const k = model.get('kind');
    name.textContent = k === 'neuron' ? `${model.get('site')} \u00b7 unit ${model.get('unit')}` : `${model.get('site')} \u00b7 direction ${model.get('direction_name')}`;
    prev.disabled = k !== 'neuron' || model.get('unit') <= 0;
    next.disabled = k !== 'neuron' || model.get('unit') >= model.get('n_units') - 1;
    jump.max = String(model.get('n_units') - 1); jump.value = String(model.get('unit')); jump.disabled = k !== 'neuron';
    const s = model.get('stats');
    stats.replaceChildren(...['count', 'mean', 'std', 'frac_active', 'max', 'p50', 'p99'].filter((f) => f in s).map((f) =>
      nvEl('span', '', `${f.replace('frac_active', 'active')} ${f === 'count' ? s[f] : f === 'frac_active' ? (100 * s[f]).toFixed(1) + '%' : nvFmt(s[f])}`)));
    drawHist(hist, Array.from(nvDecode(model.get('hist'), model.get('hist_meta'))), Array.from(nvDecode(model.get('edges'), model.get('edges_meta'))));
    const w = model.get('writes');
    writes.replaceChildren();
    if (w.length) {
      writes.append(nvEl('div', 'nv-title', 'writes (through the unembedding)'));
      const t = nvEl('table', 'nv-table');
      const pos = w.filter((r) => r.effect === 'promotes'), neg = w.filter((r) => r.effect === 'suppresses');
      for (let i = 0; i < Math.max(pos.length, neg.length); i++) {
        const tr = nvEl('tr');
        for (const r of [pos[i], neg[i]]) {
          tr.append(nvEl('td', 'nv-mono', r ? JSON.stringify(r.token) : ''), nvEl('td', r && r.logit >= 0 ? 'nv-pos' : 'nv-neg', r ? nvFmt(r.logit) : ''));
        }
        t.append(tr);
      }
      writes.append(t);
    }
  }
  function drawExemplars() {
    const toks = model.get('ex_tokens'), info = model.get('ex_info');
    const meta = model.get('ex_acts_meta');
    const acts = nvDecode(model.get('ex_acts'), meta);
    const W = meta.shape ? meta.shape[1] : 0;
    const vmax = Math.max(1e-9, model.get('stats').max || nvAbsMax(acts));
    exBox.replaceChildren();
    toks.forEach((row, i) => {
      const line = nvEl('div', 'nv-ex');
      line.append(nvEl('span', 'nv-ex-act', nvFmt(info[i].act)));
      const text = nvEl('span', 'nv-text');
      row.forEach((t, j) => {
        if (t === null) return;
        const s = nvEl('span', 'nv-tok', t);
        s.style.background = nvCss(acts[i * W + j], vmax);
        if (j === info[i].center) s.classList.add('nv-peak');
        s.addEventListener('mousemove', (ev) => tip.show(ev, [`${JSON.stringify(t)}`, `activation ${nvFmt(acts[i * W + j])}`, `${info[i].doc_id} @ ${info[i].pos - info[i].center + j}`]));
        s.addEventListener('mouseleave', () => tip.hide());
        text.append(s);
      });
      line.append(text);
      exBox.append(line);
    });
    const p = model.get('page'), n = model.get('n_pages');
    pInfo.textContent = `${p + 1} / ${Math.max(1, n)}`;
    pPrev.disabled = p <= 0; pNext.disabled = p >= n - 1;
  }
  ['stats', 'hist', 'writes', 'unit', 'site', 'kind'].forEach((f) => model.on(`change:${f}`, drawHead));
  ['ex_tokens', 'ex_acts', 'page', 'n_pages'].forEach((f) => model.on(`change:${f}`, drawExemplars));
  drawHead(); drawExemplars();
}

const NV_CARD_CSS = `
.nv-ex { display: flex; gap: 8px; align-items: baseline; margin: 2px 0; }
.nv-ex-act { font: 11px ui-monospace, monospace; color: #555; min-width: 4.5em; text-align: right; }
.nv-ex .nv-text { line-height: 1.7; white-space: pre-wrap; }
.nv-peak { outline: 2px solid #111; }
.nv-stats span { margin-right: 10px; }
.nv-table { border-collapse: collapse; font-size: 11px; }
.nv-table td { padding: 1px 6px; }
.nv-mono { font-family: ui-monospace, monospace; white-space: pre; }
.nv-pos { color: #b2182b; } .nv-neg { color: #2166ac; }
`;

export default nvWidget(NV_CARD_CSS, renderCard);
