// Writes tests/vectors/jcs.json: RFC 8785 (JCS) test cases whose expected output comes from the
// npm package `canonicalize`, the reference implementation by the RFC's author (A. Rundgren).
//
//   cd tests/js && npm install && node gen/jcs-corpus.mjs
//
// Each case is {"input": <JSON text>, "canonical": <expected JCS text>}; the expected text is
// canonicalize(JSON.parse(input)), so it is what a JavaScript verifier computes for that input.
// The corpus is hand-picked edge cases plus a pseudo-random part from a fixed seed, so running
// this again with the same canonicalize version writes the same file byte for byte. Inputs are
// spelled messily on purpose (whitespace, escapes, number spellings, member order), and never
// hold duplicate member names or lone surrogates, which the C++ parser rightly rejects.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import canonicalize from 'canonicalize';

const here = dirname(fileURLToPath(import.meta.url));
const jsRoot = join(here, '..');
const outPath = join(jsRoot, '..', 'vectors', 'jcs.json');
const canonicalizeVersion = JSON.parse(
  readFileSync(join(jsRoot, 'node_modules', 'canonicalize', 'package.json'), 'utf8'),
).version;

// --- deterministic PRNG (mulberry32) ------------------------------------------------------------
let state = 0x1d05c0de;
function nextU32() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
const random = () => nextU32() / 4294967296;
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
const pick = (items) => items[int(0, items.length - 1)];
const chance = (p) => random() < p;

// --- numbers ------------------------------------------------------------------------------------
const SPECIAL_NUMBERS = [
  0, -0, 1, -1, 5e-324, -5e-324, 1e-323, 2.2250738585072014e-308, 2.225073858507201e-308,
  1.7976931348623157e308, -1.7976931348623157e308, 1e21, 1e-7, 1e-6, 9.999999999999999e-7,
  1e20, 999999999999999900000, 999999999999999700000, 1e23, 0.1, 0.2, 0.1 + 0.2, 0.3, 1 / 3,
  2 / 3, 100, 1e100, 123456789012345680000, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, 2 ** 64,
  2 ** 68, 4.35, 0.5, 1.5, 333333333.3333333, 1424953923781206.2, -0.0000033333333333333333,
];

function randomFiniteDouble() {
  const view = new DataView(new ArrayBuffer(8));
  for (;;) {
    view.setUint32(0, nextU32());
    view.setUint32(4, nextU32());
    const x = view.getFloat64(0);
    if (Number.isFinite(x)) return x;
  }
}

function randomNumber() {
  for (;;) {
    const x = randomNumberOnce();
    if (Number.isFinite(x)) return x;
  }
}

function randomNumberOnce() {
  switch (int(0, 7)) {
    case 0: return int(-1000, 1000);
    case 1: return pick(SPECIAL_NUMBERS);
    case 2: return randomFiniteDouble();
    case 3: return pick([1, 1.5, 9.999999999999998, 2.5, 7]) * 10 ** int(-330, 308) * (chance(0.3) ? -1 : 1);
    case 4: return int(-99999999, 99999999) / 10 ** int(0, 12);
    case 5: return (2 ** 53 + int(-4, 4)) * (chance(0.5) ? -1 : 1);
    case 6: return random() * 10 ** int(-10, 25);
    default: return 10 ** int(-8, 22) * (chance(0.5) ? 1 : -1);
  }
}

// A JSON spelling of x; any spelling of a decimal reads back as its nearest double everywhere.
// A short spelling of a value near the largest double can round past it: then the exact one.
function spellNumber(x) {
  const text = spellNumberOnce(x);
  return Number.isFinite(Number(text)) ? text : String(x);
}

function spellNumberOnce(x) {
  if (Object.is(x, -0) || (x === 0 && chance(0.3))) {
    return pick(Object.is(x, -0) ? ['-0', '-0.0', '-0e0', '-0E+5'] : ['0', '0.0', '0e-3', '0E0']);
  }
  const e = (text) => (chance(0.2) ? text.replace('e', 'E') : text);
  switch (int(0, 5)) {
    case 0: return e(String(x));
    case 1: return e(x.toExponential(16));
    case 2: return e(x.toPrecision(int(17, 21)));
    case 3:
      if (Number.isInteger(x) && Math.abs(x) < 1e30) return BigInt(x).toString() + (chance(0.2) ? '.0' : '');
      return e(x.toExponential());
    case 4: return e(x.toExponential(int(0, 20)));
    default: return String(x).replace('e+', 'e');
  }
}

// Decimal texts that are not the shortest spelling of any double: long, halfway and beyond-int64.
function randomNumberText() {
  const digits = (n) => Array.from({ length: n }, (_, i) => String(i === 0 ? int(1, 9) : int(0, 9))).join('');
  switch (int(0, 3)) {
    case 0: return (chance(0.5) ? '-' : '') + digits(int(16, 26));  // integers around and past 2^53, 2^64
    case 1: return `${digits(1)}.${digits(int(17, 40))}e${int(-320, 300)}`;
    case 2: return `0.${'0'.repeat(int(0, 8))}${digits(int(15, 30))}`;
    default: return `${digits(int(1, 3))}.${digits(int(1, 5))}E${pick(['+', '-', ''])}${int(0, 25)}`;
  }
}

