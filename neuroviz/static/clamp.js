// neuroviz/static/clamp.js: the clamp panel of neuroviz.clamp (common.js is prepended).
// The browser owns the rows while the user edits them; each edit sends one `neuroviz:run` message (at most one per
// animation frame, each with an id), and the kernel streams tokens back through traits.

const NV_MODES = ['clamp', 'scale', 'ablate', 'mean', 'add'];

/** @param {{model: any, el: HTMLElement}} ctx */
function renderClamp(model, root) {
  let rows = JSON.parse(JSON.stringify(model.get('rows') || []));
  let nextId = 1, queued = false;
  const send = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      model.set('rows', rows); model.save_changes();
      const id = Math.max(nextId, model.get('run_id') + 1);  // ids only grow, also past runs started from Python
      nextId = id + 1;
      nvSend(model, 'run', { id, prompt: prompt.value, max_new_tokens: Number(maxTok.value), rows });
    });
  };

  const top = nvEl('div', 'nv-bar');
  const prompt = document.createElement('textarea');
  prompt.className = 'nv-prompt'; prompt.rows = 3; prompt.value = model.get('prompt');
  prompt.style.width = '100%'; prompt.style.font = '12px ui-monospace, monospace';
  const maxTok = Object.assign(document.createElement('input'), { type: 'number', min: '1', max: '256', value: String(model.get('max_new_tokens')) });
  maxTok.style.width = '4em';
  const runBtn = nvEl('button', 'nv-run', 'run');
  top.append(nvEl('span', '', 'new tokens'), maxTok, runBtn);
  runBtn.onclick = send;
  prompt.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(); });
  maxTok.onchange = send;

  const rowsBox = nvEl('div', 'nv-rows');
  const addBtn = nvEl('button', '', '+ intervention');
  const status = nvEl('div', 'nv-status');
  const cols = nvEl('div'); cols.style.display = 'grid'; cols.style.gridTemplateColumns = '1fr 1fr'; cols.style.gap = '10px';
  const baseBox = nvEl('div', 'nv-text nv-out'), editBox = nvEl('div', 'nv-text nv-out');
  const colHead = (t, box) => { const d = nvEl('div'); d.append(nvEl('div', 'nv-title', t), box); return d; };
  cols.append(colHead('baseline', baseBox), colHead('edited', editBox));
  const nextBox = nvEl('div');
  const codeBtn = nvEl('button', '', 'copy as code');
  const codePre = nvEl('pre', 'nv-code'); codePre.style.display = 'none';
  root.append(prompt, top, nvEl('div', 'nv-title', 'interventions'), rowsBox, addBtn, status, cols, nextBox, codeBtn, codePre);

  function select(options, value, onchange) {
    const s = document.createElement('select');
    options.forEach((o) => s.append(Object.assign(nvEl('option', '', String(o)), { value: String(o) })));
    s.value = String(value ?? options[0]);
    s.onchange = () => onchange(s.value);
    return s;
  }

  function drawRows() {
    rowsBox.replaceChildren();
    rows.forEach((r, i) => {
      const line = nvEl('div', 'nv-bar nv-row');
      const site = select(model.get('sites'), r.site, (v) => { r.site = v; send(); });
      const mode = select(NV_MODES, r.mode || 'clamp', (v) => { r.mode = v; drawRows(); send(); });
      const what = r.mode === 'add'
        ? select(model.get('directions').length ? model.get('directions') : ['(none)'], r.direction, (v) => { r.direction = v; send(); })
        : Object.assign(document.createElement('input'), { type: 'text', value: (r.units || []).join(', '), placeholder: 'units, e.g. 5, 9' });
      if (r.mode !== 'add') {
        what.style.width = '8em';
        what.onchange = () => { r.units = what.value.split(/[\s,]+/).filter(Boolean).map(Number); send(); };
      }
      const pos = select(['all', 'prompt', 'generated', 'explicit'], Array.isArray(r.positions) ? 'explicit' : (r.positions || 'all'), (v) => {
        r.positions = v === 'explicit' ? [-1] : v; drawRows(); send();
      });
      const explicit = Object.assign(document.createElement('input'), { type: 'text', value: Array.isArray(r.positions) ? r.positions.join(', ') : '' });
      explicit.style.width = '5em'; explicit.style.display = Array.isArray(r.positions) ? '' : 'none';
      explicit.onchange = () => { r.positions = explicit.value.split(/[\s,]+/).filter(Boolean).map(Number); send(); };
      const lo = r.min ?? -10, hi = r.max ?? 10;
      const slider = Object.assign(document.createElement('input'), { type: 'range', min: String(lo), max: String(hi), step: String((hi - lo) / 200), value: String(r.value ?? 0) });
      slider.className = 'nv-slider';
      const val = nvEl('span', 'nv-value', nvFmt(Number(r.value ?? 0)));
      slider.oninput = () => { r.value = Number(slider.value); val.textContent = nvFmt(r.value); send(); };
      slider.disabled = r.mode === 'ablate' || r.mode === 'mean';
      const del = nvEl('button', '', '\u00d7');
      del.title = 'remove';
      del.onclick = () => { rows.splice(i, 1); drawRows(); send(); };
      line.append(site, mode, what, pos, explicit, slider, val, del);
      rowsBox.append(line);
    });
  }
  addBtn.onclick = () => {
    const sites = model.get('sites');
    rows.push({ site: sites.find((s) => s.endsWith('.mlp')) || sites[0], mode: 'clamp', units: [0], positions: 'generated', value: 0, min: -10, max: 10 });
    drawRows(); send();
  };

  function drawTokens() {
    const b = model.get('baseline_tokens'), e = model.get('edited_tokens');
    baseBox.replaceChildren(...b.map((t) => nvEl('span', 'nv-tok', t)));
    editBox.replaceChildren(...e.map((t, i) => {
      const s = nvEl('span', 'nv-tok', t);
      if (i >= b.length || b[i] !== t) s.classList.add('nv-diff');
      return s;
    }));
  }
  function drawNext() {
    const rowsN = model.get('next_token');
    nextBox.replaceChildren();
    if (!rowsN.length) return;
    const t = nvEl('table', 'nv-table');
    const h = nvEl('tr');
    ['next token', 'before', 'after', 'change'].forEach((c) => h.append(nvEl('th', '', c)));
    t.append(h);
    const vmax = Math.max(...rowsN.map((r) => Math.abs(r.delta)), 1e-9);
    rowsN.forEach((r) => {
      const tr = nvEl('tr');
      const bar = nvEl('span', 'nv-dbar'); bar.style.width = `${Math.round(60 * Math.abs(r.delta) / vmax)}px`; bar.style.background = r.delta >= 0 ? '#b2182b' : '#2166ac';
      const d = nvEl('td'); d.append(bar, nvEl('span', '', ` ${r.delta >= 0 ? '+' : ''}${nvFmt(r.delta)}`));
      tr.append(nvEl('td', 'nv-mono', JSON.stringify(r.token)), nvEl('td', '', nvFmt(r.before)), nvEl('td', '', nvFmt(r.after)), d);
      t.append(tr);
    });
    nextBox.append(nvEl('div', 'nv-title', 'next-token distribution'), t);
  }
  codeBtn.onclick = async () => {
    const code = model.get('code');
    codePre.textContent = code; codePre.style.display = 'block';
    try { await navigator.clipboard.writeText(code); codeBtn.textContent = 'copied'; } catch (e) { codeBtn.textContent = 'select the code below'; }
  };

  model.on('change:baseline_tokens', drawTokens);
  model.on('change:edited_tokens', drawTokens);
  model.on('change:next_token', drawNext);
  model.on('change:status', () => { status.textContent = `${model.get('status')} \u00b7 run ${model.get('run_id')}`; });
  model.on('change:rows', () => {
    const r = model.get('rows');
    if (JSON.stringify(r) !== JSON.stringify(rows)) { rows = JSON.parse(JSON.stringify(r)); drawRows(); }
  });
  model.on('change:prompt', () => { if (prompt.value !== model.get('prompt')) prompt.value = model.get('prompt'); });
  model.on('change:directions', drawRows);
  drawRows(); drawTokens(); drawNext();
  status.textContent = `${model.get('status')} \u00b7 run ${model.get('run_id')}`;
}

const NV_CLAMP_CSS = `
.nv-out { border: 1px solid #ddd; padding: 4px 6px; min-height: 3em; background: #fafafa; }
.nv-diff { background: #ffe08a; }
.nv-row select, .nv-row input { font-size: 11px; }
.nv-slider { width: 180px; }
.nv-value { min-width: 4em; font: 11px ui-monospace, monospace; }
.nv-status { font-size: 11px; color: #555; margin: 6px 0; }
.nv-table { border-collapse: collapse; font-size: 11px; }
.nv-table td, .nv-table th { padding: 1px 8px; text-align: left; }
.nv-mono { font-family: ui-monospace, monospace; white-space: pre; }
.nv-dbar { display: inline-block; height: 8px; vertical-align: middle; }
.nv-code { background: #f4f4f4; padding: 6px; font-size: 11px; max-height: 240px; overflow: auto; }
`;

export default nvWidget(NV_CLAMP_CSS, renderClamp);
