// idos-core: the JS face of the C++ core compiled to WebAssembly (see docs/js.md).
//
// The module (idos_core.mjs + idos_core.wasm) is exception-free: every binding returns
// {ok: true, value} or {ok: false, code, message}. This layer checks argument types, turns
// failures into IdosError (code = a docs/errors.md name), and wraps the key objects that hold
// secrets inside WASM memory. It decides nothing: every limit, default and list is the core's
// (./constants.js is generated from the module at build time, js/scripts/build.mjs), and every
// verify* call returns true or throws (VERIFY_FAILED when a well-formed signature does not verify).
import { KDF } from "./constants.js";
import createIdosCoreModule from "./idos_core.mjs";

export { DOCUMENT_KINDS, ERROR_CODES, WALLET_TYPES } from "./constants.js";

// Found by bundlers (Vite, webpack, Rollup) through the `new URL(..., import.meta.url)` pattern.
const WASM_URL = new URL("./idos_core.wasm", import.meta.url);

/** Every failure of the package: `code` is one of the stable names of docs/errors.md. */
export class IdosError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "IdosError";
    this.code = code;
  }
}

// --- argument checks (before anything reaches the module, which must not see a wrong type) ---

function invalid(message) {
  return new IdosError("INVALID_INPUT", message);
}
function isBytes(x) {
  return x instanceof Uint8Array || (ArrayBuffer.isView(x) && x.constructor?.name === "Uint8Array");
}
function bytesArg(x, name) {
  if (!isBytes(x)) throw invalid(`${name} must be a Uint8Array`);
  return x;
}
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function stringArg(x, name) {
  if (typeof x !== "string") throw invalid(`${name} must be a string`);
  return x;
}
function optionalStringArg(x, name) {
  if (x === undefined || x === null) return undefined;
  return stringArg(x, name);
}
// Text or bytes: text is taken as its UTF-8 bytes.
function dataArg(x, name) {
  if (typeof x === "string") return encoder.encode(x);
  if (isBytes(x)) return x;
  throw invalid(`${name} must be a Uint8Array or a string`);
}
// A type check only (what the module can take as a whole number); ranges are the core's call.
function integerArg(x, name) {
  if (typeof x !== "number" || !Number.isSafeInteger(x) || x < 0) {
    throw invalid(`${name} must be a non-negative safe integer`);
  }
  return x;
}
function objectArg(x, name) {
  if (x === null || typeof x !== "object" || Array.isArray(x)) throw invalid(`${name} must be an object`);
  return x;
}
// Copies the named members, each checked to be a string (or an integer for `ints`).
function fieldsArg(obj, name, strings, ints = []) {
  objectArg(obj, name);
  const out = {};
  for (const key of strings) out[key] = stringArg(obj[key], `${name}.${key}`);
  for (const key of ints) out[key] = integerArg(obj[key], `${name}.${key}`);
  return out;
}
// The optional `format` member of DAG/DWG fields ("idos-1" default, "idos-core-1").
function withFormat(fields, out) {
  const format = optionalStringArg(fields.format, "fields.format");
  if (format !== undefined) out.format = format;
  return out;
}
function jsonTextArg(x, name) {
  if (typeof x === "string") return x;
  if (x !== null && typeof x === "object") return JSON.stringify(x);
  throw invalid(`${name} must be JSON text or an object`);
}

// The spelling the core's strict decoders take, from the other unambiguous ones: URL-safe
// characters mapped to the standard ones, the padding restored. Text mixing both alphabets, or
// of a length no base64 has, is left for the core to refuse.
function standardBase64(text) {
  const urlSafe = /[-_]/.test(text);
  if (urlSafe && /[+/]/.test(text)) throw new IdosError("INVALID_ENCODING", "base64 mixes the standard and URL-safe alphabets");
  let t = urlSafe ? text.replace(/-/g, "+").replace(/_/g, "/") : text;
  if (!t.includes("=") && t.length % 4 !== 1) t += "=".repeat((4 - (t.length % 4)) % 4);
  return t;
}
// "0x" / "0X" dropped and letters lowercased; anything else is the core's to refuse.
function plainLowerHex(text) {
  const t = /^0[xX]/.test(text) ? text.slice(2) : text;
  return t.toLowerCase();
}

function unwrap(result) {
  if (result.ok) return result.value;
  throw new IdosError(result.code, result.message);
}

// --- UTF-8 helpers that need no module ---

