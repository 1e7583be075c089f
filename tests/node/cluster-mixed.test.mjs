// A mixed network (docs/cluster.md "Backends"): two idos-nodes on SQLite and one on PostgreSQL
// apply the same NATS JetStream stream. Writes go through all three (users, credentials, a share,
// a revocation refused while locked, a revocation, a retried request); at the end every node signs the same
// entry (tx hash, result, state hash) at every position. The rows digest is backend-neutral, so
// one differing byte in what a backend stores or hashes shows here as a state hash mismatch.
// Then the PostgreSQL node is killed (-9) during writes and catches up to the same state hash.
// Servers (3 nats-servers, the nodes and, unless IDOS_TEST_PG_HOST names one, a throwaway
// PostgreSQL cluster) are started here and stopped at the end.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import {
  ROOT, PG_BIN, idos, call, faceSignWallet, createUser, makeCredential, signedRequestHeader, verifyReceipt, uuid,
  nowSeconds,
} from "./helpers.mjs";
import { startNetwork, waitFor } from "../../scripts/cluster.d/cluster.mjs";

const PG_CLUSTER = path.join(ROOT, "scripts/pg-cluster");
let pgHost = process.env.IDOS_TEST_PG_HOST ?? "";
let ownPg = false;
let network;
const nodes = () => network.nodes;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const state = {};  // the users of the first test, writing in the second

before(async () => {
  if (!pgHost) {
    pgHost = execFileSync(PG_CLUSTER, ["start"], { stdio: ["ignore", "pipe", "pipe"], timeout: 60000 }).toString().trim();
    ownPg = true;
  }
  const database = "idos_mixed_" + uuid().replaceAll("-", "").slice(0, 12);
  execFileSync(path.join(PG_BIN, "createdb"), ["-h", pgHost, "-U", "idos", database], { stdio: "ignore", timeout: 30000 });
  const pg = ["--storage", "postgres", "--pg", `host=${pgHost} user=idos dbname=${database}`];
  network = await startNetwork({ servers: 3, nodes: 3, nodeArgs: (i) => (i === 2 ? pg : []) });
});
after(async () => {
  if (network) await network.stop();
  if (ownPg && pgHost) execFileSync(PG_CLUSTER, ["stop", pgHost], { stdio: "ignore", timeout: 60000 });
});

async function lastPositions() {
  return Promise.all(nodes().map(async (n) => (await call(n, "GET", "/health")).body.log_position));
}

async function converged(ms = 30000) {
  let last = 0;
  await waitFor(async () => {
    const p = await lastPositions().catch(() => [0, 1]);
    last = p[0];
    return p.every((x) => x === p[0] && x > 0);
  }, ms, () => "nodes did not converge");
  return last;
}

async function writeCredential(u, node) {
  const credential = await makeCredential({ userId: u.userId, plaintext: "mixed", recipientPublicKey: u.key.publicKey, issuer: u.issuer });
  const r = await call(node, "POST", "/v1/credentials", { wallet: u.wallet, body: { credential } });
  assert.equal(r.status, 201, `${node.name}: ${r.text}`);
  assert.ok(await verifyReceipt(r.body.receipts[0], nodes().map((n) => n.nodeId)));
  return { credentialId: credential.id, position: r.body.log_position, owner: u };
}

