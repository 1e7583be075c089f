// The dispatching validator (see validate.hpp, docs/spec/validation.md): JSON in, the domain
// checks of credential.hpp, grant.hpp and vc.hpp, one verdict out.
#include "idos/protocol/validate.hpp"

#include <optional>
#include <string>
#include <vector>

#include "idos/protocol/account.hpp"
#include "idos/protocol/credential.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/protocol/lifecycle.hpp"
#include "idos/protocol/owner_changes.hpp"
#include "idos/primitives/json_dom.hpp"
#include "idos/primitives/time.hpp"
#include "idos/protocol/vc.hpp"
#include "idos/protocol/receipt.hpp"
#include "idos/protocol/wallet.hpp"
#include "idos/primitives/canonical_json.hpp"
#include "vc_dom.hpp"

namespace idos {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxGrantDocumentBytes = 64 * 1024;
constexpr size_t kMaxFieldBytes = 4096;
// idOS's packed NEAR signature carries the whole signed message (hex of u16 length, NEP-413 payload,
// signature), so the member is bounded near the document limit; each wallet scheme then refuses a
// signature longer than its own form (INVALID_SIGNATURE).
constexpr size_t kMaxSignatureChars = 32 * 1024;
// Largest integer JavaScript (and so every JSON client) holds exactly: 2^53 - 1.
constexpr int64_t kMaxJsonSafeInteger = 9007199254740991;
// A deletion lists the copies and grants of one credential: up to kMaxDeletionItems of each.
constexpr size_t kMaxDeletionDocumentBytes = 8u << 20;

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

// Documents read for signed_message may lack the signature (it is what will be made).
enum class SignaturePart { required, optional };

Result<WalletSignature> read_wallet_signature(const Json& o, const std::string& role,
                                              SignaturePart part = SignaturePart::required) {
  WalletSignature w;
  IDOS_TRY(w.type, str(o, role + "_wallet_type"));
  IDOS_TRY(w.identifier, get_string_field(o, role + "_wallet_identifier", kMaxWalletIdentifierChars));
  IDOS_TRY(w.public_key, opt_str(o, role + "_public_key"));
  if (part == SignaturePart::required || o.contains("signature")) {
    IDOS_TRY(w.signature, get_string_field(o, "signature", kMaxSignatureChars));
  }
  IDOS_TRY(w.near_nonce, opt_str(o, "near_nonce"));
  IDOS_TRY(w.near_recipient, opt_str(o, "near_recipient"));
  IDOS_TRY(w.near_callback_url, opt_str(o, "near_callback_url"));
  return w;
}

// How an identifier in a signed document may be spelled: canonical only (what a node stores, e.g.
// an add-wallet proof), or any accepted spelling (the bytes idOS's clients sign: an EIP-55 owner).
enum class Spelling { canonical, accepted };

// Type known, identifier valid for it, type-specific members present only where they belong.
Status check_wallet_signature_fields(const WalletSignature& w, const std::string& role,
                                     Spelling spelling = Spelling::accepted) {
  IDOS_TRY(WalletType type, parse_wallet_type(w.type));
  if (spelling == Spelling::canonical) {
    IDOS_CHECK(check_canonical_wallet_identifier(w.identifier, type, role + "_wallet_identifier"));
  } else {
    IDOS_CHECK(accepted_wallet_identifier(w.identifier, type, role + "_wallet_identifier"));
  }
  if (w.public_key && type != WalletType::xrpl) {
    return make_error(ErrorCode::invalid_input, role + "_public_key is only for XRPL wallets");
  }
  const bool near = type == WalletType::near;
  if (!near && (w.near_nonce || w.near_recipient || w.near_callback_url)) {
    return make_error(ErrorCode::invalid_input, "near_* members are only for NEAR wallets");
  }
  // NEAR: near_nonce + near_recipient (+ near_callback_url) with a base64 signature, or none of
  // them with idOS's packed hex signature (which carries all three).
  if (near && (w.near_nonce.has_value() != w.near_recipient.has_value() ||
               (w.near_callback_url && !w.near_nonce))) {
    return make_error(ErrorCode::invalid_input,
                      "NEAR signatures need near_nonce and near_recipient, or neither (packed signature)");
  }
  return ok_status();
}

// The optional "format" member of a DAG or DWG: idos-1 (default) or idos-core-1.
Result<GrantMessageFormat> read_format(const Json& o) {
  IDOS_TRY(std::optional<std::string> name, opt_str(o, "format"));
  if (!name) return GrantMessageFormat::idos_1;
  return parse_grant_message_format(*name);
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

struct SignedDag {
  WalletSignature wallet;
  DelegatedAccessGrant dag;
};
Result<SignedDag> read_dag(const Json& o, SignaturePart part = SignaturePart::required) {
  IDOS_CHECK(check_only_known_fields(o, {"owner_wallet_type", "owner_wallet_identifier", "owner_public_key",
                                         "grantee_wallet_identifier", "data_id", "locked_until", "content_hash",
                                         "signature", "near_nonce", "near_recipient", "near_callback_url",
                                         "format"}));
  SignedDag out;
  IDOS_TRY(out.wallet, read_wallet_signature(o, "owner", part));
  DelegatedAccessGrant& d = out.dag;
  d.owner = out.wallet.identifier;
  IDOS_TRY(d.grantee, str(o, "grantee_wallet_identifier"));
  IDOS_TRY(d.data_id, str(o, "data_id"));
  IDOS_TRY(d.locked_until, get_int_field(o, "locked_until", 0, kMaxLockedUntil));
  IDOS_TRY(d.content_hash, str(o, "content_hash"));
  IDOS_TRY(d.format, read_format(o));
  IDOS_CHECK(check_wallet_signature_fields(out.wallet, "owner"));
  return out;
}

Status validate_dag(const Json& o, bool seen_before) {
  IDOS_TRY(SignedDag s, read_dag(o));
  IDOS_TRY(std::string message, dag_message(s.dag));
  IDOS_CHECK(verify_signature(s.wallet, message));
  if (seen_before) return make_error(ErrorCode::replayed, "an access grant with this id already exists");
  return ok_status();
}

struct SignedDwg {
  WalletSignature wallet;
  DelegatedWriteGrant dwg;
};
Result<SignedDwg> read_dwg(const Json& o, SignaturePart part = SignaturePart::required) {
  IDOS_CHECK(check_only_known_fields(o, {"owner_wallet_type", "owner_wallet_identifier", "owner_public_key",
                                         "grantee_wallet_identifier", "issuer_public_key", "id",
                                         "access_grant_timelock", "not_usable_before", "not_usable_after",
                                         "signature", "near_nonce", "near_recipient", "near_callback_url",
                                         "format"}));
  SignedDwg out;
  IDOS_TRY(out.wallet, read_wallet_signature(o, "owner", part));
  DelegatedWriteGrant& d = out.dwg;
  d.owner = out.wallet.identifier;
  IDOS_TRY(d.grantee, str(o, "grantee_wallet_identifier"));
  IDOS_TRY(d.issuer_public_key, str(o, "issuer_public_key"));
  IDOS_TRY(d.id, str(o, "id"));
  IDOS_TRY(d.access_grant_timelock, str(o, "access_grant_timelock"));
  IDOS_TRY(d.not_usable_before, str(o, "not_usable_before"));
  IDOS_TRY(d.not_usable_after, str(o, "not_usable_after"));
  IDOS_TRY(d.format, read_format(o));
  IDOS_CHECK(check_wallet_signature_fields(out.wallet, "owner"));
  return out;
}

Status validate_dwg(const Json& o, int64_t now, bool seen_before) {
  IDOS_TRY(SignedDwg s, read_dwg(o));
  IDOS_TRY(std::string message, dwg_message(s.dwg));
  IDOS_CHECK(verify_signature(s.wallet, message));
  IDOS_CHECK(check_dwg_usable_at(s.dwg, now));
  if (seen_before) return make_error(ErrorCode::replayed, "this write grant id was already used");
  return ok_status();
}

struct SignedReadRequest {
  WalletSignature wallet;
  ReadRequest request;
};
Result<SignedReadRequest> read_read_request(const Json& o, SignaturePart part = SignaturePart::required) {
  IDOS_CHECK(check_only_known_fields(o, {"grantee_wallet_type", "grantee_wallet_identifier", "grantee_public_key",
                                         "data_id", "nonce", "issued_at", "signature", "near_nonce",
                                         "near_recipient", "near_callback_url"}));
  SignedReadRequest out;
  IDOS_TRY(out.wallet, read_wallet_signature(o, "grantee", part));
  ReadRequest& r = out.request;
  r.grantee = out.wallet.identifier;
  IDOS_TRY(r.data_id, str(o, "data_id"));
  IDOS_TRY(r.nonce, str(o, "nonce"));
  IDOS_TRY(r.issued_at, str(o, "issued_at"));
  IDOS_CHECK(check_wallet_signature_fields(out.wallet, "grantee"));
  return out;
}

Status validate_read_request(const Json& o, int64_t now, bool seen_before) {
  IDOS_TRY(SignedReadRequest s, read_read_request(o));
  IDOS_TRY(std::string message, read_request_message(s.request));
  IDOS_CHECK(verify_signature(s.wallet, message));
  IDOS_CHECK(check_request_freshness(s.request.issued_at, now));
  if (seen_before) return make_error(ErrorCode::replayed, "this request nonce was already used");
  return ok_status();
}

struct SignedSignedRequest {
  WalletSignature wallet;
  SignedRequest request;
};
Result<SignedSignedRequest> read_signed_request(const Json& o, SignaturePart part = SignaturePart::required) {
  IDOS_CHECK(check_only_known_fields(o, {"caller_wallet_type", "caller_wallet_identifier", "caller_public_key",
                                         "method", "path", "body_sha256", "nonce", "issued_at", "signature",
                                         "near_nonce", "near_recipient", "near_callback_url"}));
  SignedSignedRequest out;
  IDOS_TRY(out.wallet, read_wallet_signature(o, "caller", part));
  SignedRequest& r = out.request;
  r.caller = out.wallet.identifier;
  IDOS_TRY(r.method, str(o, "method"));
  IDOS_TRY(r.path, get_string_field(o, "path", kMaxRequestPathBytes));
  IDOS_TRY(r.body_sha256, str(o, "body_sha256"));
  IDOS_TRY(r.nonce, str(o, "nonce"));
  IDOS_TRY(r.issued_at, str(o, "issued_at"));
  IDOS_CHECK(check_wallet_signature_fields(out.wallet, "caller"));
  return out;
}

Status validate_signed_request(const Json& o, int64_t now, bool seen_before) {
  IDOS_TRY(SignedSignedRequest s, read_signed_request(o));
  IDOS_TRY(std::string message, signed_request_message(s.request));
  IDOS_CHECK(verify_signature(s.wallet, message));
  IDOS_CHECK(check_request_freshness(s.request.issued_at, now));
  if (seen_before) return make_error(ErrorCode::replayed, "this request nonce was already used");
  return ok_status();
}

// --- the node's write decisions --------------------------------------------------------------------

Status validate_user(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"id", "encryption_public_key"}));
  IDOS_TRY(std::string id, str(o, "id"));
  IDOS_TRY(std::string key, str(o, "encryption_public_key"));
  return check_user_record(id, key);
}

