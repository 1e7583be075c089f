// A dApp's use of idos-core, type-checked by `tsc --strict` against the installed package
// (consumer.test.mjs packs js/, installs the tarball next to this file and runs tsc). Nothing here
// runs. Every `@ts-expect-error` line must be an error: if a result type were `any` (or a member
// missing from the types), the directive would be unused and tsc would fail (TS2578).
import { load, IdosError, ERROR_CODES, WALLET_TYPES, type Credential, type IdosErrorCode } from "idos-core";
import {
  NodeClient,
  signerFrom,
  verifyReceipt,
  verifyLogEntry,
  type LogEntry,
  type Eip1193Provider,
  type EncryptionKeyEntry,
  type Receipt,
  type RequestSigner,
  type GrantRecord,
  type CredentialMeta,
  type WriteOperation,
} from "idos-core/client";
import { openVault, WALLET_SLOT_MESSAGE, type Vault } from "idos-core/vault";

/** What a dApp holds: an injected provider, an ethers-like signer, a viem-like account. */
export async function wallets(ethereum: Eip1193Provider): Promise<RequestSigner[]> {
  const fromProvider: RequestSigner = await signerFrom(ethereum, { connect: false });
  const fromEthers = await signerFrom({ getAddress: async () => "0x", signMessage: async (m: string) => m });
  const fromViem = await signerFrom({ type: "local", address: "0x", signMessage: async ({ message }: { message: string }) => message });
  const trusting: NodeClient = await NodeClient.fromNetwork(["http://127.0.0.1:8787"], { trust: "first-use" });
  // @ts-expect-error fromNetwork needs the explicit trust option
  await NodeClient.fromNetwork(["http://127.0.0.1:8787"], {});
  // @ts-expect-error not a wallet
  await signerFrom(42);
  return [fromProvider, fromEthers, fromViem, ...(trusting.permittedNodeKeys.length ? [] : [])];
}

