// Deleting credentials and issuer status (docs/spec/lifecycle.md, docs/api.md) against a real
// idos-node, on the storage under test (SQLite, or PostgreSQL with IDOS_TEST_STORAGE=postgres):
// the allow/refuse matrix of both operations (owner, another user, the issuer, a stranger; locked,
// lock expired, shared copy alone, already deleted), what the explorer keeps of deleted grants,
// the share link (original_id), the status a grantee sees on a shared copy, and that the node's
// self-audit does not call the removed rows a divergence.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  ROOT, idos, startNode, call, evmWallet, faceSignWallet, createUser, makeCredential, makeDwg,
  verifyReceipt, canonicalSha, nowSeconds, uuid, hex, rfc3339,
} from "./helpers.mjs";

const { NodeClient } = await import(pathToFileURL(path.join(ROOT, "js/dist/client.js")).href);

let m, node;
const owner = evmWallet();
const otherUser = evmWallet();
const grantee = evmWallet();
const issuerWallet = faceSignWallet();  // the wallet an issuer sends its requests with (not registered)
const stranger = evmWallet();           // registered nowhere
const s = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  m = await idos();
  node = await startNode({ args: ["--peer-check-interval", "1"] });
  const o = await createUser(node, owner);
  assert.equal(o.response.status, 201, o.response.text);
  s.ownerId = o.userId;
  s.ownerKey = o.encryption;
  const u = await createUser(node, otherUser);
  assert.equal(u.response.status, 201, u.response.text);
  s.otherId = u.userId;
  s.otherKey = u.encryption;
  const g = await createUser(node, grantee);
  assert.equal(g.response.status, 201, g.response.text);
  s.granteeKey = g.encryption;
  s.issuer = m.generateEd25519KeyPair();
  s.vcId = `urn:uuid:${uuid()}`;
});
after(async () => { if (node) await node.stop(); });

// An original of the owner, issued by s.issuer, whose public notes carry the VC id.
async function storeOriginal(plaintext, { vcId = s.vcId } = {}) {
  const credential = await makeCredential({ userId: s.ownerId, plaintext, recipientPublicKey: s.ownerKey.publicKey,
    issuer: s.issuer, publicNotes: JSON.stringify({ id: vcId, type: "KYC" }) });
  const r = await call(node, "POST", "/v1/credentials", { wallet: owner, body: { credential } });
  assert.equal(r.status, 201, r.text);
  return credential;
}
async function share(original, plaintext, lockedUntil, who = grantee) {
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: s.ownerId, plaintext, granteePublicKey: s.granteeKey.publicKey });
  const r = await call(node, "POST", "/v1/shares", { wallet: owner,
    body: { shared_copy: copy.credential, original_id: original.id, grantee: who.identifier, locked_until: lockedUntil,
      content_hash: copy.content_hash } });
  assert.equal(r.status, 201, r.text);
  return { copy, grant: r.body.grant };
}
const del = (wallet, id) => call(node, "DELETE", `/v1/credentials/${id}`, { wallet });

test("a share names its original: another user's, a copy, an unknown id or none are refused", async () => {
  const original = await storeOriginal("share-link");
  const { copy } = await share(original, "share-link", 0);
  const meta = await call(node, "GET", "/v1/credentials", { wallet: owner });
  const listed = meta.body.credentials.find((c) => c.id === copy.credential.id);
  assert.equal(listed.original_id, original.id);
  assert.equal(meta.body.credentials.find((c) => c.id === original.id).original_id, null);

  const otherOriginal = await makeCredential({ userId: s.otherId, plaintext: "x", recipientPublicKey: s.otherKey.publicKey });
  assert.equal((await call(node, "POST", "/v1/credentials", { wallet: otherUser, body: { credential: otherOriginal } })).status, 201);
  const attempt = async (originalId) => {
    const c = m.makeSharedCopy({ copyId: uuid(), userId: s.ownerId, plaintext: "x", granteePublicKey: s.granteeKey.publicKey });
    const body = { shared_copy: c.credential, grantee: grantee.identifier, locked_until: 0, content_hash: c.content_hash };
    if (originalId !== undefined) body.original_id = originalId;
    return call(node, "POST", "/v1/shares", { wallet: owner, body });
  };
  const cases = [[otherOriginal.id, 403, "FORBIDDEN"], [copy.credential.id, 403, "FORBIDDEN"], [uuid(), 404, "NOT_FOUND"],
    [undefined, 400, "INVALID_INPUT"], ["not-a-uuid", 400, undefined]];
  for (const [id, status, code] of cases) {
    const r = await attempt(id);
    assert.equal(r.status, status, `${id}: ${r.text}`);
    if (code) assert.equal(r.body.code, code, `${id}`);
  }
});

