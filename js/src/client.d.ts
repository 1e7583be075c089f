import type { Idos, WalletType } from "./index.js";

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

export interface Receipt {
  node_id: string;
  write_operation: string;
  object_id: string;
  object_kind?: string;
  sha256: string;
  log_position: number;
  time: string;
  signature: string;
}

/** Errors are IdosError with the node's `code` plus the HTTP `status` (0 when there was no answer). */
export declare class NodeClient {
  constructor(options?: { baseUrl?: string; idos?: Idos; permittedNodeKeys?: string[]; fetch?: typeof fetch });
  readonly baseUrl: string;
  readonly permittedNodeKeys: string[];
  permitNode(nodeId: string): void;
  signedRequestHeader(signer: RequestSigner, method: string, target: string, bodyText?: string): Promise<string>;
  request(method: string, target: string, options?: { signer?: RequestSigner; body?: unknown }): Promise<any>;
  /** true, or rejects with IdosError VERIFY_FAILED (or the code of a malformed receipt). */
  verifyReceipt(receipt: Receipt, options?: { expectedSha256?: string }): Promise<true>;

  health(): Promise<{ node_id: string; [k: string]: unknown }>;
  nodeInfo(): Promise<any>;
  publicGrants(query?: { owner?: string; grantee?: string; data_id?: string; limit?: number; cursor?: string | number }): Promise<any>;
  createUser(signer: RequestSigner, body?: { userId?: string; encryptionPublicKey?: string }): Promise<any>;
  me(signer: RequestSigner): Promise<any>;
  addWallet(signer: RequestSigner, body: object): Promise<any>;
  putCredential(signer: RequestSigner, credential: object): Promise<any>;
  writeByDwg(signer: RequestSigner, body: { dwg: object; credential: object; shared_copy: object; content_hash: string }): Promise<any>;
  listCredentials(signer: RequestSigner): Promise<any>;
  getCredential(signer: RequestSigner, id: string): Promise<any>;
  share(signer: RequestSigner, body: object): Promise<any>;
  readShared(signer: RequestSigner, dataId: string): Promise<any>;
  listGrants(signer: RequestSigner, role: "owner" | "grantee"): Promise<any>;
  delegatedAccessGrant(signer: RequestSigner, dag: object): Promise<any>;
  revoke(signer: RequestSigner, grantId: string): Promise<any>;
}

export declare function receiptMessage(idos: Idos, receipt: Receipt): string;
/** Synchronous receipt check with a loaded module: true, or throws IdosError VERIFY_FAILED (or the code of a malformed receipt). */
export declare function verifyReceipt(idos: Idos, receipt: Receipt, permittedNodeKeys: string[],
  options?: { expectedSha256?: string }): true;
export declare function rfc3339(date?: Date): string;
