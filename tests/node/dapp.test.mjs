// The flow a dApp developer writes, against a real idos-node, with the wallets they hold: an
// ethers Wallet, a viem account and an EIP-1193 provider backed by a real key, their identifiers
// as the libraries give them (EIP-55) and never lowercased by hand. Registration with the key as
// bytes, the public key directory, sharing by wallet address, the explorer, reading as the
// grantee, DWG and DAG writes with receipts checked against what was sent; the node accepting
// every spelling on its own routes; identical bytes on a client retry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Wallet, getBytes } from "ethers";
import { privateKeyToAccount } from "viem/accounts";
import { ROOT, idos, startNode, makeDwg, makeDag, nowSeconds, uuid } from "./helpers.mjs";

const { NodeClient, signerFrom } = await import(pathToFileURL(path.join(ROOT, "js/dist/client.js")).href);
const { IdosError } = await import(pathToFileURL(path.join(ROOT, "js/dist/index.js")).href);

let m, node, client;
before(async () => {
  m = await idos();
  node = await startNode();
  client = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId] });
});
after(async () => { if (node) await node.stop(); });

/** An EIP-1193 provider backed by a real key, as an injected wallet answers. */
function provider(wallet) {
  return {
    async request({ method, params = [] }) {
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [wallet.address];
      if (method === "personal_sign") return wallet.signMessage(getBytes(params[0]));
      throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
    },
  };
}

/** Registers a user for `signer` with a fresh encryption key (given as bytes). */
async function register(signer) {
  const key = m.generateEncryptionKeyPair();
  const userId = uuid();
  const created = await client.createUser(signer, { userId, encryptionPublicKey: key.publicKey });
  assert.equal(created.user.encryption_public_key, m.toBase64(key.publicKey));
  // An original to share copies of (a share names its original).
  const original = m.buildCredential({ id: uuid(), userId, publicNotes: '{"type":"KYC"}', plaintext: "original",
    recipientPublicKey: key.publicKey, issuer: m.generateEd25519KeyPair() });
  await client.putCredential(signer, original);
  return { key, userId, originalId: original.id };
}

test("ethers, viem and an injected provider: register, look up a key, share by address, read as the grantee", async () => {
  const ownerWallet = Wallet.createRandom();
  const granteeAccount = privateKeyToAccount(Wallet.createRandom().privateKey);
  const thirdWallet = Wallet.createRandom();
  const owner = await signerFrom(ownerWallet, { idos: m });
  const grantee = await signerFrom(granteeAccount, { idos: m });
  const third = await signerFrom(provider(thirdWallet), { idos: m });
  const o = await register(owner);
  const g = await register(grantee);
  await register(third);
  const me = await client.me(third);
  assert.deepEqual(me.wallets.map((w) => w.wallet_identifier), [thirdWallet.address.toLowerCase()]);

  // The directory, by the address as viem gives it (EIP-55).
  const entry = await client.encryptionKeyOf(granteeAccount.address);
  assert.deepEqual(entry.publicKey, g.key.publicKey);
  assert.equal(entry.userId, g.userId);
  assert.equal(entry.walletIdentifier, granteeAccount.address.toLowerCase());
  await assert.rejects(client.encryptionKeyOf(Wallet.createRandom().address), (e) => e.code === "NOT_FOUND" && e.status === 404);

  // Share with the key from the directory, to the EIP-55 address, camelCase body.
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: o.userId, plaintext: "KYC: Ada", granteePublicKey: entry.publicKey });
  const shared = await client.share(owner, { sharedCopy: copy.credential, originalId: o.originalId, grantee: granteeAccount.address, lockedUntil: 0,
    contentHash: copy.content_hash });
  assert.equal(shared.grant.grantee, granteeAccount.address.toLowerCase());
  assert.deepEqual(shared.receipts.map((r) => r.write_operation), ["share", "share"]);
  const listed = await client.publicGrants({ grantee: granteeAccount.address, dataId: copy.credential.id });
  assert.deepEqual(listed.grants.map((x) => x.id), [shared.grant.id]);
  const read = await client.readShared(grantee, copy.credential.id);
  assert.equal(m.decryptText(read.credential.content, read.credential.encryptor_public_key, g.key), "KYC: Ada");

  // A DAG naming the grantee as EIP-55, signed by the injected wallet's owner: receipts checked.
  const copy2 = m.makeSharedCopy({ copyId: uuid(), userId: o.userId, plaintext: "KYC: Ada", granteePublicKey: entry.publicKey });
  await client.share(owner, { sharedCopy: copy2.credential, originalId: o.originalId, grantee: thirdWallet.address, lockedUntil: 0, contentHash: copy2.content_hash });
  const dag = await makeDag({ owner, grantee: granteeAccount.address, dataId: copy2.credential.id, contentHash: copy2.content_hash });
  const viaDag = await client.delegatedAccessGrant(third, dag);
  assert.equal(viaDag.grant.grantee, granteeAccount.address.toLowerCase());
  assert.equal(viaDag.receipts[0].write_operation, "delegated_access_grant");
  o.key.dispose();
  g.key.dispose();
});

