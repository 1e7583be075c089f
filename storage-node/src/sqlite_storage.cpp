// SQLite backend of storage.hpp.
//
// - node.db: the state. journal_mode=WAL, synchronous=FULL (a commit is on disk before the
//   writer returns, so a receipt is never given for a write a crash could lose), foreign keys on.
//   Schema versions live in `kMigrations` below and in PRAGMA user_version; each migration runs
//   in its own transaction at open.
// - replay.db: nonces. WAL, synchronous=OFF: a commit is handed to the OS without an fsync, so it
//   survives a crash of the process (kill -9, tested) but not necessarily an OS crash or a power
//   cut, after which a nonce accepted in the last seconds could be replayed once within its window
//   (docs/node.md). Nonces live 370 s, and no fsync keeps the per-request path fast.
// One write connection (serialised by a mutex) and a pool of read connections; each connection
// is used by one thread at a time, with its prepared statements cached.
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "storage.hpp"

namespace idos::node {
namespace {

constexpr int kBusyTimeoutMs = 10000;

// Schema migrations: index i brings the schema from version i to i + 1. Append only.
const std::vector<std::string> kMigrations = {
    R"SQL(
CREATE TABLE log(
  position INTEGER PRIMARY KEY,
  log_time INTEGER NOT NULL,
  operation TEXT NOT NULL,
  actor TEXT NOT NULL,
  tx_sha256 TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE TABLE users(
  id TEXT PRIMARY KEY,
  encryption_public_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  log_position INTEGER NOT NULL
);
CREATE TABLE wallets(
  identifier TEXT PRIMARY KEY,
  wallet_type TEXT NOT NULL,
  public_key TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  added_at INTEGER NOT NULL,
  log_position INTEGER NOT NULL
);
CREATE INDEX wallets_by_user ON wallets(user_id);
CREATE TABLE credentials(
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  issuer_auth_public_key TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  sealed BLOB NOT NULL,
  inserter TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  log_position INTEGER NOT NULL
);
CREATE INDEX credentials_by_user ON credentials(user_id);
CREATE TABLE grants(
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL REFERENCES users(id),
  grantee TEXT NOT NULL,
  data_id TEXT NOT NULL,
  locked_until INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  inserter_type TEXT NOT NULL,
  inserter_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  log_position INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_position INTEGER
);
CREATE INDEX grants_by_owner ON grants(owner);
CREATE INDEX grants_by_grantee_data ON grants(grantee, data_id);
CREATE INDEX grants_by_data ON grants(data_id);
CREATE TABLE used_dwgs(
  id TEXT PRIMARY KEY,
  log_position INTEGER NOT NULL
);
)SQL",
    // 2: the replicated log (docs/cluster.md): running state hash, rows digest, applied requests.
    R"SQL(
ALTER TABLE log ADD COLUMN rows_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE log ADD COLUMN state_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE applied_requests(
  replay_key TEXT PRIMARY KEY,
  request_sha256 TEXT NOT NULL,
  position INTEGER NOT NULL,
  keep_until INTEGER NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX applied_requests_by_expiry ON applied_requests(keep_until);
CREATE INDEX users_by_position ON users(log_position);
CREATE INDEX wallets_by_position ON wallets(log_position);
CREATE INDEX credentials_by_position ON credentials(log_position);
CREATE INDEX grants_by_position ON grants(log_position);
CREATE INDEX grants_by_revoked_position ON grants(revoked_position);
CREATE INDEX used_dwgs_by_position ON used_dwgs(log_position);
)SQL",
    // 3: the node's own records (node id, check value of the at-rest key): a start with key files
    // that do not belong to this state is refused (docs/node.md).
    R"SQL(
CREATE TABLE node_meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)SQL",
    // 4: rows removed or replaced by a later entry (docs/cluster.md, "Rows changed later"), the
    // shared copy's link to its original, deleted grants' ids, issuers' credential statuses.
    R"SQL(
CREATE TABLE row_changes(
  position INTEGER NOT NULL,
  table_name TEXT NOT NULL,
  row_key TEXT NOT NULL,
  change TEXT NOT NULL,
  earlier_position INTEGER NOT NULL,
  PRIMARY KEY(position, table_name, row_key)
);
CREATE INDEX row_changes_by_earlier ON row_changes(earlier_position);
ALTER TABLE credentials ADD COLUMN original_id TEXT;
CREATE INDEX credentials_by_original ON credentials(original_id);
CREATE INDEX credentials_by_issuer ON credentials(issuer_auth_public_key);
CREATE TABLE deleted_grants(
  id TEXT PRIMARY KEY,
  storage_order INTEGER NOT NULL,
  deleted_at INTEGER NOT NULL,
  log_position INTEGER NOT NULL
);
CREATE INDEX deleted_grants_by_position ON deleted_grants(log_position);
CREATE TABLE credential_statuses(
  issuer_auth_public_key TEXT NOT NULL,
  vc_id TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  signature TEXT NOT NULL,
  set_at INTEGER NOT NULL,
  log_position INTEGER NOT NULL,
  PRIMARY KEY(issuer_auth_public_key, vc_id)
);
CREATE INDEX credential_statuses_by_position ON credential_statuses(log_position);
)SQL",
};

const char* kReplayMigration = R"SQL(
CREATE TABLE IF NOT EXISTS nonces(nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces(expires_at);
)SQL";

Error db_error(sqlite3* db, const std::string& what) {
  return make_error(ErrorCode::internal, "storage: " + what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt() {
    if (s_) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind_blob(int i, const Bytes& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // SQLITE_ROW -> 1, SQLITE_DONE -> 0, error -> -1.
  int step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return -1;
  }
  std::string text(int i) {
    const unsigned char* p = sqlite3_column_text(s_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, i))) : "";
  }
  int64_t integer(int i) { return sqlite3_column_int64(s_, i); }
  bool is_null(int i) { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  int columns() { return sqlite3_column_count(s_); }
  Bytes blob(int i) {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s_, i));
    const int n = sqlite3_column_bytes(s_, i);
    return p ? Bytes(p, p + n) : Bytes{};
  }
  Error error(const std::string& what) const { return db_error(db_, what); }
  bool valid() const { return s_ != nullptr; }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
};

