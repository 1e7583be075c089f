// Generates tests/vectors/protocol.json: the protocol layer's functions besides the validator,
// each case with the exact output every binding must give:
//   signed_message(kind, json)       the text a wallet or node signs (docs/spec/, docs/api.md)
//   replay_key(kind, json)           {key, keep_until}: the single-use value a node records
//   derive_access_grant(kind, json)  the access grant (RFC 8785 canonical JSON) a write creates
// or the error code of a rejected input.
//
// The expected values come from this file's own implementation of the documents: the message
// templates of ./messages.mjs, UUIDv5 from the npm `uuid` package (checked against node:crypto),
// JCS from `canonicalize`; signatures (where a case carries one) from ethers and tweetnacl over
// the expected message, so the expected text is what the wallets signed. The generator never runs
// the C++ code. Keys, ids and times are fixed: a re-run is byte-identical.
//
// Run: cd tests/js && node gen/protocol-vectors.mjs

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Wallet, hashMessage, verifyMessage } from 'ethers';
import naclModule from 'tweetnacl';
import canonicalizeModule from 'canonicalize';
import { v5 as uuidv5 } from 'uuid';
import { libVersion, assert, utf8, toHex, sha256, VECTORS, base58, uuidV4Shaped } from './common.mjs';
import { messageOf, rfc3339 } from './messages.mjs';

const nacl = naclModule.default ?? naclModule;
const canonicalize = canonicalizeModule.default ?? canonicalizeModule;

const seed32 = (label) => sha256(utf8(`idos-core/protocol-vectors/${label}`));
const clone = (o) => JSON.parse(JSON.stringify(o));
const without = (o, ...keys) => { const c = clone(o); for (const k of keys) delete c[k]; return c; };

const uuidFromLabel = (label) => uuidV4Shaped(seed32(`uuid/${label}`));  // fixed v4-shaped ids
const unix = (t) => {
  assert(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(t), `RFC 3339 time ${t}`);
  return Date.parse(t) / 1000;
};

// ---------------------------------------------------------------- access grant ids (idOS)

const NS = '31276fd4-105f-4ff7-9f64-644942c14b79';
const accessGrantId = (grantee, dataId, lockedUntil) => uuidv5(`${grantee}-${dataId}-${lockedUntil}`, NS);
{
  // The npm uuid package against UUIDv5 by hand (RFC 9562: SHA-1 of namespace || name).
  const name = '0x0000000000000000000000000000000000000001-00000000-0000-4000-8000-000000000001-1700000000';
  const h = createHash('sha1').update(Buffer.from(NS.replace(/-/g, ''), 'hex')).update(name).digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  assert(uuidv5(name, NS).replace(/-/g, '') === h.toString('hex'), 'uuid v5 == SHA-1 by hand');
}
// The access grant a write creates, as docs/spec/grants.md lists its members, in RFC 8785 form.
const grantText = (g) => canonicalize({ id: accessGrantId(g.grantee, g.data_id, g.locked_until), owner: g.owner,
  grantee: g.grantee, data_id: g.data_id, locked_until: g.locked_until, content_hash: g.content_hash,
  inserter_type: g.inserter_type, inserter_id: g.inserter_id });

// ---------------------------------------------------------------- keys and documents

const evm = (label) => {
  const w = new Wallet('0x' + toHex(seed32(`evm/${label}`)));
  return { type: 'EVM', id: w.address.toLowerCase(), checksummed: w.address,
    sign: (m) => {
      const sig = w.signingKey.sign(hashMessage(m)).serialized;
      assert(verifyMessage(m, sig) === w.address, 'ethers recovers the signer');
      return sig;
    } };
};
const facesign = (label) => {
  const kp = nacl.sign.keyPair.fromSeed(seed32(`facesign/${label}`));
  return { type: 'FaceSign', id: toHex(kp.publicKey), sign: (m) => toHex(nacl.sign.detached(utf8(m), kp.secretKey)) };
};
const nearId = (label) => 'ed25519:' + base58(nacl.sign.keyPair.fromSeed(seed32(`near/${label}`)).publicKey);

const OWNER = evm('owner');
const OWNER_FS = facesign('owner');
const GRANTEE = evm('grantee');
const GRANTEE_FS = facesign('grantee');
const RELAYER = evm('relayer');
const NEW_EVM = evm('new-wallet');
const NEW_FS = facesign('new-wallet');
const ISSUER_KEY = toHex(nacl.sign.keyPair.fromSeed(seed32('issuer')).publicKey);
const NODE = nacl.sign.keyPair.fromSeed(seed32('node'));

const T0 = 1767225600;  // 2026-01-01T00:00:00Z
const USER_ID = uuidFromLabel('user');
const COPY_ID = uuidFromLabel('copy');
const CONTENT_HASH = toHex(sha256(utf8('{"credentialSubject":{"level":"basic"}}')));
const NONCE = toHex(seed32('nonce'));
const NEAR_MEMBERS = { near_nonce: toHex(seed32('near-nonce')), near_recipient: 'idos.network' };

const signed = (kind, doc, signer) => ({ ...doc, signature: signer.sign(messageOf[kind](doc)) });

const dag = (owner, fields = {}) => ({ owner_wallet_type: owner.type, owner_wallet_identifier: owner.id,
  grantee_wallet_identifier: GRANTEE.id, data_id: COPY_ID, locked_until: T0 + 3600, content_hash: CONTENT_HASH, ...fields });
const dwg = (owner, fields = {}) => ({ owner_wallet_type: owner.type, owner_wallet_identifier: owner.id,
  grantee_wallet_identifier: GRANTEE.id, issuer_public_key: ISSUER_KEY, id: uuidFromLabel('dwg'),
  access_grant_timelock: rfc3339(T0 + 7 * 86400), not_usable_before: rfc3339(T0), not_usable_after: rfc3339(T0 + 86400),
  ...fields });
