import type {
  AccessGrant, Credential, CredentialStatusDocument, CredentialStatusValue, DelegatedAccessGrantFields,
  DelegatedWriteGrantFields, Ed25519KeyPair, EncryptionKeyPair, Idos, Secp256k1KeyPair, WalletType,
} from "./index.js";

/** Something that signs the node's request messages with a wallet. */
export interface RequestSigner {
  type: WalletType;
  identifier: string;
  /** XRPL: "ED" + 64 uppercase hex. */
  publicKey?: string;
  sign(message: string): string | Promise<string>;
  /** NEAR (NEP-413) only. */
  nearNonce?: string;
  nearRecipient?: string;
  nearCallbackUrl?: string;
}

/** An ethers v6 Signer or Wallet (what `signerFrom` reads of it). */
export interface EthersSignerLike {
  getAddress(): Promise<string>;
  signMessage(message: string): Promise<string>;
}
/** A viem LocalAccount (privateKeyToAccount, ...). */
export interface ViemAccountLike {
  type: "local";
  address: string;
  signMessage(args: { message: string }): Promise<string>;
}
/** A viem WalletClient (createWalletClient). */
export interface ViemWalletClientLike {
  account?: { address: string } | undefined;
  getAddresses(): Promise<readonly string[]>;
  requestAddresses?(): Promise<readonly string[]>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  signMessage(args: { account: any; message: string }): Promise<string>;
}
/** An EIP-1193 provider (`window.ethereum`). */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}
export type WalletLike =
  | RequestSigner | EthersSignerLike | ViemAccountLike | ViemWalletClientLike | Eip1193Provider | Secp256k1KeyPair | Ed25519KeyPair;
export interface SignerFromOptions {
  /** A loaded module (default: `load()`). */
  idos?: Idos;
  /** Which account of a WalletClient or provider, in any spelling (default: the first). */
  account?: string;
  /** false: `eth_accounts` / `getAddresses()` only, never a connection prompt (default true). */
  connect?: boolean;
  /** For an Ed25519KeyPair: the wallet type it signs as. */
  type?: "Stellar" | "XRPL" | "FaceSign";
}
/**
 * The request signer for a wallet the dApp holds: identifier canonical, and every signature
 * checked by the core against it (VERIFY_FAILED when the wallet signed with another account).
 */
export declare function signerFrom(wallet: WalletLike, options?: SignerFromOptions): Promise<RequestSigner>;

/** docs/api.md "Receipts": what a write did, signed by the node. */
export type WriteOperation =
  | "create_user" | "add_wallet" | "put_credential" | "write_by_dwg" | "share" | "delegated_access_grant" | "revoke"
  | "delete_credential" | "set_credential_status" | "edit_credential" | "change_encryption_key" | "remove_wallet";
export type ObjectKind = "user" | "wallet" | "credential" | "shared_copy" | "grant" | "credential_status"
  | "deleted_credential" | "deleted_shared_copy" | "deleted_grant";

export interface Receipt {
  node_id: string;
  write_operation: WriteOperation;
  object_id: string;
  /** Informative, not signed. */
  object_kind?: ObjectKind;
  /** Hex SHA-256 of the RFC 8785 canonical JSON of what was stored. */
  sha256: string;
  log_position: number;
  /** RFC 3339 UTC, "YYYY-MM-DDTHH:MM:SSZ". */
  time: string;
  signature: string;
}

/** Every accepted write: the log position of the write and one verified receipt per object stored. */
export interface WriteResult {
  log_position: number;
  receipts: Receipt[];
  /** With `minReceipts` > 1: the verified signed log entries of every node that had one (one per node id). */
  logEntries?: LogEntry[];
  /** With `minReceipts` > 1: the position, the state hash the nodes agree on, how many signed it. */
  quorum?: { position: number; stateHash: string; nodes: number };
}

