// Reading a learner's typed answer: a decimal number ("0.25", "-3", "1e-4") or a
// fraction of two of them ("-2/3"). Parsed by hand with one regular expression --
// never with eval -- so nothing typed here can run as code.
var NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

function parseNumber(text) {
  // the typographic minus (−) is what the narration prints; accept it as "-"
  var cleaned = text.replace(/\u2212/g, '-').replace(/\s+/g, '');
  return NUMBER.test(cleaned) ? Number(cleaned) : NaN;
}

function parseAnswer(text) {
  var parts = String(text).split('/');
  if (parts.length === 1) return parseNumber(parts[0]);
  if (parts.length !== 2) return NaN;
  var top = parseNumber(parts[0]), bottom = parseNumber(parts[1]);
  return bottom === 0 ? NaN : top / bottom;
}

// Right within a relative tolerance of 1e-3: the narration rounds to 4 digits, so a
// learner who copies a rounded intermediate result still gets it right.
function isClose(given, expected) {
  if (!isFinite(given)) return false;
  return Math.abs(given - expected) <= 1e-3 * Math.max(Math.abs(expected), 1e-12);
}

// A number as the narration writes it: 4 significant digits, never "-0". Numbers JSON
// cannot hold arrive as the strings "nan", "inf", "-inf" and stay as they are.
function formatNumber(x) {
  if (typeof x !== 'number') return String(x);
  if (x === 0) return '0';
  return String(Number(x.toPrecision(4)));
}
