// The explorer's extension point: panels that tell more about some steps register here
// (conv_panel.js: a convolution's backward cell by cell; bptt_panel.js: backprop through
// time). A panel is an object with any of these methods, which explorer.js calls:
//   view(name)               the view `name` of the document was loaded (doc.views[name])
//   step(step, k, question)  step k of that view is shown; `question`: the practice
//                            question still open on it, or null (hide what would answer it)
// A panel reads `doc` and writes only into elements it made itself. This file comes first
// in the page's script, so the panels can register as they load.
var panels = [];
function addPanel(panel) { panels.push(panel); }
function tellPanels(method) {
  var args = Array.prototype.slice.call(arguments, 1);
  panels.forEach(function (panel) { if (panel[method]) panel[method].apply(panel, args); });
}
