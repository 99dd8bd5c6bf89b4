// neuroviz/static/common.js: helpers shared by every neuroviz widget. neuroviz.widgets prepends this file to each
// widget's own module (no CDN, no build step), so these names are module-private in every widget.
// Text from the model (tokens, labels) only ever reaches the page through textContent or canvas fillText: never HTML.

/** Half-float bit patterns -> float32, computed once. */
const NV_HALF = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
    t[h] = e === 0 ? s * f * 2 ** -24 : e === 31 ? (f ? NaN : s * Infinity) : s * (1 + f / 1024) * 2 ** (e - 15);
  }
  return t;
})();

/**
 * Decode a packed array (a bytes trait, which arrives as a DataView) into a Float32Array.
 * @param {DataView|null} view
 * @param {{dtype: string, shape: number[], scale?: number, offset?: number}} meta
 * @returns {Float32Array}
 */
function nvDecode(view, meta) {
  const n = (meta && meta.shape || []).reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (!view || !meta || n === 0) return out;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (meta.dtype === 'uint8') {
    const s = meta.scale, o = meta.offset;
    for (let i = 0; i < n; i++) out[i] = o + bytes[i] * s;
  } else if (meta.dtype === 'float16') {
    const u = new Uint16Array(bytes.slice(0, 2 * n).buffer);
    for (let i = 0; i < n; i++) out[i] = NV_HALF[u[i]];
  } else if (meta.dtype === 'float32') {
    out.set(new Float32Array(bytes.slice(0, 4 * n).buffer));
  } else if (meta.dtype === 'int32') {
    out.set(new Int32Array(bytes.slice(0, 4 * n).buffer));
  } else if (meta.dtype === 'rgb8') {
    for (let i = 0; i < n; i++) out[i] = bytes[i];
  } else {
    throw new Error('neuroviz: unknown dtype ' + meta.dtype);
  }
  return out;
}

/** Diverging colormap (blue - near white - red), centred at 0, as a 256-entry RGB lookup over [-1, 1]. */
const NV_LUT = (() => {
  const neg = [33, 102, 172], mid = [247, 247, 247], pos = [178, 24, 43];
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 127.5 - 1, end = t < 0 ? neg : pos, a = Math.abs(t);
    for (let c = 0; c < 3; c++) lut[3 * i + c] = mid[c] + (end[c] - mid[c]) * a;
  }
  return lut;
})();

/** Sequential colormap (viridis-like: dark blue - green - yellow) over [0, 1], for overlays on photos. */
const NV_SEQ = (() => {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1), j = Math.min(stops.length - 2, Math.floor(x)), f = x - j;
    for (let c = 0; c < 3; c++) lut[3 * i + c] = stops[j][c] + (stops[j + 1][c] - stops[j][c]) * f;
  }
  return lut;
})();

/**
 * A robust colour range: the q-quantile of |values| (from a 2048-bin histogram, no sort), so that one extreme value
 * does not wash out the rest; values beyond it saturate.
 */
function nvRobustMax(a, q = 0.999) {
  const m = nvAbsMax(a);
  if (!(m > 0) || a.length < 1000) return m;
  const bins = 2048, h = new Uint32Array(bins);
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v <= m) h[Math.min(bins - 1, Math.floor((v / m) * bins))]++; }
  let need = Math.ceil(a.length * q), acc = 0;
  for (let b = 0; b < bins; b++) { acc += h[b]; if (acc >= need) return Math.max(m / bins, ((b + 1) / bins) * m); }
  return m;
}

/** Index into NV_LUT for value v with symmetric range vmax. */
function nvLutIndex(v, vmax) {
  if (!(vmax > 0) || Number.isNaN(v)) return 128;
  const t = Math.max(-1, Math.min(1, v / vmax));
  return Math.round((t + 1) * 127.5);
}

/** CSS colour for value v with symmetric range vmax. */
function nvCss(v, vmax) {
  const i = 3 * nvLutIndex(v, vmax);
  return `rgb(${NV_LUT[i]},${NV_LUT[i + 1]},${NV_LUT[i + 2]})`;
}

/** Largest absolute finite value. */
function nvAbsMax(a) {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > m && v !== Infinity) m = v; }
  return m;
}

