// A dApp page as a bundler sees it: `import ... from "idos-core"`, bundled by Vite.
import { load, IdosError } from "idos-core";

async function main() {
  const results = {};
  try {
    const idos = await load();
    const kp = idos.deriveEncryptionKeyPair("correct horse battery staple", "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12");
    results.publicKey = idos.toHex(kp.publicKey);
    const m = idos.encrypt("bundled ✓", kp.publicKey);
    results.text = idos.decryptText(m.content, m.encryptorPublicKey, kp);
    const signer = idos.generateSecp256k1KeyPair();
    results.verified = idos.verifyWalletSignature({ type: "EVM", identifier: signer.address, message: "hi",
      signature: signer.personalSign("hi") });
    const fromWorker = await idos.deriveEncryptionKeyPairAsync("correct horse battery staple", "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12");
    results.asyncPublicKey = idos.toHex(fromWorker.publicKey);
    fromWorker.dispose();
    kp.dispose();
    signer.dispose();
    try {
      kp.exportSecretKey();
    } catch (e) {
      results.disposed = e instanceof IdosError ? e.code : String(e);
    }
  } catch (e) {
    results.error = `${e?.name}: ${e?.code ?? ""} ${e?.message ?? e}`;
  }
  window.__results = results;
  document.getElementById("out").textContent = JSON.stringify(results, null, 2);
}
main();
