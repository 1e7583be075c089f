// The npm package's node client (idos-core/client) against a real idos-node: typed calls, signed
// requests from EVM and FaceSign wallets, errors as IdosError with the node's code and HTTP status,
// and receipts checked against the permitted node keys.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, idos, startNode, evmWallet, faceSignWallet, makeCredential, canonicalSha, uuid } from "./helpers.mjs";

const { NodeClient, receiptMessage } = await import(pathToFileURL(path.join(ROOT, "js/dist/client.js")).href);
const { IdosError } = await import(pathToFileURL(path.join(ROOT, "js/dist/index.js")).href);

let m, node, client;
const owner = evmWallet();
const stranger = faceSignWallet();

before(async () => {
  m = await idos();
  node = await startNode();
  client = new NodeClient({ baseUrl: node.url, idos: m });
});
after(async () => { if (node) await node.stop(); });

test("health names the node key; writes need it permitted", async () => {
  const h = await client.health();
  assert.equal(h.node_id, node.nodeId);
  await assert.rejects(
    client.createUser(owner, { userId: uuid(), encryptionPublicKey: m.toBase64(m.generateEncryptionKeyPair().publicKey) }),
    (e) => e instanceof IdosError && e.code === "VERIFY_FAILED",
    "a receipt from a node that is not permitted is not a success");
});

test("typed calls with verified receipts", async () => {
  const c = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
  const enc = m.generateEncryptionKeyPair();
  const w = evmWallet();
  const userId = uuid();
  const created = await c.createUser(w, { userId, encryptionPublicKey: m.toBase64(enc.publicKey) });
  assert.equal(created.user.id, userId);
  const me = await c.me(w);
  assert.equal(me.user.id, userId);

  const credential = await makeCredential({ userId, plaintext: '{"name":"Ada"}', recipientPublicKey: enc.publicKey });
  const put = await c.putCredential(w, credential);
  const receipt = put.receipts[0];
  assert.equal(await c.verifyReceipt(receipt, { expectedSha256: await canonicalSha(credential) }), true);
  const failsWith = (code) => (e) => e instanceof IdosError && e.code === code;
  await assert.rejects(c.verifyReceipt(receipt, { expectedSha256: "00".repeat(32) }), failsWith("VERIFY_FAILED"), "other sha256");
  await assert.rejects(c.verifyReceipt({ ...receipt, log_position: receipt.log_position + 1 }), failsWith("VERIFY_FAILED"),
    "tampered");
  await assert.rejects(c.verifyReceipt({ ...receipt, signature: "zz" }), failsWith("INVALID_LENGTH"), "malformed");
  await assert.rejects(new NodeClient({ baseUrl: node.url, idos: m }).verifyReceipt(receipt), failsWith("VERIFY_FAILED"),
    "not permitted");
  assert.match(receiptMessage(m, receipt), /^operation: nodeReceipt\nnode_id: [0-9a-f]{64}\n/);

  const list = await c.listCredentials(w);
  assert.ok(list.credentials.some((x) => x.id === credential.id));
  const got = await c.getCredential(w, credential.id);
  assert.equal(got.credential.id, credential.id);
  const plaintext = m.decrypt(got.credential.content, got.credential.encryptor_public_key, enc);
  assert.equal(new TextDecoder().decode(plaintext), '{"name":"Ada"}');
  enc.dispose();
});

test("refusals are IdosError with the node's code and HTTP status", async () => {
  const c = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
  await assert.rejects(c.me(stranger), (e) => e instanceof IdosError && e.code === "FORBIDDEN" && e.status === 403);
  await assert.rejects(c.request("GET", "/v1/nothing-here"), (e) => e.code === "NOT_FOUND" && e.status === 404);
  // A malformed signer is refused locally, before anything is sent (no HTTP status).
  await assert.rejects(c.me({ type: "EVM", identifier: "0x1234", sign: () => "0x" }),
    (e) => e instanceof IdosError && e.code === "INVALID_LENGTH" && e.status === undefined);
  // A well-formed but wrong signature is the node's refusal: 401.
  const impostor = evmWallet();
  await assert.rejects(c.me({ ...impostor, sign: (msg) => evmWallet().sign(msg) }),
    (e) => e instanceof IdosError && e.code === "VERIFY_FAILED" && e.status === 401);
  const down = new NodeClient({ baseUrl: "http://127.0.0.1:9", idos: m });
  await assert.rejects(down.health(), (e) => e instanceof IdosError && e.code === "NODE_UNREACHABLE" && e.status === 0);
  assert.throws(() => c.permitNode("ABC"), (e) => e.code === "INVALID_ENCODING");
});

test("the public explorer through the client", async () => {
  const page = await client.publicGrants({ limit: 5 });
  assert.ok(Array.isArray(page.grants));
});
