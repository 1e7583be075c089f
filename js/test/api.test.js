// Every API call of the package, its results and its errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  code, hex, IdosError, load, unhex, utf8Decode, utf8Encode, EncryptionKeyPair, DOCUMENT_KINDS, ERROR_CODES, WALLET_TYPES,
} from "./helpers.js";
import { KDF } from "../dist/constants.js";

const idos = await load();
const USER = "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12";
const PW = "correct horse battery staple";
const KDF1_PUBLIC = "0e99f97a9212fbd19da6fb0117556468ae1206a7a143e60f7623462089d4454b";
const KDF1_SECRET = "ddeceb472fd361d9480ab86f4a91980af3ec2ff578039ec947c4412092b489cc";
const kp = idos.deriveEncryptionKeyPair(PW, USER);

test("load() instantiates once and reuses the module", async () => {
  const again = await load();
  assert.equal(again, idos);
  assert.match(idos.version, /^\d+\.\d+\.\d+/);
  assert.equal(typeof idos.loadMilliseconds, "number");
});

// The lists are the core's (dist/constants.js is generated from the module): each name is one the
// core accepts, and a name outside them is refused.
test("WALLET_TYPES, DOCUMENT_KINDS and ERROR_CODES are what the core accepts and answers", () => {
  assert.ok(WALLET_TYPES.length >= 5 && Object.isFrozen(WALLET_TYPES));
  for (const type of WALLET_TYPES) {
    assert.throws(() => idos.canonicalWalletIdentifier(type, "?"), (e) => e instanceof IdosError && e.code !== "UNSUPPORTED", type);
  }
  assert.throws(() => idos.canonicalWalletIdentifier("Solana", "?"), code("UNSUPPORTED"));
  assert.ok(DOCUMENT_KINDS.includes("access_grant") && Object.isFrozen(DOCUMENT_KINDS));
  for (const kind of DOCUMENT_KINDS) {
    assert.throws(() => idos.validate(kind, "{}", 1_750_000_000), (e) => e instanceof IdosError && e.code !== "UNSUPPORTED", kind);
  }
  assert.throws(() => idos.validate("grant", "{}", 1_750_000_000), code("UNSUPPORTED"));
  assert.equal(ERROR_CODES[0], "OK");
  assert.equal(ERROR_CODES.indexOf("VERIFY_FAILED"), 9, "the C ABI's IDOS_VERIFY_FAILED");
  for (const thrower of [() => idos.fromHex("abc"), () => idos.ed25519Verify("x", new Uint8Array(64), new Uint8Array(32)),
    () => idos.validate("access_grant", "[", 1_750_000_000)]) {
    assert.throws(thrower, (e) => e instanceof IdosError && ERROR_CODES.includes(e.code) && e.code !== "OK");
  }
});

test("IdosError carries a stable code", () => {
  const e = new IdosError("INVALID_INPUT", "x");
  assert.ok(e instanceof Error);
  assert.equal(e.code, "INVALID_INPUT");
  assert.equal(e.name, "IdosError");
});

test("deriveEncryptionKeyPair matches the idOS derivation", () => {
  assert.equal(hex(kp.publicKey), KDF1_PUBLIC);
  assert.equal(hex(kp.exportSecretKey()), KDF1_SECRET);
  assert.ok(kp instanceof EncryptionKeyPair);
});

test("deriveEncryptionKeyPair normalises the password with NFKC", () => {
  const a = idos.deriveEncryptionKeyPair("A\u030Angstro\u0308m", "0e4d2c1b-9a8f-4e7d-b6c5-4a3b2c1d0e9f");
  const b = idos.deriveEncryptionKeyPair("\u00C5ngstr\u00F6m", "0e4d2c1b-9a8f-4e7d-b6c5-4a3b2c1d0e9f");
  assert.equal(hex(a.publicKey), hex(b.publicKey));
  a.dispose();
  b.dispose();
});

