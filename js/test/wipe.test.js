// Secrets are wiped from WASM memory: after a key pair is disposed, its secret key (and the
// password it came from) must be nowhere in the module's linear memory. Uses the raw module
// (dist/idos_core.mjs) so the test can read the heap.
//
// The scan looks for any 16-byte window of a secret, not only the whole: free() writes allocator
// pointers over the first bytes of a freed block, so a leftover that lost its head must still
// count. Two positive controls prove the scan can fail: it finds a live secret, and it finds the
// copy of a public input that the module deliberately does NOT wipe (hash inputs are not secret),
// after the call has returned and freed it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import createIdosCoreModule from "../dist/idos_core.mjs";
import { readVectors, unhex } from "./helpers.js";

const wasmBinary = readFileSync(new URL("../dist/idos_core.wasm", import.meta.url));
const m = await createIdosCoreModule({ wasmBinary });
assert.equal(m.initialize().ok, true);

function occurrences(haystack, needle) {
  let count = 0;
  outer: for (let i = haystack.indexOf(needle[0]); i !== -1 && i <= haystack.length - needle.length;
    i = haystack.indexOf(needle[0], i + 1)) {
    for (let k = 1; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    count++;
  }
  return count;
}
const WINDOW = 16;
// How many places in WASM memory hold a WINDOW-byte piece of `secret` (at any offset in it).
function leftovers(secret) {
  assert.ok(secret.length >= WINDOW, "secrets under 16 bytes cannot be told from chance matches");
  const heap = m.HEAPU8;
  let found = 0;
  for (let start = 0; start + WINDOW <= secret.length; start += WINDOW / 2) {
    found += occurrences(heap, secret.subarray(start, start + WINDOW));
  }
  return found;
}
// Bytes that occur nowhere else: a fixed label plus fresh randomness.
function marker(label, length = 48) {
  const bytes = new Uint8Array(length);
  bytes.set(new TextEncoder().encode(label).subarray(0, 16));
  crypto.getRandomValues(bytes.subarray(16));
  return bytes;
}

test("the heap can be scanned (HEAPU8 is exported)", () => {
  assert.ok(m.HEAPU8 instanceof Uint8Array && m.HEAPU8.length >= 16 << 20);
});

test("positive control: the scan finds a freed input the module does not wipe", () => {
  const input = marker("wipe-test:public");
  assert.equal(leftovers(input), 0, "the fresh marker is not in WASM memory before the call");
  m.sha256(input); // Embind copies the bytes into WASM memory, hashes them and frees them unwiped
  assert.ok(leftovers(input) >= 1, "a freed but unwiped copy must be found, or the scan proves nothing");
});

test("a derived key pair leaves no copy of its secret key or password once disposed", () => {
  const c = readVectors("crypto_interop.json").idos_key_derivation.cases[0];
  const secret = unhex(c.secret_key_hex);
  const password = new TextEncoder().encode(`${c.password_nfkc}`);
  // A marker password that occurs nowhere else, so a leftover is unambiguous.
  const passwordMarker = new TextEncoder().encode("wipe-test: 7f3c9a1e-password-marker");
  const r = m.deriveEncryptionKeyPair(password, c.user_id, "any-uuid");
  assert.equal(r.ok, true, r.message);
  const handle = r.value;
  assert.ok(leftovers(secret) >= 1, "positive control: the live secret is in WASM memory");
  handle.delete();
  assert.equal(leftovers(secret), 0, "the secret key is still in WASM memory after dispose");

  const r2 = m.deriveEncryptionKeyPair(passwordMarker, c.user_id, "any-uuid");
  assert.equal(r2.ok, true);
  r2.value.delete();
  assert.equal(leftovers(passwordMarker), 0, "the password is still in WASM memory after derivation");
});

test("a key pair from a given secret leaves no copy once disposed", () => {
  const secret = marker("wipe-test:x25519", 32);
  const r = m.encryptionKeyPairFromSecret(secret);
  assert.equal(r.ok, true, r.message);
  assert.ok(leftovers(secret) >= 1, "positive control: the live secret is in WASM memory");
  r.value.delete();
  assert.equal(leftovers(secret), 0, "the secret key is still in WASM memory after dispose");
});

test("an Ed25519 key pair leaves no copy of its seed once disposed", () => {
  const seed = marker("wipe-test:ed25519", 32);
  const r = m.ed25519FromSeed(seed);
  assert.equal(r.ok, true, r.message);
  assert.ok(leftovers(seed) >= 1, "positive control: the live seed is in WASM memory");
  r.value.delete();
  assert.equal(leftovers(seed), 0, "the seed is still in WASM memory after dispose");
});
