// Secrets are wiped from WASM memory: after a key pair is disposed, its secret key (and the
// password it came from) must be nowhere in the module's linear memory. Uses the raw module
// (dist/idos_core.mjs) so the test can read the heap; a positive control proves the scan sees
// the secret while the key is alive.
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
const heap = () => m.HEAPU8;

test("the heap can be scanned (HEAPU8 is exported)", () => {
  assert.ok(heap() instanceof Uint8Array && heap().length >= 16 << 20);
});

test("a derived key pair leaves no copy of its secret key or password once disposed", () => {
  const c = readVectors("crypto_interop.json").idos_key_derivation.cases[0];
  const secret = unhex(c.secret_key_hex);
  const password = new TextEncoder().encode(`${c.password_nfkc}`);
  // A marker password that occurs nowhere else, so a leftover is unambiguous.
  const marker = new TextEncoder().encode("wipe-test: 7f3c9a1e-password-marker");
  const r = m.deriveEncryptionKeyPair(password, c.user_id);
  assert.equal(r.ok, true, r.message);
  const handle = r.value;
  assert.ok(occurrences(heap(), secret) >= 1, "positive control: the live secret is in WASM memory");
  handle.delete();
  assert.equal(occurrences(heap(), secret), 0, "the secret key is still in WASM memory after dispose");

  const r2 = m.deriveEncryptionKeyPair(marker, c.user_id);
  assert.equal(r2.ok, true);
  r2.value.delete();
  assert.equal(occurrences(heap(), marker), 0, "the password is still in WASM memory after derivation");
});

test("a key pair from a given secret leaves no copy once disposed", () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
  assert.equal(secret.length, 32);
  const r = m.encryptionKeyPairFromSecret(secret);
  assert.equal(r.ok, true, r.message);
  assert.ok(occurrences(heap(), secret) >= 1, "positive control");
  r.value.delete();
  assert.equal(occurrences(heap(), secret), 0, "the secret key is still in WASM memory after dispose");
});

test("an Ed25519 key pair leaves no copy of its seed once disposed", () => {
  const seed = unhex("c0ffee".repeat(10) + "0102");
  assert.equal(seed.length, 32);
  const r = m.ed25519FromSeed(seed);
  assert.equal(r.ok, true, r.message);
  assert.ok(occurrences(heap(), seed) >= 1, "positive control");
  r.value.delete();
  assert.equal(occurrences(heap(), seed), 0, "the seed is still in WASM memory after dispose");
});
