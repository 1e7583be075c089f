// Erasure in the node's tables (docs/node.md, "Erasure"), on a single SQLite node: a credential
// with recognisable content is stored and shared, then deleted; every file under the node's data
// folder is scanned for its content and for its at-rest sealed form (the blob node.db holds, read
// with the sqlite3 CLI). Before the deletion the sealed bytes ARE found (the positive control:
// the scan can fail); after it, none of them, in no file (node.db, its WAL, replay.db, keys).
// PostgreSQL keeps what it keeps (WAL segments, free space until reused: docs/node.md); this test
// is for the SQLite backend only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  idos, startNode, call, evmWallet, createUser, makeCredential, STORAGE, uuid,
} from "./helpers.mjs";

const skip = STORAGE !== "sqlite" ? "the erasure scan reads a SQLite data folder" : false;
let m, node;
const owner = evmWallet();
const grantee = evmWallet();

before(async () => {
  if (skip) return;
  m = await idos();
  node = await startNode();
});
after(async () => { if (node) await node.stop(); });

// Every regular file under `dir`, recursively.
function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}
// The needles found in any file: [{file, needle}] (each needle is a Buffer).
function scan(dir, needles) {
  const found = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    needles.forEach((needle, i) => { if (bytes.indexOf(needle) >= 0) found.push({ file: path.basename(file), needle: i }); });
  }
  return found;
}
// 32-byte windows covering the whole value (the last one aligned to its end): a leftover of any
// part of it is found.
function windows(buf, size = 32) {
  const out = [];
  for (let at = 0; at + size <= buf.length; at += size) out.push(buf.subarray(at, at + size));
  if (buf.length % size !== 0 && buf.length >= size) out.push(buf.subarray(buf.length - size));
  return out;
}
function sealedOf(id) {
  const text = execFileSync("sqlite3", ["-readonly", path.join(node.dataDir, "node.db"),
    `SELECT hex(sealed) FROM credentials WHERE id = '${id}';`]).toString().trim();
  assert.match(text, /^[0-9A-F]+$/, `sealed blob of ${id}`);
  return Buffer.from(text, "hex");
}

test("a deleted credential and its shared copy leave no byte of their content or sealed form in the data folder", { skip }, async () => {
  const o = await createUser(node, owner);
  assert.equal(o.response.status, 201, o.response.text);
  const g = await createUser(node, grantee);
  assert.equal(g.response.status, 201, g.response.text);
  // Recognisable and large (several SQLite pages: the sealed blob spills into overflow pages).
  const marker = `ERASE-ME-${uuid()}-`;
  const plaintext = JSON.stringify({ kyc: "passed", note: marker.repeat(400) });
  const credential = await makeCredential({ userId: o.userId, plaintext, recipientPublicKey: o.encryption.publicKey,
    publicNotes: JSON.stringify({ id: `urn:uuid:${uuid()}`, memo: marker }) });
  const put = await call(node, "POST", "/v1/credentials", { wallet: owner, body: { credential } });
  assert.equal(put.status, 201, put.text);
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: o.userId, plaintext, granteePublicKey: g.encryption.publicKey });
  const shared = await call(node, "POST", "/v1/shares", { wallet: owner, body: { shared_copy: copy.credential,
    original_id: credential.id, grantee: grantee.identifier, locked_until: 0, content_hash: copy.content_hash } });
  assert.equal(shared.status, 201, shared.text);

  const sealed = [sealedOf(credential.id), sealedOf(copy.credential.id)];
  assert.ok(sealed.every((b) => b.length > 8192), "large enough for overflow pages");
  const sealedNeedles = sealed.flatMap((b) => windows(b));
  // The content as it travels (base64 ciphertext) and the public notes' marker: the node stores
  // them only sealed, so they must not be found before or after.
  const contentNeedles = [Buffer.from(credential.content.slice(0, 64)), Buffer.from(copy.credential.content.slice(0, 64)),
    Buffer.from(marker)];

  // Positive control: the sealed bytes are on disk now (node.db or its WAL). A window that
  // straddles two overflow pages is split by the page's 4-byte link, so not every window is
  // contiguous on disk: nine in ten at least are.
  const before = scan(node.dataDir, sealedNeedles);
  const seen = new Set(before.map((f) => f.needle));
  assert.ok(seen.size * 10 >= sealedNeedles.length * 9, `sealed windows found before the deletion: ${seen.size}/${sealedNeedles.length}`);
  assert.deepEqual(scan(node.dataDir, contentNeedles), [], "the node never stores the content unsealed");

  const del = await call(node, "DELETE", `/v1/credentials/${credential.id}`, { wallet: owner });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.body.deleted.shared_copies, [copy.credential.id]);

  // Right after the deletion's answer: the WAL was checkpointed and reset, the pages zeroed.
  const wal = path.join(node.dataDir, "node.db-wal");
  assert.equal(statSync(wal, { throwIfNoEntry: false })?.size ?? 0, 0, "node.db-wal truncated");
  const after = scan(node.dataDir, [...sealedNeedles, ...contentNeedles]);
  assert.deepEqual(after, [], `leftovers: ${JSON.stringify(after.slice(0, 5))}`);

  // The node is still whole and keeps working.
  assert.equal(execFileSync("sqlite3", ["-readonly", path.join(node.dataDir, "node.db"), "PRAGMA integrity_check;"]).toString().trim(), "ok");
  const again = await call(node, "POST", "/v1/credentials", { wallet: owner, body: { credential: await makeCredential({
    userId: o.userId, plaintext: "after", recipientPublicKey: o.encryption.publicKey }) } });
  assert.equal(again.status, 201, again.text);
});