test("deriveEncryptionKeyPair rejects a non-UUID user id and wrong types", () => {
  assert.throws(() => idos.deriveEncryptionKeyPair(PW, "not-a-uuid"), code("INVALID_INPUT"));
  assert.throws(() => idos.deriveEncryptionKeyPair(42, USER), code("INVALID_INPUT"));
  assert.throws(() => idos.deriveEncryptionKeyPair(PW, undefined), code("INVALID_INPUT"));
  assert.throws(() => idos.deriveEncryptionKeyPair("x".repeat(2000), USER), code("TOO_LARGE"));
});

test("encryptionKeyPairFromSecret gives the same public key", () => {
  const k = idos.encryptionKeyPairFromSecret(unhex(KDF1_SECRET));
  assert.equal(hex(k.publicKey), KDF1_PUBLIC);
  k.dispose();
  assert.throws(() => idos.encryptionKeyPairFromSecret(new Uint8Array(31)), code("INVALID_LENGTH"));
  assert.throws(() => idos.encryptionKeyPairFromSecret("00".repeat(32)), code("INVALID_INPUT"));
});

test("publicKey is a copy: mutating it changes nothing", () => {
  const pk = kp.publicKey;
  pk[0] ^= 1;
  assert.equal(hex(kp.publicKey), KDF1_PUBLIC);
});

test("encrypt -> decrypt round trip (string and bytes, base64 and raw encryptor key)", () => {
  const m = idos.encrypt("héllo wörld", kp.publicKey);
  assert.equal(typeof m.content, "string");
  assert.equal(idos.fromBase64(m.encryptorPublicKey).length, 32);
  assert.equal(utf8Decode(idos.decrypt(m.content, m.encryptorPublicKey, kp)), "héllo wörld");
  assert.equal(idos.decryptText(m.content, idos.fromBase64(m.encryptorPublicKey), kp), "héllo wörld");
  const bytes = new Uint8Array(1000).map((_, i) => i & 0xff);
  const m2 = idos.encrypt(bytes, kp.publicKey);
  assert.deepEqual(idos.decrypt(m2.content, m2.encryptorPublicKey, kp), bytes);
  const m3 = idos.encrypt(new Uint8Array(0), kp.publicKey);
  assert.equal(idos.decrypt(m3.content, m3.encryptorPublicKey, kp).length, 0);
});

test("encrypt uses a fresh ephemeral key and nonce each time", () => {
  const a = idos.encrypt("same", kp.publicKey);
  const b = idos.encrypt("same", kp.publicKey);
  assert.notEqual(a.content, b.content);
  assert.notEqual(a.encryptorPublicKey, b.encryptorPublicKey);
});

test("encrypt errors: wrong key length, low-order key, wrong types", () => {
  assert.throws(() => idos.encrypt("x", new Uint8Array(31)), code("INVALID_LENGTH"));
  assert.throws(() => idos.encrypt("x", new Uint8Array(32)), code("INVALID_KEY"));
  assert.throws(() => idos.encrypt("x", "not bytes"), code("INVALID_INPUT"));
  assert.throws(() => idos.encrypt(123, kp.publicKey), code("INVALID_INPUT"));
});

test("decrypt with the wrong key fails with DECRYPT_FAILED", () => {
  const m = idos.encrypt("secret", kp.publicKey);
  const other = idos.generateEncryptionKeyPair();
  assert.throws(() => idos.decrypt(m.content, m.encryptorPublicKey, other), code("DECRYPT_FAILED"));
  other.dispose();
});

test("decrypt of tampered content fails with DECRYPT_FAILED", () => {
  const m = idos.encrypt("secret", kp.publicKey);
  const raw = idos.fromBase64(m.content);
  raw[raw.length - 1] ^= 1;
  assert.throws(() => idos.decrypt(idos.toBase64(raw), m.encryptorPublicKey, kp), code("DECRYPT_FAILED"));
  const epk = idos.fromBase64(m.encryptorPublicKey);
  epk[0] ^= 1;
  assert.throws(() => idos.decrypt(m.content, epk, kp), code("DECRYPT_FAILED"));
});

