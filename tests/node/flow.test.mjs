// The whole flow against a real idos-node: a user is created, an issuer writes a credential
// through a delegated write grant, the user shares a copy, grantees read and decrypt with the npm
// package, the explorer lists the grants, revocation is refused while locked and accepted after.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  idos, startNode, call, evmWallet, faceSignWallet, createUser, makeCredential, makeDwg, makeDag,
  verifyReceipt, canonicalSha, nowSeconds, uuid, hex, rfc3339, runNodeOnce, PLUGIN,
} from "./helpers.mjs";

let m, node;
const owner = evmWallet();
const issuerWallet = faceSignWallet();
const grantee = evmWallet();
const grantee2 = faceSignWallet();
const state = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  m = await idos();
  node = await startNode();
});
after(async () => { if (node) await node.stop(); });

test("health, node info and metrics", async () => {
  const h = await call(node, "GET", "/health");
  assert.equal(h.status, 200);
  assert.equal(h.body.status, "ok");
  assert.equal(h.body.storage, "ok");
  assert.equal(h.body.plugin_abi, 1);
  assert.match(h.body.node_id, /^[0-9a-f]{64}$/);
  const info = await call(node, "GET", "/v1/node");
  assert.equal(info.body.node_id, node.nodeId);
  const metrics = await call(node, "GET", "/metrics");
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get("content-type"), /^text\/plain/);
  assert.match(metrics.text, /idos_node_requests_total\{method="GET",route="\/health",status="200"\} 1/);
  assert.match(metrics.text, /# TYPE idos_node_request_duration_seconds histogram/);
});

test("a user is created and the receipt verifies", async () => {
  const { userId, encryption, response } = await createUser(node, owner);
  assert.equal(response.status, 201, response.text);
  assert.equal(response.body.user.id, userId);
  const [receipt] = response.body.receipts;
  assert.equal(receipt.write_operation, "create_user");
  assert.equal(receipt.object_id, userId);
  assert.equal(receipt.sha256, await canonicalSha(response.body.user));
  assert.equal(await verifyReceipt(receipt, [node.nodeId]), true);
  const verifyFailed = (e) => e?.code === "VERIFY_FAILED";
  await assert.rejects(verifyReceipt(receipt, ["00".repeat(32)]), verifyFailed, "a node not in the permitted list");
  await assert.rejects(verifyReceipt({ ...receipt, object_id: uuid() }, [node.nodeId]), verifyFailed, "tampered receipt");
  state.userId = userId;
  state.ownerKey = encryption;
  const me = await call(node, "GET", "/v1/users/me", { wallet: owner });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.id, userId);
  assert.deepEqual(me.body.wallets.map((w) => w.wallet_identifier), [owner.identifier]);
});

test("an issuer writes a credential, its shared copy and the grant through a DWG", async () => {
  const issuer = m.generateEd25519KeyPair();
  state.granteeKey = m.generateEncryptionKeyPair();
  state.plaintext = JSON.stringify({ name: "Ada Lovelace", kyc: "passed", nonce: uuid() });
  const credential = await makeCredential({
    userId: state.userId, plaintext: state.plaintext, recipientPublicKey: state.ownerKey.publicKey, issuer,
  });
  const copy = m.makeSharedCopy({
    copyId: uuid(), userId: state.userId, plaintext: state.plaintext, granteePublicKey: state.granteeKey.publicKey,
  });
  const lockedUntil = nowSeconds() + 4;
  const dwg = await makeDwg({
    owner, grantee: grantee.identifier, issuerPublicKeyHex: hex(issuer.publicKey), timelock: lockedUntil,
  });
  const body = { dwg, credential, shared_copy: copy.credential, content_hash: copy.content_hash };
  const r = await call(node, "POST", "/v1/credentials/dwg", { wallet: issuerWallet, body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.receipts.length, 3);
  for (const receipt of r.body.receipts) assert.ok(await verifyReceipt(receipt, [node.nodeId]));
  const byKind = Object.fromEntries(r.body.receipts.map((x) => [x.object_kind, x]));
  assert.equal(byKind.credential.sha256, await canonicalSha(credential));
  assert.equal(byKind.shared_copy.sha256, await canonicalSha(copy.credential));
  assert.equal(byKind.grant.sha256, await canonicalSha(r.body.grant));
  assert.equal(r.body.grant.id, m.accessGrantId(grantee.identifier, copy.credential.id, lockedUntil));
  assert.equal(r.body.grant.inserter_type, "issuer");
  assert.equal(r.body.grant.locked_until, lockedUntil);
  state.credential = credential;
  state.copy = copy;
  state.grant = r.body.grant;

  // The DWG is single use.
  const again = await call(node, "POST", "/v1/credentials/dwg", { wallet: issuerWallet, body });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, "REPLAYED");
});

test("the owner reads and decrypts their credential", async () => {
  const r = await call(node, "GET", `/v1/credentials/${state.credential.id}`, { wallet: owner });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.credential, state.credential);
  const plain = m.decryptText(r.body.credential.content, r.body.credential.encryptor_public_key, state.ownerKey);
  assert.equal(plain, state.plaintext);
  const list = await call(node, "GET", "/v1/credentials", { wallet: owner });
  assert.deepEqual(list.body.credentials.map((c) => c.role).sort(), ["copy", "original"]);
});

