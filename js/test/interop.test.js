// Interop with the libraries dApps already use: tweetnacl (box), ethers (EIP-191), uuid (v5),
// @noble/hashes (scrypt).
import assert from "node:assert/strict";
import { test } from "node:test";
import nacl from "tweetnacl";
import { Wallet, verifyMessage, hashMessage } from "ethers";
import { v5 as uuidv5 } from "uuid";
import { scrypt } from "@noble/hashes/scrypt.js";
import { code, hex, load, unhex, utf8Decode } from "./helpers.js";

const idos = await load();

test("tweetnacl opens what encrypt makes", () => {
  const recipient = nacl.box.keyPair();
  for (const text of ["", "hello", "x".repeat(5000)]) {
    const m = idos.encrypt(text, recipient.publicKey);
    const raw = idos.fromBase64(m.content);
    const opened = nacl.box.open(raw.subarray(24), raw.subarray(0, 24), idos.fromBase64(m.encryptorPublicKey),
      recipient.secretKey);
    assert.ok(opened, "tweetnacl could not open");
    assert.equal(utf8Decode(opened), text);
  }
});

test("decrypt opens what tweetnacl makes (idOS wire format)", () => {
  const kp = idos.generateEncryptionKeyPair();
  const eph = nacl.box.keyPair();
  const nonce = nacl.randomBytes(24);
  const msg = new TextEncoder().encode("from tweetnacl ✓");
  const box = nacl.box(msg, nonce, kp.publicKey, eph.secretKey);
  const content = Buffer.from([...nonce, ...box]).toString("base64");
  assert.deepEqual(idos.decrypt(content, Buffer.from(eph.publicKey).toString("base64"), kp), msg);
  assert.deepEqual(idos.decrypt(content, eph.publicKey, kp), msg);
  kp.dispose();
});

test("encryptionKeyPairFromSecret equals nacl.box.keyPair.fromSecretKey", () => {
  const sk = nacl.randomBytes(32);
  const k = idos.encryptionKeyPairFromSecret(sk);
  assert.equal(hex(k.publicKey), hex(nacl.box.keyPair.fromSecretKey(sk).publicKey));
  k.dispose();
});

test("Ed25519 signatures agree with tweetnacl", () => {
  const seed = nacl.randomBytes(32);
  const ours = idos.ed25519KeyPairFromSeed(seed);
  const theirs = nacl.sign.keyPair.fromSeed(seed);
  const msg = new TextEncoder().encode("message");
  assert.equal(hex(ours.sign(msg)), hex(nacl.sign.detached(msg, theirs.secretKey)));
  assert.equal(idos.ed25519Verify(msg, nacl.sign.detached(msg, theirs.secretKey), theirs.publicKey), true);
  ours.dispose();
});

test("signatures from ethers verify; ours verify in ethers and are identical (RFC 6979)", async () => {
  const wallet = Wallet.createRandom();
  const ours = idos.secp256k1KeyPairFromSecret(unhex(wallet.privateKey.slice(2)));
  assert.equal(ours.checksumAddress, wallet.address);
  for (const message of ["", "Sign in to idOS", "ünïcödé 🔐", "x".repeat(1000)]) {
    const sig = await wallet.signMessage(message);
    assert.equal(idos.verifyWalletSignature({ type: "EVM", identifier: wallet.address, message, signature: sig }), true);
    const mine = ours.personalSign(message);
    assert.equal(verifyMessage(message, mine), wallet.address);
    assert.equal(mine, sig);
    assert.equal("0x" + hex(idos.eip191Hash(message)), hashMessage(message));
  }
  const other = Wallet.createRandom();
  const sig = await other.signMessage("m");
  assert.throws(() => idos.verifyWalletSignature({ type: "EVM", identifier: wallet.address, message: "m", signature: sig }),
    code("VERIFY_FAILED"));
  ours.dispose();
});

test("accessGrantId equals an independent UUIDv5 (uuid package)", () => {
  const ns = "31276fd4-105f-4ff7-9f64-644942c14b79";
  const cases = [
    ["0x2c7536e3605d9c16a7a3d7b1898e529396a65c23", "9d0ea6f2-3c1e-4b7a-8f2d-1e0c9b8a7d6f", 0],
    ["ed25519:8fTEc8F3ux3gMeHZWnP48Fruk52ovQFtPFi58zRzEpYP", "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12", 1700000000],
    ["GBRPYHIL2CI3FNQ4BXLFMNDLFJUNPU2HY3ZMFSHONUCEOASW7QC7OX2H", "0e4d2c1b-9a8f-4e7d-b6c5-4a3b2c1d0e9f", 253402300799],
  ];
  for (const [grantee, dataId, lockedUntil] of cases) {
    assert.equal(idos.accessGrantId(grantee, dataId, lockedUntil), uuidv5(`${grantee}-${dataId}-${lockedUntil}`, ns));
  }
  assert.equal(idos.uuidV5(ns, "hello"), uuidv5("hello", ns));
});

test("deriveEncryptionKeyPair equals @noble/hashes scrypt + tweetnacl", () => {
  const password = "pässwörd";
  const userId = "a7c3e9d1-2b4f-4e6a-8d0c-1f2e3d4c5b6a";
  const sk = scrypt(new TextEncoder().encode(password.normalize("NFKC")), new TextEncoder().encode(userId),
    { N: 16384, r: 8, p: 1, dkLen: 32 });
  const k = idos.deriveEncryptionKeyPair(password, userId);
  assert.equal(hex(k.exportSecretKey()), hex(sk));
  assert.equal(hex(k.publicKey), hex(nacl.box.keyPair.fromSecretKey(sk).publicKey));
  k.dispose();
});
