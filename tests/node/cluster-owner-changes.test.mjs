// The owner's changes (docs/spec/owner-changes.md) on a network of 3 nodes on NATS JetStream:
// edit a credential, change the encryption key, remove a wallet, and their refusals, each written
// through another node; afterwards every node signs the same state hash, and no node's self-audit
// calls the replaced or removed rows diverged (docs/cluster.md, row_changes).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import {
  idos, call, faceSignWallet, evmWallet, createUser, makeCredential, nowSeconds, rfc3339, uuid, signedRequestHeader,
} from "./helpers.mjs";
import { startNetwork, streamLeader, waitFor } from "../../scripts/cluster.d/cluster.mjs";

let network, m;
const nodes = () => network.nodes;
let minPosition = 0;

before(async () => {
  m = await idos();
  network = await startNetwork({ servers: 3, nodes: 3 });
});
after(async () => {
  if (network) await network.stop();
});

// One call through node i (round robin by the caller), after the last write this test made; a
// write answered 503 (the log busy) is resent as the same request.
async function on(i, method, target, opts = {}) {
  const node = nodes()[i % nodes().length];
  const headers = { "idos-min-position": String(minPosition), ...(opts.headers ?? {}) };
  let r;
  for (let attempt = 0; attempt < 40; attempt++) {
    r = await call(node, method, target, { ...opts, headers, header: r?.header ?? opts.header });
    if (r.status !== 503) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  if (r.body?.log_position > minPosition) minPosition = r.body.log_position;
  return r;
}

function addWalletBody(newWallet, forUserId) {
  const issuedAt = rfc3339(nowSeconds());
  const message = ["operation: addWallet", `user_id: ${forUserId}`, `wallet_type: ${newWallet.type}`,
    `wallet: ${newWallet.identifier}`, `issued_at: ${issuedAt}`].join("\n");
  return { wallet_type: newWallet.type, wallet_identifier: newWallet.identifier, issued_at: issuedAt,
    signature: newWallet.signSync(message) };
}

async function sameStateEverywhere() {
  let last = 0;
  await waitFor(async () => {
    const p = await Promise.all(nodes().map(async (n) => (await call(n, "GET", "/health")).body?.log_position ?? 0));
    last = p[0];
    return p.every((x) => x === p[0] && x >= minPosition);
  }, 20000, () => "nodes did not converge");
  const entries = await Promise.all(nodes().map(async (n) => (await call(n, "GET", `/v1/log/${last}`)).body));
  for (const e of entries) assert.equal(e.state_hash, entries[0].state_hash, `state hash at ${last}`);
  return last;
}

test("edit, key change and wallet removal through different nodes: refusals and successes, equal state hashes", async () => {
  const w = evmWallet();
  const second = faceSignWallet();
  const other = faceSignWallet();
  const grantee = evmWallet();
  const userId = uuid();
  const key = m.generateEncryptionKeyPair();
  let r = await on(0, "POST", "/v1/users", { wallet: w, body: { user_id: userId, encryption_public_key: m.toBase64(key.publicKey) } });
  assert.equal(r.status, 201, r.text);
  const o = await createUser(nodes()[1], other);
  assert.equal(o.response.status, 201, o.response.text);
  if (o.response.body.log_position > minPosition) minPosition = o.response.body.log_position;
  const g = await createUser(nodes()[2], grantee);
  if (g.response.body.log_position > minPosition) minPosition = g.response.body.log_position;
  r = await on(1, "POST", "/v1/users/me/wallets", { wallet: w, body: addWalletBody(second, userId) });
  assert.equal(r.status, 201, r.text);
  const originals = [];
  for (let i = 0; i < 3; i++) {
    const c = await makeCredential({ userId, plaintext: `p${i}`, recipientPublicKey: key.publicKey });
    r = await on(i, "POST", "/v1/credentials", { wallet: w, body: { credential: c } });
    assert.equal(r.status, 201, r.text);
    originals.push(c);
  }
  const copy = m.makeSharedCopy({ copyId: uuid(), userId, plaintext: "p0", granteePublicKey: g.encryption.publicKey });
  const shareBody = { shared_copy: copy.credential, grantee: grantee.identifier, locked_until: nowSeconds() + 3600,
    content_hash: copy.content_hash, original_id: originals[0].id };
  r = await on(2, "POST", "/v1/shares", { wallet: w, body: shareBody });
  assert.equal(r.status, 201, r.text);

  // edit: a copy and another user's record refused; the locked original refused; another edited.
  const reencrypt = (c, plaintext, to) => m.buildCredential({ id: c.id, userId, publicNotes: c.public_notes, plaintext,
    recipientPublicKey: to.publicKey, issuer: m.generateEd25519KeyPair() });
  r = await on(0, "PUT", `/v1/credentials/${copy.credential.id}`, { wallet: w,
    body: { credential: m.buildCredential({ id: copy.credential.id, userId, publicNotes: "", plaintext: "p0",
      recipientPublicKey: key.publicKey, issuer: m.generateEd25519KeyPair() }) } });
  assert.equal(r.status, 403, r.text);
  r = await on(1, "PUT", `/v1/credentials/${originals[1].id}`, { wallet: other, body: { credential: reencrypt(originals[1], "x", key) } });
  assert.equal(r.status, 403, r.text);
  r = await on(2, "PUT", `/v1/credentials/${originals[0].id}`, { wallet: w, body: { credential: reencrypt(originals[0], "new", key) } });
  assert.equal(r.status, 409, r.text);
  r = await on(2, "PUT", `/v1/credentials/${originals[1].id}`, { wallet: second, body: { credential: reencrypt(originals[1], "p1 v2", key) } });
  assert.equal(r.status, 200, r.text);

  // key change: one original missing refused; all of them accepted, through another node.
  const next = m.generateEncryptionKeyPair();
  const plain = ["p0", "p1 v2", "p2"];
  const records = originals.map((c, i) => reencrypt(c, plain[i], next));
  r = await on(0, "PUT", "/v1/users/me/encryption-key", { wallet: w,
    body: { encryption_public_key: m.toBase64(next.publicKey), credentials: records.slice(1) } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.code, "MISMATCH");
  r = await on(1, "PUT", "/v1/users/me/encryption-key", { wallet: w,
    body: { encryption_public_key: m.toBase64(next.publicKey), credentials: records } });
  assert.equal(r.status, 200, r.text);

  // remove a wallet: itself refused, the second wallet removed by the first.
  r = await on(2, "DELETE", `/v1/users/me/wallets/${w.identifier}`, { wallet: w });
  assert.equal(r.status, 403, r.text);
  r = await on(0, "DELETE", `/v1/users/me/wallets/${second.identifier}`, { wallet: w });
  assert.equal(r.status, 200, r.text);

  // Every node: same state hash, the new key, the re-encrypted records, the wallet gone.
  await sameStateEverywhere();
  for (let i = 0; i < 3; i++) {
    const me = await on(i, "GET", "/v1/users/me", { wallet: w });
    assert.equal(me.body.user.encryption_public_key, m.toBase64(next.publicKey), `node ${i}`);
    assert.deepEqual(me.body.wallets.map((x) => x.wallet_identifier), [w.identifier], `node ${i}`);
    const got = await on(i, "GET", `/v1/credentials/${originals[1].id}`, { wallet: w });
    const doc = got.body.credential;
    assert.equal(m.utf8Decode(m.decrypt(doc.content, m.fromBase64(doc.encryptor_public_key), next)), "p1 v2", `node ${i}`);
  }
  // The self-audit re-reads the earlier positions whose rows were replaced or removed: no node is
  // diverged (docs/cluster.md, row_changes). Give each node's audit a few rounds.
  await new Promise((res) => setTimeout(res, 3000));
  for (const n of nodes()) {
    const h = await call(n, "GET", "/health");
    assert.equal(h.body.status, "ok", `node ${n.nodeId.slice(0, 8)}: ${h.text}`);
  }
});

// Issue 16: the atomic key change with the stream leader killed (SIGKILL) while the transaction is
// on its way. Whatever the first answer (receipt, 503, or none), every node afterwards holds either
// all the records under the new key with the new public key, or none of them; and the identical
// request, sent again, completes it exactly once.
test("key change while the stream leader is killed: all or nothing on every node, then completed once", async (t) => {
  const w = faceSignWallet();
  const userId = uuid();
  const oldKey = m.generateEncryptionKeyPair();
  let r = await on(0, "POST", "/v1/users", { wallet: w, body: { user_id: userId, encryption_public_key: m.toBase64(oldKey.publicKey) } });
  assert.equal(r.status, 201, r.text);
  const plain = ["k0", "k1", "k2", "k3"];
  const originals = [];
  for (const p of plain) {
    const c = await makeCredential({ userId, plaintext: p, recipientPublicKey: oldKey.publicKey });
    r = await on(1, "POST", "/v1/credentials", { wallet: w, body: { credential: c } });
    assert.equal(r.status, 201, r.text);
    originals.push(c);
  }
  await sameStateEverywhere();
  const newKey = m.generateEncryptionKeyPair();
  const records = originals.map((c, i) => m.buildCredential({ id: c.id, userId, publicNotes: c.public_notes,
    plaintext: plain[i], recipientPublicKey: newKey.publicKey, issuer: m.generateEd25519KeyPair() }));
  const target = "/v1/users/me/encryption-key";
  const body = JSON.stringify({ encryption_public_key: m.toBase64(newKey.publicKey), credentials: records });
  const header = await signedRequestHeader(w, "PUT", target, body);

  const leaderName = await streamLeader(network.cluster);
  assert.ok(leaderName, "a stream leader");
  const leader = network.cluster.servers.find((x) => x.name === leaderName);
  const node = nodes()[2];
  const first = call(node, "PUT", target, { body, header }).catch((e) => ({ status: 0, text: String(e) }));
  await leader.kill9();
  const answer = await first;
  t.diagnostic(`first answer with the leader ${leaderName} killed: ${answer.status}`);

  // All or nothing, the same on every node, once they agree again.
  const state = async (n) => {
    const me = await call(n, "GET", "/v1/users/me", { wallet: w });
    assert.equal(me.status, 200, me.text);
    const underNew = me.body.user.encryption_public_key === m.toBase64(newKey.publicKey);
    const key = underNew ? newKey : oldKey;
    for (let i = 0; i < originals.length; i++) {
      const got = await call(n, "GET", `/v1/credentials/${originals[i].id}`, { wallet: w });
      assert.equal(got.status, 200, got.text);
      const doc = got.body.credential;
      // Decrypts with the key the user record names: no record is left under the other key.
      assert.equal(m.utf8Decode(m.decrypt(doc.content, m.fromBase64(doc.encryptor_public_key), key)), plain[i],
        `record ${i} is under the key the user record names (${underNew ? "new" : "old"})`);
    }
    return underNew;
  };
  // An entry the edge gave up on may still land (its publish reached the new leader): the nodes are
  // compared once their positions agree and hold still for a second (bounded rounds).
  let p = 0;
  let outcomes = [];
  for (let round = 0; round < 10; round++) {
    await waitFor(async () => {
      const positions = await Promise.all(nodes().map(async (n) => (await call(n, "GET", "/health")).body?.log_position ?? 0));
      p = positions[0];
      return positions.every((x) => x === positions[0]);
    }, 30000, () => "the nodes did not converge after the leader was killed");
    await new Promise((res) => setTimeout(res, 1000));
    outcomes = [];
    for (const n of nodes()) outcomes.push(await state(n));
    const still = await Promise.all(nodes().map(async (n) => (await call(n, "GET", "/health")).body?.log_position ?? 0));
    if (new Set(outcomes).size === 1 && still.every((x) => x === p)) break;
  }
  assert.equal(new Set(outcomes).size, 1, `every node holds the same outcome: ${outcomes}`);
  if (answer.status === 200) assert.equal(outcomes[0], true, "a receipt means the change is applied");
  t.diagnostic(`after the kill: ${outcomes[0] ? "applied" : "not applied"} on every node at ${p}`);

  // The identical request again (through another node, as a client failing over would): it
  // completes the change, or answers with the first outcome; applied once either way.
  let again;
  for (let attempt = 0; attempt < 60; attempt++) {
    again = await call(nodes()[0], "PUT", target, { body, header });
    if (again.status !== 503) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(again.status, 200, again.text);
  if (again.body?.log_position > minPosition) minPosition = again.body.log_position;
  await sameStateEverywhere();
  for (const n of nodes()) assert.equal(await state(n), true);
  await leader.start();
});