test("decrypt errors: bad base64, wrong lengths, low-order key, wrong types", () => {
  const m = idos.encrypt("secret", kp.publicKey);
  assert.throws(() => idos.decrypt("not base64!", m.encryptorPublicKey, kp), code("INVALID_ENCODING"));
  assert.throws(() => idos.decrypt(m.content + "\n", m.encryptorPublicKey, kp), code("INVALID_ENCODING"));
  assert.throws(() => idos.decrypt(m.content, "AAAA", kp), code("INVALID_LENGTH"));
  assert.throws(() => idos.decrypt(m.content, "@@@", kp), code("INVALID_ENCODING"));
  assert.throws(() => idos.decrypt("AAAA", m.encryptorPublicKey, kp), code("INVALID_LENGTH"));
  assert.throws(() => idos.decrypt(m.content, new Uint8Array(33), kp), code("INVALID_LENGTH"));
  assert.throws(() => idos.decrypt(m.content, new Uint8Array(32), kp), code("INVALID_KEY"));
  assert.throws(() => idos.decrypt(m.content, m.encryptorPublicKey, {}), code("INVALID_INPUT"));
  assert.throws(() => idos.decrypt(42, m.encryptorPublicKey, kp), code("INVALID_INPUT"));
});

test("a disposed key pair throws INVALID_KEY everywhere", () => {
  const k = idos.generateEncryptionKeyPair();
  const m = idos.encrypt("x", k.publicKey);
  assert.equal(k.disposed, false);
  k.dispose();
  k.dispose(); // idempotent
  assert.equal(k.disposed, true);
  assert.equal(k.publicKey.length, 32); // public data stays readable
  assert.throws(() => k.exportSecretKey(), code("INVALID_KEY"));
  assert.throws(() => idos.decrypt(m.content, m.encryptorPublicKey, k), code("INVALID_KEY"));
  assert.throws(() => idos.sealOpen(new Uint8Array(48), k), code("INVALID_KEY"));
});

test("sealed boxes: seal -> sealOpen, tampering and wrong key", () => {
  const sealed = idos.seal("sealed message", kp.publicKey);
  assert.equal(sealed.length, 48 + 14);
  assert.equal(utf8Decode(idos.sealOpen(sealed, kp)), "sealed message");
  sealed[50] ^= 1;
  assert.throws(() => idos.sealOpen(sealed, kp), code("DECRYPT_FAILED"));
  assert.throws(() => idos.sealOpen(new Uint8Array(10), kp), code("INVALID_LENGTH"));
  assert.throws(() => idos.seal("x", new Uint8Array(5)), code("INVALID_LENGTH"));
});

