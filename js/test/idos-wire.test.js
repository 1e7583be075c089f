// The package's idOS-interop options around tests/vectors/idos_wire.json: accessGrantId(..., { as }),
// the DWG message formats and deriveEncryptionKeyPair(..., { salt }). The file's cases themselves
// (documents, wallet cases, ids, key derivations) run in vectors.test.js, which records their
// outcomes for the native-vs-WASM comparison.
import assert from "node:assert/strict";
import { test } from "node:test";
import { code, load, readVectors } from "./helpers.js";

const idos = await load();
const wire = readVectors("idos_wire.json");
test("idos_wire.json exists", () => assert.ok(wire, "tests/vectors/idos_wire.json is missing"));

if (wire) {
  for (const c of wire.access_grant_ids) {
    test(`idos_wire ${c.id}`, () => {
      assert.equal(idos.accessGrantId(c.grantee, c.data_id, c.locked_until, { as: "idos" }), c.idos_id);
      const canonical = idos.canonicalWalletIdentifier(c.grantee.startsWith("0x") ? "EVM" : "Stellar", c.grantee);
      assert.equal(idos.accessGrantId(canonical, c.data_id, c.locked_until), c.canonical_id);
    });
  }
  test("accessGrantId options: as must be idos or canonical", () => {
    const c = wire.access_grant_ids[0];
    assert.throws(() => idos.accessGrantId(c.grantee, c.data_id, 0, { as: "near" }), code("INVALID_INPUT"));
    assert.throws(() => idos.accessGrantId("0xnot", c.data_id, 0, { as: "idos" }), code("INVALID_LENGTH"));
  });
  test("deriveEncryptionKeyPair options: salt must be idos or any-uuid; idos refuses a UUID v1", () => {
    const v1 = wire.key_derivation.find((c) => c.id === "kdf/v1-any-uuid");
    const k = idos.deriveEncryptionKeyPair(v1.password, v1.user_id);  // default: any UUID
    assert.equal(Buffer.from(k.exportSecretKey()).toString("hex"), v1.secret_key_hex);
    k.dispose();
    assert.throws(() => idos.deriveEncryptionKeyPair(v1.password, v1.user_id, { salt: "idos" }), code("INVALID_INPUT"));
    assert.throws(() => idos.deriveEncryptionKeyPair(v1.password, v1.user_id, { salt: "v4" }), code("INVALID_INPUT"));
    assert.throws(() => idos.deriveEncryptionKeyPair(v1.password, v1.user_id, "idos"), code("INVALID_INPUT"));
  });
  test("DWG message: idOS's keys by default, the previous ones with format idos-core-1", () => {
    const fields = { owner_wallet_identifier: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      grantee_wallet_identifier: "0x0000000000000000000000000000000000000002", issuer_public_key: "a".repeat(64),
      id: "00000000-0000-4000-8000-000000000001", access_grant_timelock: "2026-01-08T00:00:00Z",
      not_usable_before: "2026-01-01T00:00:00Z", not_usable_after: "2026-01-02T00:00:00Z" };
    const m = idos.delegatedWriteGrantMessage(fields);
    assert.match(m, /^operation: delegatedWriteGrant\nowner: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\nconsumer: /);
    assert.match(m, /\nissuer public key: a{64}\n.*\naccess grant timelock: .*\nnot usable before: .*\nnot usable after: 2026-01-02T00:00:00Z$/s);
    assert.match(idos.delegatedWriteGrantMessage({ ...fields, format: "idos-core-1" }), /\ngrantee: 0x0+2\nissuer_public_key: /);
    assert.throws(() => idos.delegatedWriteGrantMessage({ ...fields, format: "v2" }), code("UNSUPPORTED"));
  });
}
