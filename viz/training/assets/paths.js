// The optimizer-paths page: one slider moves a dot along every path and shows each
// optimizer's narrated update for that step. Data from the JSON block #tg-data only.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tg-data').textContent);
  var words = data.words, n = data.paths[0].steps.length, k = 0, timer = null;
  var box = document.getElementById('tg-narrations'), panels = [];
  data.paths.forEach(function (walk, j) {
    var panel = document.createElement('section');
    panel.className = 'tg-panel tg-narration';
    panel.style.borderLeft = '6px solid ' + data.colours[j % data.colours.length];
    var h = document.createElement('h2');
    h.textContent = walk.name + ' (' + walk.options + ')';
    var title = document.createElement('p'), pre = document.createElement('pre');
    panel.append(h, title, pre);
    box.appendChild(panel);
    panels.push([title, pre]);
  });
  function show(i) {
    k = Math.max(0, Math.min(n - 1, i));
    document.getElementById('tg-slider').value = k;
    data.paths.forEach(function (walk, j) {
      var dot = document.getElementById('tg-dot-' + j), p = walk.px[k];
      dot.setAttribute('cx', p[0]); dot.setAttribute('cy', p[1]);
      panels[j][0].textContent = 'f = ' + Number(walk.values[k].toPrecision(4)) + ' → ' +
        Number(walk.values[k + 1].toPrecision(4));
      panels[j][1].textContent = walk.steps[k].lines.join('\n');
    });
    document.getElementById('tg-status').textContent = words.step + ' ' + (k + 1) + ' / ' + n;
    document.body.setAttribute('data-iteration', k);
  }
  function play() {
    if (timer) { clearInterval(timer); timer = null; } else {
      if (k >= n - 1) show(0);
      timer = setInterval(function () { if (k >= n - 1) play(); else show(k + 1); }, 400);
    }
    var button = document.getElementById('tg-play');
    button.textContent = timer ? words.pause : words.play;
    button.setAttribute('aria-label', timer ? words.pause_name : words.play_name);
  }
  document.getElementById('tg-first').addEventListener('click', function () { show(0); });
  document.getElementById('tg-last').addEventListener('click', function () { show(n - 1); });
  document.getElementById('tg-prev').addEventListener('click', function () { show(k - 1); });
  document.getElementById('tg-next').addEventListener('click', function () { show(k + 1); });
  document.getElementById('tg-play').addEventListener('click', play);
  document.getElementById('tg-slider').addEventListener('input', function () {
    show(parseInt(this.value, 10));
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowRight') { show(k + 1); event.preventDefault(); }
    if (event.key === 'ArrowLeft') { show(k - 1); event.preventDefault(); }
  });
  show(0);
})();
