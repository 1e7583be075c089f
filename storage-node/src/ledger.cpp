#include "ledger.hpp"

#include <limits>
#include <optional>

#include "idos/primitives/canonical_json.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"
#include "idos/primitives/time.hpp"
#include "idos/primitives/uuid.hpp"
#include "http.hpp"
#include "signed_request.hpp"

namespace idos::node {

using nlohmann::json;

namespace {

constexpr size_t kMaxIdChars = 128;
constexpr size_t kMaxFieldChars = 4096;
// Largest credential member (content); the plugin applies the spec's exact limits.
constexpr size_t kMaxCredentialMember = 16u << 20;
constexpr int64_t kMaxJsonSafeInteger = 9007199254740991;

Error not_found(const std::string& what) { return make_error(ErrorCode::not_found, "not found: " + what); }

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
  const IssuerDelegates& delegates;
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

// Stores a credential document sealed. The plugin has already decided on it (owned_credential or
// dwg_write); what is left is the node's own state: an id is stored once.
Result<CredentialRow> store_credential(Ctx& c, const json& doc, const std::string& role, const std::string& inserter,
                                       const std::string& original_id = "") {
  IDOS_TRY(std::string id, get_string_field(doc, "id", kMaxIdChars));
  IDOS_TRY(std::string user_id, get_string_field(doc, "user_id", kMaxIdChars));
  IDOS_TRY(std::string issuer_key, get_string_field(doc, "issuer_auth_public_key", kMaxIdChars));
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
  row.original_id = original_id;
  IDOS_CHECK(c.w.insert_credential(row));
  c.out.objects.push_back({role == "copy" ? "shared_copy" : "credential", id, digest});
  return row;
}

// The plugin's verdict on a credential stored by or for the user `owner` (FORBIDDEN otherwise).
Status check_owned_credential(Ctx& c, const json& doc, const std::string& owner) {
  return c.plugin.validate("owned_credential", dump(json{{"credential", doc}, {"owner", owner}}), c.time, false);
}

// Stores the access grant the plugin derived (`kind`: share, delegated_write_grant or
// delegated_access_grant) after the plugin checked what it points at (grant_target).
Result<GrantRow> store_grant(Ctx& c, std::string_view kind, const json& derivation, const CredentialRow& target) {
  IDOS_TRY(std::string grant_text, c.plugin.derive_access_grant(kind, dump(derivation)));
  IDOS_TRY(json doc, parse_json(grant_text));
  const json target_doc{{"id", target.id}, {"role", target.role}, {"user_id", target.user_id}};
  IDOS_CHECK(c.plugin.validate("grant_target", dump(json{{"grant", doc}, {"target", target_doc}}), c.time, false));
  GrantRow g;
  IDOS_TRY(g.id, get_string_field(doc, "id", kMaxIdChars));
  IDOS_TRY(g.owner, get_string_field(doc, "owner", kMaxIdChars));
  IDOS_TRY(g.grantee, get_string_field(doc, "grantee", kMaxIdChars));
  IDOS_TRY(g.data_id, get_string_field(doc, "data_id", kMaxIdChars));
  IDOS_TRY(g.locked_until, get_int_field(doc, "locked_until", 0, kMaxUnixTime));
  IDOS_TRY(g.content_hash, get_string_field(doc, "content_hash", kMaxIdChars));
  IDOS_TRY(g.inserter_type, get_string_field(doc, "inserter_type", kMaxIdChars));
  IDOS_TRY(g.inserter_id, get_string_field(doc, "inserter_id", kMaxFieldChars));
  g.created_at = c.time;
  g.log_position = c.position;
  IDOS_TRY(auto existing, c.w.find_grant(g.id));
  if (existing) return make_error(ErrorCode::replayed, "access grant " + g.id + " already exists");
  // A deleted grant's id stays taken (docs/api.md, the public explorer shows it as deleted).
  IDOS_TRY(bool deleted, c.w.grant_deleted(g.id));
  if (deleted) return make_error(ErrorCode::replayed, "access grant " + g.id + " existed and was deleted");
  IDOS_CHECK(c.w.insert_grant(g));
  // The plugin's text is already the grant's canonical JSON (RFC 8785): hash it as it came.
  c.out.objects.push_back({"grant", g.id, hex_encode(sha256(as_bytes(grant_text)))});
  c.out.result["grant"] = doc;
  return g;
}

json credential_summary(const CredentialRow& r) {
  json out{{"id", r.id}, {"user_id", r.user_id}, {"role", r.role}, {"sha256", r.sha256}, {"size", r.size},
           {"log_position", r.log_position}};
  if (!r.original_id.empty()) out["original_id"] = r.original_id;
  return out;
}

// --- operations ----------------------------------------------------------------------------------

// The canonical spelling of a signed document's owner_wallet_identifier (the plugin's rule).
Result<std::string> canonical_owner(Ctx& c, const json& doc) {
  IDOS_TRY(std::string type, get_string_field(doc, "owner_wallet_type", kMaxIdChars));
  IDOS_TRY(std::string identifier, get_string_field(doc, "owner_wallet_identifier", kMaxIdChars));
  return c.plugin.canonical_wallet_identifier(type, identifier);
}

Status op_create_user(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(std::string user_id, get_string_field(p, "user_id", kMaxIdChars));
  IDOS_TRY(std::string enc_key, get_string_field(p, "encryption_public_key", kMaxIdChars));
  IDOS_CHECK(c.plugin.validate("user", dump(json{{"id", user_id}, {"encryption_public_key", enc_key}}), c.time, false));
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
  // The plugin decides: the identifier's one spelling, the proof's freshness at log_time, the
  // new wallet's signature over the add-wallet message (docs/spec/accounts.md).
  json proof{{"user_id", actor.user_id},   {"wallet_type", type}, {"wallet_identifier", identifier},
             {"issued_at", issued_at},     {"signature", signature}};
  if (!public_key.empty()) proof["wallet_public_key"] = public_key;
  if (!near_nonce.empty()) proof["near_nonce"] = near_nonce;
  if (!near_recipient.empty()) proof["near_recipient"] = near_recipient;
  IDOS_CHECK(c.plugin.validate("add_wallet", dump(proof), c.time, false));
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
  IDOS_CHECK(check_owned_credential(c, *doc, actor.user_id));
  IDOS_TRY(CredentialRow row, store_credential(c, *doc, "original", "user:" + actor.user_id));
  c.out.result["credential"] = credential_summary(row);
  return ok_status();
}

Status op_write_by_dwg(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(const json* dwg, object_member(p, "dwg"));
  IDOS_TRY(const json* credential, object_member(p, "credential"));
  IDOS_TRY(const json* copy, object_member(p, "shared_copy"));
  IDOS_TRY(std::string content_hash, get_string_field(p, "content_hash", kMaxIdChars));
  // The plugin names the DWG's single-use value; whether it was used is the node's state.
  bool used = false;
  auto replay = c.plugin.replay_key("delegated_write_grant", dump(*dwg));
  if (replay.ok()) {
    IDOS_TRY(used, c.w.dwg_used(replay->key));
  }
  // The owner as signed may be any accepted spelling (EIP-55): wallets are stored canonical.
  auto owner_wallet = canonical_owner(c, *dwg);
  std::optional<WalletRow> owner;
  if (owner_wallet.ok()) {
    IDOS_TRY(owner, c.w.find_wallet(*owner_wallet));
  }
  if (!owner) {
    // The DWG's own verdict first, so a bad DWG keeps its code; then the owner is unknown here.
    IDOS_CHECK(c.plugin.validate("delegated_write_grant", dump(*dwg), c.time, used));
    return make_error(ErrorCode::forbidden, "the DWG's owner wallet is not registered on this node");
  }
  // The plugin decides: DWG signature, usable window at log_time, single use; the credential signed
  // by the DWG's issuer, or by another key of the same inserter when the operator registered one
  // (issuer_delegates: the list holding the DWG's key); both records the owner's
  // (docs/spec/validation.md, dwg_write).
  json write{{"dwg", *dwg}, {"credential", *credential}, {"shared_copy", *copy}, {"owner", owner->user_id}};
  if (dwg->contains("issuer_public_key") && (*dwg)["issuer_public_key"].is_string()) {
    if (const auto* keys = c.delegates.keys_of_inserter_with((*dwg)["issuer_public_key"].get<std::string>())) {
      write["issuer_delegates"] = *keys;
    }
  }
  IDOS_CHECK(c.plugin.validate("dwg_write", dump(write), c.time, used));
  if (!replay.ok()) return replay.error();  // unreachable once the DWG was accepted
  IDOS_TRY(std::string issuer_key, get_string_field(*dwg, "issuer_public_key", kMaxIdChars));
  const std::string inserter = "issuer:" + issuer_key;
  IDOS_TRY(CredentialRow cred, store_credential(c, *credential, "original", inserter));
  IDOS_TRY(CredentialRow shared, store_credential(c, *copy, "copy", inserter, cred.id));
  const json derivation{{"dwg", *dwg}, {"owner", owner->user_id}, {"data_id", shared.id}, {"content_hash", content_hash}};
  IDOS_TRY(GrantRow grant, store_grant(c, "delegated_write_grant", derivation, shared));
  IDOS_CHECK(c.w.record_dwg(replay->key, c.position));
  const std::string dwg_id = replay->key;
  c.out.result["credential"] = credential_summary(cred);
  c.out.result["shared_copy"] = credential_summary(shared);
  c.out.result["dwg_id"] = dwg_id;
  return ok_status();
}

Status op_share(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(const json* copy, object_member(p, "shared_copy"));
  IDOS_TRY(std::string given_grantee, get_string_field(p, "grantee", kMaxIdChars));
  // Any spelling the grantee's wallet gives (e.g. EIP-55): the grant holds the canonical one. Done
  // here, not at the edge, because the payload must stay the signed body (check_actor).
  IDOS_TRY(std::string grantee, c.plugin.canonical_wallet_identifier("", given_grantee));
  IDOS_TRY(int64_t locked_until, get_int_field(p, "locked_until", 0, kMaxUnixTime));
  IDOS_TRY(std::string content_hash, get_string_field(p, "content_hash", kMaxIdChars));
  // The original the copy is made from (schema 4): the caller's own original. Deleting that
  // original deletes this copy with it (op_delete_credential).
  IDOS_TRY(std::string original_id, get_string_field(p, "original_id", kMaxIdChars));
  IDOS_CHECK(check_owned_credential(c, *copy, actor.user_id));
  IDOS_TRY(auto original, c.w.find_credential_meta(original_id));
  if (!original) return not_found("no credential " + original_id);
  if (original->user_id != actor.user_id) return make_error(ErrorCode::forbidden, "original_id is not the caller's credential");
  if (original->role != "original") return make_error(ErrorCode::forbidden, "original_id names a shared copy, not an original");
  IDOS_TRY(CredentialRow shared, store_credential(c, *copy, "copy", "user:" + actor.user_id, original_id));
  const json derivation{{"owner", actor.user_id},   {"grantee", grantee},          {"data_id", shared.id},
                        {"locked_until", locked_until}, {"content_hash", content_hash}, {"inserter_type", "user"},
                        {"inserter_id", actor.user_id}};
  IDOS_TRY(GrantRow grant, store_grant(c, "share", derivation, shared));
  c.out.result["shared_copy"] = credential_summary(shared);
  return ok_status();
}

Status op_delegated_access_grant(Ctx& c) {
  IDOS_TRY(const json* dag, object_member(c.tx.payload, "dag"));
  // seen_before: the grant this DAG would create already exists (or existed: revoked grants stay).
  // The plugin names that grant's id (the DAG's replay key).
  bool seen = false;
  if (auto key = c.plugin.replay_key("delegated_access_grant", dump(*dag)); key.ok()) {
    IDOS_TRY(auto existing, c.w.find_grant(key->key));
    IDOS_TRY(bool deleted, c.w.grant_deleted(key->key));
    seen = existing.has_value() || deleted;
  }
  IDOS_CHECK(c.plugin.validate("delegated_access_grant", dump(*dag), c.time, seen));
  IDOS_TRY(std::string owner_wallet, canonical_owner(c, *dag));
  IDOS_TRY(std::string data_id, get_string_field(*dag, "data_id", kMaxIdChars));
  IDOS_TRY(auto owner, c.w.find_wallet(owner_wallet));
  if (!owner) return make_error(ErrorCode::forbidden, "the DAG's owner wallet is not registered on this node");
  IDOS_TRY(auto target, c.w.find_credential_meta(data_id));
  if (!target) return not_found("no credential " + data_id);
  // What the grant may point at (a shared copy of the owner's) is the plugin's grant_target rule.
  const json derivation{{"dag", *dag}, {"owner", owner->user_id}, {"submitter", c.tx.actor_wallet}};
  IDOS_TRY(GrantRow grant, store_grant(c, "delegated_access_grant", derivation, *target));
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

// Deletes a credential the caller owns: an original with every shared copy made from it
// (original_id), or one shared copy alone (as idOS's remove_credential allows), and every access
// grant on them. The plugin decides (owner only: FORBIDDEN; any grant still in its timelock:
// LOCKED); the ledger removes the rows, keeps the grants' ids (deleted_grants) and records each
// removed row in row_changes (docs/cluster.md, "Rows changed later").
Status op_delete_credential(Ctx& c) {
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(std::string id, get_string_field(c.tx.payload, "credential_id", kMaxIdChars));
  IDOS_TRY(auto target, c.w.find_credential_meta(id));
  if (!target) return not_found("no credential " + id);
  std::vector<CredentialRow> copies;
  if (target->role == "original") {
    IDOS_TRY(copies, c.w.copies_of(id));
  }
  std::vector<GrantRow> grants;
  json copy_ids = json::array();
  json grant_docs = json::array();
  for (const CredentialRow* record : [&] {
         std::vector<const CredentialRow*> all{&*target};
         for (const auto& copy : copies) all.push_back(&copy);
         return all;
       }()) {
    IDOS_TRY(auto on, c.w.grants_on(record->id));
    for (auto& g : on) {
      grant_docs.push_back(access_grant_document(g));
      grants.push_back(std::move(g));
    }
    if (record != &*target) copy_ids.push_back(record->id);
  }
  const json deletion{{"credential", json{{"id", target->id}, {"role", target->role}, {"user_id", target->user_id}}},
                      {"copies", copy_ids},
                      {"grants", grant_docs},
                      {"requester", actor.user_id}};
  IDOS_CHECK(c.plugin.validate("delete_credential", dump(deletion), c.time, false));
  json deleted_grants = json::array();
  for (size_t i = 0; i < grants.size(); ++i) {
    const GrantRow& g = grants[i];
    IDOS_CHECK(c.w.record_row_change(RowChange{c.position, "grants", g.id, "removed", g.log_position}));
    if (g.revoked_position) {
      IDOS_CHECK(c.w.record_row_change(RowChange{c.position, "grant_revocations", g.id, "removed", *g.revoked_position}));
    }
    IDOS_CHECK(c.w.delete_grant(g.id, c.time, c.position));
    std::string canonical;
    IDOS_TRY(std::string digest, sha256_hex_of_canonical(grant_docs[i], canonical));
    c.out.objects.push_back({"deleted_grant", g.id, digest});
    deleted_grants.push_back(g.id);
  }
  auto remove = [&](const CredentialRow& r, const char* kind) -> Status {
    IDOS_CHECK(c.w.record_row_change(RowChange{c.position, "credentials", r.id, "removed", r.log_position}));
    IDOS_CHECK(c.w.delete_credential(r.id));
    c.out.objects.push_back({kind, r.id, r.sha256});
    return ok_status();
  };
  for (const auto& copy : copies) IDOS_CHECK(remove(copy, "deleted_shared_copy"));
  IDOS_CHECK(remove(*target, target->role == "copy" ? "deleted_shared_copy" : "deleted_credential"));
  c.out.result["deleted"] = json{{"credential", target->id},
                                 {"role", target->role},
                                 {"shared_copies", copy_ids},
                                 {"grants", deleted_grants},
                                 {"deleted_at", c.time}};
  return ok_status();
}

// The issuer's signed status of a verifiable credential (docs/spec/lifecycle.md). The plugin
// decides on the document (fields, the issuer's signature, freshness at log time) and its order
// (sequence above the one recorded: REPLAYED otherwise); the node's own rule: the key must have
// issued an original credential stored here (NOT_FOUND), so strangers cannot fill the table.
Status op_set_credential_status(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(std::string issuer, get_string_field(p, "issuer_auth_public_key", kMaxIdChars));
  IDOS_TRY(std::string vc_id, get_string_field(p, "vc_id", kMaxIdChars));
  IDOS_TRY(auto current, c.w.find_credential_status(issuer, vc_id));
  const json update{{"status", p}, {"current_sequence", current ? current->sequence : int64_t{0}}};
  IDOS_CHECK(c.plugin.validate("set_credential_status", dump(update), c.time, false));
  IDOS_TRY(bool issued, c.w.issuer_has_credentials(issuer));
  if (!issued) return not_found("no credential issued by " + issuer + " is stored on this node");
  CredentialStatusRow row;
  row.issuer_auth_public_key = issuer;
  row.vc_id = vc_id;
  IDOS_TRY(row.status, get_string_field(p, "status", 16));
  IDOS_TRY(auto reason, get_optional_string_field(p, "reason", kMaxFieldChars));
  row.reason = reason.value_or("");
  IDOS_TRY(row.sequence, get_int_field(p, "sequence", 1, kMaxJsonSafeInteger));
  IDOS_TRY(row.issued_at, get_int_field(p, "issued_at", 0, kMaxUnixTime));
  IDOS_TRY(row.signature, get_string_field(p, "signature", 128));
  row.set_at = c.time;
  row.log_position = c.position;
  if (current) {
    IDOS_CHECK(c.w.record_row_change(
        RowChange{c.position, "credential_statuses", issuer + " " + vc_id, "replaced", current->log_position}));
  }
  IDOS_CHECK(c.w.put_credential_status(row));
  const json doc = credential_status_json(row);
  std::string canonical;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(doc, canonical));
  c.out.objects.push_back({"credential_status", vc_id, digest});
  c.out.result["credential_status"] = doc;
  return ok_status();
}

// --- the owner's changes (docs/spec/owner-changes.md) ------------------------------------------------

// Replaces the stored document of `current` with `doc` (already accepted by the plugin): same id,
// user, role; the row is written at this position, so this entry's rows digest covers it.
Result<CredentialRow> replace_stored_credential(Ctx& c, const json& doc, const CredentialRow& current,
                                                const char* object_kind) {
  IDOS_TRY(std::string issuer_key, get_string_field(doc, "issuer_auth_public_key", kMaxIdChars));
  std::string canonical;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(doc, canonical));
  IDOS_TRY(Bytes sealed, c.keys.seal(as_bytes(canonical), credential_associated_data(current.id)));
  CredentialRow row = current;
  row.issuer_auth_public_key = issuer_key;
  row.sha256 = digest;
  row.size = static_cast<int64_t>(canonical.size());
  row.sealed = std::move(sealed);
  row.log_position = c.position;
  IDOS_CHECK(c.w.replace_credential(row));
  // The row now belongs to this position's digest; the earlier one no longer holds it as it was.
  IDOS_CHECK(c.w.record_row_change(RowChange{c.position, "credentials", row.id, "replaced", current.log_position}));
  c.out.objects.push_back({object_kind, row.id, digest});
  return row;
}

Status op_edit_credential(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(std::string id, get_string_field(p, "credential_id", kMaxIdChars));
  IDOS_TRY(const json* doc, object_member(p, "credential"));
  IDOS_TRY(auto current, c.w.find_credential_meta(id));
  if (!current) return not_found("no credential " + id);
  // The latest timelock among the unrevoked grants on copies made from this original.
  IDOS_TRY(int64_t copies_locked_until, c.w.latest_copy_lock(id));
  const json edit{{"credential", *doc},
                  {"requester", actor.user_id},
                  {"current", json{{"id", current->id}, {"role", current->role}, {"user_id", current->user_id}}},
                  {"copies_locked_until", copies_locked_until}};
  // The plugin decides: the record (both signatures, under the key it carries), same id and user,
  // the caller's own original, no locked grant on its copies at log_time.
  IDOS_CHECK(c.plugin.validate("edit_credential", dump(edit), c.time, false));
  IDOS_TRY(CredentialRow row, replace_stored_credential(c, *doc, *current, "credential"));
  c.out.result["credential"] = credential_summary(row);
  return ok_status();
}

Status op_change_encryption_key(Ctx& c) {
  const json& p = c.tx.payload;
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(std::string key, get_string_field(p, "encryption_public_key", kMaxIdChars));
  auto records = p.find("credentials");
  if (records == p.end() || !records->is_array()) {
    return make_error(ErrorCode::invalid_input, "credentials: an array of credential records");
  }
  IDOS_TRY(std::vector<std::string> originals, c.w.original_ids_of(actor.user_id));
  const json change{{"requester", actor.user_id},
                    {"encryption_public_key", key},
                    {"credentials", *records},
                    {"originals", originals}};
  // The plugin decides: the new key, every record (signatures), and that the records replace
  // exactly the user's originals (nothing left under the old key).
  IDOS_CHECK(c.plugin.validate("change_encryption_key", dump(change), c.time, false));
  IDOS_TRY(auto user, c.w.find_user(actor.user_id));
  if (!user) return make_error(ErrorCode::internal, "a registered wallet's user is missing");
  IDOS_CHECK(c.w.set_encryption_key(actor.user_id, key, c.position));
  IDOS_CHECK(c.w.record_row_change(RowChange{c.position, "users", actor.user_id, "replaced", user->log_position}));
  const json user_doc{{"id", actor.user_id}, {"encryption_public_key", key}};
  std::string canonical;
  IDOS_TRY(std::string user_digest, sha256_hex_of_canonical(user_doc, canonical));
  c.out.objects.push_back({"user", actor.user_id, user_digest});
  json summaries = json::array();
  for (const json& doc : *records) {
    IDOS_TRY(std::string id, get_string_field(doc, "id", kMaxIdChars));
    IDOS_TRY(auto current, c.w.find_credential_meta(id));
    if (!current) return make_error(ErrorCode::internal, "an original the plugin accepted is missing");
    IDOS_TRY(CredentialRow row, replace_stored_credential(c, doc, *current, "credential"));
    summaries.push_back(credential_summary(row));
  }
  c.out.result["user"] = user_doc;
  c.out.result["credentials"] = summaries;
  return ok_status();
}

Status op_remove_wallet(Ctx& c) {
  IDOS_TRY(WalletRow actor, actor_wallet(c));
  IDOS_TRY(std::string given, get_string_field(c.tx.payload, "wallet_identifier", kMaxIdChars));
  // Any spelling the wallet gives (EIP-55, ...): the plugin's canonical one, type from its shape.
  IDOS_TRY(std::string identifier, c.plugin.canonical_wallet_identifier("", given));
  IDOS_TRY(auto target, c.w.find_wallet(identifier));
  if (!target) return not_found("no registered wallet " + identifier);
  IDOS_TRY(int64_t count, c.w.wallet_count(actor.user_id));
  const json removal{{"requester", actor.user_id},
                     {"caller_wallet", actor.identifier},
                     {"wallet", json{{"wallet_identifier", target->identifier}, {"user_id", target->user_id}}},
                     {"wallet_count", count}};
  // The plugin decides: the caller's user's wallet, not the calling wallet, never the last one.
  IDOS_CHECK(c.plugin.validate("remove_wallet", dump(removal), c.time, false));
  IDOS_CHECK(c.w.delete_wallet(target->identifier));
  IDOS_CHECK(c.w.record_row_change(RowChange{c.position, "wallets", target->identifier, "removed", target->log_position}));
  const json doc{{"wallet_type", target->wallet_type}, {"wallet_identifier", target->identifier},
                 {"user_id", target->user_id}};
  std::string canonical;
  IDOS_TRY(std::string digest, sha256_hex_of_canonical(doc, canonical));
  c.out.objects.push_back({"wallet", target->identifier, digest});
  c.out.result["wallet"] = doc;
  c.out.result["removed_at"] = c.time;
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
  if (op == kOpDeleteCredential) return op_delete_credential(c);
  if (op == kOpSetCredentialStatus) return op_set_credential_status(c);
  if (op == kOpEditCredential) return op_edit_credential(c);
  if (op == kOpChangeEncryptionKey) return op_change_encryption_key(c);
  if (op == kOpRemoveWallet) return op_remove_wallet(c);
  return make_error(ErrorCode::unsupported, "unknown operation " + op);
}

}  // namespace


