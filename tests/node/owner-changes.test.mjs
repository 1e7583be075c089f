// The owner's changes (docs/spec/owner-changes.md) on one node, on either backend: edit a
// credential, change the encryption key (one atomic write), remove a wallet. Each operation's
// allow/refuse matrix (owner, another user, an issuer, a stranger, anonymous; shared copy, locked,
// last wallet; key change with a missing, extra or foreign credential), and the atomic key change
// under kill -9.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Wallet } from "ethers";
import {
  ROOT, idos, startNode, call, evmWallet, faceSignWallet, createUser, makeCredential, makeDwg, canonicalSha, verifyReceipt,
  nowSeconds, uuid, hex, rfc3339, tempDir, removeDir, removeStorage, storageIntegrity,
} from "./helpers.mjs";

let m, node;
const owner = evmWallet();
const ownerSecond = faceSignWallet();  // a second wallet of the owner's user
const other = evmWallet();             // another registered user
const grantee = evmWallet();
const issuerWallet = faceSignWallet(); // an issuer's wallet: never registered
const s = {};

function addWalletBody(newWallet, forUserId) {
  const issuedAt = rfc3339(nowSeconds());
  const message = ["operation: addWallet", `user_id: ${forUserId}`, `wallet_type: ${newWallet.type}`,
    `wallet: ${newWallet.identifier}`, `issued_at: ${issuedAt}`].join("\n");
  return { wallet_type: newWallet.type, wallet_identifier: newWallet.identifier, issued_at: issuedAt,
    signature: newWallet.signSync(message) };
}

async function putOriginal(wallet, userId, key, plaintext, issuer) {
  const credential = await makeCredential({ userId, plaintext, recipientPublicKey: key.publicKey, issuer });
  const r = await call(node, "POST", "/v1/credentials", { wallet, body: { credential } });
  assert.equal(r.status, 201, r.text);
  return credential;
}

async function share(wallet, userId, plaintext, lockedUntil, originalId) {
  const copy = m.makeSharedCopy({ copyId: uuid(), userId, plaintext, granteePublicKey: s.granteeKey.publicKey });
  const body = { shared_copy: copy.credential, original_id: originalId, grantee: grantee.identifier, locked_until: lockedUntil,
    content_hash: copy.content_hash };
  const r = await call(node, "POST", "/v1/shares", { wallet, body });
  assert.equal(r.status, 201, r.text);
  return { copy: copy.credential, grant: r.body.grant };
}

// The stored record, as the node gives it back.
async function stored(wallet, id) {
  const r = await call(node, "GET", `/v1/credentials/${id}`, { wallet });
  assert.equal(r.status, 200, r.text);
  return r.body.credential;
}

before(async () => {
  m = await idos();
  node = await startNode({ args: ["--rate-limit", "0"] });
  const o = await createUser(node, owner);
  const x = await createUser(node, other);
  const g = await createUser(node, grantee);
  for (const r of [o, x, g]) assert.equal(r.response.status, 201, r.response.text);
  s.ownerId = o.userId;
  s.ownerKey = o.encryption;
  s.otherId = x.userId;
  s.otherKey = x.encryption;
  s.granteeKey = g.encryption;
  const added = await call(node, "POST", "/v1/users/me/wallets", { wallet: owner, body: addWalletBody(ownerSecond, s.ownerId) });
  assert.equal(added.status, 201, added.text);
});
after(async () => { if (node) await node.stop(); });

// --- edit a credential ------------------------------------------------------------------------------

