// Credential deletion and issuer status (lifecycle.hpp, docs/spec/lifecycle.md).
#include "idos/protocol/lifecycle.hpp"

#include <algorithm>
#include <set>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/sign.hpp"
#include "idos/primitives/time.hpp"
#include "message_fields.hpp"

namespace idos {
namespace {

constexpr int64_t kMaxJsonSafeInteger = 9007199254740991;

// UTF-8 of at most `max` bytes (at least `min`), without C0 controls or DEL: the value goes on one
// line of a signed message and into logs.
Status check_line_text(std::string_view value, size_t min, size_t max, std::string_view what) {
  if (value.size() > max) return make_error(ErrorCode::too_large, detail::prefixed(what, "is too long"));
  if (value.size() < min) return make_error(ErrorCode::invalid_input, detail::prefixed(what, "must not be empty"));
  IDOS_CHECK(check_utf8(value, what));
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return make_error(ErrorCode::invalid_input, detail::prefixed(what, "must not contain control characters"));
    }
  }
  return ok_status();
}

}  // namespace

Status check_credential_deletion(const CredentialDeletion& d, int64_t now) {
  IDOS_CHECK(check_uuid_field(d.requester, "requester"));
  IDOS_CHECK(check_uuid_field(d.credential.id, "credential.id"));
  IDOS_CHECK(check_uuid_field(d.credential.user_id, "credential.user_id"));
  if (d.credential.role != "original" && d.credential.role != "copy") {
    return make_error(ErrorCode::invalid_input, "credential.role must be \"original\" or \"copy\"");
  }
  if (d.requester != d.credential.user_id) {
    return make_error(ErrorCode::forbidden, "only the credential's owner may delete it");
  }
  if (d.credential.role == "copy" && !d.copies.empty()) {
    return make_error(ErrorCode::invalid_input, "a shared copy has no copies of its own");
  }
  if (d.copies.size() > kMaxDeletionItems || d.grants.size() > kMaxDeletionItems) {
    return make_error(ErrorCode::too_large, "too many copies or grants in one deletion");
  }
  std::set<std::string> records{d.credential.id};
  for (const auto& id : d.copies) {
    IDOS_CHECK(check_uuid_field(id, "copies[]"));
    if (!records.insert(id).second) return make_error(ErrorCode::invalid_input, "copies: " + id + " named twice");
  }
  std::optional<int64_t> latest_lock;
  for (const auto& g : d.grants) {
    IDOS_CHECK(check_access_grant(g));
    if (records.count(g.data_id) == 0) {
      return make_error(ErrorCode::mismatch, "grant " + g.id + " is not on the credential or one of its copies");
    }
    if (g.owner != d.credential.user_id) {
      return make_error(ErrorCode::mismatch, "grant " + g.id + " has another owner than the credential");
    }
    // Locked while now <= locked_until, as for a revocation (grants.md).
    if (now <= g.locked_until) latest_lock = std::max(latest_lock.value_or(g.locked_until), g.locked_until);
  }
  if (latest_lock) {
    auto when = format_rfc3339_utc(*latest_lock);
    return make_error(ErrorCode::locked, "an access grant on this credential or its copies is locked until " +
                                             (when.ok() ? *when : std::string("?")) + " (unix " +
                                             std::to_string(*latest_lock) + ")");
  }
  return ok_status();
}

Status check_credential_status_fields(const CredentialStatus& s) {
  IDOS_CHECK(check_hex32_field(s.issuer_auth_public_key, "issuer_auth_public_key"));
  // A URI (urn:uuid:..., https://...): printable ASCII without spaces, so it is also a receipt's
  // object_id and one word of a row key.
  IDOS_CHECK(detail::check_printable(s.vc_id, kMaxVcIdBytes, "vc_id"));
  if (s.status != "active" && s.status != "suspended" && s.status != "revoked") {
    return make_error(ErrorCode::invalid_input, "status must be \"active\", \"suspended\" or \"revoked\"");
  }
  IDOS_CHECK(check_line_text(s.reason, 0, kMaxStatusReasonBytes, "reason"));
  if (s.sequence < 1 || s.sequence > kMaxJsonSafeInteger) {
    return make_error(ErrorCode::invalid_input, "sequence must be an integer from 1 to 2^53-1");
  }
  if (s.issued_at < 0 || s.issued_at > kMaxUnixTime) {
    return make_error(ErrorCode::invalid_input, "issued_at must be unix seconds from 0 to 253402300799");
  }
  return ok_status();
}

Result<std::string> credential_status_message(const CredentialStatus& s) {
  IDOS_CHECK(check_credential_status_fields(s));
  const std::string sequence = std::to_string(s.sequence);
  const std::string issued_at = std::to_string(s.issued_at);
  IDOS_TRY(std::string lines, detail::join_lines({{"issuer_auth_public_key", s.issuer_auth_public_key},
                                                  {"vc_id", s.vc_id},
                                                  {"status", s.status},
                                                  {"reason", s.reason},
                                                  {"sequence", sequence},
                                                  {"issued_at", issued_at}}));
  return "idos-credential-status/v1\n" + lines;
}

Status verify_credential_status(const CredentialStatus& s, std::string_view signature_base64) {
  IDOS_TRY(std::string message, credential_status_message(s));
  auto sig = base64_decode(signature_base64);
  if (!sig) return make_error(sig.code(), "signature: " + sig.error().message);
  if (sig->size() != kEd25519SignatureSize) {
    return make_error(ErrorCode::invalid_length, "signature must decode to 64 bytes");
  }
  IDOS_TRY(Bytes key, hex_decode_exact(s.issuer_auth_public_key, kEd25519PublicKeySize));
  auto verified = ed25519_verify(as_bytes(message), *sig, key);
  if (!verified) {
    if (verified.code() == ErrorCode::verify_failed) {
      return make_error(ErrorCode::verify_failed, "the status is not signed by issuer_auth_public_key");
    }
    return verified.error();
  }
  return ok_status();
}

Status check_credential_status_update(const CredentialStatus& s, std::string_view signature_base64, int64_t now,
                                      int64_t current_sequence) {
  IDOS_CHECK(verify_credential_status(s, signature_base64));
  if (s.issued_at > now + kCredentialStatusMaxAge) {
    return make_error(ErrorCode::not_yet_valid, "issued_at is more than 300 s ahead of the log time");
  }
  if (now - s.issued_at > kCredentialStatusMaxAge) {
    return make_error(ErrorCode::expired, "issued_at is more than 300 s before the log time");
  }
  if (current_sequence < 0) return make_error(ErrorCode::invalid_input, "current_sequence must not be negative");
  if (s.sequence <= current_sequence) {
    return make_error(ErrorCode::replayed, "a status with sequence " + std::to_string(current_sequence) +
                                               " was already set for this credential; the sequence must increase");
  }
  return ok_status();
}

}  // namespace idos
