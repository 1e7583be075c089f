// Helpers shared by the vector generators (tests/js/gen/*.mjs).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tests/js: where the generators' npm packages are installed. */
export const JS_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** tests/vectors: where the generated files go. */
export const VECTORS = join(JS_ROOT, '..', 'vectors');

/** The installed version of an npm package, as the vector files name their generating libraries. */
export function libVersion(name) {
  const pkg = JSON.parse(readFileSync(join(JS_ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  if (pkg.name !== name) throw new Error(`unexpected package.json for ${name}`);
  return pkg.version;
}

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

export const utf8 = (s) => new Uint8Array(Buffer.from(s, 'utf8'));
export const toHex = (b) => Buffer.from(b).toString('hex');
export const fromHex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
export const b64 = (b) => Buffer.from(b).toString('base64');
export const sha256 = (b) => new Uint8Array(createHash('sha256').update(b).digest());
