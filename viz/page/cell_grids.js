// Grids of numbers for the panels (conv_panel.js): a table of coloured cells -- blue +,
// red −, as the step panel's tensor tables -- with the numbers in them where they fit, and
// a heatmap of a big matrix with some entries outlined.
function gridScale(rows) {
  var top = 0;
  rows.forEach(function (row) { row.forEach(function (x) {
    if (typeof x === 'number') top = Math.max(top, Math.abs(x));
  }); });
  return top;
}

// rows: 2-D numbers; pad: [rows, cols] drawn around as padding cells showing `padText`;
// mark(i, j): a class name or ''; pick(i, j): called on a click (optional).
function cellGrid(caption, rows, pad, padText, mark, pick) {
  var box = element('figure', 'tg-cells-grid'), table = element('table');
  var height = rows.length, width = rows[0].length, pr = pad[0], pc = pad[1];
  // numbers in the cells when they fit the panel (about 7 px a character), else colours
  var longest = 0;
  rows.forEach(function (row) { row.forEach(function (x) { longest = Math.max(longest, formatNumber(x).length); }); });
  var numbers = (width + 2 * pc) * (longest * 7 + 10) <= 560, scale = gridScale(rows);
  var size = Math.max(6, Math.min(16, Math.floor(300 / (width + 2 * pc))));
  table.className = numbers ? 'tg-cells-numbers' : 'tg-cells-colours';
  for (var i = -pr; i < height + pr; i++) {
    var tr = element('tr');
    for (var j = -pc; j < width + pc; j++) {
      var td = element('td'), inside = i >= 0 && j >= 0 && i < height && j < width;
      if (!numbers) { td.style.width = size + 'px'; td.style.height = size + 'px'; }
      if (!inside) {
        td.className = 'tg-pad';
        if (numbers) td.textContent = padText;
        td.title = padText;
      } else {
        var x = rows[i][j];
        td.style.background = cellColour(x, scale);
        if (numbers) td.textContent = formatNumber(x);
        td.title = '[' + i + ', ' + j + '] ' + formatNumber(x);
        td.setAttribute('data-row', i);
        td.setAttribute('data-col', j);
        td.setAttribute('data-value', x);
        var cls = mark ? mark(i, j) : '';
        if (cls) td.className = cls;
        if (pick) {
          td.classList.add('tg-pickable');
          td.addEventListener('click', pick.bind(null, i, j));
        }
      }
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  box.appendChild(element('figcaption', '', caption));
  box.appendChild(table);
  return box;
}

// A matrix as a heatmap of small rectangles (too many columns for numbers), the entries
// [row, column] of `outlined` framed.
function heatmapMatrix(caption, data, outlined) {
  var rows = data.length, cols = data[0].length, scale = gridScale(data);
  var cw = Math.max(2, Math.min(14, Math.floor(380 / cols)));
  var ch = Math.max(2, Math.min(14, Math.floor(220 / rows)));
  var svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', cols * cw);
  svg.setAttribute('height', rows * ch);
  svg.setAttribute('class', 'tg-cells-matrix');
  var rect = function (r, c, className, fill) {
    var e = document.createElementNS(SVG_NS, 'rect');
    e.setAttribute('x', c * cw); e.setAttribute('y', r * ch);
    e.setAttribute('width', cw); e.setAttribute('height', ch);
    if (className) e.setAttribute('class', className);
    if (fill) e.style.fill = fill;
    svg.appendChild(e);
  };
  data.forEach(function (row, r) { row.forEach(function (x, c) { rect(r, c, '', cellColour(x, scale)); }); });
  outlined.forEach(function (at) { rect(at[0], at[1], 'tg-cells-entry'); });
  var figure = element('figure', 'tg-cells-grid');
  figure.appendChild(element('figcaption', '', caption));
  figure.appendChild(svg);
  return figure;
}
