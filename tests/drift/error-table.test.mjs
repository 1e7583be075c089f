// The error codes are listed once, in the X-macro IDOS_ERROR_CODES of
// core/primitives/include/idos/primitives/result.hpp. ErrorCode, error_code_name and the module's
// errorCodes list (hence the JS package's generated ERROR_CODES and IdosErrorCode) are generated
// from it. The copies that must stay written out are compared with it here, name by name and
// number by number: the C header (a standalone C file), docs/errors.md, the web demo's sentences.
// A last check looks for new hand-written copies anywhere in the sources.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { ROOT, all, block, read, sorted } from "./source.mjs";

const RESULT_HPP = "core/primitives/include/idos/primitives/result.hpp";

// The table: [{ id, name, number }] in the X-macro's order.
function coreTable() {
  const text = read(RESULT_HPP);
  const start = text.indexOf("#define IDOS_ERROR_CODES(X)");
  assert.ok(start >= 0, `${RESULT_HPP} has no IDOS_ERROR_CODES X-macro`);
  // The macro runs over backslash-continued lines.
  const lines = [];
  for (const line of text.slice(start).split("\n")) {
    lines.push(line);
    if (!line.trimEnd().endsWith("\\")) break;
  }
  const rows = all(lines.join("\n"), /X\((\w+),\s*(\w+),\s*(\d+)\)/g, "X(...) rows of IDOS_ERROR_CODES")
    .map(([id, name, number]) => ({ id, name, number: Number(number) }));
  const last = /kLastErrorCode\s*=\s*ErrorCode::(\w+);/.exec(text);
  assert.ok(last, "kLastErrorCode not found");
  return { rows, lastId: last[1] };
}

const { rows: TABLE, lastId: LAST_ID } = coreTable();
const NAMES = TABLE.map((r) => r.name);
const asPairs = (rows) => rows.map(({ name, number }) => `${number} ${name}`);

test("the core table is 0..N-1 without gaps or repeats, and kLastErrorCode is its last row", () => {
  assert.deepEqual(TABLE.map((r) => r.number), TABLE.map((_, i) => i));
  assert.equal(new Set(NAMES).size, NAMES.length, "a name appears twice");
  assert.equal(TABLE.at(-1).id, LAST_ID);
  assert.equal(TABLE[0].name, "OK");
  for (const r of TABLE) assert.equal(r.name, r.id.toUpperCase(), `${r.id} is spelled ${r.name}`);
});

test("plugin/include/idos_plugin.h: the C enum has every code with its number, and IDOS_LAST_CODE is the last", () => {
  const header = read("plugin/include/idos_plugin.h");
  const body = block(header, /typedef enum idos_status\s*/, "typedef enum idos_status");
  const rows = all(body, /\bIDOS_(\w+)\s*=\s*(\d+)/g, "IDOS_<NAME> = <number> in the C enum")
    .map(([name, number]) => ({ name, number: Number(number) }));
  assert.deepEqual(asPairs(rows), asPairs(TABLE));
  const last = /#define\s+IDOS_LAST_CODE\s+IDOS_(\w+)/.exec(header);
  assert.ok(last, "idos_plugin.h defines no IDOS_LAST_CODE");
  assert.equal(last[1], TABLE.at(-1).name);
});

test("docs/errors.md: the table lists every code with its number", () => {
  const rows = all(read("docs/errors.md"), /^\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|/gm, "rows | n | `NAME` | of docs/errors.md")
    .map(([number, name]) => ({ name, number: Number(number) }));
  assert.deepEqual(asPairs(rows), asPairs(TABLE));
});

test("web-demo/site/lib/errors.js: a sentence for every code but OK, and no unknown code", () => {
  const text = read("web-demo/site/lib/errors.js");
  const keys = all(block(text, /const GENERAL = /, "GENERAL in errors.js"), /^\s*(\w+):/gm, "GENERAL's keys").map(([k]) => k);
  // Codes that exist outside the core: the node client's NODE_UNREACHABLE (docs/errors.md) and the
  // demo's own LOCKED_VAULT.
  const outsideTheCore = ["LOCKED_VAULT", "NODE_UNREACHABLE"];
  assert.deepEqual(sorted(keys.filter((k) => !outsideTheCore.includes(k))), sorted(NAMES.filter((n) => n !== "OK")));
});

test("the WASM module's runtime list (the JS package's ERROR_CODES) is the table", async () => {
  const dir = process.env.IDOS_WASM_DIR ?? path.join(ROOT, "build/wasm/wasm");
  const mjs = path.join(dir, "idos_core.mjs");
  assert.ok(existsSync(mjs), `${mjs} missing: build the wasm preset first`);
  const { default: create } = await import(pathToFileURL(mjs).href);
  const m = await create({ wasmBinary: readFileSync(path.join(dir, "idos_core.wasm")), print() {}, printErr() {} });
  assert.deepEqual(m.constants().errorCodes, NAMES);
});

// Any other source file that spells out most of the codes as one list (names separated by nothing
// but quotes, commas, bars, brackets and white space: an array, a union, a set) is a new hand-made
// copy: it should read the list (ERROR_CODES from the package, the table in C++) or be added to
// the checks above. A few codes a function can return, or a table of what each code means for
// HTTP, are not lists of all codes.
function longestCodeRun(text) {
  const re = new RegExp(`\\b(${NAMES.filter((n) => n !== "OK").join("|")})\\b`, "g");
  let best = 0;
  let run = new Set();
  let end = -1;
  for (const m of text.matchAll(re)) {
    const between = end < 0 ? "" : text.slice(end, m.index);
    if (end >= 0 && !/^[\s"'`,|\[\]()]*$/.test(between)) run = new Set();
    run.add(m[1]);
    best = Math.max(best, run.size);
    end = m.index + m[0].length;
  }
  return best;
}

test("the copy detector finds a list written as an array, a union or a C enum", () => {
  const codes = NAMES.slice(1);
  assert.equal(longestCodeRun(`const CODES = new Set([${codes.map((c) => `"${c}"`).join(", ")}]);`), codes.length);
  assert.equal(longestCodeRun(`type T =\n  | ${codes.map((c) => `"${c}"`).join(" | ")};`), codes.length);
  assert.equal(longestCodeRun("`INVALID_INPUT` (bad), `TOO_LARGE` (big)"), 1);
});

test("no other source file carries its own copy of the code list", () => {
  const checked = new Set([RESULT_HPP, "plugin/include/idos_plugin.h", "docs/errors.md", "web-demo/site/lib/errors.js",
    "tests/drift/error-table.test.mjs"]);
  const files = execFileSync("git", ["ls-files", "-z", "--", "*.js", "*.mjs", "*.ts", "*.c", "*.h", "*.cpp", "*.hpp", "*.md"],
    { cwd: ROOT, encoding: "utf8" }).split("\0").filter((f) => f && !checked.has(f) && !f.startsWith("tests/vectors/"));
  assert.ok(files.length > 50, "git ls-files found too few files");
  const copies = [];
  for (const f of files) {
    const run = longestCodeRun(read(f));
    // Three quarters of the codes in one run is a copy of the list, not a selection.
    if (run >= Math.ceil(0.75 * (NAMES.length - 1))) copies.push(`${f} (${run} codes in one list)`);
  }
  assert.deepEqual(copies, []);
});
