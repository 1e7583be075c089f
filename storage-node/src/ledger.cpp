#include "ledger.hpp"

#include "idos/primitives/canonical_json.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"
#include "idos/primitives/time.hpp"
#include "idos/primitives/uuid.hpp"

namespace idos::node {

using nlohmann::json;

namespace {

constexpr size_t kMaxIdChars = 128;
constexpr size_t kMaxFieldChars = 4096;
// Largest credential member (content); the plugin applies the spec's exact limits.
constexpr size_t kMaxCredentialMember = 16u << 20;

Error not_found(const std::string& what) { return make_error(ErrorCode::not_found, "not found: " + what); }

Status check_uuid(const std::string& value, const std::string& what) {
  auto r = parse_uuid(value);
  if (!r.ok()) return make_error(r.code(), what + ": " + r.error().message);
  return ok_status();
}

// Text the plugin parses: the members exactly as received (they were parsed strictly, so valid UTF-8).
std::string dump(const json& doc) { return doc.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<std::string> sha256_hex_of_canonical(const json& doc, std::string& canonical_out) {
  IDOS_TRY(canonical_out, canonicalize_json(doc));
  return hex_encode(sha256(as_bytes(canonical_out)));
}

Result<const json*> object_member(const json& payload, const char* key) { return get_object_field(payload, key); }

struct Ctx {
  StateWriter& w;
  const Plugin& plugin;
  const NodeKeys& keys;
  const Transaction& tx;
  int64_t position;
  int64_t time;
  ApplyOutcome& out;
};

// The user the acting wallet belongs to (forbidden when the wallet is not registered).
Result<WalletRow> actor_wallet(Ctx& c) {
  IDOS_TRY(auto wallet, c.w.find_wallet(c.tx.actor_wallet));
  if (!wallet) return make_error(ErrorCode::forbidden, "the calling wallet is not registered to a user on this node");
  return *wallet;
}

// Validates a credential document with the plugin and stores it sealed.
Result<CredentialRow> store_credential(Ctx& c, const json& doc, const std::string& role, const std::string& inserter,
                                       const std::string& expected_user, ErrorCode user_mismatch_code) {
  IDOS_CHECK(c.plugin.validate("credential", dump(doc), c.time, false));
  IDOS_TRY(std::string id, get_string_field(doc, "id", kMaxIdChars));
  IDOS_TRY(std::string user_id, get_string_field(doc, "user_id", kMaxIdChars));
  IDOS_TRY(std::string issuer_key, get_string_field(doc, "issuer_auth_public_key", kMaxIdChars));
  if (user_id != expected_user) {
    return make_error(user_mismatch_code, "credential " + id + ": user_id is not the owner's user id");
  }
  IDOS_TRY(bool exists, c.w.credential_exists(id));
  if (exists) return make_error(ErrorCode::replayed, "a credential with id " + id + " already exists");
  std::string canonical;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(doc, canonical));
  IDOS_TRY(Bytes sealed, c.keys.seal(as_bytes(canonical), credential_associated_data(id)));
  CredentialRow row;
  row.id = id;
  row.user_id = user_id;
  row.role = role;
  row.issuer_auth_public_key = issuer_key;
  row.sha256 = digest;
  row.size = static_cast<int64_t>(canonical.size());
  row.sealed = std::move(sealed);
  row.inserter = inserter;
  row.created_at = c.time;
  row.log_position = c.position;
  IDOS_CHECK(c.w.insert_credential(row));
  c.out.objects.push_back({role == "copy" ? "shared_copy" : "credential", id, digest});
  return row;
}


// Builds the access grant, validates it with the plugin (field rules and derived id) and stores it.
Result<GrantRow> store_grant(Ctx& c, const std::string& owner, const std::string& grantee, const std::string& data_id,
                             int64_t locked_until, const std::string& content_hash, const std::string& inserter_type,
                             const std::string& inserter_id) {
  IDOS_TRY(std::string id, c.plugin.access_grant_id(grantee, data_id, locked_until));
  GrantRow g;
  g.id = id;
  g.owner = owner;
  g.grantee = grantee;
  g.data_id = data_id;
  g.locked_until = locked_until;
  g.content_hash = content_hash;
  g.inserter_type = inserter_type;
  g.inserter_id = inserter_id;
  g.created_at = c.time;
  g.log_position = c.position;
  const json doc = access_grant_document(g);
  IDOS_CHECK(c.plugin.validate("access_grant", dump(doc), c.time, false));
  IDOS_TRY(auto existing, c.w.find_grant(id));
  if (existing) return make_error(ErrorCode::replayed, "access grant " + id + " already exists");
  IDOS_CHECK(c.w.insert_grant(g));
  std::string canonical;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(doc, canonical));
  c.out.objects.push_back({"grant", id, digest});
  c.out.result["grant"] = doc;
  return g;
}

json credential_summary(const CredentialRow& r) {
  return json{{"id", r.id}, {"user_id", r.user_id}, {"role", r.role}, {"sha256", r.sha256}, {"size", r.size},
              {"log_position", r.log_position}};
}

// --- operations ----------------------------------------------------------------------------------

Status op_create_user(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(std::string user_id, get_string_field(p, "user_id", kMaxIdChars));
  IDOS_TRY(std::string enc_key, get_string_field(p, "encryption_public_key", kMaxIdChars));
  IDOS_CHECK(check_uuid(user_id, "user_id"));
  if (!enc_key.empty()) {
    IDOS_TRY(Bytes key, base64_decode(enc_key, kMaxIdChars));
    if (key.size() != 32) return make_error(ErrorCode::invalid_length, "encryption_public_key: not 32 bytes");
  }
  IDOS_TRY(bool user_exists, c.w.user_exists(user_id));
  if (user_exists) return make_error(ErrorCode::replayed, "user " + user_id + " already exists");
  IDOS_TRY(auto wallet, c.w.find_wallet(c.tx.actor_wallet));
  if (wallet) return make_error(ErrorCode::forbidden, "this wallet is already registered to a user");
  IDOS_CHECK(c.w.insert_user(UserRow{user_id, enc_key, c.time, c.position}));
  WalletRow wr{c.tx.actor_wallet, c.tx.actor_wallet_type, c.tx.actor_public_key, user_id, c.time, c.position};
  IDOS_CHECK(c.w.insert_wallet(wr));
  const json user{{"id", user_id}, {"encryption_public_key", enc_key}};
  std::string canonical;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(user, canonical));
  c.out.objects.push_back({"user", user_id, digest});
  c.out.result["user"] = user;
  c.out.result["wallets"] = json::array(
      {json{{"wallet_type", wr.wallet_type}, {"wallet_identifier", wr.identifier}}});
  return ok_status();
}