const readReq = (grantee, fields = {}) => ({ grantee_wallet_type: grantee.type, grantee_wallet_identifier: grantee.id,
  data_id: COPY_ID, nonce: NONCE, issued_at: rfc3339(T0 + 1000), ...fields });
const EMPTY_SHA = toHex(sha256(new Uint8Array()));
const signedReq = (caller, fields = {}) => ({ caller_wallet_type: caller.type, caller_wallet_identifier: caller.id,
  method: 'GET', path: `/v1/credentials/${COPY_ID}?include=content`, body_sha256: EMPTY_SHA, nonce: NONCE,
  issued_at: rfc3339(T0 + 1000), ...fields });
const addWallet = (wallet, fields = {}) => ({ user_id: USER_ID, wallet_type: wallet.type, wallet_identifier: wallet.id,
  issued_at: rfc3339(T0 + 2000), ...fields });
const receipt = (fields = {}) => ({ node_id: toHex(NODE.publicKey), write_operation: 'put_credential',
  object_id: COPY_ID, object_kind: 'shared_copy', sha256: CONTENT_HASH, log_position: 7, time: rfc3339(T0 + 42), ...fields });
const logEntry = (fields = {}) => ({ node_id: toHex(NODE.publicKey), position: 42, log_time: T0 + 42,
  tx_sha256: CONTENT_HASH, result: 'OK', state_hash: EMPTY_SHA, ...fields });
const signLogEntry = (e) => ({ ...e, signature: toHex(nacl.sign.detached(utf8(messageOf.node_log_entry(e)), NODE.secretKey)) });
const signReceipt = (r) => ({ ...r, signature: toHex(nacl.sign.detached(utf8(messageOf.node_receipt(r)), NODE.secretKey)) });

// ---------------------------------------------------------------- cases

const cases = [];
const add = (op, kind, id, comment, input, expected) => {
  assert(!cases.some((c) => c.id === id), `unique id ${id}`);
  const c = { id, comment, op, kind };
  if (typeof input === 'string') c.input_text = input; else c.input = input;
  c.expected = expected;
  cases.push(c);
};
const ERROR = /^[A-Z][A-Z_]*$/;

// ---------------------------------------------------------------- signed_message