// The add-wallet proof: the NEW wallet's signature members have no role prefix beyond "wallet_".
struct SignedAddWallet {
  WalletSignature wallet;
  AddWalletProof proof;
};
Result<SignedAddWallet> read_add_wallet(const Json& o, SignaturePart part = SignaturePart::required) {
  IDOS_CHECK(check_only_known_fields(o, {"user_id", "wallet_type", "wallet_identifier", "wallet_public_key",
                                         "issued_at", "signature", "near_nonce", "near_recipient",
                                         "near_callback_url"}));
  SignedAddWallet out;
  WalletSignature& w = out.wallet;
  IDOS_TRY(w.type, str(o, "wallet_type"));
  IDOS_TRY(w.identifier, get_string_field(o, "wallet_identifier", kMaxWalletIdentifierChars));
  IDOS_TRY(w.public_key, opt_str(o, "wallet_public_key"));
  if (part == SignaturePart::required || o.contains("signature")) {
    IDOS_TRY(w.signature, get_string_field(o, "signature", kMaxSignatureChars));
  }
  IDOS_TRY(w.near_nonce, opt_str(o, "near_nonce"));
  IDOS_TRY(w.near_recipient, opt_str(o, "near_recipient"));
  IDOS_TRY(w.near_callback_url, opt_str(o, "near_callback_url"));
  IDOS_TRY(out.proof.user_id, str(o, "user_id"));
  out.proof.wallet_type = w.type;
  out.proof.wallet = w.identifier;
  IDOS_TRY(out.proof.issued_at, str(o, "issued_at"));
  IDOS_CHECK(check_add_wallet_proof(out.proof));
  IDOS_CHECK(check_wallet_signature_fields(w, "wallet", Spelling::canonical));
  return out;
}

