// The shared vector files of tests/vectors/, run through the package with the outcomes they state.
// Every file must exist (a missing one fails, it is never skipped); any mismatch fails.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { hex, IdosError, load, pkgDir, readVectors, unhex } from "./helpers.js";

const idos = await load();
const nullable = (x) => (x === null ? undefined : x);

// Outcome of a call as the vector files name it: "valid" when it returns true, else the error code
// name (VERIFY_FAILED for a signature that does not verify). Any other return value is a broken
// verifier and is reported as such, so it cannot match an expected outcome.
function outcome(fn) {
  try {
    const v = fn();
    return v === true ? "valid" : `returned ${JSON.stringify(v)}`;
  } catch (e) {
    if (e instanceof IdosError) return e.code;
    throw e;
  }
}

// Every outcome is also written to test-output/results-wasm.txt ("<file>\t<case id>\t<outcome>",
// the plugin's C test writes results-native.txt in the same form) and scripts/test.d/plugin.sh
// fails on any case where native and WASM disagree.
const results = [];
const record = (file, id, got) => {
  results.push(`${file}\t${id}\t${got}`);
  return got;
};
after(() => {
  const out = resolve(pkgDir, "..", "test-output");
  mkdirSync(out, { recursive: true });
  const bytewise = (a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)));
  writeFileSync(resolve(out, "results-wasm.txt"), results.sort(bytewise).join("\n") + "\n");
});

// The parsed file, with a test that fails when it is missing: the suite cannot pass by shrinking.
function requiredVectors(name) {
  const doc = readVectors(name);
  test(`${name} exists`, () => assert.ok(doc, `tests/vectors/${name} is missing`));
  return doc;
}

const wallet = requiredVectors("wallet_signatures.json");
if (wallet) {
  for (const c of wallet.cases) {
    test(`wallet_signatures ${c.id}`, () => {
      const got = record("wallet_signatures.json", c.id, outcome(() => idos.verifyWalletSignature({
        type: c.type, identifier: c.identifier, publicKey: nullable(c.public_key), message: c.message,
        signature: c.signature, nonce: nullable(c.nonce), recipient: nullable(c.recipient),
        callbackUrl: nullable(c.callback_url),
      })));
      assert.equal(got, c.expected, c.comment);
    });
  }
}

const crypto = requiredVectors("crypto_interop.json");
if (crypto) {
  for (const c of crypto.idos_key_derivation.cases) {
    test(`crypto_interop ${c.id}`, () => {
      assert.equal(c.password.normalize("NFKC"), c.password_nfkc);
      const k = idos.deriveEncryptionKeyPair(c.password, c.user_id);
      assert.equal(hex(k.exportSecretKey()), c.secret_key_hex);
      assert.equal(hex(k.publicKey), c.public_key_hex);
      k.dispose();
    });
  }
  for (const c of crypto.box.cases) {
    test(`crypto_interop ${c.id}`, () => {
      const k = idos.encryptionKeyPairFromSecret(unhex(c.recipient_secret_hex));
      assert.equal(hex(k.publicKey), c.recipient_public_hex);
      const epk = Buffer.from(unhex(c.sender_public_hex)).toString("base64");
      assert.equal(hex(idos.decrypt(c.content_base64, epk, k)), c.plaintext_hex);
      // and back: what we encrypt to the same key opens to the same plaintext
      const m = idos.encrypt(unhex(c.plaintext_hex), k.publicKey);
      assert.equal(hex(idos.decrypt(m.content, m.encryptorPublicKey, k)), c.plaintext_hex);
      k.dispose();
    });
  }
  for (const c of crypto.sealed_box.cases) {
    test(`crypto_interop ${c.id}`, () => {
      const k = idos.encryptionKeyPairFromSecret(unhex(c.recipient_secret_hex));
      assert.equal(hex(idos.sealOpen(idos.fromBase64(c.sealed_base64), k)), c.plaintext_hex);
      k.dispose();
    });
  }
  for (const c of crypto.ed25519.cases) {
    test(`crypto_interop ${c.id}`, () => {
      const k = idos.ed25519KeyPairFromSeed(unhex(c.seed_hex));
      assert.equal(hex(k.publicKey), c.public_hex);
      assert.equal(hex(k.sign(unhex(c.message_hex))), c.signature_hex);
      assert.equal(idos.ed25519Verify(unhex(c.message_hex), unhex(c.signature_hex), unhex(c.public_hex)), true);
      k.dispose();
    });
  }
}

