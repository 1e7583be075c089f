import type { AccessGrant, Credential, DelegatedAccessGrantFields, DelegatedWriteGrantFields, Idos, WalletType } from "./index.js";

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

/** docs/api.md "Receipts": what a write did, signed by the node. */
export type WriteOperation =
  | "create_user" | "add_wallet" | "put_credential" | "write_by_dwg" | "share" | "delegated_access_grant" | "revoke";
export type ObjectKind = "user" | "wallet" | "credential" | "shared_copy" | "grant";

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
  /** Wallet identifier. */
  grantee?: string;
  data_id?: string;
  /** 1..500, default 50. */
  limit?: number;
  /** The previous page's `next_cursor`. */
  cursor?: string;
  /** Also list revoked grants (default false). */
  include_revoked?: boolean;
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
  shared_copy: Credential;
  /** Hex SHA-256 of the plaintext. */
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
  shared_copy: Credential;
  /** The grantee's wallet identifier. */
  grantee: string;
  /** Unix seconds before which the owner cannot revoke; 0 = no lock. */
  locked_until: number;
  /** `makeSharedCopy(...).content_hash`. */
  content_hash: string;
}

export interface ShareResult extends WriteResult {
  shared_copy: CredentialSummary;
  grant: AccessGrant;
}

export interface ReadSharedResult {
  credential: Credential;
  meta: CredentialMeta;
  grant: GrantRecord;
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

/**
 * Errors are IdosError with the node's `code`, the HTTP `status` (0 when there was no answer) and,
 * for RATE_LIMITED, `retryAfter` (seconds, from the Retry-After header).
 */
export declare class NodeClient {
  constructor(options?: { baseUrl?: string; idos?: Idos; permittedNodeKeys?: string[]; fetch?: typeof fetch });
  readonly baseUrl: string;
  readonly permittedNodeKeys: string[];
  permitNode(nodeId: string): void;
  signedRequestHeader(signer: RequestSigner, method: string, target: string, bodyText?: string): Promise<string>;
  /** Any call; the answer's JSON is returned as is: give its type as T. */
  request<T = unknown>(method: string, target: string, options?: { signer?: RequestSigner; body?: unknown }): Promise<T>;
  /** true, or rejects with IdosError VERIFY_FAILED (or the code of a malformed receipt). */
  verifyReceipt(receipt: Receipt, options?: { expectedSha256?: string }): Promise<true>;

  health(): Promise<HealthResult>;
  nodeInfo(): Promise<NodeInfo>;
  publicGrants(query?: PublicGrantsQuery): Promise<PublicGrantsResult>;
  /** encryptionPublicKey: base64 of the 32-byte X25519 public key. */
  createUser(signer: RequestSigner, body?: { userId?: string; encryptionPublicKey?: string }): Promise<CreateUserResult>;
  me(signer: RequestSigner): Promise<MeResult>;
  addWallet(signer: RequestSigner, body: AddWalletBody): Promise<AddWalletResult>;
  /** Also checks that the receipt names the SHA-256 of the canonical JSON of `credential` (VERIFY_FAILED otherwise). */
  putCredential(signer: RequestSigner, credential: Credential): Promise<PutCredentialResult>;
  writeByDwg(signer: RequestSigner, body: WriteByDwgBody): Promise<WriteByDwgResult>;
  listCredentials(signer: RequestSigner): Promise<ListCredentialsResult>;
  getCredential(signer: RequestSigner, id: string): Promise<GetCredentialResult>;
  share(signer: RequestSigner, body: ShareBody): Promise<ShareResult>;
  readShared(signer: RequestSigner, dataId: string): Promise<ReadSharedResult>;
  listGrants(signer: RequestSigner, role: "owner" | "grantee"): Promise<ListGrantsResult>;
  delegatedAccessGrant(signer: RequestSigner, dag: DelegatedAccessGrantDocument): Promise<DelegatedAccessGrantResult>;
  revoke(signer: RequestSigner, grantId: string): Promise<RevokeResult>;
}

export declare function receiptMessage(idos: Idos, receipt: Receipt): string;
/** Synchronous receipt check with a loaded module: true, or throws IdosError VERIFY_FAILED (or the code of a malformed receipt). */
export declare function verifyReceipt(idos: Idos, receipt: Receipt, permittedNodeKeys: string[],
  options?: { expectedSha256?: string }): true;
export declare function rfc3339(date?: Date): string;