/** UTF-8 bytes of a string. */
export function utf8Encode(text) {
  return encoder.encode(stringArg(text, "text"));
}
/** The string of well-formed UTF-8 bytes (INVALID_UTF8 otherwise). */
export function utf8Decode(bytes) {
  try {
    return strictDecoder.decode(bytesArg(bytes, "bytes"));
  } catch (e) {
    if (e instanceof IdosError) throw e;
    throw new IdosError("INVALID_UTF8", "bytes are not well-formed UTF-8");
  }
}

// --- key objects: secrets live in WASM memory, owned by the C++ object behind `handle` ---

// Safety net for key objects the caller forgot to dispose: frees (and so wipes) the C++ object.
const finalizer = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry((handle) => {
    try {
      if (!handle.isDeleted()) handle.delete();
    } catch {
      // already gone
    }
  })
  : null;

const HANDLE = Symbol("idos-core.handle");

class HeldKey {
  #handle;
  #kind;
  constructor(handle, kind) {
    this.#handle = handle;
    this.#kind = kind;
    finalizer?.register(this, handle, this);
  }
  /** The C++ object, or INVALID_KEY once disposed. */
  [HANDLE]() {
    if (this.#handle === null) throw new IdosError("INVALID_KEY", `this ${this.#kind} was disposed`);
    return this.#handle;
  }
  /** True once dispose() ran. */
  get disposed() {
    return this.#handle === null;
  }
  /** Wipes and frees the secret in WASM memory; later use throws INVALID_KEY. Idempotent. */
  dispose() {
    if (this.#handle === null) return;
    finalizer?.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }
  [Symbol.dispose ?? Symbol.for("Symbol.dispose")]() {
    this.dispose();
  }
}

/** An X25519 key pair (the idOS encryption key). */
export class EncryptionKeyPair extends HeldKey {
  #publicKey;
  constructor(handle) {
    super(handle, "encryption key pair");
    this.#publicKey = handle.publicKey();
  }
  /** 32 bytes (a copy). */
  get publicKey() {
    return this.#publicKey.slice();
  }
  /** The 32-byte secret key: the only way it leaves the module. */
  exportSecretKey() {
    return this[HANDLE]().exportSecretKey();
  }
}

/** An Ed25519 key pair held by the module (issuers, NEAR / Stellar / XRPL / FaceSign wallets). */
export class Ed25519KeyPair extends HeldKey {
  #publicKey;
  constructor(handle) {
    super(handle, "Ed25519 key pair");
    this.#publicKey = handle.publicKey();
  }
  get publicKey() {
    return this.#publicKey.slice();
  }
  /** Detached 64-byte signature of the message bytes (text is signed as UTF-8). */
  sign(message) {
    return unwrap(this[HANDLE]().sign(dataArg(message, "message")));
  }
  /** The 32-byte seed: the only way the secret leaves the module. */
  exportSeed() {
    return unwrap(this[HANDLE]().exportSeed());
  }
  /** The canonical wallet identifier of this key for NEAR, Stellar, XRPL or FaceSign. */
  walletIdentifier(type) {
    const h = this[HANDLE]();
    if (typeof h.walletIdentifier !== "function") throw new IdosError("UNSUPPORTED", "wallets are not built in");
    return unwrap(h.walletIdentifier(stringArg(type, "type")));
  }
  /** "ED" + 64 uppercase hex: the XRPL spelling of the public key. */
  get xrplPublicKey() {
    return this[HANDLE]().xrplPublicKey();
  }
  /**
   * Signs a message as `type`'s wallets do: NEAR (NEP-413; options.nonce: 32 bytes,
   * options.recipient, options.callbackUrl) gives base64, the others 128 lowercase hex.
   */
  walletSign(type, message, options = {}) {
    objectArg(options, "options");
    const opts = {};
    if (options.nonce !== undefined && options.nonce !== null) opts.nonce = bytesArg(options.nonce, "options.nonce");
    if (options.recipient !== undefined && options.recipient !== null) {
      opts.recipient = stringArg(options.recipient, "options.recipient");
    }
    if (options.callbackUrl !== undefined && options.callbackUrl !== null) {
      opts.callbackUrl = stringArg(options.callbackUrl, "options.callbackUrl");
    }
    return unwrap(this[HANDLE]().walletSign(stringArg(type, "type"), stringArg(message, "message"), opts));
  }
}

/** A secp256k1 key pair held by the module (EVM signing). */
export class Secp256k1KeyPair extends HeldKey {
  #publicKey;
  #address;
  constructor(handle) {
    super(handle, "secp256k1 key pair");
    this.#publicKey = handle.publicKey();
    this.#address = handle.address();
  }
  /** 65 bytes, uncompressed (0x04 || x || y). */
  get publicKey() {
    return this.#publicKey.slice();
  }
  /** Canonical "0x" + 40 lowercase hex. */
  get address() {
    return this.#address;
  }
  /** EIP-55 mixed-case spelling. */
  get checksumAddress() {
    return this[HANDLE]().checksumAddress();
  }
  /** EIP-191 personal_sign: "0x" + 130 hex, v in {27, 28}. */
  personalSign(message) {
    return unwrap(this[HANDLE]().personalSign(dataArg(message, "message")));
  }
  exportSecretKey() {
    return this[HANDLE]().exportSecretKey();
  }
}

/** A 32-byte XChaCha20-Poly1305 key held by the module (vault wrapping and data keys). */
export class SymmetricKey extends HeldKey {
  constructor(handle) {
    super(handle, "symmetric key");
  }
  /** nonce(24) || ciphertext || tag(16), random nonce; `associatedData` is authenticated too. */
  seal(plaintext, associatedData = new Uint8Array(0)) {
    return unwrap(this[HANDLE]().seal(dataArg(plaintext, "plaintext"), dataArg(associatedData, "associatedData")));
  }
  open(sealed, associatedData = new Uint8Array(0)) {
    return unwrap(this[HANDLE]().open(bytesArg(sealed, "sealed"), dataArg(associatedData, "associatedData")));
  }
  /** Seals another key's bytes without them reaching JS. */
  wrapKey(key, associatedData = new Uint8Array(0)) {
    const ad = dataArg(associatedData, "associatedData");
    if (key instanceof SymmetricKey) return unwrap(this[HANDLE]().wrapAeadKey(key[HANDLE](), ad));
    if (key instanceof EncryptionKeyPair) return unwrap(this[HANDLE]().wrapEncryptionKey(key[HANDLE](), ad));
    throw invalid("key must be a SymmetricKey or an EncryptionKeyPair");
  }
  unwrapSymmetricKey(sealed, associatedData = new Uint8Array(0)) {
    return new SymmetricKey(unwrap(this[HANDLE]().unwrapAeadKey(bytesArg(sealed, "sealed"),
      dataArg(associatedData, "associatedData"))));
  }
  unwrapEncryptionKeyPair(sealed, associatedData = new Uint8Array(0)) {
    return new EncryptionKeyPair(unwrap(this[HANDLE]().unwrapEncryptionKey(bytesArg(sealed, "sealed"),
      dataArg(associatedData, "associatedData"))));
  }
}

// Password bytes go straight into a Secret inside the module; the JS copy is zeroed after.
function withPasswordBytes(password, fn) {
  const bytes = encoder.encode(stringArg(password, "password").normalize("NFKC"));
  try {
    return fn(bytes);
  } finally {
    bytes.fill(0);
  }
}
function withSecretCopy(secret, name, fn) {
  return fn(bytesArg(secret, name));
}

function isNode() {
  return typeof process === "object" && process !== null && typeof process.versions?.node === "string";
}

async function instantiate(options) {
  const moduleArg = {
    print: () => {},
    printErr: (text) => console.warn(`[idos-core] ${text}`),
  };
  let failLoad;
  const failed = new Promise((_, reject) => {
    failLoad = reject;
  });
  const url = options.wasmUrl ?? WASM_URL;
  if (options.wasmBinary) {
    moduleArg.wasmBinary = options.wasmBinary;
  } else if (isNode() && (url instanceof URL ? url.protocol === "file:" : String(url).startsWith("file:"))) {
    // Node's fetch cannot read file: URLs; read the .wasm next to this file instead.
    const fsName = "node:fs/promises";
    const fs = await import(/* @vite-ignore */ /* webpackIgnore: true */ fsName);
    moduleArg.wasmBinary = await fs.readFile(url instanceof URL ? url : new URL(url));
  } else {
    moduleArg.instantiateWasm = (imports, receiveInstance) => {
      (async () => {
        let result;
        if (typeof WebAssembly.instantiateStreaming === "function") {
          try {
            result = await WebAssembly.instantiateStreaming(fetch(url, { credentials: "same-origin" }), imports);
          } catch {
            result = undefined; // wrong MIME type on some servers: fall back to bytes
          }
        }
        if (!result) {
          const response = await fetch(url, { credentials: "same-origin" });
          if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
          result = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
        }
        receiveInstance(result.instance, result.module);
      })().catch((err) => failLoad(err));
      return {};
    };
  }
  moduleArg.onAbort = (what) => failLoad(new IdosError("INTERNAL", `WebAssembly module aborted: ${what}`));
  const m = await Promise.race([createIdosCoreModule(moduleArg), failed]);
  unwrap(m.initialize());
  return m;
}

// A worker for one derivation: {run(request) -> Promise<answer>}, terminated after its answer;
// null where none can start.
async function startDeriveWorker() {
  const settle = (worker, on, off, request) => new Promise((resolve) => {
    const done = (fn) => (x) => {
      off();
      worker.terminate();
      fn(x);
    };
    // A worker that fails to run answers {workerFailed}; its derivation errors come as messages.
    on(done(resolve), done(() => resolve({ workerFailed: true })));
    worker.postMessage(request);
  });
  if (isNode()) {
    const name = "node:worker_threads";
    const { Worker: NodeWorker } = await import(/* @vite-ignore */ /* webpackIgnore: true */ name);
    // Kept referenced until its answer (then terminated): a script awaiting only this derivation
    // must not exit before it.
    // execArgv: [] — the worker is a plain ES module; the parent's flags (e.g. --input-type of
    // `node -e`) can make a worker fail to start.
    const worker = new NodeWorker(new URL("./derive-worker.js", import.meta.url), { execArgv: [] });
    return {
      run: (request) => settle(worker, (ok, fail) => {
        worker.once("message", ok);
        worker.once("error", fail);
      }, () => worker.removeAllListeners(), request),
    };
  }
  if (typeof Worker !== "function") return null;
  let worker;
  try {
    worker = new Worker(new URL("./derive-worker.js", import.meta.url), { type: "module" });
  } catch {
    return null;
  }
  return {
    run: (request) => settle(worker, (ok, fail) => {
      worker.onmessage = (e) => ok(e.data);
      worker.onerror = (e) => fail(e?.message ?? "error");
      worker.onmessageerror = () => fail("the answer could not be read");
    }, () => {
      worker.onmessage = null;
      worker.onerror = null;
    }, request),
  };
}

let loading = null;

/**
 * Instantiates the module once; later calls return the same instance.
 * options.wasmUrl / options.wasmBinary override where the .wasm comes from.
 */
export function load(options = {}) {
  if (!loading) {
    const started = (typeof performance === "object" ? performance : Date).now();
    loading = instantiate(options).then((m) => new Idos(m, (typeof performance === "object" ? performance : Date).now() - started));
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

class Idos {
  #m;
  constructor(m, loadMilliseconds) {
    this.#m = m;
    /** The core's version. */
    this.version = m.version();
    /** How long instantiation took, in milliseconds. */
    this.loadMilliseconds = loadMilliseconds;
    Object.freeze(this);
  }

  // --- encryption keys ---

  /**
   * idOS password derivation: scrypt(NFKC(password), userId as given) -> X25519 key pair. userId may
   * be any UUID by default; `{ salt: "idos" }` applies idOS's rule (UUID v4 only, either case) and
   * refuses other versions with INVALID_INPUT.
   */
  deriveEncryptionKeyPair(password, userId, options = {}) {
    stringArg(userId, "userId");
    const salt = objectArg(options, "options").salt;
    if (salt !== undefined && salt !== "idos" && salt !== "any-uuid") {
      throw invalid('options.salt must be "idos" or "any-uuid"');
    }
    return withPasswordBytes(password, (pw) =>
      new EncryptionKeyPair(unwrap(this.#m.deriveEncryptionKeyPair(pw, userId, salt ?? "any-uuid"))));
  }
  /**
   * deriveEncryptionKeyPair off the caller's thread: in a module Web Worker in browsers, a
   * worker_threads worker in Node (each with its own module instance), so a page stays responsive
   * during scrypt. The 32-byte secret key comes back as a transferred buffer, is copied into a key
   * object of this module and zeroed. Where no worker can start (a worker without nested workers,
   * a CSP forbidding them, a bundle without the worker's file), it derives here, synchronously,
   * as deriveEncryptionKeyPair.
   */
  async deriveEncryptionKeyPairAsync(password, userId, options = {}) {
    stringArg(password, "password");
    stringArg(userId, "userId");
    const salt = objectArg(options, "options").salt;
    if (salt !== undefined && salt !== "idos" && salt !== "any-uuid") {
      throw invalid('options.salt must be "idos" or "any-uuid"');
    }
    const worker = await startDeriveWorker();
    if (!worker) return this.deriveEncryptionKeyPair(password, userId, options);
    const answer = await worker.run({ password, userId, salt });
    // The worker could not run (its script not found or not allowed, say): derive here instead.
    if (answer.workerFailed) return this.deriveEncryptionKeyPair(password, userId, options);
    if (!answer.ok) throw new IdosError(answer.code, answer.message);
    const secret = answer.secret;
    try {
      return this.encryptionKeyPairFromSecret(secret);
    } finally {
      secret.fill(0);
    }
  }
  encryptionKeyPairFromSecret(secretKey) {
    return withSecretCopy(secretKey, "secretKey", (sk) =>
      new EncryptionKeyPair(unwrap(this.#m.encryptionKeyPairFromSecret(sk))));
  }
  generateEncryptionKeyPair() {
    return new EncryptionKeyPair(unwrap(this.#m.generateEncryptionKeyPair()));
  }

  // --- box encryption (idOS wire format) ---

  /** Encrypts to a 32-byte X25519 public key with a fresh ephemeral key; both outputs base64. */
  encrypt(plaintext, recipientPublicKey) {
    return unwrap(this.#m.boxEncrypt(dataArg(plaintext, "plaintext"), bytesArg(recipientPublicKey, "recipientPublicKey")));
  }
  /** Opens idOS box content; encryptorPublicKey as stored (base64) or as 32 bytes. */
  decrypt(content, encryptorPublicKey, recipient) {
    stringArg(content, "content");
    if (!(recipient instanceof EncryptionKeyPair)) throw invalid("recipient must be an EncryptionKeyPair");
    if (typeof encryptorPublicKey === "string") {
      return unwrap(this.#m.boxDecryptWithBase64Key(content, encryptorPublicKey, recipient[HANDLE]()));
    }
    bytesArg(encryptorPublicKey, "encryptorPublicKey");
    return unwrap(this.#m.boxDecryptWithKeyBytes(content, encryptorPublicKey, recipient[HANDLE]()));
  }
  /** Convenience: decrypt() and read the plaintext as UTF-8 text. */
  decryptText(content, encryptorPublicKey, recipient) {
    return utf8Decode(this.decrypt(content, encryptorPublicKey, recipient));
  }
  /** NaCl sealed box (crypto_box_seal). */
  seal(plaintext, recipientPublicKey) {
    return unwrap(this.#m.boxSeal(dataArg(plaintext, "plaintext"), bytesArg(recipientPublicKey, "recipientPublicKey")));
  }
  sealOpen(sealed, recipient) {
    if (!(recipient instanceof EncryptionKeyPair)) throw invalid("recipient must be an EncryptionKeyPair");
    return unwrap(this.#m.boxSealOpen(bytesArg(sealed, "sealed"), recipient[HANDLE]()));
  }

  // --- hashes and ids ---

  /** Lowercase hex SHA-256 of the plaintext (the grant's content_hash). */
  contentHash(plaintext) {
    return this.#m.contentHash(dataArg(plaintext, "plaintext"));
  }
  sha256(data) {
    return this.#m.sha256(dataArg(data, "data"));
  }
  sha512(data) {
    return this.#m.sha512(dataArg(data, "data"));
  }
  keccak256(data) {
    return this.#m.keccak256(dataArg(data, "data"));
  }
  uuidV5(namespaceUuid, name) {
    return unwrap(this.#m.uuidV5(stringArg(namespaceUuid, "namespaceUuid"), stringArg(name, "name")));
  }
  /**
   * Access grant id: UUIDv5 over `${grantee}-${dataId}-${lockedUntil}`. By default over the text
   * given (callers pass the canonical grantee, as stored grants hold); `{ as: "idos" }` checks the
   * grantee is a valid spelling and reproduces idOS's id over it exactly as supplied (an EIP-55
   * grantee gives another id than its lowercase form; docs/spec/grants.md).
   */
  accessGrantId(grantee, dataId, lockedUntil, options = {}) {
    const as = objectArg(options, "options").as;
    if (as !== undefined && as !== "idos" && as !== "canonical") {
      throw invalid('options.as must be "idos" or "canonical"');
    }
    const g = stringArg(grantee, "grantee");
    const d = stringArg(dataId, "dataId");
    const l = integerArg(lockedUntil, "lockedUntil");
    return unwrap(as === "idos" ? this.#m.accessGrantIdAsSupplied(g, d, l) : this.#m.accessGrantId(g, d, l));
  }
  /** RFC 8785 canonical JSON of JSON text or a value. */
  canonicalizeJson(value) {
    return unwrap(this.#m.canonicalizeJson(jsonTextArg(value, "value")));
  }

  // --- encodings: one spelling out (standard padded base64, lowercase hex); every unambiguous
  // spelling in (both base64 alphabets, padded or not; hex with or without 0x, either case) ---

  toBase64(bytes) {
    return this.#m.base64Encode(bytesArg(bytes, "bytes"));
  }
  /** Standard or URL-safe alphabet (not both in one text), padded or unpadded; the core decodes strictly. */
  fromBase64(text) {
    return unwrap(this.#m.base64Decode(standardBase64(stringArg(text, "text"))));
  }
  toHex(bytes) {
    return this.#m.hexEncode(bytesArg(bytes, "bytes"));
  }
  /** With or without "0x", either case. */
  fromHex(text) {
    return unwrap(this.#m.hexDecode(plainLowerHex(stringArg(text, "text"))));
  }
  utf8Encode(text) {
    return utf8Encode(text);
  }
  utf8Decode(bytes) {
    return utf8Decode(bytes);
  }

  // --- signatures and wallets ---

  /** true when the signature verifies; IdosError VERIFY_FAILED when it does not, another code when malformed. */
  ed25519Verify(message, signature, publicKey) {
    return unwrap(this.#m.ed25519Verify(dataArg(message, "message"), bytesArg(signature, "signature"),
      bytesArg(publicKey, "publicKey")));
  }
  generateEd25519KeyPair() {
    return new Ed25519KeyPair(unwrap(this.#m.ed25519Generate()));
  }
  ed25519KeyPairFromSeed(seed) {
    return new Ed25519KeyPair(unwrap(this.#m.ed25519FromSeed(bytesArg(seed, "seed"))));
  }
  generateSecp256k1KeyPair() {
    return new Secp256k1KeyPair(unwrap(this.#m.secp256k1Generate()));
  }
  secp256k1KeyPairFromSecret(secretKey) {
    return new Secp256k1KeyPair(unwrap(this.#m.secp256k1FromSecret(bytesArg(secretKey, "secretKey"))));
  }
  /**
   * The one canonical spelling of a wallet identifier (docs/wallets.md). type "" infers the type
   * from the identifier's shape, as a grant's grantee is read.
   */
  canonicalWalletIdentifier(type, identifier) {
    return unwrap(this.#m.canonicalWalletIdentifier(stringArg(type, "type"), stringArg(identifier, "identifier")));
  }
  /** true when the signature verifies; IdosError VERIFY_FAILED when it does not, another code when malformed. */
  verifyWalletSignature(request) {
    objectArg(request, "request");
    const req = {
      type: stringArg(request.type, "request.type"),
      identifier: stringArg(request.identifier, "request.identifier"),
      // Text, or its UTF-8 bytes (a wallet signs text here; other bytes are INVALID_UTF8).
      message: isBytes(request.message) ? utf8Decode(request.message) : stringArg(request.message, "request.message"),
      signature: stringArg(request.signature, "request.signature"),
    };
    for (const key of ["publicKey", "nonce", "recipient", "callbackUrl", "scheme", "expectedRecipient"]) {
      const v = optionalStringArg(request[key], `request.${key}`);
      if (v !== undefined) req[key] = v;
    }
    return unwrap(this.#m.verifyWalletSignature(req));
  }
  /** keccak256 of the EIP-191 personal_sign envelope. */
  eip191Hash(message) {
    return this.#m.eip191Hash(dataArg(message, "message"));
  }

  // --- grants and requests (message builders: the exact text a wallet signs) ---

  /** A complete access grant record, id filled in (snake_case members as in docs/spec). */
  makeAccessGrant(fields) {
    return unwrap(this.#m.makeAccessGrant(fieldsArg(fields, "fields",
      ["owner", "grantee", "data_id", "content_hash", "inserter_type", "inserter_id"], ["locked_until"])));
  }
  /** idOS's DAG text by default; `fields.format: "idos-core-1"` selects this project's first one. */
  delegatedAccessGrantMessage(fields) {
    return unwrap(this.#m.delegatedAccessGrantMessage(withFormat(fields, fieldsArg(fields, "fields",
      ["owner_wallet_identifier", "grantee_wallet_identifier", "data_id", "content_hash"], ["locked_until"]))));
  }
  /** idOS's DWG text by default (consumer:, issuer public key: ...); `fields.format` as for DAGs. */
  delegatedWriteGrantMessage(fields) {
    return unwrap(this.#m.delegatedWriteGrantMessage(withFormat(fields, fieldsArg(fields, "fields",
      ["owner_wallet_identifier", "grantee_wallet_identifier", "issuer_public_key", "id",
        "access_grant_timelock", "not_usable_before", "not_usable_after"]))));
  }
  readRequestMessage(fields) {
    return unwrap(this.#m.readRequestMessage(fieldsArg(fields, "fields",
      ["grantee_wallet_identifier", "data_id", "nonce", "issued_at"])));
  }
  signedRequestMessage(fields) {
    return unwrap(this.#m.signedRequestMessage(fieldsArg(fields, "fields",
      ["caller_wallet_identifier", "method", "path", "body_sha256", "nonce", "issued_at"])));
  }

  // --- credentials ---

  /** Encrypts the plaintext to the owner and signs it with the issuer's Ed25519 key. */
  buildCredential({ id, userId, publicNotes = "", plaintext, recipientPublicKey, issuer }) {
    if (!(issuer instanceof Ed25519KeyPair)) throw invalid("issuer must be an Ed25519KeyPair");
    return unwrap(this.#m.buildCredential(stringArg(id, "id"), stringArg(userId, "userId"),
      stringArg(publicNotes, "publicNotes"), dataArg(plaintext, "plaintext"),
      bytesArg(recipientPublicKey, "recipientPublicKey"), issuer[HANDLE]()));
  }
  /** A copy for a grantee: re-encrypted to their key, signed by a discarded key; plus content_hash. */
  makeSharedCopy({ copyId, userId, plaintext, granteePublicKey }) {
    return unwrap(this.#m.makeSharedCopy(stringArg(copyId, "copyId"), stringArg(userId, "userId"),
      dataArg(plaintext, "plaintext"), bytesArg(granteePublicKey, "granteePublicKey")));
  }
  /** true, or IdosError (VERIFY_FAILED for a well-formed credential whose signatures are wrong). */
  verifyCredential(credential) {
    return unwrap(this.#m.verifyCredential(fieldsArg(credential, "credential",
      ["id", "user_id", "public_notes", "content", "encryptor_public_key", "issuer_auth_public_key",
        "public_notes_signature", "broader_signature"])));
  }

  // --- issuer status of a verifiable credential (docs/spec/lifecycle.md) ---

  /**
   * The issuer's signed status document: {issuer_auth_public_key, vc_id, status ("active",
   * "suspended" or "revoked"), reason? (omitted when empty), sequence, issued_at, signature}. The
   * core builds the text; `issuer` (an Ed25519KeyPair, the credential's issuer key) signs it.
   * `issuedAt` defaults to now; `sequence` must increase with every status of this VC.
   */
  signCredentialStatus({ vcId, status, reason = "", sequence, issuedAt = Math.floor(Date.now() / 1000) }, issuer) {
    if (!(issuer instanceof Ed25519KeyPair)) throw invalid("issuer must be an Ed25519KeyPair");
    const doc = { issuer_auth_public_key: this.toHex(issuer.publicKey), vc_id: stringArg(vcId, "vcId"),
      status: stringArg(status, "status"), sequence: integerArg(sequence, "sequence"), issued_at: integerArg(issuedAt, "issuedAt") };
    if (stringArg(reason, "reason") !== "") doc.reason = reason;
    const message = this.signedMessage("credential_status", doc);
    return { ...doc, signature: this.toBase64(issuer.sign(message)) };
  }
  /**
   * Checks a status document the node showed (fields, the issuer's signature; no clock) and
   * returns it in camelCase: {status, reason, sequence, issuedAt, issuer, vcId}. IdosError
   * (VERIFY_FAILED, ...) otherwise; `expected.issuer` / `expected.vcId`, when given, must match
   * (MISMATCH).
   */
  verifyCredentialStatus(document, expected = {}) {
    this.validate("credential_status", document, 0);
    if (expected.issuer !== undefined && document.issuer_auth_public_key !== expected.issuer) {
      throw new IdosError("MISMATCH", "the status is signed by another issuer key");
    }
    if (expected.vcId !== undefined && document.vc_id !== expected.vcId) {
      throw new IdosError("MISMATCH", "the status is about another VC id");
    }
    return { status: document.status, reason: document.reason ?? "", sequence: document.sequence,
      issuedAt: document.issued_at, issuer: document.issuer_auth_public_key, vcId: document.vc_id };
  }

  // --- W3C verifiable credentials (eddsa-jcs-2022, did:key) ---

  /**
   * true when the VC's proof verifies; IdosError VERIFY_FAILED when a well-formed proof does not,
   * another code for a malformed document, an unsupported suite or a validity window that
   * excludes `now`.
   */
  verifyCredentialProof(vc, now = Math.floor(Date.now() / 1000)) {
    return unwrap(this.#m.verifyVerifiableCredential(jsonTextArg(vc, "vc"), integerArg(now, "now")));
  }
  /** Adds an eddsa-jcs-2022 proof; returns the secured document (object). */
  signVerifiableCredential(unsecured, key, { verificationMethod, created, proofPurpose = "assertionMethod" } = {}) {
    if (!(key instanceof Ed25519KeyPair)) throw invalid("key must be an Ed25519KeyPair");
    const did = this.#m.didKeyFromEd25519(key[HANDLE]());
    const vm = verificationMethod ?? `${did}#${did.slice("did:key:".length)}`;
    const when = created ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const text = unwrap(this.#m.signVerifiableCredential(jsonTextArg(unsecured, "unsecured"), key[HANDLE](),
      stringArg(vm, "verificationMethod"), stringArg(when, "created"), stringArg(proofPurpose, "proofPurpose")));
    return JSON.parse(text);
  }
  didKey(key) {
    if (!(key instanceof Ed25519KeyPair)) throw invalid("key must be an Ed25519KeyPair");
    return this.#m.didKeyFromEd25519(key[HANDLE]());
  }

  // --- validation (the node's verdicts, in the browser) ---

  /** true, or IdosError with the code the spec names for the first failed rule. */
  validate(kind, json, now, seenBefore = false) {
    if (typeof seenBefore !== "boolean") throw invalid("seenBefore must be a boolean");
    return unwrap(this.#m.validateDocument(stringArg(kind, "kind"), jsonTextArg(json, "json"),
      integerArg(now, "now"), seenBefore));
  }

  /**
   * The exact text signed for a document (docs/spec/validation.md): kind "delegated_access_grant",
   * "delegated_write_grant", "read_request", "signed_request", "add_wallet", "node_receipt",
   * "node_log_entry", "credential_status", "node_snapshot" or "node_snapshot_request".
   */
  signedMessage(kind, json) {
    return unwrap(this.#m.signedMessage(stringArg(kind, "kind"), jsonTextArg(json, "json")));
  }

  /** {key, keepUntil}: the single-use value a node records for a document (keepUntil 0 = forever). */
  replayKey(kind, json) {
    return unwrap(this.#m.replayKey(stringArg(kind, "kind"), jsonTextArg(json, "json")));
  }

  /** The access grant a "share", "delegated_write_grant" or "delegated_access_grant" write creates. */
  deriveAccessGrant(kind, json) {
    return JSON.parse(unwrap(this.#m.deriveAccessGrant(stringArg(kind, "kind"), jsonTextArg(json, "json"))));
  }

  // --- symmetric keys (vault) ---

  generateSymmetricKey() {
    return new SymmetricKey(unwrap(this.#m.aeadGenerateKey()));
  }
  /**
   * A key derived from a password (NFKC) or other secret text: kdf "argon2id" (opsLimit, memLimit
   * bytes) or "scrypt" (N, r, p). salt: 16 bytes for argon2id. Defaults and bounds are the core's
   * (KDF in ./constants.js); a value out of bounds is INVALID_INPUT from the core.
   */
  symmetricKeyFromPassword(password, salt, params = {}) {
    bytesArg(salt, "salt");
    objectArg(params, "params");
    const kdf = params.kdf ?? "argon2id";
    return withPasswordBytes(password, (pw) => {
      if (kdf === "argon2id") {
        const ops = integerArg(params.opsLimit ?? KDF.argon2id.defaultOpsLimit, "params.opsLimit");
        const mem = integerArg(params.memLimit ?? KDF.argon2id.defaultMemLimit, "params.memLimit");
        return new SymmetricKey(unwrap(this.#m.aeadKeyFromArgon2id(pw, salt, ops, mem)));
      }
      if (kdf === "scrypt") {
        const n = integerArg(params.N ?? KDF.scrypt.idosN, "params.N");
        const r = integerArg(params.r ?? KDF.scrypt.idosR, "params.r");
        const p = integerArg(params.p ?? KDF.scrypt.idosP, "params.p");
        return new SymmetricKey(unwrap(this.#m.aeadKeyFromScrypt(pw, salt, n, r, p)));
      }
      throw new IdosError("UNSUPPORTED", `unknown kdf ${JSON.stringify(kdf)}`);
    });
  }
}
