// The training page: replays a recorded run. All numbers come from the JSON block
// #tg-data written by viz/training_page.py; nothing is fetched. Text goes in through
// textContent only; the only markup inserted is the graph SVG our renderer produced.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tg-data').textContent);
  var words = data.words;
  var N = data.loss.length;
  var COLOURS = data.colours;  // viz/palette.py: the same order as the lab's figures
  var k = 0, timer = null;

  function $(id) { return document.getElementById(id); }
  var fmt = tgCharts.fmt;

  // ---- line charts (viz/training/assets/charts.js): a marker moves with the iteration ----
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
  function chart(id, series, log) {
    return tgCharts.lineChart($(id), series, {log: log, colours: COLOURS, marker: true,
                                               xLog: data.x_log}).move;
  }
  function charts() {  // norms on a log scale; a loss spanning decades too ('auto')
    return [chart('tg-loss', [{name: 'loss', values: data.loss}], 'auto'),
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
    var at = lastAtOrBefore(data.frame_iterations, i);
    tgCharts.heatmap(canvas, data.grid, data.frames[at], data.points, data.labels);
    canvas.setAttribute('data-frame', data.frame_iterations[at]);
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