test("delete: a stranger, another user and the issuer are refused; the owner is LOCKED until the latest lock", async () => {
  const original = await storeOriginal("delete-matrix");
  const soon = nowSeconds() + 3;
  const later = nowSeconds() + 5;
  const a = await share(original, "delete-matrix", soon);
  const b = await share(original, "delete-matrix", later, otherUser);
  s.locked = { original, a, b, later };

  const stranger403 = await del(stranger, original.id);
  assert.equal(stranger403.status, 403, stranger403.text);
  const other = await del(otherUser, original.id);
  assert.equal(other.status, 403, other.text);
  assert.equal(other.body.code, "FORBIDDEN");
  const issuer = await del(issuerWallet, original.id);
  assert.equal(issuer.status, 403, issuer.text);
  const locked = await del(owner, original.id);
  assert.equal(locked.status, 409, locked.text);
  assert.equal(locked.body.code, "LOCKED");
  // The message names when the latest lock ends, in RFC 3339 and unix seconds.
  assert.ok(locked.body.message.includes(rfc3339(later)) && locked.body.message.includes(`unix ${later}`), locked.body.message);
  // Deleting one locked copy alone is refused too.
  const copyLocked = await del(owner, a.copy.credential.id);
  assert.equal(copyLocked.status, 409, copyLocked.text);
  // Nothing went: the copies are still readable.
  assert.equal((await call(node, "GET", `/v1/shared/${a.copy.credential.id}`, { wallet: grantee })).status, 200);
});

