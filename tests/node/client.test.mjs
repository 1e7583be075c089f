// The npm package's node client (idos-core/client) against a real idos-node: typed calls, signed
// requests from EVM and FaceSign wallets, errors as IdosError with the node's code and HTTP status,
// receipts checked against the permitted node keys and against what was sent (putCredential), and
// RATE_LIMITED with the node's Retry-After as `retryAfter`.
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

test("health names the node key; a client trusting no node key refuses to write, before sending", async () => {
  const h = await client.health();
  assert.equal(h.node_id, node.nodeId);
  const sent = [];
  const counting = new NodeClient({ baseUrl: node.url, idos: m, fetch: (url, init) => { sent.push(url); return fetch(url, init); } });
  const userId = uuid();
  await assert.rejects(
    counting.createUser(owner, { userId, encryptionPublicKey: m.generateEncryptionKeyPair().publicKey }),
    (e) => e instanceof IdosError && e.code === "INVALID_INPUT" && e.status === undefined &&
      /permittedNodeKeys/.test(e.message) && /fromNetwork/.test(e.message) && /GET \/v1\/node/.test(e.message));
  assert.deepEqual(sent, [], "nothing was sent");
  // A client permitting another node's key still fails after the write (the node's receipt is not trusted).
  const other = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: ["11".repeat(32)] });
  await assert.rejects(other.createUser(owner, { userId, encryptionPublicKey: m.generateEncryptionKeyPair().publicKey }),
    (e) => e instanceof IdosError && e.code === "VERIFY_FAILED" && e.status === 200 && /not a permitted node key/.test(e.message));
});

test("fromNetwork: only with trust first-use; trusts the ids the answering nodes name", async () => {
  await assert.rejects(NodeClient.fromNetwork([node.url], { idos: m }), (e) => e.code === "INVALID_INPUT" && /first-use/.test(e.message));
  const second = await startNode();
  try {
    const c = await NodeClient.fromNetwork(["http://127.0.0.1:9", node.url, second.url], { trust: "first-use", idos: m });
    assert.equal(c.baseUrl, node.url, "the first node that answers");
    assert.deepEqual(c.permittedNodeKeys.sort(), [node.nodeId, second.nodeId].sort());
    const w = evmWallet();
    const created = await c.createUser(w, { userId: uuid(), encryptionPublicKey: m.generateEncryptionKeyPair().publicKey });
    assert.equal(created.receipts[0].node_id, node.nodeId);
    await assert.rejects(NodeClient.fromNetwork(["http://127.0.0.1:9"], { trust: "first-use", idos: m }),
      (e) => e.code === "NODE_UNREACHABLE" && e.status === 0);
  } finally {
    await second.stop();
  }
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
  const spelled = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [`0x${node.nodeId.toUpperCase()}`] });
  assert.deepEqual(spelled.permittedNodeKeys, [node.nodeId], "a node id in any hex spelling is kept lowercase");
});

test("the public explorer through the client, include_revoked included", async () => {
  const c = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
  const enc = m.generateEncryptionKeyPair();
  const w = evmWallet();
  const grantee = evmWallet();
  const userId = uuid();
  await c.createUser(w, { userId, encryptionPublicKey: m.toBase64(enc.publicKey) });
  const original = await makeCredential({ userId, plaintext: "shared", recipientPublicKey: enc.publicKey });
  await c.putCredential(w, original);
  const copy = m.makeSharedCopy({ copyId: uuid(), userId, plaintext: "shared", granteePublicKey: enc.publicKey });
  const shared = await c.share(w, { shared_copy: copy.credential, original_id: original.id, grantee: grantee.identifier, locked_until: 0,
    content_hash: copy.content_hash });
  const revoked = await c.revoke(w, shared.grant.id);
  assert.equal(revoked.grant.id, shared.grant.id);
  assert.equal(typeof revoked.revoked_at, "number");
  const active = await c.publicGrants({ grantee: grantee.identifier });
  assert.deepEqual(active.grants, []);
  assert.equal(active.next_cursor, null);
  const all = await c.publicGrants({ grantee: grantee.identifier, include_revoked: true, limit: 5 });
  assert.deepEqual(all.grants.map((g) => [g.id, g.revoked_at]), [[shared.grant.id, revoked.revoked_at]]);
  enc.dispose();
});