/** A network node's signed log entry, GET /v1/log/{position} (docs/spec/receipts.md). */
export interface LogEntry {
  node_id: string;
  position: number;
  /** Unix seconds: the time the log stored the entry (the same on every node). */
  log_time: number;
  tx_sha256: string;
  /** "OK", the error code apply refused it with, or "DUPLICATE". */
  result: string;
  state_hash: string;
  signature: string;
}

export interface NodeClientOptions {
  /** One node ("" = same origin). Not with baseUrls. */
  baseUrl?: string;
  /** The nodes of a network (1..64), tried in order; a request fails over on no answer or a 5xx. */
  baseUrls?: string[];
  idos?: Idos;
  permittedNodeKeys?: string[];
  fetch?: typeof fetch;
  /** 0..5 rounds of resends (of every node), default 0. */
  retries?: number;
  /** 1..64 (default 1): distinct permitted nodes whose signed OK entry a write waits for. */
  minReceipts?: number;
  /** 0..120000 ms (default 10000): how long a write waits for minReceipts entries. */
  quorumWaitMs?: number;
}

export interface HealthResult {
  status: "ok" | "degraded";
  version: string;
  plugin_abi: number;
  plugin_version: string;
  storage: "ok" | "error";
  node_id: string;
  log_position: number;
}

export interface NodeInfo {
  node_id: string;
  version: string;
  plugin_abi: number;
  plugin_version: string;
  log_position: number;
  /** Largest request body the node accepts, in bytes. */
  max_body: number;
}

/** An access grant as the node lists it: the 8 members plus when it was written and revoked (unix seconds). */
export interface GrantRecord extends AccessGrant {
  created_at: number;
  log_position: number;
  revoked_at: number | null;
}

/** Query parameters of GET /v1/public/grants (docs/api.md), all optional. */
export interface PublicGrantsQuery {
  /** User id. */
  owner?: string;
  /** Wallet identifier, in any spelling its wallet gives (canonicalised before sending). */
  grantee?: string;
  dataId?: string;
  /** The wire name of `dataId` (still accepted). */
  data_id?: string;
  /** 1..500, default 50. */
  limit?: number;
  /** The previous page's `next_cursor`. */
  cursor?: string;
  /** Also list revoked grants (default false). */
  includeRevoked?: boolean;
  /** The wire name of `includeRevoked` (still accepted). */
  include_revoked?: boolean;
  /** Also list grants deleted with their credential, as ids only (default false). */
  includeDeleted?: boolean;
  include_deleted?: boolean;
}

/** `encryptionKeyOf(wallet)`: the node's public directory entry of a wallet. */
export interface EncryptionKeyEntry {
  /** The 32-byte X25519 public key of the wallet's user. */
  publicKey: Uint8Array;
  userId: string;
  walletType: WalletType;
  /** Canonical. */
  walletIdentifier: string;
}

/** A grant whose credential was deleted: its id stays taken, nothing else is shown. */
export interface DeletedGrantRecord {
  id: string;
  deleted: true;
  deleted_at: number;
  log_position: number;
}

/** With `includeDeleted: true` (and no owner/grantee/dataId filter), deleted grants in their place. */
export interface PublicGrantsWithDeletedResult {
  grants: (GrantRecord | DeletedGrantRecord)[];
  next_cursor: string | null;
}

export interface PublicGrantsResult {
  grants: GrantRecord[];
  /** null on the last page. */
  next_cursor: string | null;
}

export interface WalletEntry {
  wallet_type: WalletType;
  wallet_identifier: string;
}

export interface UserRecord {
  id: string;
  /** Base64 X25519 public key; "" when the user registered none. */
  encryption_public_key: string;
}

export interface CreateUserResult extends WriteResult {
  user: UserRecord;
  wallets: WalletEntry[];
}

export interface MeResult {
  user: UserRecord & { created_at: number };
  wallets: Array<WalletEntry & { added_at: number }>;
}

/** Body of POST /v1/users/me/wallets: the new wallet's signed add-wallet proof. */
export interface AddWalletBody {
  wallet_type: WalletType;
  wallet_identifier: string;
  /** RFC 3339 UTC. */
  issued_at: string;
  signature: string;
  /** XRPL only. */
  wallet_public_key?: string;
  /** NEAR only. */
  near_nonce?: string;
  near_recipient?: string;
}