Status validate_add_wallet(const Json& o, int64_t now) {
  IDOS_TRY(SignedAddWallet s, read_add_wallet(o));
  // Signature before time, as for every signed kind: an unauthenticated proof gets no time verdict.
  IDOS_TRY(std::string message, add_wallet_message(s.proof));
  IDOS_CHECK(verify_signature(s.wallet, message));
  return check_request_freshness(s.proof.issued_at, now);
}

// {"credential": {...}, "owner": <user id>}: a credential stored by or for `owner`.
Status validate_owned_credential(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"credential", "owner"}));
  IDOS_TRY(const Json* credential, get_object_field(o, "credential"));
  IDOS_TRY(std::string owner, str(o, "owner"));
  IDOS_CHECK(check_uuid_field(owner, "owner"));
  IDOS_CHECK(validate_credential(*credential));
  const std::string user_id = (*credential)["user_id"].get<std::string>();  // validated above
  if (user_id != owner) return make_error(ErrorCode::forbidden, "credential user_id is not the owner's user id");
  return ok_status();
}

// A record stored under a DWG must belong to the DWG owner's user (mismatch otherwise). The record
// was validated before, so user_id is a string.
Status check_owned_by_dwg_owner(const Json& credential, const std::string& owner, std::string_view what) {
  if (credential["user_id"].get<std::string>() != owner) {
    return make_error(ErrorCode::mismatch, std::string(what) + ": user_id is not the DWG owner's user id");
  }
  return ok_status();
}

// {"dwg", "credential", "shared_copy", "owner"}: a write under a DWG. The DWG verifies and is usable
// at `now` (seen_before: its id was used), the credential is signed by the DWG's issuer key and
// both records belong to the DWG owner's user.
// `issuer_delegates` of dwg_write (optional): the issuer keys a node's operator registered as ONE
// inserter, so that a credential signed by one of them may be written under a DWG naming another
// (idOS's delegates; docs/spec/grants.md, issuer delegation). 1..kMaxIssuerDelegates distinct
// lowercase-hex Ed25519 keys; absent means no delegation.
constexpr size_t kMaxIssuerDelegates = 64;