std::string add_wallet_message(const std::string& user_id, const std::string& wallet_type, const std::string& wallet,
                               const std::string& issued_at) {
  return "operation: addWallet\nuser_id: " + user_id + "\nwallet_type: " + wallet_type + "\nwallet: " + wallet +
         "\nissued_at: " + issued_at;
}

Status op_add_wallet(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(std::string type, get_string_field(p, "wallet_type", 16));
  IDOS_TRY(std::string identifier, get_string_field(p, "wallet_identifier", kMaxIdChars));
  IDOS_TRY(std::string public_key, get_string_field(p, "wallet_public_key", kMaxIdChars));
  IDOS_TRY(std::string issued_at, get_string_field(p, "issued_at", 32));
  IDOS_TRY(std::string signature, get_string_field(p, "signature", 512));
  IDOS_TRY(std::string near_nonce, get_string_field(p, "near_nonce", kMaxIdChars));
  IDOS_TRY(std::string near_recipient, get_string_field(p, "near_recipient", kMaxFieldChars));
  // The plugin decides the identifier's one spelling; a different spelling is refused, not fixed.
  IDOS_TRY(std::string canonical, c.plugin.canonical_wallet_identifier(type, identifier));
  if (canonical != identifier) {
    return make_error(ErrorCode::invalid_encoding, "wallet_identifier is not the canonical spelling (" + canonical + ")");
  }
  IDOS_TRY(int64_t issued, parse_rfc3339_utc(issued_at));
  if (issued < c.time - kAddWalletMaxAge) return make_error(ErrorCode::expired, "add-wallet proof is too old");
  if (issued > c.time + kAddWalletSkew) return make_error(ErrorCode::not_yet_valid, "add-wallet proof is from the future");
  const std::string message = add_wallet_message(actor.user_id, type, identifier, issued_at);
  auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string_view>(s); };
  IDOS_CHECK(c.plugin.verify_wallet_signature(type, identifier, opt(public_key), message, signature, opt(near_nonce),
                                              opt(near_recipient), std::nullopt));
  IDOS_TRY(auto existing, c.w.find_wallet(identifier));
  if (existing) return make_error(ErrorCode::forbidden, "this wallet is already registered to a user");
  WalletRow wr{identifier, type, public_key, actor.user_id, c.time, c.position};
  IDOS_CHECK(c.w.insert_wallet(wr));
  const json wallet{{"wallet_type", type}, {"wallet_identifier", identifier}, {"user_id", actor.user_id}};
  std::string canon;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(wallet, canon));
  c.out.objects.push_back({"wallet", identifier, digest});
  c.out.result["wallet"] = wallet;
  return ok_status();
}