// --- strings ------------------------------------------------------------------------------------
const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&\'()*+,-.:;<=>?@[]^_`{|}~';
const SORT_TRAPS = [0x20ac, 0xe000, 0xfb33, 0xfeff, 0xfffd, 0xffff, 0x1f600, 0x1f602, 0x10000, 0x10ffff, 0xd7ff,
  0x80, 0xf6, 0x2028, 0x2029, 0x7f, 0x0d, 0x31];

function randomCodePoint() {
  switch (int(0, 11)) {
    case 0: return int(0, 0x1f);            // controls
    case 1: return pick([0x22, 0x5c, 0x2f, 0x7f]);
    case 2: return int(0x80, 0xff);         // Latin-1
    case 3: return int(0x100, 0xd7ff);      // BMP below the surrogates
    case 4: return int(0xe000, 0xffff);     // BMP above the surrogates: sorts after astral
    case 5: return int(0x10000, 0x10ffff);  // astral: surrogate pairs in UTF-16
    case 6: return int(0x1f300, 0x1faff);   // emoji
    case 7: return pick(SORT_TRAPS);
    default: return ASCII.codePointAt(int(0, ASCII.length - 1));
  }
}

function randomString(maxLength) {
  let s = '';
  const n = int(0, maxLength);
  for (let i = 0; i < n; ++i) s += String.fromCodePoint(randomCodePoint());
  return s;
}

// Member names built to catch sorting by code point or by UTF-8 bytes instead of UTF-16 units.
function randomKey() {
  if (chance(0.4)) return randomString(6);
  const prefix = pick(['', 'a', 'k', '\u20ac', '\ud83d\ude00', '\ue000']);
  let s = prefix;
  const n = int(0, 3);
  for (let i = 0; i < n; ++i) s += String.fromCodePoint(pick(SORT_TRAPS.concat([0x61, 0x41, 0x7a])));
  return s;
}

const hex4 = (unit) => {
  const h = unit.toString(16).padStart(4, '0');
  return chance(0.5) ? h : h.toUpperCase();
};
const SHORT_ESCAPES = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\', 0x2f: '\\/' };

function spellString(s) {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    const mustEscape = cp < 0x20 || cp === 0x22 || cp === 0x5c;
    if (!mustEscape && chance(0.75)) {
      out += ch;
    } else if (SHORT_ESCAPES[cp] !== undefined && chance(0.6)) {
      out += SHORT_ESCAPES[cp];
    } else if (cp >= 0x10000) {
      const v = cp - 0x10000;
      out += `\\u${hex4(0xd800 + (v >> 10))}\\u${hex4(0xdc00 + (v & 0x3ff))}`;
    } else {
      out += `\\u${hex4(cp)}`;
    }
  }
  return out + '"';
}

// --- documents ----------------------------------------------------------------------------------
const ws = () => (chance(0.6) ? '' : pick([' ', '\n', '\t', '\r\n', '  ', ' \n\t ']));

function randomDocument(depth) {
  const roll = random();
  if (depth >= 5 || roll < 0.45) {
    const kind = int(0, 9);
    if (kind === 0) return pick(['null', 'true', 'false']);
    if (kind <= 3) return spellNumber(randomNumber());
    if (kind === 4) return randomNumberText();
    return spellString(randomString(10));
  }
  if (roll < 0.7) {
    const items = Array.from({ length: int(0, 5) }, () => ws() + randomDocument(depth + 1) + ws());
    return `[${items.join(',') || ws()}]`;
  }
  const names = new Set();
  const members = [];
  for (let i = int(0, 6); i > 0; --i) {
    const name = randomKey();
    if (names.has(name)) continue;  // I-JSON: no duplicate names
    names.add(name);
    members.push(`${ws()}${spellString(name)}${ws()}:${ws()}${randomDocument(depth + 1)}${ws()}`);
  }
  return `{${members.join(',') || ws()}}`;
}

