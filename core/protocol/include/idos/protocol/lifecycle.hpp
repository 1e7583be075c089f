// The credential lifecycle rules beyond create, share and revoke (docs/spec/lifecycle.md):
// who may delete a credential and when, and the issuer's signed status of a credential it issued.
//
// Pure: `now` comes from the caller (the node passes its log time), and what the node knows (the
// copies made from a credential, their grants, the status recorded so far) is passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idos/primitives/result.hpp"
#include "idos/protocol/grant.hpp"

namespace idos {

// --- deleting a credential ------------------------------------------------------------------------
// The record to delete as the node holds it, the shared copies made from it (their ids: the node
// found them through original_id) and every access grant on the record or on those copies.
struct CredentialRef {
  std::string id;       // UUID
  std::string user_id;  // UUID (the owner)
  std::string role;     // "original" or "copy"
};
struct CredentialDeletion {
  CredentialRef credential;
  std::vector<std::string> copies;  // ids (UUIDs); empty for a copy
  std::vector<AccessGrant> grants;  // each on credential.id or one of `copies`
  std::string requester;            // the calling user's id
};
inline constexpr size_t kMaxDeletionItems = 10000;  // copies, and grants, per deletion

// In order: requester UUID; the credential's id, user_id (UUIDs) and role ("original" or "copy",
// else INVALID_INPUT); requester != credential.user_id → FORBIDDEN; a copy with copies →
// INVALID_INPUT; each copy id a UUID, none repeated or equal to the credential's id
// (INVALID_INPUT); each grant a valid access grant (its own rules), on the credential or one of the
// copies (MISMATCH), owned by the credential's owner (MISMATCH); then any grant with
// now <= locked_until → LOCKED, the message naming the latest locked_until (RFC 3339 and unix).
Status check_credential_deletion(const CredentialDeletion& d, int64_t now);

// --- issuer status --------------------------------------------------------------------------------
// A status the issuer (its Ed25519 key, the credential's issuer_auth_public_key) sets on a
// verifiable credential it issued, by the VC's id (the `id` of the record's public_notes).
struct CredentialStatus {
  std::string issuer_auth_public_key;  // hex32 (Ed25519)
  std::string vc_id;                   // 1..128 bytes of printable ASCII without spaces (a URI)
  std::string status;                  // "active", "suspended" or "revoked"
  std::string reason;                  // 0..512 bytes of UTF-8, no control characters ("" = none)
  int64_t sequence = 0;                // 1..2^53-1, increasing per (issuer, vc_id)
  int64_t issued_at = 0;               // unix seconds
};
inline constexpr size_t kMaxVcIdBytes = 128;
inline constexpr size_t kMaxStatusReasonBytes = 512;
// A status document is accepted within this many seconds of issued_at (either side) at `now`.
inline constexpr int64_t kCredentialStatusMaxAge = 300;

Status check_credential_status_fields(const CredentialStatus& s);
// The text the issuer signs (UTF-8, lines joined by LF, no trailing LF):
//   idos-credential-status/v1
//   issuer_auth_public_key: <hex>
//   vc_id: <vc id>
//   status: <status>
//   reason: <reason, may be empty>
//   sequence: <decimal>
//   issued_at: <decimal>
Result<std::string> credential_status_message(const CredentialStatus& s);
// Fields, then the Ed25519 signature (base64 of 64 bytes, canonical) by issuer_auth_public_key
// (VERIFY_FAILED). What a consumer checks on a status it was shown: no clock involved.
Status verify_credential_status(const CredentialStatus& s, std::string_view signature_base64);
// The node's decision on setting it, at log time `now`: the document as above; then freshness
// (issued_at > now + 300 → NOT_YET_VALID, now - issued_at > 300 → EXPIRED); then order: sequence >
// current_sequence (the sequence recorded for the same issuer and VC id, 0 when none), else
// REPLAYED. Freshness bounds how long a signed document can be submitted at all; the sequence
// keeps an older status from replacing a newer one within that window.
Status check_credential_status_update(const CredentialStatus& s, std::string_view signature_base64, int64_t now,
                                      int64_t current_sequence);

}  // namespace idos