test("contentHash, sha256, sha512, keccak256", () => {
  assert.equal(idos.contentHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(idos.contentHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(idos.contentHash(utf8Encode("abc")), idos.contentHash("abc"));
  assert.equal(hex(idos.sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(hex(idos.sha512("")).slice(0, 16), "cf83e1357eefb8bd");
  assert.equal(hex(idos.keccak256("")), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  assert.throws(() => idos.contentHash(null), code("INVALID_INPUT"));
});

test("accessGrantId and uuidV5", () => {
  const id = idos.accessGrantId("0x8f4e5e1f6c1d5e3c2b4a69788f0e1d2c3b4a5968", "9d0ea6f2-3c1e-4b7a-8f2d-1e0c9b8a7d6f", 1700000000);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(idos.uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"),
    "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  assert.throws(() => idos.accessGrantId("g", "d", -1), code("INVALID_INPUT"));
  assert.throws(() => idos.accessGrantId("g", "d", 1.5), code("INVALID_INPUT"));
  assert.throws(() => idos.uuidV5("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "x"), code("INVALID_ENCODING"));
});

test("canonicalizeJson (RFC 8785)", () => {
  assert.equal(idos.canonicalizeJson('{"b":1,"a":[1e21,0.5,"é"]}'), '{"a":[1e+21,0.5,"é"],"b":1}');
  assert.equal(idos.canonicalizeJson({ z: null, a: true }), '{"a":true,"z":null}');
  assert.throws(() => idos.canonicalizeJson('{"a":1,"a":2}'), code("INVALID_JSON"));
  assert.throws(() => idos.canonicalizeJson("{"), code("INVALID_JSON"));
});

test("base64 and hex: one spelling out, every unambiguous spelling in; non-canonical bits refused", () => {
  const b = new Uint8Array([0, 1, 254, 255]);
  assert.equal(idos.toBase64(b), "AAH+/w==");
  assert.deepEqual(idos.fromBase64("AAH+/w=="), b);
  // URL-safe (libsodium.js's default), unpadded, or both.
  assert.deepEqual(idos.fromBase64("AAH-_w=="), b);
  assert.deepEqual(idos.fromBase64("AAH+/w"), b);
  assert.deepEqual(idos.fromBase64("AAH-_w"), b);
  assert.throws(() => idos.fromBase64("AAH+_w=="), code("INVALID_ENCODING"), "both alphabets in one text");
  assert.throws(() => idos.fromBase64("AAH+/x=="), code("INVALID_ENCODING"), "non-zero trailing bits");
  assert.throws(() => idos.fromBase64("AAH+/x"), code("INVALID_ENCODING"), "non-zero trailing bits, unpadded");
  assert.throws(() => idos.fromBase64("AAH+/"), code("INVALID_ENCODING"), "a length no base64 has");
  assert.throws(() => idos.fromBase64("AA=H+/w="), code("INVALID_ENCODING"), "padding inside");
  assert.equal(idos.toHex(b), "0001feff");
  assert.deepEqual(idos.fromHex("0001feff"), b);
  assert.deepEqual(idos.fromHex("0001FEFF"), b);
  assert.deepEqual(idos.fromHex("0x0001FeFf"), b);
  assert.deepEqual(idos.fromHex("0X0001feff"), b);
  assert.throws(() => idos.fromHex("abc"), code("INVALID_ENCODING"));
  assert.throws(() => idos.fromHex("0xabc"), code("INVALID_ENCODING"));
  assert.throws(() => idos.fromHex("0x0x00"), code("INVALID_ENCODING"));
  assert.throws(() => idos.fromHex("00 1"), code("INVALID_ENCODING"));
  assert.equal(idos.utf8Decode(idos.utf8Encode("ü€😀")), "ü€😀");
  assert.throws(() => utf8Decode(new Uint8Array([0xc3, 0x28])), code("INVALID_UTF8"));
  assert.throws(() => idos.toBase64("str"), code("INVALID_INPUT"));
});

test("Ed25519 key pairs: sign, verify, seed export, dispose", () => {
  const seed = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  const k = idos.ed25519KeyPairFromSeed(seed);
  assert.equal(hex(k.publicKey), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const sig = k.sign(new Uint8Array(0));
  assert.equal(hex(sig).slice(0, 16), "e5564300c360ac72");
  assert.equal(idos.ed25519Verify(new Uint8Array(0), sig, k.publicKey), true);
  assert.throws(() => idos.ed25519Verify("x", sig, k.publicKey), code("VERIFY_FAILED"));
  assert.throws(() => idos.ed25519Verify("x", sig.slice(1), k.publicKey), code("INVALID_SIGNATURE"));
  assert.throws(() => idos.ed25519Verify("x", sig, k.publicKey.slice(1)), code("INVALID_LENGTH"));
  assert.deepEqual(k.exportSeed(), seed);
  assert.throws(() => idos.ed25519KeyPairFromSeed(new Uint8Array(5)), code("INVALID_LENGTH"));
  k.dispose();
  assert.throws(() => k.sign("x"), code("INVALID_KEY"));
  assert.throws(() => k.exportSeed(), code("INVALID_KEY"));
});

test("Ed25519 wallet identifiers and wallet signatures verify", () => {
  const k = idos.generateEd25519KeyPair();
  for (const type of ["Stellar", "XRPL", "FaceSign"]) {
    const identifier = k.walletIdentifier(type);
    const signature = k.walletSign(type, "Sign in to idOS");
    const req = { type, identifier, message: "Sign in to idOS", signature };
    if (type === "XRPL") req.publicKey = k.xrplPublicKey;
    assert.equal(idos.verifyWalletSignature(req), true, type);
    assert.throws(() => idos.verifyWalletSignature({ ...req, message: "other" }), code("VERIFY_FAILED"), type);
  }
  const nonce = new Uint8Array(32).fill(7);
  const identifier = k.walletIdentifier("NEAR");
  const signature = k.walletSign("NEAR", "hi", { nonce, recipient: "idos.network" });
  assert.equal(idos.verifyWalletSignature({ type: "NEAR", identifier, message: "hi", signature,
    nonce: hex(nonce), recipient: "idos.network" }), true);
  assert.throws(() => idos.verifyWalletSignature({ type: "NEAR", identifier, message: "hi", signature,
    nonce: hex(nonce), recipient: "evil.network" }), code("VERIFY_FAILED"));
  assert.throws(() => k.walletSign("NEAR", "hi"), (e) => e instanceof IdosError);
  assert.throws(() => k.walletIdentifier("EVM"), (e) => e instanceof IdosError);
  k.dispose();
});

test("secp256k1 key pairs: EIP-191 personal_sign verifies as EVM", () => {
  const k = idos.secp256k1KeyPairFromSecret(unhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"));
  assert.equal(k.address, "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
  assert.equal(k.checksumAddress, "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
  assert.equal(k.publicKey.length, 65);
  const sig = k.personalSign("Some data");
  assert.equal(sig, "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");
  assert.equal(idos.verifyWalletSignature({ type: "EVM", identifier: k.checksumAddress, message: "Some data", signature: sig }), true);
  assert.throws(() => idos.verifyWalletSignature({ type: "EVM", identifier: k.address, message: "Other", signature: sig }),
    code("VERIFY_FAILED"));
  assert.equal(hex(idos.eip191Hash("Some data")), "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655");
  assert.equal(hex(k.exportSecretKey()), "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  assert.throws(() => idos.secp256k1KeyPairFromSecret(new Uint8Array(32)), code("INVALID_KEY"));
  k.dispose();
  assert.throws(() => k.personalSign("x"), code("INVALID_KEY"));
  const g = idos.generateSecp256k1KeyPair();
  assert.match(g.address, /^0x[0-9a-f]{40}$/);
  g.dispose();
});

test("canonicalWalletIdentifier and its errors", () => {
  assert.equal(idos.canonicalWalletIdentifier("EVM", "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"),
    "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
  assert.throws(() => idos.canonicalWalletIdentifier("EVM", "0x2c7536E3605D9C16a7a3D7b1898e529396a65C23"),
    code("CHECKSUM_MISMATCH"));
  assert.throws(() => idos.canonicalWalletIdentifier("Solana", "abc"), code("UNSUPPORTED"));
  assert.throws(() => idos.canonicalWalletIdentifier("EVM", 5), code("INVALID_INPUT"));
});

test("verifyWalletSignature rejects malformed requests", () => {
  assert.throws(() => idos.verifyWalletSignature(null), code("INVALID_INPUT"));
  assert.throws(() => idos.verifyWalletSignature({ type: "EVM", identifier: "0x00", message: "m" }), code("INVALID_INPUT"));
  assert.throws(() => idos.verifyWalletSignature({ type: "EVM", identifier: "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23",
    message: "m", signature: "0x1234" }), code("INVALID_SIGNATURE"));
});

test("symmetric keys: seal/open, wrap/unwrap keys, password derivation", () => {
  const salt = new Uint8Array(16).fill(1);
  const a = idos.symmetricKeyFromPassword("pw", salt, { kdf: "argon2id", opsLimit: 1, memLimit: 1 << 20 });
  const b = idos.symmetricKeyFromPassword("pw", salt, { kdf: "argon2id", opsLimit: 1, memLimit: 1 << 20 });
  const sealed = a.seal("data", "ad");
  assert.equal(utf8Decode(b.open(sealed, "ad")), "data");
  assert.throws(() => b.open(sealed, "other ad"), code("DECRYPT_FAILED"));
  const s = idos.symmetricKeyFromPassword("pw", salt, { kdf: "scrypt", N: 1024, r: 8, p: 1 });
  assert.throws(() => s.open(sealed, "ad"), code("DECRYPT_FAILED"));
  const dek = idos.generateSymmetricKey();
  const wrappedDek = a.wrapKey(dek, "slot");
  const dek2 = b.unwrapSymmetricKey(wrappedDek, "slot");
  assert.equal(utf8Decode(dek2.open(dek.seal("x"))), "x");
  const wrappedKp = dek.wrapKey(kp, "kp");
  const kp2 = dek2.unwrapEncryptionKeyPair(wrappedKp, "kp");
  assert.equal(hex(kp2.publicKey), KDF1_PUBLIC);
  assert.throws(() => idos.symmetricKeyFromPassword("pw", salt, { kdf: "pbkdf2" }), code("UNSUPPORTED"));
  // The bounds are the core's (KDF is generated from it): one past each is refused by the core.
  assert.throws(() => idos.symmetricKeyFromPassword("pw", salt, { opsLimit: KDF.argon2id.maxOpsLimit + 1, memLimit: 1 << 20 }),
    code("INVALID_INPUT"));
  assert.throws(() => idos.symmetricKeyFromPassword("pw", salt, { opsLimit: 1, memLimit: KDF.argon2id.minMemLimit - 1 }),
    code("INVALID_INPUT"));
  assert.throws(() => idos.symmetricKeyFromPassword("pw", salt, { kdf: "scrypt", N: KDF.scrypt.maxN * 2 }), code("INVALID_INPUT"));
  assert.throws(() => idos.symmetricKeyFromPassword("pw", salt, { kdf: "scrypt", r: KDF.scrypt.maxR + 1 }), code("INVALID_INPUT"));
  assert.throws(() => idos.symmetricKeyFromPassword("pw", salt, { kdf: "scrypt", r: 2 ** 32 + 8 }), code("INVALID_INPUT"),
    "a value past uint32 must not wrap to a valid r");
  assert.throws(() => idos.symmetricKeyFromPassword("pw", salt, { opsLimit: 1.5 }), code("INVALID_INPUT"));
  for (const k of [a, b, s, dek, dek2, kp2]) k.dispose();
  assert.throws(() => a.seal("x"), code("INVALID_KEY"));
});

// --- grants, requests, credentials, VCs, validate -----------------------------------------------

const owner = idos.secp256k1KeyPairFromSecret(unhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"));
const DATA_ID = "9d0ea6f2-3c1e-4b7a-8f2d-1e0c9b8a7d6f";
const HASH = idos.contentHash("the credential");
const NOW = 1_750_000_000;

test("makeAccessGrant fills in the idOS id", () => {
  const g = idos.makeAccessGrant({ owner: USER, grantee: owner.address, data_id: DATA_ID, locked_until: 0,
    content_hash: HASH, inserter_type: "test", inserter_id: "suite" });
  assert.equal(g.id, idos.accessGrantId(owner.address, DATA_ID, 0));
  assert.equal(idos.validate("access_grant", g, NOW), true);
  assert.throws(() => idos.validate("access_grant", { ...g, id: USER }, NOW), code("MISMATCH"));
  assert.throws(() => idos.makeAccessGrant({ owner: USER }), code("INVALID_INPUT"));
});

test("delegated access grant: message, wallet signature, validate, replay", () => {
  const fields = { owner_wallet_identifier: owner.address, grantee_wallet_identifier: owner.address,
    data_id: DATA_ID, locked_until: 1_800_000_000, content_hash: HASH };
  const message = idos.delegatedAccessGrantMessage(fields);
  assert.ok(message.startsWith("operation: insertAccessGrant\n"));  // idOS's DAG text (format idos-1)
  const doc = { owner_wallet_type: "EVM", ...fields, signature: owner.personalSign(message) };
  assert.equal(idos.validate("delegated_access_grant", doc, NOW), true);
  assert.throws(() => idos.validate("delegated_access_grant", doc, NOW, true), code("REPLAYED"));
  assert.throws(() => idos.validate("delegated_access_grant", { ...doc, locked_until: 1 }, NOW), code("VERIFY_FAILED"));
  assert.throws(() => idos.validate("delegated_access_grant", { ...doc, extra: 1 }, NOW), code("INVALID_INPUT"));
  assert.throws(() => idos.validate("nonsense", doc, NOW), code("UNSUPPORTED"));
  assert.throws(() => idos.validate("delegated_access_grant", "{", NOW), code("INVALID_JSON"));
  assert.throws(() => idos.validate("delegated_access_grant", doc, "now"), code("INVALID_INPUT"));
});

test("delegated write grant, read request and signed request messages", () => {
  const issuer = idos.generateEd25519KeyPair();
  const dwg = idos.delegatedWriteGrantMessage({ owner_wallet_identifier: owner.address,
    grantee_wallet_identifier: owner.address, issuer_public_key: hex(issuer.publicKey), id: DATA_ID,
    access_grant_timelock: "2026-01-01T00:00:00Z", not_usable_before: "2025-01-01T00:00:00Z",
    not_usable_after: "2026-01-01T00:00:00Z" });
  assert.ok(dwg.startsWith("operation: delegatedWriteGrant\n"));
  assert.throws(() => idos.delegatedWriteGrantMessage({ owner_wallet_identifier: owner.address,
    grantee_wallet_identifier: owner.address, issuer_public_key: hex(issuer.publicKey), id: DATA_ID,
    access_grant_timelock: "2026-01-01T00:00:00Z", not_usable_before: "2026-01-01T00:00:00Z",
    not_usable_after: "2025-01-01T00:00:00Z" }), code("INVALID_INPUT"));
  const rr = idos.readRequestMessage({ grantee_wallet_identifier: owner.address, data_id: DATA_ID,
    nonce: "ab".repeat(32), issued_at: "2025-06-15T12:00:00Z" });
  assert.ok(rr.startsWith("operation: readRequest\n"));
  const sr = idos.signedRequestMessage({ caller_wallet_identifier: owner.address, method: "GET", path: "/x",
    body_sha256: idos.contentHash(""), nonce: "cd".repeat(32), issued_at: "2025-06-15T12:00:00Z" });
  assert.ok(sr.startsWith("operation: signedRequest\n"));
  assert.throws(() => idos.readRequestMessage({ grantee_wallet_identifier: owner.address, data_id: DATA_ID,
    nonce: "xyz", issued_at: "2025-06-15T12:00:00Z" }), (e) => e instanceof IdosError);
  issuer.dispose();
});

test("credentials: build, verify, tamper, shared copy, validate", () => {
  const issuer = idos.generateEd25519KeyPair();
  const cred = idos.buildCredential({ id: DATA_ID, userId: USER, publicNotes: '{"type":"KYC"}',
    plaintext: "the credential", recipientPublicKey: kp.publicKey, issuer });
  assert.equal(cred.issuer_auth_public_key, hex(issuer.publicKey));
  assert.equal(idos.verifyCredential(cred), true);
  assert.equal(idos.validate("credential", cred, NOW), true);
  assert.equal(idos.decryptText(cred.content, cred.encryptor_public_key, kp), "the credential");
  assert.throws(() => idos.verifyCredential({ ...cred, public_notes: "{}" }), code("VERIFY_FAILED"));
  const copy = idos.makeSharedCopy({ copyId: USER, userId: USER, plaintext: "the credential",
    granteePublicKey: kp.publicKey });
  assert.equal(copy.content_hash, HASH);
  assert.equal(copy.credential.public_notes, "");
  assert.equal(idos.verifyCredential(copy.credential), true);
  assert.throws(() => idos.buildCredential({ id: DATA_ID, userId: USER, plaintext: "x",
    recipientPublicKey: kp.publicKey, issuer: {} }), code("INVALID_INPUT"));
  issuer.dispose();
});

test("verifiable credentials: sign, verifyCredentialProof true / VERIFY_FAILED / other errors", () => {
  const issuer = idos.generateEd25519KeyPair();
  const did = idos.didKey(issuer);
  assert.match(did, /^did:key:z6Mk/);
  const vc = { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiableCredential"],
    issuer: did, validFrom: "2024-01-01T00:00:00Z", credentialSubject: { id: "did:example:alice", level: "basic" } };
  const signed = idos.signVerifiableCredential(vc, issuer, { created: "2024-01-01T00:00:00Z" });
  assert.equal(signed.proof.cryptosuite, "eddsa-jcs-2022");
  assert.equal(idos.verifyCredentialProof(signed, NOW), true);
  assert.equal(idos.verifyCredentialProof(JSON.stringify(signed), NOW), true);
  assert.equal(idos.validate("verifiable_credential", signed, NOW), true);
  const tampered = structuredClone(signed);
  tampered.credentialSubject.level = "full";
  assert.throws(() => idos.verifyCredentialProof(tampered, NOW), code("VERIFY_FAILED"));
  assert.throws(() => idos.verifyCredentialProof({ ...signed, proof: undefined }, NOW), code("INVALID_INPUT"));
  assert.throws(() => idos.verifyCredentialProof("{", NOW), code("INVALID_JSON"));
  issuer.dispose();
});

test("issuer status: signCredentialStatus, verifyCredentialStatus, the node's ordering rule", () => {
  const issuer = idos.generateEd25519KeyPair();
  const other = idos.generateEd25519KeyPair();
  const vcId = "urn:uuid:6a3c1e1f-7a44-4bb4-9a70-0f1a2d3c4b5e";
  const doc = idos.signCredentialStatus({ vcId, status: "revoked", reason: "withdrawn", sequence: 3, issuedAt: 1767225600 }, issuer);
  assert.equal(doc.issuer_auth_public_key, hex(issuer.publicKey));
  assert.equal(doc.reason, "withdrawn");
  assert.deepEqual(idos.verifyCredentialStatus(doc, { issuer: hex(issuer.publicKey), vcId }),
    { status: "revoked", reason: "withdrawn", sequence: 3, issuedAt: 1767225600, issuer: hex(issuer.publicKey), vcId });
  // The signed text is the core's: the module's signedMessage, the signature over it by the issuer.
  const message = idos.signedMessage("credential_status", doc);
  assert.ok(message.startsWith("idos-credential-status/v1\n"));
  assert.equal(idos.ed25519Verify(message, idos.fromBase64(doc.signature), issuer.publicKey), true);
  // No reason: the member is left out.
  assert.ok(!("reason" in idos.signCredentialStatus({ vcId, status: "active", sequence: 1 }, issuer)));
  assert.throws(() => idos.verifyCredentialStatus({ ...doc, status: "active" }), code("VERIFY_FAILED"));
  assert.throws(() => idos.verifyCredentialStatus(doc, { issuer: hex(other.publicKey) }), code("MISMATCH"));
  assert.throws(() => idos.verifyCredentialStatus(doc, { vcId: "urn:x:other" }), code("MISMATCH"));
  assert.throws(() => idos.signCredentialStatus({ vcId, status: "paused", sequence: 1 }, issuer), code("INVALID_INPUT"));
  assert.throws(() => idos.signCredentialStatus({ vcId, status: "active", sequence: 1 }, "key"), code("INVALID_INPUT"));
  // The node's decision: fresh at log time, sequence above the recorded one.
  assert.equal(idos.validate("set_credential_status", { status: doc, current_sequence: 2 }, 1767225600), true);
  assert.throws(() => idos.validate("set_credential_status", { status: doc, current_sequence: 3 }, 1767225600), code("REPLAYED"));
  assert.throws(() => idos.validate("set_credential_status", { status: doc, current_sequence: 0 }, 1767225600 + 301), code("EXPIRED"));
  issuer.dispose();
  other.dispose();
});