test("putCredential: a receipt naming other bytes than those sent is VERIFY_FAILED", async () => {
  const c = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
  const enc = m.generateEncryptionKeyPair();
  const w = evmWallet();
  const userId = uuid();
  await c.createUser(w, { userId, encryptionPublicKey: m.toBase64(enc.publicKey) });
  const issuer = m.generateEd25519KeyPair();
  const id = uuid();
  const build = (plaintext) => m.buildCredential({ id, userId, publicNotes: '{"type":"KYC"}', plaintext,
    recipientPublicKey: enc.publicKey, issuer });
  const sent = build('{"name":"Ada"}');
  const stored = build('{"name":"Eve"}');
  // Between the client and the node, the body is swapped for another valid credential with the same
  // id (re-signed by the same wallet, so the node accepts it): the real node stores it and signs a
  // valid receipt for it. Only the comparison with what the client sent can tell.
  const swapping = async (url, init) => {
    if (init.method === "POST" && url.endsWith("/v1/credentials")) {
      const body = JSON.stringify({ credential: stored });
      const header = await c.signedRequestHeader(w, "POST", "/v1/credentials", body);
      init = { ...init, body, headers: { ...init.headers, "idos-signed-request": header } };
    }
    return fetch(url, init);
  };
  const tampered = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId], fetch: swapping });
  await assert.rejects(tampered.putCredential(w, sent),
    (e) => e instanceof IdosError && e.code === "VERIFY_FAILED" && e.status === 200 && /another sha256/.test(e.message));
  // The node did store the other credential, with a receipt that verifies on its own.
  const got = await c.getCredential(w, id);
  assert.equal(got.meta.sha256, await canonicalSha(stored));
  assert.notEqual(got.meta.sha256, await canonicalSha(sent));

  // The honest path: the receipt names the canonical JSON's SHA-256 of what was sent.
  const other = await makeCredential({ userId, plaintext: '{"name":"Ada"}', recipientPublicKey: enc.publicKey });
  const put = await c.putCredential(w, other);
  assert.equal(put.receipts[0].sha256, m.toHex(m.sha256(m.canonicalizeJson(other))));
  assert.equal(put.credential.sha256, put.receipts[0].sha256);
  await assert.rejects(c.putCredential(w, "not a document"), (e) => e instanceof IdosError && e.code === "INVALID_INPUT");
  issuer.dispose();
  enc.dispose();
});

test("RATE_LIMITED carries status 429 and retryAfter from the node's Retry-After header", async () => {
  const limited = await startNode({ args: ["--rate-limit", "0.01", "--rate-burst", "1"] });
  try {
    const headers = [];
    const recording = async (url, init) => {
      const res = await fetch(url, init);
      headers.push(res.headers.get("retry-after"));
      return res;
    };
    const c = new NodeClient({ baseUrl: limited.url, idos: m, permittedNodeKeys: [limited.nodeId], fetch: recording });
    const w = evmWallet();
    await assert.rejects(c.me(w), (e) => e.code === "FORBIDDEN" && e.retryAfter === undefined);  // the one token
    await assert.rejects(c.me(w), (e) => {
      assert.ok(e instanceof IdosError);
      assert.equal(e.code, "RATE_LIMITED");
      assert.equal(e.status, 429);
      assert.match(headers.at(-1), /^\d+$/);
      assert.equal(e.retryAfter, Number(headers.at(-1)));
      assert.ok(e.retryAfter >= 1 && e.retryAfter <= 101, `retryAfter ${e.retryAfter}`);
      return true;
    });
  } finally {
    await limited.stop();
  }
});
