// The charts of a training run, drawn the same way on the training page and in the live
// widget: a line chart (SVG) and the decision-boundary heatmap (canvas). Plain functions,
// no state of their own; the page and the widget concatenate this file before their own.
// Numbers only come in as data (null for a number that is not finite); text goes in
// through textContent.
var tgCharts = (function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var SUPERSCRIPT = {'-': '\u207b', '0': '\u2070', '1': '\u00b9', '2': '\u00b2', '3': '\u00b3',
                     '4': '\u2074', '5': '\u2075', '6': '\u2076', '7': '\u2077', '8': '\u2078',
                     '9': '\u2079'};

  function finite(v) { return v !== null && v !== undefined && isFinite(v); }
  function fmt(x) {
    if (!finite(x)) return '—';
    if (x === 0) return '0';
    return Number(Number(x).toPrecision(4)).toString();
  }
  function el(name, attrs) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    return e;
  }
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

  // Log scale when no value is negative and the positive ones span more than two decades: a loss
  // that falls from 0.7 to 0.001, or gradient norms from 1 down to 1e-9, stay readable.
  function spansDecades(series) {
    var lo = Infinity, hi = -Infinity, negative = false;
    series.forEach(function (s) {
      s.values.forEach(function (v) {
        if (finite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (finite(v) && v < 0) negative = true;
      });
    });
    return !negative && hi / lo > 100;
  }

  // A line chart of `series` ([{name, values}], one value per x) in `svg`, drawn at the
  // width it is shown at (one SVG unit = one CSS pixel, so its 12 px labels stay 12 px).
  // options: log (true, false or 'auto'), xs (the x of each value; default 0..n-1),
  // xLog (a log10(1 + x) axis), colours, width and height (default: the parent's width,
  // 190), marker (a movable marker line). Returns {log, move(i)}.
  function lineChart(svg, series, options) {
    options = options || {};
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var n = series.length ? series[0].values.length : 0;
    var xs = options.xs || null;
    var xAt = function (i) { return xs ? xs[i] : i; };
    var x0 = n ? xAt(0) : 0, x1 = n ? Math.max(xAt(n - 1), x0 + 1) : 1;
    var logScale = options.log === 'auto' || options.log === undefined ? spansDecades(series)
      : Boolean(options.log);
    var colours = options.colours;
    var W = options.width || Math.max(200, Math.round(svg.parentNode.clientWidth - 16) || 420);
    var H = options.height || 190, R = 10, T = 10, B = 22, FONT = 12;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.setAttribute('data-scale', logScale ? 'log' : 'linear');
    var lo = Infinity, hi = -Infinity;
    var tf = function (v) { return logScale ? Math.log10(Math.max(v, 1e-300)) : v; };
    series.forEach(function (s) {
      s.values.forEach(function (v) {
        if (finite(v) && (!logScale || v > 0)) {
          lo = Math.min(lo, tf(v)); hi = Math.max(hi, tf(v));
        }
      });
    });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-9) { var mid = lo; lo = mid - 0.5; hi = mid + 0.5; }  // flat: centred
    var ticks = yTicks(lo, hi, logScale);
    var L = 10 + FONT * 0.62 * Math.max.apply(null, ticks.map(function (t) { return t[1].length; }));
    // a log x axis (log10(1 + x)) when most of the change happens in the first steps
    var xLog = Boolean(options.xLog);
    var xf = function (v) { return xLog ? Math.log10(1 + Math.max(v, 0)) : v; };
    var x = function (v) { return L + (W - L - R) * (xf(v) - xf(x0)) / (xf(x1) - xf(x0)); };
    var yOf = function (t) { return T + (H - T - B) * (1 - (t - lo) / (hi - lo)); };
    ticks.forEach(function (tick) {
      var at = yOf(tick[0]);
      svg.appendChild(el('line', {x1: L, y1: at, x2: W - R, y2: at, stroke: '#eee'}));
      var t = el('text', {x: L - 4, y: at + FONT * 0.35, 'text-anchor': 'end', 'font-size': FONT,
                          'class': 'tg-tick-y'});
      t.textContent = tick[1];
      svg.appendChild(t);
    });
    var xStep = niceStep(Math.max(x1 - x0, 1), Math.max(2, Math.floor((W - L) / 90)));
    var xTicks = [];
    if (xLog) {
      for (var decade = 1; decade < x1; decade *= 10) xTicks.push(decade);
      xTicks.unshift(x0);
    } else {
      for (var t = Math.ceil(x0 / xStep) * xStep; t <= x1; t += xStep) xTicks.push(t);
    }
    svg.setAttribute('data-x-scale', xLog ? 'log' : 'linear');
    xTicks.forEach(function (v) {
      if (v > x0 && x(x1) - x(v) < 40) return;  // the last x is labelled below
      var tx = el('text', {x: x(v), y: H - 6, 'text-anchor': v > x0 ? 'middle' : 'start',
                           'font-size': FONT, 'class': 'tg-tick-x'});
      tx.textContent = String(Math.round(v));
      svg.appendChild(tx);
    });
    var end = el('text', {x: W - R, y: H - 6, 'text-anchor': 'end', 'font-size': FONT,
                          'class': 'tg-tick-x'});
    end.textContent = String(Math.round(n ? xAt(n - 1) : 0));
    svg.appendChild(end);
    svg.appendChild(el('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999'}));
    svg.appendChild(el('line', {x1: L, y1: T, x2: L, y2: H - B, stroke: '#999'}));
    var stride = Math.max(1, Math.floor(n / 800));  // at most ~800 points per line
    series.forEach(function (s, j) {
      var pts = [];
      for (var i = 0; i < n; i += stride) {
        var value = s.values[i];
        if (finite(value)) {  // on a log scale an exact 0 (a dead layer) lies on the axis
          var at = logScale && value <= 0 ? H - B : yOf(tf(value));
          pts.push(x(xAt(i)).toFixed(1) + ',' + at.toFixed(1));
        }
      }
      svg.appendChild(el('polyline', {points: pts.join(' '), fill: 'none',
                                      stroke: colours[j % colours.length], 'stroke-width': 1.5}));
    });
    var move = function () {};
    if (options.marker) {
      var marker = el('line', {y1: T, y2: H - B, stroke: '#ff8c00', 'stroke-width': 2});
      svg.appendChild(marker);
      move = function (i) {
        marker.setAttribute('x1', x(xAt(i))); marker.setAttribute('x2', x(xAt(i)));
      };
    }
    return {log: logScale, move: move};
  }

  // The decision boundary: `values` (0..100, the model's output on a size × size grid,
  // row by row from the lowest y) as colours from blue (0) to red (100), and the data
  // points (grid coordinates in x: [lo, hi], y: [lo, hi]) on top.
  function heatmap(canvas, grid, values, points, labels) {
    var ctx = canvas.getContext('2d'), n = grid.size, S = canvas.width, cell = S / n;
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        var v = values[r * n + c];
        var p = finite(v) ? v / 100 : 0.5;  // row r is the r-th lowest y: draw it from the bottom
        ctx.fillStyle = 'rgb(' + Math.round(120 + 135 * p) + ',' +
          Math.round(160 + 40 * (1 - Math.abs(2 * p - 1))) + ',' + Math.round(255 - 135 * p) + ')';
        ctx.fillRect(c * cell, S - (r + 1) * cell, cell + 1, cell + 1);
      }
    }
    var gx = grid.x, gy = grid.y, radius = points.length > 50 ? 3.5 : 7 * S / 300;
    points.forEach(function (pt, j) {
      ctx.beginPath();
      ctx.arc((pt[0] - gx[0]) / (gx[1] - gx[0]) * S, S - (pt[1] - gy[0]) / (gy[1] - gy[0]) * S,
              radius, 0, 2 * Math.PI);
      ctx.fillStyle = labels[j] ? '#b2182b' : '#2166ac';
      ctx.fill(); ctx.strokeStyle = '#fff'; ctx.stroke();
    });
  }

  return {lineChart: lineChart, heatmap: heatmap, fmt: fmt, finite: finite};
})();