class Connection {
 public:
  Connection() = default;
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status open(const std::string& path, bool read_only) {
    const int flags = (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) |
                      SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      Error e = db_error(db_, "open " + path);
      close();
      return e;
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    sqlite3_extended_result_codes(db_, 1);
    return ok_status();
  }
  void close() {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    cache_.clear();
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }
  Status exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      return make_error(ErrorCode::internal, "storage: " + msg);
    }
    return ok_status();
  }
  // A cached prepared statement (reset when the returned Stmt goes away).
  Stmt prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return Stmt(db_, it->second);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) return Stmt(db_, nullptr);
    cache_.emplace(sql, s);
    return Stmt(db_, s);
  }
  Result<int64_t> query_int(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return db_error(db_, sql);
    int rc = sqlite3_step(s);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_error(db_, sql);
    return v;
  }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address
};

// --- row readers ---------------------------------------------------------------------------------
constexpr const char* kWalletCols = "identifier, wallet_type, public_key, user_id, added_at, log_position";
WalletRow read_wallet(Stmt& s) {
  return WalletRow{s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(5)};
}

GrantRow read_grant(Stmt& s) {
  GrantRow g;
  g.id = s.text(0);
  g.owner = s.text(1);
  g.grantee = s.text(2);
  g.data_id = s.text(3);
  g.locked_until = s.integer(4);
  g.content_hash = s.text(5);
  g.inserter_type = s.text(6);
  g.inserter_id = s.text(7);
  g.created_at = s.integer(8);
  g.log_position = s.integer(9);
  if (!s.is_null(10)) g.revoked_at = s.integer(10);
  if (!s.is_null(11)) g.revoked_position = s.integer(11);
  g.cursor = s.integer(12);
  return g;
}
#define IDOS_GRANT_COLS                                                                                     \
  "id, owner, grantee, data_id, locked_until, content_hash, inserter_type, inserter_id, created_at, " \
  "log_position, revoked_at, revoked_position, rowid"

CredentialRow read_credential_meta(Stmt& s) {
  CredentialRow c;
  c.id = s.text(0);
  c.user_id = s.text(1);
  c.role = s.text(2);
  c.issuer_auth_public_key = s.text(3);
  c.sha256 = s.text(4);
  c.size = s.integer(5);
  c.inserter = s.text(6);
  c.created_at = s.integer(7);
  c.log_position = s.integer(8);
  c.original_id = s.is_null(9) ? std::string() : s.text(9);
  return c;
}
#define IDOS_CREDENTIAL_META_COLS \
  "id, user_id, role, issuer_auth_public_key, sha256, size, inserter, created_at, log_position, original_id"

// Queries shared by the writer and the readers.
Result<std::optional<WalletRow>> q_find_wallet(Connection& c, const std::string& identifier) {
  static const std::string sql = std::string("SELECT ") + kWalletCols + " FROM wallets WHERE identifier = ?1";
  Stmt s = c.prepare(sql.c_str());
  if (!s.valid()) return db_error(c.db(), "prepare");
  s.bind(1, identifier);
  int rc = s.step();
  if (rc < 0) return s.error("find wallet");
  if (rc == 0) return std::optional<WalletRow>{};
  return std::optional<WalletRow>{read_wallet(s)};
}

Result<std::optional<GrantRow>> q_find_grant(Connection& c, const std::string& id) {
  Stmt s = c.prepare("SELECT " IDOS_GRANT_COLS " FROM grants WHERE id = ?1");
  if (!s.valid()) return db_error(c.db(), "prepare");
  s.bind(1, id);
  int rc = s.step();
  if (rc < 0) return s.error("find grant");
  if (rc == 0) return std::optional<GrantRow>{};
  return std::optional<GrantRow>{read_grant(s)};
}

Result<std::optional<CredentialRow>> q_find_credential_meta(Connection& c, const std::string& id) {
  Stmt s = c.prepare("SELECT " IDOS_CREDENTIAL_META_COLS " FROM credentials WHERE id = ?1");
  if (!s.valid()) return db_error(c.db(), "prepare");
  s.bind(1, id);
  int rc = s.step();
  if (rc < 0) return s.error("find credential");
  if (rc == 0) return std::optional<CredentialRow>{};
  return std::optional<CredentialRow>{read_credential_meta(s)};
}

Result<std::optional<UserRow>> q_find_user(Connection& c, const std::string& id) {
  Stmt s = c.prepare("SELECT id, encryption_public_key, created_at, log_position FROM users WHERE id = ?1");
  if (!s.valid()) return db_error(c.db(), "prepare");
  s.bind(1, id);
  int rc = s.step();
  if (rc < 0) return s.error("find user");
  if (rc == 0) return std::optional<UserRow>{};
  return std::optional<UserRow>{UserRow{s.text(0), s.text(1), s.integer(2), s.integer(3)}};
}

Result<bool> q_exists(Connection& c, const char* sql, const std::string& key) {
  Stmt s = c.prepare(sql);
  if (!s.valid()) return db_error(c.db(), "prepare");
  s.bind(1, key);
  int rc = s.step();
  if (rc < 0) return s.error("exists");
  return rc == 1;
}

Result<int64_t> q_last_position(Connection& c) {
  Stmt s = c.prepare("SELECT COALESCE(MAX(position), 0) FROM log");
  if (!s.valid()) return db_error(c.db(), "prepare");
  if (s.step() != 1) return s.error("last position");
  return s.integer(0);
}