export interface AddWalletResult extends WriteResult {
  wallet: WalletEntry & { user_id: string };
}

/** What a write answers about a credential it stored. */
export interface CredentialSummary {
  id: string;
  user_id: string;
  role: "original" | "copy";
  sha256: string;
  /** Bytes of the stored canonical JSON. */
  size: number;
  log_position: number;
}

/** What the node lists about a stored credential. */
export interface CredentialMeta extends CredentialSummary {
  issuer_auth_public_key: string;
  created_at: number;
  /** A shared copy's original (null for originals and for copies made before schema 4). */
  original_id: string | null;
}

export interface PutCredentialResult extends WriteResult {
  credential: CredentialSummary;
}

/** A signed delegated write grant (docs/spec/validation.md, signer members with role `owner`). */
export interface DelegatedWriteGrantDocument extends DelegatedWriteGrantFields {
  owner_wallet_type: WalletType;
  signature: string;
  owner_public_key?: string;
  near_nonce?: string;
  near_recipient?: string;
  near_callback_url?: string;
}

/** A signed delegated access grant (docs/spec/validation.md, signer members with role `owner`). */
export interface DelegatedAccessGrantDocument extends DelegatedAccessGrantFields {
  owner_wallet_type: WalletType;
  signature: string;
  owner_public_key?: string;
  near_nonce?: string;
  near_recipient?: string;
  near_callback_url?: string;
}

export interface WriteByDwgBody {
  dwg: DelegatedWriteGrantDocument;
  credential: Credential;
  sharedCopy: Credential;
  /** Hex SHA-256 of the plaintext. */
  contentHash: string;
}
/** The earlier snake_case spelling of WriteByDwgBody (the wire's), still accepted. */
export interface WriteByDwgWireBody {
  dwg: DelegatedWriteGrantDocument;
  credential: Credential;
  shared_copy: Credential;
  content_hash: string;
}

export interface WriteByDwgResult extends WriteResult {
  credential: CredentialSummary;
  shared_copy: CredentialSummary;
  grant: AccessGrant;
  dwg_id: string;
}

export interface ListCredentialsResult {
  credentials: CredentialMeta[];
}

export interface GetCredentialResult {
  /** The record exactly as stored. */
  credential: Credential;
  meta: CredentialMeta;
}

export interface ShareBody {
  /** `makeSharedCopy(...).credential`, with user_id the caller's user id. */
  sharedCopy: Credential;
  /** The caller's original credential the copy was made from. */
  originalId: string;
  /** The grantee's wallet identifier, in any spelling its wallet gives (e.g. EIP-55). */
  grantee: string;
  /** Unix seconds before which the owner cannot revoke; 0 = no lock. */
  lockedUntil: number;
  /** `makeSharedCopy(...).content_hash`. */
  contentHash: string;
}
/** The earlier snake_case spelling of ShareBody (the wire's), still accepted. */
export interface ShareWireBody {
  shared_copy: Credential;
  original_id: string;
  grantee: string;
  locked_until: number;
  content_hash: string;
}

export interface ShareResult extends WriteResult {
  shared_copy: CredentialSummary;
  grant: AccessGrant;
}

/**
 * An issuer's status of a VC as the client checked it (the issuer's signature, by the module).
 * `set: false` (status "active", other members null or 0) when the issuer set none.
 */
export interface CredentialStatusInfo {
  status: CredentialStatusValue;
  set: boolean;
  reason: string;
  sequence: number;
  issuedAt: number | null;
  issuer: string | null;
  vcId: string | null;
  /** When this network applied it (log time), and at which position. */
  setAt: number | null;
  logPosition: number | null;
  document: CredentialStatusDocument | null;
}

export interface ReadSharedResult {
  credential: Credential;
  meta: CredentialMeta;
  grant: GrantRecord;
  /** The current status of the copy's original. */
  status: CredentialStatusInfo;
}

