// The training page: replays a recorded run. All numbers come from the JSON block
// #tg-data written by viz/training_page.py; nothing is fetched. Text goes in through
// textContent only; the only markup inserted is the graph SVG our renderer produced.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tg-data').textContent);
  var words = data.words;
  var N = data.loss.length;
  var COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b',
                 '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  var SVGNS = 'http://www.w3.org/2000/svg';
  var k = 0, timer = null;

  function $(id) { return document.getElementById(id); }
  function fmt(x) {
    if (x === null || x === undefined) return '—';
    if (!isFinite(x)) return String(x);
    if (x === 0) return '0';
    return Number(x.toPrecision(4)).toString();
  }
  function el(name, attrs) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    return e;
  }

  // ---- line charts: series drawn once, a marker moves with the iteration ----
  // Each chart is drawn at the width it is shown at (one SVG unit = one CSS pixel), so
  // its 12 px labels stay 12 px; a resize draws it again.
  var SUPERSCRIPT = {'-': '\u207b', '0': '\u2070', '1': '\u00b9', '2': '\u00b2', '3': '\u00b3',
                     '4': '\u2074', '5': '\u2075', '6': '\u2076', '7': '\u2077', '8': '\u2078',
                     '9': '\u2079'};
  function power(p) {  // 10^p as a reader writes it: 0.001, 1, 100, or 10⁻⁶
    if (p >= -4 && p < 0) return '0.' + new Array(-p).join('0') + '1';
    if (p >= 0 && p <= 4) return '1' + new Array(p + 1).join('0');
    return '10' + String(p).split('').map(function (c) { return SUPERSCRIPT[c]; }).join('');
  }
  function niceStep(span, count) {  // 1, 2 or 5 times a power of ten
    var raw = span / count, base = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 5, 10].map(function (m) { return m * base; });
    return steps.filter(function (s) { return s >= raw; })[0];
  }
  function tickLabel(v, step) {  // as many decimals as the step needs
    var digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return Math.abs(v) < step / 2 ? '0' : v.toFixed(Math.min(digits, 6));
  }
  function yTicks(lo, hi, logScale) {  // [position in the scale, label]
    if (!logScale) {
      var step = niceStep(hi - lo, 4), ticks = [];
      for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
        ticks.push([v, tickLabel(v, step)]);
      }
      return ticks;
    }
    var first = Math.ceil(lo - 1e-9), last = Math.floor(hi + 1e-9);
    var every = Math.max(1, Math.ceil((last - first) / 5)), decades = [];
    for (var p = first; p <= last; p += every) decades.push([p, power(p)]);
    if (decades.length < 2) {  // less than a decade: its ends, in plain numbers
      decades = [[lo, fmt(Number(Math.pow(10, lo).toPrecision(2)))],
                 [hi, fmt(Number(Math.pow(10, hi).toPrecision(2)))]];
    }
    return decades;
  }
  function chart(id, series, logScale) {
    var svg = $(id);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = Math.max(200, Math.round(svg.parentNode.clientWidth - 16) || 420), H = 190;
    var R = 10, T = 10, B = 22, FONT = 12;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var lo = Infinity, hi = -Infinity;
    var tf = function (v) { return logScale ? Math.log10(Math.max(v, 1e-12)) : v; };
    series.forEach(function (s) {
      s.values.forEach(function (v) {
        if (isFinite(v) && v !== null) { lo = Math.min(lo, tf(v)); hi = Math.max(hi, tf(v)); }
      });
    });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-9) { hi = lo + 1; }
    var ticks = yTicks(lo, hi, logScale);
    var L = 10 + FONT * 0.62 * Math.max.apply(null, ticks.map(function (t) { return t[1].length; }));
    var x = function (i) { return L + (W - L - R) * (N > 1 ? i / (N - 1) : 0); };
    var yOf = function (t) { return T + (H - T - B) * (1 - (t - lo) / (hi - lo)); };
    var y = function (v) { return yOf(tf(v)); };
    ticks.forEach(function (tick) {
      var at = yOf(tick[0]);
      svg.appendChild(el('line', {x1: L, y1: at, x2: W - R, y2: at, stroke: '#eee'}));
      var t = el('text', {x: L - 4, y: at + FONT * 0.35, 'text-anchor': 'end', 'font-size': FONT,
                          'class': 'tg-tick-y'});
      t.textContent = tick[1];
      svg.appendChild(t);
    });
    var xStep = niceStep(Math.max(N - 1, 1), Math.max(2, Math.floor((W - L) / 90)));
    for (var i = 0; i <= N - 1; i += xStep) {
      if (i > 0 && x(N - 1) - x(i) < 40) break;  // the last iteration is labelled below
      var tx = el('text', {x: x(i), y: H - 6, 'text-anchor': i ? 'middle' : 'start',
                           'font-size': FONT, 'class': 'tg-tick-x'});
      tx.textContent = String(Math.round(i));
      svg.appendChild(tx);
    }
    var end = el('text', {x: W - R, y: H - 6, 'text-anchor': 'end', 'font-size': FONT,
                          'class': 'tg-tick-x'});
    end.textContent = String(N - 1);
    svg.appendChild(end);
    svg.appendChild(el('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999'}));
    svg.appendChild(el('line', {x1: L, y1: T, x2: L, y2: H - B, stroke: '#999'}));
    var stride = Math.max(1, Math.floor(N / 800));  // at most ~800 points per line
    series.forEach(function (s, j) {
      var pts = [];
      for (var i = 0; i < N; i += stride) {
        if (isFinite(s.values[i]) && s.values[i] !== null) {
          pts.push(x(i).toFixed(1) + ',' + y(s.values[i]).toFixed(1));
        }
      }
      svg.appendChild(el('polyline', {points: pts.join(' '), fill: 'none',
                                      stroke: COLOURS[j % COLOURS.length],
                                      'stroke-width': 1.5}));
    });
    var marker = el('line', {y1: T, y2: H - B, stroke: '#ff8c00', 'stroke-width': 2});
    svg.appendChild(marker);
    return function (i) { marker.setAttribute('x1', x(i)); marker.setAttribute('x2', x(i)); };
  }

  function legend(id, names) {
    var box = $(id);
    names.forEach(function (name, j) {
      var item = document.createElement('span');
      item.className = 'tg-key';
      item.style.borderColor = COLOURS[j % COLOURS.length];
      item.textContent = name;
      box.appendChild(item);
    });
  }

  function seriesOf(table) {
    return Object.keys(table).map(function (name) { return {name: name, values: table[name]}; });
  }
  var gradSeries = seriesOf(data.grad_norms), traceSeries = seriesOf(data.traces).slice(0, 10);
  function charts() {
    return [chart('tg-loss', [{name: 'loss', values: data.loss}], false),
            chart('tg-grads', gradSeries, true), chart('tg-params', traceSeries, false)];
  }
  var markers = charts(), drawnWidth = window.innerWidth;
  window.addEventListener('resize', function () {
    if (window.innerWidth === drawnWidth) return;
    drawnWidth = window.innerWidth;
    markers = charts();
    markers.forEach(function (m) { m(k); });
  });
  legend('tg-grads-key', gradSeries.map(function (s) { return s.name; }));
  legend('tg-params-key', traceSeries.map(function (s) { return s.name; }));

  // ---- decision boundary: the model's output on a grid, the data points on top ----
  var canvas = $('tg-boundary');
  function lastAtOrBefore(list, i) {  // index into list (sorted iterations) of the last <= i
    var best = 0;
    for (var j = 0; j < list.length; j++) { if (list[j] <= i) best = j; }
    return best;
  }
  function drawBoundary(i) {
    if (!canvas || !data.frames.length) return;
    var ctx = canvas.getContext('2d'), n = data.grid.size, S = canvas.width;
    var frame = data.frames[lastAtOrBefore(data.frame_iterations, i)], cell = S / n;
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        var p = frame[r * n + c] / 100;  // row r is the r-th lowest y: draw it from the bottom
        ctx.fillStyle = 'rgb(' + Math.round(120 + 135 * p) + ',' +
          Math.round(160 + 40 * (1 - Math.abs(2 * p - 1))) + ',' + Math.round(255 - 135 * p) + ')';
        ctx.fillRect(c * cell, S - (r + 1) * cell, cell + 1, cell + 1);
      }
    }
    var gx = data.grid.x, gy = data.grid.y;
    data.points.forEach(function (pt, j) {
      ctx.beginPath();
      ctx.arc((pt[0] - gx[0]) / (gx[1] - gx[0]) * S, S - (pt[1] - gy[0]) / (gy[1] - gy[0]) * S,
              data.points.length > 50 ? 3.5 : 7, 0, 2 * Math.PI);
      ctx.fillStyle = data.labels[j] ? '#b2182b' : '#2166ac';
      ctx.fill(); ctx.strokeStyle = '#fff'; ctx.stroke();
    });
    canvas.setAttribute('data-frame', data.frame_iterations[lastAtOrBefore(data.frame_iterations, i)]);
  }

  // ---- the graph of the nearest recorded iteration, and its steps ----
  function nearestSnapshot(i) {
    var best = 0;
    data.snapshots.forEach(function (s, j) {
      if (Math.abs(s.iteration - i) < Math.abs(data.snapshots[best].iteration - i)) best = j;
    });
    return best;
  }
  var shownSnapshot = -1;
  function tint(snapshot) {  // gradient magnitude as colour: faint = vanishing
    var mags = snapshot.grad_magnitude, logs = [];
    Object.keys(mags).forEach(function (id) { if (mags[id] > 0) logs.push(Math.log10(mags[id])); });
    var hi = Math.max.apply(null, logs.concat([-12])), lo = Math.min.apply(null, logs.concat([hi]));
    Object.keys(mags).forEach(function (id) {
      var node = document.querySelector('#tg-graph [id="' + id + '"]');
      if (!node) return;
      var level = mags[id] > 0 ? (Math.log10(mags[id]) - lo) / Math.max(hi - lo, 1e-9) : 0;
      node.querySelectorAll('polygon').forEach(function (shape) {
        shape.setAttribute('fill', 'rgba(214, 39, 40, ' + (0.05 + 0.45 * level).toFixed(2) + ')');
      });
    });
  }
  function showGraph(i) {
    if (!data.snapshots.length) return;
    var j = nearestSnapshot(i);
    if (j === shownSnapshot) return;
    shownSnapshot = j;
    var snapshot = data.snapshots[j];
    $('tg-graph').innerHTML = snapshot.svg;  // produced by our renderer, labels escaped
    tint(snapshot);
    $('tg-graph-title').textContent = words.graph_at.replace('{k}', snapshot.iteration);
    $('tg-open').textContent = words.open.replace('{k}', snapshot.iteration);
    $('tg-open').setAttribute('data-iteration', snapshot.iteration);
  }

  // ---- "Open iteration k": that iteration's explorer page, in a sandboxed frame ----
  // Each recorded iteration's page is deflated base64 in the data; inflated once, when
  // asked (DecompressionStream reads no network), it becomes the frame's srcdoc: the
  // explorer's own script, styles and keys stay inside the frame.
  var pages = {};
  function inflate(packed) {
    var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).text();
  }
  function openExplorer() {
    var j = shownSnapshot, snapshot = data.snapshots[j], frame = $('tg-explorer');
    var title = words.explorer.replace('{k}', snapshot.iteration);
    $('tg-explorer-box').hidden = false;
    $('tg-explorer-title').textContent = words.loading.replace('{k}', snapshot.iteration);
    frame.setAttribute('title', title);
    var page = pages[j] || inflate(snapshot.explorer);
    pages[j] = page;
    page.then(function (text) {
      frame.onload = function () {  // loaded: it has the keys, ← → step it at once
        frame.onload = null;
        frame.contentWindow.focus();
        document.body.setAttribute('data-explorer', snapshot.iteration);
      };
      frame.srcdoc = text;
      $('tg-explorer-title').textContent = title;
      $('tg-explorer-box').scrollIntoView({block: 'start'});
    });
  }
  function closeExplorer() {
    $('tg-explorer-box').hidden = true;
    $('tg-explorer').removeAttribute('srcdoc');
    document.body.removeAttribute('data-explorer');
  }

  // ---- the iteration: everything follows it ----
  function show(i) {
    k = Math.max(0, Math.min(N - 1, i));
    $('tg-slider').value = k;
    markers.forEach(function (m) { m(k); });
    drawBoundary(k);
    showGraph(k);
    $('tg-status').textContent = words.status.replace('{k}', k).replace('{n}', N - 1)
      .replace('{loss}', fmt(data.loss[k])).replace('{acc}', fmt(data.accuracy[k]));
    document.body.setAttribute('data-iteration', k);
  }
  function play() {
    if (timer) { clearInterval(timer); timer = null; }
    else {
      if (k >= N - 1) show(0);
      var jump = Math.max(1, Math.round(N / 200));  // a whole run in about 10 s
      timer = setInterval(function () {
        if (k >= N - 1) { play(); return; }
        show(k + jump);
      }, 50);
    }
    $('tg-play').textContent = timer ? words.pause : words.play;
    $('tg-play').setAttribute('aria-label', timer ? words.pause_name : words.play_name);
  }
  $('tg-play').addEventListener('click', play);
  $('tg-first').addEventListener('click', function () { show(0); });
  $('tg-last').addEventListener('click', function () { show(N - 1); });
  $('tg-prev').addEventListener('click', function () { show(k - 1); });
  $('tg-next').addEventListener('click', function () { show(k + 1); });
  $('tg-slider').addEventListener('input', function () { show(parseInt(this.value, 10)); });
  $('tg-open').addEventListener('click', openExplorer);
  $('tg-close').addEventListener('click', closeExplorer);
  document.addEventListener('keydown', function (event) {
    if (event.target && event.target.tagName === 'INPUT') return;
    if (event.key === 'ArrowRight') { show(k + 1); event.preventDefault(); }
    if (event.key === 'ArrowLeft') { show(k - 1); event.preventDefault(); }
    if (event.key === ' ') { play(); event.preventDefault(); }
  });
  show(0);
})();
