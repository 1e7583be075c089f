// A network of storage nodes on NATS JetStream (docs/cluster.md), started by the test itself:
// 3 nats-servers (JetStream cluster, encrypted at rest, per-node users) and 3 idos-nodes on
// 127.0.0.1 with free ports and a temp folder, all stopped at the end (also on failure).
// The tests 1-7: concurrent writes through every node, kill -9 of a node and catch-up, a
// retried write applied once, a rogue publisher with valid NATS credentials, a tampered row,
// kill -9 of the stream leader (pause recorded) and one server down for good.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import { writeFileSync } from "node:fs";
import path from "node:path";
import {
  idos, call, faceSignWallet, evmWallet, createUser, makeCredential, signedRequestHeader, verifyReceipt,
} from "./helpers.mjs";
import { startNetwork, streamLeader, waitFor } from "../../scripts/cluster.d/cluster.mjs";

let network;
const nodes = () => network.nodes;
const receipted = [];  // {credentialId, position, owner}
const users = [];      // one writer per node: {wallet, userId, key, issuer, node}

before(async () => {
  network = await startNetwork({ servers: 3, nodes: 3 });
});
after(async () => {
  if (network) await network.stop();
});

// The state hash every node signs at `position`, checked against its node id.
async function signedEntry(node, position) {
  const m = await idos();
  const r = await call(node, "GET", `/v1/log/${position}`);
  assert.equal(r.status, 200, r.text);
  const e = r.body;
  assert.equal(e.node_id, node.nodeId);
  const message = `idos-log-entry/v1\nnode_id: ${e.node_id}\nposition: ${e.position}\nlog_time: ${e.log_time}\n` +
    `tx_sha256: ${e.tx_sha256}\nresult: ${e.result}\nstate_hash: ${e.state_hash}\n`;
  assert.ok(m.ed25519Verify(message, m.fromHex(e.signature), m.fromHex(e.node_id)), "log entry signature");
  return e;
}

async function positions() {
  return Promise.all(nodes().map(async (n) => (await call(n, "GET", "/health")).body.log_position));
}

// Waits until every node has applied the same last position; returns it.
async function converged(ms = 20000) {
  let last = 0;
  await waitFor(async () => {
    const p = await positions().catch(() => [0, 1]);
    last = p[0];
    return p.every((x) => x === p[0] && x > 0);
  }, ms, () => "nodes did not converge");
  return last;
}

async function sameStateEverywhere() {
  const p = await converged();
  const entries = await Promise.all(nodes().map((n) => signedEntry(n, p)));
  for (const e of entries) assert.equal(e.state_hash, entries[0].state_hash, `state hash at ${p}`);
  return { position: p, stateHash: entries[0].state_hash };
}