test("edit_credential: the owner's new record replaces the original, receipted; the signatures are checked again", async () => {
  const original = await putOriginal(owner, s.ownerId, s.ownerKey, "edit me");
  const edited = m.buildCredential({ id: original.id, userId: s.ownerId, publicNotes: '{"type":"KYC","v":2}',
    plaintext: "edited content", recipientPublicKey: s.ownerKey.publicKey, issuer: m.generateEd25519KeyPair() });
  const r = await call(node, "PUT", `/v1/credentials/${original.id}`, { wallet: ownerSecond, body: { credential: edited } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.credential.id, original.id);
  assert.equal(r.body.credential.role, "original");
  assert.equal(r.body.receipts.length, 1);
  const receipt = r.body.receipts[0];
  assert.equal(receipt.write_operation, "edit_credential");
  assert.equal(receipt.object_kind, "credential");
  assert.equal(receipt.sha256, await canonicalSha(edited));
  assert.equal(receipt.log_position, r.body.log_position);
  assert.ok(await verifyReceipt(receipt, [node.nodeId]));
  const now = await stored(owner, original.id);
  assert.deepEqual(now, JSON.parse(m.canonicalizeJson(edited)));
  assert.equal(m.utf8Decode(m.decrypt(now.content, m.fromBase64(now.encryptor_public_key), s.ownerKey)), "edited content");

  // A record whose signatures do not verify (issuer signatures re-checked): 400, nothing changes.
  const tampered = { ...edited, public_notes: '{"type":"KYC","v":3}' };
  const bad = await call(node, "PUT", `/v1/credentials/${original.id}`, { wallet: owner, body: { credential: tampered } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.body.code, "VERIFY_FAILED");
  assert.deepEqual(await stored(owner, original.id), now);
});

test("edit_credential: an issuer-written original is re-signed by the owner's own key (issuer_auth_public_key changes)", async () => {
  const issuer = m.generateEd25519KeyPair();
  const dwg = await makeDwg({ owner, grantee: grantee.identifier, issuerPublicKeyHex: hex(issuer.publicKey), timelock: 0 });
  const credential = await makeCredential({ userId: s.ownerId, plaintext: "issued", recipientPublicKey: s.ownerKey.publicKey, issuer });
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: s.ownerId, plaintext: "issued", granteePublicKey: s.granteeKey.publicKey });
  const w = await call(node, "POST", "/v1/credentials/dwg", { wallet: issuerWallet,
    body: { dwg, credential, shared_copy: copy.credential, content_hash: copy.content_hash } });
  assert.equal(w.status, 201, w.text);
  const own = m.generateEd25519KeyPair();
  const edited = m.buildCredential({ id: credential.id, userId: s.ownerId, publicNotes: credential.public_notes,
    plaintext: "issued", recipientPublicKey: s.ownerKey.publicKey, issuer: own });
  const r = await call(node, "PUT", `/v1/credentials/${credential.id}`, { wallet: owner, body: { credential: edited } });
  assert.equal(r.status, 200, r.text);
  const list = await call(node, "GET", "/v1/credentials", { wallet: owner });
  assert.equal(list.body.credentials.find((c) => c.id === credential.id).issuer_auth_public_key, hex(own.publicKey));
  // The issuer (its wallet is not registered) cannot edit what it wrote: 403 at the edge.
  const byIssuer = await call(node, "PUT", `/v1/credentials/${credential.id}`, { wallet: issuerWallet, body: { credential } });
  assert.equal(byIssuer.status, 403, byIssuer.text);
  assert.equal(byIssuer.body.code, "FORBIDDEN");
  // The grantee's copy is untouched.
  const read = await call(node, "GET", `/v1/shared/${copy.credential.id}`, { wallet: grantee });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.body.credential.content, copy.credential.content);
});

test("edit_credential: refused for another user, a stranger, anonymous, a shared copy, another id, a missing record", async () => {
  const original = await putOriginal(owner, s.ownerId, s.ownerKey, "matrix");
  const { copy } = await share(owner, s.ownerId, "matrix", 0, original.id);
  const stranger = faceSignWallet();  // signs, but no user
  const asOther = m.buildCredential({ id: original.id, userId: s.otherId, publicNotes: "{}", plaintext: "mine now",
    recipientPublicKey: s.otherKey.publicKey, issuer: m.generateEd25519KeyPair() });
  const asOwner = m.buildCredential({ id: original.id, userId: s.ownerId, publicNotes: "{}", plaintext: "x",
    recipientPublicKey: s.ownerKey.publicKey, issuer: m.generateEd25519KeyPair() });
  const cases = [
    { who: "another user", wallet: other, id: original.id, credential: asOther, status: 403, code: "FORBIDDEN" },
    { who: "another user, the owner's user_id", wallet: other, id: original.id, credential: asOwner, status: 403, code: "FORBIDDEN" },
    { who: "a stranger (not registered)", wallet: stranger, id: original.id, credential: asOwner, status: 403, code: "FORBIDDEN" },
    { who: "anonymous", wallet: undefined, id: original.id, credential: asOwner, status: 401, code: "FORBIDDEN" },
    { who: "the owner, a shared copy", wallet: owner, id: copy.id,
      credential: m.buildCredential({ id: copy.id, userId: s.ownerId, publicNotes: "", plaintext: "x",
        recipientPublicKey: s.granteeKey.publicKey, issuer: m.generateEd25519KeyPair() }), status: 403, code: "FORBIDDEN" },
    { who: "the owner, another id in the path", wallet: owner, id: copy.id, credential: asOwner, status: 400, code: "MISMATCH" },
    { who: "the owner, moving the record to another user", wallet: owner, id: original.id, credential: asOther, status: 400, code: "MISMATCH" },
    { who: "the owner, no such record", wallet: owner, id: uuid(), credential: asOwner, status: 404, code: "NOT_FOUND" },
    { who: "the owner, an id that is no UUID", wallet: owner, id: "x", credential: asOwner, status: 400 },
  ];
  for (const c of cases) {
    const r = await call(node, "PUT", `/v1/credentials/${c.id}`, { wallet: c.wallet, body: { credential: c.credential } });
    assert.equal(r.status, c.status, `${c.who}: ${r.text}`);
    if (c.code) assert.equal(r.body.code, c.code, c.who);
  }
  // Nothing changed.
  assert.deepEqual(await stored(owner, original.id), JSON.parse(m.canonicalizeJson(original)));
});