Status op_put_credential(Ctx& c) {
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(const json* doc, object_member(c.tx.payload, "credential"));
  IDOS_TRY(CredentialRow row, store_credential(c, *doc, "original", "user:" + actor.user_id, actor.user_id,
                                               ErrorCode::forbidden));
  c.out.result["credential"] = credential_summary(row);
  return ok_status();
}

Status op_write_by_dwg(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(const json* dwg, object_member(p, "dwg"));
  IDOS_TRY(const json* credential, object_member(p, "credential"));
  IDOS_TRY(const json* copy, object_member(p, "shared_copy"));
  IDOS_TRY(std::string content_hash, get_string_field(p, "content_hash", kMaxIdChars));
  // The DWG: signature, usable window at log_time, single use.
  bool used = false;
  if (auto id = get_string_field(*dwg, "id", kMaxIdChars); id.ok()) {
    IDOS_TRY(used, c.w.dwg_used(*id));
  }
  IDOS_CHECK(c.plugin.validate("delegated_write_grant", dump(*dwg), c.time, used));
  IDOS_TRY(std::string dwg_id, get_string_field(*dwg, "id", kMaxIdChars));
  IDOS_TRY(std::string owner_wallet, get_string_field(*dwg, "owner_wallet_identifier", kMaxIdChars));
  IDOS_TRY(std::string grantee, get_string_field(*dwg, "grantee_wallet_identifier", kMaxIdChars));
  IDOS_TRY(std::string issuer_key, get_string_field(*dwg, "issuer_public_key", kMaxIdChars));
  IDOS_TRY(std::string timelock, get_string_field(*dwg, "access_grant_timelock", 32));
  IDOS_TRY(auto owner, c.w.find_wallet(owner_wallet));
  if (!owner) return make_error(ErrorCode::forbidden, "the DWG's owner wallet is not registered on this node");
  // The credential and its shared copy: both the owner's, the credential signed by the DWG's issuer.
  IDOS_TRY(std::string cred_issuer, get_string_field(*credential, "issuer_auth_public_key", kMaxIdChars));
  if (cred_issuer != issuer_key) {
    // Validate first so a malformed credential gets its own code.
    IDOS_CHECK(c.plugin.validate("credential", dump(*credential), c.time, false));
    return make_error(ErrorCode::mismatch, "credential issuer_auth_public_key differs from the DWG's issuer_public_key");
  }
  const std::string inserter = "issuer:" + issuer_key;
  IDOS_TRY(CredentialRow cred, store_credential(c, *credential, "original", inserter, owner->user_id, ErrorCode::mismatch));
  IDOS_TRY(CredentialRow shared, store_credential(c, *copy, "copy", inserter, owner->user_id, ErrorCode::mismatch));
  IDOS_TRY(int64_t locked_until, parse_rfc3339_utc(timelock));
  IDOS_TRY(GrantRow grant, store_grant(c, owner->user_id, grantee, shared.id, locked_until, content_hash, "issuer", issuer_key));
  IDOS_CHECK(c.w.record_dwg(dwg_id, c.position));
  c.out.result["credential"] = credential_summary(cred);
  c.out.result["shared_copy"] = credential_summary(shared);
  c.out.result["dwg_id"] = dwg_id;
  return ok_status();
}

