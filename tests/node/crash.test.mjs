// Crash safety: concurrent writers, kill -9 of the node while writes are in flight, restart on the
// same data folder. Every write that got a receipt must be there, the database must pass
// PRAGMA integrity_check (amcheck on PostgreSQL), and the node must serve (and accept writes) again.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  idos, startNode, call, faceSignWallet, createUser, makeCredential, verifyReceipt, storageIntegrity, removeStorage,
  tempDir, removeDir,
} from "./helpers.mjs";

const WRITERS = 4;
const KILL_AFTER_MS = 1500;

test("kill -9 under concurrent writes loses no receipted write", async (t) => {
  const m = await idos();
  const dataDir = tempDir();
  try {
    let node = await startNode({ dataDir, args: ["--rate-limit", "0"] });
    const nodeId = node.nodeId;
    const users = [];
    for (let i = 0; i < WRITERS; i++) {
      const wallet = faceSignWallet();
      const u = await createUser(node, wallet);
      assert.equal(u.response.status, 201);
      users.push({ wallet, userId: u.userId, key: u.encryption, issuer: m.generateEd25519KeyPair() });
    }
    const receipted = [];
    let stop = false;
    let errors = 0;
    const writer = async (u) => {
      // Bounded: at most 2000 writes per writer even if the kill came late.
      for (let i = 0; i < 2000 && !stop; i++) {
        const credential = await makeCredential({
          userId: u.userId, plaintext: `crash ${i}`, recipientPublicKey: u.key.publicKey, issuer: u.issuer,
        });
        try {
          const r = await call(node, "POST", "/v1/credentials", { wallet: u.wallet, body: { credential } });
          if (r.status === 201) receipted.push({ u, credential, receipt: r.body.receipts[0] });
          else errors++;
        } catch {
          errors++;  // the connection died with the node
        }
      }
    };
    const running = users.map(writer);
    await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
    const killed = await node.kill9();
    assert.equal(killed.signal, "SIGKILL");
    stop = true;
    await Promise.all(running);
    assert.ok(receipted.length > 20, `enough writes before the kill (${receipted.length})`);
    t.diagnostic(`${receipted.length} receipted writes, ${errors} cut off by the kill`);

    assert.equal(storageIntegrity(dataDir), "ok", "integrity_check right after the crash");

    node = await startNode({ dataDir, args: ["--rate-limit", "0"] });
    try {
      assert.equal(node.nodeId, nodeId, "same identity key after the crash");
      const health = await call(node, "GET", "/health");
      assert.equal(health.status, 200);
      const maxPosition = Math.max(...receipted.map((x) => x.receipt.log_position));
      assert.ok(health.body.log_position >= maxPosition, "the log kept every receipted position");
      for (const { u, credential, receipt } of receipted) {
        assert.ok(await verifyReceipt(receipt, [nodeId]));
        const r = await call(node, "GET", `/v1/credentials/${credential.id}`, { wallet: u.wallet });
        assert.equal(r.status, 200, `receipted credential ${credential.id} at ${receipt.log_position}: ${r.text}`);
        assert.deepEqual(r.body.credential, credential);
        assert.equal(r.body.meta.sha256, receipt.sha256);
      }
      // The node accepts writes again, at later positions.
      const u = users[0];
      const credential = await makeCredential({ userId: u.userId, plaintext: "after", recipientPublicKey: u.key.publicKey });
      const r = await call(node, "POST", "/v1/credentials", { wallet: u.wallet, body: { credential } });
      assert.equal(r.status, 201, r.text);
      assert.ok(r.body.log_position > maxPosition);
      assert.equal(storageIntegrity(dataDir), "ok", "integrity_check with the restarted node running");
    } finally {
      await node.stop();
    }
    assert.equal(storageIntegrity(dataDir), "ok", "integrity_check after a clean stop");
  } finally {
    removeDir(dataDir);
    removeStorage(dataDir);
  }
});

test("a nonce accepted before a crash is still refused after it", async () => {
  const dataDir = tempDir();
  try {
    let node = await startNode({ dataDir });
    const wallet = faceSignWallet();
    const u = await createUser(node, wallet);
    const first = await call(node, "GET", "/v1/users/me", { wallet });
    assert.equal(first.status, 200);
    await node.kill9();
    node = await startNode({ dataDir });
    try {
      const replay = await call(node, "GET", "/v1/users/me", { header: first.header });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.code, "REPLAYED");
      assert.equal(u.response.status, 201);
    } finally {
      await node.stop();
    }
  } finally {
    removeDir(dataDir);
    removeStorage(dataDir);
  }
});