Result<std::vector<std::string>> read_issuer_delegates(const Json& o) {
  std::vector<std::string> keys;
  if (!o.contains("issuer_delegates")) return keys;
  const Json& list = o["issuer_delegates"];
  if (!list.is_array() || list.empty()) {
    return make_error(ErrorCode::invalid_input, "issuer_delegates must be a non-empty array of issuer keys");
  }
  if (list.size() > kMaxIssuerDelegates) return make_error(ErrorCode::too_large, "issuer_delegates has over 64 keys");
  for (const Json& k : list) {
    if (!k.is_string()) return make_error(ErrorCode::invalid_input, "issuer_delegates must hold strings");
    const std::string& key = k.get_ref<const std::string&>();
    IDOS_CHECK(check_hex32_field(key, "issuer_delegates[]"));
    for (const auto& seen : keys) {
      if (seen == key) return make_error(ErrorCode::invalid_input, "issuer_delegates lists a key twice");
    }
    keys.push_back(key);
  }
  return keys;
}

bool lists_key(const std::vector<std::string>& keys, const std::string& key) {
  for (const auto& k : keys) {
    if (k == key) return true;
  }
  return false;
}

Status validate_dwg_write(const Json& o, int64_t now, bool seen_before) {
  IDOS_CHECK(check_only_known_fields(o, {"dwg", "credential", "shared_copy", "owner", "issuer_delegates"}));
  IDOS_TRY(const Json* dwg, get_object_field(o, "dwg"));
  IDOS_TRY(const Json* credential, get_object_field(o, "credential"));
  IDOS_TRY(const Json* copy, get_object_field(o, "shared_copy"));
  IDOS_TRY(std::string owner, str(o, "owner"));
  IDOS_TRY(std::vector<std::string> delegates, read_issuer_delegates(o));
  IDOS_CHECK(validate_dwg(*dwg, now, seen_before));
  IDOS_CHECK(check_uuid_field(owner, "owner"));
  IDOS_CHECK(validate_credential(*credential));
  // Both keys were checked (lowercase hex) by the DWG and credential rules above.
  const std::string& signer = (*credential)["issuer_auth_public_key"].get_ref<const std::string&>();
  const std::string& named = (*dwg)["issuer_public_key"].get_ref<const std::string&>();
  if (signer != named && !(lists_key(delegates, signer) && lists_key(delegates, named))) {
    return make_error(ErrorCode::mismatch,
                      delegates.empty() ? "credential issuer_auth_public_key differs from the DWG's issuer_public_key"
                                        : "the credential's issuer key and the DWG's are not both in issuer_delegates");
  }
  IDOS_CHECK(check_owned_by_dwg_owner(*credential, owner, "credential"));
  IDOS_CHECK(validate_credential(*copy));
  IDOS_CHECK(check_owned_by_dwg_owner(*copy, owner, "shared_copy"));
  if ((*credential)["id"] == (*copy)["id"]) {
    return make_error(ErrorCode::invalid_input, "the shared copy needs an id of its own");
  }
  return ok_status();
}

// --- owner changes (owner_changes.hpp, docs/spec/owner-changes.md) ---------------------------------

// {"credential", "requester", "current": {"id", "role", "user_id"}, "copies_locked_until"}: the
// owner replaces a stored original. The new record is checked as any credential (both signatures
// under the issuer_auth_public_key it carries), then the edit rules.
Status validate_edit_credential(const Json& o, int64_t now) {
  IDOS_CHECK(check_only_known_fields(o, {"credential", "requester", "current", "copies_locked_until"}));
  IDOS_TRY(const Json* credential, get_object_field(o, "credential"));
  IDOS_TRY(std::string requester, str(o, "requester"));
  IDOS_TRY(const Json* current_json, get_object_field(o, "current"));
  IDOS_TRY(int64_t copies_locked_until, get_int_field(o, "copies_locked_until", 0, kMaxLockedUntil));
  IDOS_CHECK(check_only_known_fields(*current_json, {"id", "role", "user_id"}));
  StoredCredentialRef current;
  IDOS_TRY(current.id, str(*current_json, "id"));
  IDOS_TRY(current.role, str(*current_json, "role"));
  IDOS_TRY(current.user_id, str(*current_json, "user_id"));
  IDOS_CHECK(check_uuid_field(requester, "requester"));
  IDOS_CHECK(validate_credential(*credential));
  return check_credential_edit(requester, current, (*credential)["id"].get<std::string>(),
                               (*credential)["user_id"].get<std::string>(), copies_locked_until, now);
}

// {"requester", "encryption_public_key", "credentials": [records], "originals": [ids]}: the user's
// new key with every original re-encrypted, in one transaction.
Status validate_change_encryption_key(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"requester", "encryption_public_key", "credentials", "originals"}));
  IDOS_TRY(std::string requester, str(o, "requester"));
  IDOS_TRY(std::string key, str(o, "encryption_public_key"));
  auto credentials = o.find("credentials");
  auto originals = o.find("originals");
  if (credentials == o.end() || !credentials->is_array()) {
    return make_error(ErrorCode::invalid_input, "credentials: an array of credential records");
  }
  if (originals == o.end() || !originals->is_array()) {
    return make_error(ErrorCode::invalid_input, "originals: an array of credential ids");
  }
  if (credentials->size() > kMaxKeyChangeCredentials || originals->size() > kMaxKeyChangeCredentials) {
    return make_error(ErrorCode::too_large, "a key change carries at most 256 credentials");
  }
  std::vector<std::string> original_ids;
  for (const Json& id : *originals) {
    if (!id.is_string()) return make_error(ErrorCode::invalid_input, "originals: strings");
    original_ids.push_back(id.get<std::string>());
  }
  IDOS_CHECK(check_uuid_field(requester, "requester"));
  std::vector<KeyChangeRecord> records;
  for (const Json& c : *credentials) {
    if (!c.is_object()) return make_error(ErrorCode::invalid_input, "credentials: objects");
    IDOS_CHECK(validate_credential(c));
    records.push_back(KeyChangeRecord{c["id"].get<std::string>(), c["user_id"].get<std::string>()});
  }
  return check_encryption_key_change(requester, key, records, original_ids);
}

