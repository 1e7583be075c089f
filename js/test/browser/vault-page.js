// Runs in Chromium: the vault on OPFS survives closing and reopening.
import { load } from "idos-core";
import { deleteVault, openVault } from "idos-core/vault";

const results = {};
try {
  const idos = await load();
  const FAST = { kdf: "argon2id", opsLimit: 1, memLimit: 1 << 20 };
  await deleteVault("browser-test");
  const kp = idos.generateEncryptionKeyPair();
  const pk = idos.toHex(kp.publicKey);
  let vault = await openVault({ name: "browser-test" });
  results.backend = vault.backend;
  await vault.create({ keyPair: kp, password: "pw", kdf: FAST });
  const m = idos.encrypt("cached", kp.publicKey);
  await vault.putCredential({ id: "c1", ...m });
  await vault.close();
  kp.dispose();
  vault = await openVault({ name: "browser-test" });
  results.initializedAfterReopen = vault.initialized;
  const back = vault.unlockWithPassword("pw");
  results.samePublicKey = idos.toHex(back.publicKey) === pk;
  const c = vault.getCredential("c1");
  results.cached = idos.decryptText(c.content, c.encryptorPublicKey, back);
  back.dispose();
  await vault.close();
  await deleteVault("browser-test");
} catch (e) {
  results.error = `${e?.name}: ${e?.code ?? ""} ${e?.message ?? e}`;
}
window.__results = results;
document.getElementById("out").textContent = JSON.stringify(results, null, 2);