// The rows written at a position, as text: one line per row, "<table>" then its columns (decimal
// integers, "null"), separated by 0x1F, in table order then primary key order. Excluded: the
// sealed blobs (each node seals under its own key; the sha256 column names the content) and
// rowids. A revocation is its own section, so revoking later does not change the digest of the
// position that created the grant. Its SHA-256 is what docs/cluster.md calls rows_sha256.
Result<std::string> q_rows_digest(Connection& c, int64_t position) {
  static const std::pair<const char*, const char*> kSections[] = {
      {"users", "SELECT id, encryption_public_key, created_at, log_position FROM users WHERE log_position = ?1 ORDER BY id"},
      {"wallets",
       "SELECT identifier, wallet_type, public_key, user_id, added_at, log_position FROM wallets "
       "WHERE log_position = ?1 ORDER BY identifier"},
      {"credentials",
       "SELECT id, user_id, role, issuer_auth_public_key, sha256, size, inserter, created_at, log_position "
       "FROM credentials WHERE log_position = ?1 ORDER BY id"},
      {"grants",
       "SELECT id, owner, grantee, data_id, locked_until, content_hash, inserter_type, inserter_id, created_at, "
       "log_position FROM grants WHERE log_position = ?1 ORDER BY id"},
      {"grant_revocations",
       "SELECT id, revoked_at, revoked_position FROM grants WHERE revoked_position = ?1 ORDER BY id"},
      {"used_dwgs", "SELECT id, log_position FROM used_dwgs WHERE log_position = ?1 ORDER BY id"},
      // Schema 4 (docs/cluster.md): rows this entry removed or replaced, then what it wrote in the
      // lifecycle tables. Empty for every entry before schema 4, so earlier digests are unchanged.
      {"row_changes",
       "SELECT table_name, row_key, change, earlier_position FROM row_changes WHERE position = ?1 "
       "ORDER BY table_name, row_key"},
      {"credential_links",
       "SELECT id, original_id FROM credentials WHERE log_position = ?1 AND original_id IS NOT NULL ORDER BY id"},
      {"deleted_grants", "SELECT id, deleted_at, log_position FROM deleted_grants WHERE log_position = ?1 ORDER BY id"},
      {"credential_statuses",
       "SELECT issuer_auth_public_key, vc_id, status, reason, sequence, issued_at, signature, set_at, log_position "
       "FROM credential_statuses WHERE log_position = ?1 ORDER BY issuer_auth_public_key, vc_id"},
  };
  std::string text;
  for (const auto& [table, sql] : kSections) {
    Stmt s = c.prepare(sql);
    if (!s.valid()) return db_error(c.db(), "prepare rows digest");
    s.bind(1, position);
    int rc = 0;
    while ((rc = s.step()) == 1) {
      text += table;
      for (int i = 0; i < s.columns(); ++i) {
        text.push_back('\x1f');
        text += s.is_null(i) ? std::string("null") : s.text(i);
      }
      text.push_back('\n');
    }
    if (rc < 0) return s.error("rows digest");
  }
  return hex_encode(sha256(as_bytes(text)));
}

constexpr const char* kLogCols = "position, log_time, operation, actor, tx_sha256, result, rows_sha256, state_hash";
LogRow read_log(Stmt& s) {
  return LogRow{s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7)};
}

Result<std::optional<AppliedRequest>> q_find_applied_request(Connection& c, const std::string& key) {
  Stmt s = c.prepare(
      "SELECT replay_key, request_sha256, position, keep_until, outcome FROM applied_requests WHERE replay_key = ?1");
  if (!s.valid()) return db_error(c.db(), "prepare");
  s.bind(1, key);
  int rc = s.step();
  if (rc < 0) return s.error("find applied request");
  if (rc == 0) return std::optional<AppliedRequest>{};
  return std::optional<AppliedRequest>{AppliedRequest{s.text(0), s.text(1), s.integer(2), s.integer(3), s.text(4)}};
}

Result<std::optional<CredentialStatusRow>> q_find_credential_status(Connection& c, const std::string& issuer,
                                                                   const std::string& vc_id) {
  Stmt s = c.prepare(
      "SELECT issuer_auth_public_key, vc_id, status, reason, sequence, issued_at, signature, set_at, log_position "
      "FROM credential_statuses WHERE issuer_auth_public_key = ?1 AND vc_id = ?2");
  if (!s.valid()) return db_error(c.db(), "prepare");
  s.bind(1, issuer).bind(2, vc_id);
  int rc = s.step();
  if (rc < 0) return s.error("find credential status");
  if (rc == 0) return std::optional<CredentialStatusRow>{};
  return std::optional<CredentialStatusRow>{CredentialStatusRow{s.text(0), s.text(1), s.text(2), s.text(3),
                                                                s.integer(4), s.integer(5), s.text(6), s.integer(7),
                                                                s.integer(8)}};
}

// --- snapshots (snapshot_format.hpp): statements built once from the one table description ------
struct SnapshotSql {
  std::vector<std::string> select, insert, clear;
};
const SnapshotSql& snapshot_sql() {
  static const SnapshotSql sql = [] {
    SnapshotSql out;
    for (const StateTable& t : state_tables()) {
      std::string cols, marks;
      for (size_t i = 0; i < t.columns.size(); ++i) {
        cols += (i ? ", " : "") + std::string(t.columns[i].name);
        marks += (i ? ", ?" : "?") + std::to_string(i + 1);
      }
      // Text keys sort by their bytes (the columns' collation is BINARY), creation order is the rowid.
      out.select.push_back("SELECT " + cols + " FROM " + t.name + " ORDER BY " + (t.creation_order ? std::string("rowid") : key_order(t)));
      out.insert.push_back("INSERT INTO " + std::string(t.name) + "(" + cols + ") VALUES(" + marks + ")");
      out.clear.push_back(std::string("DELETE FROM ") + t.name);
    }
    return out;
  }();
  return sql;
}

Status run_done(Stmt& s, const std::string& what) {
  if (!s.valid()) return s.error("prepare " + what);
  if (s.step() != 0) return s.error(what);
  return ok_status();
}