test("delete: after the locks, the owner deletes the original, its copies and their grants, with receipts", async () => {
  const { original, a, b, later } = s.locked;
  // Bounded wait for the timelock (a rule of time, not a timing assertion).
  while (nowSeconds() <= later) await sleep(250);
  const r = await del(owner, original.id);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.deleted.credential, original.id);
  assert.equal(r.body.deleted.role, "original");
  assert.deepEqual([...r.body.deleted.shared_copies].sort(), [a.copy.credential.id, b.copy.credential.id].sort());
  assert.deepEqual([...r.body.deleted.grants].sort(), [a.grant.id, b.grant.id].sort());
  const kinds = r.body.receipts.map((x) => `${x.object_kind}:${x.object_id}`).sort();
  assert.deepEqual(kinds, [`deleted_credential:${original.id}`, `deleted_grant:${a.grant.id}`, `deleted_grant:${b.grant.id}`,
    `deleted_shared_copy:${a.copy.credential.id}`, `deleted_shared_copy:${b.copy.credential.id}`].sort());
  for (const receipt of r.body.receipts) {
    assert.equal(receipt.write_operation, "delete_credential");
    assert.ok(await verifyReceipt(receipt, [node.nodeId]));
  }
  const byId = Object.fromEntries(r.body.receipts.map((x) => [x.object_id, x]));
  assert.equal(byId[original.id].sha256, await canonicalSha(original), "the receipt names what was stored");
  assert.equal(byId[a.grant.id].sha256, await canonicalSha(a.grant));

  // Gone for everyone.
  assert.equal((await call(node, "GET", `/v1/credentials/${original.id}`, { wallet: owner })).status, 404);
  assert.equal((await call(node, "GET", `/v1/shared/${a.copy.credential.id}`, { wallet: grantee })).status, 403);
  const mine = await call(node, "GET", "/v1/credentials", { wallet: owner });
  for (const id of [original.id, a.copy.credential.id, b.copy.credential.id]) assert.ok(!mine.body.credentials.some((c) => c.id === id));
  const owned = await call(node, "GET", "/v1/grants?role=owner", { wallet: owner });
  assert.ok(!owned.body.grants.some((g) => g.id === a.grant.id || g.id === b.grant.id));

  // Already deleted: 404; a copy of it: 404.
  const again = await del(owner, original.id);
  assert.equal(again.status, 404, again.text);
  assert.equal(again.body.code, "NOT_FOUND");
  assert.equal((await del(owner, a.copy.credential.id)).status, 404);

  // The explorer keeps the grant ids, marked deleted, with no data.
  let listed = [];
  let cursor;
  for (let page = 0; page < 100; page++) {
    const q = await call(node, "GET", `/v1/public/grants?include_revoked=true&include_deleted=true&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(q.status, 200, q.text);
    listed = listed.concat(q.body.grants);
    cursor = q.body.next_cursor;
    if (cursor === null) break;
  }
  for (const g of [a.grant, b.grant]) {
    const entry = listed.find((x) => x.id === g.id);
    assert.ok(entry, `grant ${g.id} listed`);
    assert.equal(entry.deleted, true);
    for (const key of ["owner", "grantee", "data_id", "content_hash", "locked_until"]) assert.ok(!(key in entry), key);
  }
  assert.equal(new Set(listed.map((x) => x.id)).size, listed.length, "every grant listed once across pages");
  // A filter by the data they no longer have finds nothing.
  const byData = await call(node, "GET", `/v1/public/grants?include_revoked=true&include_deleted=true&data_id=${a.copy.credential.id}`);
  assert.deepEqual(byData.body.grants, []);
  // Without include_deleted the explorer lists grants with data only.
  const plain = await call(node, "GET", "/v1/public/grants?include_revoked=true&limit=500");
  assert.ok(!plain.body.grants.some((x) => x.deleted || x.id === a.grant.id));

  // The id cannot be used again: the same copy id, grantee and lock make the same grant id.
  const reuse = await call(node, "POST", "/v1/credentials", { wallet: owner, body: { credential: await makeCredential({
    userId: s.ownerId, plaintext: "again", recipientPublicKey: s.ownerKey.publicKey }) } });
  assert.equal(reuse.status, 201);
  const copy = m.makeSharedCopy({ copyId: a.copy.credential.id, userId: s.ownerId, plaintext: "again", granteePublicKey: s.granteeKey.publicKey });
  const same = await call(node, "POST", "/v1/shares", { wallet: owner, body: { shared_copy: copy.credential,
    original_id: reuse.body.credential.id, grantee: grantee.identifier, locked_until: a.grant.locked_until, content_hash: copy.content_hash } });
  assert.equal(same.status, 409, same.text);
  assert.equal(same.body.code, "REPLAYED");
});

test("delete: one shared copy alone (as idOS allows); the original and the other copy stay", async () => {
  const original = await storeOriginal("copy-alone");
  const a = await share(original, "copy-alone", 0);
  const b = await share(original, "copy-alone", 0, otherUser);
  // The grantee may not delete the copy it reads (it is the owner's record).
  const byGrantee = await del(grantee, a.copy.credential.id);
  assert.equal(byGrantee.status, 403, byGrantee.text);
  const r = await del(owner, a.copy.credential.id);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.deleted.role, "copy");
  assert.deepEqual(r.body.deleted.shared_copies, []);
  assert.deepEqual(r.body.deleted.grants, [a.grant.id]);
  assert.equal((await call(node, "GET", `/v1/credentials/${original.id}`, { wallet: owner })).status, 200);
  assert.equal((await call(node, "GET", `/v1/shared/${b.copy.credential.id}`, { wallet: otherUser })).status, 200);
  assert.equal((await call(node, "GET", `/v1/shared/${a.copy.credential.id}`, { wallet: grantee })).status, 403);
  // A revoked grant goes with its copy too.
  const revoked = await call(node, "DELETE", `/v1/grants/${b.grant.id}`, { wallet: owner });
  assert.equal(revoked.status, 200, revoked.text);
  const all = await del(owner, original.id);
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.body.deleted.shared_copies, [b.copy.credential.id]);
  assert.deepEqual(all.body.deleted.grants, [b.grant.id]);
});

test("delete through the client: receipts checked, LOCKED as an IdosError", async () => {
  const client = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
  const original = await storeOriginal("client-delete");
  const { copy } = await share(original, "client-delete", nowSeconds() + 3600);
  await assert.rejects(client.deleteCredential(owner, original.id), (e) => e.code === "LOCKED" && e.status === 409);
  const other = await storeOriginal("client-delete-2");
  const { copy: copy2, grant } = await share(other, "client-delete-2", 0);
  const done = await client.deleteCredential(owner, other.id);
  assert.deepEqual(done.deleted.shared_copies, [copy2.credential.id]);
  assert.deepEqual(done.deleted.grants, [grant.id]);
  assert.equal(done.receipts.length, 3);
  assert.ok(copy.credential.id);
});

// --- issuer status ---------------------------------------------------------------------------------

const statusDoc = (fields, key = s.issuer) => m.signCredentialStatus({ vcId: s.vcId, sequence: 1, ...fields }, key);
const setStatus = (wallet, doc) => call(node, "POST", "/v1/credential-status", { wallet, body: doc });

test("status: the issuer sets it; forged, stale, replayed and strangers' statuses are refused", async () => {
  const original = await storeOriginal("status");
  const { copy } = await share(original, "status", 0);
  s.statusCopy = copy;
  // Before any status: a grantee's read says null (the issuer said nothing).
  const before = await call(node, "GET", `/v1/shared/${copy.credential.id}`, { wallet: grantee });
  assert.equal(before.status, 200, before.text);
  assert.equal(before.body.status, null);

  const suspended = statusDoc({ status: "suspended", reason: "under review", sequence: 1 });
  const r = await setStatus(issuerWallet, suspended);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.credential_status, suspended);
  const [receipt] = r.body.receipts;
  assert.equal(receipt.write_operation, "set_credential_status");
  assert.equal(receipt.object_id, s.vcId);
  assert.equal(receipt.sha256, await canonicalSha(suspended));
  assert.ok(await verifyReceipt(receipt, [node.nodeId]));

  // The same document again (a new signed request around it): REPLAYED; so is an older sequence.
  const replay = await setStatus(otherUser, suspended);
  assert.equal(replay.status, 409, replay.text);
  assert.equal(replay.body.code, "REPLAYED");
  const revoked = statusDoc({ status: "revoked", reason: "document withdrawn", sequence: 5 });
  assert.equal((await setStatus(issuerWallet, revoked)).status, 200);
  const older = await setStatus(issuerWallet, statusDoc({ status: "active", sequence: 4 }));
  assert.equal(older.status, 409, older.text);
  assert.equal(older.body.code, "REPLAYED");

  // The owner, another user and a stranger do not hold the issuer's key: a document naming it but
  // signed by them is VERIFY_FAILED; one under their own key (no credential issued here) NOT_FOUND.
  for (const wallet of [owner, otherUser, stranger]) {
    const mine = m.generateEd25519KeyPair();
    const forged = { ...statusDoc({ status: "active", sequence: 9 }, mine), issuer_auth_public_key: hex(s.issuer.publicKey) };
    const f = await setStatus(wallet, forged);
    assert.equal(f.status, 400, f.text);
    assert.equal(f.body.code, "VERIFY_FAILED");
    const own = await setStatus(wallet, statusDoc({ status: "active", sequence: 9 }, mine));
    assert.equal(own.status, 404, own.text);
    assert.equal(own.body.code, "NOT_FOUND");
  }
  // Stale or future documents: outside 300 s of the log time.
  const stale = await setStatus(issuerWallet, statusDoc({ status: "active", sequence: 9, issuedAt: nowSeconds() - 400 }));
  assert.equal(stale.body.code, "EXPIRED", stale.text);
  const future = await setStatus(issuerWallet, statusDoc({ status: "active", sequence: 9, issuedAt: nowSeconds() + 400 }));
  assert.equal(future.body.code, "NOT_YET_VALID", future.text);

  // Anyone reads the current status; the grantee sees it on the shared copy.
  const pub = await call(node, "GET", `/v1/public/credential-status?issuer_auth_public_key=${hex(s.issuer.publicKey)}&vc_id=${encodeURIComponent(s.vcId)}`);
  assert.equal(pub.status, 200, pub.text);
  assert.deepEqual(pub.body.status.document, revoked);
  const read = await call(node, "GET", `/v1/shared/${copy.credential.id}`, { wallet: grantee });
  assert.deepEqual(read.body.status.document, revoked);
  const none = await call(node, "GET", `/v1/public/credential-status?issuer_auth_public_key=${hex(s.issuer.publicKey)}&vc_id=urn:x:none`);
  assert.equal(none.body.status, null);
});

test("status of an issuer-written original still shows on its copy after the owner re-signed it (edit)", async () => {
  // The issuer writes the original and a copy for the grantee under a DWG (inserter "issuer:<key>").
  const issuer = m.generateEd25519KeyPair();
  const vcId = `urn:uuid:${uuid()}`;
  const plaintext = JSON.stringify({ kyc: "passed", nonce: uuid() });
  const publicNotes = JSON.stringify({ id: vcId, type: "KYC" });
  const credential = await makeCredential({ userId: s.ownerId, plaintext, recipientPublicKey: s.ownerKey.publicKey,
    issuer, publicNotes });
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: s.ownerId, plaintext, granteePublicKey: s.granteeKey.publicKey });
  const dwg = await makeDwg({ owner, grantee: grantee.identifier, issuerPublicKeyHex: hex(issuer.publicKey),
    timelock: nowSeconds() + 1 });
  const w = await call(node, "POST", "/v1/credentials/dwg", { wallet: issuerWallet,
    body: { dwg, credential, shared_copy: copy.credential, content_hash: copy.content_hash } });
  assert.equal(w.status, 201, w.text);
  const suspended = statusDoc({ vcId, status: "suspended", reason: "under review", sequence: 1 }, issuer);
  const set = await setStatus(issuerWallet, suspended);
  assert.equal(set.status, 200, set.text);
  let read = await call(node, "GET", `/v1/shared/${copy.credential.id}`, { wallet: grantee });
  assert.deepEqual(read.body.status.document, suspended);

  // The owner re-signs the original with a key of their own (after the copy's timelock).
  await sleep(2500);
  const edited = m.buildCredential({ id: credential.id, userId: s.ownerId, publicNotes, plaintext,
    recipientPublicKey: s.ownerKey.publicKey, issuer: m.generateEd25519KeyPair() });
  const e = await call(node, "PUT", `/v1/credentials/${credential.id}`, { wallet: owner, body: { credential: edited } });
  assert.equal(e.status, 200, e.text);
  // The record's key changed; the issuer that wrote it still speaks for it.
  read = await call(node, "GET", `/v1/shared/${copy.credential.id}`, { wallet: grantee });
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.body.status.document, suspended);
});

test("status through the client: set, read by VC id and on the shared copy, checked by the module", async () => {
  const client = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
  const doc = statusDoc({ status: "active", reason: "", sequence: 6 });
  const set = await client.setCredentialStatus(issuerWallet, doc);
  assert.equal(set.receipts.length, 1);
  const st = await client.credentialStatus(hex(s.issuer.publicKey), s.vcId);
  assert.equal(st.status, "active");
  assert.equal(st.set, true);
  assert.equal(st.sequence, 6);
  const read = await client.readShared(grantee, s.statusCopy.credential.id);
  assert.equal(read.status.status, "active");
  assert.equal(read.status.vcId, s.vcId);
  const unknown = await client.credentialStatus(hex(s.issuer.publicKey), "urn:x:unset");
  assert.deepEqual([unknown.status, unknown.set], ["active", false]);
  // A node that shows a status whose signature does not hold: VERIFY_FAILED.
  const lying = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId],
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      if (!url.includes("/v1/public/credential-status")) return res;
      const body = await res.json();
      body.status.document.status = "revoked";
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    } });
  await assert.rejects(lying.credentialStatus(hex(s.issuer.publicKey), s.vcId), (e) => e.code === "VERIFY_FAILED");
});

test("the self-audit accepts removed and replaced rows (no divergence)", async () => {
  // The audit runs every second (--peer-check-interval 1) over the whole log: wait for two rounds.
  await sleep(2500);
  const h = await call(node, "GET", "/health");
  assert.equal(h.status, 200, h.text);
  assert.equal(h.body.consistency?.diverged ?? false, false, h.text);
});