std::string credential_associated_data(const std::string& id) { return "idos-node/v1 credential " + id; }

Result<std::string> Transaction::serialize() const {
  json doc{{"operation", operation},
           {"actor", json{{"wallet_type", actor_wallet_type}, {"wallet", actor_wallet}, {"public_key", actor_public_key}}},
           {"payload", payload},
           {"request", json{{"signed_request", signed_request}, {"body", body}}}};
  return canonicalize_json(doc);
}

Status Ledger::open() {
  IDOS_TRY(int64_t last, storage_.last_applied_position());
  last_position_.store(last);
  return ok_status();
}

int64_t Ledger::last_position() const { return last_position_.load(); }

Result<ApplyOutcome> Ledger::submit(const Transaction& tx, int64_t log_time) {
  Result<ApplyOutcome> r = make_error(ErrorCode::internal, "not applied");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (resync_position_) {
      // The last storage failure may have been a COMMIT whose outcome the backend could not learn
      // (a broken PostgreSQL connection), or commits that never became durable: the stored log is
      // the truth.
      IDOS_TRY(int64_t stored, storage_.last_applied_position());
      last_position_.store(stored);
      resync_position_ = false;
    }
    // A refusal is recorded at its position too; only a storage failure leaves the position free
    // (apply_batch_at() moves last_position_ when it recorded the entry).
    auto batch = apply_batch_at({Entry{&tx, last_position_.load() + 1, log_time}}, /*deferred=*/true);
    if (!batch.ok()) {
      resync_position_ = true;
      return batch.error();
    }
    r = std::move(batch->front());
  }
  // Outside the lock: the next submit applies while this one waits, and one flush makes both
  // durable (group commit, PostgreSQL only). Nothing is answered before the entry is durable.
  if (Status durable = storage_.wait_durable(); !durable.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    resync_position_ = true;
    return durable.error();
  }
  return r;
}