// {"requester", "caller_wallet", "wallet": {"wallet_identifier", "user_id"}, "wallet_count"}.
Status validate_remove_wallet(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"requester", "caller_wallet", "wallet", "wallet_count"}));
  IDOS_TRY(std::string requester, str(o, "requester"));
  IDOS_TRY(std::string caller_wallet, get_string_field(o, "caller_wallet", kMaxWalletIdentifierChars));
  IDOS_TRY(const Json* wallet, get_object_field(o, "wallet"));
  IDOS_TRY(int64_t wallet_count, get_int_field(o, "wallet_count", 0, kMaxJsonSafeInteger));
  IDOS_CHECK(check_only_known_fields(*wallet, {"wallet_identifier", "user_id"}));
  IDOS_TRY(std::string identifier, get_string_field(*wallet, "wallet_identifier", kMaxWalletIdentifierChars));
  IDOS_TRY(std::string user_id, str(*wallet, "user_id"));
  return check_wallet_removal(requester, caller_wallet, identifier, user_id, wallet_count);
}

// {"grant": <access grant>, "target": {"id", "role", "user_id"}}: what a grant may point at.
Status validate_grant_target(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"grant", "target"}));
  IDOS_TRY(const Json* grant_json, get_object_field(o, "grant"));
  IDOS_TRY(AccessGrant grant, read_access_grant(*grant_json));
  IDOS_TRY(const Json* target_json, get_object_field(o, "target"));
  IDOS_CHECK(check_only_known_fields(*target_json, {"id", "role", "user_id"}));
  GrantTarget target;
  IDOS_TRY(target.id, str(*target_json, "id"));
  IDOS_TRY(target.role, str(*target_json, "role"));
  IDOS_TRY(target.user_id, str(*target_json, "user_id"));
  return check_grant_target(grant, target);
}

Result<NodeReceipt> read_node_receipt(const Json& o) {
  // object_kind is informative (which table), not signed.
  IDOS_CHECK(check_only_known_fields(o, {"node_id", "write_operation", "object_id", "object_kind", "sha256",
                                         "log_position", "time", "signature"}));
  NodeReceipt r;
  IDOS_TRY(r.node_id, str(o, "node_id"));
  IDOS_TRY(r.write_operation, str(o, "write_operation"));
  IDOS_TRY(r.object_id, str(o, "object_id"));
  IDOS_TRY(r.sha256, str(o, "sha256"));
  IDOS_TRY(r.log_position, get_int_field(o, "log_position", 1, kMaxJsonSafeInteger));
  IDOS_TRY(r.time, str(o, "time"));
  // The signature is not part of the message, but when present it must at least be text.
  if (o.contains("signature")) IDOS_CHECK(get_string_field(o, "signature", kMaxSignatureChars));
  return r;
}

Status validate_node_receipt(const Json& o) {
  IDOS_TRY(NodeReceipt r, read_node_receipt(o));
  IDOS_TRY(std::string signature, get_string_field(o, "signature", kMaxSignatureChars));
  return verify_node_receipt(r, signature);
}

Result<NodeLogEntry> read_node_log_entry(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"node_id", "position", "log_time", "tx_sha256", "result", "state_hash",
                                         "signature"}));
  NodeLogEntry e;
  IDOS_TRY(e.node_id, str(o, "node_id"));
  IDOS_TRY(e.position, get_int_field(o, "position", 1, kMaxJsonSafeInteger));
  IDOS_TRY(e.log_time, get_int_field(o, "log_time", 0, kMaxJsonSafeInteger));
  IDOS_TRY(e.tx_sha256, str(o, "tx_sha256"));
  IDOS_TRY(e.result, str(o, "result"));
  IDOS_TRY(e.state_hash, str(o, "state_hash"));
  if (o.contains("signature")) IDOS_CHECK(get_string_field(o, "signature", kMaxSignatureChars));
  return e;
}

Status validate_node_log_entry(const Json& o) {
  IDOS_TRY(NodeLogEntry e, read_node_log_entry(o));
  IDOS_TRY(std::string signature, get_string_field(o, "signature", kMaxSignatureChars));
  return verify_node_log_entry(e, signature);
}

