// Two overlays on the drawing, each behind a checkbox: nodes shaded by log |grad| (dead
// ones grey and marked), and beside each leaf the central-difference gradient against the
// backprop one, a mismatch in red. Their numbers come from the document's `nodes`.
var RAMP = [[247, 247, 247], [253, 212, 158], [252, 141, 89], [239, 101, 72]];
function rampColour(t) {
  var x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1), i = Math.min(RAMP.length - 2, Math.floor(x));
  var f = x - i, c = RAMP[i].map(function (v, j) { return Math.round(v + (RAMP[i + 1][j] - v) * f); });
  return 'rgb(' + c.join(',') + ')';
}
function nodesWith(key) {
  return Object.keys(doc.nodes || {}).filter(function (id) {
    var info = doc.nodes[id];
    return info[key] !== undefined && info[key] !== null && document.getElementById(id);
  });
}
function paintColours() {
  canvas.querySelectorAll('.tg-dead-mark').forEach(function (e) { e.remove(); });
  canvas.querySelectorAll('[data-tg-fill]').forEach(function (e) {
    e.style.fill = ''; e.removeAttribute('data-tg-fill');
  });
  var on = $('tg-colour').checked, ids = nodesWith('grad_abs');
  $('tg-scale').hidden = !on;
  if (!on) return;
  var logs = ids.map(function (id) { return doc.nodes[id].grad_abs; })
    .filter(function (g) { return g > 0; }).map(Math.log10);
  var low = Math.min.apply(null, logs), high = Math.max.apply(null, logs);
  $('tg-scale-low').textContent = logs.length ? formatNumber(Math.pow(10, low)) : '';
  $('tg-scale-high').textContent = logs.length ? formatNumber(Math.pow(10, high)) : '';
  ids.forEach(function (id) {
    var info = doc.nodes[id], g = document.getElementById(id);
    var cell = g.querySelector('polygon:not([fill="none"])');
    if (!cell) return;
    var dead = info.dead || info.grad_abs === 0;
    cell.setAttribute('data-tg-fill', '1');
    cell.style.fill = dead ? '#cfcfcf'
      : rampColour(high > low ? (Math.log10(info.grad_abs) - low) / (high - low) : 1);
    if (dead) {
      var b = g.getBBox(), mark = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      mark.setAttribute('class', 'tg-dead-mark');
      mark.setAttribute('x', b.x + b.width + 3);
      mark.setAttribute('y', b.y + 10);
      mark.textContent = '× ' + words.dead;
      g.parentNode.appendChild(mark);
    }
  });
}
function paintChecks() {
  canvas.querySelectorAll('.tg-check').forEach(function (e) { e.remove(); });
  var on = $('tg-gradcheck').checked, ids = nodesWith('check'), bad = [];
  var summary = $('tg-check-summary');
  summary.hidden = !on;
  if (!on) return;
  ids.forEach(function (id) {
    var c = doc.nodes[id].check, g = document.getElementById(id), b = g.getBBox();
    var mark = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    var rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    var text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    mark.setAttribute('class', 'tg-check' + (c.ok ? '' : ' tg-check-bad'));
    mark.setAttribute('data-node', id);
    text.setAttribute('class', 'tg-check-text');
    text.setAttribute('text-anchor', 'end');  // left of the leaf: in a drawing that runs
    var template = Array.isArray(c.numeric) ? (c.ok ? words.check_tensor_ok : words.check_tensor_bad)
                                            : (c.ok ? words.check_ok : words.check_bad);
    var lines = format(template, { numeric: formatNumber(c.numeric),  // left to right, leaves
                                   backprop: formatNumber(c.backprop), // have nothing there
                                   error: formatNumber(c.error) }).split('\n');
    lines.forEach(function (line, i) {
      var span = document.createElementNS('http://www.w3.org/2000/svg', 'tspan');
      span.setAttribute('x', b.x - 6);
      span.setAttribute('dy', i ? '1.2em' : 0);
      span.textContent = line;
      text.appendChild(span);
    });
    text.setAttribute('y', b.y + 12);
    rect.setAttribute('class', 'tg-check-box');
    mark.appendChild(rect);
    mark.appendChild(text);
    g.parentNode.appendChild(mark);
    var t = text.getBBox();
    rect.setAttribute('x', t.x - 3); rect.setAttribute('y', t.y - 2);
    rect.setAttribute('width', t.width + 6); rect.setAttribute('height', t.height + 4);
    if (!c.ok) bad.push(doc.nodes[id].name || id);
  });
  summary.textContent = bad.length ? format(words.check_some_bad, { count: bad.length, total: ids.length,
                                                                    names: bad.join(', ') })
                                   : format(words.check_all_ok, { total: ids.length });
}
