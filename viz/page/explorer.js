// The explorer: steps through the forward and backward passes of one graph.
// Its data are two inert JSON blocks: the explorer document (viz.explorer_document) in
// <script id="tg-doc"> and the page's own words and settings in <script id="tg-config">.
// Every piece of text goes into the page through textContent, never as markup.
var $ = function (id) { return document.getElementById(id); };
var readJson = function (id) { return JSON.parse($(id).textContent); };
var config = readJson('tg-config'), doc = readJson('tg-doc'), words = config.words;
var format = function (template, values) {
  return template.replace(/\{(\w+)\}/g, function (all, key) {
    return key in values ? values[key] : all;
  });
};

var box = $('tg-graph'), canvas = $('tg-canvas');
var view = PanZoom(box, canvas);
var svgs = { main: canvas.querySelector('svg') };  // drawings of the views seen so far
var viewName = 'main', steps = [], alias = {}, current = 0;
var texts = [];      // {element, node, kind: 'value' | 'grad', original, and what is shown}
var listed = null;   // the step list's item marked as current
var marked = [];     // the drawing's elements highlighted for the current step
var changesAt = {};  // step -> the texts whose content or visibility changes at that step
var textsOf = {};    // "n3 grad" -> its text elements
var shownStep = -1;  // the step the texts show now (-1: none yet in this view)
var marksAsked = {}; // the "?" marks of the step shown
var valueAt = {}, gradAt = {}, overrides = {};
var edgesOf = {};    // op id -> the edge elements that touch it
var practice = { on: !!config.practice, level: 1, done: {}, right: 0, asked: 0 };
var timer = null;

// ---- views: the whole graph, or one folded group expanded --------------------------
function drawingOf(name) {
  if (!svgs[name]) {  // an inert <template>: nothing in it ran, and it is drawn only now
    svgs[name] = document.importNode($('tg-svg-' + name).content.firstElementChild, true);
  }
  var svg = svgs[name], box = svg.viewBox.baseVal;
  if (box && box.width) {  // natural size: one SVG unit is one CSS pixel
    svg.setAttribute('width', box.width);
    svg.setAttribute('height', box.height);
  }
  return svg;
}

function loadView(name) {
  var spec = doc.views[name];
  viewName = name;
  canvas.replaceChildren(drawingOf(name));
  marked = [];
  steps = spec.steps || [];
  alias = spec.alias || {};
  texts = []; valueAt = {}; gradAt = {}; overrides = {}; edgesOf = {};
  canvas.querySelectorAll('g.value').forEach(function (node) {
    node.querySelectorAll('text').forEach(function (text) {
      var fill = (text.getAttribute('fill') || '').toLowerCase();
      var kind = fill === config.value_colour ? 'value' : fill === config.grad_colour ? 'grad' : null;
      if (kind) texts.push({ element: text, node: node.id, kind: kind, original: text.textContent,
                             shown: text.textContent, visible: true, ask: false });
    });
  });
  canvas.querySelectorAll('g.edge').forEach(function (edge) {
    var title = edge.querySelector('title');
    (title ? title.textContent.split('->') : []).forEach(function (end) {
      (edgesOf[end] = edgesOf[end] || []).push(edge);
    });
  });
  steps.forEach(function (step, k) {
    (step.values || []).forEach(function (id) { if (!(id in valueAt)) valueAt[id] = k; });
    (step.grads || []).forEach(function (id) { if (!(id in gradAt)) gradAt[id] = k; });
    Object.keys(step.show || {}).forEach(function (id) {
      Object.keys(step.show[id]).forEach(function (kind) {
        (overrides[id + ' ' + kind] = overrides[id + ' ' + kind] || []).push([k, step.show[id][kind]]);
      });
    });
  });
  changesAt = {}; textsOf = {}; shownStep = -1; marksAsked = {};
  texts.forEach(function (t) {  // what a step needs of each text, worked out once per view
    t.key = t.node + ' ' + t.kind;
    t.at = (t.kind === 'value' ? valueAt : gradAt)[t.node];
    t.overrides = overrides[t.key] || [];
    // a node no step of this view tells about (context around an expanded group) is shown
    t.told = t.at !== undefined || t.overrides.length > 0;
    [t.at].concat(t.overrides.map(function (pair) { return pair[0]; })).forEach(function (k) {
      if (k !== undefined) (changesAt[k] = changesAt[k] || []).push(t);
    });
    (textsOf[t.key] = textsOf[t.key] || []).push(t);
  });
  $('tg-back').hidden = !spec.parent;
  $('tg-box-hint').textContent = '';
  $('tg-slider').max = Math.max(0, steps.length - 1);
  buildList();
  buildGroups(spec);
  paintColours();
  paintChecks();
  view.reset();
  tellPanels('view', name);  // extension point (panels.js)
  show(0);
}