test("addWallet with the new wallet's signer: the client builds the proof, the new wallet signs it", async () => {
  const owner = await signerFrom(Wallet.createRandom(), { idos: m });
  const o = await register(owner);
  const second = privateKeyToAccount(Wallet.createRandom().privateKey);
  const added = await client.addWallet(owner, await signerFrom(second, { idos: m }));
  assert.deepEqual(added.wallet, { wallet_type: "EVM", wallet_identifier: second.address.toLowerCase(), user_id: o.userId });
  assert.equal(added.receipts[0].write_operation, "add_wallet");
  // The second wallet now speaks for the same user, and the directory knows it.
  const me = await client.me(await signerFrom(second, { idos: m }));
  assert.equal(me.user.id, o.userId);
  assert.deepEqual((await client.encryptionKeyOf(second.address)).publicKey, o.key.publicKey);
  o.key.dispose();
});

test("writeByDwg with camelCase members and an EIP-55 grantee: three receipts, each checked", async () => {
  const ownerWallet = Wallet.createRandom();
  const issuerWallet = Wallet.createRandom();
  const owner = await signerFrom(ownerWallet, { idos: m });
  const issuerSigner = await signerFrom(issuerWallet, { idos: m });
  const o = await register(owner);
  await register(issuerSigner);
  const consumer = Wallet.createRandom();
  const issuer = m.generateEd25519KeyPair();
  const dwg = await makeDwg({ owner, grantee: consumer.address, issuerPublicKeyHex: m.toHex(issuer.publicKey) });
  const credential = m.buildCredential({ id: uuid(), userId: o.userId, publicNotes: '{"type":"KYC"}', plaintext: "p",
    recipientPublicKey: o.key.publicKey, issuer });
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: o.userId, plaintext: "p", granteePublicKey: m.generateEncryptionKeyPair().publicKey });
  const res = await client.writeByDwg(issuerSigner, { dwg, credential, sharedCopy: copy.credential, contentHash: copy.content_hash });
  assert.equal(res.receipts.length, 3);
  assert.equal(res.grant.grantee, consumer.address.toLowerCase());
  issuer.dispose();
  o.key.dispose();
});

