// The worker behind idos.deriveEncryptionKeyPairAsync: scrypt (75-155 ms) off the caller's
// thread. Runs as a module Web Worker in browsers and as a worker_threads worker in Node, with its
// own instance of the module. It derives the key pair, hands the 32-byte secret key back as a
// transferred buffer (no copy left here: the transfer detaches it) and disposes its key object
// (which wipes it in this worker's WASM memory). One request per worker.
import { IdosError, load } from "./index.js";

async function derive({ password, userId, salt }) {
  const idos = await load();
  const pair = idos.deriveEncryptionKeyPair(password, userId, salt === undefined ? {} : { salt });
  try {
    return pair.exportSecretKey();
  } finally {
    pair.dispose();
  }
}

function failure(e) {
  return { ok: false, code: e instanceof IdosError ? e.code : "INTERNAL", message: String(e?.message ?? e) };
}

const isNode = typeof process === "object" && typeof process.versions?.node === "string" && typeof self === "undefined";
if (isNode) {
  // No top-level await: bundlers emit workers as classic scripts by default (Vite: iife).
  const name = "node:worker_threads";
  import(/* @vite-ignore */ /* webpackIgnore: true */ name).then(({ parentPort }) => {
    parentPort.once("message", async (request) => {
      try {
        const secret = await derive(request);
        parentPort.postMessage({ ok: true, secret }, [secret.buffer]);
      } catch (e) {
        parentPort.postMessage(failure(e));
      }
    });
  });
} else {
  self.onmessage = async (event) => {
    try {
      const secret = await derive(event.data);
      self.postMessage({ ok: true, secret }, [secret.buffer]);
    } catch (e) {
      self.postMessage(failure(e));
    }
  };
}