// The boxes of this view that open into a view of their own, as buttons (the keyboard's
// way in; a click on the box in the drawing does the same).
function buildGroups(spec) {
  var list = $('tg-groups-list'), ids = (spec.groups || []).filter(function (id) {
    return doc.views[id] && document.getElementById(id);
  });
  list.replaceChildren();
  $('tg-groups').hidden = !ids.length;
  ids.forEach(function (id) {
    var item = document.createElement('li'), button = document.createElement('button');
    button.type = 'button';
    button.textContent = Array.from(document.getElementById(id).querySelectorAll('text'))
      .map(function (text) { return text.textContent; }).join(' ');  // the box's label
    button.addEventListener('click', function () { loadView(id); });
    item.appendChild(button);
    list.appendChild(item);
  });
}

function buildList() {
  var list = $('tg-list');
  listed = null;
  list.replaceChildren();
  steps.forEach(function (step, k) {
    var item = document.createElement('li'), button = document.createElement('button');
    button.type = 'button';
    button.textContent = step.title;
    button.className = 'tg-phase-' + step.phase;
    button.addEventListener('click', function () { show(k); });
    item.appendChild(button);
    list.appendChild(item);
  });
}

// ---- practice: questions hide what they ask about until answered --------------------
function questionsOf(step) {
  var p = step && step.practice;
  if (!p || !practice.on) return [];
  return (p.questions || []).filter(function (q) { return (q.level || 1) <= practice.level; });
}
function answered(k) { return practice.done[viewName + ':' + k] || 0; }
function pending(k) { return questionsOf(steps[k]).length > answered(k); }
function shownLines(step, k) {
  if (!pending(k)) return step.lines;
  var p = step.practice;
  return (practice.level > 1 && p.masked_hard) || p.masked || step.lines;
}

function showPractice(k) {
  var form = $('tg-practice'), questions = questionsOf(steps[k]);
  form.hidden = !practice.on;
  document.body.classList.toggle('tg-practising', practice.on);
  if (!practice.on) return;
  var asked = answered(k);
  var open = asked < questions.length;
  $('tg-question').textContent = open ? questions[asked].prompt
    : questions.length ? words.all_answered : words.no_question;
  $('tg-answer').disabled = $('tg-check').disabled = !open;
  $('tg-score').textContent = format(words.score, { right: practice.right, asked: practice.asked });
}

function check(event) {
  event.preventDefault();
  var k = current, questions = questionsOf(steps[k]), asked = answered(k);
  if (asked >= questions.length) return;
  var question = questions[asked], given = parseAnswer($('tg-answer').value);
  var feedback = $('tg-feedback');
  if (isNaN(given)) {  // not counted: say what can be typed
    feedback.textContent = words.not_a_number;
    feedback.className = 'tg-wrong';
    return;
  }
  var right = isClose(given, question.answer);
  practice.asked += 1;
  if (right) practice.right += 1;
  practice.done[viewName + ':' + k] = asked + 1;
  feedback.textContent = (right ? words.right : words.wrong) + ' ' + question.worked;
  feedback.className = right ? 'tg-right' : 'tg-wrong';
  $('tg-answer').value = '';
  show(k, true);
  if (!$('tg-answer').disabled) $('tg-answer').focus();
}

// ---- one step ------------------------------------------------------------------------
function shape(id) { return document.getElementById(alias[id] || id); }
function latest(id, kind) {
  var list = overrides[id + ' ' + kind], found;
  (list || []).forEach(function (pair) { if (pair[0] <= current) found = pair[1]; });
  return found;
}

function refresh(t, askAbout) {
  var override;
  for (var i = 0; i < t.overrides.length && t.overrides[i][0] <= current; i++) {
    override = t.overrides[i][1];
  }
  var visible = !t.told || t.at <= current || override !== undefined;
  var ask = !!(visible && askAbout[t.key]);
  var text = ask ? '?' : override !== undefined ? override : t.original;
  if (text !== t.shown) { t.element.textContent = text; t.shown = text; }
  if (visible !== t.visible) { t.element.classList.toggle('tg-hidden', !visible); t.visible = visible; }
  if (ask !== t.ask) { t.element.classList.toggle('tg-ask', ask); t.ask = ask; }
}

