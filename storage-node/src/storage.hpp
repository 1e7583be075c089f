// The node's storage behind one small interface, with two backends: SQLite (sqlite_storage.cpp,
// the default) and PostgreSQL (pg_storage.cpp). Two roles:
//
// - state: users, wallets, credentials (sealed with the node key), access grants, used DWG ids
//   and the applied log. It changes ONLY through write(), and only apply() (ledger.hpp) calls
//   write(): every row carries the log position that created it.
// - replay store: nonces of accepted signed requests. Edge state, not replicated, kept long
//   enough to refuse replays (docs/node.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "snapshot_format.hpp"

namespace idos::node {

struct UserRow {
  std::string id;
  std::string encryption_public_key;  // base64 X25519 key others encrypt shared copies to ("" if none)
  int64_t created_at = 0;             // log time
  int64_t log_position = 0;
};

struct WalletRow {
  std::string identifier;  // canonical
  std::string wallet_type;
  std::string public_key;  // XRPL only, "" otherwise
  std::string user_id;
  int64_t added_at = 0;
  int64_t log_position = 0;
};

struct CredentialRow {
  std::string id;
  std::string user_id;
  std::string role;  // "original" (the owner's record) or "copy" (a shared copy)
  std::string issuer_auth_public_key;
  std::string sha256;  // of the canonical document bytes (what receipts name)
  int64_t size = 0;    // bytes of the canonical document
  Bytes sealed;        // XChaCha20-Poly1305 of the canonical document under the node key
  std::string inserter;  // who wrote it: "user:<id>" or "issuer:<key>"
  int64_t created_at = 0;
  int64_t log_position = 0;
  // A shared copy's original (schema 4): "" for originals, and for copies made before schema 4 or
  // by a DWG write (whose copy is of the original written with it: that id).
  std::string original_id;
};

// An access grant removed with its credential: the id stays taken, nothing else is kept.
struct DeletedGrantRow {
  std::string id;
  int64_t deleted_at = 0;  // log time
  int64_t log_position = 0;
  int64_t cursor = 0;      // the grant's storage order (the explorer's pagination)
};

// The issuer's last accepted status of a verifiable credential (docs/spec/lifecycle.md).
struct CredentialStatusRow {
  std::string issuer_auth_public_key;
  std::string vc_id;
  std::string status;  // active, suspended, revoked
  std::string reason;  // "" = none
  int64_t sequence = 0;
  int64_t issued_at = 0;
  std::string signature;  // base64, by issuer_auth_public_key over the status message
  int64_t set_at = 0;     // log time
  int64_t log_position = 0;
};

struct GrantRow {
  std::string id;
  std::string owner;
  std::string grantee;
  std::string data_id;
  int64_t locked_until = 0;
  std::string content_hash;
  std::string inserter_type;
  std::string inserter_id;
  int64_t created_at = 0;
  int64_t log_position = 0;
  std::optional<int64_t> revoked_at;
  std::optional<int64_t> revoked_position;
  int64_t cursor = 0;  // storage order (for pagination)
};

struct LogRow {
  int64_t position = 0;
  int64_t log_time = 0;
  std::string operation;
  std::string actor;
  std::string tx_sha256;
  std::string result;  // "OK", an error code name, or "DUPLICATE" (a retried request: docs/cluster.md)
  std::string rows_sha256;  // digest of the state rows this entry wrote (rows_digest below)
  std::string state_hash;   // running state hash up to and including this entry (docs/cluster.md)
};

// A signed request that reached apply() with a valid signature: replicated replay protection and
// the outcome an identical retry gets again (docs/cluster.md, "Idempotent retry").
struct AppliedRequest {
  std::string replay_key;      // the plugin's single-use value of the signed request
  std::string request_sha256;  // SHA-256 of the signed request document (binds method, path, body)
  int64_t position = 0;
  int64_t keep_until = 0;      // log time after which the row may go (the request has expired by then)
  std::string outcome;         // JSON: {"code", "message", "log_time", "objects", "result"}
};

// A row an entry removed or replaced, that an earlier entry had written (docs/cluster.md, "Rows
// changed later"). Audited in the rows digest of `position`; the self-audit no longer recomputes
// `earlier_position`, whose rows are not what they were.
struct RowChange {
  int64_t position = 0;          // the entry that removed or replaced the row
  std::string table_name;        // the rows digest's section name ("credentials", "grants", ...)
  std::string row_key;           // the row's primary key as text
  std::string change;            // "removed" or "replaced"
  int64_t earlier_position = 0;  // the position the row had (the section's position column)
};

struct GrantQuery {
  std::optional<std::string> owner, grantee, data_id;
  std::vector<std::string> grantee_any;  // grantee in this set (when non-empty)
  bool include_revoked = false;
  int64_t after_cursor = 0;
  int64_t limit = 50;
};

// The writes apply() may make, inside one atomic transaction.
class StateWriter {
 public:
  virtual ~StateWriter() = default;
  virtual Result<int64_t> last_applied_position() = 0;
  virtual Result<std::optional<WalletRow>> find_wallet(const std::string& identifier) = 0;
  virtual Result<bool> user_exists(const std::string& id) = 0;
  virtual Result<std::optional<UserRow>> find_user(const std::string& id) = 0;
  virtual Result<bool> credential_exists(const std::string& id) = 0;
  virtual Result<std::optional<CredentialRow>> find_credential_meta(const std::string& id) = 0;
  virtual Result<std::optional<GrantRow>> find_grant(const std::string& id) = 0;
  virtual Result<bool> dwg_used(const std::string& id) = 0;
  virtual Status insert_user(const UserRow& row) = 0;
  virtual Status insert_wallet(const WalletRow& row) = 0;
  virtual Status insert_credential(const CredentialRow& row) = 0;
  virtual Status insert_grant(const GrantRow& row) = 0;
  virtual Status mark_grant_revoked(const std::string& id, int64_t log_time, int64_t position) = 0;
  virtual Status record_dwg(const std::string& id, int64_t position) = 0;
  // --- lifecycle (schema 4) ---
  // The shared copies whose original_id is `original_id` (without `sealed`), by id.
  virtual Result<std::vector<CredentialRow>> copies_of(const std::string& original_id) = 0;
  // Every grant (revoked or not) whose data_id is `data_id`, by id.
  virtual Result<std::vector<GrantRow>> grants_on(const std::string& data_id) = 0;
  virtual Status delete_credential(const std::string& id) = 0;
  // Removes the grant row and keeps its id in deleted_grants (with its storage order).
  virtual Status delete_grant(const std::string& id, int64_t log_time, int64_t position) = 0;
  // A grant id that was deleted (it stays taken).
  virtual Result<bool> grant_deleted(const std::string& id) = 0;
  // Whether some original credential names this issuer key.
  virtual Result<bool> issuer_has_credentials(const std::string& issuer_auth_public_key) = 0;
  virtual Result<std::optional<CredentialStatusRow>> find_credential_status(const std::string& issuer_auth_public_key,
                                                                           const std::string& vc_id) = 0;
  // Inserts or replaces the row of (issuer_auth_public_key, vc_id).
  virtual Status put_credential_status(const CredentialStatusRow& row) = 0;
  // Records one removed or replaced row (call it for every row an operation deletes or rewrites).
  virtual Status record_row_change(const RowChange& change) = 0;
  // --- the owner's changes (edit_credential, change_encryption_key, remove_wallet) ---
  // Ids of the user's original credentials (role "original"), in id order.
  virtual Result<std::vector<std::string>> original_ids_of(const std::string& user_id) = 0;
  virtual Result<int64_t> wallet_count(const std::string& user_id) = 0;
  // The latest locked_until among the unrevoked grants on shared copies made from `original_id`
  // (credentials.original_id); 0 when there is none.
  virtual Result<int64_t> latest_copy_lock(const std::string& original_id) = 0;
  // Replaces a stored credential's document: issuer_auth_public_key, sha256, size, sealed and
  // log_position from `row` (id, user_id, role, inserter and created_at stay).
  virtual Status replace_credential(const CredentialRow& row) = 0;
  // The user's new encryption key, written at `position` (the row's log_position).
  virtual Status set_encryption_key(const std::string& user_id, const std::string& key, int64_t position) = 0;
  virtual Status delete_wallet(const std::string& identifier) = 0;
  virtual Status append_log(const LogRow& row) = 0;
  // The state hash of the last applied entry (64 zeros before the first).
  virtual Result<std::string> last_state_hash() = 0;
  // SHA-256 (hex) of the rows written at `position`, in this transaction (docs/cluster.md).
  virtual Result<std::string> rows_digest(int64_t position) = 0;
  virtual Result<std::optional<AppliedRequest>> find_applied_request(const std::string& replay_key) = 0;
  virtual Status record_applied_request(const AppliedRequest& row) = 0;
  // Drops applied requests whose keep_until < log_time (deterministic: log time, not the clock).
  virtual Status purge_applied_requests(int64_t log_time) = 0;
  // Runs `fn` as a nested step (a SAVEPOINT on both backends): its writes are undone when it fails, the rest of
  // the transaction stays. Lets one transaction hold a batch of log entries, some refused.
  virtual Status nested(const std::function<Status(StateWriter&)>& fn) = 0;

