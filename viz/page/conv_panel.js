// The cell view of a convolution or pooling step (the document's `cells`, made by
// viz.conv_cells): input, kernel, upstream and output as small heatmap grids, and
//   * ∂L/∂x one input cell at a time: the windows that covered it highlighted, each
//     contribution (upstream × kernel weight) written out, then their sum -- fold's +=;
//   * ∂L/∂W one kernel weight at a time: input × upstream over every window;
//   * the im2col road: unroll, one matrix product, fold back with +=, with the shapes.
// Every number is the document's; this script only looks numbers up and writes them.
addPanel((function () {
  var section = null;  // <section id="tg-cells">, made when first needed
  var shown = null;    // the cell view on screen (doc.cells.views[id]) and what is chosen
  var choice = {};
  var hideTotal = false;

  function W() { return doc.cells.words; }
  function num(x) { return formatNumber(x); }
  function factor(x) { var t = num(x); return t.charAt(0) === '-' ? '(' + t + ')' : t; }
  function sub(v) { return '[' + Array.prototype.join.call(arguments, ', ') + ']'; }

  function ensureSection() {
    if (section) return section;
    section = element('section');
    section.id = 'tg-cells';
    section.setAttribute('aria-label', W().region);
    var before = $('tg-inspect');  // right under the step's text (the grids replace these numbers)
    before.parentNode.insertBefore(section, before);
    return section;
  }

  // ---- what the view holds ----------------------------------------------------------
  function K(v) { return v.kernel[0] * v.kernel[1]; }
  // For every input cell, the [window, kernel cell] pairs that read it: the cells of
  // v.index (im2col's index, viz.conv_cells) that hold it, found once per view.
  function coveringOf(v) {
    if (!v.covering) {
      v.covering = [];
      for (var cell = 0; cell < v.image[0] * v.image[1]; cell++) v.covering.push([]);
      for (var w = 0; w < v.index[0].length; w++) {
        for (var k = 0; k < v.index.length; k++) if (v.index[k][w] >= 0) v.covering[v.index[k][w]].push([w, k]);
      }
    }
    return v.covering;
  }
  function cellOf(v, i, j) { return i * v.image[1] + j; }
  function windowAt(v, w) { return [Math.floor(w / v.out[1]), w % v.out[1]]; }
  function isConv(v) { return v.op === 'conv2d'; }
  function cellName(v, c, i, j) {
    return format(W().cell_name, { x: v.names.x, n: v.sample, c: c, i: i, j: j });
  }
  function outName(v, o, w) {
    var at = windowAt(v, w);
    return format(W().out_name, { y: v.names.y, n: v.sample, o: o, i: at[0], j: at[1] });
  }
  function weightName(v, o, c, k) {
    return format(W().weight_name, { w: v.names.w, o: o, c: c, p: Math.floor(k / v.kernel[1]),
                                     q: k % v.kernel[1] });
  }
  // "a × b + c × d + … + y × z = total": the first terms, the last one, the total
  // (`reveal`: the total is shown even while a practice question is open)
  function sumLine(products, total, reveal) {
    var parts = products.length > 5 ? products.slice(0, 3).concat(['…', products[products.length - 1]])
                                    : products;
    return (parts.length ? parts.join(' + ') : '0') + ' = ' + (hideTotal && !reveal ? '?' : num(total));
  }

  function line(text, className) { return element('p', className || 'tg-cells-line', text); }

  function termList(items) {  // items: [{text, left, right, window, out}]
    var list = element('ol', 'tg-terms');
    items.forEach(function (item) {
      var li = element('li', '', item.text);
      li.setAttribute('data-left', item.left);
      li.setAttribute('data-right', item.right);
      li.setAttribute('data-window', item.window);
      li.addEventListener('mouseenter', function () { spotlight(item.window); });
      li.addEventListener('mouseleave', function () { spotlight(null); });
      list.appendChild(li);
    });
    return list;
  }

  // hovering a term lights its window: its cells on the input, its place on the upstream
  function spotlight(w) {
    section.querySelectorAll('.tg-spot').forEach(function (td) { td.classList.remove('tg-spot'); });
    if (w === null) return;
    var v = shown, at = windowAt(v, w);
    v.index.forEach(function (row) {
      var cell = row[w];
      if (cell < 0) return;
      var td = section.querySelector('[data-grid="x"] td[data-row="' + Math.floor(cell / v.image[1]) +
                                     '"][data-col="' + (cell % v.image[1]) + '"]');
      if (td) td.classList.add('tg-spot');
    });
    section.querySelectorAll('[data-grid="up"] td[data-row="' + at[0] + '"][data-col="' + at[1] + '"]')
      .forEach(function (td) { td.classList.add('tg-spot'); });
  }

  // ---- the view ----------------------------------------------------------------------
  function controls(v, backward) {
    var bar = element('div', 'tg-cells-controls');
    if (backward) {
      var modes = [['cell', W().mode_cell]];
      if (isConv(v)) modes.push(['weight', W().mode_weight], ['im2col', W().mode_im2col]);
      if (modes.length > 1) modes.forEach(function (m) {
        var b = element('button', 'tg-cells-mode', m[1]);
        b.type = 'button';
        b.setAttribute('aria-pressed', choice.mode === m[0] ? 'true' : 'false');
        b.addEventListener('click', function () { choice.mode = m[0]; render(); });
        bar.appendChild(b);
      });
    }
    var pickers = [['c', W().channel_in, v.channels]];
    if (isConv(v)) pickers.push(['o', W().channel_out, v.out_channels]);
    pickers.forEach(function (p) {
      if (p[2] < 2) return;
      var label = element('label', 'tg-toggle', p[1] + ' '), select = element('select');
      select.setAttribute('data-pick', p[0]);
      for (var k = 0; k < p[2]; k++) {
        var option = element('option', '', String(k));
        option.value = k;
        select.appendChild(option);
      }
      select.value = choice[p[0]];
      select.addEventListener('change', function () { choice[p[0]] = Number(select.value); render(); });
      label.appendChild(select);
      bar.appendChild(label);
    });
    if (backward && choice.mode !== 'im2col') {
      var weight = choice.mode === 'weight', count = weight ? K(v) : v.image[0] * v.image[1];
      [[-1, weight ? W().prev_weight : W().prev_cell], [1, weight ? W().next_weight : W().next_cell]]
        .forEach(function (d) {
          var b = element('button', 'tg-cells-nav', d[1]);
          b.type = 'button';
          b.addEventListener('click', function () {
            if (weight) choice.k = (choice.k + d[0] + count) % count;
            else choice.cell = (choice.cell + d[0] + count) % count;
            render();
          });
          bar.appendChild(b);
        });
    }
    return bar;
  }

  // The grids the telling reads from (`top`: input, kernel, upstream) or what it gives
  // (output, and ∂L/∂x from this op), with the marks of the cell or weight chosen.
  function grids(v, backward, marks, top) {
    var row = element('div', 'tg-cells-grids'), c = choice.c, o = isConv(v) ? choice.o : c;
    var padText = v.op === 'max_pool2d' ? '−∞' : '0';
    var add = function (key, caption, rows, pad, mark, pick) {
      var g = cellGrid(caption, rows, pad, padText, mark, pick);
      g.setAttribute('data-grid', key);
      row.appendChild(g);
    };
    if (top) add('x', format(W().grid_input, { x: v.names.x, n: v.sample, c: c }), v.x_values[c], v.padding,
        marks.x, backward && choice.mode === 'cell' ? function (i, j) {
          choice.cell = cellOf(v, i, j); render();
        } : null);
    if (top && isConv(v)) {
      add('w', format(W().grid_kernel, { w: v.names.w, o: o, c: c }), v.weights[o][c], [0, 0], marks.w,
          backward && choice.mode === 'weight' ? function (p, q) {
            choice.k = p * v.kernel[1] + q; render();
          } : null);
    }
    if (top && backward && v.upstream) {
      add('up', format(W().grid_upstream, { y: v.names.y, n: v.sample, o: o }), v.upstream[o], [0, 0],
          marks.up);
    }
    if (!top || !backward) {
      add('y', format(W().grid_output, { y: v.names.y, n: v.sample, o: o }), v.output[o], [0, 0], marks.up);
    }
    if (!top && backward && choice.mode === 'weight') {
      add('gw', format(W().grid_grad_weight, { w: v.names.w, o: o, c: c }), v.grad_w[o][c], [0, 0], marks.w);
    } else if (!top && backward && v.grad_x && !hideTotal) {  // (it would show the answer)
      add('gx', format(W().grid_grad, { x: v.names.x, n: v.sample, c: c }), v.grad_x[c], [0, 0], marks.x);
    }
    return row;
  }

  function cellTelling(v, out) {
    var c = choice.c, o = isConv(v) ? choice.o : c, cell = choice.cell;
    var i = Math.floor(cell / v.image[1]), j = cell % v.image[1], pairs = coveringOf(v)[cell];
    var name = cellName(v, c, i, j), total = v.grad_x[c][i][j];
    var windows = {}, kernelCells = {};
    pairs.forEach(function (pair) { windows[pair[0]] = true; kernelCells[pair[1]] = true; });
    var marks = {
      x: function (a, b) { return a === i && b === j ? 'tg-chosen' : ''; },
      w: function (p, q) { return kernelCells[p * v.kernel[1] + q] ? 'tg-window' : ''; },
      up: function (a, b) { return windows[a * v.out[1] + b] ? 'tg-window' : ''; },
    };
    if (!pairs.length) {
      out.push(line(format(W().sat_in_none, { cell: name, stride: sub(v.stride[0], v.stride[1]) })));
      out.push(line(format(W().fold_total, { cell: name, total: hideTotal ? '?' : num(total) }),
                    'tg-cells-total'));
      return marks;
    }
    out.push(line(format(pairs.length === 1 ? W().sat_in_one : W().sat_in,
                         { cell: name, count: pairs.length })));
    if (isConv(v)) out.push(line(W().conv_rule, 'tg-hint'));
    var items = [], products = [];
    pairs.forEach(function (pair) {
      var w = pair[0], k = pair[1], at = windowAt(v, w), up = v.upstream[o][at[0]][at[1]];
      var right, text;
      if (isConv(v)) {
        right = v.weights[o][c][Math.floor(k / v.kernel[1])][k % v.kernel[1]];
        text = format(W().term_conv, { window: outName(v, o, w), up: num(up),
                                       weight: weightName(v, o, c, k), value: factor(right) });
      } else if (v.op === 'max_pool2d') {
        var max = v.route[c][w];
        right = max === cell ? 1 : 0;
        text = max === cell ? format(W().max_here, { window: outName(v, o, w), up: num(up) })
          : format(W().max_elsewhere, { window: outName(v, o, w),
                                        where: cellName(v, c, Math.floor(max / v.image[1]), max % v.image[1]) });
      } else {
        right = 1 / K(v);
        text = format(W().avg_term, { window: outName(v, o, w), up: num(up), k: K(v) });
      }
      items.push({ text: text, left: up, right: right, window: w });
      // a window whose upstream is 0 (stopped by a ReLU or a max pool after it) adds nothing
      if (up !== 0) products.push(num(up) + ' × ' + (v.op === 'avg_pool2d' ? '1/' + K(v) : factor(right)));
    });
    out.push(termList(items));
    var silent = items.length - products.length;
    if (silent) out.push(line(format(W().zero_upstream, { count: silent, total: items.length }), 'tg-hint'));
    if (isConv(v)) {
      var part = v.per_channel[c][cell][o];
      // with several output channels the question is their sum: each channel's part is shown
      out.push(line(format(W().channel_sum, { o: o, sum: sumLine(products, part, v.out_channels > 1) }),
                    'tg-cells-sum'));
      if (v.out_channels > 1) {
        var parts = v.per_channel[c][cell].filter(function (x) { return x !== 0; }).map(factor);
        out.push(line(format(W().channels_sum, { count: v.out_channels,
                                                 sum: sumLine(parts, total) }), 'tg-cells-sum'));
      }
    } else {
      out.push(line(sumLine(products, total), 'tg-cells-sum'));
    }
    out.push(line(format(W().fold_total, { cell: name, total: hideTotal ? '?' : num(total) }),
                  'tg-cells-total'));
    if (v.engine_x && !hideTotal) {
      out.push(line(format(W().engine_same, { x: v.names.x, where: sub(v.sample, c, i, j),
                                              value: num(v.engine_x[c][i][j]) }), 'tg-cells-engine'));
    }
    return marks;
  }

  function weightTelling(v, out) {
    var c = choice.c, o = choice.o, k = choice.k, p = Math.floor(k / v.kernel[1]), q = k % v.kernel[1];
    var row = v.index[k], cells = {}, onPad = 0, items = [], products = [];
    row.forEach(function (cell, w) {
      var at = windowAt(v, w), up = v.upstream[o][at[0]][at[1]], x = 0, text;
      if (cell < 0) {
        onPad += 1;
        text = format(W().weight_term_pad, { window: outName(v, o, w), up: num(up) });
      } else {
        cells[cell] = true;
        x = v.x_values[c][Math.floor(cell / v.image[1])][cell % v.image[1]];
        text = format(W().weight_term, { window: outName(v, o, w), value: num(x), up: factor(up),
          cell: cellName(v, c, Math.floor(cell / v.image[1]), cell % v.image[1]) });
      }
      items.push({ text: text, left: x, right: up, window: w });
      if (x !== 0 && up !== 0) products.push(num(x) + ' × ' + factor(up));
    });
    var name = weightName(v, o, c, k);
    out.push(line(format(W().weight_used, { weight: name, count: row.length, n: v.sample })));
    if (onPad) out.push(line(format(W().weight_on_padding, { count: onPad }), 'tg-hint'));
    out.push(termList(items));
    if (items.length > products.length) {
      out.push(line(format(W().zero_terms, { count: items.length - products.length, total: items.length }),
                    'tg-hint'));
    }
    var mine = v.grad_w_sample[o][c][p][q], total = v.grad_w[o][c][p][q];
    out.push(line(format(W().weight_sample, { n: v.sample, sum: sumLine(products, mine) }), 'tg-cells-sum'));
    if (v.batch > 1) {
      out.push(line(format(W().weight_batch, { count: v.batch, mine: num(mine),
                                               rest: num(total - mine), total: num(total) }),
                    'tg-cells-sum'));
    }
    out.push(line(format(W().weight_total, { weight: name, total: num(total) }), 'tg-cells-total'));
    if (v.engine_w) {
      out.push(line(format(W().engine_same, { x: v.names.w, where: sub(o, c, p, q),
                                              value: num(v.engine_w[o][c][p][q]) }), 'tg-cells-engine'));
    }
    return {
      x: function (a, b) { return cells[cellOf(v, a, b)] ? 'tg-window' : ''; },
      w: function (a, b) { return a === p && b === q ? 'tg-chosen' : ''; },
      up: function () { return ''; },
    };
  }

  function im2colTelling(v, out) {
    var n = v.batch, c = v.channels, o = v.out_channels, L = v.out[0] * v.out[1], rows = c * K(v);
    var shape = function () { return '(' + Array.prototype.join.call(arguments, ', ') + ')'; };
    var values = { n: n, c: c, h: v.image[0], w: v.image[1], o: o, rows: rows, l: L,
                   ho: v.out[0], wo: v.out[1], x: v.names.x, y: v.names.y, weight: v.names.w };
    [W().im2col_unroll, W().im2col_matmul, W().im2col_back, W().im2col_fold, W().im2col_weight]
      .forEach(function (template) { out.push(line(format(template, values), 'tg-cells-shape')); });
    var cell = choice.cell, pairs = coveringOf(v)[cell], ci = choice.c;
    var i = Math.floor(cell / v.image[1]), j = cell % v.image[1], name = cellName(v, ci, i, j);
    if (!v.columns_grad) { out.push(line(W().im2col_too_big, 'tg-hint')); return {}; }
    var entries = pairs.map(function (pair) { return v.columns_grad[ci * K(v) + pair[1]][pair[0]]; });
    var nonzero = entries.filter(function (x) { return x !== 0; });
    out.push(matrix(v, ci, pairs));
    out.push(line(format(W().im2col_cell, { cell: name, count: pairs.length, shape: shape(rows, L) })));
    out.push(line(sumLine(nonzero.map(factor), v.grad_x[ci][i][j]), 'tg-cells-sum'));
    if (nonzero.length < entries.length) {
      out.push(line(format(W().zero_terms, { count: entries.length - nonzero.length, total: entries.length }),
                    'tg-hint'));
    }
    var windows = {};
    pairs.forEach(function (pair) { windows[pair[0]] = true; });
    return {
      x: function (a, b) { return a === i && b === j ? 'tg-chosen' : ''; },
      up: function (a, b) { return windows[a * v.out[1] + b] ? 'tg-window' : ''; },
    };
  }

  // Wᵀ · upstream of one sample as a heatmap (rows c·kH·kW, one column per window), the
  // entries that fold adds onto the chosen cell outlined.
  function matrix(v, channel, pairs) {
    var entries = pairs.map(function (pair) { return [channel * K(v) + pair[1], pair[0]]; });
    return heatmapMatrix(format(W().im2col_matrix, { x: v.names.x, n: v.sample }), v.columns_grad,
                         entries);
  }

  function notes(v, out) {
    var said = [];
    if (v.padding[0] || v.padding[1]) said.push(format(v.op === 'max_pool2d' ? W().padding_max : W().padding,
                                                       { padding: sub(v.padding[0], v.padding[1]) }));
    if (v.stride[0] > 1 || v.stride[1] > 1) said.push(format(W().stride, { stride: sub(v.stride[0], v.stride[1]) }));
    if (v.dilation[0] > 1 || v.dilation[1] > 1) said.push(format(W().dilation, { dilation: sub(v.dilation[0], v.dilation[1]) }));
    if (v.op === 'max_pool2d') said.push(W().max_route);
    if (v.op === 'avg_pool2d') said.push(format(W().avg_split, { k: K(v) }));
    said.forEach(function (text) { out.push(line(text, 'tg-hint')); });
  }

  function render() {
    var v = shown, backward = choice.backward, out = [], marks = {};
    var titles = { conv2d: W().title_conv2d, max_pool2d: W().title_max_pool2d,
                   avg_pool2d: W().title_avg_pool2d };
    var title = format(titles[v.op], { y: v.names.y });
    if (backward && !v.upstream) out.push(line(W().needs_grads, 'tg-hint'));
    else if (backward && choice.mode === 'weight') marks = weightTelling(v, out);
    else if (backward && choice.mode === 'im2col') marks = im2colTelling(v, out);
    else if (backward) marks = cellTelling(v, out);
    if (backward) notes(v, out);
    section.replaceChildren(element('h3', '', title), controls(v, backward),
                            grids(v, backward, marks, true));
    out.forEach(function (part) { section.appendChild(part); });
    if (backward) section.appendChild(grids(v, backward, marks, false));
    section.setAttribute('data-node', v.node);
    section.setAttribute('data-mode', backward ? choice.mode : 'forward');
  }

  return {
    view: function () { shown = null; },
    step: function (step, k, question) {
      var v = doc.cells && doc.cells.views[step.node];
      var own = v && (step.phase === 'forward' || step.phase === 'backward') &&
        (step.edges || []).indexOf('e_op' + step.node.slice(1) + '_' + step.node + '_0') >= 0;
      document.body.classList.toggle('tg-cells-open', !!own);
      if (!own) { if (section) section.hidden = true; shown = null; return; }
      ensureSection().hidden = false;
      if (shown !== v) {  // a new node: start at its chosen cell and its first weight
        shown = v;
        choice = { mode: 'cell', c: v.start[0], o: 0, k: 0, cell: cellOf(v, v.start[1], v.start[2]) };
      }
      choice.backward = step.phase === 'backward';
      var asked = question && question.cell && question.cell.node === step.node ? question.cell : null;
      hideTotal = !!asked;
      if (asked) {  // practice: the asked cell is shown, its sum hidden until answered
        choice.mode = 'cell';
        choice.c = asked.channel;
        choice.cell = cellOf(v, asked.row, asked.col);
      }
      render();
    },
  };
})());