function show(k, keepFeedback) {
  if (!steps.length) return;
  current = Math.max(0, Math.min(steps.length - 1, k));
  var step = steps[current], asking = pending(current);
  var askAbout = {};
  // while a question is open, the drawing shows "?" where the answer would appear
  if (asking && step.phase === 'forward') (step.values || []).forEach(function (id) {
    askAbout[id + ' value'] = true;
  });
  if (asking && step.phase !== 'forward') {
    (step.grads || []).concat(step.receives || [], Object.keys(step.show || {}))
      .forEach(function (id) { askAbout[id + ' grad'] = true; });
  }
  // Only the texts that change between the step shown and this one are touched, so a
  // step costs little even when thousands of nodes are drawn.
  var low = Math.min(shownStep, current), high = Math.max(shownStep, current), todo = [];
  if (shownStep < 0) todo = texts;
  else for (var j = low + 1; j <= high; j++) todo = todo.concat(changesAt[j] || []);
  Object.keys(askAbout).concat(Object.keys(marksAsked)).forEach(function (key) {
    todo = todo.concat(textsOf[key] || []);  // "?" marks come and go with the questions
  });
  todo.forEach(function (t) { refresh(t, askAbout); });
  shownStep = current;
  marksAsked = askAbout;
  marked.forEach(function (e) {
    e.classList.remove('tg-current', 'tg-current-op', 'tg-receives', 'tg-edge');
  });
  marked = [];
  var mark = function (e, name) { if (e) { e.classList.add(name); marked.push(e); } };
  var node = shape(step.node), number = step.node.replace(/^n/, '');
  var op = shape('op' + number);
  mark(node, 'tg-current');
  if (op !== node) mark(op, 'tg-current-op');
  if (step.phase !== 'forward') (step.receives || step.grads || []).forEach(function (id) {
    var target = shape(id);
    if (target !== node) mark(target, 'tg-receives');
  });
  var edges = step.edges ? step.edges.map(function (id) { return document.getElementById(id); })
                         : edgesOf['op' + number] || [];
  edges.forEach(function (e) { mark(e, 'tg-edge'); });

  $('tg-title').textContent = step.title;
  $('tg-title').className = 'tg-phase-' + step.phase;
  $('tg-text').textContent = shownLines(step, current).join('\n');
  var rule = step.phase !== 'forward' && step.rule !== false
    && ((doc.nodes || {})[step.node] || {}).math;
  $('tg-rule').textContent = rule ? words.rule + ' ' + rule : '';  // the op's derivative
  var counter = format(words.counter, { k: current + 1, n: steps.length });
  if (step.pass && step.pass > 1) counter += ' · ' + format(words.pass, { pass: step.pass });
  $('tg-counter').textContent = counter;
  $('tg-slider').value = current;
  document.body.setAttribute('data-step', current);
  var items = $('tg-list').children, list = $('tg-steps'), item = items[current];
  if (listed && listed !== item) listed.removeAttribute('aria-current');
  listed = item;
  item.setAttribute('aria-current', 'step');
  if (item.offsetTop < list.scrollTop || item.offsetTop > list.scrollTop + list.clientHeight - 20)
    list.scrollTop = item.offsetTop - list.clientHeight / 2;  // the list scrolls, never the page
  // the numbers of the step's node and, going backward, of the nodes it sends gradients to
  var about = [step.node].concat(step.phase === 'forward' ? [] : step.receives || step.grads || []);
  if (step.phase === 'update') inspectUpdate($('tg-inspect'), step);
  else inspect($('tg-inspect'), about.filter(function (id, i) {
    return !alias[id] && about.indexOf(id) === i;
  }).slice(0, 4).map(function (id) {
    var override = latest(id, 'grad');
    return { info: (doc.nodes || {})[id],
             showGrad: !askAbout[id + ' grad'] &&
               ((gradAt[id] !== undefined && gradAt[id] <= current) || override !== undefined),
             gradText: step.pass > 1 && override !== undefined ? override : null };
  }));
  if (!keepFeedback) $('tg-feedback').textContent = '';
  showPractice(current);
  // extension point (panels.js): the panels that tell more about this step
  tellPanels('step', step, current, asking ? questionsOf(step)[answered(current)] || null : null);
  view.bring([node, op]);
}

