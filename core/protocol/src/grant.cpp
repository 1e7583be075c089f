// Access grants, DAG/DWG messages, revocation, read and signed requests (see grant.hpp and
// docs/spec/grants.md, docs/spec/requests.md).
#include "idos/protocol/grant.hpp"

#include <string>

#include "idos/primitives/time.hpp"
#include "idos/primitives/uuid.hpp"
#include "message_fields.hpp"

namespace idos {

using namespace detail;


Status check_uuid_field(std::string_view value, std::string_view what) {
  auto parsed = parse_uuid(value);
  if (!parsed) return make_error(parsed.code(), prefixed(what, "must be a canonical lowercase UUID"));
  return ok_status();
}

Status check_hex32_field(std::string_view value, std::string_view what) {
  if (value.size() != 64) return make_error(ErrorCode::invalid_length, prefixed(what, "must be 64 hex characters"));
  if (!is_lower_hex(value)) return make_error(ErrorCode::invalid_encoding, prefixed(what, "must be lowercase hex"));
  return ok_status();
}

Result<WalletType> infer_wallet_type(std::string_view id) {
  if (id.starts_with("0x")) return WalletType::evm;
  if (id.starts_with("ed25519:")) return WalletType::near;
  if (id.size() == 64 && is_any_hex(id)) return WalletType::facesign;
  if (id.size() == 56 && id.front() == 'G') return WalletType::stellar;
  if (!id.empty() && id.front() == 'r') return WalletType::xrpl;
  return make_error(ErrorCode::unsupported, "not a recognised wallet identifier (EVM, NEAR, Stellar, XRPL, FaceSign)");
}

Status check_canonical_wallet_identifier(std::string_view identifier, std::optional<WalletType> type,
                                         std::string_view what) {
  if (identifier.size() > kMaxWalletIdentifierChars) {
    return make_error(ErrorCode::too_large, prefixed(what, "is too long"));
  }
  WalletType t{};
  if (type) {
    t = *type;
  } else {
    auto inferred = infer_wallet_type(identifier);
    if (!inferred) return make_error(inferred.code(), prefixed(what, inferred.error().message));
    t = *inferred;
  }
  auto canonical = canonical_wallet_identifier(t, identifier);
  if (!canonical) return make_error(canonical.code(), prefixed(what, canonical.error().message));
  if (*canonical != identifier) {
    return make_error(ErrorCode::invalid_encoding, prefixed(what, "is not the canonical spelling (expected " + *canonical + ")"));
  }
  return ok_status();
}

Result<std::string> accepted_wallet_identifier(std::string_view identifier, std::optional<WalletType> type,
                                               std::string_view what) {
  if (identifier.size() > kMaxWalletIdentifierChars) return make_error(ErrorCode::too_large, prefixed(what, "is too long"));
  WalletType t{};
  if (type) {
    t = *type;
  } else {
    auto inferred = infer_wallet_type(identifier);
    if (!inferred) return make_error(inferred.code(), prefixed(what, inferred.error().message));
    t = *inferred;
  }
  auto canonical = canonical_wallet_identifier(t, identifier);
  if (!canonical) return make_error(canonical.code(), prefixed(what, canonical.error().message));
  return std::move(*canonical);
}

Result<GrantMessageFormat> parse_grant_message_format(std::string_view name) {
  if (name == "idos-1") return GrantMessageFormat::idos_1;
  if (name == "idos-core-1") return GrantMessageFormat::idos_core_1;
  return make_error(ErrorCode::unsupported, "format must be idos-1 or idos-core-1");
}

Result<std::string> access_grant_id_as_supplied(std::string_view grantee, std::string_view data_id, int64_t locked_until) {
  IDOS_CHECK(accepted_wallet_identifier(grantee, std::nullopt, "grantee"));
  IDOS_CHECK(check_uuid_field(data_id, "data_id"));
  IDOS_CHECK(check_locked_until(locked_until));
  return access_grant_id(grantee, data_id, locked_until);
}

Result<std::string> access_grant_id(std::string_view grantee, std::string_view data_id, int64_t locked_until) {
  std::string name(grantee);
  name += '-';
  name += data_id;
  name += '-';
  name += std::to_string(locked_until);
  return uuid_v5(kAccessGrantNamespace, name);
}

Status check_access_grant(const AccessGrant& g) {
  IDOS_CHECK(check_uuid_field(g.id, "id"));
  IDOS_CHECK(check_uuid_field(g.owner, "owner"));
  IDOS_CHECK(check_canonical_wallet_identifier(g.grantee, std::nullopt, "grantee"));
  IDOS_CHECK(check_uuid_field(g.data_id, "data_id"));
  IDOS_CHECK(check_locked_until(g.locked_until));
  IDOS_CHECK(check_hex32_field(g.content_hash, "content_hash"));
  IDOS_CHECK(check_token(g.inserter_type, kMaxInserterTypeBytes, "inserter_type"));
  IDOS_CHECK(check_printable(g.inserter_id, kMaxInserterIdBytes, "inserter_id"));
  IDOS_TRY(std::string expected, access_grant_id(g.grantee, g.data_id, g.locked_until));
  if (expected != g.id) {
    return make_error(ErrorCode::mismatch, "id is not UUIDv5(31276fd4-..., \"<grantee>-<data_id>-<locked_until>\"): expected " + expected);
  }
  return ok_status();
}

Result<AccessGrant> make_access_grant(std::string_view owner, std::string_view grantee, std::string_view data_id,
                                      int64_t locked_until, std::string_view content_hash,
                                      std::string_view inserter_type, std::string_view inserter_id) {
  AccessGrant g;
  g.owner = owner;
  g.grantee = grantee;
  g.data_id = data_id;
  g.locked_until = locked_until;
  g.content_hash = content_hash;
  g.inserter_type = inserter_type;
  g.inserter_id = inserter_id;
  // Check the inputs of the id first, so a bad grantee is reported as such, not as a bad id.
  IDOS_CHECK(check_canonical_wallet_identifier(g.grantee, std::nullopt, "grantee"));
  IDOS_CHECK(check_uuid_field(g.data_id, "data_id"));
  IDOS_CHECK(check_locked_until(g.locked_until));
  IDOS_TRY(g.id, access_grant_id(g.grantee, g.data_id, g.locked_until));
  IDOS_CHECK(check_access_grant(g));
  return g;
}

Status check_revocation(const AccessGrant& grant, std::string_view requester_user_id, int64_t now) {
  IDOS_CHECK(check_access_grant(grant));
  IDOS_CHECK(check_uuid_field(requester_user_id, "requester"));
  if (requester_user_id != grant.owner) return make_error(ErrorCode::forbidden, "only the grant's owner may revoke it");
  if (!(now > grant.locked_until)) return make_error(ErrorCode::locked, "the grant is locked until " + std::to_string(grant.locked_until));
  return ok_status();
}

Status check_delegated_access_grant(const DelegatedAccessGrant& d) {
  IDOS_CHECK(accepted_wallet_identifier(d.owner, std::nullopt, "owner"));
  IDOS_CHECK(accepted_wallet_identifier(d.grantee, std::nullopt, "grantee"));
  IDOS_CHECK(check_uuid_field(d.data_id, "data_id"));
  IDOS_CHECK(check_locked_until(d.locked_until));
  IDOS_CHECK(check_hex32_field(d.content_hash, "content_hash"));
  return ok_status();
}

Result<std::string> dag_message(const DelegatedAccessGrant& d) {
  IDOS_CHECK(check_delegated_access_grant(d));
  const std::string locked = std::to_string(d.locked_until);
  if (d.format == GrantMessageFormat::idos_1) {
    // idOS's last public DAG template (idos-schema, before the text moved into its node).
    return join_lines({{"operation", "insertAccessGrant"},
                       {"owner", d.owner},
                       {"grantee", d.grantee},
                       {"dataId", d.data_id},
                       {"lockedUntil", locked},
                       {"contentHash", d.content_hash}});
  }
  return join_lines({{"operation", "delegatedAccessGrant"},
                     {"owner", d.owner},
                     {"grantee", d.grantee},
                     {"data_id", d.data_id},
                     {"locked_until", locked},
                     {"content_hash", d.content_hash}});
}

Status check_delegated_write_grant(const DelegatedWriteGrant& d) {
  IDOS_CHECK(accepted_wallet_identifier(d.owner, std::nullopt, "owner_wallet_identifier"));
  IDOS_CHECK(accepted_wallet_identifier(d.grantee, std::nullopt, "grantee_wallet_identifier"));
  IDOS_CHECK(check_hex32_field(d.issuer_public_key, "issuer_public_key"));
  IDOS_CHECK(check_uuid_field(d.id, "id"));
  IDOS_CHECK(check_time_field(d.access_grant_timelock, "access_grant_timelock"));
  IDOS_CHECK(check_time_field(d.not_usable_before, "not_usable_before"));
  IDOS_CHECK(check_time_field(d.not_usable_after, "not_usable_after"));
  IDOS_TRY(int64_t before, parse_rfc3339_utc(d.not_usable_before));
  IDOS_TRY(int64_t after, parse_rfc3339_utc(d.not_usable_after));
  if (!(before < after)) return make_error(ErrorCode::invalid_input, "not_usable_before must be before not_usable_after");
  return ok_status();
}

Result<std::string> dwg_message(const DelegatedWriteGrant& d) {
  IDOS_CHECK(check_delegated_write_grant(d));
  if (d.format == GrantMessageFormat::idos_1) {
    // idOS's keys (idos-sdk-js docs/guide-issuer.md, DWG section), in its order.
    return join_lines({{"operation", "delegatedWriteGrant"},
                       {"owner", d.owner},
                       {"consumer", d.grantee},
                       {"issuer public key", d.issuer_public_key},
                       {"id", d.id},
                       {"access grant timelock", d.access_grant_timelock},
                       {"not usable before", d.not_usable_before},
                       {"not usable after", d.not_usable_after}});
  }
  return join_lines({{"operation", "delegatedWriteGrant"},
                     {"owner", d.owner},
                     {"grantee", d.grantee},
                     {"issuer_public_key", d.issuer_public_key},
                     {"id", d.id},
                     {"access_grant_timelock", d.access_grant_timelock},
                     {"not_usable_before", d.not_usable_before},
                     {"not_usable_after", d.not_usable_after}});
}

Status check_dwg_usable_at(const DelegatedWriteGrant& d, int64_t now) {
  IDOS_TRY(int64_t before, parse_rfc3339_utc(d.not_usable_before));
  IDOS_TRY(int64_t after, parse_rfc3339_utc(d.not_usable_after));
  if (now < before - kDwgClockSkewSeconds) return make_error(ErrorCode::not_yet_valid, "the write grant is not usable yet");
  if (now > after) return make_error(ErrorCode::expired, "the write grant is no longer usable");
  return ok_status();
}

Result<AccessGrant> access_grant_from_dwg(const DelegatedWriteGrant& dwg, std::string_view owner_user_id,
                                          std::string_view shared_copy_id, std::string_view content_hash) {
  IDOS_CHECK(check_delegated_write_grant(dwg));
  IDOS_TRY(int64_t locked_until, parse_rfc3339_utc(dwg.access_grant_timelock));
  IDOS_TRY(std::string grantee, accepted_wallet_identifier(dwg.grantee, std::nullopt, "grantee_wallet_identifier"));
  return make_access_grant(owner_user_id, grantee, shared_copy_id, locked_until, content_hash, "issuer",
                           dwg.issuer_public_key);
}

Result<AccessGrant> access_grant_from_dag(const DelegatedAccessGrant& dag, std::string_view owner_user_id,
                                          std::string_view submitter_wallet) {
  IDOS_CHECK(check_delegated_access_grant(dag));
  IDOS_CHECK(check_canonical_wallet_identifier(submitter_wallet, std::nullopt, "submitter"));
  IDOS_TRY(std::string grantee, accepted_wallet_identifier(dag.grantee, std::nullopt, "grantee"));
  return make_access_grant(owner_user_id, grantee, dag.data_id, dag.locked_until, dag.content_hash, "delegate",
                           submitter_wallet);
}

Status check_grant_target(const AccessGrant& grant, const GrantTarget& target) {
  IDOS_CHECK(check_access_grant(grant));
  if (target.id != grant.data_id) return make_error(ErrorCode::mismatch, "the target is not the grant's data_id");
  if (target.role != "copy") {
    return make_error(ErrorCode::forbidden, "a grant may only point at a shared copy, not at " +
                                                (target.role == "original" ? std::string("an original credential")
                                                                           : "a '" + target.role + "' object"));
  }
  if (target.user_id != grant.owner) return make_error(ErrorCode::forbidden, "data_id is not the grant owner's");
  return ok_status();
}

Status check_read_request(const ReadRequest& r) {
  IDOS_CHECK(accepted_wallet_identifier(r.grantee, std::nullopt, "grantee"));
  IDOS_CHECK(check_uuid_field(r.data_id, "data_id"));
  IDOS_CHECK(check_hex32_field(r.nonce, "nonce"));
  IDOS_CHECK(check_time_field(r.issued_at, "issued_at"));
  return ok_status();
}

Result<std::string> read_request_message(const ReadRequest& r) {
  IDOS_CHECK(check_read_request(r));
  return join_lines({{"operation", "readRequest"},
                     {"grantee", r.grantee},
                     {"data_id", r.data_id},
                     {"nonce", r.nonce},
                     {"issued_at", r.issued_at}});
}

Status check_signed_request(const SignedRequest& r) {
  IDOS_CHECK(accepted_wallet_identifier(r.caller, std::nullopt, "caller"));
  if (r.method != "GET" && r.method != "POST" && r.method != "PUT" && r.method != "PATCH" && r.method != "DELETE") {
    return make_error(ErrorCode::invalid_input, "method must be GET, POST, PUT, PATCH or DELETE");
  }
  IDOS_CHECK(check_printable(r.path, kMaxRequestPathBytes, "path"));
  if (r.path.front() != '/') return make_error(ErrorCode::invalid_input, "path must start with '/'");
  IDOS_CHECK(check_hex32_field(r.body_sha256, "body_sha256"));
  IDOS_CHECK(check_hex32_field(r.nonce, "nonce"));
  IDOS_CHECK(check_time_field(r.issued_at, "issued_at"));
  return ok_status();
}

Result<std::string> signed_request_message(const SignedRequest& r) {
  IDOS_CHECK(check_signed_request(r));
  return join_lines({{"operation", "signedRequest"},
                     {"caller", r.caller},
                     {"method", r.method},
                     {"path", r.path},
                     {"body_sha256", r.body_sha256},
                     {"nonce", r.nonce},
                     {"issued_at", r.issued_at}});
}

Status check_request_freshness(std::string_view issued_at, int64_t now) {
  IDOS_TRY(int64_t t, parse_rfc3339_utc(issued_at));
  if (t < now - kRequestMaxAgeSeconds) return make_error(ErrorCode::expired, "the request is older than 300 seconds");
  if (t > now + kRequestClockSkewSeconds) return make_error(ErrorCode::not_yet_valid, "the request is dated in the future");
  return ok_status();
}

}  // namespace idos
