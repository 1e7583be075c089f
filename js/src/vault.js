// idos-core/vault: a local vault on SQLite WASM for the user's encryption key and an offline cache
// of credentials and grants (docs/js.md, "Local vault").
//
// - The user's X25519 secret key is stored only wrapped: sealed (XChaCha20-Poly1305) under a random
//   32-byte data key (DEK). The DEK is itself stored only wrapped, once per key slot, under a key
//   derived with Argon2id (default) or scrypt from the slot's secret: a password, or a wallet's
//   signature over WALLET_SLOT_MESSAGE. Every wrap and unwrap happens inside the WASM module:
//   neither the DEK nor the secret key ever exists as JS bytes.
// - Cached credentials and grants are sealed under the DEK too (associated data binds each record
//   to its table and id, so records cannot be swapped).
// - Storage: in browsers with OPFS the database is kept in an OPFS file (inside a worker with
//   SharedArrayBuffer, sqlite's own "opfs" VFS; elsewhere an in-memory database whose snapshot is
//   written to OPFS after each change); in-memory everywhere else (Node, old browsers). Same API.
import sqlite3InitModule from "@sqlite.org/sqlite-wasm";
import { KDF } from "./constants.js";
import { IdosError, load } from "./index.js";

/** The fixed message a wallet signs to make or open a wallet key slot. */
export const WALLET_SLOT_MESSAGE =
  "idOS local vault key slot (v1)\n\nSigning this message unlocks your local idOS vault on this device. " +
  "It does not authorise any transaction.";

const SCHEMA_VERSION = "1";
// The core's Argon2id defaults, written into each slot so a later change of the defaults never
// locks an existing vault.
const DEFAULT_KDF = Object.freeze({
  kdf: "argon2id", opsLimit: KDF.argon2id.defaultOpsLimit, memLimit: KDF.argon2id.defaultMemLimit,
});
const AD_SECRET = "idos-vault/v1/encryption-secret-key";
const adSlot = (id) => `idos-vault/v1/slot/${id}`;
const adRecord = (table, id) => `idos-vault/v1/${table}/${id}`;

let sqlitePromise = null;
function sqlite() {
  if (!sqlitePromise) {
    sqlitePromise = sqlite3InitModule({ print: () => {}, printErr: () => {} });
    sqlitePromise.catch(() => {
      sqlitePromise = null;
    });
  }
  return sqlitePromise;
}