// {"credential": {id, user_id, role}, "copies": [ids], "grants": [access grants], "requester"}:
// the node's decision on deleting a credential (lifecycle.hpp).
Status validate_delete_credential(const Json& o, int64_t now) {
  IDOS_CHECK(check_only_known_fields(o, {"credential", "copies", "grants", "requester"}));
  CredentialDeletion d;
  IDOS_TRY(const Json* credential, get_object_field(o, "credential"));
  IDOS_CHECK(check_only_known_fields(*credential, {"id", "role", "user_id"}));
  IDOS_TRY(d.credential.id, str(*credential, "id"));
  IDOS_TRY(d.credential.role, str(*credential, "role"));
  IDOS_TRY(d.credential.user_id, str(*credential, "user_id"));
  IDOS_TRY(const Json* copies, get_array_field(o, "copies", kMaxDeletionItems));
  for (const auto& c : *copies) {
    if (!c.is_string()) return make_error(ErrorCode::invalid_input, "copies: every member must be a string");
    const auto& id = c.get_ref<const std::string&>();
    if (id.size() > kMaxFieldBytes) return make_error(ErrorCode::too_large, "copies: an id is too long");
    d.copies.push_back(id);
  }
  IDOS_TRY(const Json* grants, get_array_field(o, "grants", kMaxDeletionItems));
  for (const auto& g : *grants) {
    if (!g.is_object()) return make_error(ErrorCode::invalid_input, "grants: every member must be an object");
    IDOS_TRY(AccessGrant grant, read_access_grant(g));
    d.grants.push_back(std::move(grant));
  }
  IDOS_TRY(d.requester, str(o, "requester"));
  return check_credential_deletion(d, now);
}

// The issuer's signed status document (lifecycle.hpp); `signature` optional for signed_message.
struct SignedCredentialStatus {
  CredentialStatus status;
  std::string signature;
};
Result<SignedCredentialStatus> read_credential_status(const Json& o, SignaturePart part = SignaturePart::required) {
  IDOS_CHECK(check_only_known_fields(o, {"issuer_auth_public_key", "vc_id", "status", "reason", "sequence",
                                         "issued_at", "signature"}));
  SignedCredentialStatus s;
  IDOS_TRY(s.status.issuer_auth_public_key, str(o, "issuer_auth_public_key"));
  IDOS_TRY(s.status.vc_id, get_string_field(o, "vc_id", kMaxVcIdBytes));
  IDOS_TRY(s.status.status, str(o, "status"));
  IDOS_TRY(auto reason, get_optional_string_field(o, "reason", kMaxStatusReasonBytes));
  s.status.reason = reason.value_or("");
  IDOS_TRY(s.status.sequence, get_int_field(o, "sequence", 1, kMaxJsonSafeInteger));
  IDOS_TRY(s.status.issued_at, get_int_field(o, "issued_at", 0, kMaxUnixTime));
  if (part == SignaturePart::required || o.contains("signature")) {
    IDOS_TRY(s.signature, get_string_field(o, "signature", 128));
  }
  IDOS_CHECK(check_credential_status_fields(s.status));
  return s;
}

Status validate_credential_status(const Json& o) {
  IDOS_TRY(SignedCredentialStatus s, read_credential_status(o));
  return verify_credential_status(s.status, s.signature);
}

// {"status": <credential_status>, "current_sequence": n}: the node's decision on setting a status.
Status validate_set_credential_status(const Json& o, int64_t now) {
  IDOS_CHECK(check_only_known_fields(o, {"status", "current_sequence"}));
  IDOS_TRY(const Json* status, get_object_field(o, "status"));
  IDOS_TRY(SignedCredentialStatus s, read_credential_status(*status));
  IDOS_TRY(int64_t current, get_int_field(o, "current_sequence", 0, kMaxJsonSafeInteger));
  return check_credential_status_update(s.status, s.signature, now, current);
}

Result<NodeSnapshot> read_node_snapshot(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"node_id", "position", "state_hash", "content_sha256", "size", "signature"}));
  NodeSnapshot m;
  IDOS_TRY(m.node_id, str(o, "node_id"));
  IDOS_TRY(m.position, get_int_field(o, "position", 1, kMaxJsonSafeInteger));
  IDOS_TRY(m.state_hash, str(o, "state_hash"));
  IDOS_TRY(m.content_sha256, str(o, "content_sha256"));
  IDOS_TRY(m.size, get_int_field(o, "size", 1, kMaxJsonSafeInteger));
  if (o.contains("signature")) IDOS_CHECK(get_string_field(o, "signature", kMaxSignatureChars));
  return m;
}

Status validate_node_snapshot(const Json& o) {
  IDOS_TRY(NodeSnapshot m, read_node_snapshot(o));
  IDOS_TRY(std::string signature, get_string_field(o, "signature", kMaxSignatureChars));
  return verify_node_snapshot(m, signature);
}

Result<NodeSnapshotRequest> read_node_snapshot_request(const Json& o) {
  IDOS_CHECK(check_only_known_fields(o, {"node_id", "server_id", "position", "issued_at", "signature"}));
  NodeSnapshotRequest r;
  IDOS_TRY(r.node_id, str(o, "node_id"));
  IDOS_TRY(r.server_id, str(o, "server_id"));
  IDOS_TRY(r.position, get_int_field(o, "position", 0, kMaxJsonSafeInteger));
  IDOS_TRY(r.issued_at, get_int_field(o, "issued_at", 0, kMaxJsonSafeInteger));
  if (o.contains("signature")) IDOS_CHECK(get_string_field(o, "signature", kMaxSignatureChars));
  return r;
}