// grants.json (the grant work): each case runs validate(kind, input, now, seen_before); input_text,
// when present, is the exact document text, otherwise the document is JSON.stringify(input).
const grants = requiredVectors("grants.json");
if (grants) {
  test("grants.json has cases", () => assert.ok(Array.isArray(grants.cases) && grants.cases.length > 0));
  for (const c of grants.cases ?? []) {
    test(`grants ${c.id}`, () => {
      const text = c.input_text ?? JSON.stringify(c.input);
      const got = record("grants.json", c.id, outcome(() => idos.validate(c.kind, text, c.now, c.seen_before)));
      assert.equal(got, c.expected, c.comment);
    });
  }
}

// protocol.json: signedMessage, replayKey and deriveAccessGrant through the package API. expected is
// the exact output (the text; {key, keep_until}; the grant as canonical JSON text) or an error code
// name. The outcome recorded for the native-vs-WASM diff is "valid" when the output is the expected
// one, "different" when not, or the error code.
const protocol = readVectors("protocol.json");
test("protocol.json exists", () => assert.ok(protocol, "tests/vectors/protocol.json is missing"));
if (protocol) {
  const isCode = (x) => typeof x === "string" && /^[A-Z][A-Z_]*$/.test(x);
  // The package's own output for a case, in the vector file's form.
  const run = {
    signed_message: (kind, text) => idos.signedMessage(kind, text),
    replay_key: (kind, text) => {
      const r = idos.replayKey(kind, text);
      assert.deepEqual(Object.keys(r).sort(), ["keepUntil", "key"]);
      return { key: r.key, keep_until: r.keepUntil };
    },
    // An object (parsed from the module's canonical text): serialised again, member order kept, it
    // must give the canonical text back.
    derive_access_grant: (kind, text) => JSON.stringify(idos.deriveAccessGrant(kind, text)),
  };
  test("protocol.json has cases of every op", () => {
    const ops = new Set((protocol.cases ?? []).map((c) => c.op));
    assert.deepEqual([...ops].sort(), Object.keys(run).sort());
    const counted = Object.values(protocol.counts).flatMap((k) => Object.values(k)).reduce((a, b) => a + b, 0);
    assert.equal(counted, protocol.cases.length);
  });
  for (const c of protocol.cases ?? []) {
    test(`protocol ${c.id}`, () => {
      assert.ok(run[c.op], `unknown op ${c.op}`);
      const text = c.input_text ?? JSON.stringify(c.input);
      let output;
      // outcome() is "valid" when the call returns true, else the error code: ran without an error,
      // the output decides between "valid" and "different" (as the plugin's C test records it).
      let got = outcome(() => {
        output = run[c.op](c.kind, text);
        return true;
      });
      if (got === "valid" && !isDeepStrictEqual(output, c.expected)) got = "different";
      record("protocol.json", c.id, got);
      if (isCode(c.expected)) assert.equal(got, c.expected, c.comment);
      else assert.deepEqual(output, c.expected, c.comment);
    });
  }
}

// Wycheproof Ed25519 through the module (the native plugin runs the same file).
const wycheproof = requiredVectors("wycheproof/ed25519_test.json");
if (wycheproof) {
  test("wycheproof ed25519 through the module", () => {
    let checked = 0;
    for (const g of wycheproof.testGroups) {
      for (const t of g.tests) {
        const got = record("wycheproof/ed25519_test.json", `tcId-${t.tcId}`,
          outcome(() => idos.ed25519Verify(unhex(t.msg), unhex(t.sig), unhex(g.publicKey.pk))));
        if (t.result === "valid") assert.equal(got, "valid", `tcId ${t.tcId}`);
        else assert.notEqual(got, "valid", `tcId ${t.tcId}`);
        checked++;
      }
    }
    assert.ok(checked > 100);
  });
}