test("the grantee reads the shared copy and decrypts it with the npm package", async () => {
  const r = await call(node, "GET", `/v1/shared/${state.copy.credential.id}`, { wallet: grantee });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.grant.id, state.grant.id);
  m.verifyCredential(r.body.credential);
  const plain = m.decrypt(r.body.credential.content, r.body.credential.encryptor_public_key, state.granteeKey);
  assert.equal(new TextDecoder().decode(plain), state.plaintext);
  assert.equal(m.contentHash(plain), r.body.grant.content_hash);
  // The owner's key cannot open the grantee's copy.
  assert.throws(() => m.decrypt(r.body.credential.content, r.body.credential.encryptor_public_key, state.ownerKey),
    (e) => e.code === "DECRYPT_FAILED");
});

test("the user shares a copy with a second grantee, who reads it", async () => {
  const key2 = m.generateEncryptionKeyPair();
  const copy = m.makeSharedCopy({
    copyId: uuid(), userId: state.userId, plaintext: state.plaintext, granteePublicKey: key2.publicKey,
  });
  const lockedUntil = nowSeconds() + 3;
  const r = await call(node, "POST", "/v1/shares", {
    wallet: owner,
    body: { shared_copy: copy.credential, original_id: state.credential.id, grantee: grantee2.identifier, locked_until: lockedUntil, content_hash: copy.content_hash },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.grant.owner, state.userId);
  assert.equal(r.body.grant.inserter_type, "user");
  assert.equal(r.body.receipts.length, 2);
  for (const receipt of r.body.receipts) assert.ok(await verifyReceipt(receipt, [node.nodeId]));
  state.grant2 = r.body.grant;
  const read = await call(node, "GET", `/v1/shared/${copy.credential.id}`, { wallet: grantee2 });
  assert.equal(read.status, 200, read.text);
  assert.equal(m.decryptText(read.body.credential.content, read.body.credential.encryptor_public_key, key2), state.plaintext);
  // The first grantee holds no grant on this copy.
  const other = await call(node, "GET", `/v1/shared/${copy.credential.id}`, { wallet: grantee });
  assert.equal(other.status, 403);
});

test("the public explorer lists the grants, filtered and paginated", async () => {
  const byGrantee = await call(node, "GET", `/v1/public/grants?grantee=${grantee.identifier}`);
  assert.equal(byGrantee.status, 200);
  assert.deepEqual(byGrantee.body.grants.map((g) => g.id), [state.grant.id]);
  const g = byGrantee.body.grants[0];
  assert.deepEqual(Object.keys(g).sort(), ["content_hash", "created_at", "data_id", "grantee", "id", "inserter_id",
    "inserter_type", "locked_until", "log_position", "owner", "revoked_at"].sort(), "grant metadata only");
  const byOwner = await call(node, "GET", `/v1/public/grants?owner=${state.userId}`);
  assert.deepEqual(byOwner.body.grants.map((x) => x.id), [state.grant.id, state.grant2.id]);
  const page1 = await call(node, "GET", `/v1/public/grants?owner=${state.userId}&limit=1`);
  assert.equal(page1.body.grants.length, 1);
  assert.ok(page1.body.next_cursor);
  const page2 = await call(node, "GET", `/v1/public/grants?owner=${state.userId}&limit=1&cursor=${page1.body.next_cursor}`);
  assert.deepEqual(page2.body.grants.map((x) => x.id), [state.grant2.id]);
  assert.equal(page2.body.next_cursor, null);
  const byData = await call(node, "GET", `/v1/public/grants?data_id=${state.copy.credential.id}`);
  assert.deepEqual(byData.body.grants.map((x) => x.id), [state.grant.id]);
  // Owner's and grantee's views.
  const owned = await call(node, "GET", "/v1/grants?role=owner", { wallet: owner });
  assert.equal(owned.body.grants.length, 2);
  const granted = await call(node, "GET", "/v1/grants?role=grantee", { wallet: grantee });
  assert.deepEqual(granted.body.grants.map((x) => x.id), [state.grant.id]);
});

test("revocation is refused while locked and accepted after the timelock", async () => {
  const early = await call(node, "DELETE", `/v1/grants/${state.grant.id}`, { wallet: owner });
  assert.equal(early.status, 409, early.text);
  assert.equal(early.body.code, "LOCKED");
  const notOwner = await call(node, "DELETE", `/v1/grants/${state.grant.id}`, { wallet: grantee });
  assert.equal(notOwner.status, 403);
  while (nowSeconds() <= state.grant.locked_until) await sleep(250);
  const r = await call(node, "DELETE", `/v1/grants/${state.grant.id}`, { wallet: owner });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.receipts[0].write_operation, "revoke");
  assert.ok(await verifyReceipt(r.body.receipts[0], [node.nodeId]));
  const read = await call(node, "GET", `/v1/shared/${state.copy.credential.id}`, { wallet: grantee });
  assert.equal(read.status, 403, "a revoked grant no longer lets the grantee read");
  const twice = await call(node, "DELETE", `/v1/grants/${state.grant.id}`, { wallet: owner });
  assert.equal(twice.status, 404);
  const active = await call(node, "GET", `/v1/public/grants?grantee=${grantee.identifier}`);
  assert.equal(active.body.grants.length, 0);
  const all = await call(node, "GET", `/v1/public/grants?grantee=${grantee.identifier}&include_revoked=true`);
  assert.equal(all.body.grants.length, 1);
  assert.ok(all.body.grants[0].revoked_at > 0);
});

