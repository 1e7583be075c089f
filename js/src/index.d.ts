// Type declarations of idos-core (hand-written; the implementation is index.js). The lists (error
// codes, wallet types, document kinds) and their types come from constants.d.ts, generated from
// the core at build time; tests/drift/bindings.test.mjs checks this file against index.js and
// wasm/bindings.cpp.
import type { DocumentKind, IdosErrorCode, WalletType } from "./constants.js";

export type { DocumentKind, IdosErrorCode, WalletType } from "./constants.js";
/** ERROR_CODES[n] is the name of the C ABI's code n (ERROR_CODES[0] is "OK"). */
export { DOCUMENT_KINDS, ERROR_CODES, WALLET_TYPES } from "./constants.js";

// `Symbol.dispose` (key objects support `using`) without requiring lib "esnext.disposable" of
// the consumer: the same declaration as TypeScript's own lib, merged when both are present.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
export type SignedMessageKind =
  | "delegated_access_grant" | "delegated_write_grant" | "read_request" | "signed_request" | "add_wallet"
  | "node_receipt" | "node_log_entry" | "credential_status" | "node_snapshot" | "node_snapshot_request";
/** The public status an issuer sets on a VC it issued (docs/spec/lifecycle.md). */
export type CredentialStatusValue = "active" | "suspended" | "revoked";
/** The issuer's signed status document, as on the wire. */
export interface CredentialStatusDocument {
  /** Hex of the issuer's Ed25519 key (the credential's issuer_auth_public_key). */
  issuer_auth_public_key: string;
  /** The VC id (the `id` of the record's public_notes): printable ASCII, no spaces, <= 128 bytes. */
  vc_id: string;
  status: CredentialStatusValue;
  /** Omitted when empty; <= 512 bytes, no control characters. */
  reason?: string;
  /** 1..2^53-1, increasing per (issuer, VC id). */
  sequence: number;
  /** Unix seconds; the node accepts it within 300 s of its log time. */
  issued_at: number;
  /** Base64 Ed25519 signature over signedMessage("credential_status", ...). */
  signature: string;
}
/** A checked status, in camelCase. */
export interface VerifiedCredentialStatus {
  status: CredentialStatusValue;
  /** "" when none. */
  reason: string;
  sequence: number;
  issuedAt: number;
  issuer: string;
  vcId: string;
}
/** A document's single-use value and until when a node must remember it (unix seconds; 0 = forever). */
export interface ReplayKey {
  key: string;
  keepUntil: number;
}
export type ReplayKeyKind = "signed_request" | "read_request" | "delegated_write_grant" | "delegated_access_grant";

/** Every failure of the package. */
export declare class IdosError extends Error {
  constructor(code: IdosErrorCode | string, message: string);
  readonly code: IdosErrorCode | string;
  /** idos-core/client: the node's HTTP status (0 when the node did not answer, 200 for a write whose receipts do not verify). */
  status?: number;
  /** idos-core/client, RATE_LIMITED: seconds to wait, from the node's Retry-After header. */
  retryAfter?: number;
}

/** Bytes, or text taken as its UTF-8 bytes. */
export type Data = Uint8Array | string;

/** Base of the objects that hold a secret inside WASM memory. */
declare abstract class HeldKey {
  /** True once dispose() ran. */
  readonly disposed: boolean;
  /** Wipes and frees the secret; later use throws IdosError INVALID_KEY. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

export declare class EncryptionKeyPair extends HeldKey {
  /** 32-byte X25519 public key (a fresh copy on each read). */
  readonly publicKey: Uint8Array;
  /** The 32-byte secret key: the only way it leaves the module. */
  exportSecretKey(): Uint8Array;
}

export interface Ed25519WalletSignOptions {
  /** NEAR: the 32-byte NEP-413 nonce. */
  nonce?: Uint8Array;
  /** NEAR: the NEP-413 recipient. */
  recipient?: string;
  /** NEAR: the NEP-413 callback URL. */
  callbackUrl?: string;
}

export declare class Ed25519KeyPair extends HeldKey {
  readonly publicKey: Uint8Array;
  /** "ED" + 64 uppercase hex (XRPL spelling). */
  readonly xrplPublicKey: string;
  sign(message: Data): Uint8Array;
  exportSeed(): Uint8Array;
  walletIdentifier(type: Exclude<WalletType, "EVM">): string;
  /** NEAR: base64 NEP-413 signature; Stellar, XRPL, FaceSign: 128 lowercase hex. */
  walletSign(type: Exclude<WalletType, "EVM">, message: string, options?: Ed25519WalletSignOptions): string;
}

export declare class Secp256k1KeyPair extends HeldKey {
  /** 65 bytes, uncompressed. */
  readonly publicKey: Uint8Array;
  /** "0x" + 40 lowercase hex. */
  readonly address: string;
  /** EIP-55 spelling. */
  readonly checksumAddress: string;
  /** EIP-191 personal_sign: "0x" + 130 hex, v in {27, 28}. */
  personalSign(message: Data): string;
  exportSecretKey(): Uint8Array;
}