{
  const op = 'signed_message';
  const msg = (kind, id, comment, doc) => add(op, kind, id, comment, doc, messageOf[kind](doc));

  const D = dag(OWNER);
  msg('delegated_access_grant', 'signed_message/dag-evm', 'DAG by an EVM owner, signature absent', D);
  msg('delegated_access_grant', 'signed_message/dag-evm-signed', 'the same DAG with its signature (ethers): the same text', signed('delegated_access_grant', D, OWNER));
  msg('delegated_access_grant', 'signed_message/dag-facesign', 'FaceSign owner and grantee, signed (tweetnacl)', signed('delegated_access_grant', dag(OWNER_FS, { grantee_wallet_identifier: GRANTEE_FS.id }), OWNER_FS));
  msg('delegated_access_grant', 'signed_message/dag-no-lock', 'locked_until 0 is written "0"', dag(OWNER, { locked_until: 0 }));
  msg('delegated_access_grant', 'signed_message/dag-max-lock', 'locked_until 253402300799', dag(OWNER, { locked_until: 253402300799 }));
  msg('delegated_access_grant', 'signed_message/dag-near-owner', 'a NEAR owner: near_* members belong to the signature, not the text', { ...dag({ type: 'NEAR', id: nearId('owner') }), ...NEAR_MEMBERS });
  msg('delegated_access_grant', 'signed_message/dag-owner-eip55', 'an EIP-55 owner (as idOS clients send it): the text carries the spelling the wallet signs', dag({ ...OWNER, id: OWNER.checksummed }));
  const badSum = GRANTEE.checksummed.slice(0, 2) + [...GRANTEE.checksummed.slice(2)].map((c) => (/[a-f]/.test(c) ? c.toUpperCase() : /[A-F]/.test(c) ? c.toLowerCase() : c)).join('');
  add(op, 'delegated_access_grant', 'signed_message/dag-grantee-bad-checksum', 'grantee in mixed case with a wrong EIP-55 checksum', dag(OWNER, { grantee_wallet_identifier: badSum }), 'CHECKSUM_MISMATCH');
  add(op, 'delegated_access_grant', 'signed_message/dag-locked-until-negative', 'locked_until -1', dag(OWNER, { locked_until: -1 }), 'INVALID_INPUT');
  add(op, 'delegated_access_grant', 'signed_message/dag-locked-until-float', 'locked_until 0.0', JSON.stringify(dag(OWNER, { locked_until: 0 })).replace('"locked_until":0', '"locked_until":0.0'), 'INVALID_INPUT');
  msg('delegated_access_grant', 'signed_message/dag-near-without-nonce', 'a NEAR owner without near_* members: idOS\'s packed NEP-413 form, same text', dag({ type: 'NEAR', id: nearId('owner') }));
  add(op, 'delegated_access_grant', 'signed_message/dag-signature-not-string', 'a signature member, when present, must be a string', { ...D, signature: 1 }, 'INVALID_INPUT');
  add(op, 'delegated_access_grant', 'signed_message/dag-unknown-member', 'an unknown member', { ...D, id: uuidFromLabel('x') }, 'INVALID_INPUT');
  add(op, 'delegated_access_grant', 'signed_message/dag-missing-content-hash', 'content_hash missing', without(D, 'content_hash'), 'INVALID_INPUT');

  const W = dwg(OWNER);
  msg('delegated_write_grant', 'signed_message/dwg-evm', 'DWG by an EVM owner, signature absent', W);
  msg('delegated_write_grant', 'signed_message/dwg-evm-signed', 'the same DWG signed (ethers)', signed('delegated_write_grant', W, OWNER));
  msg('delegated_write_grant', 'signed_message/dwg-facesign', 'FaceSign owner, FaceSign grantee', signed('delegated_write_grant', dwg(OWNER_FS, { grantee_wallet_identifier: GRANTEE_FS.id }), OWNER_FS));
  add(op, 'delegated_write_grant', 'signed_message/dwg-window-reversed', 'not_usable_before after not_usable_after', dwg(OWNER, { not_usable_before: rfc3339(T0 + 86400), not_usable_after: rfc3339(T0) }), 'INVALID_INPUT');
  add(op, 'delegated_write_grant', 'signed_message/dwg-time-fraction', 'access_grant_timelock with milliseconds', dwg(OWNER, { access_grant_timelock: '2026-01-08T00:00:00.000Z' }), 'INVALID_LENGTH');
  add(op, 'delegated_write_grant', 'signed_message/dwg-issuer-key-uppercase', 'issuer_public_key in uppercase hex', dwg(OWNER, { issuer_public_key: ISSUER_KEY.toUpperCase() }), 'INVALID_ENCODING');

  msg('read_request', 'signed_message/read-request-evm', 'read request by an EVM grantee', readReq(GRANTEE));
  msg('read_request', 'signed_message/read-request-facesign-signed', 'read request by a FaceSign grantee, signed', signed('read_request', readReq(GRANTEE_FS), GRANTEE_FS));
  add(op, 'read_request', 'signed_message/read-request-nonce-uppercase', 'nonce in uppercase hex', readReq(GRANTEE, { nonce: NONCE.toUpperCase() }), 'INVALID_ENCODING');

  msg('signed_request', 'signed_message/signed-request-get', 'GET with the SHA-256 of the empty body', signedReq(OWNER));
  msg('signed_request', 'signed_message/signed-request-post-signed', 'POST with a body hash, FaceSign caller, signed', signed('signed_request', signedReq(OWNER_FS, { method: 'POST', path: '/v1/access-grants', body_sha256: CONTENT_HASH }), OWNER_FS));
  msg('signed_request', 'signed_message/signed-request-path-escapes', 'a path with percent escapes and a query is signed as is', signedReq(OWNER, { method: 'DELETE', path: '/v1/grants?grantee=0x%41&x=a%20b' }));
  add(op, 'signed_request', 'signed_message/signed-request-path-newline', 'a line break in path cannot forge a line', signedReq(OWNER, { path: '/v1\nmethod: GET' }), 'INVALID_INPUT');
  add(op, 'signed_request', 'signed_message/signed-request-method-lowercase', 'method "get"', signedReq(OWNER, { method: 'get' }), 'INVALID_INPUT');

  msg('add_wallet', 'signed_message/add-wallet-evm', 'a new EVM wallet, signature absent', addWallet(NEW_EVM));
  msg('add_wallet', 'signed_message/add-wallet-evm-signed', 'the same, signed by the new wallet (ethers)', signed('add_wallet', addWallet(NEW_EVM), NEW_EVM));
  msg('add_wallet', 'signed_message/add-wallet-facesign-signed', 'a new FaceSign wallet, signed (tweetnacl)', signed('add_wallet', addWallet(NEW_FS), NEW_FS));
  msg('add_wallet', 'signed_message/add-wallet-near', 'a new NEAR wallet with its near_* members', { ...addWallet({ type: 'NEAR', id: nearId('new-wallet') }), ...NEAR_MEMBERS });
  add(op, 'add_wallet', 'signed_message/add-wallet-eip55', 'the new wallet in EIP-55 spelling', addWallet({ ...NEW_EVM, id: NEW_EVM.checksummed }), 'INVALID_ENCODING');
  add(op, 'add_wallet', 'signed_message/add-wallet-type-mismatch', 'an EVM identifier declared as FaceSign', addWallet(NEW_EVM, { wallet_type: 'FaceSign' }), 'INVALID_ENCODING');
  add(op, 'add_wallet', 'signed_message/add-wallet-type-unknown', 'wallet_type Solana', addWallet(NEW_EVM, { wallet_type: 'Solana' }), 'UNSUPPORTED');
  add(op, 'add_wallet', 'signed_message/add-wallet-issued-at-offset', 'issued_at with +00:00', addWallet(NEW_EVM, { issued_at: '2026-01-01T00:33:20+00:00' }), 'INVALID_LENGTH');
  add(op, 'add_wallet', 'signed_message/add-wallet-user-id-not-uuid', 'user_id is a wallet', addWallet(NEW_EVM, { user_id: OWNER.id }), 'INVALID_LENGTH');
  add(op, 'add_wallet', 'signed_message/add-wallet-near-without-nonce', 'a NEAR wallet without near_nonce', { ...addWallet({ type: 'NEAR', id: nearId('new-wallet') }), near_recipient: 'idos.network' }, 'INVALID_INPUT');

  msg('node_receipt', 'signed_message/node-receipt', 'a receipt without its signature', receipt());
  msg('node_receipt', 'signed_message/node-receipt-signed', 'with its signature (tweetnacl); object_kind is not in the text', signReceipt(receipt()));
  msg('node_receipt', 'signed_message/node-receipt-no-object-kind', 'object_kind absent', without(receipt(), 'object_kind'));
  msg('node_receipt', 'signed_message/node-receipt-max-position', 'log_position 2^53 - 1 in decimal', receipt({ log_position: 9007199254740991 }));
  msg('node_receipt', 'signed_message/node-receipt-wallet-object', 'an add_wallet receipt names a wallet identifier', receipt({ write_operation: 'add_wallet', object_id: NEW_EVM.id, object_kind: 'wallet' }));
  add(op, 'node_receipt', 'signed_message/node-receipt-object-id-newline', 'a line break in object_id', receipt({ object_id: `${COPY_ID}\nsha256: ${EMPTY_SHA}` }), 'INVALID_INPUT');
  add(op, 'node_receipt', 'signed_message/node-receipt-position-zero', 'log_position 0', receipt({ log_position: 0 }), 'INVALID_INPUT');
  add(op, 'node_receipt', 'signed_message/node-receipt-node-id-uppercase', 'node_id in uppercase hex', receipt({ node_id: toHex(NODE.publicKey).toUpperCase() }), 'INVALID_ENCODING');
  add(op, 'node_receipt', 'signed_message/node-receipt-unknown-member', 'an unknown member', receipt({ user_id: USER_ID }), 'INVALID_INPUT');
  msg('node_log_entry', 'signed_message/node-log-entry', 'a log entry without its signature', logEntry());
  msg('node_log_entry', 'signed_message/node-log-entry-signed', 'with its signature (tweetnacl); every line ends in LF', signLogEntry(logEntry()));
  msg('node_log_entry', 'signed_message/node-log-entry-refused', 'a refused entry names the code', logEntry({ result: 'NOT_PERMITTED' }));
  msg('node_log_entry', 'signed_message/node-log-entry-max-position', 'position 2^53 - 1 in decimal', logEntry({ position: 9007199254740991 }));
  add(op, 'node_log_entry', 'signed_message/node-log-entry-result-newline', 'a line break in result', logEntry({ result: `OK\nstate_hash: ${EMPTY_SHA}` }), 'INVALID_INPUT');
  add(op, 'node_log_entry', 'signed_message/node-log-entry-position-zero', 'position 0', logEntry({ position: 0 }), 'INVALID_INPUT');
  add(op, 'node_log_entry', 'signed_message/node-log-entry-tx-uppercase', 'tx_sha256 in uppercase hex', logEntry({ tx_sha256: CONTENT_HASH.toUpperCase() }), 'INVALID_ENCODING');
  add(op, 'node_log_entry', 'signed_message/node-log-entry-unknown-member', 'an unknown member', logEntry({ rows_sha256: EMPTY_SHA }), 'INVALID_INPUT');
  const manifest = (fields = {}) => ({ node_id: toHex(NODE.publicKey), position: 42, state_hash: EMPTY_SHA,
    content_sha256: CONTENT_HASH, size: 4096, ...fields });
  msg('node_snapshot', 'signed_message/node-snapshot', 'a snapshot manifest without its signature', manifest());
  msg('node_snapshot', 'signed_message/node-snapshot-signed', 'with its signature (tweetnacl); every line ends in LF',
    { ...manifest(), signature: toHex(nacl.sign.detached(utf8(messageOf.node_snapshot(manifest())), NODE.secretKey)) });
  add(op, 'node_snapshot', 'signed_message/node-snapshot-size-zero', 'size 0', manifest({ size: 0 }), 'INVALID_INPUT');
  add(op, 'node_snapshot', 'signed_message/node-snapshot-unknown-member', 'an unknown member', manifest({ log_time: T0 }), 'INVALID_INPUT');
  const snapReq = (fields = {}) => ({ node_id: toHex(NODE.publicKey), server_id: CONTENT_HASH, position: 0, issued_at: T0, ...fields });
  msg('node_snapshot_request', 'signed_message/node-snapshot-request', 'a request for the latest manifest', snapReq());
  msg('node_snapshot_request', 'signed_message/node-snapshot-request-position', 'a request for position 42', snapReq({ position: 42 }));
  add(op, 'node_snapshot_request', 'signed_message/node-snapshot-request-server-uppercase', 'server_id in uppercase hex', snapReq({ server_id: CONTENT_HASH.toUpperCase() }), 'INVALID_ENCODING');

  const status = (patch = {}) => ({ issuer_auth_public_key: toHex(NODE.publicKey), vc_id: `urn:uuid:${uuidFromLabel('vc')}`,
    status: 'suspended', reason: 'under review', sequence: 5, issued_at: 1767225600, ...patch });
  msg('credential_status', 'signed_message/credential-status', 'an issuer status without its signature', status());
  msg('credential_status', 'signed_message/credential-status-no-reason', 'no reason: an empty reason line', (() => { const s = status(); delete s.reason; return s; })());
  msg('credential_status', 'signed_message/credential-status-max-sequence', 'sequence 2^53 - 1 in decimal', status({ status: 'revoked', sequence: 9007199254740991 }));
  add(op, 'credential_status', 'signed_message/credential-status-reason-newline', 'a line break in reason', status({ reason: 'x\nsequence: 9' }), 'INVALID_INPUT');
  add(op, 'credential_status', 'signed_message/credential-status-bad-status', 'an unknown status', status({ status: 'paused' }), 'INVALID_INPUT');
  add(op, 'access_grant', 'signed_message/kind-access-grant', 'an access grant is not signed by a wallet', { id: uuidFromLabel('x') }, 'UNSUPPORTED');
  add(op, 'credential', 'signed_message/kind-credential', 'credentials have no key: value message', { id: uuidFromLabel('x') }, 'UNSUPPORTED');
  add(op, 'dwg_write', 'signed_message/kind-dwg-write', 'validate kinds without a message of their own', { dwg: W }, 'UNSUPPORTED');
  add(op, 'Read_request', 'signed_message/kind-case-sensitive', 'kinds are case-sensitive', readReq(GRANTEE), 'UNSUPPORTED');
  add(op, 'read_request', 'signed_message/not-an-object', 'the document is an array', '[]', 'INVALID_INPUT');
  add(op, 'read_request', 'signed_message/not-json', 'text that is not JSON', '{"grantee_wallet_type": ', 'INVALID_JSON');
  add(op, 'read_request', 'signed_message/duplicate-member', 'a member given twice', JSON.stringify(readReq(GRANTEE)).replace('{', `{"nonce":"${NONCE}",`), 'INVALID_JSON');
}