test("a delegated access grant lets a grantee read; a replayed DAG is refused", async () => {
  const reader = evmWallet();
  const dag = await makeDag({
    owner, grantee: reader.identifier, dataId: state.copy.credential.id, contentHash: state.copy.content_hash,
  });
  const r = await call(node, "POST", "/v1/grants/dag", { wallet: reader, body: { dag } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.grant.inserter_type, "delegate");
  assert.ok(await verifyReceipt(r.body.receipts[0], [node.nodeId]));
  const read = await call(node, "GET", `/v1/shared/${state.copy.credential.id}`, { wallet: reader });
  assert.equal(read.status, 200);
  const again = await call(node, "POST", "/v1/grants/dag", { wallet: reader, body: { dag } });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, "REPLAYED");
});

test("a DAG may not point at the owner's original credential (only shared copies carry grants)", async () => {
  const reader = evmWallet();
  const dag = await makeDag({
    owner, grantee: reader.identifier, dataId: state.credential.id, contentHash: state.copy.content_hash,
  });
  const r = await call(node, "POST", "/v1/grants/dag", { wallet: reader, body: { dag } });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.body.code, "FORBIDDEN");
  assert.match(r.body.message, /shared copy/);
  const grants = await call(node, "GET", `/v1/public/grants?data_id=${state.credential.id}`);
  assert.equal(grants.status, 200);
  assert.equal(grants.body.grants.length, 0, "no grant was stored for the original");
});

test("adding a wallet proves ownership", async () => {
  const extra = faceSignWallet();
  const issuedAt = rfc3339(nowSeconds());
  const message = ["operation: addWallet", `user_id: ${state.userId}`, `wallet_type: FaceSign`,
    `wallet: ${extra.identifier}`, `issued_at: ${issuedAt}`].join("\n");
  const wrong = await call(node, "POST", "/v1/users/me/wallets", {
    wallet: owner,
    body: { wallet_type: "FaceSign", wallet_identifier: extra.identifier, issued_at: issuedAt, signature: await faceSignWallet().sign(message) },
  });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.code, "VERIFY_FAILED");
  const r = await call(node, "POST", "/v1/users/me/wallets", {
    wallet: owner,
    body: { wallet_type: "FaceSign", wallet_identifier: extra.identifier, issued_at: issuedAt, signature: await extra.sign(message) },
  });
  assert.equal(r.status, 201, r.text);
  assert.ok(await verifyReceipt(r.body.receipts[0], [node.nodeId]));
  const me = await call(node, "GET", "/v1/users/me", { wallet: extra });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.id, state.userId);
});

test("SIGTERM stops cleanly; a restart keeps the data and the node id", async () => {
  const dataDir = node.dataDir;
  const nodeId = node.nodeId;
  node.proc.kill("SIGTERM");
  const exit = await node.exit;
  assert.equal(exit.code, 0);
  assert.ok(node.logs.some((l) => l.event === "stopped"));
  const restarted = await startNode({ dataDir });
  try {
    assert.equal(restarted.nodeId, nodeId);
    const r = await call(restarted, "GET", `/v1/credentials/${state.credential.id}`, { wallet: owner });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.credential, state.credential);
  } finally {
    await restarted.stop();
  }
  node = await startNode({ dataDir });  // stopped (and cleaned) by after()
});

test("logs are JSON lines without bodies, signatures or ciphertext", async () => {
  const text = node.logs.map((l) => JSON.stringify(l)).join("\n");
  for (const l of node.logs) assert.ok(l.event, "every line is a JSON object with an event");
  assert.ok(!text.includes(state.credential.content.slice(0, 40)), "no ciphertext in logs");
  assert.ok(!text.includes("signature\":\"0x"), "no signatures in logs");
});

test("the node refuses to start without a usable plugin", async () => {
  const none = runNodeOnce(["--listen", "127.0.0.1:0", "--data", "/tmp/idos-node-never", "--plugin", "/nonexistent.so"]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /plugin_refused/);
  const notPlugin = runNodeOnce(["--listen", "127.0.0.1:0", "--data", "/tmp/idos-node-never", "--plugin",
    "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0"]);
  assert.equal(notPlugin.status, 1);
  assert.match(notPlugin.stderr, /not an idos plugin/);
  const help = runNodeOnce(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--plugin PATH/);
  const bad = runNodeOnce(["--plugin", PLUGIN, "--threads", "0"]);
  assert.equal(bad.status, 2);
});