export declare class SymmetricKey extends HeldKey {
  /** nonce(24) || ciphertext || tag(16) (XChaCha20-Poly1305). */
  seal(plaintext: Data, associatedData?: Data): Uint8Array;
  open(sealed: Uint8Array, associatedData?: Data): Uint8Array;
  /** Seals another key's bytes without them reaching JS. */
  wrapKey(key: SymmetricKey | EncryptionKeyPair, associatedData?: Data): Uint8Array;
  unwrapSymmetricKey(sealed: Uint8Array, associatedData?: Data): SymmetricKey;
  unwrapEncryptionKeyPair(sealed: Uint8Array, associatedData?: Data): EncryptionKeyPair;
}

export interface EncryptedMessage {
  /** base64(nonce(24) || mac(16) || ciphertext) */
  content: string;
  /** base64 of the ephemeral X25519 public key */
  encryptorPublicKey: string;
}

export interface WalletSignatureRequest {
  type: WalletType;
  identifier: string;
  /** XRPL: 66 hex (either case): "ED" + Ed25519 key, or a compressed secp256k1 key (02/03). */
  publicKey?: string;
  /** Text, or its UTF-8 bytes (other bytes are INVALID_UTF8). */
  message: string | Uint8Array;
  signature: string;
  /** NEAR: 64 lowercase hex. */
  nonce?: string;
  /** NEAR */
  recipient?: string;
  /** NEAR */
  callbackUrl?: string;
  /**
   * NEAR: "nep413" | "nep413-packed" (default: packed when no nonce is given);
   * Stellar: "raw" | "sep53" (default: raw, then SEP-53). See docs/wallets.md.
   */
  scheme?: string;
  /** NEAR: the recipient the signature must name; packed default "idos.network"; "*" accepts any. */
  expectedRecipient?: string;
}

export interface AccessGrant {
  id: string;
  owner: string;
  grantee: string;
  data_id: string;
  locked_until: number;
  content_hash: string;
  inserter_type: string;
  inserter_id: string;
}

export interface DelegatedAccessGrantFields {
  owner_wallet_identifier: string;
  grantee_wallet_identifier: string;
  data_id: string;
  locked_until: number;
  content_hash: string;
  /** "idos-1" (idOS's text, the default) or "idos-core-1" (this project's first text). */
  format?: "idos-1" | "idos-core-1";
}

export interface DelegatedWriteGrantFields {
  /** "idos-1" (idOS's text, the default) or "idos-core-1" (this project's first text). */
  format?: "idos-1" | "idos-core-1";
  owner_wallet_identifier: string;
  grantee_wallet_identifier: string;
  issuer_public_key: string;
  id: string;
  access_grant_timelock: string;
  not_usable_before: string;
  not_usable_after: string;
}

export interface ReadRequestFields {
  grantee_wallet_identifier: string;
  data_id: string;
  nonce: string;
  issued_at: string;
}

export interface SignedRequestFields {
  caller_wallet_identifier: string;
  method: string;
  path: string;
  body_sha256: string;
  nonce: string;
  issued_at: string;
}

export interface Credential {
  id: string;
  user_id: string;
  public_notes: string;
  content: string;
  encryptor_public_key: string;
  issuer_auth_public_key: string;
  public_notes_signature: string;
  broader_signature: string;
}

export interface SharedCopy {
  credential: Credential;
  content_hash: string;
}

export type PasswordKdfParams =
  | { kdf?: "argon2id"; opsLimit?: number; memLimit?: number }
  | { kdf: "scrypt"; N?: number; r?: number; p?: number };

export interface Idos {
  readonly version: string;
  readonly loadMilliseconds: number;

  /** `salt: "idos"`: idOS's rule, userId must be a UUID v4 (either case); default "any-uuid". */
  deriveEncryptionKeyPair(password: string, userId: string, options?: { salt?: "idos" | "any-uuid" }): EncryptionKeyPair;
  /**
   * The same key as deriveEncryptionKeyPair, derived in a Web Worker (browsers) or a worker_threads
   * worker (Node) so the caller's thread is not blocked; synchronous fallback where no worker can start.
   */
  deriveEncryptionKeyPairAsync(password: string, userId: string, options?: { salt?: "idos" | "any-uuid" }): Promise<EncryptionKeyPair>;
  encryptionKeyPairFromSecret(secretKey: Uint8Array): EncryptionKeyPair;
  generateEncryptionKeyPair(): EncryptionKeyPair;

  encrypt(plaintext: Data, recipientPublicKey: Uint8Array): EncryptedMessage;
  decrypt(content: string, encryptorPublicKey: string | Uint8Array, recipient: EncryptionKeyPair): Uint8Array;
  decryptText(content: string, encryptorPublicKey: string | Uint8Array, recipient: EncryptionKeyPair): string;
  seal(plaintext: Data, recipientPublicKey: Uint8Array): Uint8Array;
  sealOpen(sealed: Uint8Array, recipient: EncryptionKeyPair): Uint8Array;