// --- the writer ----------------------------------------------------------------------------------
class SqliteWriter final : public StateWriter {
 public:
  explicit SqliteWriter(Connection& c) : c_(c) {}
  Result<int64_t> last_applied_position() override { return q_last_position(c_); }
  Result<std::optional<WalletRow>> find_wallet(const std::string& id) override { return q_find_wallet(c_, id); }
  Result<bool> user_exists(const std::string& id) override {
    return q_exists(c_, "SELECT 1 FROM users WHERE id = ?1", id);
  }
  Result<bool> credential_exists(const std::string& id) override {
    return q_exists(c_, "SELECT 1 FROM credentials WHERE id = ?1", id);
  }
  Result<std::optional<CredentialRow>> find_credential_meta(const std::string& id) override {
    return q_find_credential_meta(c_, id);
  }
  Result<std::optional<GrantRow>> find_grant(const std::string& id) override { return q_find_grant(c_, id); }
  Result<std::optional<UserRow>> find_user(const std::string& id) override { return q_find_user(c_, id); }
  Result<bool> dwg_used(const std::string& id) override {
    return q_exists(c_, "SELECT 1 FROM used_dwgs WHERE id = ?1", id);
  }
  Status insert_user(const UserRow& r) override {
    Stmt s = c_.prepare("INSERT INTO users(id, encryption_public_key, created_at, log_position) VALUES(?1,?2,?3,?4)");
    if (s.valid()) s.bind(1, r.id).bind(2, r.encryption_public_key).bind(3, r.created_at).bind(4, r.log_position);
    return run_done(s, "insert user");
  }
  Status insert_wallet(const WalletRow& r) override {
    Stmt s = c_.prepare(
        "INSERT INTO wallets(identifier, wallet_type, public_key, user_id, added_at, log_position) "
        "VALUES(?1,?2,?3,?4,?5,?6)");
    if (s.valid()) {
      s.bind(1, r.identifier).bind(2, r.wallet_type).bind(3, r.public_key).bind(4, r.user_id);
      s.bind(5, r.added_at).bind(6, r.log_position);
    }
    return run_done(s, "insert wallet");
  }
  Status insert_credential(const CredentialRow& r) override {
    Stmt s = c_.prepare(
        "INSERT INTO credentials(id, user_id, role, issuer_auth_public_key, sha256, size, sealed, inserter, "
        "created_at, log_position, original_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
    if (s.valid()) {
      s.bind(1, r.id).bind(2, r.user_id).bind(3, r.role).bind(4, r.issuer_auth_public_key).bind(5, r.sha256);
      s.bind(6, r.size).bind_blob(7, r.sealed).bind(8, r.inserter).bind(9, r.created_at).bind(10, r.log_position);
      if (r.original_id.empty()) {
        s.bind_null(11);
      } else {
        s.bind(11, r.original_id);
      }
    }
    return run_done(s, "insert credential");
  }
  Status insert_grant(const GrantRow& r) override {
    Stmt s = c_.prepare(
        "INSERT INTO grants(rowid, id, owner, grantee, data_id, locked_until, content_hash, inserter_type, "
        "inserter_id, created_at, log_position) VALUES((SELECT MAX(COALESCE((SELECT MAX(rowid) FROM grants), 0), "
        "COALESCE((SELECT MAX(storage_order) FROM deleted_grants), 0)) + 1),?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (s.valid()) {
      s.bind(1, r.id).bind(2, r.owner).bind(3, r.grantee).bind(4, r.data_id).bind(5, r.locked_until);
      s.bind(6, r.content_hash).bind(7, r.inserter_type).bind(8, r.inserter_id).bind(9, r.created_at);
      s.bind(10, r.log_position);
    }
    return run_done(s, "insert grant");
  }
  Status mark_grant_revoked(const std::string& id, int64_t log_time, int64_t position) override {
    Stmt s = c_.prepare("UPDATE grants SET revoked_at = ?2, revoked_position = ?3 WHERE id = ?1 AND revoked_at IS NULL");
    if (s.valid()) s.bind(1, id).bind(2, log_time).bind(3, position);
    return run_done(s, "revoke grant");
  }
  Status record_dwg(const std::string& id, int64_t position) override {
    Stmt s = c_.prepare("INSERT INTO used_dwgs(id, log_position) VALUES(?1, ?2)");
    if (s.valid()) s.bind(1, id).bind(2, position);
    return run_done(s, "record dwg");
  }
  Result<std::vector<CredentialRow>> copies_of(const std::string& original_id) override {
    Stmt s = c_.prepare("SELECT " IDOS_CREDENTIAL_META_COLS " FROM credentials WHERE original_id = ?1 ORDER BY id");
    if (!s.valid()) return db_error(c_.db(), "prepare");
    s.bind(1, original_id);
    std::vector<CredentialRow> out;
    int rc;
    while ((rc = s.step()) == 1) out.push_back(read_credential_meta(s));
    if (rc < 0) return s.error("copies of");
    return out;
  }
  Result<std::vector<GrantRow>> grants_on(const std::string& data_id) override {
    Stmt s = c_.prepare("SELECT " IDOS_GRANT_COLS " FROM grants WHERE data_id = ?1 ORDER BY id");
    if (!s.valid()) return db_error(c_.db(), "prepare");
    s.bind(1, data_id);
    std::vector<GrantRow> out;
    int rc;
    while ((rc = s.step()) == 1) out.push_back(read_grant(s));
    if (rc < 0) return s.error("grants on");
    return out;
  }
  Status delete_credential(const std::string& id) override {
    Stmt s = c_.prepare("DELETE FROM credentials WHERE id = ?1");
    if (s.valid()) s.bind(1, id);
    IDOS_CHECK(run_done(s, "delete credential"));
    deleted_content_ = true;
    return ok_status();
  }
  Status delete_grant(const std::string& id, int64_t log_time, int64_t position) override {
    Stmt keep = c_.prepare(
        "INSERT INTO deleted_grants(id, storage_order, deleted_at, log_position) "
        "SELECT id, rowid, ?2, ?3 FROM grants WHERE id = ?1");
    if (keep.valid()) keep.bind(1, id).bind(2, log_time).bind(3, position);
    IDOS_CHECK(run_done(keep, "keep deleted grant id"));
    Stmt s = c_.prepare("DELETE FROM grants WHERE id = ?1");
    if (s.valid()) s.bind(1, id);
    return run_done(s, "delete grant");
  }
  Result<bool> grant_deleted(const std::string& id) override {
    return q_exists(c_, "SELECT 1 FROM deleted_grants WHERE id = ?1", id);
  }
  Result<bool> issuer_has_credentials(const std::string& key) override {
    return q_exists(c_, "SELECT 1 FROM credentials WHERE issuer_auth_public_key = ?1 AND role = 'original' LIMIT 1", key);
  }
  Result<std::optional<CredentialStatusRow>> find_credential_status(const std::string& issuer,
                                                                   const std::string& vc_id) override {
    return q_find_credential_status(c_, issuer, vc_id);
  }
  Status put_credential_status(const CredentialStatusRow& r) override {
    Stmt s = c_.prepare(
        "INSERT INTO credential_statuses(issuer_auth_public_key, vc_id, status, reason, sequence, issued_at, signature, "
        "set_at, log_position) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(issuer_auth_public_key, vc_id) DO UPDATE "
        "SET status = ?3, reason = ?4, sequence = ?5, issued_at = ?6, signature = ?7, set_at = ?8, log_position = ?9");
    if (s.valid()) {
      s.bind(1, r.issuer_auth_public_key).bind(2, r.vc_id).bind(3, r.status).bind(4, r.reason).bind(5, r.sequence);
      s.bind(6, r.issued_at).bind(7, r.signature).bind(8, r.set_at).bind(9, r.log_position);
    }
    return run_done(s, "put credential status");
  }
  // Whether this transaction deleted stored content (SqliteStorage::write checkpoints after it).
  bool deleted_content() const { return deleted_content_; }
  Status record_row_change(const RowChange& r) override {
    Stmt s = c_.prepare(
        "INSERT INTO row_changes(position, table_name, row_key, change, earlier_position) VALUES(?1,?2,?3,?4,?5)");
    if (s.valid()) s.bind(1, r.position).bind(2, r.table_name).bind(3, r.row_key).bind(4, r.change).bind(5, r.earlier_position);
    return run_done(s, "record row change");
  }
  Result<std::vector<std::string>> original_ids_of(const std::string& user_id) override {
    Stmt s = c_.prepare("SELECT id FROM credentials WHERE user_id = ?1 AND role = 'original' ORDER BY id");
    if (!s.valid()) return db_error(c_.db(), "prepare");
    s.bind(1, user_id);
    std::vector<std::string> ids;
    int rc = 0;
    while ((rc = s.step()) == 1) ids.push_back(s.text(0));
    if (rc < 0) return s.error("original ids");
    return ids;
  }
  Result<int64_t> wallet_count(const std::string& user_id) override {
    Stmt s = c_.prepare("SELECT COUNT(*) FROM wallets WHERE user_id = ?1");
    if (!s.valid()) return db_error(c_.db(), "prepare");
    s.bind(1, user_id);
    if (s.step() != 1) return s.error("wallet count");
    return s.integer(0);
  }
  Result<int64_t> latest_copy_lock(const std::string& original_id) override {
    Stmt s = c_.prepare(
        "SELECT COALESCE(MAX(g.locked_until), 0) FROM grants g JOIN credentials c ON c.id = g.data_id "
        "WHERE c.original_id = ?1 AND g.revoked_at IS NULL");
    if (!s.valid()) return db_error(c_.db(), "prepare");
    s.bind(1, original_id);
    if (s.step() != 1) return s.error("latest copy lock");
    return s.integer(0);
  }
  Status replace_credential(const CredentialRow& r) override {
    Stmt s = c_.prepare(
        "UPDATE credentials SET issuer_auth_public_key = ?2, sha256 = ?3, size = ?4, sealed = ?5, log_position = ?6 "
        "WHERE id = ?1");
    if (s.valid()) {
      s.bind(1, r.id).bind(2, r.issuer_auth_public_key).bind(3, r.sha256).bind(4, r.size).bind_blob(5, r.sealed);
      s.bind(6, r.log_position);
    }
    IDOS_CHECK(run_done(s, "replace credential"));
    deleted_content_ = true;  // the old sealed document goes: checkpoint as after a deletion
    return ok_status();
  }
  Status set_encryption_key(const std::string& user_id, const std::string& key, int64_t position) override {
    Stmt s = c_.prepare("UPDATE users SET encryption_public_key = ?2, log_position = ?3 WHERE id = ?1");
    if (s.valid()) s.bind(1, user_id).bind(2, key).bind(3, position);
    return run_done(s, "set encryption key");
  }
  Status delete_wallet(const std::string& identifier) override {
    Stmt s = c_.prepare("DELETE FROM wallets WHERE identifier = ?1");
    if (s.valid()) s.bind(1, identifier);
    return run_done(s, "delete wallet");
  }
  Status append_log(const LogRow& r) override {
    Stmt s = c_.prepare(
        "INSERT INTO log(position, log_time, operation, actor, tx_sha256, result, rows_sha256, state_hash) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
    if (s.valid()) {
      s.bind(1, r.position).bind(2, r.log_time).bind(3, r.operation).bind(4, r.actor).bind(5, r.tx_sha256);
      s.bind(6, r.result).bind(7, r.rows_sha256).bind(8, r.state_hash);
    }
    return run_done(s, "append log");
  }
  Result<std::string> last_state_hash() override {
    Stmt s = c_.prepare("SELECT state_hash FROM log ORDER BY position DESC LIMIT 1");
    if (!s.valid()) return db_error(c_.db(), "prepare");
    int rc = s.step();
    if (rc < 0) return s.error("last state hash");
    std::string h = rc == 1 ? s.text(0) : "";
    // Before the first entry, or entries applied before schema 2: the chain starts at zero.
    return h.empty() ? std::string(64, '0') : h;
  }
  Result<std::string> rows_digest(int64_t position) override { return q_rows_digest(c_, position); }
  Result<std::optional<AppliedRequest>> find_applied_request(const std::string& key) override {
    return q_find_applied_request(c_, key);
  }
  Status record_applied_request(const AppliedRequest& r) override {
    Stmt s = c_.prepare(
        "INSERT INTO applied_requests(replay_key, request_sha256, position, keep_until, outcome) VALUES(?1,?2,?3,?4,?5)");
    if (s.valid()) s.bind(1, r.replay_key).bind(2, r.request_sha256).bind(3, r.position).bind(4, r.keep_until).bind(5, r.outcome);
    return run_done(s, "record applied request");
  }
  Status nested(const std::function<Status(StateWriter&)>& fn) override {
    IDOS_CHECK(c_.exec("SAVEPOINT entry"));
    // A rolled-back deletion deleted nothing, but a checkpoint after it is harmless: keep the flag.
    Status st = fn(*this);
    if (st.ok()) return c_.exec("RELEASE entry");
    Status undone = c_.exec("ROLLBACK TO entry");
    if (undone.ok()) undone = c_.exec("RELEASE entry");
    if (!undone.ok()) return undone.error();  // internal: the caller rolls the whole transaction back
    return st;
  }
  Status purge_applied_requests(int64_t log_time) override {
    Stmt s = c_.prepare("DELETE FROM applied_requests WHERE keep_until < ?1");
    if (s.valid()) s.bind(1, log_time);
    return run_done(s, "purge applied requests");
  }
  Status clear_state() override {
    const auto& sql = snapshot_sql();
    for (size_t i = sql.clear.size(); i-- > 0;) IDOS_CHECK(c_.exec(sql.clear[i]));  // children first
    return ok_status();
  }
  Status insert_state_row(size_t table, const SnapshotRow& row) override {
    const auto& tables = state_tables();
    if (table >= tables.size() || row.size() != tables[table].columns.size()) {
      return make_error(ErrorCode::invalid_input, "storage: a snapshot row of the wrong shape");
    }
    Stmt s = c_.prepare(snapshot_sql().insert[table].c_str());
    if (s.valid()) {
      for (size_t i = 0; i < row.size(); ++i) {
        const int at = static_cast<int>(i + 1);
        const SnapshotValue& v = row[i];
        if (v.kind == SnapshotValue::Kind::null) s.bind_null(at);
        else if (v.kind == SnapshotValue::Kind::integer) s.bind(at, v.integer);
        else if (tables[table].columns[i].kind == ColumnKind::document) s.bind_blob(at, Bytes(v.text.begin(), v.text.end()));
        else s.bind(at, v.text);
      }
    }
    return run_done(s, std::string("insert snapshot row into ") + tables[table].name);
  }

 private:
  Connection& c_;
  bool deleted_content_ = false;
};

// --- the storage ---------------------------------------------------------------------------------
class SqliteStorage final : public Storage {
 public:
  Status open(const std::string& dir, size_t readers) {
    state_path_ = dir + "/node.db";
    IDOS_CHECK(writer_.open(state_path_, false));
    IDOS_CHECK(writer_.exec("PRAGMA journal_mode=WAL"));
    IDOS_CHECK(writer_.exec("PRAGMA synchronous=FULL"));
    IDOS_CHECK(writer_.exec("PRAGMA foreign_keys=ON"));
    // Erasure (docs/node.md): deleted content is overwritten with zeros in the page, not only
    // unlinked, on every connection of node.db (the readers never write, but the setting is
    // per connection and costs them nothing).
    IDOS_CHECK(writer_.exec("PRAGMA secure_delete=ON"));
    IDOS_CHECK(migrate());
    for (size_t i = 0; i < (readers == 0 ? 1 : readers); ++i) {
      auto c = std::make_unique<Connection>();
      IDOS_CHECK(c->open(state_path_, true));
      IDOS_CHECK(c->exec("PRAGMA secure_delete=ON"));
      readers_.push_back(std::move(c));
      free_.push_back(readers_.back().get());
    }
    IDOS_CHECK(replay_.open(dir + "/replay.db", false));
    IDOS_CHECK(replay_.exec("PRAGMA journal_mode=WAL"));
    IDOS_CHECK(replay_.exec("PRAGMA synchronous=OFF"));
    IDOS_CHECK(replay_.exec(kReplayMigration));
    return ok_status();
  }

  Status write(const std::function<Status(StateWriter&)>& fn) override {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    IDOS_CHECK(writer_.exec("BEGIN IMMEDIATE"));
    SqliteWriter w(writer_);
    Status st = fn(w);
    if (!st.ok()) {
      (void)writer_.exec("ROLLBACK");
      return st;
    }
    Status commit = writer_.exec("COMMIT");
    if (!commit.ok()) {
      (void)writer_.exec("ROLLBACK");
      return commit;
    }
    if (w.deleted_content()) checkpoint_pending_ = true;
    if (checkpoint_pending_) checkpoint_after_delete();
    return commit;
  }

  // Erasure (docs/node.md): after a commit that deleted content, copy the WAL (whose frames still
  // hold the old pages) into node.db, where secure_delete zeroed them, and truncate it to zero
  // bytes. A reader in the middle of a statement keeps an older snapshot alive: TRUNCATE waits for
  // it through the busy handler (kBusyTimeoutMs); every read here is one short statement. If the
  // WAL could still not be reset, the next commit (or close) tries again. Under write_mutex_.
  void checkpoint_after_delete() {
    sqlite3* db = writer_.db();
    int log_frames = -1, checkpointed = -1;
    const int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed);
    if (rc == SQLITE_OK && log_frames == 0) {
      checkpoint_pending_ = false;
      checkpoints_after_delete_.fetch_add(1);
    }
  }

  Result<int64_t> last_applied_position() override {
    return with_reader([&](Connection& c) { return q_last_position(c); });
  }
  Result<std::optional<WalletRow>> find_wallet(const std::string& id) override {
    return with_reader([&](Connection& c) { return q_find_wallet(c, id); });
  }
  Result<std::optional<UserRow>> find_user(const std::string& id) override {
    return with_reader([&](Connection& c) { return q_find_user(c, id); });
  }
  Result<std::vector<WalletRow>> wallets_of(const std::string& user_id) override {
    return with_reader([&](Connection& c) -> Result<std::vector<WalletRow>> {
      static const std::string sql =
          std::string("SELECT ") + kWalletCols + " FROM wallets WHERE user_id = ?1 ORDER BY log_position";
      Stmt s = c.prepare(sql.c_str());
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, user_id);
      std::vector<WalletRow> out;
      int rc;
      while ((rc = s.step()) == 1) out.push_back(read_wallet(s));
      if (rc < 0) return s.error("wallets");
      return out;
    });
  }
  Result<std::optional<CredentialRow>> find_credential(const std::string& id) override {
    return with_reader([&](Connection& c) -> Result<std::optional<CredentialRow>> {
      Stmt s = c.prepare("SELECT " IDOS_CREDENTIAL_META_COLS ", sealed FROM credentials WHERE id = ?1");
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, id);
      int rc = s.step();
      if (rc < 0) return s.error("find credential");
      if (rc == 0) return std::optional<CredentialRow>{};
      CredentialRow row = read_credential_meta(s);
      row.sealed = s.blob(10);
      return std::optional<CredentialRow>{std::move(row)};
    });
  }
  Result<std::vector<CredentialRow>> credentials_of(const std::string& user_id) override {
    return with_reader([&](Connection& c) -> Result<std::vector<CredentialRow>> {
      Stmt s = c.prepare("SELECT " IDOS_CREDENTIAL_META_COLS " FROM credentials WHERE user_id = ?1 ORDER BY log_position");
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, user_id);
      std::vector<CredentialRow> out;
      int rc;
      while ((rc = s.step()) == 1) out.push_back(read_credential_meta(s));
      if (rc < 0) return s.error("credentials");
      return out;
    });
  }
  Result<std::optional<GrantRow>> find_grant(const std::string& id) override {
    return with_reader([&](Connection& c) { return q_find_grant(c, id); });
  }
  Result<std::optional<GrantRow>> active_grant(const std::string& grantee, const std::string& data_id) override {
    return with_reader([&](Connection& c) -> Result<std::optional<GrantRow>> {
      Stmt s = c.prepare("SELECT " IDOS_GRANT_COLS
                         " FROM grants WHERE grantee = ?1 AND data_id = ?2 AND revoked_at IS NULL LIMIT 1");
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, grantee).bind(2, data_id);
      int rc = s.step();
      if (rc < 0) return s.error("active grant");
      if (rc == 0) return std::optional<GrantRow>{};
      return std::optional<GrantRow>{read_grant(s)};
    });
  }
  Result<std::vector<GrantRow>> grants(const GrantQuery& q) override {
    return with_reader([&](Connection& c) -> Result<std::vector<GrantRow>> {
      // Built from fixed fragments only; every value is bound.
      std::string sql = "SELECT " IDOS_GRANT_COLS " FROM grants WHERE rowid > ?1";
      int next = 2;
      std::vector<std::pair<int, std::string>> binds;
      if (q.owner) { sql += " AND owner = ?" + std::to_string(next); binds.emplace_back(next++, *q.owner); }
      if (q.grantee) { sql += " AND grantee = ?" + std::to_string(next); binds.emplace_back(next++, *q.grantee); }
      if (q.data_id) { sql += " AND data_id = ?" + std::to_string(next); binds.emplace_back(next++, *q.data_id); }
      if (!q.grantee_any.empty()) {
        sql += " AND grantee IN (";
        for (size_t i = 0; i < q.grantee_any.size(); ++i) {
          if (i) sql += ",";
          sql += "?" + std::to_string(next);
          binds.emplace_back(next++, q.grantee_any[i]);
        }
        sql += ")";
      }
      if (!q.include_revoked) sql += " AND revoked_at IS NULL";
      sql += " ORDER BY rowid LIMIT ?" + std::to_string(next);
      sqlite3_stmt* raw = nullptr;
      if (sqlite3_prepare_v2(c.db(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return db_error(c.db(), "prepare");
      std::vector<GrantRow> out;
      std::optional<Error> failure;
      {
        Stmt s(c.db(), raw);
        s.bind(1, q.after_cursor);
        for (auto& [i, v] : binds) s.bind(i, v);
        s.bind(next, q.limit);
        int rc;
        while ((rc = s.step()) == 1) out.push_back(read_grant(s));
        if (rc < 0) failure = s.error("grants");
      }
      sqlite3_finalize(raw);
      if (failure) return *failure;
      return out;
    });
  }
  Result<std::vector<DeletedGrantRow>> deleted_grants(int64_t after_cursor, int64_t limit) override {
    return with_reader([&](Connection& c) -> Result<std::vector<DeletedGrantRow>> {
      Stmt s = c.prepare(
          "SELECT id, deleted_at, log_position, storage_order FROM deleted_grants WHERE storage_order > ?1 "
          "ORDER BY storage_order LIMIT ?2");
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, after_cursor).bind(2, limit);
      std::vector<DeletedGrantRow> out;
      int rc;
      while ((rc = s.step()) == 1) out.push_back(DeletedGrantRow{s.text(0), s.integer(1), s.integer(2), s.integer(3)});
      if (rc < 0) return s.error("deleted grants");
      return out;
    });
  }
  Result<std::optional<CredentialStatusRow>> find_credential_status(const std::string& issuer,
                                                                   const std::string& vc_id) override {
    return with_reader([&](Connection& c) { return q_find_credential_status(c, issuer, vc_id); });
  }
  // A read of the state and a test write (the replay store, which every authenticated request
  // writes to; the probe row expires at once and the next purge drops it).
  Status health_check() override {
    auto r = with_reader([&](Connection& c) { return c.query_int("SELECT count(*) FROM sqlite_master"); });
    if (!r.ok()) return r.error();
    std::lock_guard<std::mutex> lock(replay_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    Stmt s = replay_.prepare(
        "INSERT INTO nonces(nonce, expires_at) VALUES('health-probe', 0) ON CONFLICT(nonce) DO UPDATE SET expires_at = 0");
    return run_done(s, "health probe write");
  }
  Result<std::optional<LogRow>> log_entry(int64_t position) override {
    return with_reader([&](Connection& c) -> Result<std::optional<LogRow>> {
      static const std::string sql = std::string("SELECT ") + kLogCols + " FROM log WHERE position = ?1";
      Stmt s = c.prepare(sql.c_str());
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, position);
      int rc = s.step();
      if (rc < 0) return s.error("log entry");
      if (rc == 0) return std::optional<LogRow>{};
      return std::optional<LogRow>{read_log(s)};
    });
  }
  Result<std::string> rows_digest(int64_t position) override {
    return with_reader([&](Connection& c) { return q_rows_digest(c, position); });
  }
  Result<bool> rows_changed_later(int64_t position) override {
    return with_reader([&](Connection& c) -> Result<bool> {
      Stmt s = c.prepare("SELECT 1 FROM row_changes WHERE earlier_position = ?1 LIMIT 1");
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, position);
      int rc = s.step();
      if (rc < 0) return s.error("rows changed later");
      return rc == 1;
    });
  }
  Status read_state(const std::function<Status(size_t, const SnapshotRow&)>& sink) override {
    return with_reader([&](Connection& c) -> Status {
      // One read transaction: every table as of the same commit (WAL readers see a fixed snapshot).
      IDOS_CHECK(c.exec("BEGIN"));
      Status st = ok_status();
      const auto& tables = state_tables();
      SnapshotRow row;
      for (size_t t = 0; t < tables.size() && st.ok(); ++t) {
        Stmt s = c.prepare(snapshot_sql().select[t].c_str());
        if (!s.valid()) {
          st = db_error(c.db(), "prepare snapshot read");
          break;
        }
        int rc = 0;
        while (st.ok() && (rc = s.step()) == 1) {
          row.clear();
          for (size_t i = 0; i < tables[t].columns.size(); ++i) {
            const int col = static_cast<int>(i);
            const ColumnKind kind = tables[t].columns[i].kind;
            if (s.is_null(col)) row.push_back(SnapshotValue::null());
            else if (kind == ColumnKind::integer || kind == ColumnKind::nullable_integer) row.push_back(SnapshotValue::of(s.integer(col)));
            else if (kind == ColumnKind::document) {
              Bytes b = s.blob(col);
              row.push_back(SnapshotValue::of(std::string(b.begin(), b.end())));
            } else row.push_back(SnapshotValue::of(s.text(col)));
          }
          st = sink(t, row);
        }
        if (st.ok() && rc < 0) st = s.error("snapshot read");
      }
      (void)c.exec("COMMIT");
      return st;
    });
  }
  Result<std::optional<AppliedRequest>> find_applied_request(const std::string& key) override {
    return with_reader([&](Connection& c) { return q_find_applied_request(c, key); });
  }
  Result<std::string> integrity_check() override {
    return with_reader([&](Connection& c) -> Result<std::string> {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(c.db(), "PRAGMA integrity_check", -1, &s, nullptr) != SQLITE_OK)
        return db_error(c.db(), "integrity_check");
      std::string out;
      while (sqlite3_step(s) == SQLITE_ROW) {
        if (!out.empty()) out += "; ";
        out += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      }
      sqlite3_finalize(s);
      return out;
    });
  }

  Result<std::optional<std::string>> node_meta(const std::string& key) override {
    return with_reader([&](Connection& c) -> Result<std::optional<std::string>> {
      Stmt s = c.prepare("SELECT value FROM node_meta WHERE key = ?1");
      if (!s.valid()) return db_error(c.db(), "prepare");
      s.bind(1, key);
      int rc = s.step();
      if (rc < 0) return s.error("node meta");
      if (rc == 0) return std::optional<std::string>{};
      return std::optional<std::string>{s.text(0)};
    });
  }
  Status set_node_meta(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    Stmt s = writer_.prepare("INSERT INTO node_meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2");
    if (s.valid()) s.bind(1, key).bind(2, value);
    return run_done(s, "set node meta");
  }

  Status backup_to(const std::string& out_path) override {
    IDOS_TRY(auto node_id, node_meta("node_id"));
    if (!node_id) return make_error(ErrorCode::invalid_input, "storage: this database records no node id to back up");
    const std::string tmp = out_path + ".tmp";
    std::remove(tmp.c_str());
    Status copied = with_reader([&](Connection& src) -> Status {
      Connection dst;
      IDOS_CHECK(dst.open(tmp, false));
      // One step over all pages: the copy is the snapshot of one read transaction.
      sqlite3_backup* b = sqlite3_backup_init(dst.db(), "main", src.db(), "main");
      if (b == nullptr) return db_error(dst.db(), "backup init");
      const int rc = sqlite3_backup_step(b, -1);
      sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) return db_error(dst.db(), "backup step");
      IDOS_CHECK(dst.exec("PRAGMA journal_mode=DELETE"));
      IDOS_CHECK(dst.exec("BEGIN IMMEDIATE"));
      Stmt mark = dst.prepare("INSERT INTO node_meta(key, value) VALUES('backup_of', ?1) "
                              "ON CONFLICT(key) DO UPDATE SET value = ?1");
      if (mark.valid()) mark.bind(1, *node_id);
      IDOS_CHECK(run_done(mark, "mark backup"));
      IDOS_CHECK(dst.exec("DELETE FROM node_meta WHERE key = 'node_id'"));
      IDOS_CHECK(dst.exec("COMMIT"));
      return ok_status();
    });
    if (!copied.ok()) {
      std::remove(tmp.c_str());
      return copied;
    }
    if (std::rename(tmp.c_str(), out_path.c_str()) != 0) {
      return make_error(ErrorCode::internal, "storage: cannot rename " + tmp + " to " + out_path);
    }
    return ok_status();
  }

  Result<bool> nonce_seen(const std::string& nonce) override {
    std::lock_guard<std::mutex> lock(replay_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    return q_exists(replay_, "SELECT 1 FROM nonces WHERE nonce = ?1", nonce);
  }
  Result<bool> record_nonce(const std::string& nonce, int64_t expires_at) override {
    std::lock_guard<std::mutex> lock(replay_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    Stmt s = replay_.prepare("INSERT INTO nonces(nonce, expires_at) VALUES(?1, ?2) ON CONFLICT(nonce) DO NOTHING");
    if (!s.valid()) return db_error(replay_.db(), "prepare");
    s.bind(1, nonce).bind(2, expires_at);
    if (s.step() != 0) return s.error("record nonce");
    return sqlite3_changes(replay_.db()) == 1;
  }
  Status purge_nonces(int64_t now) override {
    std::lock_guard<std::mutex> lock(replay_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    Stmt s = replay_.prepare("DELETE FROM nonces WHERE expires_at < ?1");
    if (s.valid()) s.bind(1, now);
    return run_done(s, "purge nonces");
  }

  Status forget_nonce(const std::string& nonce) override {
    std::lock_guard<std::mutex> lock(replay_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    Stmt s = replay_.prepare("DELETE FROM nonces WHERE nonce = ?1");
    if (s.valid()) s.bind(1, nonce);
    return run_done(s, "forget nonce");
  }

  void close() override {
    std::scoped_lock lock(write_mutex_, replay_mutex_, pool_mutex_);
    if (closed_) return;
    closed_ = true;
    // A clean shutdown leaves no WAL to recover: checkpoint into the main files.
    (void)writer_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    (void)replay_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    free_.clear();
    readers_.clear();
    writer_.close();
    replay_.close();
  }

  ~SqliteStorage() override { close(); }

 private:
  Status migrate() {
    IDOS_TRY(int64_t version, writer_.query_int("PRAGMA user_version"));
    if (version > static_cast<int64_t>(kMigrations.size())) {
      return make_error(ErrorCode::unsupported, "storage: node.db has schema version " + std::to_string(version) +
                                                    ", newer than this node knows (" +
                                                    std::to_string(kMigrations.size()) + ")");
    }
    for (size_t v = static_cast<size_t>(version); v < kMigrations.size(); ++v) {
      IDOS_CHECK(writer_.exec("BEGIN IMMEDIATE"));
      Status st = writer_.exec(kMigrations[v]);
      if (st.ok()) st = writer_.exec("PRAGMA user_version = " + std::to_string(v + 1));
      if (!st.ok()) {
        (void)writer_.exec("ROLLBACK");
        return st;
      }
      IDOS_CHECK(writer_.exec("COMMIT"));
    }
    return ok_status();
  }

  template <typename F>
  auto with_reader(F&& f) -> decltype(f(std::declval<Connection&>())) {
    Connection* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(pool_mutex_);
      pool_cv_.wait(lock, [&] { return !free_.empty() || closed_; });
      if (closed_) return make_error(ErrorCode::internal, "storage closed");
      c = free_.back();
      free_.pop_back();
    }
    auto result = f(*c);
    {
      std::lock_guard<std::mutex> lock(pool_mutex_);
      if (!closed_) free_.push_back(c);
    }
    pool_cv_.notify_one();
    return result;
  }

  std::string state_path_;
  bool checkpoint_pending_ = false;  // under write_mutex_: a deletion's WAL is not reset yet
  std::atomic<int64_t> checkpoints_after_delete_{0};
  std::mutex write_mutex_, replay_mutex_, pool_mutex_;
  std::condition_variable pool_cv_;
  Connection writer_, replay_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> free_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& data_dir, size_t read_connections) {
  auto s = std::make_unique<SqliteStorage>();
  IDOS_CHECK(s->open(data_dir, read_connections));
  return std::unique_ptr<Storage>(std::move(s));
}

}  // namespace idos::node
