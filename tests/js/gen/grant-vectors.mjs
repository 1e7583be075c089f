// Generates tests/vectors/grants.json (docs/spec/vectors.md) and tests/vectors/vc_eddsa_jcs.json.
//
// Every signature is made by an independent library: ethers (EVM personal_sign, RFC 6979),
// tweetnacl (Ed25519 for FaceSign wallets, credential signatures, eddsa-jcs-2022 proofs; NaCl box
// for credential content), canonicalize (RFC 8785 JCS), node:crypto (SHA-1 for UUIDv5, SHA-256).
// Keys, nonces and times are fixed, so re-running gives a byte-identical file. Each case names
// its expected outcome; the generator does not run the C++ code.
//
// Run: cd tests/js && node gen/grant-vectors.mjs

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Wallet, hashMessage, getAddress } from 'ethers';
import naclModule from 'tweetnacl';
import { serialize as borshSerialize } from 'borsh';
import canonicalizeModule from 'canonicalize';
import { libVersion, assert, utf8, toHex, fromHex, b64, sha256, JS_ROOT, VECTORS, NEP413_TAG, NEP413_SCHEMA, nep413Bytes,
  base58, unbase58, uuidV4Shaped } from './common.mjs';
import { dagMessage, dwgMessage, readRequestMessage, signedRequestMessage, addWalletMessage, nodeReceiptMessage, nodeLogEntryMessage, messageOf, rfc3339 } from './messages.mjs';

const nacl = naclModule.default ?? naclModule;
const canonicalize = canonicalizeModule.default ?? canonicalizeModule;



const fromB64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
const seed32 = (label) => sha256(utf8(`idos-core/grant-vectors/${label}`));
const clone = (o) => JSON.parse(JSON.stringify(o));

// ---------------------------------------------------------------- small independent codecs

function uuidV5(namespace, name) {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
const uuidFromLabel = (label) => uuidV4Shaped(seed32(`uuid/${label}`));  // fixed v4-shaped ids
const unhexKey = (h) => new Uint8Array(Buffer.from(h, 'hex'));

// Message templates (the spec): ./messages.mjs.

// ---------------------------------------------------------------- keys

const evm = (label) => {
  const w = new Wallet('0x' + toHex(seed32(`evm/${label}`)));
  return { type: 'EVM', id: w.address.toLowerCase(), checksummed: w.address,
    sign: (m) => w.signingKey.sign(hashMessage(m)).serialized };
};
const facesign = (label) => {
  const kp = nacl.sign.keyPair.fromSeed(seed32(`facesign/${label}`));
  return { type: 'FaceSign', id: toHex(kp.publicKey), sign: (m) => toHex(nacl.sign.detached(utf8(m), kp.secretKey)) };
};
const OWNER = evm('owner');
const OWNER_FS = facesign('owner');
const GRANTEE = evm('grantee');
const GRANTEE_FS = facesign('grantee');
const MALLORY = evm('mallory');
const ISSUER = nacl.sign.keyPair.fromSeed(seed32('issuer'));
const USER_BOX = nacl.box.keyPair.fromSecretKey(seed32('user-box'));
const GRANTEE_BOX = nacl.box.keyPair.fromSecretKey(seed32('grantee-box'));

const T0 = 1767225600;  // 2026-01-01T00:00:00Z
const USER_ID = uuidFromLabel('user');
const OTHER_USER_ID = uuidFromLabel('other-user');
const ORIGINAL_ID = uuidFromLabel('credential');
const COPY_ID = uuidFromLabel('copy');
const NS = '31276fd4-105f-4ff7-9f64-644942c14b79';

const cases = [];
const add = (kind, id, comment, input, expected, now = T0, seen_before = false) => {
  assert(!cases.some((c) => c.id === id), `unique id ${id}`);
  const c = { id, comment, kind };
  if (typeof input === 'string') c.input_text = input; else c.input = input;
  Object.assign(c, { now, seen_before, expected });
  cases.push(c);
};

// ---------------------------------------------------------------- credential

const PLAINTEXT = JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'],
  issuer: 'did:example:issuer', credentialSubject: { id: 'did:example:user', level: 'basic+liveness' } });
const PUBLIC_NOTES = JSON.stringify({ id: uuidFromLabel('notes'), type: 'KYC DATA', level: 'human', status: 'approved', issuer: 'idos-core test issuer' });

