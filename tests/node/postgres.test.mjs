// The PostgreSQL backend's own behaviour (run with IDOS_TEST_STORAGE=postgres on a throwaway
// cluster, scripts/test.d/node.sh): a restart and a crash of PostgreSQL under write load (group
// commit must never receipt a commit the crash lost), the writer lock, the
// schema version check and the migration of a schema-1 database, the connection string's password kept out of every log line, and the
// sealed column.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import {
  ROOT, STORAGE, PG_HOST, NODE_BIN, PLUGIN, idos, startNode, call, faceSignWallet, createUser, makeCredential,
  verifyReceipt, storageIntegrity, removeStorage, removeDir, tempDir, psql, pgDatabaseName, pgConninfo, runNodeOnce,
} from "./helpers.mjs";

const skip = STORAGE !== "postgres" && "needs IDOS_TEST_STORAGE=postgres";
const run = promisify(execFile);

// What a client may see while the database is away: 201 with receipts, or 503 with the stable
// error form and a retry hint. Never a 500, never the backend's words.
const ALLOWED_503_MESSAGES = new Set(["the write was not confirmed; retry later", "storage unavailable; retry later"]);

for (const [how, command] of [["a restart", "restart"], ["a crash (immediate stop, WAL recovery)", "crash"]]) {
test(`${how} of PostgreSQL under write load: clean 503s, no lost receipted write, writes resume`, { skip }, async (t) => {
  const m = await idos();
  const dataDir = tempDir();
  let node;
  try {
    node = await startNode({ dataDir, args: ["--rate-limit", "0"] });
    const writers = [];
    for (let i = 0; i < 4; i++) {
      const wallet = faceSignWallet();
      const u = await createUser(node, wallet);
      assert.equal(u.response.status, 201);
      writers.push({ wallet, userId: u.userId, key: u.encryption, issuer: m.generateEd25519KeyPair() });
    }
    const receipted = [];
    const statuses = {};
    const unexpected = [];
    let restarted = false;
    let afterRestartOk = 0;
    let stop = false;
    const writer = async (u) => {
      // Bounded: 3000 writes per writer at most, and the loop ends 60 s after the start anyway.
      const deadline = Date.now() + 60000;
      for (let i = 0; i < 3000 && !stop && Date.now() < deadline; i++) {
        const credential = await makeCredential({
          userId: u.userId, plaintext: `restart ${i}`, recipientPublicKey: u.key.publicKey, issuer: u.issuer,
        });
        const r = await call(node, "POST", "/v1/credentials", { wallet: u.wallet, body: { credential } });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 201) {
          receipted.push({ u, credential, receipt: r.body.receipts[0] });
          if (restarted && ++afterRestartOk >= 20) stop = true;
        } else if (r.status === 503) {
          const body = r.body ?? {};
          if (body.code !== "INTERNAL" || !ALLOWED_503_MESSAGES.has(body.message) || Object.keys(body).length !== 2 ||
              r.headers.get("retry-after") !== "1") {
            unexpected.push(`503 ${r.text}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        } else {
          unexpected.push(`${r.status} ${r.text}`);
        }
      }
    };
    const running = writers.map(writer);
    // Restart once the writers are going (10 receipted writes, or 15 s on a very busy machine).
    for (let waited = 0; receipted.length < 10 && waited < 15000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const before = receipted.length;
    await run(path.join(ROOT, "scripts/pg-cluster"), [command, PG_HOST], { timeout: 60000 });
    restarted = true;
    await Promise.all(running);
    t.diagnostic(`statuses ${JSON.stringify(statuses)}; ${before} receipted before the restart, ${receipted.length} in all`);
    const failures = new Set(node.logs.filter((l) => l.event === "storage_failed").map((l) => l.message));
    t.diagnostic(`storage failures logged: ${JSON.stringify([...failures].slice(0, 8))}`);
    assert.deepEqual(unexpected, [], "only 201 and clean 503s");
    assert.ok(before >= 10, `writes before the restart (${before})`);
    assert.ok((statuses[503] ?? 0) > 0, "the restart was seen by the writers (else this test proved nothing)");
    assert.ok(afterRestartOk >= 20, `writes resumed after the restart (${afterRestartOk})`);
    assert.ok(node.logs.some((l) => l.event === "storage_reconnected"), "the node reconnected on its own");

    // Every receipted write is there, at its position, with its digest.
    for (const { u, credential, receipt } of receipted) {
      assert.ok(await verifyReceipt(receipt, [node.nodeId]));
      const r = await call(node, "GET", `/v1/credentials/${credential.id}`, { wallet: u.wallet });
      assert.equal(r.status, 200, `receipted credential ${credential.id}: ${r.text}`);
      assert.equal(r.body.meta.sha256, receipt.sha256);
      assert.equal(r.body.meta.log_position, receipt.log_position);
    }
    const health = await call(node, "GET", "/health");
    assert.equal(health.status, 200);
    const logText = node.logs.map((l) => JSON.stringify(l)).join("\n");
    assert.ok(!/"status":500/.test(logText), "no 500 in the access log");
    await node.stop();
    node = null;
    assert.equal(storageIntegrity(dataDir), "ok");
  } finally {
    if (node) await node.stop();
    removeDir(dataDir);
    removeStorage(dataDir);
  }
});
}

test("one node per database: a second node on it is refused (writer lock)", { skip }, async () => {
  const dataDir = tempDir();
  const otherDir = tempDir();
  const node = await startNode({ dataDir });
  try {
    const conninfo = pgConninfo(pgDatabaseName(dataDir));
    const second = runNodeOnce(["--listen", "127.0.0.1:0", "--data", otherDir, "--plugin", PLUGIN,
      "--storage", "postgres", "--pg", conninfo]);
    assert.equal(second.status, 1);
    assert.match(second.stderr, /writer lock/);
    assert.equal((await call(node, "GET", "/health")).status, 200, "the first node serves on");
  } finally {
    await node.stop();
    removeDir(dataDir);
    removeDir(otherDir);
    removeStorage(dataDir);
  }
});

test("a database with a newer schema than the binary is refused", { skip }, async () => {
  const dataDir = tempDir();
  try {
    const node = await startNode({ dataDir });
    await node.stop();
    const db = pgDatabaseName(dataDir);
    assert.equal(psql(db, "SELECT version FROM idos_schema"), "4");
    psql(db, "UPDATE idos_schema SET version = 99");
    const r = runNodeOnce(["--listen", "127.0.0.1:0", "--data", dataDir, "--plugin", PLUGIN,
      "--storage", "postgres", "--pg", pgConninfo(db)]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /schema version 99, newer than this node knows/);
  } finally {
    removeDir(dataDir);
    removeStorage(dataDir);
  }
});

test("a schema-1 database with data is migrated to schema 4 and keeps working", { skip }, async () => {
  const dataDir = tempDir();
  let node;
  try {
    node = await startNode({ dataDir });
    const wallet = faceSignWallet();
    const u = await createUser(node, wallet);
    assert.equal(u.response.status, 201, u.response.text);
    await node.stop();
    // Back to schema 1 as the pg branch's node wrote it: no state hash columns, no applied requests,
    // no record of the node's keys (schema 3: recorded again at the next start).
    const db = pgDatabaseName(dataDir);
    psql(db, "BEGIN; DROP TABLE row_changes, deleted_grants, credential_statuses; ALTER TABLE credentials DROP COLUMN original_id; " +
      "DROP INDEX credentials_by_issuer; DROP TABLE node_meta; DROP TABLE applied_requests; ALTER TABLE log DROP COLUMN rows_sha256, DROP COLUMN state_hash; " +
      "DROP INDEX users_by_position, wallets_by_position, credentials_by_position, grants_by_position, " +
      "grants_by_revoked_position, used_dwgs_by_position; UPDATE idos_schema SET version = 1; COMMIT");
    node = await startNode({ dataDir });
    assert.ok(node.logs.some((l) => l.event === "storage_migrated" && l.schema_version === 4), "migrated to 4");
    assert.equal(psql(db, "SELECT version FROM idos_schema"), "4");
    // The entry from before: kept, with no state hash, so there is no signed entry to give (404);
    // the chain starts at zero after it.
    const before = await call(node, "GET", "/v1/log/1");
    assert.equal(before.status, 404, before.text);
    assert.match(before.body.message, /before this node kept state hashes/);
    const again = await createUser(node, faceSignWallet());
    assert.equal(again.response.status, 201, again.response.text);
    const after = await call(node, "GET", "/v1/log/2");
    assert.equal(after.status, 200, after.text);
    assert.match(after.body.state_hash, /^[0-9a-f]{64}$/);
    const health = await call(node, "GET", "/health");
    assert.equal(health.body.status, "ok", health.text);
  } finally {
    if (node) await node.stop();
    removeDir(dataDir);
    removeStorage(dataDir);
  }
});

test("the connection string's password is never logged", { skip }, async () => {
  const secret = "pw-" + Math.random().toString(36).slice(2);
  const dataDir = tempDir();
  try {
    // The test cluster trusts local connections, so the password is sent but not needed.
    const conninfo = `${pgConninfo(pgDatabaseName(dataDir))} password=${secret}`;
    const node = await startNode({ dataDir, args: ["--storage", "postgres", "--pg", conninfo] });
    const wallet = faceSignWallet();
    assert.equal((await createUser(node, wallet)).response.status, 201);
    await node.stop();
    assert.ok(!JSON.stringify(node.logs).includes(secret), "not in the running node's log");
    // A refused start (no such database) through the environment: not in its message either.
    const refused = runNodeOnce(["--listen", "127.0.0.1:0", "--data", dataDir, "--plugin", PLUGIN, "--storage", "postgres"],
      { env: { IDOS_NODE_PG: `host=${PG_HOST} user=idos dbname=idos_missing password=${secret}` } });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /idos_missing/);
    assert.ok(!refused.stderr.includes(secret), "not in a refused start's message");
    const config = runNodeOnce(["--plugin", PLUGIN, "--storage", "postgres"]);
    assert.equal(config.status, 2);
    assert.match(config.stderr, /needs --pg/);
  } finally {
    removeDir(dataDir);
    removeStorage(dataDir);
  }
});

test("the sealed column holds the sealed document, never the plaintext", { skip }, async () => {
  const dataDir = tempDir();
  const node = await startNode({ dataDir });
  try {
    const wallet = faceSignWallet();
    const u = await createUser(node, wallet);
    const credential = await makeCredential({ userId: u.userId, plaintext: "sealed check", recipientPublicKey: u.encryption.publicKey });
    const r = await call(node, "POST", "/v1/credentials", { wallet, body: { credential } });
    assert.equal(r.status, 201, r.text);
    const [size, sealedHex] = psql(pgDatabaseName(dataDir),
      `SELECT size, encode(sealed, 'hex') FROM credentials WHERE id = '${credential.id.replace(/[^0-9a-f-]/g, "")}'`).split("|");
    const sealed = Buffer.from(sealedHex, "hex");
    // XChaCha20-Poly1305: a 24-byte nonce and a 16-byte tag around the canonical document.
    assert.equal(sealed.length, Number(size) + 40);
    assert.ok(!sealed.includes(Buffer.from(credential.content.slice(0, 32))), "no document bytes in clear");
    const back = await call(node, "GET", `/v1/credentials/${credential.id}`, { wallet });
    assert.deepEqual(back.body.credential, credential);
  } finally {
    await node.stop();
    removeDir(dataDir);
    removeStorage(dataDir);
  }
});