function opfsAvailable() {
  return typeof navigator === "object" && typeof navigator.storage?.getDirectory === "function";
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS slots (id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL,
    kdf TEXT NOT NULL, salt BLOB NOT NULL, wrapped_dek BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS credentials (id TEXT PRIMARY KEY, sealed BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS grants (id TEXT PRIMARY KEY, sealed BLOB NOT NULL);
`;

function randomId() {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Opens (or creates) a vault. options.name names the OPFS file; options.storage is "auto"
 * (default: OPFS when available, else memory), "opfs" (fails without OPFS) or "memory".
 */
export async function openVault(options = {}) {
  const name = options.name ?? "idos-vault";
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
    throw new IdosError("INVALID_INPUT", "vault name: 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  const storage = options.storage ?? "auto";
  if (!["auto", "opfs", "memory"].includes(storage)) throw new IdosError("INVALID_INPUT", "storage: auto, opfs or memory");
  const [idos, sqlite3] = await Promise.all([load(), sqlite()]);
  const useOpfs = storage === "opfs" || (storage === "auto" && opfsAvailable());
  if (useOpfs && !opfsAvailable()) throw new IdosError("UNSUPPORTED", "this environment has no OPFS");

  let db;
  let backend = "memory";
  let persist = async () => {};
  if (useOpfs && sqlite3.oo1.OpfsDb) {
    // Inside a worker with SharedArrayBuffer: sqlite's OPFS VFS writes through directly.
    db = new sqlite3.oo1.OpfsDb(`/${name}.sqlite3`, "c");
    backend = "opfs";
  } else if (useOpfs) {
    // Main thread: in-memory database, its snapshot kept in an OPFS file.
    const dir = await navigator.storage.getDirectory();
    const handle = await dir.getFileHandle(`${name}.sqlite3`, { create: true });
    const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
    db = new sqlite3.oo1.DB(":memory:", "c");
    if (bytes.length > 0) {
      const p = sqlite3.wasm.allocFromTypedArray(bytes);
      const rc = sqlite3.capi.sqlite3_deserialize(db.pointer, "main", p, bytes.length, bytes.length,
        sqlite3.capi.SQLITE_DESERIALIZE_FREEONCLOSE | sqlite3.capi.SQLITE_DESERIALIZE_RESIZEABLE);
      db.checkRc(rc);
    }
    let writing = Promise.resolve();
    persist = () => {
      const snapshot = sqlite3.capi.sqlite3_js_db_export(db);
      writing = writing.then(async () => {
        const w = await handle.createWritable();
        await w.write(snapshot);
        await w.close();
      });
      return writing;
    };
    backend = "opfs-snapshot";
  } else {
    db = new sqlite3.oo1.DB(":memory:", "c");
  }
  db.exec(SCHEMA);
  return new Vault(idos, sqlite3, db, backend, persist);
}

class Vault {
  #idos;
  #sqlite3;
  #db;
  #persist;
  #dek = null;
  /** "opfs", "opfs-snapshot" or "memory". */
  backend;

  constructor(idos, sqlite3, db, backend, persist) {
    this.#idos = idos;
    this.#sqlite3 = sqlite3;
    this.#db = db;
    this.backend = backend;
    this.#persist = persist;
  }

  #meta(key) {
    return this.#db.selectValue("SELECT value FROM meta WHERE key = ?", [key]);
  }
  #setMeta(key, value) {
    this.#db.exec({ sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", bind: [key, value] });
  }
  #requireOpen() {
    if (this.#db === null) throw new IdosError("INVALID_INPUT", "the vault is closed");
  }
  #requireUnlocked() {
    this.#requireOpen();
    if (this.#dek === null) throw new IdosError("LOCKED", "the vault is locked: unlock it first");
    return this.#dek;
  }

  /** True once create() ran for this vault. */
  get initialized() {
    this.#requireOpen();
    return this.#meta("version") !== undefined;
  }
  get unlocked() {
    return this.#dek !== null;
  }
  /** The stored public key (32 bytes), readable while locked; undefined before create(). */
  get publicKey() {
    this.#requireOpen();
    const v = this.#meta("public_key");
    return v === undefined ? undefined : new Uint8Array(v);
  }
  get userId() {
    this.#requireOpen();
    const v = this.#meta("user_id");
    return v === undefined ? undefined : String(v);
  }

  /**
   * Sets the vault up around `keyPair` (the caller keeps ownership of it) with a first password
   * slot. Leaves the vault unlocked.
   */
  async create({ keyPair, password, userId = "", kdf = DEFAULT_KDF }) {
    this.#requireOpen();
    if (this.initialized) throw new IdosError("FORBIDDEN", "this vault already exists");
    const dek = this.#idos.generateSymmetricKey();
    try {
      const wrapped = dek.wrapKey(keyPair, AD_SECRET);
      this.#db.transaction(() => {
        this.#setMeta("version", SCHEMA_VERSION);
        this.#setMeta("public_key", keyPair.publicKey);
        this.#setMeta("user_id", String(userId));
        this.#setMeta("wrapped_secret_key", wrapped);
        this.#addSlot(dek, "password", "password", password, kdf);
      });
    } catch (e) {
      dek.dispose();
      throw e;
    }
    this.#dek?.dispose();
    this.#dek = dek;
    await this.#persist();
  }

  #addSlot(dek, kind, label, secret, kdf) {
    const id = randomId();
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const kek = this.#idos.symmetricKeyFromPassword(secret, salt, kdf);
    try {
      const wrappedDek = kek.wrapKey(dek, adSlot(id));
      this.#db.exec({
        sql: "INSERT INTO slots (id, kind, label, kdf, salt, wrapped_dek) VALUES (?, ?, ?, ?, ?, ?)",
        bind: [id, kind, label, JSON.stringify(kdf), salt, wrappedDek],
      });
    } finally {
      kek.dispose();
    }
    return id;
  }

  /** Adds another password slot (vault unlocked). Returns the slot id. */
  async addPasswordSlot(password, { label = "password", kdf = DEFAULT_KDF } = {}) {
    const id = this.#addSlot(this.#requireUnlocked(), "password", label, password, kdf);
    await this.#persist();
    return id;
  }

  /**
   * Adds a slot opened by a wallet's signature over WALLET_SLOT_MESSAGE (vault unlocked). The
   * wallet must sign deterministically (EIP-191 with RFC 6979, Ed25519), so the same signature
   * opens the slot again later.
   */
  async addWalletSlot(signature, { label = "wallet", kdf = DEFAULT_KDF } = {}) {
    const id = this.#addSlot(this.#requireUnlocked(), "wallet", label, signature, kdf);
    await this.#persist();
    return id;
  }

  /** [{id, kind, label}] */
  listSlots() {
    this.#requireOpen();
    return this.#db.selectObjects("SELECT id, kind, label FROM slots ORDER BY rowid");
  }

  /** Removes a slot (vault unlocked); the last slot cannot be removed. */
  async removeSlot(id) {
    this.#requireUnlocked();
    const n = this.#db.selectValue("SELECT count(*) FROM slots");
    if (n <= 1) throw new IdosError("FORBIDDEN", "the last key slot cannot be removed");
    this.#db.exec({ sql: "DELETE FROM slots WHERE id = ?", bind: [id] });
    await this.#persist();
  }

  #unlock(kind, secret) {
    this.#requireOpen();
    if (!this.initialized) throw new IdosError("INVALID_INPUT", "this vault has not been created");
    const slots = this.#db.selectObjects("SELECT id, kdf, salt, wrapped_dek FROM slots WHERE kind = ?", [kind]);
    for (const slot of slots) {
      const kek = this.#idos.symmetricKeyFromPassword(secret, new Uint8Array(slot.salt), JSON.parse(slot.kdf));
      let dek;
      try {
        dek = kek.unwrapSymmetricKey(new Uint8Array(slot.wrapped_dek), adSlot(slot.id));
      } catch (e) {
        if (!(e instanceof IdosError) || e.code !== "DECRYPT_FAILED") throw e;
        continue;
      } finally {
        kek.dispose();
      }
      const keyPair = dek.unwrapEncryptionKeyPair(new Uint8Array(this.#meta("wrapped_secret_key")), AD_SECRET);
      this.#dek?.dispose();
      this.#dek = dek;
      return keyPair;
    }
    throw new IdosError("DECRYPT_FAILED", `no ${kind} slot opens with this ${kind === "wallet" ? "signature" : kind}`);
  }

  /** Unlocks with a password slot; returns the user's EncryptionKeyPair (the caller disposes it). */
  unlockWithPassword(password) {
    return this.#unlock("password", password);
  }
  /** Unlocks with a wallet slot, given the wallet's signature over WALLET_SLOT_MESSAGE. */
  unlockWithWalletSignature(signature) {
    return this.#unlock("wallet", signature);
  }
  /** Forgets the data key (wiped in WASM memory). */
  lock() {
    this.#dek?.dispose();
    this.#dek = null;
  }

  #put(table, id, record) {
    const dek = this.#requireUnlocked();
    if (typeof id !== "string" || id.length === 0) throw new IdosError("INVALID_INPUT", `${table} record needs an id`);
    const sealed = dek.seal(JSON.stringify(record), adRecord(table, id));
    this.#db.exec({ sql: `INSERT OR REPLACE INTO ${table} (id, sealed) VALUES (?, ?)`, bind: [id, sealed] });
  }
  #get(table, id) {
    const dek = this.#requireUnlocked();
    const sealed = this.#db.selectValue(`SELECT sealed FROM ${table} WHERE id = ?`, [id]);
    if (sealed === undefined) return undefined;
    return JSON.parse(this.#idos.utf8Decode(dek.open(new Uint8Array(sealed), adRecord(table, id))));
  }
  #list(table) {
    this.#requireUnlocked();
    return this.#db.selectValues(`SELECT id FROM ${table} ORDER BY id`).map((id) => this.#get(table, id));
  }

  /** Caches a credential record (its `id` is the key). */
  async putCredential(credential) {
    this.#put("credentials", credential?.id, credential);
    await this.#persist();
  }
  getCredential(id) {
    return this.#get("credentials", id);
  }
  listCredentials() {
    return this.#list("credentials");
  }
  async deleteCredential(id) {
    this.#requireUnlocked();
    this.#db.exec({ sql: "DELETE FROM credentials WHERE id = ?", bind: [id] });
    await this.#persist();
  }
  /** Caches an access grant (its `id` is the key). */
  async putGrant(grant) {
    this.#put("grants", grant?.id, grant);
    await this.#persist();
  }
  getGrant(id) {
    return this.#get("grants", id);
  }
  listGrants() {
    return this.#list("grants");
  }
  async deleteGrant(id) {
    this.#requireUnlocked();
    this.#db.exec({ sql: "DELETE FROM grants WHERE id = ?", bind: [id] });
    await this.#persist();
  }

  /**
   * After the user's encryption key changed (NodeClient.changeEncryptionKey): the vault holds
   * `keyPair` (the caller keeps ownership) and no longer the old key. A new data key wraps it;
   * every key slot is replaced by one password slot for `password` (wallet slots wrapped the old
   * data key: add them again with addWalletSlot); cached records are sealed again under the new
   * data key, and `credentials` (the re-encrypted records), when given, replace the cached ones.
   * The database is written with secure_delete on, so the old wrapped key's bytes are zeroed in
   * it. Needs the vault unlocked; leaves it unlocked with the new data key.
   */
  async changeKey({ keyPair, password, kdf = DEFAULT_KDF, credentials } = {}) {
    this.#requireUnlocked();
    if (typeof password !== "string" || password.length === 0) {
      throw new IdosError("INVALID_INPUT", "password: the new password of the vault's slot");
    }
    if (credentials !== undefined && !Array.isArray(credentials)) {
      throw new IdosError("INVALID_INPUT", "credentials: an array of credential records");
    }
    const records = {
      credentials: credentials ?? this.#list("credentials"),
      grants: this.#list("grants"),
    };
    const dek = this.#idos.generateSymmetricKey();
    try {
      const wrapped = dek.wrapKey(keyPair, AD_SECRET);
      this.#db.exec("PRAGMA secure_delete = ON");
      this.#db.transaction(() => {
        this.#setMeta("public_key", keyPair.publicKey);
        this.#setMeta("wrapped_secret_key", wrapped);
        this.#db.exec("DELETE FROM slots");
        this.#addSlot(dek, "password", "password", password, kdf);
        for (const table of ["credentials", "grants"]) {
          this.#db.exec(`DELETE FROM ${table}`);
          for (const record of records[table]) {
            if (typeof record?.id !== "string" || record.id.length === 0) {
              throw new IdosError("INVALID_INPUT", `${table} record needs an id`);
            }
            const sealed = dek.seal(JSON.stringify(record), adRecord(table, record.id));
            this.#db.exec({ sql: `INSERT INTO ${table} (id, sealed) VALUES (?, ?)`, bind: [record.id, sealed] });
          }
        }
      });
    } catch (e) {
      dek.dispose();
      throw e;
    }
    this.#dek?.dispose();
    this.#dek = dek;
    await this.#persist();
  }

  /** The raw database bytes (everything in it is wrapped or sealed): for backups. */
  exportDatabase() {
    this.#requireOpen();
    return this.#sqlite3.capi.sqlite3_js_db_export(this.#db);
  }

  /** Locks, writes the last snapshot and closes the database. */
  async close() {
    if (this.#db === null) return;
    this.lock();
    await this.#persist();
    this.#db.close();
    this.#db = null;
  }
}

/** Deletes a vault's OPFS file (browsers); a no-op for in-memory vaults. */
export async function deleteVault(name = "idos-vault") {
  if (!opfsAvailable()) return;
  const dir = await navigator.storage.getDirectory();
  try {
    await dir.removeEntry(`${name}.sqlite3`);
  } catch {
    // not there
  }
}