namespace {

// The route each operation is written through (docs/api.md) and the payload its body gives: the
// edge built tx.payload from the same request, so any difference is a forged transaction.
Result<json> payload_of_request(const Transaction& tx, const json& signed_doc) {
  const std::string method = signed_doc["method"].get<std::string>();
  const std::string path = signed_doc["path"].get<std::string>();
  json body = json::object();
  if (!tx.body.empty()) {
    IDOS_TRY(body, parse_json(tx.body, JsonLimits{tx.body.size(), 32}));
    if (!body.is_object()) return make_error(ErrorCode::invalid_input, "request body is not a JSON object");
  }
  auto route = [&](const char* m, const char* p) { return method == m && path == p; };
  const std::string& op = tx.operation;
  auto string_or_empty = [&](const char* key) -> json {
    auto it = body.find(key);
    return it == body.end() ? json("") : *it;
  };
  if (op == kOpCreateUser && route("POST", "/v1/users")) {
    // A user id the caller did not choose is the edge's (random): any value the caller did not sign.
    json id = body.contains("user_id") ? body["user_id"] : tx.payload.value("user_id", json(""));
    return json{{"user_id", id}, {"encryption_public_key", string_or_empty("encryption_public_key")}};
  }
  if (op == kOpAddWallet && route("POST", "/v1/users/me/wallets")) {
    json p = json::object();
    for (const char* key : {"wallet_type", "wallet_identifier", "issued_at", "signature", "wallet_public_key",
                            "near_nonce", "near_recipient"}) {
      p[key] = string_or_empty(key);
    }
    return p;
  }
  if ((op == kOpPutCredential && route("POST", "/v1/credentials")) ||
      (op == kOpWriteByDwg && route("POST", "/v1/credentials/dwg")) || (op == kOpShare && route("POST", "/v1/shares")) ||
      (op == kOpDelegatedAccessGrant && route("POST", "/v1/grants/dag"))) {
    return body;
  }
  if (op == kOpChangeEncryptionKey && route("PUT", "/v1/users/me/encryption-key")) return body;
  // A path segment as the edge's router sees it: percent-decoded (http.hpp).
  auto segment_after = [&](std::string_view prefix) -> std::optional<std::string> {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    std::string rest = path.substr(prefix.size());
    if (rest.find('/') != std::string::npos || rest.find('?') != std::string::npos) return std::nullopt;
    return http::decode_url(rest, false);
  };
  if (op == kOpEditCredential && method == "PUT") {
    if (auto id = segment_after("/v1/credentials/")) {
      return json{{"credential_id", *id}, {"credential", body.contains("credential") ? body["credential"] : json()}};
    }
  }
  if (op == kOpRemoveWallet && method == "DELETE") {
    if (auto wallet = segment_after("/v1/users/me/wallets/")) return json{{"wallet_identifier", *wallet}};
  }
  constexpr std::string_view kGrants = "/v1/grants/";
  if (op == kOpRevoke && method == "DELETE" && path.size() > kGrants.size() && path.compare(0, kGrants.size(), kGrants) == 0) {
    return json{{"grant_id", path.substr(kGrants.size())}};
  }
  constexpr std::string_view kCredentials = "/v1/credentials/";
  if (op == kOpDeleteCredential && method == "DELETE" && path.size() > kCredentials.size() &&
      path.compare(0, kCredentials.size(), kCredentials) == 0) {
    return json{{"credential_id", path.substr(kCredentials.size())}};
  }
  if (op == kOpSetCredentialStatus && route("POST", "/v1/credential-status")) return body;
  return make_error(ErrorCode::mismatch, "the signed request's route is not the route of " + op);
}

// Who is asking, checked at log time from the signed request the entry carries.
Status check_actor(const Transaction& tx, const Caller& caller, const json& signed_doc) {
  if (caller.wallet != tx.actor_wallet || caller.wallet_type != tx.actor_wallet_type ||
      caller.public_key != tx.actor_public_key) {
    return make_error(ErrorCode::mismatch, "the transaction's actor is not the signed request's caller");
  }
  IDOS_TRY(json expected, payload_of_request(tx, signed_doc));
  if (expected != tx.payload) return make_error(ErrorCode::mismatch, "the transaction's payload is not the signed request's body");
  return ok_status();
}

json objects_json(const std::vector<StoredObject>& objects) {
  json out = json::array();
  for (const auto& o : objects) out.push_back(json{{"kind", o.kind}, {"id", o.id}, {"sha256", o.sha256}});
  return out;
}

const std::string kEmptyRowsDigest = hex_encode(sha256(as_bytes(std::string_view())));

}  // namespace

