// Shared by the tests: the package under test (dist/, built by `npm run build`) and the vector files.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const here = dirname(fileURLToPath(import.meta.url));
export const pkgDir = resolve(here, "..");
export const vectorsDir = resolve(pkgDir, "..", "tests", "vectors");

export * from "../dist/index.js";
import { IdosError } from "../dist/index.js";

/** The parsed vector file, or null when it does not exist (yet). */
export function readVectors(name) {
  const path = join(vectorsDir, name);
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
}

export const hex = (b) => Buffer.from(b).toString("hex");
export const unhex = (h) => new Uint8Array(Buffer.from(h, "hex"));

/** assert.throws matcher for an IdosError with `code`. */
export function code(expected) {
  return (err) => {
    if (!(err instanceof IdosError)) throw new Error(`expected IdosError ${expected}, got ${err}`);
    if (err.code !== expected) throw new Error(`expected ${expected}, got ${err.code}: ${err.message}`);
    return true;
  };
}