export async function dapp(signer: RequestSigner, password: string): Promise<void> {
  const idos = await load();
  const me = idos.generateEncryptionKeyPair();
  const userId: string = crypto.randomUUID();
  const node = new NodeClient({ baseUrl: "http://127.0.0.1:8787", idos, permittedNodeKeys: ["00".repeat(32)] });

  const health = await node.health();
  const status: "ok" | "degraded" = health.status;
  const nodeId: string = health.node_id;
  // @ts-expect-error the node id is text
  const wrongNodeId: number = health.node_id;
  const info = await node.nodeInfo();
  const maxBody: number = info.max_body;

  const page = await node.publicGrants({ grantee: signer.identifier, include_revoked: true, limit: 10 });
  const revokedAt: number | null | undefined = page.grants[0]?.revoked_at;
  const cursor: string | null = page.next_cursor;
  if (cursor !== null) await node.publicGrants({ cursor });
  const withDeleted = await node.publicGrants({ includeRevoked: true, includeDeleted: true });
  const firstListed = withDeleted.grants[0];
  const deletedFlag: boolean = firstListed !== undefined && "deleted" in firstListed;
  // @ts-expect-error include_revoked is a boolean
  await node.publicGrants({ include_revoked: "yes" });
  // @ts-expect-error not a documented query parameter
  await node.publicGrants({ ownerId: "x" });

  const created = await node.createUser(signer, { userId, encryptionPublicKey: idos.toBase64(me.publicKey) });
  const createdId: string = created.user.id;
  const op: WriteOperation = created.receipts[0]!.write_operation;
  const position: number = created.log_position;
  // @ts-expect-error a receipt has no such member
  created.receipts[0]!.node;

  const profile = await node.me(signer);
  const addedAt: number | undefined = profile.wallets[0]?.added_at;

  const issuer = idos.generateEd25519KeyPair();
  const credential: Credential = idos.buildCredential({
    id: crypto.randomUUID(), userId, publicNotes: "{}", plaintext: "data", recipientPublicKey: me.publicKey, issuer,
  });
  const put = await node.putCredential(signer, credential);
  const role: "original" | "copy" = put.credential.role;
  // @ts-expect-error the summary's size is a number
  const size: string = put.credential.size;
  // @ts-expect-error putCredential takes a credential document
  await node.putCredential(signer, { id: "x" });

  const list = await node.listCredentials(signer);
  const metas: CredentialMeta[] = list.credentials;
  const got = await node.getCredential(signer, credential.id);
  const plaintext: string = idos.decryptText(got.credential.content, got.credential.encryptor_public_key, me);

  const copy = idos.makeSharedCopy({ copyId: crypto.randomUUID(), userId, plaintext, granteePublicKey: me.publicKey });
  const shared = await node.share(signer, { sharedCopy: copy.credential, originalId: credential.id, grantee: signer.identifier,
    lockedUntil: 0, contentHash: copy.content_hash });
  // The earlier wire spelling is still typed.
  await node.share(signer, { shared_copy: copy.credential, original_id: credential.id, grantee: signer.identifier, locked_until: 0,
    content_hash: copy.content_hash });
  // @ts-expect-error a share names its original
  await node.share(signer, { sharedCopy: copy.credential, grantee: signer.identifier, lockedUntil: 0, contentHash: "" });
  // @ts-expect-error lockedUntil is a number
  await node.share(signer, { sharedCopy: copy.credential, originalId: "x", grantee: signer.identifier, lockedUntil: "0", contentHash: "" });
  const entry: EncryptionKeyEntry = await node.encryptionKeyOf("0xAbC");
  const directoryKey: Uint8Array = entry.publicKey;
  // @ts-expect-error the directory's key is bytes
  const directoryKeyText: string = (await node.encryptionKeyOf("0xAbC")).publicKey;
  await node.createUser(signer, { encryptionPublicKey: me.publicKey });
  const addedWallet: string = (await node.addWallet(signer, signer)).wallet.wallet_identifier;
  // @ts-expect-error a wallet to add is a signer or a signed body
  await node.addWallet(signer, { wallet_identifier: "0x" });
  const grantId: string = shared.grant.id;
  const read = await node.readShared(signer, shared.grant.data_id);
  const readGrant: GrantRecord = read.grant;
  // The issuer's status of the copy's original, checked by the client.
  const readStatus: "active" | "suspended" | "revoked" = read.status.status;
  const statusSet: boolean = read.status.set;
  const issuerKey = idos.generateEd25519KeyPair();
  const statusDoc = idos.signCredentialStatus({ vcId: "urn:uuid:x", status: "suspended", reason: "review", sequence: 1 }, issuerKey);
  // @ts-expect-error status is one of three values
  idos.signCredentialStatus({ vcId: "urn:uuid:x", status: "paused", sequence: 1 }, issuerKey);
  const checked = idos.verifyCredentialStatus(statusDoc, { vcId: "urn:uuid:x" });
  const checkedSequence: number = checked.sequence;
  const setStatus = await node.setCredentialStatus(signer, statusDoc);
  const setSequence: number = setStatus.credential_status.sequence;
  const byVcId = await node.credentialStatus(statusDoc.issuer_auth_public_key, statusDoc.vc_id);
  const byVcIdReason: string = byVcId.reason;
  const deleted = await node.deleteCredential(signer, credential.id);
  const deletedCopies: string[] = deleted.deleted.shared_copies;
  const originalOfCopy: string | null = metas[0]!.original_id;
  const grants = await node.listGrants(signer, "grantee");
  const listed: GrantRecord[] = grants.grants;
  // @ts-expect-error role is owner or grantee
  await node.listGrants(signer, "issuer");
  const revoked = await node.revoke(signer, grantId);
  const revokedTime: number = revoked.revoked_at;

  const dag = await node.delegatedAccessGrant(signer, {
    owner_wallet_type: "EVM", owner_wallet_identifier: signer.identifier, grantee_wallet_identifier: signer.identifier,
    data_id: credential.id, locked_until: 0, content_hash: copy.content_hash, signature: "0x",
  });
  const inserter: string = dag.grant.inserter_type;

  const receipt: Receipt = put.receipts[0]!;
  const ok: true = await node.verifyReceipt(receipt, { expectedSha256: receipt.sha256 });
  const okSync: true = verifyReceipt(idos, receipt, node.permittedNodeKeys);

  // A network: failover over baseUrls, a write resolved by a quorum of signed log entries.
  const network = new NodeClient({ baseUrls: ["http://127.0.0.1:8801", "http://127.0.0.1:8802"], idos,
    permittedNodeKeys: ["00".repeat(32), "11".repeat(32)], minReceipts: 2, quorumWaitMs: 5000 });
  const quorumPut = await network.putCredential(signer, credential);
  const entries: LogEntry[] = quorumPut.logEntries ?? [];
  const agreed: string | undefined = quorumPut.quorum?.stateHash;
  const entryOk: true = verifyLogEntry(idos, entries[0]!, network.permittedNodeKeys, { expectedPosition: quorumPut.log_position });
  const at: number = network.minPosition;
  const urls: string[] = network.baseUrls;
  // @ts-expect-error minReceipts is a number
  new NodeClient({ baseUrls: ["http://127.0.0.1:8801"], minReceipts: "2" });
  const raw = await node.request<{ custom: number }>("GET", "/v1/node");
  const custom: number = raw.custom;
  const unknownAnswer = await node.request("GET", "/v1/node");
  // @ts-expect-error request() without a type argument gives unknown, not any
  unknownAnswer.node_id;

  try {
    await node.me(signer);
  } catch (e) {
    if (e instanceof IdosError) {
      const code: IdosErrorCode | string = e.code;
      const httpStatus: number | undefined = e.status;
      const retryAfter: number | undefined = e.retryAfter;
      // @ts-expect-error retryAfter is seconds, a number
      const retryText: string | undefined = e.retryAfter;
      void [code, httpStatus, retryAfter, retryText];
    }
  }

  const vault: Vault = await openVault({ name: "consumer" });
  if (!vault.initialized) await vault.create({ keyPair: me, password, userId });
  const slot: string = await vault.addWalletSlot(await signer.sign(WALLET_SLOT_MESSAGE));
  await vault.putCredential(credential);
  await vault.close();

  void [status, nodeId, wrongNodeId, maxBody, revokedAt, createdId, op, position, addedAt, role, size, metas,
    readGrant, listed, revokedTime, inserter, ok, okSync, custom, slot, ERROR_CODES, WALLET_TYPES, directoryKey,
    directoryKeyText, addedWallet, agreed, entryOk, at, urls, readStatus, statusSet, checkedSequence, setSequence,
    byVcIdReason, deletedCopies, originalOfCopy, deletedFlag];
  me.dispose();
  issuer.dispose();
  issuerKey.dispose();
}