test("edit_credential: an original whose copy holds a grant in its timelock is LOCKED, with the time it ends", async () => {
  const original = await putOriginal(owner, s.ownerId, s.ownerKey, "locked");
  const until = nowSeconds() + 3600;
  await share(owner, s.ownerId, "locked", until, original.id);
  const edited = m.buildCredential({ id: original.id, userId: s.ownerId, publicNotes: "{}", plaintext: "changed",
    recipientPublicKey: s.ownerKey.publicKey, issuer: m.generateEd25519KeyPair() });
  const r = await call(node, "PUT", `/v1/credentials/${original.id}`, { wallet: owner, body: { credential: edited } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.code, "LOCKED");
  assert.match(r.body.message, new RegExp(String(until)));
  // A revocable grant (lock 0) on another copy does not hold an edit back.
  const free = await putOriginal(owner, s.ownerId, s.ownerKey, "free");
  await share(owner, s.ownerId, "free", 0, free.id);
  const ok = await call(node, "PUT", `/v1/credentials/${free.id}`, { wallet: owner, body: { credential:
    m.buildCredential({ id: free.id, userId: s.ownerId, publicNotes: "{}", plaintext: "free 2",
      recipientPublicKey: s.ownerKey.publicKey, issuer: m.generateEd25519KeyPair() }) } });
  assert.equal(ok.status, 200, ok.text);
});

// --- remove a wallet --------------------------------------------------------------------------------

test("remove_wallet: any wallet of the user removes another; never itself, never the last; others refused", async () => {
  const w = evmWallet();
  const u = await createUser(node, w);
  assert.equal(u.response.status, 201);
  const second = faceSignWallet();
  const third = new Wallet(Wallet.createRandom().privateKey);  // EVM, removed by its EIP-55 spelling
  const thirdWallet = { type: "EVM", identifier: third.address.toLowerCase(), signSync: (msg) => third.signMessageSync(msg) };
  for (const nw of [second, thirdWallet]) {
    const r = await call(node, "POST", "/v1/users/me/wallets", { wallet: w, body: addWalletBody(nw, u.userId) });
    assert.equal(r.status, 201, r.text);
  }
  const refusals = [
    { who: "itself", wallet: w, target: w.identifier, status: 403 },
    { who: "another user's wallet", wallet: w, target: owner.identifier, status: 403 },
    { who: "another user", wallet: other, target: second.identifier, status: 403 },
    { who: "an issuer / stranger (not registered)", wallet: issuerWallet, target: second.identifier, status: 403 },
    { who: "anonymous", wallet: undefined, target: second.identifier, status: 401 },
    { who: "a wallet nobody registered", wallet: w, target: evmWallet().identifier, status: 404 },
    { who: "no wallet identifier", wallet: w, target: "not-a-wallet", status: 400 },
    { who: "a wrong EIP-55 checksum", wallet: w, target: "0x" + third.address.slice(2).split("").map((ch) =>
      /[a-f]/.test(ch) ? ch.toUpperCase() : /[A-F]/.test(ch) ? ch.toLowerCase() : ch).join(""), status: 400 },
  ];
  for (const c of refusals) {
    const r = await call(node, "DELETE", `/v1/users/me/wallets/${encodeURIComponent(c.target)}`, { wallet: c.wallet });
    assert.equal(r.status, c.status, `${c.who}: ${r.text}`);
  }
  // The EIP-55 spelling is accepted and canonicalised.
  const byChecksum = await call(node, "DELETE", `/v1/users/me/wallets/${third.address}`, { wallet: second });
  assert.equal(byChecksum.status, 200, byChecksum.text);
  assert.equal(byChecksum.body.wallet.wallet_identifier, thirdWallet.identifier);
  const receipt = byChecksum.body.receipts[0];
  assert.equal(receipt.write_operation, "remove_wallet");
  assert.equal(receipt.object_kind, "wallet");
  assert.equal(receipt.object_id, thirdWallet.identifier);
  assert.equal(receipt.sha256, await canonicalSha({ wallet_type: "EVM", wallet_identifier: thirdWallet.identifier, user_id: u.userId }));
  assert.ok(await verifyReceipt(receipt, [node.nodeId]));
  // The removed wallet is no longer the user's.
  const gone = await call(node, "GET", "/v1/users/me", { wallet: { ...thirdWallet, sign: async (msg) => third.signMessage(msg) } });
  assert.equal(gone.status, 403, gone.text);
  // The second wallet removes the first: one wallet left, which cannot go.
  const r = await call(node, "DELETE", `/v1/users/me/wallets/${w.identifier}`, { wallet: second });
  assert.equal(r.status, 200, r.text);
  const me = await call(node, "GET", "/v1/users/me", { wallet: second });
  assert.deepEqual(me.body.wallets.map((x) => x.wallet_identifier), [second.identifier]);
  const last = await call(node, "DELETE", `/v1/users/me/wallets/${second.identifier}`, { wallet: second });
  assert.equal(last.status, 403, last.text);
  assert.equal(last.body.code, "FORBIDDEN");
  // A removed wallet may register again (here: as a user of its own).
  const again = await createUser(node, w);
  assert.equal(again.response.status, 201, again.response.text);
});

// --- change the encryption key ------------------------------------------------------------------------

test("change_encryption_key: refused unless it replaces exactly the user's originals; nothing changes on a refusal", async () => {
  const w = evmWallet();
  const u = await createUser(node, w);
  const a = await putOriginal(w, u.userId, u.encryption, "A");
  const b = await putOriginal(w, u.userId, u.encryption, "B");
  const { copy } = await share(w, u.userId, "A", 0, a.id);
  const next = m.generateEncryptionKeyPair();
  const reencrypt = (c, plaintext, userId = u.userId) => m.buildCredential({ id: c.id, userId, publicNotes: c.public_notes,
    plaintext, recipientPublicKey: next.publicKey, issuer: m.generateEd25519KeyPair() });
  const newKey = m.toBase64(next.publicKey);
  const foreign = await putOriginal(other, s.otherId, s.otherKey, "theirs");
  const body = (credentials) => ({ encryption_public_key: newKey, credentials });
  const refusals = [
    { who: "one original missing", wallet: w, body: body([reencrypt(a, "A")]), status: 400, code: "MISMATCH" },
    { who: "a shared copy as well", wallet: w, body: body([reencrypt(a, "A"), reencrypt(b, "B"), reencrypt(copy, "A")]), status: 400, code: "MISMATCH" },
    { who: "a foreign credential", wallet: w, body: body([reencrypt(a, "A"), reencrypt(b, "B"), reencrypt(foreign, "x", s.otherId)]), status: 403, code: "FORBIDDEN" },
    { who: "an unknown id", wallet: w, body: body([reencrypt(a, "A"), reencrypt(b, "B"), reencrypt({ id: uuid(), public_notes: "{}" }, "x")]), status: 400, code: "MISMATCH" },
    { who: "an original twice", wallet: w, body: body([reencrypt(a, "A"), reencrypt(b, "B"), reencrypt(a, "A")]), status: 400, code: "INVALID_INPUT" },
    { who: "no key", wallet: w, body: { encryption_public_key: "", credentials: [reencrypt(a, "A"), reencrypt(b, "B")] }, status: 400, code: "INVALID_INPUT" },
    { who: "a record that does not verify", wallet: w, body: body([reencrypt(a, "A"), { ...reencrypt(b, "B"), public_notes: '{"x":1}' }]), status: 400, code: "VERIFY_FAILED" },
    { who: "another user, with the user's records", wallet: other, body: body([reencrypt(a, "A"), reencrypt(b, "B")]), status: 403, code: "FORBIDDEN" },
    { who: "a stranger (not registered)", wallet: issuerWallet, body: body([reencrypt(a, "A"), reencrypt(b, "B")]), status: 403, code: "FORBIDDEN" },
    { who: "anonymous", wallet: undefined, body: body([reencrypt(a, "A"), reencrypt(b, "B")]), status: 401 },
  ];
  for (const c of refusals) {
    const r = await call(node, "PUT", "/v1/users/me/encryption-key", { wallet: c.wallet, body: c.body });
    assert.equal(r.status, c.status, `${c.who}: ${r.text}`);
    if (c.code) assert.equal(r.body.code, c.code, c.who);
  }
  const me = await call(node, "GET", "/v1/users/me", { wallet: w });
  assert.equal(me.body.user.encryption_public_key, m.toBase64(u.encryption.publicKey), "the old key stays");
  assert.deepEqual(await stored(w, a.id), JSON.parse(m.canonicalizeJson(a)));
  assert.deepEqual(await stored(w, b.id), JSON.parse(m.canonicalizeJson(b)));
});

test("change_encryption_key: the new key and every original in one entry; copies and grants untouched", async () => {
  const w = faceSignWallet();
  const u = await createUser(node, w);
  const plain = {};
  const originals = [];
  for (const p of ["first", "second", "third"]) {
    const c = await putOriginal(w, u.userId, u.encryption, p);
    plain[c.id] = p;
    originals.push(c);
  }
  const { copy, grant } = await share(w, u.userId, "first", nowSeconds() + 3600, originals[0].id);
  const next = m.generateEncryptionKeyPair();
  const records = originals.map((c) => m.buildCredential({ id: c.id, userId: u.userId, publicNotes: c.public_notes,
    plaintext: plain[c.id], recipientPublicKey: next.publicKey, issuer: m.generateEd25519KeyPair() }));
  const newKey = m.toBase64(next.publicKey);
  const before = (await call(node, "GET", "/v1/node")).body.log_position;
  const r = await call(node, "PUT", "/v1/users/me/encryption-key", { wallet: w, body: { encryption_public_key: newKey, credentials: records } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.log_position, before + 1, "one log entry");
  assert.equal(r.body.user.encryption_public_key, newKey);
  assert.equal(r.body.receipts.length, 1 + records.length);
  const byId = new Map(r.body.receipts.map((x) => [x.object_id, x]));
  assert.equal(byId.get(u.userId).object_kind, "user");
  assert.equal(byId.get(u.userId).sha256, await canonicalSha({ id: u.userId, encryption_public_key: newKey }));
  for (const rec of records) assert.equal(byId.get(rec.id).sha256, await canonicalSha(rec));
  for (const x of r.body.receipts) {
    assert.equal(x.write_operation, "change_encryption_key");
    assert.equal(x.log_position, r.body.log_position);
    assert.ok(await verifyReceipt(x, [node.nodeId]));
  }
  const me = await call(node, "GET", "/v1/users/me", { wallet: w });
  assert.equal(me.body.user.encryption_public_key, newKey);
  const dir = await call(node, "GET", `/v1/public/wallets/${w.identifier}/encryption-key`);
  assert.equal(dir.body.encryption_public_key, newKey);
  for (const c of originals) {
    const now = await stored(w, c.id);
    assert.equal(m.utf8Decode(m.decrypt(now.content, m.fromBase64(now.encryptor_public_key), next)), plain[c.id]);
    assert.throws(() => m.decrypt(now.content, m.fromBase64(now.encryptor_public_key), u.encryption), /DECRYPT_FAILED|decrypt/i);
  }
  // The grantee's copy and its grant (timelocked: a key change is not held back by it).
  const read = await call(node, "GET", `/v1/shared/${copy.id}`, { wallet: grantee });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.body.credential.content, copy.content);
  assert.equal(read.body.grant.id, grant.id);
  // The identical request again gets the first outcome (idempotent retry): same position, no new entry.
  const sent = { encryption_public_key: newKey, credentials: records };
  const again = await call(node, "PUT", "/v1/users/me/encryption-key", { header: r.header, body: sent });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.log_position, r.body.log_position);
});

