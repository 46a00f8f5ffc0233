// The live training widget (anywidget ESM): redraws whenever Python sends new `data`.
// Text goes in through textContent; the only markup inserted is the graph SVG that
// viz's renderer produced in the kernel. Its words come from Python (viz.words, "live").
// charts.js (the training page's charts) is put before this file: `tgCharts` draws the
// loss curve and the decision boundary exactly as the page does.
const fmt = tgCharts.fmt;

function curve(svg, xs, ys, colours) {
  tgCharts.lineChart(svg, [{name: 'loss', values: ys}],
                     {xs, log: 'auto', colours, width: 360, height: 150});
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
  if (b) tgCharts.heatmap(canvas, b, b.values, b.points, b.labels);
}

function render({ model, el }) {
  const words = model.get('words') || {};
  el.classList.add('tgl-root');
  el.innerHTML = `<div class="tgl-status" role="status"></div>
<div class="tgl-row"><svg class="tgl-loss" role="img"></svg>
<canvas class="tgl-boundary" width="200" height="200" role="img"></canvas>
<div class="tgl-grads"></div></div>
<p class="tgl-dead" role="alert" hidden></p>
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
    curve(el.querySelector('.tgl-loss'), d.steps, d.loss, d.colours);
    const dead = el.querySelector('.tgl-dead');
    dead.hidden = !d.dead;
    dead.textContent = d.dead || '';
    bars(el.querySelector('.tgl-grads'), d.grad_norms || {});
    boundary(el.querySelector('.tgl-boundary'), d.boundary);
    if (d.graph) el.querySelector('.tgl-graph').innerHTML = d.graph;
  };
  model.on('change:data', draw);
  draw();
  return () => model.off('change:data', draw);
}

export default { render };