Result<ApplyOutcome> outcome_of(const AppliedRequest& applied) {
  IDOS_TRY(json doc, parse_json(applied.outcome, JsonLimits{applied.outcome.size() + 1, 32}));
  const std::string code = doc.value("code", std::string("INTERNAL"));
  if (code != "OK") {
    for (int32_t i = 1; i <= static_cast<int32_t>(kLastErrorCode); ++i) {
      if (error_code_name(static_cast<ErrorCode>(i)) == code) {
        return make_error(static_cast<ErrorCode>(i), doc.value("message", std::string()));
      }
    }
    return make_error(ErrorCode::internal, "unknown recorded outcome " + code);
  }
  ApplyOutcome out;
  out.log_position = applied.position;
  out.log_time = doc.value("log_time", int64_t{0});
  out.result = doc.value("result", json::object());
  for (const auto& o : doc.value("objects", json::array())) {
    out.objects.push_back({o.value("kind", ""), o.value("id", ""), o.value("sha256", "")});
  }
  return out;
}

void Ledger::advance_to(int64_t position) {
  int64_t seen = last_position_.load();
  while (seen < position && !last_position_.compare_exchange_weak(seen, position)) {
  }
}

Result<ApplyOutcome> Ledger::apply(const Transaction& tx, int64_t log_position, int64_t log_time) {
  IDOS_TRY(auto results, apply_batch({Entry{&tx, log_position, log_time}}));
  return std::move(results.front());
}

