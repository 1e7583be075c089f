// The dispatching validator (see validate.hpp, docs/spec/validation.md): JSON in, the domain
// checks of credential.hpp, grant.hpp and vc.hpp, one verdict out.
#include "idos/protocol/validate.hpp"

#include <optional>
#include <string>

#include "idos/protocol/credential.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/primitives/json_dom.hpp"
#include "idos/primitives/time.hpp"
#include "idos/protocol/vc.hpp"
#include "idos/protocol/wallet.hpp"
#include "vc_dom.hpp"

namespace idos {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxGrantDocumentBytes = 64 * 1024;
constexpr size_t kMaxFieldBytes = 4096;
constexpr size_t kMaxSignatureChars = 512;

Result<std::string> str(const Json& o, std::string_view key) { return get_string_field(o, key, kMaxFieldBytes); }
Result<std::optional<std::string>> opt_str(const Json& o, std::string_view key) {
  return get_optional_string_field(o, key, kMaxFieldBytes);
}

// The wallet signature members shared by every signed kind; `role` is owner, grantee or caller.
struct WalletSignature {
  std::string type;
  std::string identifier;
  std::optional<std::string> public_key;
  std::string signature;
  std::optional<std::string> near_nonce, near_recipient, near_callback_url;
};

Result<WalletSignature> read_wallet_signature(const Json& o, const std::string& role) {
  WalletSignature w;
  IDOS_TRY(w.type, str(o, role + "_wallet_type"));
  IDOS_TRY(w.identifier, get_string_field(o, role + "_wallet_identifier", kMaxWalletIdentifierChars));
  IDOS_TRY(w.public_key, opt_str(o, role + "_public_key"));
  IDOS_TRY(w.signature, get_string_field(o, "signature", kMaxSignatureChars));
  IDOS_TRY(w.near_nonce, opt_str(o, "near_nonce"));
  IDOS_TRY(w.near_recipient, opt_str(o, "near_recipient"));
  IDOS_TRY(w.near_callback_url, opt_str(o, "near_callback_url"));
  return w;
}

// Type known, identifier canonical for it, type-specific members present only where they belong.
Status check_wallet_signature_fields(const WalletSignature& w, const std::string& role) {
  IDOS_TRY(WalletType type, parse_wallet_type(w.type));
  IDOS_CHECK(check_canonical_wallet_identifier(w.identifier, type, role + "_wallet_identifier"));
  if (w.public_key && type != WalletType::xrpl) {
    return make_error(ErrorCode::invalid_input, role + "_public_key is only for XRPL wallets");
  }
  const bool near = type == WalletType::near;
  if (!near && (w.near_nonce || w.near_recipient || w.near_callback_url)) {
    return make_error(ErrorCode::invalid_input, "near_* members are only for NEAR wallets");
  }
  if (near && (!w.near_nonce || !w.near_recipient)) {
    return make_error(ErrorCode::invalid_input, "NEAR signatures need near_nonce and near_recipient");
  }
  return ok_status();
}

Status verify_signature(const WalletSignature& w, const std::string& message) {
  WalletSignatureRequest req;
  req.type = w.type;
  req.identifier = w.identifier;
  if (w.public_key) req.public_key = *w.public_key;
  req.message = message;
  req.signature = w.signature;
  if (w.near_nonce) req.nonce = *w.near_nonce;
  if (w.near_recipient) req.recipient = *w.near_recipient;
  if (w.near_callback_url) req.callback_url = *w.near_callback_url;
  return verify_wallet_signature(req);
}

Result<AccessGrant> read_access_grant(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"id", "owner", "grantee", "data_id", "locked_until", "content_hash",
                                         "inserter_type", "inserter_id"}));
  AccessGrant g;
  IDOS_TRY(g.id, str(o, "id"));
  IDOS_TRY(g.owner, str(o, "owner"));
  IDOS_TRY(g.grantee, str(o, "grantee"));
  IDOS_TRY(g.data_id, str(o, "data_id"));
  IDOS_TRY(g.locked_until, get_int_field(o, "locked_until", 0, kMaxLockedUntil));
  IDOS_TRY(g.content_hash, str(o, "content_hash"));
  IDOS_TRY(g.inserter_type, str(o, "inserter_type"));
  IDOS_TRY(g.inserter_id, str(o, "inserter_id"));
  return g;
}