function encrypt(plaintext, recipientPk, label) {
  const eph = nacl.box.keyPair.fromSecretKey(seed32(`ephemeral/${label}`));
  const nonce = seed32(`nonce/${label}`).subarray(0, 24);
  const box = nacl.box(utf8(plaintext), nonce, recipientPk, eph.secretKey);
  return { content: b64(new Uint8Array([...nonce, ...box])), encryptor_public_key: b64(eph.publicKey) };
}
function signCredential(fields, signer) {
  const notesSig = nacl.sign.detached(utf8(fields.public_notes), signer.secretKey);
  const broader = nacl.sign.detached(new Uint8Array([...notesSig, ...fromB64(fields.content)]), signer.secretKey);
  return { ...fields, issuer_auth_public_key: toHex(signer.publicKey), public_notes_signature: b64(notesSig), broader_signature: b64(broader) };
}
const CRED = signCredential({ id: ORIGINAL_ID, user_id: USER_ID, public_notes: PUBLIC_NOTES, ...encrypt(PLAINTEXT, USER_BOX.publicKey, 'original') }, ISSUER);
const COPY_KEY = nacl.sign.keyPair.fromSeed(seed32('copy-signing-key'));
const COPY = signCredential({ id: COPY_ID, user_id: USER_ID, public_notes: '', ...encrypt(PLAINTEXT, GRANTEE_BOX.publicKey, 'copy') }, COPY_KEY);
const CONTENT_HASH = toHex(sha256(utf8(PLAINTEXT)));
{
  const m = (patch) => ({ ...clone(CRED), ...patch });
  add('credential', 'credential/valid', 'an issuer-signed credential with JSON public notes', CRED, 'valid');
  add('credential', 'credential/shared-copy-valid', 'a shared copy: empty public_notes, signed by a one-time key', COPY, 'valid');
  const content = fromB64(CRED.content); content[content.length - 1] ^= 1;
  add('credential', 'credential/content-tampered', 'one ciphertext bit flipped: broader_signature fails', m({ content: b64(content) }), 'VERIFY_FAILED');
  add('credential', 'credential/public-notes-tampered', 'public_notes edited after signing', m({ public_notes: PUBLIC_NOTES.replace('approved', 'rejected') }), 'VERIFY_FAILED');
  const other = signCredential({ id: ORIGINAL_ID, user_id: USER_ID, public_notes: PUBLIC_NOTES, content: CRED.content, encryptor_public_key: CRED.encryptor_public_key }, COPY_KEY);
  add('credential', 'credential/signed-by-other-key', 'signatures by another key than issuer_auth_public_key', { ...other, issuer_auth_public_key: CRED.issuer_auth_public_key }, 'VERIFY_FAILED');
  const swapped = signCredential({ id: ORIGINAL_ID, user_id: USER_ID, public_notes: PUBLIC_NOTES, ...encrypt(PLAINTEXT, USER_BOX.publicKey, 'other') }, ISSUER);
  add('credential', 'credential/broader-signature-from-other-content', 'broader_signature of another content under the same key', m({ broader_signature: swapped.broader_signature }), 'VERIFY_FAILED');
  add('credential', 'credential/notes-signature-63-bytes', 'public_notes_signature decodes to 63 bytes', m({ public_notes_signature: b64(fromB64(CRED.public_notes_signature).subarray(0, 63)) }), 'INVALID_LENGTH');
  add('credential', 'credential/broader-signature-128-bytes', 'broader_signature decodes to 128 bytes', m({ broader_signature: b64(new Uint8Array([...fromB64(CRED.broader_signature), ...fromB64(CRED.broader_signature)])) }), 'INVALID_LENGTH');
  add('credential', 'credential/broader-signature-unpadded', 'base64 without its padding', m({ broader_signature: CRED.broader_signature.replace(/=+$/, '') }), 'INVALID_ENCODING');
  add('credential', 'credential/content-url-safe-base64', 'content in the URL-safe alphabet', m({ content: CRED.content.replace(/\+/g, '-').replace(/\//g, '_') + (CRED.content.includes('+') || CRED.content.includes('/') ? '' : '-') }), 'INVALID_ENCODING');
  add('credential', 'credential/issuer-key-uppercase-hex', 'issuer_auth_public_key in uppercase hex', m({ issuer_auth_public_key: CRED.issuer_auth_public_key.toUpperCase() }), 'INVALID_ENCODING');
  add('credential', 'credential/issuer-key-0x', 'issuer_auth_public_key with a 0x prefix', m({ issuer_auth_public_key: '0x' + CRED.issuer_auth_public_key }), 'INVALID_LENGTH');
  add('credential', 'credential/encryptor-key-31-bytes', 'encryptor_public_key of 31 bytes', m({ encryptor_public_key: b64(fromB64(CRED.encryptor_public_key).subarray(0, 31)) }), 'INVALID_LENGTH');
  add('credential', 'credential/content-too-short', 'content shorter than nonce + mac (39 bytes)', m({ content: b64(fromB64(CRED.content).subarray(0, 39)) }), 'INVALID_LENGTH');
  add('credential', 'credential/id-uppercase-uuid', 'id in uppercase', m({ id: ORIGINAL_ID.toUpperCase() }), 'INVALID_ENCODING');
  add('credential', 'credential/user-id-not-uuid', 'user_id is not a UUID', m({ user_id: 'user-1' }), 'INVALID_LENGTH');
  const missing = clone(CRED); delete missing.user_id;
  add('credential', 'credential/missing-user-id', 'user_id missing', missing, 'INVALID_INPUT');
  add('credential', 'credential/unknown-member', 'an unknown member', m({ verifiable_credential_id: 'x' }), 'INVALID_INPUT');
  add('credential', 'credential/content-not-string', 'content is a number', m({ content: 12 }), 'INVALID_INPUT');
  add('credential', 'credential/public-notes-not-json', 'public_notes is text, not JSON', signCredential({ ...clone(CRED), public_notes: 'approved' }, ISSUER), 'INVALID_JSON');
  add('credential', 'credential/public-notes-json-array', 'public_notes is a JSON array', signCredential({ ...clone(CRED), public_notes: '[]' }, ISSUER), 'INVALID_JSON');
  add('credential', 'credential/public-notes-too-large', 'public_notes over 64 KiB', m({ public_notes: JSON.stringify({ pad: 'x'.repeat(65536) }) }), 'TOO_LARGE');
  add('credential', 'credential/not-an-object', 'the document is an array', '[]', 'INVALID_INPUT');
  add('credential', 'credential/not-json', 'text that is not JSON', '{"id": ', 'INVALID_JSON');
  add('credential', 'credential/duplicate-member', 'a member given twice', JSON.stringify(CRED).replace('{', '{"id":"' + ORIGINAL_ID + '",'), 'INVALID_JSON');
}

// ---------------------------------------------------------------- access_grant

const grant = (grantee, data_id, locked_until, extra = {}) => ({
  id: uuidV5(NS, `${grantee}-${data_id}-${locked_until}`), owner: USER_ID, grantee, data_id, locked_until,
  content_hash: CONTENT_HASH, inserter_type: 'user', inserter_id: USER_ID, ...extra });
const AG = grant(GRANTEE.id, COPY_ID, 0);
const AG_LOCKED = grant(GRANTEE_FS.id, COPY_ID, T0 + 86400);
{
  const m = (patch) => ({ ...clone(AG), ...patch });
  add('access_grant', 'access_grant/valid', 'EVM grantee, no lock', AG, 'valid');
  add('access_grant', 'access_grant/valid-facesign-locked', 'FaceSign grantee, locked for a day', AG_LOCKED, 'valid');
  add('access_grant', 'access_grant/known-answer-id', 'id of grantee 0x0000..0001, data_id 00000000-..-0001, lock 1700000000 (node:crypto SHA-1 UUIDv5)',
    grant('0x0000000000000000000000000000000000000001', '00000000-0000-4000-8000-000000000001', 1700000000), 'valid');
  add('access_grant', 'access_grant/id-mismatch', 'id computed with another locked_until', m({ locked_until: 1 }), 'MISMATCH');
  add('access_grant', 'access_grant/id-of-other-grantee', 'id of another grantee', m({ id: grant(MALLORY.id, COPY_ID, 0).id }), 'MISMATCH');
  add('access_grant', 'access_grant/grantee-eip55', 'grantee in EIP-55 mixed case (valid checksum) is not canonical', { ...grant(GRANTEE.checksummed, COPY_ID, 0) }, 'INVALID_ENCODING');
  const badSum = GRANTEE.checksummed.slice(0, 2) + [...GRANTEE.checksummed.slice(2)].map((c) => (/[a-f]/.test(c) ? c.toUpperCase() : /[A-F]/.test(c) ? c.toLowerCase() : c)).join('');
  add('access_grant', 'access_grant/grantee-bad-checksum', 'grantee in mixed case with a wrong EIP-55 checksum', { ...grant(badSum, COPY_ID, 0) }, 'CHECKSUM_MISMATCH');
  add('access_grant', 'access_grant/grantee-unknown-shape', 'grantee is no known wallet identifier', { ...grant('alice', COPY_ID, 0) }, 'UNSUPPORTED');
  add('access_grant', 'access_grant/content-hash-0x', 'content_hash with 0x prefix', m({ content_hash: '0x' + CONTENT_HASH }), 'INVALID_LENGTH');
  add('access_grant', 'access_grant/content-hash-uppercase', 'content_hash in uppercase', m({ content_hash: CONTENT_HASH.toUpperCase() }), 'INVALID_ENCODING');
  add('access_grant', 'access_grant/locked-until-negative', 'locked_until -1', m({ locked_until: -1 }), 'INVALID_INPUT');
  add('access_grant', 'access_grant/locked-until-float', 'locked_until 1.5', m({ locked_until: 1.5 }), 'INVALID_INPUT');
  add('access_grant', 'access_grant/locked-until-float-integral', 'locked_until 0.0 (a float, even if integral)', JSON.stringify(AG).replace('"locked_until":0', '"locked_until":0.0'), 'INVALID_INPUT');
  add('access_grant', 'access_grant/locked-until-too-large', 'locked_until after 9999-12-31T23:59:59Z', m({ locked_until: 253402300800 }), 'INVALID_INPUT');
  add('access_grant', 'access_grant/locked-until-string', 'locked_until as a string', m({ locked_until: '0' }), 'INVALID_INPUT');
  add('access_grant', 'access_grant/data-id-not-uuid', 'data_id with braces', m({ data_id: `{${COPY_ID}}` }), 'INVALID_LENGTH');
  add('access_grant', 'access_grant/owner-not-uuid', 'owner is a wallet, not a user id', m({ owner: OWNER.id }), 'INVALID_LENGTH');
  add('access_grant', 'access_grant/inserter-type-empty', 'inserter_type empty', m({ inserter_type: '' }), 'INVALID_INPUT');
  add('access_grant', 'access_grant/inserter-type-uppercase', 'inserter_type with uppercase', m({ inserter_type: 'User' }), 'INVALID_INPUT');
  add('access_grant', 'access_grant/inserter-type-too-long', 'inserter_type of 33 bytes', m({ inserter_type: 'a'.repeat(33) }), 'TOO_LARGE');
  add('access_grant', 'access_grant/inserter-id-space', 'inserter_id with a space', m({ inserter_id: 'an issuer' }), 'INVALID_INPUT');
  add('access_grant', 'access_grant/inserter-id-too-long', 'inserter_id of 129 bytes', m({ inserter_id: 'a'.repeat(129) }), 'TOO_LARGE');
  add('access_grant', 'access_grant/too-deep', 'nesting deeper than 32', JSON.stringify(AG).replace('"height"', '"h"').replace('}', ',"x":' + '['.repeat(33) + ']'.repeat(33) + '}'), 'INVALID_JSON');
  add('access_grant', 'access_grant/document-too-large', 'a document over 65536 bytes', m({ inserter_id: 'a'.repeat(70000) }), 'TOO_LARGE');
  const missing = clone(AG); delete missing.content_hash;
  add('access_grant', 'access_grant/missing-content-hash', 'content_hash missing', missing, 'INVALID_INPUT');
  add('access_grant', 'access_grant/unknown-member', 'an unknown member', m({ height: 1 }), 'INVALID_INPUT');
}

// ---------------------------------------------------------------- delegated_access_grant

function dag(owner, fields = {}, signer = owner) {
  const d = { owner_wallet_type: owner.type, owner_wallet_identifier: owner.id, grantee_wallet_identifier: GRANTEE.id,
    data_id: COPY_ID, locked_until: T0 + 3600, content_hash: CONTENT_HASH, ...fields };
  return { ...d, signature: signer.sign(dagMessage(d)) };
}
{
  const D = dag(OWNER);
  add('delegated_access_grant', 'dag/valid-evm', 'EVM owner, personal_sign (ethers)', D, 'valid');
  add('delegated_access_grant', 'dag/valid-facesign', 'FaceSign owner, Ed25519 over the message (tweetnacl)', dag(OWNER_FS), 'valid');
  add('delegated_access_grant', 'dag/valid-no-lock', 'locked_until 0', dag(OWNER, { locked_until: 0 }), 'valid');
  add('delegated_access_grant', 'dag/replayed', 'the derived access grant id exists already', D, 'REPLAYED', T0, true);
  add('delegated_access_grant', 'dag/signed-by-other-wallet', 'signed by a wallet that is not the owner', dag(OWNER, {}, MALLORY), 'VERIFY_FAILED');
  add('delegated_access_grant', 'dag/locked-until-changed', 'locked_until changed after signing', { ...D, locked_until: 0 }, 'VERIFY_FAILED');
  add('delegated_access_grant', 'dag/grantee-changed', 'grantee changed after signing', { ...D, grantee_wallet_identifier: MALLORY.id }, 'VERIFY_FAILED');
  add('delegated_access_grant', 'dag/facesign-signature-flipped', 'FaceSign signature with one bit flipped', (() => { const x = dag(OWNER_FS); const s = Buffer.from(x.signature, 'hex'); s[0] ^= 1; return { ...x, signature: s.toString('hex') }; })(), 'VERIFY_FAILED');
  add('delegated_access_grant', 'dag/owner-type-unknown', 'owner_wallet_type Solana', { ...D, owner_wallet_type: 'Solana' }, 'UNSUPPORTED');
  add('delegated_access_grant', 'dag/owner-type-lowercase', 'owner_wallet_type "evm" (exact spelling required)', { ...D, owner_wallet_type: 'evm' }, 'UNSUPPORTED');
  add('delegated_access_grant', 'dag/owner-eip55', 'owner identifier in EIP-55 spelling, signed as written (idOS clients use getAddress())', dag({ ...OWNER, id: OWNER.checksummed }), 'valid');
  add('delegated_access_grant', 'dag/owner-public-key-for-evm', 'owner_public_key is only for XRPL', { ...D, owner_public_key: 'ED' + '00'.repeat(32) }, 'INVALID_INPUT');
  add('delegated_access_grant', 'dag/near-members-for-evm', 'near_nonce on an EVM signature', { ...D, near_nonce: '00'.repeat(32) }, 'INVALID_INPUT');
  add('delegated_access_grant', 'dag/signature-short', 'EVM signature of 64 bytes (no v)', { ...D, signature: D.signature.slice(0, 130) }, 'INVALID_SIGNATURE');
  add('delegated_access_grant', 'dag/content-hash-short', 'content_hash of 63 hex', dag(OWNER, { content_hash: CONTENT_HASH.slice(1) }), 'INVALID_LENGTH');
  add('delegated_access_grant', 'dag/grantee-eip55', 'grantee in EIP-55 spelling, signed as written', dag(OWNER, { grantee_wallet_identifier: GRANTEE.checksummed }), 'valid');
  add('delegated_access_grant', 'dag/data-id-not-uuid', 'data_id without hyphens', dag(OWNER, { data_id: COPY_ID.replace(/-/g, '') }), 'INVALID_LENGTH');
  add('delegated_access_grant', 'dag/locked-until-negative', 'locked_until -1', dag(OWNER, { locked_until: -1 }), 'INVALID_INPUT');
  add('delegated_access_grant', 'dag/near-without-nonce', 'a NEAR owner without near_nonce / near_recipient: the signature must be the packed form, an EVM signature is not', { ...D, owner_wallet_type: 'NEAR', owner_wallet_identifier: 'ed25519:' + base58(unhexKey(OWNER_FS.id)) }, 'INVALID_SIGNATURE');
  const missing = clone(D); delete missing.signature;
  add('delegated_access_grant', 'dag/missing-signature', 'signature missing', missing, 'INVALID_INPUT');
  add('delegated_access_grant', 'dag/unknown-member', 'an unknown member', { ...D, dag_id: '1' }, 'INVALID_INPUT');
}

// ---------------------------------------------------------------- delegated_write_grant

const NUB = T0, NUA = T0 + 86400;
function dwg(owner, fields = {}, signer = owner) {
  const d = { owner_wallet_type: owner.type, owner_wallet_identifier: owner.id, grantee_wallet_identifier: GRANTEE.id,
    issuer_public_key: toHex(ISSUER.publicKey), id: uuidFromLabel('dwg'), access_grant_timelock: rfc3339(T0 + 7 * 86400),
    not_usable_before: rfc3339(NUB), not_usable_after: rfc3339(NUA), ...fields };
  return { ...d, signature: signer.sign(dwgMessage(d)) };
}
{
  const D = dwg(OWNER);
  add('delegated_write_grant', 'dwg/valid-evm', 'EVM owner inside the window', D, 'valid', T0 + 60);
  add('delegated_write_grant', 'dwg/valid-facesign', 'FaceSign owner inside the window', dwg(OWNER_FS), 'valid', T0 + 60);
  add('delegated_write_grant', 'dwg/valid-at-skew-edge', 'now = not_usable_before - 65', D, 'valid', NUB - 65);
  add('delegated_write_grant', 'dwg/not-yet-valid', 'now = not_usable_before - 66', D, 'NOT_YET_VALID', NUB - 66);
  add('delegated_write_grant', 'dwg/valid-at-end', 'now = not_usable_after', D, 'valid', NUA);
  add('delegated_write_grant', 'dwg/expired', 'now = not_usable_after + 1', D, 'EXPIRED', NUA + 1);
  add('delegated_write_grant', 'dwg/replayed', 'the DWG id was used before', D, 'REPLAYED', T0 + 60, true);
  add('delegated_write_grant', 'dwg/expired-beats-replayed', 'expired and seen: the time check comes first', D, 'EXPIRED', NUA + 1, true);
  add('delegated_write_grant', 'dwg/signed-by-other-wallet', 'signed by a wallet that is not the owner', dwg(OWNER, {}, MALLORY), 'VERIFY_FAILED', T0 + 60);
  add('delegated_write_grant', 'dwg/issuer-key-changed', 'issuer_public_key replaced after signing', { ...D, issuer_public_key: toHex(COPY_KEY.publicKey) }, 'VERIFY_FAILED', T0 + 60);
  add('delegated_write_grant', 'dwg/not-usable-after-extended', 'not_usable_after moved after signing', { ...D, not_usable_after: rfc3339(NUA + 86400) }, 'VERIFY_FAILED', T0 + 60);
  add('delegated_write_grant', 'dwg/window-empty', 'not_usable_before == not_usable_after', dwg(OWNER, { not_usable_after: rfc3339(NUB) }), 'INVALID_INPUT', T0);
  add('delegated_write_grant', 'dwg/window-reversed', 'not_usable_before > not_usable_after', dwg(OWNER, { not_usable_before: rfc3339(NUA), not_usable_after: rfc3339(NUB) }), 'INVALID_INPUT', T0);
  add('delegated_write_grant', 'dwg/time-with-fraction', 'milliseconds in not_usable_before', dwg(OWNER, { not_usable_before: '2026-01-01T00:00:00.000Z' }), 'INVALID_LENGTH', T0 + 60);
  add('delegated_write_grant', 'dwg/time-with-offset', 'a +00:00 offset instead of Z', dwg(OWNER, { not_usable_after: '2026-01-02T00:00:00+00:00' }), 'INVALID_LENGTH', T0 + 60);
  add('delegated_write_grant', 'dwg/time-lowercase-z', 'lowercase z', dwg(OWNER, { not_usable_after: '2026-01-02T00:00:00z' }), 'INVALID_INPUT', T0 + 60);
  add('delegated_write_grant', 'dwg/time-space-separator', 'a space instead of T', dwg(OWNER, { not_usable_after: '2026-01-02 00:00:00Z' }), 'INVALID_INPUT', T0 + 60);
  add('delegated_write_grant', 'dwg/time-february-30', 'a day that does not exist', dwg(OWNER, { not_usable_after: '2026-02-30T00:00:00Z' }), 'INVALID_INPUT', T0 + 60);
  add('delegated_write_grant', 'dwg/time-february-29-non-leap', 'Feb 29 in 2027', dwg(OWNER, { not_usable_after: '2027-02-29T00:00:00Z' }), 'INVALID_INPUT', T0 + 60);
  add('delegated_write_grant', 'dwg/valid-february-29-leap', 'Feb 29 in 2028 exists', dwg(OWNER, { not_usable_after: '2028-02-29T00:00:00Z' }), 'valid', T0 + 60);
  add('delegated_write_grant', 'dwg/time-leap-second', '23:59:60 is refused', dwg(OWNER, { not_usable_after: '2026-12-31T23:59:60Z' }), 'INVALID_INPUT', T0 + 60);
  add('delegated_write_grant', 'dwg/time-hour-24', '24:00:00 is refused', dwg(OWNER, { not_usable_after: '2026-01-02T24:00:00Z' }), 'INVALID_INPUT', T0 + 60);
  add('delegated_write_grant', 'dwg/timelock-invalid', 'access_grant_timelock is not a time', dwg(OWNER, { access_grant_timelock: '0' }), 'INVALID_LENGTH', T0 + 60);
  add('delegated_write_grant', 'dwg/issuer-key-not-hex', 'issuer_public_key in base64', dwg(OWNER, { issuer_public_key: b64(ISSUER.publicKey) }), 'INVALID_LENGTH', T0 + 60);
  add('delegated_write_grant', 'dwg/issuer-key-uppercase', 'issuer_public_key in uppercase hex', dwg(OWNER, { issuer_public_key: toHex(ISSUER.publicKey).toUpperCase() }), 'INVALID_ENCODING', T0 + 60);
  add('delegated_write_grant', 'dwg/id-not-uuid', 'id is not a UUID', dwg(OWNER, { id: 'dwg-1' }), 'INVALID_LENGTH', T0 + 60);
  add('delegated_write_grant', 'dwg/grantee-unknown-shape', 'grantee is no wallet identifier', dwg(OWNER, { grantee_wallet_identifier: 'issuer' }), 'UNSUPPORTED', T0 + 60);
  const missing = clone(D); delete missing.not_usable_after;
  add('delegated_write_grant', 'dwg/missing-not-usable-after', 'not_usable_after missing', missing, 'INVALID_INPUT', T0 + 60);
  add('delegated_write_grant', 'dwg/unknown-member', 'an unknown member', { ...D, message: 'x' }, 'INVALID_INPUT', T0 + 60);
}

// ---------------------------------------------------------------- revoke

{
  const R = { grant: AG_LOCKED, requester: USER_ID };
  add('revoke', 'revoke/valid-after-lock', 'owner revokes after locked_until', R, 'valid', AG_LOCKED.locked_until + 1);
  add('revoke', 'revoke/valid-no-lock', 'owner revokes a grant without lock', { grant: AG, requester: USER_ID }, 'valid', T0);
  add('revoke', 'revoke/locked-at-lock-time', 'now == locked_until is still locked', R, 'LOCKED', AG_LOCKED.locked_until);
  add('revoke', 'revoke/locked-before', 'now < locked_until', R, 'LOCKED', T0);
  add('revoke', 'revoke/not-owner', 'requester is another user', { ...R, requester: OTHER_USER_ID }, 'FORBIDDEN', AG_LOCKED.locked_until + 1);
  add('revoke', 'revoke/not-owner-while-locked', 'not the owner and locked: FORBIDDEN first', { ...R, requester: OTHER_USER_ID }, 'FORBIDDEN', T0);
  add('revoke', 'revoke/grant-id-mismatch', 'the grant record is inconsistent', { ...R, grant: { ...AG_LOCKED, locked_until: 0 } }, 'MISMATCH', AG_LOCKED.locked_until + 1);
  add('revoke', 'revoke/requester-not-uuid', 'requester is a wallet', { ...R, requester: OWNER.id }, 'INVALID_LENGTH', AG_LOCKED.locked_until + 1);
  add('revoke', 'revoke/missing-grant', 'grant missing', { requester: USER_ID }, 'INVALID_INPUT', T0);
  add('revoke', 'revoke/unknown-member', 'an unknown member', { ...R, reason: 'x' }, 'INVALID_INPUT', T0);
}

// ---------------------------------------------------------------- read_request

const NOW_R = T0 + 1000;
function readReq(grantee, fields = {}, signer = grantee) {
  const r = { grantee_wallet_type: grantee.type, grantee_wallet_identifier: grantee.id, data_id: COPY_ID,
    nonce: toHex(seed32('read-nonce')), issued_at: rfc3339(NOW_R), ...fields };
  return { ...r, signature: signer.sign(readRequestMessage(r)) };
}
{
  const R = readReq(GRANTEE);
  add('read_request', 'read_request/valid-evm', 'fresh request by the EVM grantee', R, 'valid', NOW_R);
  add('read_request', 'read_request/valid-facesign', 'fresh request by a FaceSign grantee', readReq(GRANTEE_FS), 'valid', NOW_R);
  add('read_request', 'read_request/valid-oldest', 'issued_at = now - 300', R, 'valid', NOW_R + 300);
  add('read_request', 'read_request/expired', 'issued_at = now - 301', R, 'EXPIRED', NOW_R + 301);
  add('read_request', 'read_request/valid-skew', 'issued_at = now + 65', R, 'valid', NOW_R - 65);
  add('read_request', 'read_request/not-yet-valid', 'issued_at = now + 66', R, 'NOT_YET_VALID', NOW_R - 66);
  add('read_request', 'read_request/replayed', 'the nonce was seen', R, 'REPLAYED', NOW_R, true);
  add('read_request', 'read_request/signed-by-other-wallet', 'signed by another wallet', readReq(GRANTEE, {}, MALLORY), 'VERIFY_FAILED', NOW_R);
  add('read_request', 'read_request/data-id-changed', 'data_id changed after signing', { ...R, data_id: ORIGINAL_ID }, 'VERIFY_FAILED', NOW_R);
  add('read_request', 'read_request/nonce-short', 'nonce of 16 bytes', readReq(GRANTEE, { nonce: toHex(seed32('read-nonce')).slice(0, 32) }), 'INVALID_LENGTH', NOW_R);
  add('read_request', 'read_request/nonce-uppercase', 'nonce in uppercase hex', readReq(GRANTEE, { nonce: toHex(seed32('read-nonce')).toUpperCase() }), 'INVALID_ENCODING', NOW_R);
  add('read_request', 'read_request/issued-at-unix', 'issued_at as unix seconds text', readReq(GRANTEE, { issued_at: String(NOW_R) }), 'INVALID_LENGTH', NOW_R);
  add('read_request', 'read_request/data-id-not-uuid', 'data_id is not a UUID', readReq(GRANTEE, { data_id: 'copy-1' }), 'INVALID_LENGTH', NOW_R);
  add('read_request', 'read_request/grantee-type-mismatch', 'an EVM identifier declared as FaceSign (not hex)', { ...R, grantee_wallet_type: 'FaceSign' }, 'INVALID_ENCODING', NOW_R);
  add('read_request', 'read_request/unknown-member', 'an unknown member', { ...R, grant_id: AG.id }, 'INVALID_INPUT', NOW_R);
}

// ---------------------------------------------------------------- signed_request

const EMPTY_SHA = toHex(sha256(new Uint8Array()));
function signedReq(caller, fields = {}, signer = caller) {
  const r = { caller_wallet_type: caller.type, caller_wallet_identifier: caller.id, method: 'GET',
    path: `/v1/credentials/${COPY_ID}?include=content`, body_sha256: EMPTY_SHA, nonce: toHex(seed32('request-nonce')),
    issued_at: rfc3339(NOW_R), ...fields };
  return { ...r, signature: signer.sign(signedRequestMessage(r)) };
}
{
  const R = signedReq(OWNER);
  const BODY = JSON.stringify(AG);
  add('signed_request', 'signed_request/valid-get', 'GET with the SHA-256 of the empty body', R, 'valid', NOW_R);
  add('signed_request', 'signed_request/valid-post', 'POST of an access grant, FaceSign caller', signedReq(OWNER_FS, { method: 'POST', path: '/v1/access-grants', body_sha256: toHex(sha256(utf8(BODY))) }), 'valid', NOW_R);
  add('signed_request', 'signed_request/body-changed', 'another body than the one signed', { ...R, body_sha256: toHex(sha256(utf8(BODY))) }, 'VERIFY_FAILED', NOW_R);
  add('signed_request', 'signed_request/path-changed', 'another path than the one signed', { ...R, path: '/v1/credentials' }, 'VERIFY_FAILED', NOW_R);
  add('signed_request', 'signed_request/method-changed', 'DELETE instead of the signed GET', { ...R, method: 'DELETE' }, 'VERIFY_FAILED', NOW_R);
  add('signed_request', 'signed_request/signed-by-other-wallet', 'caller identifier of one wallet, signature of another', signedReq(OWNER, {}, MALLORY), 'VERIFY_FAILED', NOW_R);
  add('signed_request', 'signed_request/expired', 'issued_at = now - 301', R, 'EXPIRED', NOW_R + 301);
  add('signed_request', 'signed_request/not-yet-valid', 'issued_at = now + 66', R, 'NOT_YET_VALID', NOW_R - 66);
  add('signed_request', 'signed_request/replayed', 'the nonce was seen', R, 'REPLAYED', NOW_R, true);
  add('signed_request', 'signed_request/method-lowercase', 'method "get"', signedReq(OWNER, { method: 'get' }), 'INVALID_INPUT', NOW_R);
  add('signed_request', 'signed_request/method-unknown', 'method OPTIONS', signedReq(OWNER, { method: 'OPTIONS' }), 'INVALID_INPUT', NOW_R);
  add('signed_request', 'signed_request/path-relative', 'path without a leading slash', signedReq(OWNER, { path: 'v1/credentials' }), 'INVALID_INPUT', NOW_R);
  add('signed_request', 'signed_request/path-space', 'path with a space', signedReq(OWNER, { path: '/v1/a b' }), 'INVALID_INPUT', NOW_R);
  add('signed_request', 'signed_request/path-newline', 'a line break in path cannot forge a line', { ...R, path: '/v1\nmethod: GET' }, 'INVALID_INPUT', NOW_R);
  add('signed_request', 'signed_request/path-too-long', 'path over 2048 bytes', signedReq(OWNER, { path: '/' + 'a'.repeat(2048) }), 'TOO_LARGE', NOW_R);
  add('signed_request', 'signed_request/body-hash-base64', 'body_sha256 in base64', signedReq(OWNER, { body_sha256: b64(sha256(new Uint8Array())) }), 'INVALID_LENGTH', NOW_R);
  add('signed_request', 'signed_request/caller-eip55', 'caller in EIP-55 spelling, signed as written', signedReq({ ...OWNER, id: OWNER.checksummed }), 'valid', NOW_R);
  add('signed_request', 'signed_request/unknown-member', 'an unknown member', { ...R, body: '' }, 'INVALID_INPUT', NOW_R);
}

// ---------------------------------------------------------------- verifiable_credential

const VC_KEY = nacl.sign.keyPair.fromSeed(seed32('vc-issuer'));
const OTHER_VC_KEY = nacl.sign.keyPair.fromSeed(seed32('vc-other'));
const multikey = (pk) => 'z' + base58(new Uint8Array([0xed, 0x01, ...pk]));
const didKey = (pk) => `did:key:${multikey(pk)}`;
function signVc(doc, key, proofPatch = {}) {
  const proof = { type: 'DataIntegrityProof', cryptosuite: 'eddsa-jcs-2022', created: '2026-01-01T00:00:00Z',
    verificationMethod: `${didKey(key.publicKey)}#${multikey(key.publicKey)}`, proofPurpose: 'assertionMethod',
    '@context': doc['@context'], ...proofPatch };
  const hashData = new Uint8Array([...sha256(utf8(canonicalize(proof))), ...sha256(utf8(canonicalize(doc)))]);
  return { ...doc, proof: { ...proof, proofValue: 'z' + base58(nacl.sign.detached(hashData, key.secretKey)) } };
}
const VC2 = { '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
  id: `urn:uuid:${uuidFromLabel('vc')}`, type: ['VerifiableCredential', 'KYCCredential'], issuer: didKey(VC_KEY.publicKey),
  validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:user', residentCountry: 'DE', name: 'Zoë Ünicode ✓', age: 31, score: 0.5 } };
const VC1 = { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'],
  issuer: { id: didKey(VC_KEY.publicKey), name: 'Test Issuer' }, issuanceDate: '2025-06-01T12:00:00Z',
  credentialSubject: { id: 'did:example:user', level: 'human' } };
{
  const NOW_V = T0 + 86400;
  const S = signVc(VC2, VC_KEY);
  const withProof = (patch) => ({ ...clone(S), proof: { ...clone(S.proof), ...patch } });
  add('verifiable_credential', 'vc/valid-v2', 'VC 2.0 with an eddsa-jcs-2022 proof by a did:key issuer', S, 'valid', NOW_V);
  add('verifiable_credential', 'vc/valid-v1', 'VC 1.1 (issuanceDate, issuer object)', signVc(VC1, VC_KEY), 'valid', NOW_V);
  add('verifiable_credential', 'vc/valid-member-order-irrelevant', 'the same VC with members reordered (JCS)', Object.fromEntries(Object.entries(S).reverse()), 'valid', NOW_V);
  add('verifiable_credential', 'vc/valid-extra-members', 'members outside the VC model are allowed', signVc({ ...VC2, evidence: [{ type: ['DocumentVerification'] }], 'x-idos': { level: 2 } }, VC_KEY), 'valid', NOW_V);
  add('verifiable_credential', 'vc/subject-tampered', 'credentialSubject changed after signing', { ...clone(S), credentialSubject: { ...S.credentialSubject, residentCountry: 'FR' } }, 'VERIFY_FAILED', NOW_V);
  add('verifiable_credential', 'vc/proof-created-changed', 'proof.created changed after signing', withProof({ created: '2026-01-02T00:00:00Z' }), 'VERIFY_FAILED', NOW_V);
  add('verifiable_credential', 'vc/expired', 'now after validUntil', S, 'EXPIRED', Date.parse('2027-01-01T00:00:01Z') / 1000);
  add('verifiable_credential', 'vc/not-yet-valid', 'now before validFrom', S, 'NOT_YET_VALID', T0 - 1);
  add('verifiable_credential', 'vc/cryptosuite-rdfc', 'eddsa-rdfc-2022 is not supported', withProof({ cryptosuite: 'eddsa-rdfc-2022' }), 'UNSUPPORTED', NOW_V);
  add('verifiable_credential', 'vc/proof-type-legacy', 'Ed25519Signature2020 is not supported', withProof({ type: 'Ed25519Signature2020' }), 'UNSUPPORTED', NOW_V);
  add('verifiable_credential', 'vc/proof-set', 'a proof array', { ...clone(S), proof: [S.proof] }, 'UNSUPPORTED', NOW_V);
  add('verifiable_credential', 'vc/proof-purpose-authentication', 'proofPurpose authentication', signVc(VC2, VC_KEY, { proofPurpose: 'authentication' }), 'UNSUPPORTED', NOW_V);
  add('verifiable_credential', 'vc/verification-method-https', 'a verification method that is not did:key', signVc(VC2, VC_KEY, { verificationMethod: 'https://issuer.example/keys/1' }), 'UNSUPPORTED', NOW_V);
  add('verifiable_credential', 'vc/issuer-not-signer', 'signed by a did:key that is not the issuer', signVc(VC2, OTHER_VC_KEY), 'MISMATCH', NOW_V);
  add('verifiable_credential', 'vc/did-key-fragment-mismatch', 'the fragment names another key', signVc(VC2, VC_KEY, { verificationMethod: `${didKey(VC_KEY.publicKey)}#${multikey(OTHER_VC_KEY.publicKey)}` }), 'MISMATCH', NOW_V);
  add('verifiable_credential', 'vc/did-key-not-ed25519', 'a did:key with the X25519 multicodec (0xec01)', (() => { const d = clone(VC2); const mk = 'z' + base58(new Uint8Array([0xec, 0x01, ...VC_KEY.publicKey])); d.issuer = `did:key:${mk}`; return signVc(d, VC_KEY, { verificationMethod: `did:key:${mk}#${mk}` }); })(), 'UNSUPPORTED', NOW_V);
  add('verifiable_credential', 'vc/proof-context-not-prefix', 'proof @context differs from the document', withProof({ '@context': ['https://www.w3.org/2018/credentials/v1'] }), 'MISMATCH', NOW_V);
  add('verifiable_credential', 'vc/proof-value-base64', 'proofValue without the multibase z', withProof({ proofValue: 'u' + S.proof.proofValue.slice(1) }), 'INVALID_ENCODING', NOW_V);
  add('verifiable_credential', 'vc/proof-value-short', 'proofValue of 63 bytes', withProof({ proofValue: 'z' + base58(unbase58(S.proof.proofValue.slice(1)).subarray(0, 63)) }), 'INVALID_LENGTH', NOW_V);
  add('verifiable_credential', 'vc/proof-value-bad-base58', 'proofValue with a 0 (not base58)', withProof({ proofValue: 'z0' + S.proof.proofValue.slice(2) }), 'INVALID_ENCODING', NOW_V);
  const noProof = clone(S); delete noProof.proof;
  add('verifiable_credential', 'vc/no-proof', 'no proof at all', noProof, 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/type-missing-vc', 'type without VerifiableCredential', { ...clone(S), type: ['KYCCredential'] }, 'INVALID_INPUT', NOW_V);
  const noSubject = clone(S); delete noSubject.credentialSubject;
  add('verifiable_credential', 'vc/no-subject', 'credentialSubject missing', noSubject, 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/subject-empty-array', 'credentialSubject []', { ...clone(S), credentialSubject: [] }, 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/context-wrong-first', '@context not starting with a VC context', { ...clone(S), '@context': ['https://schema.org'] }, 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/context-string', '@context as a single string', { ...clone(S), '@context': 'https://www.w3.org/ns/credentials/v2' }, 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/issuer-missing', 'issuer missing', (() => { const d = clone(S); delete d.issuer; return d; })(), 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/v1-no-issuance-date', 'a v1.1 credential without issuanceDate', (() => { const d = clone(VC1); delete d.issuanceDate; return signVc(d, VC_KEY); })(), 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/valid-from-fraction', 'validFrom with milliseconds', signVc({ ...VC2, validFrom: '2026-01-01T00:00:00.000Z' }, VC_KEY), 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/validity-reversed', 'validUntil before validFrom', signVc({ ...VC2, validUntil: '2025-01-01T00:00:00Z' }, VC_KEY), 'INVALID_INPUT', NOW_V);
  add('verifiable_credential', 'vc/not-an-object', 'a JSON string', '"vc"', 'INVALID_INPUT', NOW_V);
}

// ---------------------------------------------------------------- user

{
  const U = { id: USER_ID, encryption_public_key: b64(USER_BOX.publicKey) };
  const m = (patch) => ({ ...U, ...patch });
  add('user', 'user/valid', 'a user id and its X25519 encryption key (standard base64)', U, 'valid');
  add('user', 'user/valid-no-key', 'encryption_public_key "" (not set yet)', m({ encryption_public_key: '' }), 'valid');
  add('user', 'user/id-uppercase', 'id in uppercase', m({ id: USER_ID.toUpperCase() }), 'INVALID_ENCODING');
  add('user', 'user/id-not-uuid', 'id is a wallet identifier, not a UUID', m({ id: OWNER.id }), 'INVALID_LENGTH');
  add('user', 'user/key-31-bytes', 'encryption_public_key of 31 bytes', m({ encryption_public_key: b64(USER_BOX.publicKey.subarray(0, 31)) }), 'INVALID_LENGTH');
  add('user', 'user/key-33-bytes', 'encryption_public_key of 33 bytes', m({ encryption_public_key: b64(new Uint8Array([...USER_BOX.publicKey, 0])) }), 'INVALID_LENGTH');
  add('user', 'user/key-unpadded', 'base64 without its padding', m({ encryption_public_key: U.encryption_public_key.replace(/=+$/, '') }), 'INVALID_ENCODING');
  add('user', 'user/key-url-safe', 'base64 in the URL-safe alphabet', m({ encryption_public_key: b64(fromHex('fb'.repeat(32))).replace(/\+/g, '-').replace(/\//g, '_') }), 'INVALID_ENCODING');
  add('user', 'user/key-hex', 'the key in hex (64 characters that read as 48 bytes of base64)', m({ encryption_public_key: toHex(USER_BOX.publicKey) }), 'INVALID_LENGTH');
  add('user', 'user/key-not-string', 'encryption_public_key null', m({ encryption_public_key: null }), 'INVALID_INPUT');
  add('user', 'user/missing-key', 'encryption_public_key missing', { id: USER_ID }, 'INVALID_INPUT');
  add('user', 'user/unknown-member', 'an unknown member', m({ wallets: [] }), 'INVALID_INPUT');
}

// ---------------------------------------------------------------- add_wallet

// The NEW wallet signs the add-wallet message (docs/api.md), so the user proves they hold it.
const NEW_EVM = evm('new-wallet');
const NEW_FS = facesign('new-wallet');
// A NEAR wallet: NEP-413 over sha256(tag || borsh payload), Ed25519 by tweetnacl; the payload
// bytes are checked equal to the borsh package's.
const NEAR_NONCE = seed32('near/nonce');
const near = (label) => {
  const kp = nacl.sign.keyPair.fromSeed(seed32(`near/${label}`));
  return { type: 'NEAR', id: 'ed25519:' + base58(kp.publicKey), nonce: toHex(NEAR_NONCE), recipient: 'idos.network',
    sign: (message) => {
      const p = { message, nonce: NEAR_NONCE, recipient: 'idos.network' };
      const bytes = nep413Bytes(p);
      const viaBorsh = Buffer.concat([borshSerialize('u32', NEP413_TAG),
        borshSerialize(NEP413_SCHEMA, { ...p, callbackUrl: null })]);
      assert(toHex(bytes) === toHex(viaBorsh), 'NEP-413 payload == borsh serialisation');
      return b64(nacl.sign.detached(sha256(bytes), kp.secretKey));
    } };
};
const NEW_NEAR = near('new-wallet');
const NOW_W = T0 + 2000;
function addWallet(wallet, fields = {}, signer = wallet) {
  const a = { user_id: USER_ID, wallet_type: wallet.type, wallet_identifier: wallet.id, issued_at: rfc3339(NOW_W), ...fields };
  if (wallet.type === 'NEAR') Object.assign(a, { near_nonce: wallet.nonce, near_recipient: wallet.recipient });
  return { ...a, signature: signer.sign(addWalletMessage(a)) };
}
{
  const A = addWallet(NEW_EVM);
  const F = addWallet(NEW_FS);
  add('add_wallet', 'add_wallet/valid-evm', 'a new EVM wallet signs the add-wallet message (ethers personal_sign)', A, 'valid', NOW_W);
  add('add_wallet', 'add_wallet/valid-facesign', 'a new FaceSign wallet (tweetnacl Ed25519)', F, 'valid', NOW_W);
  add('add_wallet', 'add_wallet/valid-near', 'a new NEAR wallet (NEP-413 with near_nonce and near_recipient)', addWallet(NEW_NEAR), 'valid', NOW_W);
  add('add_wallet', 'add_wallet/valid-oldest', 'issued_at = now - 300', A, 'valid', NOW_W + 300);
  add('add_wallet', 'add_wallet/expired', 'issued_at = now - 301', A, 'EXPIRED', NOW_W + 301);
  add('add_wallet', 'add_wallet/valid-skew', 'issued_at = now + 65', A, 'valid', NOW_W - 65);
  add('add_wallet', 'add_wallet/not-yet-valid', 'issued_at = now + 66', A, 'NOT_YET_VALID', NOW_W - 66);
  add('add_wallet', 'add_wallet/signed-by-existing-wallet', 'signed by the user\'s registered wallet, not by the new one', addWallet(NEW_EVM, {}, OWNER), 'VERIFY_FAILED', NOW_W);
  add('add_wallet', 'add_wallet/signed-by-other-wallet', 'signed by a third wallet', addWallet(NEW_FS, {}, OWNER_FS), 'VERIFY_FAILED', NOW_W);
  add('add_wallet', 'add_wallet/other-user', 'the proof names another user than the one it is used for', { ...A, user_id: OTHER_USER_ID }, 'VERIFY_FAILED', NOW_W);
  add('add_wallet', 'add_wallet/wallet-swapped', 'the wallet identifier replaced after signing', { ...A, wallet_identifier: MALLORY.id }, 'VERIFY_FAILED', NOW_W);
  add('add_wallet', 'add_wallet/issued-at-changed', 'issued_at moved after signing', { ...A, issued_at: rfc3339(NOW_W + 60) }, 'VERIFY_FAILED', NOW_W);
  add('add_wallet', 'add_wallet/facesign-signature-flipped', 'FaceSign signature with one bit flipped', (() => { const s = Buffer.from(F.signature, 'hex'); s[10] ^= 1; return { ...F, signature: s.toString('hex') }; })(), 'VERIFY_FAILED', NOW_W);
  add('add_wallet', 'add_wallet/near-recipient-changed', 'near_recipient changed after signing', { ...addWallet(NEW_NEAR), near_recipient: 'evil.example' }, 'VERIFY_FAILED', NOW_W);
  add('add_wallet', 'add_wallet/identifier-eip55', 'the new wallet in EIP-55 spelling (signed as such)', addWallet({ ...NEW_EVM, id: NEW_EVM.checksummed }), 'INVALID_ENCODING', NOW_W);
  add('add_wallet', 'add_wallet/identifier-uppercase-facesign', 'a FaceSign key in uppercase hex (signed as such)', addWallet({ ...NEW_FS, id: NEW_FS.id.toUpperCase() }), 'INVALID_ENCODING', NOW_W);
  add('add_wallet', 'add_wallet/type-mismatch', 'an EVM identifier declared as FaceSign', { ...A, wallet_type: 'FaceSign' }, 'INVALID_ENCODING', NOW_W);
  add('add_wallet', 'add_wallet/type-unknown', 'wallet_type Solana', { ...A, wallet_type: 'Solana' }, 'UNSUPPORTED', NOW_W);
  add('add_wallet', 'add_wallet/type-lowercase', 'wallet_type "evm" (exact spelling required)', { ...A, wallet_type: 'evm' }, 'UNSUPPORTED', NOW_W);
  add('add_wallet', 'add_wallet/user-id-uppercase', 'user_id in uppercase (signed as such)', addWallet(NEW_EVM, { user_id: USER_ID.toUpperCase() }), 'INVALID_ENCODING', NOW_W);
  add('add_wallet', 'add_wallet/user-id-not-uuid', 'user_id is not a UUID', addWallet(NEW_EVM, { user_id: 'user-1' }), 'INVALID_LENGTH', NOW_W);
  add('add_wallet', 'add_wallet/issued-at-fraction', 'issued_at with milliseconds', addWallet(NEW_EVM, { issued_at: '2026-01-01T00:33:20.000Z' }), 'INVALID_LENGTH', NOW_W);
  add('add_wallet', 'add_wallet/issued-at-unix', 'issued_at as unix seconds text', addWallet(NEW_EVM, { issued_at: String(NOW_W) }), 'INVALID_LENGTH', NOW_W);
  add('add_wallet', 'add_wallet/issued-at-lowercase-t', 'issued_at with a lowercase t', addWallet(NEW_EVM, { issued_at: rfc3339(NOW_W).replace('T', 't') }), 'INVALID_INPUT', NOW_W);
  add('add_wallet', 'add_wallet/public-key-for-evm', 'wallet_public_key is only for XRPL', { ...A, wallet_public_key: 'ED' + '00'.repeat(32) }, 'INVALID_INPUT', NOW_W);
  add('add_wallet', 'add_wallet/near-members-for-evm', 'near_nonce on an EVM wallet', { ...A, near_nonce: toHex(NEAR_NONCE) }, 'INVALID_INPUT', NOW_W);
  add('add_wallet', 'add_wallet/near-without-nonce', 'a NEAR wallet without near_nonce', (() => { const x = addWallet(NEW_NEAR); delete x.near_nonce; return x; })(), 'INVALID_INPUT', NOW_W);
  add('add_wallet', 'add_wallet/signature-short', 'EVM signature of 64 bytes (no v)', { ...A, signature: A.signature.slice(0, 130) }, 'INVALID_SIGNATURE', NOW_W);
  add('add_wallet', 'add_wallet/facesign-signature-uppercase', 'FaceSign signature in uppercase hex', { ...F, signature: F.signature.toUpperCase() }, 'INVALID_ENCODING', NOW_W);
  const missing = clone(A); delete missing.signature;
  add('add_wallet', 'add_wallet/missing-signature', 'signature missing', missing, 'INVALID_INPUT', NOW_W);
  const noIssued = clone(A); delete noIssued.issued_at;
  add('add_wallet', 'add_wallet/missing-issued-at', 'issued_at missing', noIssued, 'INVALID_INPUT', NOW_W);
  add('add_wallet', 'add_wallet/role-prefixed-member', 'owner_wallet_type is not an add_wallet member', { ...A, owner_wallet_type: 'EVM' }, 'INVALID_INPUT', NOW_W);
}

// ---------------------------------------------------------------- owned_credential

const OTHER_ISSUER = nacl.sign.keyPair.fromSeed(seed32('other-issuer'));
{
  const O = { credential: CRED, owner: USER_ID };
  const tampered = { ...clone(CRED), public_notes: PUBLIC_NOTES.replace('approved', 'rejected') };
  add('owned_credential', 'owned_credential/valid', 'the owner stores their own credential', O, 'valid');
  add('owned_credential', 'owned_credential/valid-shared-copy', 'a shared copy of the owner', { credential: COPY, owner: USER_ID }, 'valid');
  add('owned_credential', 'owned_credential/other-owner', 'credential.user_id is another user', { ...O, owner: OTHER_USER_ID }, 'FORBIDDEN');
  add('owned_credential', 'owned_credential/for-other-user', 'a valid credential written for another user', { credential: signCredential({ ...clone(CRED), user_id: OTHER_USER_ID }, ISSUER), owner: USER_ID }, 'FORBIDDEN');
  add('owned_credential', 'owned_credential/tampered', 'the credential does not verify', { ...O, credential: tampered }, 'VERIFY_FAILED');
  add('owned_credential', 'owned_credential/tampered-and-other-owner', 'the credential verdict comes first', { credential: tampered, owner: OTHER_USER_ID }, 'VERIFY_FAILED');
  add('owned_credential', 'owned_credential/credential-unknown-member', 'the credential has an unknown member', { ...O, credential: { ...clone(CRED), role: 'original' } }, 'INVALID_INPUT');
  add('owned_credential', 'owned_credential/credential-not-object', 'the credential as JSON text', { ...O, credential: JSON.stringify(CRED) }, 'INVALID_INPUT');
  add('owned_credential', 'owned_credential/owner-not-string', 'owner is a number', { ...O, owner: 1 }, 'INVALID_INPUT');
  add('owned_credential', 'owned_credential/missing-owner', 'owner missing', { credential: CRED }, 'INVALID_INPUT');
  add('owned_credential', 'owned_credential/unknown-member', 'an unknown member', { ...O, shared_copy: COPY }, 'INVALID_INPUT');
}

// ---------------------------------------------------------------- dwg_write

// A write under a DWG (docs/node.md): the DWG, the credential it stores (signed by the DWG's
// issuer key), the shared copy for the DWG's grantee, and the DWG owner's user id.
{
  const D = dwg(OWNER);
  const W = { dwg: D, credential: CRED, shared_copy: COPY, owner: USER_ID };
  const NOW = T0 + 60;
  const m = (patch) => ({ ...clone(W), ...patch });
  const otherIssuerCred = signCredential({ id: ORIGINAL_ID, user_id: USER_ID, public_notes: PUBLIC_NOTES, content: CRED.content, encryptor_public_key: CRED.encryptor_public_key }, OTHER_ISSUER);
  add('dwg_write', 'dwg_write/valid', 'EVM owner\'s DWG, credential by its issuer key, copy for the grantee', W, 'valid', NOW);
  add('dwg_write', 'dwg_write/valid-facesign-owner', 'a FaceSign owner\'s DWG', m({ dwg: dwg(OWNER_FS) }), 'valid', NOW);
  add('dwg_write', 'dwg_write/replayed', 'the DWG id was used before', W, 'REPLAYED', NOW, true);
  add('dwg_write', 'dwg_write/expired', 'now = not_usable_after + 1', W, 'EXPIRED', NUA + 1);
  add('dwg_write', 'dwg_write/not-yet-valid', 'now = not_usable_before - 66', W, 'NOT_YET_VALID', NUB - 66);
  add('dwg_write', 'dwg_write/dwg-signed-by-other-wallet', 'the DWG is not signed by its owner', m({ dwg: dwg(OWNER, {}, MALLORY) }), 'VERIFY_FAILED', NOW);
  add('dwg_write', 'dwg_write/dwg-issuer-changed', 'the DWG names the credential\'s issuer, but was signed for another', m({ dwg: { ...D, issuer_public_key: toHex(OTHER_ISSUER.publicKey) } }), 'VERIFY_FAILED', NOW);
  add('dwg_write', 'dwg_write/issuer-mismatch', 'the credential is validly signed by another issuer than the DWG names', m({ credential: otherIssuerCred }), 'MISMATCH', NOW);
  add('dwg_write', 'dwg_write/issuer-mismatch-copy-key', 'the credential is signed by the copy\'s key, not the DWG issuer', m({ credential: signCredential({ id: ORIGINAL_ID, user_id: USER_ID, public_notes: PUBLIC_NOTES, content: CRED.content, encryptor_public_key: CRED.encryptor_public_key }, COPY_KEY) }), 'MISMATCH', NOW);
  add('dwg_write', 'dwg_write/credential-other-user', 'the credential belongs to another user than the DWG owner', m({ credential: signCredential({ ...clone(CRED), user_id: OTHER_USER_ID }, ISSUER) }), 'MISMATCH', NOW);
  add('dwg_write', 'dwg_write/copy-other-user', 'the shared copy belongs to another user', m({ shared_copy: signCredential({ ...clone(COPY), user_id: OTHER_USER_ID }, COPY_KEY) }), 'MISMATCH', NOW);
  add('dwg_write', 'dwg_write/owner-other-user', 'owner is not the user both records belong to', m({ owner: OTHER_USER_ID }), 'MISMATCH', NOW);
  add('dwg_write', 'dwg_write/copy-same-id', 'the shared copy reuses the credential\'s id', m({ shared_copy: signCredential({ ...clone(COPY), id: ORIGINAL_ID }, COPY_KEY) }), 'INVALID_INPUT', NOW);
  add('dwg_write', 'dwg_write/credential-tampered', 'the credential does not verify', m({ credential: { ...clone(CRED), public_notes: PUBLIC_NOTES.replace('approved', 'rejected') } }), 'VERIFY_FAILED', NOW);
  const copyContent = Buffer.from(COPY.content, 'base64'); copyContent[copyContent.length - 1] ^= 1;
  add('dwg_write', 'dwg_write/copy-tampered', 'the shared copy does not verify', m({ shared_copy: { ...clone(COPY), content: copyContent.toString('base64') } }), 'VERIFY_FAILED', NOW);
  add('dwg_write', 'dwg_write/expired-beats-issuer-mismatch', 'the DWG verdict comes first', m({ credential: otherIssuerCred }), 'EXPIRED', NUA + 1);
  add('dwg_write', 'dwg_write/replayed-beats-issuer-mismatch', 'a used DWG is refused before the records are looked at', m({ credential: otherIssuerCred }), 'REPLAYED', NOW, true);
  add('dwg_write', 'dwg_write/owner-uppercase', 'owner user id in uppercase', m({ owner: USER_ID.toUpperCase() }), 'INVALID_ENCODING', NOW);
  add('dwg_write', 'dwg_write/owner-wallet', 'owner is the owner\'s wallet, not the user id', m({ owner: OWNER.id }), 'INVALID_LENGTH', NOW);
  add('dwg_write', 'dwg_write/dwg-unknown-member', 'the DWG has an unknown member', m({ dwg: { ...D, message: 'x' } }), 'INVALID_INPUT', NOW);
  const noCopy = clone(W); delete noCopy.shared_copy;
  add('dwg_write', 'dwg_write/missing-shared-copy', 'shared_copy missing', noCopy, 'INVALID_INPUT', NOW);
  add('dwg_write', 'dwg_write/unknown-member', 'an unknown member', m({ grant: AG }), 'INVALID_INPUT', NOW);

  // Issuer delegation (docs/spec/grants.md): issuer_delegates is the list of keys the node's operator
  // registered as one inserter; the DWG names key A (ISSUER), the credential is signed by key B
  // (OTHER_ISSUER) of the same inserter, key C belongs to another inserter.
  const A = toHex(ISSUER.publicKey), B = toHex(OTHER_ISSUER.publicKey);
  const C = toHex(nacl.sign.keyPair.fromSeed(seed32('third-issuer')).publicKey);
  const byB = { credential: otherIssuerCred };
  add('dwg_write', 'dwg_write/delegate-other-key', 'the credential is signed by key B, the DWG names key A, both keys of one inserter', m({ ...byB, issuer_delegates: [A, B] }), 'valid', NOW);
  add('dwg_write', 'dwg_write/delegate-order', 'the same with the list in another order', m({ ...byB, issuer_delegates: [B, C, A] }), 'valid', NOW);
  add('dwg_write', 'dwg_write/delegate-same-key', 'the credential is signed by the DWG\'s own key: valid whatever the list', m({ issuer_delegates: [B, C] }), 'valid', NOW);
  add('dwg_write', 'dwg_write/delegate-credential-key-not-listed', 'key B signed, the list (of the DWG key\'s inserter) has A and C', m({ ...byB, issuer_delegates: [A, C] }), 'MISMATCH', NOW);
  add('dwg_write', 'dwg_write/delegate-dwg-key-not-listed', 'the list has B and C but not the DWG\'s key A', m({ ...byB, issuer_delegates: [B, C] }), 'MISMATCH', NOW);
  add('dwg_write', 'dwg_write/delegate-expired-first', 'the DWG verdict still comes first', m({ ...byB, issuer_delegates: [A, B] }), 'EXPIRED', NUA + 1);
  add('dwg_write', 'dwg_write/delegate-empty', 'an empty list', m({ ...byB, issuer_delegates: [] }), 'INVALID_INPUT', NOW);
  add('dwg_write', 'dwg_write/delegate-not-array', 'a key, not a list', m({ ...byB, issuer_delegates: A }), 'INVALID_INPUT', NOW);
  add('dwg_write', 'dwg_write/delegate-not-string', 'a number in the list', m({ ...byB, issuer_delegates: [A, 1] }), 'INVALID_INPUT', NOW);
  add('dwg_write', 'dwg_write/delegate-uppercase', 'a key in uppercase hex', m({ ...byB, issuer_delegates: [A, B.toUpperCase()] }), 'INVALID_ENCODING', NOW);
  add('dwg_write', 'dwg_write/delegate-short', 'a key of 31 bytes', m({ ...byB, issuer_delegates: [A, B.slice(2)] }), 'INVALID_LENGTH', NOW);
  add('dwg_write', 'dwg_write/delegate-duplicate', 'a key listed twice', m({ ...byB, issuer_delegates: [A, B, A] }), 'INVALID_INPUT', NOW);
  const many = Array.from({ length: 65 }, (_, i) => toHex(sha256(utf8(`delegate/${i}`))));
  add('dwg_write', 'dwg_write/delegate-too-many', '65 keys (at most 64)', m({ ...byB, issuer_delegates: many }), 'TOO_LARGE', NOW);
}

// ---------------------------------------------------------------- grant_target

// What a grant may point at: only a shared copy of the grant's owner (docs/node.md).
{
  const T = { grant: AG, target: { id: COPY_ID, role: 'copy', user_id: USER_ID } };
  const t = (patch) => ({ grant: AG, target: { ...T.target, ...patch } });
  add('grant_target', 'grant_target/valid', 'the grant points at the owner\'s shared copy', T, 'valid');
  add('grant_target', 'grant_target/valid-locked', 'a locked grant on the same copy', { ...T, grant: AG_LOCKED }, 'valid');
  add('grant_target', 'grant_target/original', 'a grant on the owner\'s original credential', t({ role: 'original' }), 'FORBIDDEN');
  add('grant_target', 'grant_target/role-unknown', 'an object that is neither original nor copy', t({ role: 'backup' }), 'FORBIDDEN');
  add('grant_target', 'grant_target/role-case', 'role "Copy" (exact spelling required)', t({ role: 'Copy' }), 'FORBIDDEN');
  add('grant_target', 'grant_target/other-users-copy', 'a shared copy of another user', t({ user_id: OTHER_USER_ID }), 'FORBIDDEN');
  add('grant_target', 'grant_target/other-object', 'the target is not the grant\'s data_id', t({ id: ORIGINAL_ID }), 'MISMATCH');
  add('grant_target', 'grant_target/other-object-original', 'another object that is an original: the id is checked first', t({ id: ORIGINAL_ID, role: 'original' }), 'MISMATCH');
  add('grant_target', 'grant_target/grant-id-mismatch', 'the grant record is inconsistent: the grant is checked first', { ...t({ role: 'original' }), grant: { ...AG, locked_until: 1 } }, 'MISMATCH');
  add('grant_target', 'grant_target/grant-content-hash-uppercase', 'a malformed grant', { ...T, grant: { ...AG, content_hash: CONTENT_HASH.toUpperCase() } }, 'INVALID_ENCODING');
  const noRole = clone(T); delete noRole.target.role;
  add('grant_target', 'grant_target/target-missing-role', 'target without role', noRole, 'INVALID_INPUT');
  add('grant_target', 'grant_target/target-unknown-member', 'target with an unknown member', t({ sha256: CONTENT_HASH }), 'INVALID_INPUT');
  add('grant_target', 'grant_target/target-not-object', 'target is its id', { grant: AG, target: COPY_ID }, 'INVALID_INPUT');
  add('grant_target', 'grant_target/unknown-member', 'an unknown member', { ...T, owner: USER_ID }, 'INVALID_INPUT');
}

// ---------------------------------------------------------------- node_receipt

// A storage node's receipt (docs/api.md, Receipts): Ed25519 by the node key (tweetnacl).
const NODE = nacl.sign.keyPair.fromSeed(seed32('node'));
const OTHER_NODE = nacl.sign.keyPair.fromSeed(seed32('other-node'));
const RECEIPT_SHA = toHex(sha256(utf8(canonicalize(CRED))));
function receipt(fields = {}, key = NODE) {
  const r = { node_id: toHex(NODE.publicKey), write_operation: 'put_credential', object_id: ORIGINAL_ID, object_kind: 'credential',
    sha256: RECEIPT_SHA, log_position: 3, time: rfc3339(T0 + 42), ...fields };
  return { ...r, signature: toHex(nacl.sign.detached(utf8(nodeReceiptMessage(r)), key.secretKey)) };
}
{
  const R = receipt();
  const m = (patch) => ({ ...R, ...patch });
  add('node_receipt', 'node_receipt/valid', 'a put_credential receipt', R, 'valid');
  add('node_receipt', 'node_receipt/valid-no-object-kind', 'object_kind is optional', (() => { const r = receipt(); delete r.object_kind; return r; })(), 'valid');
  add('node_receipt', 'node_receipt/valid-object-kind-changed', 'object_kind is informative and not signed', m({ object_kind: 'shared_copy' }), 'valid');
  add('node_receipt', 'node_receipt/valid-wallet-object', 'an add_wallet receipt names the wallet identifier', receipt({ write_operation: 'add_wallet', object_id: NEW_EVM.id, object_kind: 'wallet' }), 'valid');
  add('node_receipt', 'node_receipt/valid-max-position', 'log_position 2^53 - 1', receipt({ log_position: 9007199254740991 }), 'valid');
  add('node_receipt', 'node_receipt/signed-by-other-node', 'node_id of one node, signature of another', receipt({}, OTHER_NODE), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/node-id-swapped', 'node_id replaced by another node\'s key', m({ node_id: toHex(OTHER_NODE.publicKey) }), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/sha256-changed', 'sha256 changed after signing', m({ sha256: CONTENT_HASH }), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/position-changed', 'log_position changed after signing', m({ log_position: 4 }), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/time-changed', 'time changed after signing', m({ time: rfc3339(T0 + 43) }), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/operation-changed', 'write_operation changed after signing', m({ write_operation: 'write_by_dwg' }), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/object-changed', 'object_id changed after signing', m({ object_id: COPY_ID }), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/signature-flipped', 'one signature bit flipped', (() => { const s = Buffer.from(R.signature, 'hex'); s[63] ^= 0x10; return m({ signature: s.toString('hex') }); })(), 'VERIFY_FAILED');
  add('node_receipt', 'node_receipt/signature-uppercase', 'signature in uppercase hex', m({ signature: R.signature.toUpperCase() }), 'INVALID_ENCODING');
  add('node_receipt', 'node_receipt/signature-short', 'signature of 63 bytes', m({ signature: R.signature.slice(0, 126) }), 'INVALID_LENGTH');
  add('node_receipt', 'node_receipt/signature-base64', 'signature in base64', m({ signature: b64(Buffer.from(R.signature, 'hex')) }), 'INVALID_LENGTH');
  add('node_receipt', 'node_receipt/node-id-uppercase', 'node_id in uppercase hex', m({ node_id: R.node_id.toUpperCase() }), 'INVALID_ENCODING');
  add('node_receipt', 'node_receipt/node-id-0x', 'node_id with a 0x prefix', m({ node_id: '0x' + R.node_id }), 'INVALID_LENGTH');
  add('node_receipt', 'node_receipt/sha256-uppercase', 'sha256 in uppercase hex', m({ sha256: RECEIPT_SHA.toUpperCase() }), 'INVALID_ENCODING');
  add('node_receipt', 'node_receipt/position-zero', 'log_position 0 (positions start at 1)', m({ log_position: 0 }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/position-negative', 'log_position -1', m({ log_position: -1 }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/position-over-safe-integer', 'log_position 2^53', m({ log_position: 9007199254740992 }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/position-float', 'log_position 3.0', JSON.stringify(R).replace('"log_position":3', '"log_position":3.0'), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/position-string', 'log_position as a string', m({ log_position: '3' }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/operation-uppercase', 'write_operation with uppercase', receipt({ write_operation: 'PUT_CREDENTIAL' }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/operation-empty', 'write_operation empty', receipt({ write_operation: '' }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/operation-too-long', 'write_operation of 65 bytes', receipt({ write_operation: 'a'.repeat(65) }), 'TOO_LARGE');
  add('node_receipt', 'node_receipt/object-id-space', 'object_id with a space', receipt({ object_id: 'a b' }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/object-id-newline', 'a line break in object_id cannot forge a line', m({ object_id: `${ORIGINAL_ID}\nsha256: ${CONTENT_HASH}` }), 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/object-id-too-long', 'object_id of 129 bytes', receipt({ object_id: 'a'.repeat(129) }), 'TOO_LARGE');
  add('node_receipt', 'node_receipt/time-fraction', 'time with milliseconds', receipt({ time: '2026-01-01T00:00:42.000Z' }), 'INVALID_LENGTH');
  const noSig = { ...R }; delete noSig.signature;
  add('node_receipt', 'node_receipt/missing-signature', 'signature missing', noSig, 'INVALID_INPUT');
  add('node_receipt', 'node_receipt/unknown-member', 'an unknown member', m({ user_id: USER_ID }), 'INVALID_INPUT');
}

// ---------------------------------------------------------------- node_log_entry

// A network node's signed log entry (docs/spec/receipts.md, Signed log entries), tweetnacl.
function logEntry(fields = {}, key = NODE) {
  const e = { node_id: toHex(NODE.publicKey), position: 42, log_time: T0 + 42, tx_sha256: RECEIPT_SHA, result: 'OK',
    state_hash: CONTENT_HASH, ...fields };
  return { ...e, signature: toHex(nacl.sign.detached(utf8(nodeLogEntryMessage(e)), key.secretKey)) };
}
{
  const E = logEntry();
  const m = (patch) => ({ ...E, ...patch });
  add('node_log_entry', 'node_log_entry/valid', 'an applied entry', E, 'valid');
  add('node_log_entry', 'node_log_entry/valid-refused', 'an entry apply refused names the code', logEntry({ result: 'VERIFY_FAILED' }), 'valid');
  add('node_log_entry', 'node_log_entry/valid-duplicate', 'a duplicate transaction', logEntry({ result: 'DUPLICATE' }), 'valid');
  add('node_log_entry', 'node_log_entry/valid-max-position', 'position 2^53 - 1', logEntry({ position: 9007199254740991 }), 'valid');
  add('node_log_entry', 'node_log_entry/valid-time-zero', 'log_time 0', logEntry({ log_time: 0 }), 'valid');
  add('node_log_entry', 'node_log_entry/signed-by-other-node', 'node_id of one node, signature of another', logEntry({}, OTHER_NODE), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/node-id-swapped', 'node_id replaced by another node\'s key', m({ node_id: toHex(OTHER_NODE.publicKey) }), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/position-changed', 'position changed after signing', m({ position: 43 }), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/log-time-changed', 'log_time changed after signing', m({ log_time: T0 + 43 }), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/tx-changed', 'tx_sha256 changed after signing', m({ tx_sha256: CONTENT_HASH }), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/result-changed', 'result changed after signing', m({ result: 'DUPLICATE' }), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/state-hash-changed', 'state_hash changed after signing', m({ state_hash: RECEIPT_SHA }), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/signature-flipped', 'one signature bit flipped', (() => { const s = Buffer.from(E.signature, 'hex'); s[0] ^= 0x01; return m({ signature: s.toString('hex') }); })(), 'VERIFY_FAILED');
  add('node_log_entry', 'node_log_entry/signature-uppercase', 'signature in uppercase hex', m({ signature: E.signature.toUpperCase() }), 'INVALID_ENCODING');
  add('node_log_entry', 'node_log_entry/signature-short', 'signature of 63 bytes', m({ signature: E.signature.slice(0, 126) }), 'INVALID_LENGTH');
  add('node_log_entry', 'node_log_entry/node-id-uppercase', 'node_id in uppercase hex', m({ node_id: E.node_id.toUpperCase() }), 'INVALID_ENCODING');
  add('node_log_entry', 'node_log_entry/state-hash-short', 'state_hash of 31 bytes', m({ state_hash: E.state_hash.slice(0, 62) }), 'INVALID_LENGTH');
  add('node_log_entry', 'node_log_entry/position-zero', 'position 0 (positions start at 1)', m({ position: 0 }), 'INVALID_INPUT');
  add('node_log_entry', 'node_log_entry/position-string', 'position as a string', m({ position: '42' }), 'INVALID_INPUT');
  add('node_log_entry', 'node_log_entry/log-time-negative', 'log_time -1', m({ log_time: -1 }), 'INVALID_INPUT');
  add('node_log_entry', 'node_log_entry/result-lowercase', 'result in lowercase', logEntry({ result: 'ok' }), 'INVALID_INPUT');
  add('node_log_entry', 'node_log_entry/result-newline', 'a line break in result cannot forge a line', logEntry({ result: `OK\nstate_hash: ${RECEIPT_SHA}` }), 'INVALID_INPUT');
  add('node_log_entry', 'node_log_entry/result-empty', 'result empty', logEntry({ result: '' }), 'INVALID_INPUT');
  const noSig = { ...E }; delete noSig.signature;
  add('node_log_entry', 'node_log_entry/missing-signature', 'signature missing', noSig, 'INVALID_INPUT');
  add('node_log_entry', 'node_log_entry/unknown-member', 'an unknown member', m({ rows_sha256: CONTENT_HASH }), 'INVALID_INPUT');
}

// ---------------------------------------------------------------- owner changes (docs/spec/owner-changes.md)

{
  // edit_credential: the owner's new record for the original ORIGINAL_ID, re-encrypted to a new key
  // and signed by the user's own key (an issuer's signature cannot be re-made: the key may change).
  const USER_SIGNING = nacl.sign.keyPair.fromSeed(seed32('user-signing-key'));
  const NEW_BOX = nacl.box.keyPair.fromSecretKey(seed32('user-box-new'));
  const EDITED = signCredential({ id: ORIGINAL_ID, user_id: USER_ID, public_notes: PUBLIC_NOTES, ...encrypt(PLAINTEXT, NEW_BOX.publicKey, 'edited') }, USER_SIGNING);
  const CURRENT = { id: ORIGINAL_ID, role: 'original', user_id: USER_ID };
  const E = { credential: EDITED, requester: USER_ID, current: CURRENT, copies_locked_until: 0 };
  const e = (patch) => ({ ...clone(E), ...patch });
  const LOCK = T0 + 3600;
  add('edit_credential', 'edit_credential/valid', 'the owner re-encrypts an original, signed by another key than the stored one', E, 'valid');
  add('edit_credential', 'edit_credential/valid-same-issuer', 'an edit still signed by the issuer', e({ credential: CRED }), 'valid');
  add('edit_credential', 'edit_credential/valid-after-lock', 'a copy\'s grant was locked until a time now past', e({ copies_locked_until: LOCK }), 'valid', LOCK + 1);
  add('edit_credential', 'edit_credential/locked', 'a copy of the original holds a grant in its timelock', e({ copies_locked_until: LOCK }), 'LOCKED', T0);
  add('edit_credential', 'edit_credential/locked-at-lock-time', 'now == copies_locked_until is still locked', e({ copies_locked_until: LOCK }), 'LOCKED', LOCK);
  add('edit_credential', 'edit_credential/shared-copy', 'the stored record is a shared copy', e({ credential: COPY, current: { id: COPY_ID, role: 'copy', user_id: USER_ID } }), 'FORBIDDEN');
  add('edit_credential', 'edit_credential/role-case', 'role "Original" (exact spelling required)', e({ current: { ...CURRENT, role: 'Original' } }), 'FORBIDDEN');
  add('edit_credential', 'edit_credential/other-users-record', 'the stored record is another user\'s', e({ requester: OTHER_USER_ID }), 'FORBIDDEN');
  add('edit_credential', 'edit_credential/other-users-and-locked', 'another user\'s and locked: FORBIDDEN first', e({ requester: OTHER_USER_ID, copies_locked_until: LOCK }), 'FORBIDDEN', T0);
  add('edit_credential', 'edit_credential/other-id', 'the new record has another id than the stored one', e({ current: { ...CURRENT, id: COPY_ID } }), 'MISMATCH');
  const moved = signCredential({ ...clone(EDITED), user_id: OTHER_USER_ID }, USER_SIGNING);
  add('edit_credential', 'edit_credential/moves-user', 'the new record names another user_id', e({ credential: moved }), 'MISMATCH');
  add('edit_credential', 'edit_credential/tampered', 'the new record does not verify (issuer signatures re-checked)', e({ credential: { ...clone(EDITED), public_notes: PUBLIC_NOTES.replace('approved', 'rejected') } }), 'VERIFY_FAILED');
  add('edit_credential', 'edit_credential/tampered-and-locked', 'the record verdict comes before the lock', e({ credential: { ...clone(EDITED), public_notes: PUBLIC_NOTES.replace('approved', 'rejected') }, copies_locked_until: LOCK }), 'VERIFY_FAILED', T0);
  add('edit_credential', 'edit_credential/requester-not-uuid', 'requester is a wallet', e({ requester: OWNER.id }), 'INVALID_LENGTH');
  add('edit_credential', 'edit_credential/lock-negative', 'copies_locked_until below 0', e({ copies_locked_until: -1 }), 'INVALID_INPUT');
  add('edit_credential', 'edit_credential/current-unknown-member', 'current with an unknown member', e({ current: { ...CURRENT, sha256: CONTENT_HASH } }), 'INVALID_INPUT');
  const noCurrent = clone(E); delete noCurrent.current;
  add('edit_credential', 'edit_credential/missing-current', 'current missing', noCurrent, 'INVALID_INPUT');
  add('edit_credential', 'edit_credential/unknown-member', 'an unknown member', e({ original_id: ORIGINAL_ID }), 'INVALID_INPUT');

  // change_encryption_key: every original of the user re-encrypted to NEW_BOX, with the new key.
  const SECOND_ID = uuidFromLabel('credential-2');
  const SECOND = signCredential({ id: SECOND_ID, user_id: USER_ID, public_notes: PUBLIC_NOTES, ...encrypt(PLAINTEXT, NEW_BOX.publicKey, 'second') }, USER_SIGNING);
  const NEW_KEY = b64(NEW_BOX.publicKey);
  const K = { requester: USER_ID, encryption_public_key: NEW_KEY, credentials: [EDITED, SECOND], originals: [ORIGINAL_ID, SECOND_ID] };
  const k = (patch) => ({ ...clone(K), ...patch });
  add('change_encryption_key', 'change_encryption_key/valid', 'both originals re-encrypted, with the new public key', K, 'valid');
  add('change_encryption_key', 'change_encryption_key/valid-other-order', 'records in another order than the node lists its originals', k({ credentials: [SECOND, EDITED] }), 'valid');
  add('change_encryption_key', 'change_encryption_key/valid-no-originals', 'a user without originals: only the key changes', k({ credentials: [], originals: [] }), 'valid');
  add('change_encryption_key', 'change_encryption_key/missing-original', 'one original left out (it would stay under the old key)', k({ credentials: [EDITED] }), 'MISMATCH');
  add('change_encryption_key', 'change_encryption_key/extra-copy', 'a shared copy given as well', k({ credentials: [EDITED, SECOND, COPY] }), 'MISMATCH');
  add('change_encryption_key', 'change_encryption_key/unknown-id', 'a record that is no original of the user', k({ originals: [ORIGINAL_ID, COPY_ID] }), 'MISMATCH');
  const foreign = signCredential({ id: uuidFromLabel('foreign'), user_id: OTHER_USER_ID, public_notes: PUBLIC_NOTES, ...encrypt(PLAINTEXT, NEW_BOX.publicKey, 'foreign') }, USER_SIGNING);
  add('change_encryption_key', 'change_encryption_key/foreign', 'a record of another user', k({ credentials: [EDITED, SECOND, foreign] }), 'FORBIDDEN');
  add('change_encryption_key', 'change_encryption_key/twice', 'one original given twice', k({ credentials: [EDITED, SECOND, EDITED] }), 'INVALID_INPUT');
  add('change_encryption_key', 'change_encryption_key/tampered', 'a record that does not verify', k({ credentials: [EDITED, { ...clone(SECOND), public_notes: PUBLIC_NOTES.replace('approved', 'rejected') }] }), 'VERIFY_FAILED');
  add('change_encryption_key', 'change_encryption_key/no-key', 'the new key is empty', k({ encryption_public_key: '' }), 'INVALID_INPUT');
  add('change_encryption_key', 'change_encryption_key/key-31-bytes', 'the new key decodes to 31 bytes', k({ encryption_public_key: b64(NEW_BOX.publicKey.subarray(0, 31)) }), 'INVALID_LENGTH');
  add('change_encryption_key', 'change_encryption_key/key-url-safe', 'the new key without padding', k({ encryption_public_key: NEW_KEY.replace(/=+$/, '') }), 'INVALID_ENCODING');
  add('change_encryption_key', 'change_encryption_key/original-not-uuid', 'an originals entry that is not a UUID', k({ originals: [ORIGINAL_ID, SECOND_ID, 'x'] }), 'INVALID_LENGTH');
  add('change_encryption_key', 'change_encryption_key/too-many', '257 originals', k({ credentials: [], originals: Array.from({ length: 257 }, (_, i) => uuidFromLabel(`many/${i}`)) }), 'TOO_LARGE');
  add('change_encryption_key', 'change_encryption_key/credentials-not-array', 'credentials is an object', k({ credentials: EDITED }), 'INVALID_INPUT');
  add('change_encryption_key', 'change_encryption_key/credential-not-object', 'a credentials entry that is text', k({ credentials: [JSON.stringify(EDITED)] }), 'INVALID_INPUT');
  add('change_encryption_key', 'change_encryption_key/requester-not-uuid', 'requester is a wallet', k({ requester: OWNER.id }), 'INVALID_LENGTH');
  add('change_encryption_key', 'change_encryption_key/unknown-member', 'an unknown member', k({ wallet: OWNER.id }), 'INVALID_INPUT');

  // remove_wallet: OWNER (EVM) and OWNER_FS (FaceSign) are both wallets of USER_ID.
  const W = { requester: USER_ID, caller_wallet: OWNER.id, wallet: { wallet_identifier: OWNER_FS.id, user_id: USER_ID }, wallet_count: 2 };
  const w = (patch) => ({ ...clone(W), ...patch });
  add('remove_wallet', 'remove_wallet/valid', 'one wallet of the user removes another', W, 'valid');
  add('remove_wallet', 'remove_wallet/valid-facesign-removes-evm', 'the other direction', w({ caller_wallet: OWNER_FS.id, wallet: { wallet_identifier: OWNER.id, user_id: USER_ID } }), 'valid');
  add('remove_wallet', 'remove_wallet/itself', 'the calling wallet removes itself', w({ wallet: { wallet_identifier: OWNER.id, user_id: USER_ID } }), 'FORBIDDEN');
  add('remove_wallet', 'remove_wallet/last-wallet', 'the user has one wallet (count from the node)', w({ wallet_count: 1 }), 'FORBIDDEN');
  add('remove_wallet', 'remove_wallet/other-users-wallet', 'a wallet of another user', w({ wallet: { wallet_identifier: MALLORY.id, user_id: OTHER_USER_ID } }), 'FORBIDDEN');
  add('remove_wallet', 'remove_wallet/eip55-identifier', 'the wallet given in its EIP-55 spelling (the node canonicalises first)', w({ wallet: { wallet_identifier: OWNER.checksummed, user_id: USER_ID }, caller_wallet: OWNER_FS.id }), 'INVALID_ENCODING');
  add('remove_wallet', 'remove_wallet/caller-not-wallet', 'caller_wallet is no wallet identifier', w({ caller_wallet: 'nobody' }), 'UNSUPPORTED');
  add('remove_wallet', 'remove_wallet/count-negative', 'wallet_count below 0', w({ wallet_count: -1 }), 'INVALID_INPUT');
  add('remove_wallet', 'remove_wallet/wallet-unknown-member', 'wallet with an unknown member', w({ wallet: { ...W.wallet, wallet_type: 'FaceSign' } }), 'INVALID_INPUT');
  add('remove_wallet', 'remove_wallet/requester-not-uuid', 'requester is a wallet', w({ requester: OWNER.id }), 'INVALID_LENGTH');
  add('remove_wallet', 'remove_wallet/unknown-member', 'an unknown member', w({ wallet_type: 'EVM' }), 'INVALID_INPUT');
}

// ---------------------------------------------------------------- node_snapshot, node_snapshot_request

// A snapshot manifest and a snapshot request (docs/spec/receipts.md), tweetnacl.
function snapshotManifest(fields = {}, key = NODE) {
  const e = { node_id: toHex(NODE.publicKey), position: 42, state_hash: CONTENT_HASH, content_sha256: RECEIPT_SHA,
    size: 4096, ...fields };
  return { ...e, signature: toHex(nacl.sign.detached(utf8(messageOf.node_snapshot(e)), key.secretKey)) };
}
{
  const S = snapshotManifest();
  const m = (patch) => ({ ...S, ...patch });
  add('node_snapshot', 'node_snapshot/valid', 'a snapshot manifest', S, 'valid');
  add('node_snapshot', 'node_snapshot/valid-max-position', 'position and size 2^53 - 1', snapshotManifest({ position: 9007199254740991, size: 9007199254740991 }), 'valid');
  add('node_snapshot', 'node_snapshot/signed-by-other-node', 'node_id of one node, signature of another', snapshotManifest({}, OTHER_NODE), 'VERIFY_FAILED');
  add('node_snapshot', 'node_snapshot/position-changed', 'position changed after signing', m({ position: 43 }), 'VERIFY_FAILED');
  add('node_snapshot', 'node_snapshot/state-hash-changed', 'state_hash changed after signing', m({ state_hash: RECEIPT_SHA }), 'VERIFY_FAILED');
  add('node_snapshot', 'node_snapshot/content-changed', 'content_sha256 changed after signing', m({ content_sha256: CONTENT_HASH }), 'VERIFY_FAILED');
  add('node_snapshot', 'node_snapshot/size-changed', 'size changed after signing', m({ size: 4097 }), 'VERIFY_FAILED');
  add('node_snapshot', 'node_snapshot/content-uppercase', 'content_sha256 in uppercase hex', m({ content_sha256: RECEIPT_SHA.toUpperCase() }), 'INVALID_ENCODING');
  add('node_snapshot', 'node_snapshot/content-short', 'content_sha256 of 31 bytes', m({ content_sha256: RECEIPT_SHA.slice(0, 62) }), 'INVALID_LENGTH');
  add('node_snapshot', 'node_snapshot/position-zero', 'position 0', m({ position: 0 }), 'INVALID_INPUT');
  add('node_snapshot', 'node_snapshot/size-zero', 'size 0', m({ size: 0 }), 'INVALID_INPUT');
  add('node_snapshot', 'node_snapshot/size-string', 'size as a string', m({ size: '4096' }), 'INVALID_INPUT');
  const noSig = { ...S }; delete noSig.signature;
  add('node_snapshot', 'node_snapshot/missing-signature', 'signature missing', noSig, 'INVALID_INPUT');
  add('node_snapshot', 'node_snapshot/unknown-member', 'an unknown member', m({ log_time: T0 }), 'INVALID_INPUT');
}

function snapshotRequest(fields = {}, key = NODE) {
  const e = { node_id: toHex(NODE.publicKey), server_id: toHex(OTHER_NODE.publicKey), position: 42, issued_at: T0, ...fields };
  return { ...e, signature: toHex(nacl.sign.detached(utf8(messageOf.node_snapshot_request(e)), key.secretKey)) };
}
{
  const Q = snapshotRequest();
  const m = (patch) => ({ ...Q, ...patch });
  add('node_snapshot_request', 'node_snapshot_request/valid', 'a request for the snapshot at 42', Q, 'valid');
  add('node_snapshot_request', 'node_snapshot_request/valid-latest', 'position 0: the latest manifest', snapshotRequest({ position: 0 }), 'valid');
  add('node_snapshot_request', 'node_snapshot_request/valid-oldest', 'issued_at = now - 60', Q, 'valid', T0 + 60);
  add('node_snapshot_request', 'node_snapshot_request/expired', 'issued_at = now - 61', Q, 'EXPIRED', T0 + 61);
  add('node_snapshot_request', 'node_snapshot_request/valid-ahead', 'issued_at = now + 60', Q, 'valid', T0 - 60);
  add('node_snapshot_request', 'node_snapshot_request/ahead', 'issued_at = now + 61', Q, 'NOT_YET_VALID', T0 - 61);
  add('node_snapshot_request', 'node_snapshot_request/signed-by-other-node', 'node_id of one node, signature of another', snapshotRequest({}, OTHER_NODE), 'VERIFY_FAILED');
  add('node_snapshot_request', 'node_snapshot_request/server-changed', 'server_id changed after signing (a request for another node)', m({ server_id: toHex(NODE.publicKey) }), 'VERIFY_FAILED');
  add('node_snapshot_request', 'node_snapshot_request/position-changed', 'position changed after signing', m({ position: 41 }), 'VERIFY_FAILED');
  add('node_snapshot_request', 'node_snapshot_request/position-negative', 'position -1', m({ position: -1 }), 'INVALID_INPUT');
  add('node_snapshot_request', 'node_snapshot_request/server-uppercase', 'server_id in uppercase hex', m({ server_id: Q.server_id.toUpperCase() }), 'INVALID_ENCODING');
  const noSig = { ...Q }; delete noSig.signature;
  add('node_snapshot_request', 'node_snapshot_request/missing-signature', 'signature missing', noSig, 'INVALID_INPUT');
  add('node_snapshot_request', 'node_snapshot_request/unknown-member', 'an unknown member', m({ url: 'http://127.0.0.1' }), 'INVALID_INPUT');
}

// ---------------------------------------------------------------- other

add('unknown', 'kind/unknown', 'an unknown kind', { id: 'x' }, 'UNSUPPORTED');
add('Credential', 'kind/case-sensitive', 'kinds are case-sensitive', CRED, 'UNSUPPORTED');

// ---------------------------------------------------------------- W3C known answer (vc_eddsa_jcs.json)

// W3C vc-di-eddsa TestVectors/eddsa-jcs-2022/signedJCS.json and keyPair.json, unchanged.
const W3C_SIGNED = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
  id: 'urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33', type: ['VerifiableCredential', 'AlumniCredential'],
  name: 'Alumni Credential', description: 'A minimum viable example of an Alumni Credential.',
  issuer: 'https://vc.example/issuers/5678', validFrom: '2023-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:abcdefgh', alumniOf: 'The School of Examples' },
  proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-jcs-2022', created: '2023-02-24T23:36:38Z',
    verificationMethod: 'https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
    proofPurpose: 'assertionMethod',
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
    proofValue: 'z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4' } };
const W3C_PUBLIC = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';
const W3C_PRIVATE = 'z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq';
{
  const { proof, ...unsecured } = W3C_SIGNED;
  const { proofValue, ...config } = proof;
  const hashData = new Uint8Array([...sha256(utf8(canonicalize(config))), ...sha256(utf8(canonicalize(unsecured)))]);
  const seed = unbase58(W3C_PRIVATE.slice(1)).subarray(2);
  const kp = nacl.sign.keyPair.fromSeed(seed);
  assert(multikey(kp.publicKey) === W3C_PUBLIC, 'W3C key pair');
  const sig = nacl.sign.detached(hashData, kp.secretKey);
  assert('z' + base58(sig) === proofValue, 'our JS reproduces the W3C proofValue');
  const kat = {
    description: 'W3C vc-di-eddsa eddsa-jcs-2022 test vector (TestVectors/eddsa-jcs-2022/signedJCS.json, keyPair.json, '
      + 'canonDocJCS.txt, sigHexJCS.txt), checked by tests/js/gen/grant-vectors.mjs with tweetnacl and canonicalize.',
    source: 'https://github.com/w3c/vc-di-eddsa/tree/main/TestVectors/eddsa-jcs-2022',
    public_key_multibase: W3C_PUBLIC,
    private_key_multibase: W3C_PRIVATE,
    seed_hex: toHex(seed),
    public_key_hex: toHex(kp.publicKey),
    canonical_document: canonicalize(unsecured),
    canonical_proof_config: canonicalize(config),
    hash_data_hex: toHex(hashData),
    signature_hex: toHex(sig),
    signed: W3C_SIGNED,
  };
  writeFileSync(join(VECTORS, 'vc_eddsa_jcs.json'), JSON.stringify(kat, null, 2) + '\n');
}

// ---------------------------------------------------------------- delete_credential (docs/spec/lifecycle.md)

{
  const COPY2_ID = uuidFromLabel('copy-2');
  const cred = (id, role, user_id = USER_ID) => ({ id, role, user_id });
  const AG2 = grant(GRANTEE.id, COPY2_ID, T0 + 3600);
  const D = { credential: cred(ORIGINAL_ID, 'original'), copies: [COPY_ID, COPY2_ID], grants: [AG, AG_LOCKED, AG2], requester: USER_ID };
  const after = AG_LOCKED.locked_until + 1;
  add('delete_credential', 'delete/valid-after-locks', 'the owner deletes an original, its two copies and three grants, every lock passed', D, 'valid', after);
  add('delete_credential', 'delete/valid-no-copies', 'an original never shared', { ...D, copies: [], grants: [] }, 'valid', T0);
  add('delete_credential', 'delete/valid-copy-alone', 'the owner deletes one shared copy and its grants (as idOS allows)', { credential: cred(COPY_ID, 'copy'), copies: [], grants: [AG, AG_LOCKED], requester: USER_ID }, 'valid', after);
  add('delete_credential', 'delete/locked', 'a copy\'s grant is still in its timelock', D, 'LOCKED', T0);
  add('delete_credential', 'delete/locked-at-lock-time', 'now == locked_until is still locked', D, 'LOCKED', AG_LOCKED.locked_until);
  add('delete_credential', 'delete/locked-copy-alone', 'deleting a copy whose grant is locked', { credential: cred(COPY_ID, 'copy'), copies: [], grants: [AG_LOCKED], requester: USER_ID }, 'LOCKED', T0);
  add('delete_credential', 'delete/not-owner', 'another user asks', { ...D, requester: OTHER_USER_ID }, 'FORBIDDEN', after);
  add('delete_credential', 'delete/not-owner-while-locked', 'not the owner and locked: FORBIDDEN first', { ...D, requester: OTHER_USER_ID }, 'FORBIDDEN', T0);
  add('delete_credential', 'delete/grant-elsewhere', 'a grant on a record that is not being deleted', { ...D, copies: [COPY_ID] }, 'MISMATCH', after);
  add('delete_credential', 'delete/grant-other-owner', 'a grant owned by another user', { ...D, grants: [grant(GRANTEE.id, COPY_ID, 0, { owner: OTHER_USER_ID, inserter_id: OTHER_USER_ID })] }, 'MISMATCH', after);
  add('delete_credential', 'delete/grant-id-mismatch', 'an inconsistent grant record', { ...D, grants: [{ ...AG, locked_until: 5 }] }, 'MISMATCH', after);
  add('delete_credential', 'delete/copy-with-copies', 'a shared copy has no copies', { ...D, credential: cred(COPY_ID, 'copy'), copies: [COPY2_ID] }, 'INVALID_INPUT', after);
  add('delete_credential', 'delete/copy-repeated', 'a copy named twice', { ...D, copies: [COPY_ID, COPY_ID] }, 'INVALID_INPUT', after);
  add('delete_credential', 'delete/copy-is-credential', 'the credential listed as its own copy', { ...D, copies: [ORIGINAL_ID] }, 'INVALID_INPUT', after);
  add('delete_credential', 'delete/bad-role', 'role is neither original nor copy', { ...D, credential: cred(ORIGINAL_ID, 'owner') }, 'INVALID_INPUT', after);
  add('delete_credential', 'delete/requester-not-uuid', 'requester is a wallet', { ...D, requester: OWNER.id }, 'INVALID_LENGTH', after);
  add('delete_credential', 'delete/copy-not-uuid', 'a copy id that is not a UUID', { ...D, copies: ['copy'] }, 'INVALID_LENGTH', after);
  add('delete_credential', 'delete/copies-not-strings', 'copies holds a number', { ...D, copies: [1] }, 'INVALID_INPUT', after);
  add('delete_credential', 'delete/missing-grants', 'grants missing', { credential: D.credential, copies: [], requester: USER_ID }, 'INVALID_INPUT', after);
  add('delete_credential', 'delete/unknown-member', 'an unknown member', { ...D, reason: 'x' }, 'INVALID_INPUT', after);
  add('delete_credential', 'delete/unknown-credential-member', 'an unknown member of credential', { ...D, credential: { ...D.credential, sha256: 'x' } }, 'INVALID_INPUT', after);
}

// ---------------------------------------------------------------- credential_status, set_credential_status

// The issuer's status document (docs/spec/lifecycle.md): this generator's own template of the
// signed text, signed by tweetnacl with the issuer key of the credentials above.
const statusMessage = (s) => ['idos-credential-status/v1', `issuer_auth_public_key: ${s.issuer_auth_public_key}`,
  `vc_id: ${s.vc_id}`, `status: ${s.status}`, `reason: ${s.reason ?? ''}`, `sequence: ${s.sequence}`,
  `issued_at: ${s.issued_at}`].join('\n');
const signStatus = (s, key = ISSUER) => ({ ...s, signature: Buffer.from(nacl.sign.detached(utf8(statusMessage(s)), key.secretKey)).toString('base64') });
const STATUS_FIELDS = { issuer_auth_public_key: toHex(ISSUER.publicKey), vc_id: `urn:uuid:${uuidFromLabel('notes')}`,
  status: 'revoked', reason: 'superseded by a newer credential', sequence: 2, issued_at: T0 };
const ST = signStatus(STATUS_FIELDS);
{
  const m = (patch) => signStatus({ ...STATUS_FIELDS, ...patch });
  add('credential_status', 'status/valid', 'revoked with a reason, signed by the issuer', ST, 'valid', 0);
  add('credential_status', 'status/valid-no-reason', 'suspended, no reason member', signStatus({ ...STATUS_FIELDS, status: 'suspended', reason: undefined }), 'valid', 0);
  add('credential_status', 'status/valid-active', 'active again', m({ status: 'active', reason: '' }), 'valid', 0);
  add('credential_status', 'status/valid-any-time', 'a consumer checks the signature only: no freshness', ST, 'valid', T0 + 10 * 365 * 86400);
  add('credential_status', 'status/wrong-signer', 'signed by another key', { ...signStatus(STATUS_FIELDS, nacl.sign.keyPair.fromSeed(seed32('mallory-issuer'))) }, 'VERIFY_FAILED', 0);
  add('credential_status', 'status/changed-status', 'status changed after signing', { ...ST, status: 'active' }, 'VERIFY_FAILED', 0);
  add('credential_status', 'status/changed-sequence', 'sequence changed after signing', { ...ST, sequence: 3 }, 'VERIFY_FAILED', 0);
  add('credential_status', 'status/reason-removed', 'the reason removed after signing', (() => { const c = clone(ST); delete c.reason; return c; })(), 'VERIFY_FAILED', 0);
  add('credential_status', 'status/unknown-status', 'status "expired" is not one of the three', m({ status: 'expired' }), 'INVALID_INPUT', 0);
  add('credential_status', 'status/reason-newline', 'a reason with a line break', m({ reason: 'a\nsequence: 9' }), 'INVALID_INPUT', 0);
  add('credential_status', 'status/reason-too-long', 'a reason over 512 bytes', m({ reason: 'x'.repeat(513) }), 'TOO_LARGE', 0);
  add('credential_status', 'status/vc-id-space', 'a VC id with a space', m({ vc_id: 'urn:uuid: x' }), 'INVALID_INPUT', 0);
  add('credential_status', 'status/vc-id-too-long', 'a VC id over 128 bytes', m({ vc_id: 'urn:x:' + 'a'.repeat(123) }), 'TOO_LARGE', 0);
  add('credential_status', 'status/vc-id-empty', 'an empty VC id', m({ vc_id: '' }), 'INVALID_INPUT', 0);
  add('credential_status', 'status/sequence-zero', 'sequence 0', m({ sequence: 0 }), 'INVALID_INPUT', 0);
  add('credential_status', 'status/sequence-above-2-53', 'sequence above 2^53-1', { ...ST, sequence: 9007199254740992 }, 'INVALID_INPUT', 0);
  add('credential_status', 'status/key-uppercase', 'issuer key in uppercase hex', m({ issuer_auth_public_key: toHex(ISSUER.publicKey).toUpperCase() }), 'INVALID_ENCODING', 0);
  add('credential_status', 'status/signature-short', 'a 63-byte signature', { ...ST, signature: Buffer.alloc(63).toString('base64') }, 'INVALID_LENGTH', 0);
  add('credential_status', 'status/signature-not-base64', 'signature not base64', { ...ST, signature: '!'.repeat(88) }, 'INVALID_ENCODING', 0);
  add('credential_status', 'status/missing-signature', 'no signature', (() => { const c = clone(ST); delete c.signature; return c; })(), 'INVALID_INPUT', 0);
  add('credential_status', 'status/unknown-member', 'an unknown member', { ...ST, credential_id: ORIGINAL_ID }, 'INVALID_INPUT', 0);

  const U = { status: ST, current_sequence: 1 };
  add('set_credential_status', 'set-status/valid', 'fresh at log time, sequence above the recorded one', U, 'valid', T0 + 10);
  add('set_credential_status', 'set-status/valid-first', 'the first status (nothing recorded: 0)', { ...U, current_sequence: 0 }, 'valid', T0);
  add('set_credential_status', 'set-status/valid-edge-old', 'issued exactly 300 s before the log time', U, 'valid', T0 + 300);
  add('set_credential_status', 'set-status/valid-edge-ahead', 'issued exactly 300 s after the log time', U, 'valid', T0 - 300);
  add('set_credential_status', 'set-status/expired', 'issued 301 s before the log time', U, 'EXPIRED', T0 + 301);
  add('set_credential_status', 'set-status/not-yet-valid', 'issued 301 s after the log time', U, 'NOT_YET_VALID', T0 - 301);
  add('set_credential_status', 'set-status/replayed-same', 'the recorded sequence again', { ...U, current_sequence: 2 }, 'REPLAYED', T0);
  add('set_credential_status', 'set-status/replayed-older', 'an older status over a newer one', { ...U, current_sequence: 7 }, 'REPLAYED', T0);
  add('set_credential_status', 'set-status/forged-first', 'a bad signature is VERIFY_FAILED before freshness and order', { ...U, status: { ...ST, status: 'active' }, current_sequence: 7 }, 'VERIFY_FAILED', T0 + 1000);
  add('set_credential_status', 'set-status/negative-current', 'current_sequence below 0', { ...U, current_sequence: -1 }, 'INVALID_INPUT', T0);
  add('set_credential_status', 'set-status/missing-current', 'current_sequence missing', { status: ST }, 'INVALID_INPUT', T0);
  add('set_credential_status', 'set-status/unknown-member', 'an unknown member', { ...U, vc_id: ST.vc_id }, 'INVALID_INPUT', T0);
}

// ---------------------------------------------------------------- write

const kinds = {};
for (const c of cases) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
const out = {
  description: 'Grant-format vectors (docs/spec/vectors.md): each case runs validate_document(kind, input, now, seen_before) '
    + 'and expects "valid" or the error code. input_text, when present, is the exact document text; otherwise the '
    + 'document is the JSON serialisation of input.',
  generator: 'tests/js/gen/grant-vectors.mjs',
  libraries: { ethers: libVersion('ethers'), tweetnacl: libVersion('tweetnacl'), canonicalize: libVersion('canonicalize'),
    borsh: libVersion('borsh'), node: process.versions.node },
  counts: kinds,
  cases,
};
writeFileSync(join(VECTORS, 'grants.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${cases.length} cases`, kinds);
