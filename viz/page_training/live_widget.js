// The live training widget (anywidget ESM): redraws whenever Python sends new `data`.
// Text goes in through textContent; the only markup inserted is the graph SVG that
// viz's renderer produced in the kernel. Its words come from Python (viz.words, "live").
const SVGNS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function fmt(x) {
  if (x === null || x === undefined || !isFinite(x)) return String(x);
  return Number(Number(x).toPrecision(4)).toString();
}

function curve(svg, xs, ys) {
  svg.replaceChildren();
  const W = 360, H = 150, L = 50, B = 18;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const finite = ys.filter((v) => isFinite(v));
  if (!finite.length) return;
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (hi - lo < 1e-12) hi = lo + 1;
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const px = (x) => L + (W - L - 6) * (x - x0) / (x1 - x0);
  const py = (y) => 6 + (H - B - 6) * (1 - (y - lo) / (hi - lo));
  const line = document.createElementNS(SVGNS, 'polyline');
  line.setAttribute('points', xs.map((x, i) => `${px(x).toFixed(1)},${py(ys[i]).toFixed(1)}`)
    .join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', COLOURS[0]);
  line.setAttribute('stroke-width', '1.5');
  svg.appendChild(line);
  [[hi, 14], [lo, H - B]].forEach(([v, y]) => {
    const t = document.createElementNS(SVGNS, 'text');
    t.setAttribute('x', L - 4); t.setAttribute('y', y); t.setAttribute('text-anchor', 'end');
    t.setAttribute('font-size', '11'); t.textContent = fmt(v);
    svg.appendChild(t);
  });
}

function bars(box, norms) {
  box.replaceChildren();
  const names = Object.keys(norms);
  const logs = names.map((n) => Math.log10(Math.max(norms[n], 1e-12)));
  const lo = Math.min(...logs, -6), hi = Math.max(...logs, lo + 1);
  names.forEach((name, i) => {
    const row = document.createElement('div');
    row.className = 'tgl-bar';
    const label = document.createElement('span');
    label.textContent = `${name}: ${fmt(norms[name])}`;
    const bar = document.createElement('span');
    bar.className = 'tgl-fill';
    bar.style.width = `${(100 * (logs[i] - lo) / (hi - lo)).toFixed(0)}%`;
    row.append(label, bar);
    box.appendChild(row);
  });
}

function boundary(canvas, b) {
  canvas.hidden = !b;
  if (!b) return;
  const ctx = canvas.getContext('2d'), S = canvas.width, n = b.size, cell = S / n;
  b.values.forEach((v, j) => {
    const p = v / 100, r = Math.floor(j / n), c = j % n;
    ctx.fillStyle = `rgb(${Math.round(120 + 135 * p)},${Math.round(160 + 40 * (1 - Math.abs(2 * p - 1)))},${Math.round(255 - 135 * p)})`;
    ctx.fillRect(c * cell, S - (r + 1) * cell, cell + 1, cell + 1);
  });
  b.points.forEach((pt, j) => {
    ctx.beginPath();
    ctx.arc((pt[0] - b.x[0]) / (b.x[1] - b.x[0]) * S, S - (pt[1] - b.y[0]) / (b.y[1] - b.y[0]) * S,
      3, 0, 2 * Math.PI);
    ctx.fillStyle = b.labels[j] ? '#b2182b' : '#2166ac';
    ctx.fill();
  });
}

function render({ model, el }) {
  const words = model.get('words') || {};
  el.classList.add('tgl-root');
  el.innerHTML = `<div class="tgl-status" role="status"></div>
<div class="tgl-row"><svg class="tgl-loss" role="img"></svg>
<canvas class="tgl-boundary" width="200" height="200" role="img"></canvas>
<div class="tgl-grads"></div></div>
<details class="tgl-graph-box"><summary></summary><div class="tgl-graph"></div></details>`;
  el.querySelector('.tgl-loss').setAttribute('aria-label', words.loss || '');
  el.querySelector('.tgl-boundary').setAttribute('aria-label', words.boundary || '');
  el.querySelector('.tgl-graph-box summary').textContent = words.graph || '';
  const status = el.querySelector('.tgl-status');
  const draw = () => {
    const d = model.get('data') || {};
    if (!d.last) return;
    const extra = Object.keys(d.last).filter((k) => k !== 'step' && k !== 'loss')
      .map((k) => `${k} ${fmt(d.last[k])}`).join(' · ');
    const said = (words.status || '').replace('{step}', d.last.step).replace('{loss}', fmt(d.last.loss));
    status.textContent = said + (extra ? ' · ' + extra : '');
    el.dataset.step = d.last.step;
    curve(el.querySelector('.tgl-loss'), d.steps, d.loss);
    bars(el.querySelector('.tgl-grads'), d.grad_norms || {});
    boundary(el.querySelector('.tgl-boundary'), d.boundary);
    if (d.graph) el.querySelector('.tgl-graph').innerHTML = d.graph;
  };
  model.on('change:data', draw);
  draw();
  return () => model.off('change:data', draw);
}

export default { render };
