// Issuer delegation (docs/node.md, docs/spec/grants.md): with --issuer-delegates FILE a DWG naming
// key A of an inserter accepts a credential signed by key B of the same inserter, and still refuses
// key C of another inserter; without the file the credential's key must be the DWG's. The node only
// passes the list holding the DWG's key; the plugin decides (dwg_write's issuer_delegates).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import {
  idos, startNode, call, evmWallet, faceSignWallet, createUser, makeCredential, makeDwg, nowSeconds, uuid, hex,
  runNodeOnce, tempDir, removeDir, PLUGIN,
} from "./helpers.mjs";

let m, dir, file, delegated, plain;
let keyA, keyB, keyC;
const issuerWallet = faceSignWallet();
const grantee = evmWallet();

before(async () => {
  m = await idos();
  [keyA, keyB, keyC] = [m.generateEd25519KeyPair(), m.generateEd25519KeyPair(), m.generateEd25519KeyPair()];
  dir = tempDir();
  file = path.join(dir, "delegates.json");
  writeFileSync(file, JSON.stringify({ "Acme KYC": [hex(keyA.publicKey), hex(keyB.publicKey)], "Other Co": [hex(keyC.publicKey)] }));
  delegated = await startNode({ args: ["--issuer-delegates", file] });
  plain = await startNode();
});
after(async () => {
  for (const n of [delegated, plain]) if (n) await n.stop();
  if (dir) removeDir(dir);
});

// A user on `node`, and a DWG write naming key A whose credential is signed by `signer`.
async function writeUnderDwgOfA(node, signer) {
  const owner = evmWallet();
  const { userId, encryption, response } = await createUser(node, owner);
  assert.equal(response.status, 201, response.text);
  const plaintext = JSON.stringify({ kyc: "passed", nonce: uuid() });
  const credential = await makeCredential({ userId, plaintext, recipientPublicKey: encryption.publicKey, issuer: signer });
  const copy = m.makeSharedCopy({ copyId: uuid(), userId, plaintext, granteePublicKey: m.generateEncryptionKeyPair().publicKey });
  const dwg = await makeDwg({ owner, grantee: grantee.identifier, issuerPublicKeyHex: hex(keyA.publicKey), timelock: nowSeconds() + 5 });
  const body = { dwg, credential, shared_copy: copy.credential, content_hash: copy.content_hash };
  const r = await call(node, "POST", "/v1/credentials/dwg", { wallet: issuerWallet, body });
  return Object.assign(r, { owner, credential });
}

test("a DWG naming key A accepts a credential signed by key B of the same inserter", async () => {
  const r = await writeUnderDwgOfA(delegated, keyB);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.credential.id, r.credential.id);
  assert.equal(r.body.grant.inserter_type, "issuer");
  const stored = await call(delegated, "GET", `/v1/credentials/${r.credential.id}`, { wallet: r.owner });
  assert.equal(stored.status, 200, stored.text);
  assert.equal(stored.body.credential.issuer_auth_public_key, hex(keyB.publicKey));
});

test("a DWG naming key A still accepts key A itself", async () => {
  const r = await writeUnderDwgOfA(delegated, keyA);
  assert.equal(r.status, 201, r.text);
});

test("a DWG naming key A refuses key C of another inserter", async () => {
  const r = await writeUnderDwgOfA(delegated, keyC);
  assert.equal(r.body.code, "MISMATCH", r.text);
  assert.ok(r.status >= 400 && r.status < 500, r.text);
});

test("without the operator's list, key B is refused as before", async () => {
  const r = await writeUnderDwgOfA(plain, keyB);
  assert.equal(r.body.code, "MISMATCH", r.text);
});

test("the list is also read from IDOS_NODE_ISSUER_DELEGATES", async () => {
  const viaEnv = await startNode({ env: { IDOS_NODE_ISSUER_DELEGATES: file } });
  try {
    const r = await writeUnderDwgOfA(viaEnv, keyB);
    assert.equal(r.status, 201, r.text);
  } finally {
    await viaEnv.stop();
  }
});

test("a malformed delegates file stops the node at start (status 2)", () => {
  const bad = (name, content) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return runNodeOnce(["--listen", "127.0.0.1:0", "--data", path.join(dir, "never"), "--plugin", PLUGIN, "--issuer-delegates", p]);
  };
  const A = hex(keyA.publicKey);
  for (const [name, content, why] of [
    ["list.json", JSON.stringify([A]), /expected an object/],
    ["upper.json", JSON.stringify({ x: [A.toUpperCase()] }), /64 lowercase hex/],
    ["empty.json", JSON.stringify({ x: [] }), /1\.\.64 keys/],
    ["twice.json", JSON.stringify({ x: [A], y: [A] }), /also listed for 'x'/],
  ]) {
    const r = bad(name, content);
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, why, name);
  }
  const missing = runNodeOnce(["--plugin", PLUGIN, "--issuer-delegates", path.join(dir, "absent.json")]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read issuer delegates file/);
});