test("the client checks before sending: a bad key, both spellings of one member, a wrong checksum", async () => {
  const w = await signerFrom(Wallet.createRandom(), { idos: m });
  const sent = [];
  const c = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId],
    fetch: (url, init) => { sent.push(url); return fetch(url, init); } });
  await assert.rejects(c.createUser(w, { encryptionPublicKey: new Uint8Array(31) }),
    (e) => e instanceof IdosError && e.code === "INVALID_LENGTH" && e.status === undefined);
  await assert.rejects(c.createUser(w, { encryptionPublicKey: "not base64!" }), (e) => e.code === "INVALID_ENCODING");
  await assert.rejects(c.share(w, { sharedCopy: {}, shared_copy: {}, grantee: "0x", lockedUntil: 0, contentHash: "" }),
    (e) => e.code === "INVALID_INPUT" && /both/.test(e.message));
  const addr = Wallet.createRandom().address;
  const flipped = addr.slice(0, 2) + [...addr.slice(2)].map((ch) => (/[a-f]/.test(ch) ? ch.toUpperCase() : /[A-F]/.test(ch) ? ch.toLowerCase() : ch)).join("");
  if (/[a-fA-F]/.test(addr.slice(2))) {
    await assert.rejects(c.publicGrants({ grantee: flipped }), (e) => e.code === "CHECKSUM_MISMATCH");
  }
  assert.deepEqual(sent, [], "nothing was sent");
  // libsodium.js's URL-safe unpadded key is taken (and sent in the node's spelling).
  const key = m.generateEncryptionKeyPair();
  const urlSafe = m.toBase64(key.publicKey).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const created = await c.createUser(w, { encryptionPublicKey: urlSafe });
  assert.equal(created.user.encryption_public_key, m.toBase64(key.publicKey));
  key.dispose();
});

test("the node itself accepts every spelling: share body, explorer query, key directory", async () => {
  const ownerWallet = Wallet.createRandom();
  const owner = await signerFrom(ownerWallet, { idos: m });
  const o = await register(owner);
  const granteeWallet = Wallet.createRandom();
  const grantee = await signerFrom(granteeWallet, { idos: m });
  const g = await register(grantee);
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: o.userId, plaintext: "x", granteePublicKey: g.key.publicKey });
  // Raw request (no client-side canonicalisation): the EIP-55 grantee goes to the node as is.
  const res = await client.request("POST", "/v1/shares", { signer: owner,
    body: { shared_copy: copy.credential, original_id: o.originalId, grantee: granteeWallet.address, locked_until: 0, content_hash: copy.content_hash } });
  assert.equal(res.grant.grantee, granteeWallet.address.toLowerCase());
  const q = await client.request("GET", `/v1/public/grants?grantee=${granteeWallet.address}`);
  assert.deepEqual(q.grants.map((x) => x.id), [res.grant.id]);
  const upperHex = `0x${granteeWallet.address.slice(2).toUpperCase()}`;
  const dir = await client.request("GET", `/v1/public/wallets/${upperHex}/encryption-key`);
  assert.deepEqual(dir, { wallet_type: "EVM", wallet_identifier: granteeWallet.address.toLowerCase(), user_id: g.userId,
    encryption_public_key: m.toBase64(g.key.publicKey) });
  await assert.rejects(client.request("GET", "/v1/public/wallets/nope/encryption-key"), (e) => e.status === 400);
  await assert.rejects(client.request("GET", `/v1/public/wallets/${Wallet.createRandom().address}/encryption-key`),
    (e) => e.status === 404 && e.code === "NOT_FOUND");
  // A user without an encryption key: 404 too.
  const keyless = await signerFrom(Wallet.createRandom(), { idos: m });
  await client.createUser(keyless, {});
  await assert.rejects(client.encryptionKeyOf(keyless.identifier), (e) => e.status === 404 && /no encryption key/.test(e.message));
  o.key.dispose();
  g.key.dispose();
});