export interface DeleteCredentialResult extends WriteResult {
  deleted: {
    credential: string;
    role: "original" | "copy";
    shared_copies: string[];
    grants: string[];
    /** Unix seconds (the deletion's log time). */
    deleted_at: number;
  };
}

export interface SetCredentialStatusResult extends WriteResult {
  credential_status: CredentialStatusDocument;
}

export interface ListGrantsResult {
  role: "owner" | "grantee";
  grants: GrantRecord[];
}

export interface DelegatedAccessGrantResult extends WriteResult {
  grant: AccessGrant;
}

export interface RevokeResult extends WriteResult {
  grant: AccessGrant;
  /** Unix seconds (the revocation's log time). */
  revoked_at: number;
}

export interface EditCredentialResult extends WriteResult {
  credential: CredentialSummary;
}

export interface RemoveWalletResult extends WriteResult {
  wallet: WalletEntry & { user_id: string };
  /** Unix seconds (the removal's log time). */
  removed_at: number;
}

/** The keys of a key change: two key pairs, or two passwords derived from the user id. */
export interface ChangeEncryptionKeyOptions {
  currentKeyPair?: EncryptionKeyPair;
  newKeyPair?: EncryptionKeyPair;
  currentPassword?: string;
  newPassword?: string;
  /** The user-id salt rule of deriveEncryptionKeyPair ("any-uuid" by default). */
  salt?: "idos" | "any-uuid";
  /** Signs the re-encrypted records; default: a fresh key pair, destroyed after signing. */
  issuer?: Ed25519KeyPair;
}

export interface ChangeEncryptionKeyResult extends WriteResult {
  user: UserRecord;
  /** Every original, re-encrypted to the new key, in the order sent. */
  credentials: CredentialSummary[];
}

/**
 * Errors are IdosError with the node's `code`, the HTTP `status` (0 when there was no answer) and,
 * for RATE_LIMITED, `retryAfter` (seconds, from the Retry-After header).
 */
export declare class NodeClient {
  /**
   * permittedNodeKeys: the node ids whose receipts are trusted; without any, every write is
   * refused (INVALID_INPUT) before it is sent. retries (0..5, default 0): rounds of resends of the
   * same signed bytes when no node answered (or a 5xx). baseUrls: several nodes, failed over in
   * order. minReceipts: a write resolves only with that many distinct permitted nodes' signed
   * entries at its position (else UNAVAILABLE, status 200, with `logEntries`; two state hashes:
   * VERIFY_FAILED).
   */
  constructor(options?: NodeClientOptions);
  /** Trusts the node ids the nodes at `urls` name (GET /v1/node): only with `trust: "first-use"`. */
  static fromNetwork(urls: string | string[],
    options: { trust: "first-use"; idos?: Idos; fetch?: typeof fetch; retries?: number; minReceipts?: number;
      quorumWaitMs?: number }): Promise<NodeClient>;
  /** The node tried first (the one that answered last). */
  readonly baseUrl: string;
  readonly baseUrls: string[];
  /** The highest log position this client's writes were receipted at; sent as Idos-Min-Position. */
  readonly minPosition: number;
  readonly permittedNodeKeys: string[];
  /** 64 hex digits, either case, with or without 0x. */
  permitNode(nodeId: string): void;
  signedRequestHeader(signer: RequestSigner, method: string, target: string, bodyText?: string): Promise<string>;
  /** Any call; the answer's JSON is returned as is: give its type as T. */
  request<T = unknown>(method: string, target: string, options?: { signer?: RequestSigner; body?: unknown }): Promise<T>;
  /** true, or rejects with IdosError VERIFY_FAILED (or the code of a malformed receipt). */
  verifyReceipt(receipt: Receipt, options?: { expectedSha256?: string }): Promise<true>;

