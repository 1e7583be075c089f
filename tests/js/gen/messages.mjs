// The signed-message templates of docs/spec/ (grants.md, requests.md, accounts.md, receipts.md), written here from the documents, not from the C++ code: the generators sign these
// bytes (grant-vectors.mjs) and state them as the expected output of signed_message
// (protocol-vectors.mjs).
//
// Every message is `key: value` lines in a fixed order joined by LF, no trailing LF; the first
// line is `operation: <name>`; integers in decimal. Inputs are the documents' JSON members.

const lines = (pairs) => pairs.map(([k, v]) => `${k}: ${v}`).join('\n');

// DAG and DWG: idOS's texts by default (format "idos-1"); "idos-core-1" selects this project's first ones.
export const dagMessage = (d) => (d.format === 'idos-core-1'
  ? lines([['operation', 'delegatedAccessGrant'], ['owner', d.owner_wallet_identifier],
    ['grantee', d.grantee_wallet_identifier], ['data_id', d.data_id], ['locked_until', String(d.locked_until)],
    ['content_hash', d.content_hash]])
  : lines([['operation', 'insertAccessGrant'], ['owner', d.owner_wallet_identifier],
    ['grantee', d.grantee_wallet_identifier], ['dataId', d.data_id], ['lockedUntil', String(d.locked_until)],
    ['contentHash', d.content_hash]]));
export const dwgMessage = (d) => (d.format === 'idos-core-1'
  ? lines([['operation', 'delegatedWriteGrant'], ['owner', d.owner_wallet_identifier],
    ['grantee', d.grantee_wallet_identifier], ['issuer_public_key', d.issuer_public_key], ['id', d.id],
    ['access_grant_timelock', d.access_grant_timelock], ['not_usable_before', d.not_usable_before],
    ['not_usable_after', d.not_usable_after]])
  : lines([['operation', 'delegatedWriteGrant'], ['owner', d.owner_wallet_identifier],
    ['consumer', d.grantee_wallet_identifier], ['issuer public key', d.issuer_public_key], ['id', d.id],
    ['access grant timelock', d.access_grant_timelock], ['not usable before', d.not_usable_before],
    ['not usable after', d.not_usable_after]]));
export const readRequestMessage = (r) => lines([['operation', 'readRequest'], ['grantee', r.grantee_wallet_identifier],
  ['data_id', r.data_id], ['nonce', r.nonce], ['issued_at', r.issued_at]]);
export const signedRequestMessage = (r) => lines([['operation', 'signedRequest'], ['caller', r.caller_wallet_identifier],
  ['method', r.method], ['path', r.path], ['body_sha256', r.body_sha256], ['nonce', r.nonce], ['issued_at', r.issued_at]]);
// docs/api.md, POST /v1/users/me/wallets: signed by the NEW wallet.
export const addWalletMessage = (a) => lines([['operation', 'addWallet'], ['user_id', a.user_id],
  ['wallet_type', a.wallet_type], ['wallet', a.wallet_identifier], ['issued_at', a.issued_at]]);
// docs/api.md, Receipts: Ed25519 by the node key; object_kind is informative and not signed.
export const nodeReceiptMessage = (r) => lines([['operation', 'nodeReceipt'], ['node_id', r.node_id],
  ['write_operation', r.write_operation], ['object_id', r.object_id], ['sha256', r.sha256],
  ['log_position', String(r.log_position)], ['time', r.time]]);
// docs/spec/receipts.md, Signed log entries: its own shape, a version line first and every line
// ending in LF (also the last); Ed25519 by the node key.
export const nodeLogEntryMessage = (e) => ['idos-log-entry/v1', `node_id: ${e.node_id}`, `position: ${e.position}`,
  `log_time: ${e.log_time}`, `tx_sha256: ${e.tx_sha256}`, `result: ${e.result}`, `state_hash: ${e.state_hash}`]
  .map((l) => `${l}\n`).join('');
// docs/spec/receipts.md, Snapshot manifests and snapshot requests: the same shape as log entries.
export const nodeSnapshotMessage = (m) => ['idos-snapshot/v1', `node_id: ${m.node_id}`, `position: ${m.position}`,
  `state_hash: ${m.state_hash}`, `content_sha256: ${m.content_sha256}`, `size: ${m.size}`].map((l) => `${l}\n`).join('');
export const nodeSnapshotRequestMessage = (r) => ['idos-snapshot-request/v1', `node_id: ${r.node_id}`,
  `server_id: ${r.server_id}`, `position: ${r.position}`, `issued_at: ${r.issued_at}`].map((l) => `${l}\n`).join('');

/** The message of a document of `kind`, as the spec's templates define it. */
// docs/spec/lifecycle.md: the issuer's status of a verifiable credential; LF between lines, none
// after the last; an absent reason is an empty one.
export const credentialStatusMessage = (s) => ['idos-credential-status/v1',
  `issuer_auth_public_key: ${s.issuer_auth_public_key}`, `vc_id: ${s.vc_id}`, `status: ${s.status}`,
  `reason: ${s.reason ?? ''}`, `sequence: ${s.sequence}`, `issued_at: ${s.issued_at}`].join('\n');

export const messageOf = {
  delegated_access_grant: dagMessage,
  delegated_write_grant: dwgMessage,
  read_request: readRequestMessage,
  signed_request: signedRequestMessage,
  add_wallet: addWalletMessage,
  node_receipt: nodeReceiptMessage,
  node_log_entry: nodeLogEntryMessage,
  credential_status: credentialStatusMessage,
  node_snapshot: nodeSnapshotMessage,
  node_snapshot_request: nodeSnapshotRequestMessage,
};

/** RFC 3339 UTC in the one form the spec allows (YYYY-MM-DDTHH:MM:SSZ). */
export const rfc3339 = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
