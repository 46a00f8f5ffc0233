// Pan and zoom of the graph. The SVG sits at its natural size (one SVG unit is one CSS
// pixel at scale 1, so browser zoom enlarges it like any text) inside a box that clips it;
// a CSS transform moves and scales it. Drag pans, the wheel or a pinch zooms.
function PanZoom(box, canvas) {
  var MIN = 0.05, MAX = 8, STEP = 1.25, MARGIN = 24;
  var state = { x: 0, y: 0, scale: 1 };
  var pointers = {};  // the pointers down on the box, for drag and pinch
  var pinch = null;
  var onClick = function () {};

  function apply() {
    canvas.style.transform = 'translate(' + state.x + 'px, ' + state.y + 'px) scale(' +
      state.scale + ')';
    box.setAttribute('data-scale', state.scale.toFixed(4));
  }
  function size() {
    var svg = canvas.querySelector('svg');
    return svg ? { w: svg.width.baseVal.value, h: svg.height.baseVal.value } : { w: 1, h: 1 };
  }
  // Zoom by `factor` keeping the point (cx, cy) of the box where it is.
  function zoomAt(factor, cx, cy) {
    var scale = Math.min(MAX, Math.max(MIN, state.scale * factor));
    state.x = cx - (cx - state.x) * scale / state.scale;
    state.y = cy - (cy - state.y) * scale / state.scale;
    state.scale = scale;
    apply();
  }
  function centre(factor) { zoomAt(factor, box.clientWidth / 2, box.clientHeight / 2); }
  function fit() {
    var s = size();
    var scale = Math.min((box.clientWidth - 2 * MARGIN) / s.w,
                         (box.clientHeight - 2 * MARGIN) / s.h, 2);
    state.scale = Math.max(MIN, scale);
    state.x = (box.clientWidth - s.w * state.scale) / 2;
    state.y = (box.clientHeight - s.h * state.scale) / 2;
    apply();
  }
  // Natural size; a graph smaller than the box is centred in it.
  function reset() {
    var s = size();
    state.scale = 1;
    state.x = Math.max(MARGIN, (box.clientWidth - s.w) / 2);
    state.y = Math.max(MARGIN, (box.clientHeight - s.h) / 2);
    apply();
  }
  // Bring elements of the drawing into view: if their union is not inside the box,
  // move the drawing so that it sits in the middle (its top left corner if it is bigger).
  function bring(elements) {
    var union = null;
    elements.forEach(function (element) {
      if (!element) return;
      var r = element.getBoundingClientRect();
      union = union ? { left: Math.min(union.left, r.left), top: Math.min(union.top, r.top),
                        right: Math.max(union.right, r.right),
                        bottom: Math.max(union.bottom, r.bottom) }
                    : { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    });
    if (!union) return;
    var b = box.getBoundingClientRect();
    var inside = union.left >= b.left + MARGIN && union.right <= b.right - MARGIN &&
                 union.top >= b.top + MARGIN && union.bottom <= b.bottom - MARGIN;
    if (inside) return;
    var width = union.right - union.left, height = union.bottom - union.top;
    var wantLeft = width > b.width - 2 * MARGIN ? b.left + MARGIN : b.left + (b.width - width) / 2;
    var wantTop = height > b.height - 2 * MARGIN ? b.top + MARGIN : b.top + (b.height - height) / 2;
    state.x += wantLeft - union.left;
    state.y += wantTop - union.top;
    apply();
  }

  box.addEventListener('wheel', function (event) {
    event.preventDefault();  // the page itself must not scroll while the graph zooms
    var b = box.getBoundingClientRect();
    var delta = event.deltaMode === 1 ? event.deltaY * 20 : event.deltaY;
    zoomAt(Math.exp(-delta * 0.002), event.clientX - b.left, event.clientY - b.top);
  }, { passive: false });

  box.addEventListener('pointerdown', function (event) {
    if (event.button !== 0) return;
    pointers[event.pointerId] = { x: event.clientX, y: event.clientY, x0: event.clientX,
                                  y0: event.clientY, target: event.target, moved: false };
    box.setPointerCapture(event.pointerId);
  });
  box.addEventListener('pointermove', function (event) {
    var p = pointers[event.pointerId];
    if (!p) return;
    var ids = Object.keys(pointers);
    if (ids.length === 2) {  // pinch: zoom by the change of the distance between fingers
      var a = pointers[ids[0]], c = pointers[ids[1]];
      var before = Math.hypot(a.x - c.x, a.y - c.y);
      p.x = event.clientX; p.y = event.clientY;
      var after = Math.hypot(a.x - c.x, a.y - c.y);
      var b = box.getBoundingClientRect();
      if (before > 0) zoomAt(after / before, (a.x + c.x) / 2 - b.left, (a.y + c.y) / 2 - b.top);
      a.moved = c.moved = pinch = true;
      return;
    }
    state.x += event.clientX - p.x;
    state.y += event.clientY - p.y;
    p.x = event.clientX; p.y = event.clientY;
    if (Math.hypot(p.x - p.x0, p.y - p.y0) > 4) { p.moved = true; box.classList.add('tg-dragging'); }
    apply();
  });
  function release(event) {
    var p = pointers[event.pointerId];
    if (!p) return;
    delete pointers[event.pointerId];
    box.classList.remove('tg-dragging');
    if (!p.moved && !pinch) onClick(p.target);  // a click, not the end of a drag
    if (Object.keys(pointers).length === 0) pinch = null;
  }
  box.addEventListener('pointerup', release);
  box.addEventListener('pointercancel', function (event) { delete pointers[event.pointerId]; });

  return {
    zoomIn: function () { centre(STEP); }, zoomOut: function () { centre(1 / STEP); },
    fit: fit, reset: reset, bring: bring,
    actual: function () { centre(1 / state.scale); },
    scale: function () { return state.scale; },
    onClick: function (handler) { onClick = handler; },
  };
}