Status validate_credential(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"id", "user_id", "public_notes", "content", "encryptor_public_key",
                                         "issuer_auth_public_key", "public_notes_signature", "broader_signature"}));
  Credential c;
  IDOS_TRY(c.id, str(o, "id"));
  IDOS_TRY(c.user_id, str(o, "user_id"));
  IDOS_TRY(c.public_notes, get_string_field(o, "public_notes", kMaxPublicNotesBytes));
  IDOS_TRY(c.content, get_string_field(o, "content", kMaxCredentialContentChars));
  IDOS_TRY(c.encryptor_public_key, str(o, "encryptor_public_key"));
  IDOS_TRY(c.issuer_auth_public_key, str(o, "issuer_auth_public_key"));
  IDOS_TRY(c.public_notes_signature, str(o, "public_notes_signature"));
  IDOS_TRY(c.broader_signature, str(o, "broader_signature"));
  return verify_credential(c);
}

Status validate_access_grant(const Json& o) {
  IDOS_TRY(AccessGrant g, read_access_grant(o));
  return check_access_grant(g);
}

Status validate_revoke(const Json& o, int64_t now) {
  IDOS_CHECK(check_only_known_fields(o, {"grant", "requester"}));
  IDOS_TRY(const Json* grant_json, get_object_field(o, "grant"));
  IDOS_TRY(AccessGrant g, read_access_grant(*grant_json));
  IDOS_TRY(std::string requester, str(o, "requester"));
  return check_revocation(g, requester, now);
}

Status validate_dag(const Json& o, bool seen_before) {
  IDOS_CHECK(check_only_known_fields(o, {"owner_wallet_type", "owner_wallet_identifier", "owner_public_key",
                                         "grantee_wallet_identifier", "data_id", "locked_until", "content_hash",
                                         "signature", "near_nonce", "near_recipient", "near_callback_url"}));
  IDOS_TRY(WalletSignature w, read_wallet_signature(o, "owner"));
  DelegatedAccessGrant d;
  d.owner = w.identifier;
  IDOS_TRY(d.grantee, str(o, "grantee_wallet_identifier"));
  IDOS_TRY(d.data_id, str(o, "data_id"));
  IDOS_TRY(d.locked_until, get_int_field(o, "locked_until", 0, kMaxLockedUntil));
  IDOS_TRY(d.content_hash, str(o, "content_hash"));
  IDOS_CHECK(check_wallet_signature_fields(w, "owner"));
  IDOS_TRY(std::string message, dag_message(d));
  IDOS_CHECK(verify_signature(w, message));
  if (seen_before) return make_error(ErrorCode::replayed, "an access grant with this id already exists");
  return ok_status();
}

Status validate_dwg(const Json& o, int64_t now, bool seen_before) {
  IDOS_CHECK(check_only_known_fields(o, {"owner_wallet_type", "owner_wallet_identifier", "owner_public_key",
                                         "grantee_wallet_identifier", "issuer_public_key", "id",
                                         "access_grant_timelock", "not_usable_before", "not_usable_after",
                                         "signature", "near_nonce", "near_recipient", "near_callback_url"}));
  IDOS_TRY(WalletSignature w, read_wallet_signature(o, "owner"));
  DelegatedWriteGrant d;
  d.owner = w.identifier;
  IDOS_TRY(d.grantee, str(o, "grantee_wallet_identifier"));
  IDOS_TRY(d.issuer_public_key, str(o, "issuer_public_key"));
  IDOS_TRY(d.id, str(o, "id"));
  IDOS_TRY(d.access_grant_timelock, str(o, "access_grant_timelock"));
  IDOS_TRY(d.not_usable_before, str(o, "not_usable_before"));
  IDOS_TRY(d.not_usable_after, str(o, "not_usable_after"));
  IDOS_CHECK(check_wallet_signature_fields(w, "owner"));
  IDOS_TRY(std::string message, dwg_message(d));
  IDOS_CHECK(verify_signature(w, message));
  IDOS_CHECK(check_dwg_usable_at(d, now));
  if (seen_before) return make_error(ErrorCode::replayed, "this write grant id was already used");
  return ok_status();
}