// --- the atomic key change under kill -9 ---------------------------------------------------------------

test("change_encryption_key under kill -9: afterwards either every original is under the new key with the new public key, or none is", async (t) => {
  const ATTEMPTS = 8;
  const ORIGINALS = 24;
  const dataDir = tempDir();
  let n = await startNode({ dataDir, args: ["--rate-limit", "0"] });
  try {
    const w = faceSignWallet();
    const u = await createUser(n, w);
    assert.equal(u.response.status, 201, u.response.text);
    let key = u.encryption;
    // Large enough plaintexts that applying the entry (verify, seal, write 24 records) takes a while.
    const plaintext = (i) => `original ${i} ` + "x".repeat(96 * 1024);
    const ids = [];
    for (let i = 0; i < ORIGINALS; i++) {
      const c = await makeCredential({ userId: u.userId, plaintext: plaintext(i), recipientPublicKey: key.publicKey });
      const r = await call(n, "POST", "/v1/credentials", { wallet: w, body: { credential: c } });
      assert.equal(r.status, 201, r.text);
      ids.push(c.id);
    }
    let applied = 0;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const next = m.generateEncryptionKeyPair();
      const records = ids.map((id, i) => m.buildCredential({ id, userId: u.userId, publicNotes: '{"type":"KYC"}',
        plaintext: plaintext(i), recipientPublicKey: next.publicKey, issuer: m.generateEd25519KeyPair() }));
      const shas = new Map(await Promise.all(records.map(async (r) => [r.id, await canonicalSha(r)])));
      const sending = call(n, "PUT", "/v1/users/me/encryption-key", { wallet: w,
        body: { encryption_public_key: m.toBase64(next.publicKey), credentials: records } }).catch((e) => ({ status: 0, error: e }));
      // A delay that moves across the attempts, so the kill falls before, during and after the apply.
      await new Promise((resolve) => setTimeout(resolve, 30 + attempt * attempt * 40));  // 30 ms .. 2 s
      const killed = await n.kill9();
      assert.equal(killed.signal, "SIGKILL");
      const answer = await sending;
      assert.equal(storageIntegrity(dataDir), "ok", `integrity after the kill (attempt ${attempt})`);
      n = await startNode({ dataDir, args: ["--rate-limit", "0"] });
      const me = await call(n, "GET", "/v1/users/me", { wallet: w });
      assert.equal(me.status, 200, me.text);
      const list = await call(n, "GET", "/v1/credentials", { wallet: w });
      const metas = new Map(list.body.credentials.map((c) => [c.id, c]));
      const changed = me.body.user.encryption_public_key === m.toBase64(next.publicKey);
      const underNew = ids.filter((id) => metas.get(id).sha256 === shas.get(id)).length;
      assert.ok(changed ? underNew === ids.length : underNew === 0,
        `attempt ${attempt}: key ${changed ? "new" : "old"} with ${underNew} of ${ids.length} records under the new key`);
      assert.equal(me.body.user.encryption_public_key, changed ? m.toBase64(next.publicKey) : m.toBase64(key.publicKey));
      // A receipt means the change is there.
      if (answer.status === 200) assert.ok(changed, `attempt ${attempt}: receipted but not applied`);
      // Every record decrypts with the key the user record names.
      const current = changed ? next : key;
      const sample = await call(n, "GET", `/v1/credentials/${ids[attempt % ids.length]}`, { wallet: w });
      const doc = sample.body.credential;
      assert.equal(m.utf8Decode(m.decrypt(doc.content, m.fromBase64(doc.encryptor_public_key), current)), plaintext(attempt % ids.length));
      if (changed) {
        applied++;
        key = next;
      }
    }
    t.diagnostic(`${applied} of ${ATTEMPTS} key changes were applied before the kill`);
  } finally {
    await n.stop();
    removeStorage(dataDir);
    removeDir(dataDir);
  }
});

