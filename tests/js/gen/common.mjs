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

// NEAR NEP-413 (used by wallet-vectors.mjs and grant-vectors.mjs): borsh schema of the payload.
export const NEP413_TAG = 2147484061; // 2^31 + 413
export const NEP413_SCHEMA = {
  struct: { message: 'string', nonce: { array: { type: 'u8', len: 32 } }, recipient: 'string', callbackUrl: { option: 'string' } },
};
function u32le(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function borshString(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([u32le(b.length), b]);
}
// Our own borsh serialisation of the NEP-413 payload, prefixed with the tag.
export function nep413Bytes({ message, nonce, recipient, callbackUrl }) {
  assert(nonce.length === 32, 'nonce is 32 bytes');
  return Buffer.concat([
    u32le(NEP413_TAG),
    borshString(message),
    Buffer.from(nonce),
    borshString(recipient),
    callbackUrl == null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), borshString(callbackUrl)]),
  ]);
}

// Base58 (Bitcoin alphabet): the generators' own encoder for NEAR keys and did:key multibase.
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export function base58(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while (n > 0n) { out = B58[Number(n % 58n)] + out; n /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = '1' + out; }
  return out;
}
export function unbase58(text) {
  let n = 0n;
  for (const c of text) {
    const d = B58.indexOf(c);
    assert(d >= 0, `base58 digit ${c}`);
    n = n * 58n + BigInt(d);
  }
  const bytes = [];
  while (n > 0n) { bytes.unshift(Number(n % 256n)); n /= 256n; }
  for (const c of text) { if (c !== '1') break; bytes.unshift(0); }
  return new Uint8Array(bytes);
}

/** A fixed UUID of version-4 shape from the first 16 bytes of `seed` (test ids, not random). */
export function uuidV4Shaped(seed) {
  const h = Buffer.from(seed.subarray(0, 16));
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
