// Runs in Chromium: derive -> encrypt -> decrypt -> verify through the package, as a dApp would.
import { load, IdosError } from "idos-core";

const results = {};
async function step(name, fn) {
  try {
    results[name] = { ok: true, value: await fn() };
  } catch (e) {
    results[name] = { ok: false, error: `${e?.name}: ${e?.code ?? ""} ${e?.message ?? e}` };
  }
}

const params = await (await fetch("/params.json")).json();
const idos = await load();
await step("version", () => idos.version);
await step("derive", () => {
  const kp = idos.deriveEncryptionKeyPair(params.password, params.userId);
  const pk = idos.toHex(kp.publicKey);
  kp.dispose();
  return pk;
});
await step("encryptDecrypt", () => {
  const kp = idos.deriveEncryptionKeyPair(params.password, params.userId);
  const m = idos.encrypt("browser secret ✓", kp.publicKey);
  const text = idos.decryptText(m.content, m.encryptorPublicKey, kp);
  kp.dispose();
  return text;
});
await step("tampered", () => {
  const kp = idos.generateEncryptionKeyPair();
  const m = idos.encrypt("x", kp.publicKey);
  try {
    idos.decrypt(m.content.slice(0, -4) + "AAAA", m.encryptorPublicKey, kp);
    return "no error";
  } catch (e) {
    return e instanceof IdosError ? e.code : String(e);
  }
});
await step("disposed", () => {
  const kp = idos.generateEncryptionKeyPair();
  kp.dispose();
  try {
    kp.exportSecretKey();
    return "no error";
  } catch (e) {
    return e instanceof IdosError ? e.code : String(e);
  }
});
await step("verifyVector", () => idos.verifyWalletSignature(params.walletCase));
await step("signVerify", () => {
  const k = idos.generateSecp256k1KeyPair();
  const sig = k.personalSign("Sign in to idOS");
  const ok = idos.verifyWalletSignature({ type: "EVM", identifier: k.address, message: "Sign in to idOS", signature: sig });
  k.dispose();
  return ok;
});
await step("crossOriginIsolatedOrNot", () => typeof crypto.getRandomValues);
window.__results = results;
document.getElementById("out").textContent = JSON.stringify(results, null, 2);