Result<std::vector<Result<ApplyOutcome>>> Ledger::apply_batch(const std::vector<Entry>& entries) {
  return apply_batch_at(entries, /*deferred=*/false);
}

Result<std::vector<Result<ApplyOutcome>>> Ledger::apply_batch_at(const std::vector<Entry>& entries, bool deferred) {
  std::vector<Result<ApplyOutcome>> results;
  results.reserve(entries.size());
  auto write = [&](const std::function<Status(StateWriter&)>& fn) {
    return deferred ? storage_.write_deferred(fn) : storage_.write(fn);
  };
  Status st = write([&](StateWriter& w) -> Status {
    results.clear();
    for (const Entry& e : entries) {
      auto r = apply_in(w, *e.tx, e.position, e.log_time);
      if (!r.ok() && r.code() == ErrorCode::internal) return r.error();
      results.push_back(std::move(r));
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  for (const Entry& e : entries) advance_to(e.position);
  return results;
}

Result<ApplyOutcome> Ledger::apply_in(StateWriter& outer, const Transaction& tx, int64_t log_position, int64_t log_time) {
  IDOS_TRY(int64_t last, outer.last_applied_position());
  if (log_position <= last) {
    return make_error(ErrorCode::replayed, "log position " + std::to_string(log_position) + " was already applied");
  }
  IDOS_TRY(std::string serialized, tx.serialize());
  const std::string tx_sha256 = hex_encode(sha256(as_bytes(serialized)));
  ApplyOutcome out;
  out.log_position = log_position;
  out.log_time = log_time;

  // The signed request: decoded once; its replay key names the single-use value.
  std::optional<SignedRequest> request;
  std::optional<Plugin::ReplayKey> replay;
  Error request_error = make_error(ErrorCode::forbidden, "the transaction carries no signed request");
  if (!tx.signed_request.empty()) {
    auto decoded = decode_signed_request(tx.signed_request);
    if (decoded.ok()) {
      auto key = plugin_.replay_key("signed_request", decoded->text);
      if (key.ok()) {
        request = std::move(*decoded);
        replay = *key;
      } else {
        request_error = key.error();
      }
    } else {
      request_error = decoded.error();
    }
  }

  bool verified = false;                 // the signed request verified: its key is spent, whatever follows
  std::optional<AppliedRequest> earlier;  // the identical request, applied before
  auto record_log = [&](StateWriter& w, const std::string& result, const std::string& rows) -> Status {
    IDOS_TRY(std::string previous, w.last_state_hash());
    return w.append_log(LogRow{log_position, log_time, tx.operation, tx.actor_wallet, tx_sha256, result, rows,
                               next_state_hash(previous, log_position, tx_sha256, result, rows)});
  };
  auto record_request = [&](StateWriter& w, const json& outcome) -> Status {
    IDOS_CHECK(w.purge_applied_requests(log_time));
    // keep_until 0 means "forever" for the plugin; the request expires long before INT64_MAX.
    const int64_t keep = replay->keep_until == 0 ? std::numeric_limits<int64_t>::max() : replay->keep_until;
    return w.record_applied_request(AppliedRequest{replay->key, request->request_sha256, log_position, keep,
                                                   outcome.dump(-1, ' ', false, json::error_handler_t::replace)});
  };

  Status done = outer.nested([&](StateWriter& w) -> Status {
    if (!request) return request_error;
    IDOS_TRY(earlier, w.find_applied_request(replay->key));
    if (earlier && earlier->request_sha256 == request->request_sha256) {
      return make_error(ErrorCode::replayed, "the identical request was applied before");  // answered below
    }
    earlier.reset();
    // The route is checked against the operation below (payload_of_request); here the body hash.
    // value(): the document is not validated yet, and any entry may come from a rogue publisher.
    auto text_member = [&](const char* key) {
      auto it = request->doc.find(key);
      return it != request->doc.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string method = text_member("method");
    const std::string path = text_member("path");
    IDOS_TRY(Caller caller, verify_signed_request(plugin_, *request, log_time, /*seen_before=*/false, method, path, tx.body));
    // A different request with a spent key: REPLAYED (the plugin's verdict with seen_before).
    IDOS_TRY(auto spent, w.find_applied_request(replay->key));
    if (spent) IDOS_CHECK(plugin_.validate("signed_request", request->text, log_time, true));
    // The key is spent only by the transaction the request really is (actor and payload): a
    // forged wrapper around a user's request must not use up the user's nonce.
    IDOS_CHECK(check_actor(tx, caller, request->doc));
    verified = true;
    Ctx c{w, plugin_, keys_, delegates_, tx, log_position, log_time, out};
    IDOS_CHECK(apply_operation(c));
    IDOS_CHECK(record_request(w, json{{"code", "OK"}, {"log_time", log_time}, {"objects", objects_json(out.objects)},
                                      {"result", out.result}}));
    IDOS_TRY(std::string rows, w.rows_digest(log_position));
    return record_log(w, "OK", rows);
  });
  if (done.ok()) return out;
  const Error refusal = done.error();
  if (refusal.code == ErrorCode::internal) return refusal;  // storage failure: the batch rolls back
  // A refusal (or a retry of an applied request) keeps its position; nothing else changes but the
  // spent key of a verified request, which keeps the refusal as its outcome.
  auto recorded = [&]() -> Status {
    if (earlier) return record_log(outer, "DUPLICATE", kEmptyRowsDigest);
    if (verified) {
      IDOS_CHECK(record_request(outer, json{{"code", error_code_name(refusal.code)}, {"message", refusal.message}}));
    }
    return record_log(outer, std::string(error_code_name(refusal.code)), kEmptyRowsDigest);
  }();
  if (!recorded.ok()) return make_error(ErrorCode::internal, recorded.error().message);
  if (earlier) return outcome_of(*earlier);
  return refusal;
}

nlohmann::json credential_status_json(const CredentialStatusRow& r) {
  json doc{{"issuer_auth_public_key", r.issuer_auth_public_key},
           {"vc_id", r.vc_id},
           {"status", r.status},
           {"sequence", r.sequence},
           {"issued_at", r.issued_at},
           {"signature", r.signature}};
  if (!r.reason.empty()) doc["reason"] = r.reason;
  return doc;
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