// An optimizer's update step (a training page's iteration): the tensor weight before, its
// gradient, Δw and the weight after, side by side (a scalar's numbers are all in the text).
function inspectUpdate(target, step) {
  var info = (doc.nodes || {})[step.node], views = step.update_views || {};
  target.replaceChildren();
  target.hidden = !info || !views.delta || views.delta.kind === 'scalar';
  if (target.hidden) return;
  var box = element('div', 'tg-inspect-node'), row = element('div', 'tg-update-views');
  var head = info.name + ' · ' + info.kind_text + (info.shape ? ' · ' + shapeText(info.shape) : '');
  box.appendChild(element('div', 'tg-inspect-head', head));
  [['w', info.value_view, 'forward'], ['∂L/∂w', info.grad_view, 'backward'],
   ['Δw', views.delta, 'update'], ['w ← w + Δw', views.after, 'update']].forEach(function (part) {
    if (!part[1]) return;
    var cell = element('div');
    cell.appendChild(element('div', 'tg-inspect-label tg-phase-' + part[2], part[0]));
    cell.appendChild(quantityView(part[1]));
    row.appendChild(cell);
  });
  box.appendChild(row);
  target.appendChild(box);
}

// ---- wiring ----------------------------------------------------------------------------
function jumpToNode(id) {
  var matches = [];
  steps.forEach(function (step, k) { if (step.node === id || alias[step.node] === id) matches.push(k); });
  if (!matches.length) return;
  var next = matches.filter(function (k) { return k > current; })[0];
  show(next === undefined ? matches[0] : next);
}
view.onClick(function (target) {
  var node = target.closest && target.closest('g.node');
  if (!node) return;
  if (node.classList.contains('group') && doc.views[node.id]) { loadView(node.id); return; }
  // a box too big to open says so (and how to draw it), instead of doing nothing
  $('tg-box-hint').textContent = (doc.views[viewName].hints || {})[node.id] || '';
  jumpToNode(node.id.replace(/^op/, 'n'));
});

function setPlaying(on) {
  clearInterval(timer);
  timer = null;
  if (on && current >= steps.length - 1) show(0);  // Play at the end starts again
  if (on) timer = setInterval(function () {
    if (current >= steps.length - 1) { setPlaying(false); return; }
    show(current + 1);
  }, 1000 / Number($('tg-speed').value));
  $('tg-play').textContent = on ? words.pause_text : words.play_text;
  $('tg-play').setAttribute('aria-label', on ? words.pause : words.play);
  $('tg-play').setAttribute('aria-pressed', on ? 'true' : 'false');
}

var click = function (id, action) { $(id).addEventListener('click', action); };
click('tg-first', function () { show(0); });
click('tg-prev', function () { show(current - 1); });
click('tg-next', function () { show(current + 1); });
click('tg-last', function () { show(steps.length - 1); });
click('tg-play', function () { setPlaying(timer === null); });
click('tg-zoom-in', view.zoomIn);
click('tg-zoom-out', view.zoomOut);
click('tg-fit', view.fit);
click('tg-actual', function () { view.actual(); show(current); });
click('tg-back', function () { loadView(doc.views[viewName].parent); });
click('tg-panel-toggle', function () {
  var hidden = $('tg-main').classList.toggle('tg-panel-hidden');
  $('tg-panel-toggle').setAttribute('aria-expanded', hidden ? 'false' : 'true');
});
$('tg-speed').addEventListener('change', function () { if (timer !== null) setPlaying(true); });
$('tg-slider').addEventListener('input', function () { show(parseInt($('tg-slider').value, 10)); });
$('tg-practice').addEventListener('submit', check);
$('tg-practice-on').checked = practice.on;
$('tg-practice-on').addEventListener('change', function () {
  practice.on = $('tg-practice-on').checked;
  show(current);
});
$('tg-level').addEventListener('change', function () {
  practice.level = Number($('tg-level').value);
  show(current);
});
$('tg-colour').addEventListener('change', paintColours);
$('tg-gradcheck').addEventListener('change', paintChecks);

document.addEventListener('keydown', function (event) {
  var tag = (event.target.tagName || '').toLowerCase();
  if (tag === 'input' || tag === 'select' || tag === 'textarea' || event.ctrlKey ||
      event.metaKey || event.altKey) return;  // typing an answer, or a browser shortcut
  var actions = {
    ArrowRight: function () { show(current + 1); }, ArrowLeft: function () { show(current - 1); },
    Home: function () { show(0); }, End: function () { show(steps.length - 1); },
    '+': view.zoomIn, '=': view.zoomIn, '-': view.zoomOut, '0': view.actual,
  };
  if (actions[event.key]) { actions[event.key](); event.preventDefault(); }
});

// one block per note: two notes in one paragraph read as one run-on sentence
((doc.notes || []).length ? doc.notes.map(function (note) { return note.text; })
  : (doc.note ? [doc.note] : [])).forEach(function (text) {
  var line = document.createElement('p');
  line.textContent = text;
  $('tg-note').appendChild(line);
});
loadView('main');