  // Snapshots (snapshot_format.hpp): every row of every state table goes, then rows come back one
  // by one in state_tables() order, `document` columns given SEALED (the caller sealed them under
  // this node's key). Only a snapshot import calls these, in one transaction.
  virtual Status clear_state() = 0;
  virtual Status insert_state_row(size_t table, const SnapshotRow& row) = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Runs `fn` in one atomic, durable transaction: committed when fn returns ok, rolled back
  // otherwise (fn's error is returned).
  virtual Status write(const std::function<Status(StateWriter&)>& fn) = 0;

  // Group commit, for a caller that serialises writes (Ledger::submit): like write(), but the commit
  // may not be durable yet when it returns. Nothing may be acknowledged (no receipt) before
  // wait_durable() returns ok, which it does once every write_deferred() that returned before the
  // call is durable; one flush then covers the writes of many waiting callers. Backends without
  // this (SQLite) commit durably in write_deferred(), and wait_durable() has nothing to do.
  virtual Status write_deferred(const std::function<Status(StateWriter&)>& fn) { return write(fn); }
  virtual Status wait_durable() { return ok_status(); }

  // --- reads (any thread) ---
  virtual Result<int64_t> last_applied_position() = 0;
  virtual Result<std::optional<WalletRow>> find_wallet(const std::string& identifier) = 0;
  virtual Result<std::optional<UserRow>> find_user(const std::string& id) = 0;
  virtual Result<std::vector<WalletRow>> wallets_of(const std::string& user_id) = 0;
  virtual Result<std::optional<CredentialRow>> find_credential(const std::string& id) = 0;  // with `sealed`
  virtual Result<std::vector<CredentialRow>> credentials_of(const std::string& user_id) = 0;  // without `sealed`
  virtual Result<std::optional<GrantRow>> find_grant(const std::string& id) = 0;
  // An unrevoked grant naming `grantee` on `data_id`.
  virtual Result<std::optional<GrantRow>> active_grant(const std::string& grantee, const std::string& data_id) = 0;
  virtual Result<std::vector<GrantRow>> grants(const GrantQuery& query) = 0;
  // Deleted grants' ids in storage order after `after_cursor` (the public explorer).
  virtual Result<std::vector<DeletedGrantRow>> deleted_grants(int64_t after_cursor, int64_t limit) = 0;
  virtual Result<std::optional<CredentialStatusRow>> find_credential_status(const std::string& issuer_auth_public_key,
                                                                           const std::string& vc_id) = 0;
  virtual Status health_check() = 0;
  // The applied log entry at `position`, and the digest of the rows it wrote as they are now (a
  // difference from the entry's rows_sha256 means a row changed behind the node's back).
  virtual Result<std::optional<LogRow>> log_entry(int64_t position) = 0;
  virtual Result<std::string> rows_digest(int64_t position) = 0;
  // Whether a later entry removed or replaced a row written at `position` (row_changes names it as
  // earlier_position): its rows_sha256 can no longer be recomputed, the self-audit skips it.
  virtual Result<bool> rows_changed_later(int64_t position) = 0;
  virtual Result<std::optional<AppliedRequest>> find_applied_request(const std::string& replay_key) = 0;
  // "ok" or the problems PRAGMA integrity_check (or the backend's equivalent) reports.
  virtual Result<std::string> integrity_check() = 0;