// --- hand-picked cases --------------------------------------------------------------------------
const HAND_PICKED = [
  // RFC 8785 section 3.2.2 (the sample input) and section 3.2.3 (sorting).
  '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
    '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
  '{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n' +
    '  "1": "One",\n  "\\ud83d\\ude00": "Emoji: Grinning Face",\n  "\\u0080": "Control",\n' +
    '  "\\u00f6": "Latin Small Letter O With Diaeresis"\n}',
  // RFC 8785 Appendix E.
  '{\n  "time": "2019-01-28T07:45:10Z",\n  "big": "055",\n  "val": 3.5\n}',
  // Top-level scalars and empty containers.
  '0', '-0', '-0.0', '1', '1.0', 'true', 'false', 'null', '""', '"\\u0000"', '[]', '{}', ' [ ] ', '{ }',
  '[[], {}, [[]], {"a": {}}]',
  // Numbers: ES formatting boundaries and I-JSON double semantics for big integers.
  '[1e21, 1E21, 1e+21, 999999999999999999999, 100000000000000000000, 1e20, 123456789012345678901234]',
  '[1e-7, 1e-6, 0.000001, 0.0000001, 0.00000123, 1.5e-7, 123e-20]',
  '[0.1, 0.2, 0.30000000000000004, 0.3, 4.35, 0.000001, 1.0, 1.50, 100, 1E2, 1e0]',
  '[5e-324, -5e-324, 4.9406564584124654e-324, 2.4703282292062328e-324, 2.4703282292062327e-324, 1e-400]',
  '[2.2250738585072014e-308, 2.2250738585072011e-308, 1.7976931348623157e308, 1.7976931348623158e308, -1.7976931348623157e+308]',
  '[9007199254740991, 9007199254740992, 9007199254740993, 9007199254740995, -9007199254740993]',
  '[9223372036854775807, 9223372036854775808, -9223372036854775808, -9223372036854775809]',
  '[18446744073709551615, 18446744073709551616, 18446744073709551617, 36893488147419103232]',
  '[295147905179352830000, 295147905179352825856, 1e23, 9.999999999999999e22, 1.0000000000000001e23]',
  '[333333333.3333332, 333333333.33333325, 333333333.3333333, 333333333.3333334, 333333333.33333343]',
  '[-0.0000033333333333333333, 1424953923781206.25, 1424953923781206.2, 1424953923781206.3]',
  '[0e0, -0e0, 0E+0, -0E-0, 0.0e10, -0.000]',
  // Strings: JSON.stringify's escaping.
  '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"',
  '"\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
  '"\\u0008\\u0009\\u000A\\u000C\\u000D\\u0022\\u005C\\u002F\\/ \\u007f\u007f"',
  '"\\u2028\\u2029\u2028\u2029 \\uFEFF \\uFFFD \\uffff"',
  '"\\ud83d\\ude00 \ud83d\ude00 \\uD800\\uDC00 \\uDBFF\\uDFFF \u{10ffff}"',
  '"</script><!-- & \' \\u003c"',
  // Member names: UTF-16 order vs UTF-8/code point order.
  '{"\\uffff": 1, "\\ud83d\\ude00": 2, "\\ue000": 3, "\\ud800\\udc00": 4, "\\udbff\\udfff": 5, "\\ud7ff": 6}',
  '{"\\u20ac": "Euro Sign", "1": "One", "\\u0080": "Control\\u007f", "\\ud83d\\ude02": "Smiley", ' +
    '"\\u00f6": "Latin Small Letter O With Diaeresis", "\\ufb33": "Hebrew Letter Dalet With Dagesh", ' +
    '"</script>": "Browser Challenge"}',
  '{"b": 1, "a": 2, "B": 3, "A": 4, "aa": 5, "": 6, "a\\u0000": 7, "10": 8, "9": 9, "1": 10}',
  '{"\\u0000": 1, "\\u001f": 2, " ": 3, "\\t": 4, "\\n": 5}',
  '{"__proto__": {"x": 1}, "constructor": 2, "toString": 3}',
  '{"a": {"z": [1, {"y": 2, "x": 3}], "b": null}, "A": [{"\\u00e9": 1, "e\\u0301": 2}]}',
  // Maximum nesting allowed by the C++ parser's default limit (32).
  `${'['.repeat(31)}{"deep": true}${']'.repeat(31)}`,
  // Whitespace everywhere JSON allows it.
  ' \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n} \t\r\n',
];

// --- write ---------------------------------------------------------------------------------------
const inputs = [...HAND_PICKED];
for (let i = 0; i < 120; ++i) inputs.push(ws() + spellNumber(randomNumber()) + ws());
for (let i = 0; i < 30; ++i) inputs.push(randomNumberText());
for (let i = 0; i < 40; ++i) inputs.push(spellString(randomString(16)));
for (let i = 0; i < 260; ++i) inputs.push(ws() + randomDocument(0) + ws());

const seen = new Set();
const cases = [];
for (const input of inputs) {
  if (seen.has(input)) continue;
  seen.add(input);
  cases.push({ input, canonical: canonicalize(JSON.parse(input)) });
}

const lines = cases.map((c) => `  ${JSON.stringify(c)}`);
const text =
  '{\n' +
  ` "source": ${JSON.stringify(`generated by tests/js/gen/jcs-corpus.mjs with canonicalize@${canonicalizeVersion}`)},\n` +
  ' "cases": [\n' + lines.join(',\n') + '\n ]\n}\n';
writeFileSync(outPath, text);
console.log(`wrote ${cases.length} cases to ${outPath}`);
