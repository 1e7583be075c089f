// Shared by the drift tests: reading the repository's sources and cutting them into the pieces the
// tests compare. Plain text scanning, no parser dependencies: each helper is small enough to read,
// and a drift test that cannot find what it looks for fails (it never passes on an empty match).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A file of the repository as text (path relative to the root). */
export function read(relative) {
  return readFileSync(path.join(ROOT, relative), "utf8");
}

/** Every match of `re` (global) as its capture groups; fails when there is none. */
export function all(text, re, what) {
  const found = [...text.matchAll(re)].map((m) => m.slice(1));
  assert.ok(found.length > 0, `nothing found for ${what}: the drift test no longer understands this file`);
  return found;
}

/** The text from `open` (an index of "(", "[" or "{") to its matching closer, both excluded. */
export function balanced(text, open) {
  const pairs = { "(": ")", "[": "]", "{": "}" };
  const closer = pairs[text[open]];
  assert.ok(closer, `no bracket at ${open}`);
  let depth = 0;
  let quote = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && text[i + 1] === "/") i = text.indexOf("\n", i) - 1;
    else if (c === "/" && text[i + 1] === "*") i = text.indexOf("*/", i + 2) + 1;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        assert.equal(c, closer, `mismatched brackets after ${open}`);
        return text.slice(open + 1, i);
      }
    }
  }
  throw new Error(`unbalanced brackets from ${open}`);
}

/** The body of the first block whose header matches `re` (the "{" right after the match). */
export function block(text, re, what) {
  const m = re.exec(text);
  assert.ok(m, `${what} not found`);
  const open = text.indexOf("{", m.index + m[0].length - 1);
  return balanced(text, open);
}

/** Splits an argument list at its top-level commas (nested brackets and strings kept whole). */
export function splitArgs(list) {
  const out = [];
  let depth = 0;
  let quote = null;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && list[i + 1] === "*") i = list.indexOf("*/", i + 2) + 1;
    else if (c === "/" && list[i + 1] === "/") i = list.indexOf("\n", i) - 1;
    else if (c === "(" || c === "[" || c === "{" || c === "<") depth++;
    else if (c === ")" || c === "]" || c === "}" || (c === ">" && list[i - 1] !== "=")) depth--;
    else if (c === "," && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = list.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/** Sorted copy, for set comparisons with readable diffs. */
export const sorted = (xs) => [...new Set(xs)].sort();