test("a retry after a lost answer resends the identical signed bytes (one transaction)", async () => {
  const w = await signerFrom(Wallet.createRandom(), { idos: m });
  const seen = [];
  let dropped = false;
  const lossy = async (url, init) => {
    seen.push({ url, header: init.headers["idos-signed-request"], body: init.body });
    const res = await fetch(url, init);
    if (!dropped && init.method === "POST") {
      dropped = true;
      await res.arrayBuffer();
      throw new TypeError("fetch failed (the answer was lost)");
    }
    return res;
  };
  const c = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId], fetch: lossy, retries: 2 });
  const userId = uuid();
  const outcome = await c.createUser(w, { userId, encryptionPublicKey: m.generateEncryptionKeyPair().publicKey })
    .then(() => "stored", (e) => e.code);
  const posts = seen.filter((x) => x.url.endsWith("/v1/users"));
  assert.equal(posts.length, 2, "one retry");
  assert.equal(posts[1].header, posts[0].header, "the same signed request header");
  assert.equal(posts[1].body, posts[0].body, "the same body");
  // The node applied the write once (the first attempt) and answers the identical resend with that
  // first outcome and its receipts (docs/cluster.md "Idempotent retry"), never REPLAYED.
  assert.equal(outcome, "stored");
  const me = await client.me(w);
  assert.equal(me.user.id, userId);
  // Without retries (the default) a lost answer is NODE_UNREACHABLE, status 0.
  const once = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId],
    fetch: async () => { throw new TypeError("fetch failed"); } });
  await assert.rejects(once.health(), (e) => e.code === "NODE_UNREACHABLE" && e.status === 0);
  assert.throws(() => new NodeClient({ retries: 6 }), (e) => e.code === "INVALID_INPUT");
});

test("share: a body swapped in transit (another grantee, re-signed) is stored by the node but VERIFY_FAILED here", async () => {
  const owner = await signerFrom(Wallet.createRandom(), { idos: m });
  const o = await register(owner);
  const intended = Wallet.createRandom();
  const attacker = Wallet.createRandom();
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: o.userId, plaintext: "z", granteePublicKey: o.key.publicKey });
  // Between the client and the node the grantee is replaced and the request re-signed by the same
  // wallet (so the node accepts it): the node stores a grant for the attacker and signs valid
  // receipts for it. Only the comparison with what the client sent can tell.
  const swapping = async (url, init) => {
    if (init.method === "POST" && url.endsWith("/v1/shares")) {
      const body = JSON.stringify({ ...JSON.parse(init.body), grantee: attacker.address.toLowerCase() });
      const header = await client.signedRequestHeader(owner, "POST", "/v1/shares", body);
      init = { ...init, body, headers: { ...init.headers, "idos-signed-request": header } };
    }
    return fetch(url, init);
  };
  const tampered = new NodeClient({ baseUrl: node.url, idos: m, permittedNodeKeys: [node.nodeId], fetch: swapping });
  await assert.rejects(tampered.share(owner, { sharedCopy: copy.credential, originalId: o.originalId, grantee: intended.address, lockedUntil: 0,
    contentHash: copy.content_hash }),
  (e) => e instanceof IdosError && e.code === "VERIFY_FAILED" && e.status === 200 && /did not store/.test(e.message));
  const stored = await client.publicGrants({ dataId: copy.credential.id });
  assert.deepEqual(stored.grants.map((g) => g.grantee), [attacker.address.toLowerCase()], "the node did store the swapped grant");
  o.key.dispose();
});

test("publicGrants: camelCase and wire query names; time-locked grants listed once", async () => {
  const owner = await signerFrom(Wallet.createRandom(), { idos: m });
  const o = await register(owner);
  const granteeWallet = Wallet.createRandom();
  const copy = m.makeSharedCopy({ copyId: uuid(), userId: o.userId, plaintext: "y", granteePublicKey: o.key.publicKey });
  const shared = await client.share(owner, { sharedCopy: copy.credential, originalId: o.originalId, grantee: granteeWallet.address,
    lockedUntil: nowSeconds() + 3600, contentHash: copy.content_hash });
  for (const query of [{ grantee: granteeWallet.address, includeRevoked: true }, { grantee: granteeWallet.address.toLowerCase(), include_revoked: true }]) {
    const r = await client.publicGrants(query);
    assert.deepEqual(r.grants.map((x) => x.id), [shared.grant.id]);
  }
  o.key.dispose();
});