// ---------------------------------------------------------------- replay_key

{
  const op = 'replay_key';
  // Requests: the nonce, kept while the request could still be accepted (issued_at + 300 s).
  const request = (kind, id, comment, doc) => add(op, kind, id, comment, doc, { key: doc.nonce, keep_until: unix(doc.issued_at) + 300 });
  // DWG: its id; DAG: the id of the access grant it creates. Both kept forever.
  const forever = (kind, id, comment, doc, key) => add(op, kind, id, comment, doc, { key, keep_until: 0 });
  const dagKey = (d) => accessGrantId(d.grantee_wallet_identifier, d.data_id, d.locked_until);

  request('signed_request', 'replay_key/signed-request', 'a signed request, signature absent', signedReq(OWNER));
  request('signed_request', 'replay_key/signed-request-signed', 'the same request signed (ethers)', signed('signed_request', signedReq(OWNER), OWNER));
  request('signed_request', 'replay_key/signed-request-other-nonce', 'another nonce, FaceSign caller', signedReq(OWNER_FS, { nonce: toHex(seed32('nonce-2')) }));
  request('signed_request', 'replay_key/signed-request-max-time', 'issued_at 9999-12-31T23:59:59Z', signedReq(OWNER, { issued_at: '9999-12-31T23:59:59Z' }));
  request('read_request', 'replay_key/read-request', 'a read request by a FaceSign grantee, signed (tweetnacl)', signed('read_request', readReq(GRANTEE_FS), GRANTEE_FS));
  request('read_request', 'replay_key/read-request-epoch', 'issued_at 1970-01-01T00:00:00Z', readReq(GRANTEE, { issued_at: '1970-01-01T00:00:00Z' }));
  request('read_request', 'replay_key/read-request-signature-not-checked', 'the key is the document\'s, whatever its signature (validate decides that)', { ...readReq(GRANTEE), signature: '0x00' });
  add(op, 'signed_request', 'replay_key/signed-request-nonce-uppercase', 'nonce in uppercase hex', signedReq(OWNER, { nonce: NONCE.toUpperCase() }), 'INVALID_ENCODING');
  add(op, 'signed_request', 'replay_key/signed-request-nonce-short', 'nonce of 16 bytes', signedReq(OWNER, { nonce: NONCE.slice(0, 32) }), 'INVALID_LENGTH');
  add(op, 'signed_request', 'replay_key/signed-request-issued-at-fraction', 'issued_at with milliseconds', signedReq(OWNER, { issued_at: '2026-01-01T00:16:40.000Z' }), 'INVALID_LENGTH');
  add(op, 'signed_request', 'replay_key/signed-request-method-lowercase', 'every field rule applies: method "get"', signedReq(OWNER, { method: 'get' }), 'INVALID_INPUT');
  add(op, 'signed_request', 'replay_key/signed-request-missing-nonce', 'nonce missing', without(signedReq(OWNER), 'nonce'), 'INVALID_INPUT');
  add(op, 'read_request', 'replay_key/read-request-data-id-not-uuid', 'data_id is not a UUID', readReq(GRANTEE, { data_id: 'copy-1' }), 'INVALID_LENGTH');
  add(op, 'read_request', 'replay_key/read-request-unknown-member', 'an unknown member', { ...readReq(GRANTEE), grant_id: uuidFromLabel('x') }, 'INVALID_INPUT');

  const W = dwg(OWNER);
  forever('delegated_write_grant', 'replay_key/dwg', 'a DWG: its id, forever', W, W.id);
  forever('delegated_write_grant', 'replay_key/dwg-signed', 'the same DWG signed (ethers)', signed('delegated_write_grant', W, OWNER), W.id);
  forever('delegated_write_grant', 'replay_key/dwg-other-id', 'another DWG id, FaceSign owner', dwg(OWNER_FS, { id: uuidFromLabel('dwg-2') }), uuidFromLabel('dwg-2'));
  add(op, 'delegated_write_grant', 'replay_key/dwg-id-uppercase', 'id in uppercase: refused, not folded', dwg(OWNER, { id: W.id.toUpperCase() }), 'INVALID_ENCODING');
  add(op, 'delegated_write_grant', 'replay_key/dwg-id-not-uuid', 'id is not a UUID', dwg(OWNER, { id: 'dwg-1' }), 'INVALID_LENGTH');
  add(op, 'delegated_write_grant', 'replay_key/dwg-window-reversed', 'not_usable_before after not_usable_after', dwg(OWNER, { not_usable_before: rfc3339(T0 + 86400), not_usable_after: rfc3339(T0) }), 'INVALID_INPUT');

  const D = dag(OWNER);
  forever('delegated_access_grant', 'replay_key/dag', 'a DAG: the id of the access grant it creates (uuid v5)', D, dagKey(D));
  forever('delegated_access_grant', 'replay_key/dag-signed', 'the same DAG signed (ethers)', signed('delegated_access_grant', D, OWNER), dagKey(D));
  const D0 = dag(OWNER_FS, { grantee_wallet_identifier: GRANTEE_FS.id, locked_until: 0 });
  forever('delegated_access_grant', 'replay_key/dag-facesign-no-lock', 'FaceSign grantee, locked_until 0', D0, dagKey(D0));
  forever('delegated_access_grant', 'replay_key/dag-grantee-eip55', 'grantee in EIP-55 spelling: the id of the grant over the canonical (lowercase) grantee', dag(OWNER, { grantee_wallet_identifier: GRANTEE.checksummed }), dagKey(dag(OWNER, { grantee_wallet_identifier: GRANTEE.checksummed.toLowerCase() })));
  add(op, 'delegated_access_grant', 'replay_key/dag-locked-until-too-large', 'locked_until after 9999-12-31T23:59:59Z', dag(OWNER, { locked_until: 253402300800 }), 'INVALID_INPUT');
  add(op, 'delegated_access_grant', 'replay_key/dag-content-hash-uppercase', 'content_hash in uppercase hex', dag(OWNER, { content_hash: CONTENT_HASH.toUpperCase() }), 'INVALID_ENCODING');
  add(op, 'delegated_access_grant', 'replay_key/dag-signature-not-string', 'a signature member, when present, must be a string', { ...D, signature: null }, 'INVALID_INPUT');

  add(op, 'add_wallet', 'replay_key/kind-add-wallet', 'add-wallet proofs have no replay key (freshness only)', addWallet(NEW_EVM), 'UNSUPPORTED');
  add(op, 'node_receipt', 'replay_key/kind-node-receipt', 'receipts are not single-use', receipt(), 'UNSUPPORTED');
  add(op, 'node_log_entry', 'replay_key/kind-node-log-entry', 'log entries are not single-use', logEntry(), 'UNSUPPORTED');
  add(op, 'access_grant', 'replay_key/kind-access-grant', 'not a single-use document', { id: uuidFromLabel('x') }, 'UNSUPPORTED');
  add(op, 'dwg_write', 'replay_key/kind-dwg-write', 'the DWG inside a write has the key, under its own kind', { dwg: W }, 'UNSUPPORTED');
  add(op, 'signed_request', 'replay_key/not-an-object', 'the document is a string', '"nonce"', 'INVALID_INPUT');
}