// --- the JS client (idos-core/client) ----------------------------------------------------------------

test("client: editCredential, removeWallet and changeEncryptionKey (from passwords), with verified receipts", async () => {
  const { NodeClient } = await import(pathToFileURL(path.join(ROOT, "js/dist/client.js")).href);
  const { IdosError } = await import(pathToFileURL(path.join(ROOT, "js/dist/index.js")).href);
  const c = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
  const w = evmWallet();
  const second = faceSignWallet();
  const userId = uuid();
  const oldKey = await m.deriveEncryptionKeyPairAsync("old password", userId);
  await c.createUser(w, { userId, encryptionPublicKey: oldKey.publicKey });
  await c.addWallet(w, second);
  const put = async (plaintext, issuer) => {
    const credential = await makeCredential({ userId, plaintext, recipientPublicKey: oldKey.publicKey, issuer });
    await c.putCredential(w, credential);
    return credential;
  };
  const a = await put("alpha");
  const b = await put("beta");
  // A shared copy made from a: untouched by the key change.
  const copy = m.makeSharedCopy({ copyId: uuid(), userId, plaintext: "alpha", granteePublicKey: s.granteeKey.publicKey });
  await c.share(w, { sharedCopy: copy.credential, originalId: a.id, grantee: grantee.identifier, lockedUntil: 0,
    contentHash: copy.content_hash });

  // editCredential: the receipt names the new record.
  const edited = m.buildCredential({ id: b.id, userId, publicNotes: b.public_notes, plaintext: "beta 2",
    recipientPublicKey: oldKey.publicKey, issuer: m.generateEd25519KeyPair() });
  const e = await c.editCredential(second, edited);
  assert.equal(e.receipts[0].write_operation, "edit_credential");
  assert.equal(e.receipts[0].sha256, await canonicalSha(edited));
  await assert.rejects(c.editCredential(w, { ...edited, public_notes: '{"x":2}' }),
    (err) => err instanceof IdosError && err.code === "VERIFY_FAILED" && err.status === 400);

  // changeEncryptionKey from passwords: derive, re-encrypt every original, one write.
  const wrong = c.changeEncryptionKey(w, { currentPassword: "not the password", newPassword: "new password" });
  await assert.rejects(wrong, (err) => err instanceof IdosError && err.code === "MISMATCH");
  const changed = await c.changeEncryptionKey(w, { currentPassword: "old password", newPassword: "new password" });
  assert.equal(changed.credentials.length, 2);
  assert.equal(changed.receipts.length, 3);
  assert.ok(changed.receipts.every((r) => r.write_operation === "change_encryption_key"));
  const newKey = await m.deriveEncryptionKeyPairAsync("new password", userId);
  assert.equal(changed.user.encryption_public_key, m.toBase64(newKey.publicKey));
  const texts = {};
  for (const id of [a.id, b.id]) {
    const { credential } = await c.getCredential(w, id);
    texts[id] = m.utf8Decode(m.decrypt(credential.content, m.fromBase64(credential.encryptor_public_key), newKey));
  }
  assert.deepEqual(texts, { [a.id]: "alpha", [b.id]: "beta 2" });
  const read = await c.readShared(grantee, copy.credential.id);
  assert.equal(read.credential.content, copy.credential.content, "the grantee's copy is untouched");

  // A body over the node's max_body is refused before it is sent.
  const small = await startNode({ args: ["--rate-limit", "0", "--max-body", "4096"] });
  try {
    const sc = new NodeClient({ baseUrl: small.url, idos: m, permittedNodeKeys: [small.nodeId] });
    const sw = faceSignWallet();
    const sid = uuid();
    const sk = m.generateEncryptionKeyPair();
    await sc.createUser(sw, { userId: sid, encryptionPublicKey: sk.publicKey });
    for (let i = 0; i < 3; i++) {
      await sc.putCredential(sw, await makeCredential({ userId: sid, plaintext: "y".repeat(900), recipientPublicKey: sk.publicKey }));
    }
    const sent = [];
    const counting = new NodeClient({ baseUrl: small.url, idos: m, permittedNodeKeys: [small.nodeId],
      fetch: (url, init) => { sent.push(init?.method ?? "GET"); return fetch(url, init); } });
    await assert.rejects(counting.changeEncryptionKey(sw, { currentKeyPair: sk, newKeyPair: m.generateEncryptionKeyPair() }),
      (err) => err instanceof IdosError && err.code === "TOO_LARGE" && /max_body/.test(err.message));
    assert.ok(!sent.includes("PUT"), "nothing was sent");
  } finally {
    await small.stop();
  }

  // removeWallet: the second wallet goes, by the first; the first cannot remove itself.
  const removed = await c.removeWallet(w, second.identifier);
  assert.equal(removed.receipts[0].write_operation, "remove_wallet");
  assert.equal(removed.wallet.wallet_identifier, second.identifier);
  await assert.rejects(c.removeWallet(w, w.identifier), (err) => err instanceof IdosError && err.code === "FORBIDDEN" && err.status === 403);
  for (const k of [oldKey, newKey]) k.dispose();
});
