// The local vault (idos-core/vault) in Node: in-memory SQLite WASM, same API as in browsers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openVault, WALLET_SLOT_MESSAGE } from "../dist/vault.js";
import { code, hex, load } from "./helpers.js";

const idos = await load();
const USER = "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12";
const FAST = { kdf: "argon2id", opsLimit: 1, memLimit: 1 << 20 };

test("vault: create, lock, unlock with password, wrong password", async () => {
  const vault = await openVault({ storage: "memory" });
  assert.equal(vault.backend, "memory");
  assert.equal(vault.initialized, false);
  const kp = idos.deriveEncryptionKeyPair("pw", USER);
  await vault.create({ keyPair: kp, password: "vault password", userId: USER, kdf: FAST });
  assert.equal(vault.initialized, true);
  assert.equal(vault.unlocked, true);
  assert.equal(hex(vault.publicKey), hex(kp.publicKey));
  assert.equal(vault.userId, USER);
  vault.lock();
  assert.throws(() => vault.getCredential("x"), code("LOCKED"));
  assert.throws(() => vault.unlockWithPassword("wrong"), code("DECRYPT_FAILED"));
  const back = vault.unlockWithPassword("vault password");
  assert.equal(hex(back.exportSecretKey()), hex(kp.exportSecretKey()));
  await assert.rejects(vault.create({ keyPair: kp, password: "x", kdf: FAST }), code("FORBIDDEN"));
  back.dispose();
  kp.dispose();
  await vault.close();
});

test("vault: the secret key is stored only wrapped", async () => {
  const vault = await openVault({ storage: "memory" });
  const kp = idos.generateEncryptionKeyPair();
  const secret = hex(kp.exportSecretKey());
  await vault.create({ keyPair: kp, password: "pw", kdf: FAST });
  const db = hex(vault.exportDatabase());
  assert.ok(!db.includes(secret), "plain secret key found in the database");
  assert.ok(db.includes(hex(kp.publicKey)));
  kp.dispose();
  await vault.close();
});

test("vault: wallet slot from a signature over the fixed message", async () => {
  const vault = await openVault({ storage: "memory" });
  const kp = idos.generateEncryptionKeyPair();
  await vault.create({ keyPair: kp, password: "pw", kdf: FAST });
  const wallet = idos.generateSecp256k1KeyPair();
  const signature = wallet.personalSign(WALLET_SLOT_MESSAGE);
  const slotId = await vault.addWalletSlot(signature, { label: wallet.address, kdf: FAST });
  assert.deepEqual(vault.listSlots().map((s) => s.kind), ["password", "wallet"]);
  vault.lock();
  const other = idos.generateSecp256k1KeyPair();
  assert.throws(() => vault.unlockWithWalletSignature(other.personalSign(WALLET_SLOT_MESSAGE)), code("DECRYPT_FAILED"));
  const back = vault.unlockWithWalletSignature(wallet.personalSign(WALLET_SLOT_MESSAGE));
  assert.equal(hex(back.publicKey), hex(kp.publicKey));
  await vault.removeSlot(slotId);
  const [only] = vault.listSlots();
  await assert.rejects(vault.removeSlot(only.id), code("FORBIDDEN"));
  vault.lock();
  assert.throws(() => vault.unlockWithWalletSignature(signature), code("DECRYPT_FAILED"));
  for (const k of [kp, wallet, other, back]) k.dispose();
  await vault.close();
});

test("vault: offline cache of credentials and grants", async () => {
  const vault = await openVault({ storage: "memory" });
  const kp = idos.generateEncryptionKeyPair();
  await vault.create({ keyPair: kp, password: "pw", kdf: FAST });
  const issuer = idos.generateEd25519KeyPair();
  const cred = idos.buildCredential({ id: USER, userId: USER, plaintext: "kyc", recipientPublicKey: kp.publicKey, issuer });
  await vault.putCredential(cred);
  const grant = idos.makeAccessGrant({ owner: USER, grantee: "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23",
    data_id: USER, locked_until: 0, content_hash: idos.contentHash("kyc"), inserter_type: "user", inserter_id: USER });
  await vault.putGrant(grant);
  assert.deepEqual(vault.getCredential(USER), cred);
  assert.deepEqual(vault.listGrants(), [grant]);
  assert.equal(vault.getGrant("nope"), undefined);
  assert.equal(idos.decryptText(vault.getCredential(USER).content, cred.encryptor_public_key, kp), "kyc");
  await vault.deleteCredential(USER);
  assert.deepEqual(vault.listCredentials(), []);
  await assert.rejects(vault.putGrant({ no: "id" }), code("INVALID_INPUT"));
  kp.dispose();
  issuer.dispose();
  await vault.close();
});

test("vault: opfs storage is refused where there is no OPFS", async () => {
  await assert.rejects(openVault({ storage: "opfs" }), code("UNSUPPORTED"));
  await assert.rejects(openVault({ name: "../x" }), code("INVALID_INPUT"));
});

test("vault: changeKey holds the new key and not the old; old slots no longer open it", async () => {
  const vault = await openVault({ storage: "memory" });
  const oldKp = idos.generateEncryptionKeyPair();
  const newKp = idos.generateEncryptionKeyPair();
  await vault.create({ keyPair: oldKp, password: "old password", userId: USER, kdf: FAST });
  await vault.addWalletSlot("0xwallet-signature", { kdf: FAST });
  await vault.putCredential({ id: "c1", content: "old ciphertext" });
  await vault.putGrant({ id: "g1", data_id: "c2" });
  await assert.rejects(vault.changeKey({ keyPair: newKp, password: "" }), code("INVALID_INPUT"));
  await vault.changeKey({ keyPair: newKp, password: "new password", kdf: FAST, credentials: [{ id: "c1", content: "new ciphertext" }] });
  assert.equal(hex(vault.publicKey), hex(newKp.publicKey));
  assert.deepEqual(vault.listSlots().map((s) => s.kind), ["password"]);
  assert.deepEqual(vault.getCredential("c1"), { id: "c1", content: "new ciphertext" });
  assert.deepEqual(vault.getGrant("g1"), { id: "g1", data_id: "c2" });
  vault.lock();
  assert.throws(() => vault.unlockWithPassword("old password"), code("DECRYPT_FAILED"));
  assert.throws(() => vault.unlockWithWalletSignature("0xwallet-signature"), code("DECRYPT_FAILED"));
  const back = vault.unlockWithPassword("new password");
  assert.equal(hex(back.exportSecretKey()), hex(newKp.exportSecretKey()));
  // Neither the old secret key nor the old public key is in the database any more.
  const db = hex(vault.exportDatabase());
  assert.ok(!db.includes(hex(oldKp.publicKey)), "the old public key is still in the database");
  assert.ok(!db.includes(hex(oldKp.exportSecretKey())));
  for (const k of [back, oldKp, newKp]) k.dispose();
  await vault.close();
});
