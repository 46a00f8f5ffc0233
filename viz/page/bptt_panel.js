// Backprop through time on a sequence folded by time step (the document's `bptt`, made by
// viz.bptt): beside the folded graph, a bar per step of ‖∂L/∂h_t‖ (vanishing or exploding
// gradients at a glance) with the factor per step; on W_hh's step, its gradient as the
// sum of one contribution per step, each listed. Every number is the document's.
addPanel((function () {
  var bars = null;     // the bars over the graph (main view only)
  var section = null;  // W_hh's contributions in the step panel
  var hidden = false;  // the learner hid the bars
  var entry = 0;       // which entry of W_hh the sum is written out for

  function W() { return doc.bptt.words; }
  function num(x) { return typeof x === 'number' ? formatNumber(x) : '—'; }
  function term(x) { var t = num(x); return t.charAt(0) === '-' ? '(' + t + ')' : t; }
  function where(index) { return '[' + index.join(', ') + ']'; }
  var SVG = 'http://www.w3.org/2000/svg';
  function svgElement(tag, attributes, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (key) { e.setAttribute(key, attributes[key]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The step of the list that tells time step t of a layer going backward (or forward).
  function stepOf(layer, t) {
    var found = -1;
    steps.forEach(function (s, k) {
      var p = s.panel;
      if (p && p.bptt === 'step' && p.layer === layer && p.t === t && (found < 0 || s.phase === 'backward')) found = k;
    });
    return found;
  }

  // ---- the bars ------------------------------------------------------------------------
  function barRow(layer, key, title) {
    var list = layer.steps, count = list.length;
    var top = Math.max.apply(null, list.map(function (s) { return s[key] || 0; }));
    var width = Math.max(8, Math.min(44, Math.floor(560 / count))), height = 64;
    var wide = width >= 30, labelEvery = Math.ceil(22 / width);
    var factorKey = layer.kind === 'lstm' ? 'grad_c' : 'grad';
    var svg = svgElement('svg', { width: count * width + 4, height: height + (wide ? 44 : 30),
                                  class: 'tg-bptt-svg', 'data-layer': layer.layer, 'data-key': key });
    list.forEach(function (s, i) {
      var value = s[key] || 0, h = top > 0 ? Math.max(1, Math.round(height * value / top)) : 1;
      var g = svgElement('g', { class: 'tg-bptt-bar', 'data-t': s.t, 'data-value': value,
                                tabindex: 0, role: 'button',
                                'aria-label': 't = ' + s.t + ': ' + num(s[key]) });
      var x = 2 + i * width;
      g.appendChild(svgElement('rect', { x: x + 2, y: height - h + (wide ? 14 : 2), width: width - 4,
                                         height: h, class: 'tg-bptt-rect' }));
      g.appendChild(svgElement('title', {}, 't = ' + s.t + ': ' + num(s[key]) +
                               (s.factor !== null ? '  · ×' + num(s.factor) : '')));
      if (wide) g.appendChild(svgElement('text', { x: x + width / 2, y: height - h + 10,
                                                   class: 'tg-bptt-value' }, num(s[key])));
      var base = height + (wide ? 28 : 16);
      if (i % labelEvery === 0 || i === count - 1) {
        g.appendChild(svgElement('text', { x: x + width / 2, y: base, class: 'tg-bptt-t' }, String(s.t)));
      }
      // the factor stands between t − 1 and t, under the lane it multiplies along
      if (wide && key === factorKey && s.factor !== null && i > 0) {
        g.appendChild(svgElement('text', { x: x, y: base + 14, class: 'tg-bptt-factor' },
                                 '×' + Number(s.factor.toPrecision(2))));
      }
      g.addEventListener('click', function () { var k = stepOf(layer.layer, s.t); if (k >= 0) show(k); });
      svg.appendChild(g);
    });
    var box = element('figure', 'tg-bptt-row');
    box.appendChild(element('figcaption', '', title));
    box.appendChild(svg);
    return box;
  }

  function factorLine(layer) {
    var factors = layer.steps.map(function (s) { return s.factor; })
      .filter(function (f) { return typeof f === 'number'; });
    if (!factors.length) return null;
    var low = Math.min.apply(null, factors), high = Math.max.apply(null, factors);
    var range = low === high ? num(low) : num(low) + ' … ' + num(high);
    return element('p', 'tg-bptt-caption', format(W().bars_factor, { name: layer.factor_name }) + ': ' + range);
  }

  function buildBars() {
    bars = element('div', 'tg-bptt-bars');
    bars.id = 'tg-bptt-bars';
    // a click or drag here is about the bars, not a pan of the graph under them
    bars.addEventListener('pointerdown', function (event) { event.stopPropagation(); });
    var toggle = element('button', 'tg-bptt-toggle', W().bars_hide);
    toggle.type = 'button';
    toggle.addEventListener('click', function () { hidden = !hidden; paintBars(); });
    var body = element('div', 'tg-bptt-body');
    var many = doc.bptt.layers.length > 1;
    var kept = doc.bptt.layers.some(function (layer) {
      return layer.steps.some(function (s) { return s.grad !== null; });
    });
    if (!kept) body.appendChild(element('p', 'tg-bptt-caption', W().needs_grads));  // a plain backward()
    if (kept) doc.bptt.layers.forEach(function (layer) {
      var suffix = many ? ' · ' + format(W().bars_layer, { layer: layer.layer }) : '';
      body.appendChild(barRow(layer, 'grad', W().bars_title + suffix));
      if (layer.kind === 'lstm') body.appendChild(barRow(layer, 'grad_c', W().bars_title_c + suffix));
      var line = factorLine(layer);
      if (line) body.appendChild(line);
    });
    bars.appendChild(toggle);
    bars.appendChild(body);
    $('tg-graph').appendChild(bars);
  }

  function paintBars() {
    var body = bars.querySelector('.tg-bptt-body'), toggle = bars.querySelector('.tg-bptt-toggle');
    body.hidden = hidden;
    toggle.textContent = hidden ? W().bars_show : W().bars_hide;
    toggle.setAttribute('aria-expanded', hidden ? 'false' : 'true');
  }

  function markBar(step) {
    if (!bars) return;
    bars.querySelectorAll('.tg-bptt-now').forEach(function (g) { g.classList.remove('tg-bptt-now'); });
    var p = step.panel;
    if (!p || p.bptt !== 'step') return;
    bars.querySelectorAll('svg[data-layer="' + p.layer + '"] .tg-bptt-bar[data-t="' + p.t + '"]')
      .forEach(function (g) { g.classList.add('tg-bptt-now'); });
  }

  // ---- W_hh: the sum of one contribution per step --------------------------------------
  function table(q, className) {  // a small matrix, each number kept whole in data-value
    var t = element('table', 'tg-table ' + (className || ''));
    q.rows.forEach(function (row) {
      var tr = element('tr');
      row.forEach(function (x) {
        var td = element('td', '', num(x));
        td.style.background = cellColour(x, q.scale);
        td.setAttribute('data-value', x);
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    return t;
  }

  function figure(caption, q, className) {
    var f = element('figure', 'tg-bptt-matrix');
    f.appendChild(element('figcaption', '', caption));
    f.appendChild(table(q, className));
    return f;
  }

  function showWeight(layer, question) {
    if (!section) {
      section = element('section');
      section.id = 'tg-bptt';
      var before = $('tg-inspect');
      before.parentNode.insertBefore(section, before);
    }
    section.hidden = false;
    section.replaceChildren();
    var count = layer.steps.length, asking = !!question;
    if (entry >= layer.entries.length) entry = 0;
    var pick = element('label', 'tg-toggle', W().entry + ' ');
    var select = element('select');
    layer.entries.forEach(function (index, i) {
      var option = element('option', '', where(index));
      option.value = i;
      select.appendChild(option);
    });
    select.value = entry;
    select.addEventListener('change', function () { entry = Number(select.value); showWeight(layer, question); });
    pick.appendChild(select);
    section.appendChild(pick);
    var values = layer.per_entry[entry], parts = values.map(term);
    if (parts.length > 8) parts = parts.slice(0, 3).concat(['…'], parts.slice(-2));
    var total = asking && entry === 0 ? '?' : num(layer.totals[entry]);
    section.appendChild(element('p', 'tg-bptt-sum', format(W().entry_line, {
      weight: layer.weight_name, where: where(layer.entries[entry]), parts: parts.join(' + '), total: total })));
    if (!layer.contributions) return;
    section.appendChild(element('p', 'tg-bptt-caption', format(W().contributions, { count: count })));
    var list = element('div', 'tg-bptt-list');
    layer.contributions.forEach(function (q, i) {
      var shown = count <= 8 || i < 3 || i >= count - 2;
      if (!shown && i === 3) list.appendChild(element('p', 'tg-bptt-more', format(W().more_steps, { count: count - 5 })));
      var f = figure(format(W().contribution_of, { t: layer.steps[i].t }), q, 'tg-bptt-part');
      f.setAttribute('data-t', layer.steps[i].t);
      f.hidden = !shown;
      list.appendChild(f);
    });
    section.appendChild(list);
    if (!asking) {
      var sums = element('div', 'tg-bptt-list');
      sums.appendChild(figure(W().total, layer.total, 'tg-bptt-total'));
      if (layer.engine_view) {
        sums.appendChild(figure(format(W().engine, { weight: layer.weight_name }), layer.engine_view,
                                'tg-bptt-engine'));
      }
      section.appendChild(sums);
    }
  }

  return {
    view: function (name) {
      if (!doc.bptt) return;
      if (!bars) buildBars();
      bars.hidden = name !== 'main';  // the bars stand beside the folded sequence
      paintBars();
    },
    step: function (step, k, question) {
      if (!doc.bptt) return;
      markBar(step);
      var p = step.panel, layer = p && p.bptt === 'weight' ? doc.bptt.layers.filter(function (l) {
        return l.layer === p.layer;
      })[0] : null;
      if (layer && layer.entries) showWeight(layer, question);
      else if (section) section.hidden = true;
    },
  };
})());