Status validate_read_request(const Json& o, int64_t now, bool seen_before) {
  IDOS_CHECK(check_only_known_fields(o, {"grantee_wallet_type", "grantee_wallet_identifier", "grantee_public_key",
                                         "data_id", "nonce", "issued_at", "signature", "near_nonce",
                                         "near_recipient", "near_callback_url"}));
  IDOS_TRY(WalletSignature w, read_wallet_signature(o, "grantee"));
  ReadRequest r;
  r.grantee = w.identifier;
  IDOS_TRY(r.data_id, str(o, "data_id"));
  IDOS_TRY(r.nonce, str(o, "nonce"));
  IDOS_TRY(r.issued_at, str(o, "issued_at"));
  IDOS_CHECK(check_wallet_signature_fields(w, "grantee"));
  IDOS_TRY(std::string message, read_request_message(r));
  IDOS_CHECK(verify_signature(w, message));
  IDOS_CHECK(check_request_freshness(r.issued_at, now));
  if (seen_before) return make_error(ErrorCode::replayed, "this request nonce was already used");
  return ok_status();
}

Status validate_signed_request(const Json& o, int64_t now, bool seen_before) {
  IDOS_CHECK(check_only_known_fields(o, {"caller_wallet_type", "caller_wallet_identifier", "caller_public_key",
                                         "method", "path", "body_sha256", "nonce", "issued_at", "signature",
                                         "near_nonce", "near_recipient", "near_callback_url"}));
  IDOS_TRY(WalletSignature w, read_wallet_signature(o, "caller"));
  SignedRequest r;
  r.caller = w.identifier;
  IDOS_TRY(r.method, str(o, "method"));
  IDOS_TRY(r.path, get_string_field(o, "path", kMaxRequestPathBytes));
  IDOS_TRY(r.body_sha256, str(o, "body_sha256"));
  IDOS_TRY(r.nonce, str(o, "nonce"));
  IDOS_TRY(r.issued_at, str(o, "issued_at"));
  IDOS_CHECK(check_wallet_signature_fields(w, "caller"));
  IDOS_TRY(std::string message, signed_request_message(r));
  IDOS_CHECK(verify_signature(w, message));
  IDOS_CHECK(check_request_freshness(r.issued_at, now));
  if (seen_before) return make_error(ErrorCode::replayed, "this request nonce was already used");
  return ok_status();
}

}  // namespace

Status validate_document(std::string_view kind, std::string_view json_text, int64_t now, bool seen_before) {
  size_t limit = kMaxGrantDocumentBytes;
  if (kind == "credential") {
    limit = kMaxCredentialDocumentBytes;
  } else if (kind == "verifiable_credential") {
    limit = kMaxVcDocumentBytes;
  } else {
    bool known = false;
    for (auto k : kDocumentKinds) known = known || k == kind;
    if (!known) return make_error(ErrorCode::unsupported, "unknown document kind");
  }
  IDOS_TRY(Json doc, parse_json(json_text, JsonLimits{limit, 32}));
  if (!doc.is_object()) return make_error(ErrorCode::invalid_input, "the document must be a JSON object");
  if (kind == "credential") return validate_credential(doc);
  if (kind == "access_grant") return validate_access_grant(doc);
  if (kind == "delegated_access_grant") return validate_dag(doc, seen_before);
  if (kind == "delegated_write_grant") return validate_dwg(doc, now, seen_before);
  if (kind == "revoke") return validate_revoke(doc, now);
  if (kind == "read_request") return validate_read_request(doc, now, seen_before);
  if (kind == "signed_request") return validate_signed_request(doc, now, seen_before);
  return dom::verify_verifiable_credential(doc, now);
}

}  // namespace idos