Status op_share(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(const json* copy, object_member(p, "shared_copy"));
  IDOS_TRY(std::string grantee, get_string_field(p, "grantee", kMaxIdChars));
  IDOS_TRY(int64_t locked_until, get_int_field(p, "locked_until", 0, kMaxUnixTime));
  IDOS_TRY(std::string content_hash, get_string_field(p, "content_hash", kMaxIdChars));
  IDOS_TRY(CredentialRow shared, store_credential(c, *copy, "copy", "user:" + actor.user_id, actor.user_id,
                                                  ErrorCode::forbidden));
  IDOS_TRY(GrantRow grant, store_grant(c, actor.user_id, grantee, shared.id, locked_until, content_hash, "user",
                                       actor.user_id));
  c.out.result["shared_copy"] = credential_summary(shared);
  return ok_status();
}

Status op_delegated_access_grant(Ctx& c) {
  IDOS_TRY(const json* dag, object_member(c.tx.payload, "dag"));
  // seen_before: the grant this DAG would create already exists (or existed: revoked grants stay).
  bool seen = false;
  auto grantee = get_string_field(*dag, "grantee_wallet_identifier", kMaxIdChars);
  auto data_id = get_string_field(*dag, "data_id", kMaxIdChars);
  auto locked = get_int_field(*dag, "locked_until", 0, kMaxUnixTime);
  if (grantee.ok() && data_id.ok() && locked.ok()) {
    if (auto gid = c.plugin.access_grant_id(*grantee, *data_id, *locked); gid.ok()) {
      IDOS_TRY(auto existing, c.w.find_grant(*gid));
      seen = existing.has_value();
    }
  }
  IDOS_CHECK(c.plugin.validate("delegated_access_grant", dump(*dag), c.time, seen));
  IDOS_TRY(std::string owner_wallet, get_string_field(*dag, "owner_wallet_identifier", kMaxIdChars));
  IDOS_TRY(std::string content_hash, get_string_field(*dag, "content_hash", kMaxIdChars));
  IDOS_TRY(auto owner, c.w.find_wallet(owner_wallet));
  if (!owner) return make_error(ErrorCode::forbidden, "the DAG's owner wallet is not registered on this node");
  IDOS_TRY(auto cred, c.w.find_credential_meta(*data_id));
  if (!cred) return not_found("no credential " + *data_id);
  if (cred->user_id != owner->user_id) return make_error(ErrorCode::forbidden, "data_id is not the DAG owner's");
  IDOS_TRY(GrantRow grant, store_grant(c, owner->user_id, *grantee, *data_id, *locked, content_hash, "delegate",
                                       c.tx.actor_wallet));
  return ok_status();
}

Status op_revoke(Ctx& c) {
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(std::string grant_id, get_string_field(c.tx.payload, "grant_id", kMaxIdChars));
  IDOS_TRY(auto grant, c.w.find_grant(grant_id));
  if (!grant || grant->revoked_at) return not_found("no active grant " + grant_id);
  const json doc = access_grant_document(*grant);
  const json revoke{{"grant", doc}, {"requester", actor.user_id}};
  // Owner only (FORBIDDEN), after the timelock (LOCKED): the plugin decides, at log_time.
  IDOS_CHECK(c.plugin.validate("revoke", dump(revoke), c.time, false));
  IDOS_CHECK(c.w.mark_grant_revoked(grant_id, c.time, c.position));
  std::string canonical;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(doc, canonical));
  c.out.objects.push_back({"grant", grant_id, digest});
  c.out.result["grant"] = doc;
  c.out.result["revoked_at"] = c.time;
  return ok_status();
}