Status validate_node_snapshot_request(const Json& o, int64_t now) {
  IDOS_TRY(NodeSnapshotRequest r, read_node_snapshot_request(o));
  IDOS_TRY(std::string signature, get_string_field(o, "signature", kMaxSignatureChars));
  return verify_node_snapshot_request(r, signature, now);
}

Result<Json> parse_document(std::string_view json_text, size_t limit) {
  IDOS_TRY(Json doc, parse_json(json_text, JsonLimits{limit, 32}));
  if (!doc.is_object()) return make_error(ErrorCode::invalid_input, "the document must be a JSON object");
  return doc;
}

template <size_t N>
bool is_one_of(const std::array<std::string_view, N>& kinds, std::string_view kind) {
  for (auto k : kinds) {
    if (k == kind) return true;
  }
  return false;
}

Result<std::string> grant_json(const AccessGrant& g) {
  Json doc{{"id", g.id},
           {"owner", g.owner},
           {"grantee", g.grantee},
           {"data_id", g.data_id},
           {"locked_until", g.locked_until},
           {"content_hash", g.content_hash},
           {"inserter_type", g.inserter_type},
           {"inserter_id", g.inserter_id}};
  return canonicalize_json(doc);
}

}  // namespace

Status validate_document(std::string_view kind, std::string_view json_text, int64_t now, bool seen_before) {
  if (!is_one_of(kDocumentKinds, kind)) return make_error(ErrorCode::unsupported, "unknown document kind");
  size_t limit = kMaxGrantDocumentBytes;
  if (kind == "credential") limit = kMaxCredentialDocumentBytes;
  if (kind == "verifiable_credential") limit = kMaxVcDocumentBytes;
  // Documents that carry credentials: up to two of them, plus the DWG.
  if (kind == "owned_credential") limit = kMaxCredentialDocumentBytes + kMaxGrantDocumentBytes;
  if (kind == "dwg_write") limit = 2 * kMaxCredentialDocumentBytes + kMaxGrantDocumentBytes;
  if (kind == "delete_credential") limit = kMaxDeletionDocumentBytes;
  if (kind == "edit_credential") limit = kMaxCredentialDocumentBytes + kMaxGrantDocumentBytes;
  if (kind == "change_encryption_key") limit = kMaxKeyChangeDocumentBytes;
  IDOS_TRY(Json doc, parse_document(json_text, limit));
  if (kind == "credential") return validate_credential(doc);
  if (kind == "access_grant") return validate_access_grant(doc);
  if (kind == "delegated_access_grant") return validate_dag(doc, seen_before);
  if (kind == "delegated_write_grant") return validate_dwg(doc, now, seen_before);
  if (kind == "revoke") return validate_revoke(doc, now);
  if (kind == "read_request") return validate_read_request(doc, now, seen_before);
  if (kind == "signed_request") return validate_signed_request(doc, now, seen_before);
  if (kind == "user") return validate_user(doc);
  if (kind == "add_wallet") return validate_add_wallet(doc, now);
  if (kind == "owned_credential") return validate_owned_credential(doc);
  if (kind == "dwg_write") return validate_dwg_write(doc, now, seen_before);
  if (kind == "grant_target") return validate_grant_target(doc);
  if (kind == "node_receipt") return validate_node_receipt(doc);
  if (kind == "node_log_entry") return validate_node_log_entry(doc);
  if (kind == "delete_credential") return validate_delete_credential(doc, now);
  if (kind == "credential_status") return validate_credential_status(doc);
  if (kind == "set_credential_status") return validate_set_credential_status(doc, now);
  if (kind == "edit_credential") return validate_edit_credential(doc, now);
  if (kind == "change_encryption_key") return validate_change_encryption_key(doc);
  if (kind == "remove_wallet") return validate_remove_wallet(doc);
  if (kind == "node_snapshot") return validate_node_snapshot(doc);
  if (kind == "node_snapshot_request") return validate_node_snapshot_request(doc, now);
  return dom::verify_verifiable_credential(doc, now);
}

Result<std::string> signed_message(std::string_view kind, std::string_view json_text) {
  if (!is_one_of(kSignedMessageKinds, kind)) return make_error(ErrorCode::unsupported, "no signed message for this kind");
  IDOS_TRY(Json doc, parse_document(json_text, kMaxGrantDocumentBytes));
  const auto optional = SignaturePart::optional;
  if (kind == "delegated_access_grant") {
    IDOS_TRY(SignedDag s, read_dag(doc, optional));
    return dag_message(s.dag);
  }
  if (kind == "delegated_write_grant") {
    IDOS_TRY(SignedDwg s, read_dwg(doc, optional));
    return dwg_message(s.dwg);
  }
  if (kind == "read_request") {
    IDOS_TRY(SignedReadRequest s, read_read_request(doc, optional));
    return read_request_message(s.request);
  }
  if (kind == "signed_request") {
    IDOS_TRY(SignedSignedRequest s, read_signed_request(doc, optional));
    return signed_request_message(s.request);
  }
  if (kind == "add_wallet") {
    IDOS_TRY(SignedAddWallet s, read_add_wallet(doc, optional));
    return add_wallet_message(s.proof);
  }
  if (kind == "node_log_entry") {
    IDOS_TRY(NodeLogEntry e, read_node_log_entry(doc));
    return node_log_entry_message(e);
  }
  if (kind == "credential_status") {
    IDOS_TRY(SignedCredentialStatus s, read_credential_status(doc, optional));
    return credential_status_message(s.status);
  }
  if (kind == "node_snapshot") {
    IDOS_TRY(NodeSnapshot m, read_node_snapshot(doc));
    return node_snapshot_message(m);
  }
  if (kind == "node_snapshot_request") {
    IDOS_TRY(NodeSnapshotRequest r, read_node_snapshot_request(doc));
    return node_snapshot_request_message(r);
  }
  IDOS_TRY(NodeReceipt r, read_node_receipt(doc));
  return node_receipt_message(r);
}

