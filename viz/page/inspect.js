// The current node's numbers in the step panel: a scalar as it is, a tensor of at most
// 8×8 as a table coloured by sign (blue +, red −) and size (|x| / the largest |x|), a
// bigger one as its statistics and a thumbnail heatmap of block means.
var SVG_NS = 'http://www.w3.org/2000/svg';

function cellColour(x, scale) {
  if (typeof x !== 'number' || !scale) return 'transparent';
  var strength = 0.12 + 0.6 * Math.min(1, Math.abs(x) / scale);
  return x >= 0 ? 'rgba(31, 95, 191, ' + strength.toFixed(2) + ')'
                : 'rgba(192, 57, 43, ' + strength.toFixed(2) + ')';
}

function element(tag, className, text) {
  var e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function shapeText(shape) {
  return '(' + shape.join(', ') + (shape.length === 1 ? ',)' : ')');
}

function quantityView(q) {
  if (q.kind === 'table') {
    var table = element('table', 'tg-table');
    q.rows.forEach(function (row) {
      var tr = element('tr');
      row.forEach(function (x) {
        var td = element('td', '', typeof x === 'number' ? formatNumber(x) : String(x));
        td.style.background = cellColour(x, q.scale);
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    return table;
  }
  if (q.kind === 'summary') {
    var box = element('div', 'tg-summary');
    var stats = ['mean', 'std', 'min', 'max'].map(function (key) {
      return key + ' ' + (typeof q[key] === 'number' ? formatNumber(q[key]) : q[key]);
    }).join('  ');
    box.appendChild(element('div', '', shapeText(q.shape) + '  ' + stats));
    var heat = q.heatmap, size = Math.max(3, Math.min(10, Math.floor(160 / heat.cols)));
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('width', heat.cols * size);
    svg.setAttribute('height', heat.rows * size);
    svg.setAttribute('class', 'tg-heatmap');
    heat.cells.forEach(function (v, i) {
      var rect = document.createElementNS(SVG_NS, 'rect');
      rect.setAttribute('x', (i % heat.cols) * size);
      rect.setAttribute('y', Math.floor(i / heat.cols) * size);
      rect.setAttribute('width', size);
      rect.setAttribute('height', size);
      rect.style.fill = cellColour(v, 1);
      svg.appendChild(rect);
    });
    box.appendChild(svg);
    return box;
  }
  return element('span', 'tg-scalar', q.text);
}

// Fill `target` with the numbers of each entry {info, showGrad, gradText}: the node's
// value and, when showGrad, its gradient -- gradText when the drawing shows something else
// than the final gradient (a second pass), else grad_view. Scalars are in the drawing
// already, so only tensors are shown here.
function inspect(target, entries) {
  target.replaceChildren();
  entries.forEach(function (entry) {
    var info = entry.info, parts = [];
    if (!info) return;
    if (info.value_view && info.value_view.kind !== 'scalar') {
      parts.push(element('div', 'tg-inspect-label tg-phase-forward', words.value));
      parts.push(quantityView(info.value_view));
    }
    if (entry.showGrad && info.grad_view && info.grad_view.kind !== 'scalar') {
      parts.push(element('div', 'tg-inspect-label tg-phase-backward', words.grad));
      parts.push(entry.gradText === null ? quantityView(info.grad_view)
                                         : element('span', 'tg-scalar', entry.gradText));
    }
    if (!parts.length) return;
    var head = info.name + (info.kind_text ? ' · ' + info.kind_text : '');
    if (info.shape) head += ' · ' + shapeText(info.shape) + (info.dtype ? ' ' + info.dtype : '');
    var box = element('div', 'tg-inspect-node');
    box.appendChild(element('div', 'tg-inspect-head', head));
    parts.forEach(function (part) { box.appendChild(part); });
    target.appendChild(box);
  });
  target.hidden = !target.children.length;
}