Status apply_operation(Ctx& c) {
  const std::string& op = c.tx.operation;
  if (op == kOpCreateUser) return op_create_user(c);
  if (op == kOpAddWallet) return op_add_wallet(c);
  if (op == kOpPutCredential) return op_put_credential(c);
  if (op == kOpWriteByDwg) return op_write_by_dwg(c);
  if (op == kOpShare) return op_share(c);
  if (op == kOpDelegatedAccessGrant) return op_delegated_access_grant(c);
  if (op == kOpRevoke) return op_revoke(c);
  return make_error(ErrorCode::unsupported, "unknown operation " + op);
}

}  // namespace


std::string credential_associated_data(const std::string& id) { return "idos-node/v1 credential " + id; }

Result<std::string> Transaction::serialize() const {
  json doc{{"operation", operation},
           {"actor", json{{"wallet_type", actor_wallet_type}, {"wallet", actor_wallet}, {"public_key", actor_public_key}}},
           {"payload", payload}};
  return canonicalize_json(doc);
}

Status Ledger::open() {
  IDOS_TRY(int64_t last, storage_.last_applied_position());
  std::lock_guard<std::mutex> lock(mutex_);
  last_position_ = last;
  return ok_status();
}

int64_t Ledger::last_position() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_position_;
}

Result<ApplyOutcome> Ledger::submit(const Transaction& tx, int64_t log_time) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t position = last_position_ + 1;
  auto r = apply(tx, position, log_time);
  // A refusal is recorded at its position too; only a storage failure leaves the position free.
  if (r.ok() || r.code() != ErrorCode::internal) last_position_ = position;
  return r;
}

Result<ApplyOutcome> Ledger::apply(const Transaction& tx, int64_t log_position, int64_t log_time) {
  IDOS_TRY(std::string serialized, tx.serialize());
  const std::string tx_sha256 = hex_encode(sha256(as_bytes(serialized)));
  ApplyOutcome out;
  out.log_position = log_position;
  out.log_time = log_time;
  Status done = storage_.write([&](StateWriter& w) -> Status {
    IDOS_TRY(int64_t last, w.last_applied_position());
    if (log_position <= last) {
      return make_error(ErrorCode::replayed, "log position " + std::to_string(log_position) + " was already applied");
    }
    Ctx c{w, plugin_, keys_, tx, log_position, log_time, out};
    IDOS_CHECK(apply_operation(c));
    return w.append_log(LogRow{log_position, log_time, tx.operation, tx.actor_wallet, tx_sha256, "OK"});
  });
  if (done.ok()) return out;
  const Error refusal = done.error();
  if (refusal.code == ErrorCode::internal) return refusal;  // storage failure: nothing recorded
  Status recorded = storage_.write([&](StateWriter& w) -> Status {
    IDOS_TRY(int64_t last, w.last_applied_position());
    if (log_position <= last) return ok_status();
    return w.append_log(LogRow{log_position, log_time, tx.operation, tx.actor_wallet, tx_sha256,
                               std::string(error_code_name(refusal.code))});
  });
  if (!recorded.ok()) return recorded.error();
  return refusal;
}

nlohmann::json access_grant_document(const GrantRow& g) {
  return json{{"id", g.id},
              {"owner", g.owner},
              {"grantee", g.grantee},
              {"data_id", g.data_id},
              {"locked_until", g.locked_until},
              {"content_hash", g.content_hash},
              {"inserter_type", g.inserter_type},
              {"inserter_id", g.inserter_id}};
}

}  // namespace idos::node