  // Every row of every table of state_tables(), from ONE consistent read of the state (a snapshot
  // at its last applied position), each table in its snapshot order: key ascending by bytes
  // (BINARY / COLLATE "C") or creation order. `document` columns come as stored: sealed.
  virtual Status read_state(const std::function<Status(size_t table, const SnapshotRow& row)>& sink) = 0;

  // --- the node's own records (not replicated): which keys this state belongs to ---
  // Keys: "node_id" (64 hex), "at_rest_key_check" (64 hex keyed hash of at_rest.key). A value not
  // recorded is nullopt.
  virtual Result<std::optional<std::string>> node_meta(const std::string& key) = 0;
  virtual Status set_node_meta(const std::string& key, const std::string& value) = 0;

  // An online, consistent copy of the state into a new file `out_path` (replaced if present),
  // marked as a backup ("backup_of" = the node id, "node_id" removed) so that no node starts on it
  // until `idos-node restore` gave it a new identity (docs/node.md). Backends without it: unsupported.
  virtual Status backup_to(const std::string& out_path) {
    (void)out_path;
    return make_error(ErrorCode::unsupported, "this storage backend has no backup command");
  }

  // --- replay store ---
  virtual Result<bool> nonce_seen(const std::string& nonce) = 0;
  // false when the nonce was already there (a concurrent replay lost the race).
  virtual Result<bool> record_nonce(const std::string& nonce, int64_t expires_at) = 0;
  virtual Status purge_nonces(int64_t now) = 0;
  // Releases a nonce whose write the log could not take (UNAVAILABLE), so the caller's retry of the
  // same request is not refused here; apply()'s replicated replay check still holds.
  virtual Status forget_nonce(const std::string& nonce) = 0;

  // Flushes and closes; further calls fail.
  virtual void close() = 0;
};

// SQLite in `data_dir` (node.db for state, replay.db for nonces), WAL, synchronous=FULL for
// state (OFF for the nonces: sqlite_storage.cpp says why), schema migrations applied at open.
Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& data_dir, size_t read_connections);

}  // namespace idos::node