/** A token made visible: whitespace shown as symbols (the text itself stays text, never HTML). */
function nvShow(tok) {
  return String(tok).replace(/\n/g, '\u21b5').replace(/\t/g, '\u21e5').replace(/ /g, '\u00b7') || '\u2205';
}

/** Format a number for display. */
function nvFmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(3);
}

/** Create an element with a class and optional text (textContent: always escaped). */
function nvEl(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A tooltip inside `root` that follows the mouse; set(lines) with plain strings. */
function nvTooltip(root) {
  const tip = nvEl('div', 'nv-tip');
  tip.style.display = 'none';
  root.appendChild(tip);
  return {
    el: tip,
    show(ev, lines) {
      tip.replaceChildren(...lines.map((l) => nvEl('div', '', l)));
      const r = root.getBoundingClientRect();
      tip.style.left = `${ev.clientX - r.left + 14}px`;
      tip.style.top = `${ev.clientY - r.top + 14}px`;
      tip.style.display = 'block';
    },
    hide() { tip.style.display = 'none'; },
  };
}

/** Send a namespaced event to Python. */
function nvSend(model, kind, payload) {
  model.send({ kind: `neuroviz:${kind}`, ...payload });
}

/** Mark the first paint of a widget for benchmarks (performance.getEntriesByName). */
function nvMarkPaint(model) {
  const id = model.get('uid') || 'widget';
  if (!performance.getEntriesByName(`neuroviz:paint:${id}`).length) performance.mark(`neuroviz:paint:${id}`);
}

/** A colour legend: a gradient bar from -vmax to +vmax. */
function nvLegend(vmax, label) {
  const box = nvEl('div', 'nv-legend');
  const c = document.createElement('canvas');
  c.width = 128; c.height = 10;
  const g = c.getContext('2d');
  for (let x = 0; x < 128; x++) { g.fillStyle = nvCss((x / 127.5 - 1) * vmax, vmax); g.fillRect(x, 0, 1, 10); }
  box.append(nvEl('span', '', nvFmt(-vmax)), c, nvEl('span', '', nvFmt(vmax)));
  if (label) box.append(nvEl('span', 'nv-legend-label', label));
  return box;
}

const NV_CSS = `
.nv-root { font: 12px/1.35 system-ui, -apple-system, Segoe UI, sans-serif; color: #222; position: relative; }
.nv-title { font-weight: 600; margin: 2px 0 6px; }
.nv-tip { position: absolute; z-index: 10; pointer-events: none; background: rgba(20,20,20,.92); color: #fff;
  padding: 4px 7px; border-radius: 4px; white-space: pre; font: 11px/1.4 ui-monospace, monospace; max-width: 480px; overflow: hidden; }
.nv-legend { display: inline-flex; align-items: center; gap: 6px; font-size: 11px; color: #555; margin: 4px 0; }
.nv-legend canvas { border: 1px solid #ccc; }
.nv-legend-label { margin-left: 8px; }
.nv-bar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; font-size: 11px; color: #444; }
.nv-bar button { font-size: 11px; padding: 1px 7px; cursor: pointer; }
.nv-scroll { overflow: auto; border: 1px solid #ddd; position: relative; max-width: 100%; }
.nv-text { font: 13px/1.9 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; word-break: break-all; }
.nv-tok { border-radius: 2px; cursor: pointer; padding: 1px 0; }
.nv-tok.nv-sel { outline: 2px solid #111; }
.nv-grid { display: grid; gap: 6px; }
.nv-thumb { cursor: pointer; border: 2px solid transparent; text-align: center; font-size: 10px; }
.nv-thumb.nv-sel { border-color: #111; }
`;

/** Attach the shared style sheet once per root. */
function nvStyle(el) {
  const s = document.createElement('style');
  s.textContent = NV_CSS;
  el.appendChild(s);
}

/**
 * An anywidget module object: mounts a root with neuroviz's styles (plus `css`), the title, then `render(model, root)`,
 * and marks the first paint.
 */
function nvWidget(css, render) {
  return {
    render({ model, el }) {
      const root = nvEl('div', 'nv-root');
      nvStyle(root);
      if (css) { const st = document.createElement('style'); st.textContent = css; root.append(st); }
      el.append(root);
      if (model.get('title')) root.append(nvEl('div', 'nv-title', model.get('title')));
      render(model, root);
      requestAnimationFrame(() => requestAnimationFrame(() => nvMarkPaint(model)));
    },
  };
}