// ---------------------------------------------------------------- derive_access_grant

{
  const op = 'derive_access_grant';
  const SHARE = { owner: USER_ID, grantee: GRANTEE.id, data_id: COPY_ID, locked_until: 0, content_hash: CONTENT_HASH,
    inserter_type: 'user', inserter_id: USER_ID };
  const share = (id, comment, input) => add(op, 'share', id, comment, input, grantText(input));
  const bad = (id, comment, input, code) => add(op, 'share', id, comment, input, code);
  share('derive_access_grant/share', 'the owner shares a copy with an EVM grantee', SHARE);
  share('derive_access_grant/share-facesign-locked', 'a FaceSign grantee, locked for a day', { ...SHARE, grantee: GRANTEE_FS.id, locked_until: T0 + 86400 });
  share('derive_access_grant/share-near-grantee', 'a NEAR grantee (type inferred from "ed25519:")', { ...SHARE, grantee: nearId('grantee') });
  share('derive_access_grant/share-known-id', 'grantee 0x00..01, data_id 00000000-..-0001, lock 1700000000',
    { ...SHARE, grantee: '0x0000000000000000000000000000000000000001', data_id: '00000000-0000-4000-8000-000000000001', locked_until: 1700000000 });
  share('derive_access_grant/share-max-lock', 'locked_until 253402300799', { ...SHARE, locked_until: 253402300799 });
  share('derive_access_grant/share-issuer-inserter', 'inserted by an issuer key', { ...SHARE, inserter_type: 'issuer', inserter_id: ISSUER_KEY });
  share('derive_access_grant/share-member-order', 'members in any order: the output is canonical', Object.fromEntries(Object.entries(SHARE).reverse()));
  bad('derive_access_grant/share-grantee-eip55', 'grantee in EIP-55 spelling', { ...SHARE, grantee: GRANTEE.checksummed }, 'INVALID_ENCODING');
  const badSum = GRANTEE.checksummed.slice(0, 2) + [...GRANTEE.checksummed.slice(2)].map((c) => (/[a-f]/.test(c) ? c.toUpperCase() : /[A-F]/.test(c) ? c.toLowerCase() : c)).join('');
  bad('derive_access_grant/share-grantee-bad-checksum', 'grantee with a wrong EIP-55 checksum', { ...SHARE, grantee: badSum }, 'CHECKSUM_MISMATCH');
  bad('derive_access_grant/share-grantee-unknown-shape', 'grantee is no wallet identifier', { ...SHARE, grantee: 'alice' }, 'UNSUPPORTED');
  bad('derive_access_grant/share-owner-wallet', 'owner is a wallet, not a user id', { ...SHARE, owner: OWNER.id }, 'INVALID_LENGTH');
  bad('derive_access_grant/share-data-id-uppercase', 'data_id in uppercase', { ...SHARE, data_id: COPY_ID.toUpperCase() }, 'INVALID_ENCODING');
  bad('derive_access_grant/share-locked-until-negative', 'locked_until -1', { ...SHARE, locked_until: -1 }, 'INVALID_INPUT');
  bad('derive_access_grant/share-locked-until-too-large', 'locked_until 253402300800', { ...SHARE, locked_until: 253402300800 }, 'INVALID_INPUT');
  bad('derive_access_grant/share-locked-until-float', 'locked_until 0.0', JSON.stringify(SHARE).replace('"locked_until":0', '"locked_until":0.0'), 'INVALID_INPUT');
  bad('derive_access_grant/share-content-hash-uppercase', 'content_hash in uppercase', { ...SHARE, content_hash: CONTENT_HASH.toUpperCase() }, 'INVALID_ENCODING');
  bad('derive_access_grant/share-inserter-type-uppercase', 'inserter_type "User"', { ...SHARE, inserter_type: 'User' }, 'INVALID_INPUT');
  bad('derive_access_grant/share-inserter-id-space', 'inserter_id with a space', { ...SHARE, inserter_id: 'an issuer' }, 'INVALID_INPUT');
  bad('derive_access_grant/share-inserter-id-too-long', 'inserter_id of 129 bytes', { ...SHARE, inserter_id: 'a'.repeat(129) }, 'TOO_LARGE');
  bad('derive_access_grant/share-id-given', 'the id is derived, never given', { ...SHARE, id: accessGrantId(SHARE.grantee, SHARE.data_id, 0) }, 'INVALID_INPUT');
  bad('derive_access_grant/share-missing-inserter-id', 'inserter_id missing', without(SHARE, 'inserter_id'), 'INVALID_INPUT');

  // A write under a DWG: grantee = the DWG's grantee, locked_until = its access_grant_timelock in
  // unix seconds, inserter "issuer" with the DWG's issuer_public_key.
  const fromDwg = (id, comment, input) => add(op, 'delegated_write_grant', id, comment, input, grantText({
    owner: input.owner, grantee: input.dwg.grantee_wallet_identifier, data_id: input.data_id,
    locked_until: unix(input.dwg.access_grant_timelock), content_hash: input.content_hash,
    inserter_type: 'issuer', inserter_id: input.dwg.issuer_public_key }));
  const W = { dwg: signed('delegated_write_grant', dwg(OWNER), OWNER), owner: USER_ID, data_id: COPY_ID, content_hash: CONTENT_HASH };
  const dw = (patch) => ({ ...clone(W), ...patch });
  fromDwg('derive_access_grant/dwg', 'a signed DWG (ethers): the grant its write creates', W);
  fromDwg('derive_access_grant/dwg-unsigned', 'the DWG without its signature (derivation checks fields only)', dw({ dwg: dwg(OWNER) }));
  fromDwg('derive_access_grant/dwg-facesign-grantee', 'a FaceSign owner and grantee', dw({ dwg: signed('delegated_write_grant', dwg(OWNER_FS, { grantee_wallet_identifier: GRANTEE_FS.id }), OWNER_FS) }));
  fromDwg('derive_access_grant/dwg-max-timelock', 'access_grant_timelock 9999-12-31T23:59:59Z', dw({ dwg: dwg(OWNER, { access_grant_timelock: '9999-12-31T23:59:59Z' }) }));
  fromDwg('derive_access_grant/dwg-epoch-timelock', 'access_grant_timelock 1970-01-01T00:00:00Z (no lock)', dw({ dwg: dwg(OWNER, { access_grant_timelock: '1970-01-01T00:00:00Z' }) }));
  const badW = (id, comment, input, code) => add(op, 'delegated_write_grant', id, comment, input, code);
  badW('derive_access_grant/dwg-owner-wallet', 'owner must be the owner\'s user id, not the wallet', dw({ owner: OWNER.id }), 'INVALID_LENGTH');
  badW('derive_access_grant/dwg-data-id-uppercase', 'data_id in uppercase', dw({ data_id: COPY_ID.toUpperCase() }), 'INVALID_ENCODING');
  badW('derive_access_grant/dwg-content-hash-short', 'content_hash of 63 hex', dw({ content_hash: CONTENT_HASH.slice(1) }), 'INVALID_LENGTH');
  badW('derive_access_grant/dwg-window-reversed', 'a DWG with not_usable_before after not_usable_after', dw({ dwg: dwg(OWNER, { not_usable_before: rfc3339(T0 + 86400), not_usable_after: rfc3339(T0) }) }), 'INVALID_INPUT');
  badW('derive_access_grant/dwg-timelock-fraction', 'access_grant_timelock with milliseconds', dw({ dwg: dwg(OWNER, { access_grant_timelock: '2026-01-08T00:00:00.000Z' }) }), 'INVALID_LENGTH');
  fromDwg('derive_access_grant/dwg-owner-eip55', 'the DWG owner in EIP-55 spelling (as idOS clients send it)', dw({ dwg: dwg({ ...OWNER, id: OWNER.checksummed }) }));
  badW('derive_access_grant/dwg-unknown-dwg-member', 'the DWG has an unknown member', dw({ dwg: { ...dwg(OWNER), grantee: GRANTEE.id } }), 'INVALID_INPUT');
  badW('derive_access_grant/dwg-not-object', 'dwg as JSON text', dw({ dwg: JSON.stringify(dwg(OWNER)) }), 'INVALID_INPUT');
  badW('derive_access_grant/dwg-grantee-given', 'the grantee comes from the DWG, never from the caller', dw({ grantee: RELAYER.id }), 'INVALID_INPUT');
  badW('derive_access_grant/dwg-missing-content-hash', 'content_hash missing', without(W, 'content_hash'), 'INVALID_INPUT');

  // A DAG: the grant it describes, inserter "delegate" with the wallet that submitted it.
  const fromDag = (id, comment, input) => add(op, 'delegated_access_grant', id, comment, input, grantText({
    owner: input.owner, grantee: input.dag.grantee_wallet_identifier, data_id: input.dag.data_id,
    locked_until: input.dag.locked_until, content_hash: input.dag.content_hash, inserter_type: 'delegate',
    inserter_id: input.submitter }));
  const G = { dag: signed('delegated_access_grant', dag(OWNER), OWNER), owner: USER_ID, submitter: RELAYER.id };
  const dg = (patch) => ({ ...clone(G), ...patch });
  fromDag('derive_access_grant/dag', 'a signed DAG (ethers) submitted by a relayer wallet', G);
  fromDag('derive_access_grant/dag-unsigned', 'the DAG without its signature', dg({ dag: dag(OWNER) }));
  fromDag('derive_access_grant/dag-submitted-by-owner', 'the owner\'s own wallet submits it', dg({ submitter: OWNER.id }));
  fromDag('derive_access_grant/dag-facesign', 'FaceSign owner, FaceSign grantee and submitter, no lock', dg({ dag: signed('delegated_access_grant', dag(OWNER_FS, { grantee_wallet_identifier: GRANTEE_FS.id, locked_until: 0 }), OWNER_FS), submitter: NEW_FS.id }));
  fromDag('derive_access_grant/dag-near-submitter', 'a NEAR submitter', dg({ submitter: nearId('relayer') }));
  const badG = (id, comment, input, code) => add(op, 'delegated_access_grant', id, comment, input, code);
  badG('derive_access_grant/dag-submitter-eip55', 'submitter in EIP-55 spelling', dg({ submitter: RELAYER.checksummed }), 'INVALID_ENCODING');
  badG('derive_access_grant/dag-submitter-account-name', 'a NEAR account name is not a wallet identifier', dg({ submitter: 'alice.near' }), 'UNSUPPORTED');
  badG('derive_access_grant/dag-owner-wallet', 'owner must be the owner\'s user id', dg({ owner: OWNER.id }), 'INVALID_LENGTH');
  {
    const input = dg({ dag: dag(OWNER, { grantee_wallet_identifier: GRANTEE.checksummed }) });
    add(op, 'delegated_access_grant', 'derive_access_grant/dag-grantee-eip55', 'the DAG grantee in EIP-55 spelling: the grant names it canonically (lowercase)', input, grantText({
      owner: input.owner, grantee: GRANTEE.checksummed.toLowerCase(), data_id: input.dag.data_id,
      locked_until: input.dag.locked_until, content_hash: input.dag.content_hash, inserter_type: 'delegate',
      inserter_id: input.submitter }));
  }
  badG('derive_access_grant/dag-locked-until-negative', 'the DAG\'s locked_until -1', dg({ dag: dag(OWNER, { locked_until: -1 }) }), 'INVALID_INPUT');
  badG('derive_access_grant/dag-unknown-dag-member', 'the DAG has an unknown member', dg({ dag: { ...dag(OWNER), inserter_id: RELAYER.id } }), 'INVALID_INPUT');
  badG('derive_access_grant/dag-missing-submitter', 'submitter missing', without(G, 'submitter'), 'INVALID_INPUT');
  badG('derive_access_grant/dag-unknown-member', 'an unknown member', dg({ inserter_type: 'delegate' }), 'INVALID_INPUT');

  add(op, 'access_grant', 'derive_access_grant/kind-access-grant', 'an access grant is not derived from itself', SHARE, 'UNSUPPORTED');
  add(op, 'dwg_write', 'derive_access_grant/kind-dwg-write', 'the validate kind is not a derivation kind', W, 'UNSUPPORTED');
  add(op, 'Share', 'derive_access_grant/kind-case-sensitive', 'kinds are case-sensitive', SHARE, 'UNSUPPORTED');
  add(op, 'share', 'derive_access_grant/not-json', 'text that is not JSON', '{"owner"', 'INVALID_JSON');
}