// One credential write through `node`; retries the SAME request on 503 (idempotent) within `ms`.
async function writeCredential(u, node, { ms = 30000 } = {}) {
  const credential = await makeCredential({ userId: u.userId, plaintext: "x", recipientPublicKey: u.key.publicKey, issuer: u.issuer });
  const raw = JSON.stringify({ credential });
  const header = await signedRequestHeader(u.wallet, "POST", "/v1/credentials", raw);
  const end = Date.now() + ms;
  for (;;) {
    const r = await call(node, "POST", "/v1/credentials", { body: raw, header }).catch(() => ({ status: 0 }));
    if (r.status === 201) {
      return { credentialId: credential.id, position: r.body.log_position, receipt: r.body.receipts[0], owner: u, header, raw };
    }
    if (Date.now() > end || ![0, 503].includes(r.status)) throw new Error(`write failed: ${r.status} ${r.text}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function readableEverywhere(list) {
  for (const n of nodes()) {
    for (const w of list) {
      const r = await call(n, "GET", `/v1/credentials/${w.credentialId}`, {
        wallet: w.owner.wallet, headers: { "idos-min-position": String(w.position) },
      });
      assert.equal(r.status, 200, `${n.name} ${w.credentialId}: ${r.text}`);
      assert.equal(r.body.credential.id, w.credentialId);
    }
  }
}

test("1. concurrent writes through all three nodes: every receipted write readable everywhere, equal state hashes", async (t) => {
  const m = await idos();
  for (const node of nodes()) {
    const wallet = faceSignWallet();
    const u = await createUser(node, wallet);
    assert.equal(u.response.status, 201, u.response.text);
    users.push({ wallet, userId: u.userId, key: u.encryption, issuer: m.generateEd25519KeyPair(), node });
  }
  const started = Date.now();
  const perNode = 15;
  await Promise.all(users.map(async (u) => {
    for (let i = 0; i < perNode; i++) {
      const w = await writeCredential(u, u.node);
      assert.ok(await verifyReceipt(w.receipt, nodes().map((n) => n.nodeId)));
      receipted.push(w);
    }
  }));
  t.diagnostic(`${receipted.length} writes through 3 nodes in ${Date.now() - started} ms`);
  await readableEverywhere(receipted);
  const s = await sameStateEverywhere();
  t.diagnostic(`state hash at ${s.position}: ${s.stateHash}`);
  const health = await call(nodes()[0], "GET", "/health");
  assert.equal(health.body.status, "ok");
  assert.equal(health.body.log, "nats");
});

test("2. kill -9 of a node in the middle of a write stream; restarted, it catches up to the same state", async (t) => {
  const victim = nodes()[1];
  const writers = [users[0], users[2]];
  let stop = false;
  const during = [];
  const running = writers.map(async (u) => {
    for (let i = 0; i < 200 && !stop; i++) during.push(await writeCredential(u, u.node));
  });
  await new Promise((r) => setTimeout(r, 800));
  const killed = await victim.kill9();
  assert.equal(killed.signal, "SIGKILL");
  await new Promise((r) => setTimeout(r, 1500));
  stop = true;
  await Promise.all(running);
  t.diagnostic(`${during.length} writes while ${victim.name} was down`);
  await victim.restart();
  const s = await sameStateEverywhere();
  await readableEverywhere(during);
  receipted.push(...during);
  t.diagnostic(`caught up to ${s.position}`);
  // users[1] writes through the restarted node again.
  receipted.push(await writeCredential(users[1], victim));
});

test("5. a write retried on another node after its first node died before answering: applied once", async () => {
  const u = users[0];
  const credential = await makeCredential({ userId: u.userId, plaintext: "retry", recipientPublicKey: u.key.publicKey, issuer: u.issuer });
  const raw = JSON.stringify({ credential });
  const header = await signedRequestHeader(u.wallet, "POST", "/v1/credentials", raw);
  const first = nodes()[0];
  const pending = call(first, "POST", "/v1/credentials", { body: raw, header }).catch(() => null);
  await new Promise((r) => setTimeout(r, 5));
  await first.kill9();
  await pending;
  const retried = await call(nodes()[2], "POST", "/v1/credentials", { body: raw, header });
  assert.equal(retried.status, 201, retried.text);
  // And once more through a third node: the same answer, the same position.
  const again = await call(nodes()[1], "POST", "/v1/credentials", { body: raw, header });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.body.log_position, retried.body.log_position);
  assert.deepEqual(again.body.credential, retried.body.credential);
  await first.restart();
  const s = await sameStateEverywhere();
  // Applied once: one OK entry names it; a second publish of the request (if the first node made
  // one) is recorded DUPLICATE and wrote nothing.
  let ok = 0;
  for (let p = retried.body.log_position; p <= s.position; p++) {
    const e = await signedEntry(nodes()[2], p);
    if (e.result === "OK" && p === retried.body.log_position) ok++;
    if (p !== retried.body.log_position) assert.notEqual(e.result, "OK", `position ${p} after the write`);
  }
  assert.equal(ok, 1);
  receipted.push({ credentialId: credential.id, position: retried.body.log_position, owner: u });
});

// A minimal NATS publisher (the node user's credentials file, plain protocol): what a rogue
// operator holding valid log credentials can do.
async function publishAsNode(credsFile, subject, payload) {
  const text = (await import("node:fs")).readFileSync(credsFile, "utf8");
  const user = /user = (\S+)/.exec(text)[1];
  const pass = /password = (\S+)/.exec(text)[1];
  const port = Number(network.cluster.servers.find((s) => s.proc).url.split(":").pop());
  const data = Buffer.from(payload);
  await new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    const timer = setTimeout(() => { sock.destroy(); reject(new Error("nats publish timed out: " + got)); }, 5000);
    sock.on("data", (d) => {
      got += d.toString();
      if (got.startsWith("INFO") && !sock.sent) {
        sock.sent = true;
        sock.write(`CONNECT ${JSON.stringify({ user, pass, verbose: false, pedantic: false })}\r\n`);
        sock.write(`PUB ${subject} ${data.length}\r\n`);
        sock.write(Buffer.concat([data, Buffer.from("\r\nPING\r\n")]));
      }
      if (got.includes("-ERR")) { clearTimeout(timer); sock.destroy(); reject(new Error(got)); }
      if (got.includes("PONG")) { clearTimeout(timer); sock.end(); resolve(); }
    });
    sock.on("error", (e) => { clearTimeout(timer); reject(e); });
  });
}

test("6. a rogue publisher with valid NATS credentials: forged and replayed signed requests refused by every node", async () => {
  const victim = users[1];
  const attacker = faceSignWallet();
  const start = await converged();
  const credsFile = network.cluster.credsFile("node3");
  // (a) forged: claims the victim's wallet, signed by another key.
  const credential = await makeCredential({ userId: victim.userId, plaintext: "forged", recipientPublicKey: victim.key.publicKey });
  const body = JSON.stringify({ credential });
  const forgedHeader = await signedRequestHeader({ ...attacker, identifier: victim.wallet.identifier, type: victim.wallet.type,
    sign: attacker.sign }, "POST", "/v1/credentials", body);
  const tx = (header, payload, b = body) => JSON.stringify({
    operation: "put_credential",
    actor: { wallet_type: victim.wallet.type, wallet: victim.wallet.identifier, public_key: "" },
    payload, request: { signed_request: header, body: b },
  });
  await publishAsNode(credsFile, "IDOS_LOG.tx", tx(forgedHeader, { credential }));
  // (b) replayed: the victim's earlier read request (its nonce never spent by a write) carried by a write.
  const readHeader = await signedRequestHeader(victim.wallet, "GET", "/v1/credentials", "");
  await call(nodes()[0], "GET", "/v1/credentials", { header: readHeader });
  await publishAsNode(credsFile, "IDOS_LOG.tx", tx(readHeader, { credential }, ""));
  // (c) replayed: an applied write of the victim's, again, with another credential in the payload.
  const applied = await writeCredential(victim, nodes()[1]);
  receipted.push(applied);
  const other = await makeCredential({ userId: victim.userId, plaintext: "swapped", recipientPublicKey: victim.key.publicKey });
  await publishAsNode(credsFile, "IDOS_LOG.tx", tx(applied.header, { credential: other }, applied.raw));
  // (d) not a transaction at all; (e) a signed request of the wrong shape (a number for the method).
  await publishAsNode(credsFile, "IDOS_LOG.tx", "not json");
  const badShape = Buffer.from(JSON.stringify({ caller_wallet_type: "FaceSign", method: 5, path: [] })).toString("base64");
  await publishAsNode(credsFile, "IDOS_LOG.tx", tx(badShape, { credential }));
  // Six entries: forged, read-request replay, the victim's write, its replay, "not json", bad shape.
  await waitFor(async () => (await positions()).every((p) => p >= start + 6), 15000, () => "rogue entries not applied");
  const s = await sameStateEverywhere();
  assert.ok(s.position >= start + 6, `${s.position - start} entries`);
  for (let p = start + 1; p <= s.position; p++) {
    const entries = await Promise.all(nodes().map((n) => signedEntry(n, p)));
    for (const e of entries) assert.equal(e.result, entries[0].result);
    if (p !== applied.position) assert.notEqual(entries[0].result, "OK", `rogue entry at ${p} applied`);
  }
  for (const n of nodes()) {
    const r = await call(n, "GET", `/v1/credentials/${credential.id}`, { wallet: victim.wallet });
    assert.equal(r.status, 404, "the forged credential is nowhere");
    const o = await call(n, "GET", `/v1/credentials/${other.id}`, { wallet: victim.wallet });
    assert.equal(o.status, 404);
  }
});

test("7. a node whose state was tampered with (a row changed behind its back) reports diverged", async () => {
  const target = nodes()[2];
  const w = receipted[0];
  const health = await call(target, "GET", "/health");
  assert.equal(health.status, 200);
  execFileSync("sqlite3", [path.join(target.dataDir, "node.db"),
    `PRAGMA busy_timeout=5000; UPDATE credentials SET size = size + 1 WHERE id = '${w.credentialId}';`]);
  await waitFor(async () => (await call(target, "GET", "/health")).status === 503, 15000, () => "no divergence reported");
  const h = await call(target, "GET", "/health");
  assert.equal(h.body.status, "diverged");
  const metrics = await fetch(target.url + "/metrics").then((r) => r.text());
  assert.match(metrics, /idos_node_divergences_total [1-9]/);
  assert.ok(target.logs.some((l) => l.event === "diverged" && l.expected_rows_sha256 && l.actual_rows_sha256));
  // The others are fine.
  for (const n of nodes().slice(0, 2)) assert.equal((await call(n, "GET", "/health")).status, 200);
});

test("3+4. kill -9 of the stream leader mid-stream: writes pause, then resume; that server stays down: 2 of 3 keep writing", async (t) => {
  const leaderName = await streamLeader(network.cluster);
  assert.ok(leaderName, "a stream leader");
  const leader = network.cluster.servers.find((s) => s.name === leaderName);
  const during = [];
  let stop = false;
  let lastOk = Date.now();
  let longestGap = 0;
  const running = users.map(async (u) => {
    for (let i = 0; i < 300 && !stop; i++) {
      const w = await writeCredential(u, u.node, { ms: 30000 });
      const now = Date.now();
      longestGap = Math.max(longestGap, now - lastOk);
      lastOk = now;
      during.push(w);
    }
  });
  await new Promise((r) => setTimeout(r, 1000));
  const killedAt = Date.now();
  await leader.kill9();
  // Keep writing until well after the failover (bounded: 25 s at most).
  await waitFor(async () => lastOk > killedAt && Date.now() - killedAt > 4000 && during.some((w) => w.position && Date.now() - lastOk < 500), 25000,
    () => "writes did not resume after the leader was killed");
  await new Promise((r) => setTimeout(r, 2000));
  stop = true;
  await Promise.all(running);
  t.diagnostic(`leader ${leaderName} killed; longest write pause ${longestGap} ms; ${during.length} writes`);
  if (process.env.IDOS_CLUSTER_PAUSE_FILE) writeFileSync(process.env.IDOS_CLUSTER_PAUSE_FILE, String(longestGap));
  assert.ok(longestGap < 20000, `pause ${longestGap} ms`);
  await readableEverywhere(during);
  receipted.push(...during);
  // Server down for good: still writing with 2 of 3.
  for (const u of users) receipted.push(await writeCredential(u, u.node));
  const all = receipted.filter((w) => w.owner);
  await readableEverywhere(all.slice(-20));
});

test("a read ahead of this node's log waits, then 503 UNAVAILABLE with Retry-After, never older data", async () => {
  const u = users[0];
  const ahead = (await positions())[0] + 1000;
  const started = Date.now();
  const r = await call(nodes()[0], "GET", "/v1/credentials", { wallet: u.wallet, headers: { "idos-min-position": String(ahead) } });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.body.code, "UNAVAILABLE");
  assert.equal(r.headers.get("retry-after"), "1");
  assert.ok(Date.now() - started >= 1900, "waited before refusing");
  const bad = await call(nodes()[0], "GET", "/v1/credentials", { wallet: u.wallet, headers: { "idos-min-position": "-1" } });
  assert.equal(bad.status, 400);
});

test("a majority of NATS servers down: writes answer 503 UNAVAILABLE, reads keep working", async () => {
  const alive = network.cluster.servers.filter((s) => s.proc);
  assert.equal(alive.length, 2, "one server is already down for good (test 3+4)");
  await alive[0].kill9();
  const u = users[0];
  const credential = await makeCredential({ userId: u.userId, plaintext: "no quorum", recipientPublicKey: u.key.publicKey, issuer: u.issuer });
  const r = await call(u.node, "POST", "/v1/credentials", { wallet: u.wallet, body: { credential } });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.body.code, "UNAVAILABLE");
  assert.ok(r.headers.get("retry-after"));
  const w = receipted[receipted.length - 1];
  for (const n of nodes()) {
    const read = await call(n, "GET", `/v1/credentials/${w.credentialId}`, { wallet: w.owner.wallet });
    assert.equal(read.status, 200, read.text);
  }
});