  contentHash(plaintext: Data): string;
  sha256(data: Data): Uint8Array;
  sha512(data: Data): Uint8Array;
  keccak256(data: Data): Uint8Array;
  uuidV5(namespaceUuid: string, name: string): string;
  /** `{ as: "idos" }`: idOS's id over the grantee exactly as supplied (docs/spec/grants.md). */
  accessGrantId(grantee: string, dataId: string, lockedUntil: number, options?: { as?: "idos" | "canonical" }): string;
  canonicalizeJson(value: string | object): string;

  toBase64(bytes: Uint8Array): string;
  /** Standard or URL-safe alphabet, padded or unpadded (out: standard, padded). */
  fromBase64(text: string): Uint8Array;
  /** Lowercase, no "0x". */
  toHex(bytes: Uint8Array): string;
  /** With or without "0x", either case. */
  fromHex(text: string): Uint8Array;
  utf8Encode(text: string): Uint8Array;
  utf8Decode(bytes: Uint8Array): string;

  /** true, or throws IdosError VERIFY_FAILED (does not verify) or another code (malformed). */
  ed25519Verify(message: Data, signature: Uint8Array, publicKey: Uint8Array): true;
  generateEd25519KeyPair(): Ed25519KeyPair;
  ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair;
  generateSecp256k1KeyPair(): Secp256k1KeyPair;
  secp256k1KeyPairFromSecret(secretKey: Uint8Array): Secp256k1KeyPair;
  /** `type` "": inferred from the identifier's shape (as a grant's grantee is read). */
  canonicalWalletIdentifier(type: WalletType | "", identifier: string): string;
  /** true, or throws IdosError VERIFY_FAILED (does not verify) or another code (malformed). */
  verifyWalletSignature(request: WalletSignatureRequest): true;
  eip191Hash(message: Data): Uint8Array;

  makeAccessGrant(fields: Omit<AccessGrant, "id">): AccessGrant;
  delegatedAccessGrantMessage(fields: DelegatedAccessGrantFields): string;
  delegatedWriteGrantMessage(fields: DelegatedWriteGrantFields): string;
  readRequestMessage(fields: ReadRequestFields): string;
  signedRequestMessage(fields: SignedRequestFields): string;

  buildCredential(args: {
    id: string; userId: string; publicNotes?: string; plaintext: Data;
    recipientPublicKey: Uint8Array; issuer: Ed25519KeyPair;
  }): Credential;
  makeSharedCopy(args: { copyId: string; userId: string; plaintext: Data; granteePublicKey: Uint8Array }): SharedCopy;
  /** true, or throws IdosError VERIFY_FAILED (a signature does not verify) or another code. */
  verifyCredential(credential: Credential): true;
  /** The issuer signs a VC's status (issuedAt defaults to now; reason "" is omitted). */
  signCredentialStatus(fields: { vcId: string; status: CredentialStatusValue; reason?: string; sequence: number; issuedAt?: number },
    issuer: Ed25519KeyPair): CredentialStatusDocument;
  /**
   * Fields and the issuer's signature (no clock); expected.issuer / expected.vcId must match
   * (MISMATCH). Throws IdosError otherwise.
   */
  verifyCredentialStatus(document: CredentialStatusDocument, expected?: { issuer?: string; vcId?: string }): VerifiedCredentialStatus;

  /** true, or throws IdosError VERIFY_FAILED (the proof does not verify) or another code. `now` in unix seconds. */
  verifyCredentialProof(vc: string | object, now?: number): true;
  signVerifiableCredential(
    unsecured: string | object, key: Ed25519KeyPair,
    options?: { verificationMethod?: string; created?: string; proofPurpose?: string },
  ): Record<string, unknown>;
  didKey(key: Ed25519KeyPair): string;

  /** true, or throws IdosError with the spec's code. `now` in unix seconds. */
  validate(kind: DocumentKind | string, json: string | object, now: number, seenBefore?: boolean): true;
  /** The exact text signed for a document of `kind` (signature members may be absent). */
  signedMessage(kind: SignedMessageKind, json: string | object): string;
  /** The single-use value a node records for a document; keepUntil in unix seconds, 0 = forever. */
  replayKey(kind: ReplayKeyKind, json: string | object): ReplayKey;
  /** The access grant a share, a DWG write or a DAG creates (field rules only). */
  deriveAccessGrant(kind: "share" | "delegated_write_grant" | "delegated_access_grant", json: string | object): AccessGrant;

  generateSymmetricKey(): SymmetricKey;
  symmetricKeyFromPassword(password: string, salt: Uint8Array, params?: PasswordKdfParams): SymmetricKey;
}

export interface LoadOptions {
  /** Where to fetch the .wasm from (default: next to index.js). */
  wasmUrl?: string | URL;
  /** The .wasm bytes, if the caller already has them. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

/** Instantiates the module once; later calls return the same instance. */
export declare function load(options?: LoadOptions): Promise<Idos>;

export declare function utf8Encode(text: string): Uint8Array;
/** Throws IdosError INVALID_UTF8 for malformed bytes. */
export declare function utf8Decode(bytes: Uint8Array): string;
