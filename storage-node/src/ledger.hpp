// The write path: every change of the node's state is a Transaction applied by ONE deterministic
// function, Ledger::apply(tx, log_position, log_time).
//
// Why: nodes will replicate an ordered log (NATS JetStream) and each node applies its entries in
// order. For all of them to reach the same state, apply() reads no clock (log_time is the "now"
// of every validation inside it: DWG windows, revocation timelocks, add-wallet freshness), no
// randomness that decides anything, and no state but the storage it writes. Every verdict on a
// document comes from the plugin (idos_validate and friends): the ledger looks up the state the
// plugin needs (is this wallet registered, was this DWG used, what is this data_id), passes it
// in, and stores what the plugin accepted and derived. The HTTP edge authenticates the caller (with the
// wall clock), builds the transaction, stamps log_time once, and submits it to the log.
//
// Today the log is local and in-process (submit() below): it assigns the next position and calls
// apply() under one mutex. A refused entry keeps its position: the log row records the refusal
// code, exactly as a replicated log would carry a refused entry. Every state row stores the
// position that wrote it.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "idos/primitives/result.hpp"
#include "node_keys.hpp"
#include "plugin.hpp"
#include "state_hash.hpp"
#include "storage.hpp"

namespace idos::node {

// Operation names (also the `write_operation` of receipts).
inline constexpr const char* kOpCreateUser = "create_user";
inline constexpr const char* kOpAddWallet = "add_wallet";
inline constexpr const char* kOpPutCredential = "put_credential";
inline constexpr const char* kOpWriteByDwg = "write_by_dwg";
inline constexpr const char* kOpShare = "share";
inline constexpr const char* kOpDelegatedAccessGrant = "delegated_access_grant";
inline constexpr const char* kOpRevoke = "revoke";
inline constexpr const char* kOpDeleteCredential = "delete_credential";
inline constexpr const char* kOpSetCredentialStatus = "set_credential_status";
// The owner's changes (docs/spec/owner-changes.md).
inline constexpr const char* kOpEditCredential = "edit_credential";
inline constexpr const char* kOpChangeEncryptionKey = "change_encryption_key";
inline constexpr const char* kOpRemoveWallet = "remove_wallet";

struct Transaction {
  std::string operation;
  // The authenticated caller (canonical identifier and wallet type from its signed request).
  std::string actor_wallet;
  std::string actor_wallet_type;
  std::string actor_public_key;  // XRPL only
  // Operation-specific members, shape-checked by the edge (docs/api.md); apply() re-checks all it uses.
  nlohmann::json payload = nlohmann::json::object();
  // The caller's request as received: the Idos-Signed-Request header value (base64) and the body.
  // apply() verifies the signature at log time and that actor and payload are what it says.
  std::string signed_request;
  std::string body;

  // Canonical JSON (RFC 8785): what a replicated log would carry, and what tx_sha256 hashes.
  Result<std::string> serialize() const;
};

struct StoredObject {
  // "user", "wallet", "credential", "shared_copy", "grant", "credential_status", and what a
  // deletion removed: "deleted_credential", "deleted_shared_copy", "deleted_grant"
  std::string kind;
  std::string id;
  std::string sha256;  // of the canonical document bytes stored (for a deletion: that were stored)
};

struct ApplyOutcome {
  int64_t log_position = 0;
  int64_t log_time = 0;
  std::vector<StoredObject> objects;
  nlohmann::json result = nlohmann::json::object();  // the objects as the API returns them
};

class Ledger {
 public:
  // `delegates`: the operator's issuer keys per inserter (part of what apply() decides on, like
  // the plugin: every node applying the same log must load the same file).
  Ledger(Storage& storage, const Plugin& plugin, const NodeKeys& keys, const IssuerDelegates& delegates)
      : storage_(storage), plugin_(plugin), keys_(keys), delegates_(delegates) {}

  // Reads the last applied position (call once at start).
  Status open();

  // The local log: assigns the next position and applies `tx` at `log_time`. A refusal is an Error
  // whose code decides the edge's HTTP status (NOT_FOUND for a missing object: 404), never its message.
  Result<ApplyOutcome> submit(const Transaction& tx, int64_t log_time);

  // Deterministic state transition. Positions must increase; an entry at or below the last
  // applied position is refused (a redelivered entry is not applied twice). The signed request the
  // entry carries is verified at log_time; its replay key is replicated state: a different request
  // with a used key is REPLAYED, the identical request again gets the first outcome (its
  // position, objects and result, or its refusal) and changes nothing.
  Result<ApplyOutcome> apply(const Transaction& tx, int64_t log_position, int64_t log_time);

  // Several consecutive log entries in ONE storage transaction (one fsync): each gets exactly the
  // outcome apply() would give it. A storage failure (INTERNAL) rolls the whole batch back and is
  // the batch's error.
  struct Entry {
    const Transaction* tx;
    int64_t position;
    int64_t log_time;
  };
  Result<std::vector<Result<ApplyOutcome>>> apply_batch(const std::vector<Entry>& entries);

  int64_t last_position() const;

 private:
  // apply_batch() with the storage's deferred durability (group commit) when `deferred`: only
  // submit() uses it, and waits in wait_durable() before it answers.
  Result<std::vector<Result<ApplyOutcome>>> apply_batch_at(const std::vector<Entry>& entries, bool deferred);
  // One entry inside the caller's transaction; INTERNAL means the transaction must roll back.
  Result<ApplyOutcome> apply_in(StateWriter& w, const Transaction& tx, int64_t log_position, int64_t log_time);
  void advance_to(int64_t position);
  Storage& storage_;
  const Plugin& plugin_;
  const NodeKeys& keys_;
  const IssuerDelegates& delegates_;
  std::mutex mutex_;  // serialises submit(): one position at a time
  std::atomic<int64_t> last_position_{0};
  bool resync_position_ = false;  // under mutex_: re-read last_position_ from storage before the next submit
};

// The outcome recorded for an applied request, as apply() returned it the first time.
Result<ApplyOutcome> outcome_of(const AppliedRequest& applied);

// The running state hash: next_state_hash() in state_hash.hpp.

// An access grant as the grant spec writes it (the document the plugin validates and the API
// returns, without the node's bookkeeping columns).
nlohmann::json access_grant_document(const GrantRow& g);

// The issuer's status document as signed (docs/spec/lifecycle.md): what the API returns and
// consumers verify with validate("credential_status", ...).
nlohmann::json credential_status_json(const CredentialStatusRow& row);

// The credential as stored: its canonical JSON, and the associated data of its sealed form.
std::string credential_associated_data(const std::string& id);

}  // namespace idos::node