  health(): Promise<HealthResult>;
  nodeInfo(): Promise<NodeInfo>;
  publicGrants(query: PublicGrantsQuery & { includeDeleted: true }): Promise<PublicGrantsWithDeletedResult>;
  publicGrants(query?: PublicGrantsQuery): Promise<PublicGrantsResult>;
  /** The public encryption key of the user `wallet` (any spelling) is registered to; NOT_FOUND (404) when none. */
  encryptionKeyOf(wallet: string): Promise<EncryptionKeyEntry>;
  /** encryptionPublicKey: the 32-byte X25519 public key (or its base64, either alphabet), checked before sending. */
  createUser(signer: RequestSigner, body?: { userId?: string; encryptionPublicKey?: Uint8Array | string }): Promise<CreateUserResult>;
  me(signer: RequestSigner): Promise<MeResult>;
  /** wallet: the new wallet's signer (the client builds and has it sign the add-wallet proof), or a signed AddWalletBody. */
  addWallet(signer: RequestSigner, wallet: RequestSigner | AddWalletBody): Promise<AddWalletResult>;
  /** Also checks that the receipt names the SHA-256 of the canonical JSON of `credential` (VERIFY_FAILED otherwise). */
  putCredential(signer: RequestSigner, credential: Credential): Promise<PutCredentialResult>;
  writeByDwg(signer: RequestSigner, body: WriteByDwgBody | WriteByDwgWireBody): Promise<WriteByDwgResult>;
  listCredentials(signer: RequestSigner): Promise<ListCredentialsResult>;
  getCredential(signer: RequestSigner, id: string): Promise<GetCredentialResult>;
  share(signer: RequestSigner, body: ShareBody | ShareWireBody): Promise<ShareResult>;
  readShared(signer: RequestSigner, dataId: string): Promise<ReadSharedResult>;
  /** The public status an issuer set on a VC (GET /v1/public/credential-status), checked. */
  credentialStatus(issuerPublicKey: string, vcId: string): Promise<CredentialStatusInfo>;
  /** Submits an issuer's signed status (Idos.signCredentialStatus); any signer may send it. */
  setCredentialStatus(signer: RequestSigner, statusDocument: CredentialStatusDocument): Promise<SetCredentialStatusResult>;
  /** The owner deletes a credential (an original with its copies, or one copy) and the grants on them. */
  deleteCredential(signer: RequestSigner, credentialId: string): Promise<DeleteCredentialResult>;
  listGrants(signer: RequestSigner, role: "owner" | "grantee"): Promise<ListGrantsResult>;
  delegatedAccessGrant(signer: RequestSigner, dag: DelegatedAccessGrantDocument): Promise<DelegatedAccessGrantResult>;
  revoke(signer: RequestSigner, grantId: string): Promise<RevokeResult>;
  /** Replaces one of the caller's originals (same id); FORBIDDEN for a copy or another's, LOCKED while a copy's grant is timelocked. */
  editCredential(signer: RequestSigner, credential: Credential): Promise<EditCredentialResult>;
  /** Another wallet of the caller's user (any spelling); never the calling wallet, never the last one. */
  removeWallet(signer: RequestSigner, wallet: string): Promise<RemoveWalletResult>;
  /** Re-encrypts every original to the new key and submits them with the new public key in one write. */
  changeEncryptionKey(signer: RequestSigner, options: ChangeEncryptionKeyOptions): Promise<ChangeEncryptionKeyResult>;
}

export declare function receiptMessage(idos: Idos, receipt: Receipt): string;
/** Synchronous receipt check with a loaded module: true, or throws IdosError VERIFY_FAILED (or the code of a malformed receipt). */
export declare function verifyReceipt(idos: Idos, receipt: Receipt, permittedNodeKeys: string[],
  options?: { expectedSha256?: string }): true;
export declare function logEntryMessage(idos: Idos, entry: LogEntry | Omit<LogEntry, "signature">): string;
/** Synchronous log entry check with a loaded module: true, or throws IdosError VERIFY_FAILED (or the code of a malformed entry). */
export declare function verifyLogEntry(idos: Idos, entry: LogEntry, permittedNodeKeys: string[],
  options?: { expectedPosition?: number }): true;
export declare function rfc3339(date?: Date): string;