test("two SQLite nodes and one PostgreSQL node on one stream: equal state hashes and equal signed log entries", async (t) => {
  const m = await idos();
  const storages = nodes().map((n) => n.logs.find((l) => l.event === "listening")?.storage);
  assert.deepEqual(storages, ["sqlite", "sqlite", "postgres"]);

  // A user per node, registered through that node.
  const users = [];
  for (const node of nodes()) {
    const wallet = faceSignWallet();
    const u = await createUser(node, wallet);
    assert.equal(u.response.status, 201, `${node.name}: ${u.response.text}`);
    users.push({ wallet, userId: u.userId, key: u.encryption, issuer: m.generateEd25519KeyPair(), node });
  }
  await converged();

  // Concurrent credential writes through every node.
  const written = [];
  await Promise.all(users.map(async (u) => {
    for (let i = 0; i < 4; i++) written.push(await writeCredential(u, u.node));
  }));
  t.diagnostic(`${written.length} credentials through 3 nodes`);

  // A share through the PostgreSQL node (grant rows), a refused early revocation and the
  // revocation through a SQLite node (the grant_revocations section of the rows digest).
  const owner = users[0];
  const pgNode = nodes()[2];
  const granteeKey = m.generateEncryptionKeyPair();
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: owner.userId, plaintext: "mixed", granteePublicKey: granteeKey.publicKey });
  const lockedUntil = nowSeconds() + 2;
  const share = await call(pgNode, "POST", "/v1/shares", {
    wallet: owner.wallet,
    body: { shared_copy: copy.credential, original_id: written.find((w) => w.owner === owner).credentialId, grantee: faceSignWallet().identifier,
      locked_until: lockedUntil, content_hash: copy.content_hash },
  });
  assert.equal(share.status, 201, share.text);
  await converged();
  const early = await call(nodes()[1], "DELETE", `/v1/grants/${share.body.grant.id}`, { wallet: owner.wallet });
  assert.equal(early.status, 409, early.text);
  while (nowSeconds() <= lockedUntil) await sleep(250);
  const revoked = await call(nodes()[1], "DELETE", `/v1/grants/${share.body.grant.id}`, { wallet: owner.wallet });
  assert.equal(revoked.status, 200, revoked.text);

  // The same signed request through the PostgreSQL node, then a SQLite node: applied once, the
  // second answer is the first outcome (found in the replicated applied_requests).
  const credential = await makeCredential({ userId: users[1].userId, plaintext: "retry", recipientPublicKey: users[1].key.publicKey, issuer: users[1].issuer });
  const raw = JSON.stringify({ credential });
  const header = await signedRequestHeader(users[1].wallet, "POST", "/v1/credentials", raw);
  const first = await call(pgNode, "POST", "/v1/credentials", { body: raw, header });
  assert.equal(first.status, 201, first.text);
  await converged();
  const second = await call(nodes()[0], "POST", "/v1/credentials", { body: raw, header });
  assert.equal(second.status, 201, second.text);
  assert.equal(second.body.log_position, first.body.log_position);

  // The lifecycle (docs/spec/lifecycle.md) on a mixed network: an issuer status set through the
  // PostgreSQL node and replaced through a SQLite node (a replaced row: row_changes), a deletion
  // refused while locked, then a deletion of an original with its copy and grants through the
  // PostgreSQL node (removed rows, deleted_grants): every node must remove and replace the same rows.
  {
    const u = users[1];
    const vcId = `urn:uuid:${uuid()}`;
    const original = await makeCredential({ userId: u.userId, plaintext: "lifecycle", recipientPublicKey: u.key.publicKey,
      issuer: u.issuer, publicNotes: JSON.stringify({ id: vcId }) });
    assert.equal((await call(nodes()[0], "POST", "/v1/credentials", { wallet: u.wallet, body: { credential: original } })).status, 201);
    const lockEnds = nowSeconds() + 2;
    const c = m.makeSharedCopy({ copyId: uuid(), userId: u.userId, plaintext: "lifecycle", granteePublicKey: u.key.publicKey });
    const shared = await call(nodes()[1], "POST", "/v1/shares", { wallet: u.wallet, body: { shared_copy: c.credential,
      original_id: original.id, grantee: faceSignWallet().identifier, locked_until: lockEnds, content_hash: c.content_hash } });
    assert.equal(shared.status, 201, shared.text);
    const status = (n, fields) => call(n, "POST", "/v1/credential-status", { wallet: u.wallet,
      body: m.signCredentialStatus({ vcId, sequence: 1, ...fields }, u.issuer) });
    assert.equal((await status(pgNode, { status: "suspended", sequence: 1 })).status, 200);
    await converged();
    assert.equal((await status(nodes()[0], { status: "revoked", reason: "withdrawn", sequence: 2 })).status, 200);
    const locked = await call(nodes()[0], "DELETE", `/v1/credentials/${original.id}`, { wallet: u.wallet });
    assert.equal(locked.status, 409, locked.text);
    while (nowSeconds() <= lockEnds) await sleep(250);
    await converged();
    const gone = await call(pgNode, "DELETE", `/v1/credentials/${original.id}`, { wallet: u.wallet });
    assert.equal(gone.status, 200, gone.text);
    assert.deepEqual(gone.body.deleted.shared_copies, [c.credential.id]);
    await converged();
    for (const n of nodes()) {
      assert.equal((await call(n, "GET", `/v1/credentials/${original.id}`, { wallet: u.wallet })).status, 404, n.name);
      const st = await call(n, "GET", `/v1/public/credential-status?issuer_auth_public_key=${Buffer.from(u.issuer.publicKey).toString("hex")}&vc_id=${vcId}`);
      assert.equal(st.body.status.document.status, "revoked", n.name);
    }
  }

  // Every entry, on every node: the same position, log time, tx hash, result and state hash.
  const last = await converged();
  assert.ok(last >= 3 + written.length + 3, `log reached ${last}`);
  const results = new Set();
  for (let position = 1; position <= last; position++) {
    const entries = await Promise.all(nodes().map(async (n) => {
      const r = await call(n, "GET", `/v1/log/${position}`);
      assert.equal(r.status, 200, `${n.name} /v1/log/${position}: ${r.text}`);
      assert.equal(r.body.node_id, n.nodeId);
      return r.body;
    }));
    const strip = ({ node_id, signature, ...rest }) => rest;
    for (let i = 1; i < entries.length; i++) {
      assert.deepEqual(strip(entries[i]), strip(entries[0]), `${nodes()[i].name} differs from ${nodes()[0].name} at ${position}`);
    }
    results.add(entries[0].result);
  }
  assert.ok(results.has("OK"), `results seen: ${[...results]}`);

  // No node found a difference with its peers or in its own rows (consistency monitor).
  await sleep(2500);
  for (const n of nodes()) {
    const h = await call(n, "GET", "/health");
    assert.equal(h.body.status, "ok", `${n.name}: ${h.text}`);
  }
  t.diagnostic(`state hash at ${last}: ${(await call(pgNode, "GET", `/v1/log/${last}`)).body.state_hash}`);
  state.users = users;
});

test("kill -9 of the PostgreSQL node during writes; restarted, it catches up to the SQLite nodes' state hash", async (t) => {
  const pgNode = nodes()[2];
  const writers = [state.users[0], state.users[1]];  // through the SQLite nodes
  let stop = false;
  let count = 0;
  const running = writers.map(async (u) => {
    for (let i = 0; i < 100 && !stop; i++) {
      await writeCredential(u, u.node);
      count++;
    }
  });
  await sleep(500);
  assert.equal((await pgNode.kill9()).signal, "SIGKILL");
  await sleep(1500);
  stop = true;
  await Promise.all(running);
  t.diagnostic(`${count} writes around the kill`);
  await pgNode.restart();
  assert.equal(pgNode.logs.find((l) => l.event === "listening")?.storage, "postgres");
  const last = await converged();
  const entries = await Promise.all(nodes().map(async (n) => (await call(n, "GET", `/v1/log/${last}`)).body));
  for (const e of entries) assert.equal(e.state_hash, entries[0].state_hash, `state hash at ${last}`);
  // A write through the restarted node.
  await writeCredential(state.users[2], pgNode);
  await converged();
});