Result<ReplayKey> replay_key(std::string_view kind, std::string_view json_text) {
  if (!is_one_of(kReplayKeyKinds, kind)) return make_error(ErrorCode::unsupported, "this kind has no replay key");
  IDOS_TRY(Json doc, parse_document(json_text, kMaxGrantDocumentBytes));
  const auto optional = SignaturePart::optional;
  if (kind == "signed_request" || kind == "read_request") {
    std::string nonce;
    std::string issued_at;
    if (kind == "signed_request") {
      IDOS_TRY(SignedSignedRequest s, read_signed_request(doc, optional));
      IDOS_CHECK(check_signed_request(s.request));
      nonce = s.request.nonce;
      issued_at = s.request.issued_at;
    } else {
      IDOS_TRY(SignedReadRequest s, read_read_request(doc, optional));
      IDOS_CHECK(check_read_request(s.request));
      nonce = s.request.nonce;
      issued_at = s.request.issued_at;
    }
    IDOS_TRY(int64_t issued, parse_rfc3339_utc(issued_at));
    // Accepted while now <= issued_at + max age (check_request_freshness), refused as expired after.
    return ReplayKey{nonce, issued + kRequestMaxAgeSeconds};
  }
  if (kind == "delegated_write_grant") {
    IDOS_TRY(SignedDwg s, read_dwg(doc, optional));
    IDOS_CHECK(check_delegated_write_grant(s.dwg));
    return ReplayKey{s.dwg.id, 0};
  }
  IDOS_TRY(SignedDag s, read_dag(doc, optional));
  IDOS_CHECK(check_delegated_access_grant(s.dag));
  IDOS_TRY(std::string grantee, accepted_wallet_identifier(s.dag.grantee, std::nullopt, "grantee"));
  IDOS_TRY(std::string id, access_grant_id(grantee, s.dag.data_id, s.dag.locked_until));
  return ReplayKey{id, 0};
}

Result<std::string> derive_access_grant(std::string_view kind, std::string_view json_text) {
  if (!is_one_of(kDerivedGrantKinds, kind)) return make_error(ErrorCode::unsupported, "no access grant derives from this kind");
  IDOS_TRY(Json doc, parse_document(json_text, kMaxGrantDocumentBytes));
  const auto optional = SignaturePart::optional;
  if (kind == "share") {
    IDOS_CHECK(check_only_known_fields(doc, {"owner", "grantee", "data_id", "locked_until", "content_hash",
                                             "inserter_type", "inserter_id"}));
    IDOS_TRY(std::string owner, str(doc, "owner"));
    IDOS_TRY(std::string grantee, str(doc, "grantee"));
    IDOS_TRY(std::string data_id, str(doc, "data_id"));
    IDOS_TRY(int64_t locked_until, get_int_field(doc, "locked_until", 0, kMaxLockedUntil));
    IDOS_TRY(std::string content_hash, str(doc, "content_hash"));
    IDOS_TRY(std::string inserter_type, str(doc, "inserter_type"));
    IDOS_TRY(std::string inserter_id, str(doc, "inserter_id"));
    IDOS_TRY(AccessGrant g, make_access_grant(owner, grantee, data_id, locked_until, content_hash, inserter_type,
                                              inserter_id));
    return grant_json(g);
  }
  if (kind == "delegated_write_grant") {
    IDOS_CHECK(check_only_known_fields(doc, {"dwg", "owner", "data_id", "content_hash"}));
    IDOS_TRY(const Json* dwg_json, get_object_field(doc, "dwg"));
    IDOS_TRY(SignedDwg s, read_dwg(*dwg_json, optional));
    IDOS_TRY(std::string owner, str(doc, "owner"));
    IDOS_TRY(std::string data_id, str(doc, "data_id"));
    IDOS_TRY(std::string content_hash, str(doc, "content_hash"));
    IDOS_TRY(AccessGrant g, access_grant_from_dwg(s.dwg, owner, data_id, content_hash));
    return grant_json(g);
  }
  IDOS_CHECK(check_only_known_fields(doc, {"dag", "owner", "submitter"}));
  IDOS_TRY(const Json* dag_json, get_object_field(doc, "dag"));
  IDOS_TRY(SignedDag s, read_dag(*dag_json, optional));
  IDOS_TRY(std::string owner, str(doc, "owner"));
  IDOS_TRY(std::string submitter, str(doc, "submitter"));
  IDOS_TRY(AccessGrant g, access_grant_from_dag(s.dag, owner, submitter));
  return grant_json(g);
}

}  // namespace idos