// ---------------------------------------------------------------- consistency and write

for (const c of cases) {
  if (c.op === 'replay_key') assert(typeof c.expected === 'object' || ERROR.test(c.expected), `${c.id}: expected`);
  else {
    // Signed messages start with their operation line, except the node messages' and the status's version lines.
    const versionLine = { node_log_entry: 'idos-log-entry/v1\n', node_snapshot: 'idos-snapshot/v1\n',
      node_snapshot_request: 'idos-snapshot-request/v1\n', credential_status: 'idos-credential-status/v1\n' }[c.kind];
    const start = c.op !== 'signed_message' ? '{' : versionLine ?? 'operation: ';
    assert(typeof c.expected === 'string' && (ERROR.test(c.expected) !== c.expected.startsWith(start)), `${c.id}: expected`);
  }
}
// A DAG's replay key is the id of the grant derive_access_grant makes from it.
{
  const dagCase = cases.find((c) => c.id === 'derive_access_grant/dag');
  const keyCase = cases.find((c) => c.id === 'replay_key/dag');
  assert(JSON.parse(dagCase.expected).id === keyCase.expected.key, 'DAG replay key == derived grant id');
}

const counts = {};
for (const c of cases) {
  counts[c.op] ??= {};
  counts[c.op][c.kind] = (counts[c.op][c.kind] ?? 0) + 1;
}
const out = {
  description: 'Protocol-layer vectors: each case runs op(kind, input) with op signed_message, replay_key or '
    + 'derive_access_grant. expected is the exact output (signed_message: the text; replay_key: {key, keep_until}; '
    + 'derive_access_grant: the canonical JSON text of the access grant), or the error code name when the input is '
    + 'refused. input_text, when present, is the exact document text; otherwise the document is the JSON '
    + 'serialisation of input.',
  generator: 'tests/js/gen/protocol-vectors.mjs',
  libraries: { ethers: libVersion('ethers'), tweetnacl: libVersion('tweetnacl'), canonicalize: libVersion('canonicalize'),
    uuid: libVersion('uuid'), node: process.versions.node },
  counts,
  cases,
};
writeFileSync(join(VECTORS, 'protocol.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${cases.length} cases`, counts);
