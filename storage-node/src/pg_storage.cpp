// PostgreSQL backend of storage.hpp, on libpq (docs/node.md "PostgreSQL").
//
// - One writer connection, serialised by a mutex (the ledger serialises apply() already), holding
//   the database's writer lock: a session advisory lock, so a second node pointed at the same
//   database refuses to start instead of interleaving positions. Every write() is one transaction
//   at READ COMMITTED with synchronous_commit=on forced for the session: COMMIT returns once the
//   commit record is flushed (and, when the operator runs synchronous standbys, replicated), so a
//   receipt is never given for a write a crash could lose. READ COMMITTED is enough because nothing
//   else writes: one writer connection, under a mutex, behind the advisory lock; every read of
//   apply() sees the state as the previous apply left it, exactly as under SERIALIZABLE, without
//   serialisation failures to retry.
// - Group commit: Ledger::submit writes with write_deferred() (COMMIT with synchronous_commit off,
//   under its mutex) and then calls wait_durable() outside it, where one durable flush transaction
//   on a separate connection covers every commit completed before it (WAL is flushed in order). So
//   concurrent writers share WAL flushes while every receipt still follows a flush of its commit.
//   write() (any other caller, e.g. a batch of stream entries with --nats) stays durable on its own.
// - StateWriter::nested() is a SAVEPOINT, as on SQLite: one transaction holds a batch of entries,
//   and a refused entry (also one the server refused, which aborts the transaction until ROLLBACK
//   TO) undoes only its own writes.
// - rows_digest() hashes the same text as SQLite's (docs/cluster.md, "Same state, checked"), so
//   SQLite and PostgreSQL nodes on one stream reach the same state hashes.
// - A pool of read connections, also used for the replay store (nonces). Those sessions run with
//   synchronous_commit=off: a nonce commit survives a crash of the node (the server has it) but not
//   necessarily a crash of the PostgreSQL server in the last few hundred milliseconds, the same
//   trade as SQLite's replay.db (synchronous=OFF, docs/node.md).
// - Statements are prepared once per connection (lazily) and every value is a bound parameter,
//   sent and read in binary form; the only SQL built at run time (grants()) is assembled from fixed
//   fragments with numbered parameters.
// - A broken connection (server restart, network) is reopened on next use, at most once per
//   kReconnectBackoffMs across the pool while the server stays away. A COMMIT whose connection
//   broke has an unknown outcome: the writer reconnects and looks for the log row it appended.
// - Schema versions live in `kMigrations` and the table idos_schema; each migration runs in its own
//   transaction at open, and a database whose version is newer than this binary is refused.
#include "pg_storage.hpp"

#include <libpq-fe.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/secret.hpp"
#include "log.hpp"

namespace idos::node {
namespace {

// Type OIDs of the parameters we bind (pg_type.dat).
constexpr Oid kInt8 = 20, kText = 25, kBytea = 17;
// pg_try_advisory_lock key of the writer ("idosnode" in ASCII).
constexpr int64_t kWriterLockKey = 0x69646f736e6f6465;
constexpr int kReconnectBackoffMs = 250;
// Used when the connection string names no connect_timeout: a dead server fails a request in
// seconds instead of blocking a worker for the TCP timeout.
constexpr const char* kDefaultConnectTimeout = "5";

// Schema migrations: index i brings the schema from version i to i + 1. Append only.
// The columns mirror sqlite_storage.cpp (bigint for INTEGER, bytea for BLOB); grants carry an
// explicit storage_order where SQLite uses its rowid (the pagination cursor of the API).
const std::vector<std::string> kMigrations = {
    R"SQL(
CREATE TABLE log(
  position bigint PRIMARY KEY,
  log_time bigint NOT NULL,
  operation text NOT NULL,
  actor text NOT NULL,
  tx_sha256 text NOT NULL,
  result text NOT NULL
);
CREATE TABLE users(
  id text PRIMARY KEY,
  encryption_public_key text NOT NULL,
  created_at bigint NOT NULL,
  log_position bigint NOT NULL
);
CREATE TABLE wallets(
  identifier text PRIMARY KEY,
  wallet_type text NOT NULL,
  public_key text NOT NULL,
  user_id text NOT NULL REFERENCES users(id),
  added_at bigint NOT NULL,
  log_position bigint NOT NULL
);
CREATE INDEX wallets_by_user ON wallets(user_id);
CREATE TABLE credentials(
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  role text NOT NULL,
  issuer_auth_public_key text NOT NULL,
  sha256 text NOT NULL,
  size bigint NOT NULL,
  sealed bytea NOT NULL,
  inserter text NOT NULL,
  created_at bigint NOT NULL,
  log_position bigint NOT NULL
);
CREATE INDEX credentials_by_user ON credentials(user_id);
CREATE TABLE grants(
  id text PRIMARY KEY,
  owner text NOT NULL REFERENCES users(id),
  grantee text NOT NULL,
  data_id text NOT NULL,
  locked_until bigint NOT NULL,
  content_hash text NOT NULL,
  inserter_type text NOT NULL,
  inserter_id text NOT NULL,
  created_at bigint NOT NULL,
  log_position bigint NOT NULL,
  revoked_at bigint,
  revoked_position bigint,
  storage_order bigint NOT NULL UNIQUE
);
CREATE INDEX grants_by_owner ON grants(owner);
CREATE INDEX grants_by_grantee_data ON grants(grantee, data_id);
CREATE INDEX grants_by_data ON grants(data_id);
CREATE TABLE used_dwgs(
  id text PRIMARY KEY,
  log_position bigint NOT NULL
);
CREATE TABLE nonces(
  nonce text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE INDEX nonces_by_expiry ON nonces(expires_at);
CREATE TABLE idos_flush(
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  flushes bigint NOT NULL
);
INSERT INTO idos_flush(flushes) VALUES (0);
)SQL",
    // 2: the replicated log (docs/cluster.md), as SQLite's schema 2: running state hash, rows
    // digest, applied requests, and the per-position indexes the rows digest reads.
    R"SQL(
ALTER TABLE log ADD COLUMN rows_sha256 text NOT NULL DEFAULT '';
ALTER TABLE log ADD COLUMN state_hash text NOT NULL DEFAULT '';
CREATE TABLE applied_requests(
  replay_key text PRIMARY KEY,
  request_sha256 text NOT NULL,
  position bigint NOT NULL,
  keep_until bigint NOT NULL,
  outcome text NOT NULL
);
CREATE INDEX applied_requests_by_expiry ON applied_requests(keep_until);
CREATE INDEX users_by_position ON users(log_position);
CREATE INDEX wallets_by_position ON wallets(log_position);
CREATE INDEX credentials_by_position ON credentials(log_position);
CREATE INDEX grants_by_position ON grants(log_position);
CREATE INDEX grants_by_revoked_position ON grants(revoked_position);
CREATE INDEX used_dwgs_by_position ON used_dwgs(log_position);
)SQL",
    // 3: the node's own records (node id, check value of the at-rest key), as SQLite's schema 3:
    // a start with key files that do not belong to this state is refused (docs/node.md).
    R"SQL(
CREATE TABLE node_meta(
  key text PRIMARY KEY,
  value text NOT NULL
);
)SQL",
    // 4: as SQLite's schema 4 (row_changes, credentials.original_id, deleted_grants,
    // credential_statuses): docs/cluster.md, "Rows changed later".
    R"SQL(
CREATE TABLE row_changes(
  position bigint NOT NULL,
  table_name text NOT NULL,
  row_key text NOT NULL,
  change text NOT NULL,
  earlier_position bigint NOT NULL,
  PRIMARY KEY(position, table_name, row_key)
);
CREATE INDEX row_changes_by_earlier ON row_changes(earlier_position);
ALTER TABLE credentials ADD COLUMN original_id text;
CREATE INDEX credentials_by_original ON credentials(original_id);
CREATE INDEX credentials_by_issuer ON credentials(issuer_auth_public_key);
CREATE TABLE deleted_grants(
  id text PRIMARY KEY,
  storage_order bigint NOT NULL,
  deleted_at bigint NOT NULL,
  log_position bigint NOT NULL
);
CREATE INDEX deleted_grants_by_position ON deleted_grants(log_position);
CREATE TABLE credential_statuses(
  issuer_auth_public_key text NOT NULL,
  vc_id text NOT NULL,
  status text NOT NULL,
  reason text NOT NULL,
  sequence bigint NOT NULL,
  issued_at bigint NOT NULL,
  signature text NOT NULL,
  set_at bigint NOT NULL,
  log_position bigint NOT NULL,
  PRIMARY KEY(issuer_auth_public_key, vc_id)
);
CREATE INDEX credential_statuses_by_position ON credential_statuses(log_position);
)SQL",
};

const char* kSchemaTable = R"SQL(
CREATE TABLE IF NOT EXISTS idos_schema(
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL
);
INSERT INTO idos_schema(version) VALUES (0) ON CONFLICT DO NOTHING;
)SQL";

#define IDOS_PG_WALLET_COLS "identifier, wallet_type, public_key, user_id, added_at, log_position"
#define IDOS_PG_CREDENTIAL_META_COLS \
  "id, user_id, role, issuer_auth_public_key, sha256, size, inserter, created_at, log_position, original_id"
#define IDOS_PG_GRANT_COLS                                                                            \
  "id, owner, grantee, data_id, locked_until, content_hash, inserter_type, inserter_id, created_at, " \
  "log_position, revoked_at, revoked_position, storage_order"

// Every prepared statement, by name. `types` lists the parameter types.
enum class Q : size_t {
  last_position, find_wallet, user_exists, credential_exists, find_credential_meta, find_credential,
  credentials_of, find_user, wallets_of, find_grant, active_grant, dwg_used, insert_user, insert_wallet,
  insert_credential, insert_grant, revoke_grant, record_dwg, append_log, log_row_at, nonce_seen,
  record_nonce, purge_nonces, try_writer_lock, last_state_hash, find_applied_request, record_applied_request,
  purge_applied_requests, log_entry, forget_nonce, digest_users, digest_wallets, digest_credentials, digest_grants,
  digest_grant_revocations, digest_used_dwgs, digest_row_changes, digest_credential_links, digest_deleted_grants,
  digest_credential_statuses, record_row_change, rows_changed_later, copies_of, grants_on, delete_credential,
  keep_deleted_grant, delete_grant, grant_deleted, issuer_has_credentials, find_credential_status,
  put_credential_status, deleted_grants, original_ids_of, wallet_count, replace_credential,
  set_encryption_key, delete_wallet, latest_copy_lock, count_
};
struct StatementDef {
  const char* sql;
  std::vector<Oid> types;
};
const std::array<StatementDef, static_cast<size_t>(Q::count_)> kStatements = {{
    {"SELECT COALESCE(MAX(position), 0)::bigint FROM log", {}},
    {"SELECT " IDOS_PG_WALLET_COLS " FROM wallets WHERE identifier = $1", {kText}},
    {"SELECT 1 FROM users WHERE id = $1", {kText}},
    {"SELECT 1 FROM credentials WHERE id = $1", {kText}},
    {"SELECT " IDOS_PG_CREDENTIAL_META_COLS " FROM credentials WHERE id = $1", {kText}},
    {"SELECT " IDOS_PG_CREDENTIAL_META_COLS ", sealed FROM credentials WHERE id = $1", {kText}},
    // Within one position (a DWG write stores the original, then the copy) the original comes first,
    // the order SQLite returns them in.
    {"SELECT " IDOS_PG_CREDENTIAL_META_COLS " FROM credentials WHERE user_id = $1 ORDER BY log_position, role = 'copy'",
     {kText}},
    {"SELECT id, encryption_public_key, created_at, log_position FROM users WHERE id = $1", {kText}},
    {"SELECT " IDOS_PG_WALLET_COLS " FROM wallets WHERE user_id = $1 ORDER BY log_position", {kText}},
    {"SELECT " IDOS_PG_GRANT_COLS " FROM grants WHERE id = $1", {kText}},
    {"SELECT " IDOS_PG_GRANT_COLS
     " FROM grants WHERE grantee = $1 AND data_id = $2 AND revoked_at IS NULL ORDER BY storage_order LIMIT 1",
     {kText, kText}},
    {"SELECT 1 FROM used_dwgs WHERE id = $1", {kText}},
    {"INSERT INTO users(id, encryption_public_key, created_at, log_position) VALUES($1, $2, $3, $4)",
     {kText, kText, kInt8, kInt8}},
    {"INSERT INTO wallets(identifier, wallet_type, public_key, user_id, added_at, log_position) "
     "VALUES($1, $2, $3, $4, $5, $6)",
     {kText, kText, kText, kText, kInt8, kInt8}},
    {"INSERT INTO credentials(id, user_id, role, issuer_auth_public_key, sha256, size, sealed, inserter, created_at, "
     "log_position, original_id) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, ''))",
     {kText, kText, kText, kText, kText, kInt8, kBytea, kText, kInt8, kInt8, kText}},
    // storage_order is the next integer, as SQLite's rowid (one writer: no race on MAX).
    {"INSERT INTO grants(id, owner, grantee, data_id, locked_until, content_hash, inserter_type, inserter_id, "
     "created_at, log_position, storage_order) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
     "GREATEST((SELECT COALESCE(MAX(storage_order), 0) FROM grants), "
     "(SELECT COALESCE(MAX(storage_order), 0) FROM deleted_grants)) + 1)",
     {kText, kText, kText, kText, kInt8, kText, kText, kText, kInt8, kInt8}},
    {"UPDATE grants SET revoked_at = $2, revoked_position = $3 WHERE id = $1 AND revoked_at IS NULL",
     {kText, kInt8, kInt8}},
    {"INSERT INTO used_dwgs(id, log_position) VALUES($1, $2)", {kText, kInt8}},
    {"INSERT INTO log(position, log_time, operation, actor, tx_sha256, result, rows_sha256, state_hash) "
     "VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
     {kInt8, kInt8, kText, kText, kText, kText, kText, kText}},
    {"SELECT log_time, operation, actor, tx_sha256, result, state_hash FROM log WHERE position = $1", {kInt8}},
    {"SELECT 1 FROM nonces WHERE nonce = $1", {kText}},
    {"INSERT INTO nonces(nonce, expires_at) VALUES($1, $2) ON CONFLICT (nonce) DO NOTHING", {kText, kInt8}},
    {"DELETE FROM nonces WHERE expires_at < $1", {kInt8}},
    {"SELECT pg_try_advisory_lock($1)", {kInt8}},
    {"SELECT state_hash FROM log ORDER BY position DESC LIMIT 1", {}},
    {"SELECT replay_key, request_sha256, position, keep_until, outcome FROM applied_requests WHERE replay_key = $1",
     {kText}},
    {"INSERT INTO applied_requests(replay_key, request_sha256, position, keep_until, outcome) VALUES($1, $2, $3, $4, $5)",
     {kText, kText, kInt8, kInt8, kText}},
    {"DELETE FROM applied_requests WHERE keep_until < $1", {kInt8}},
    {"SELECT position, log_time, operation, actor, tx_sha256, result, rows_sha256, state_hash FROM log "
     "WHERE position = $1",
     {kInt8}},
    {"DELETE FROM nonces WHERE nonce = $1", {kText}},
    // The rows digest's sections (docs/cluster.md "Same state, checked"), column for column as
    // sqlite_storage.cpp's q_rows_digest: every column as text (bigint::text is the decimal form
    // SQLite gives), ordered by the primary key's bytes (COLLATE "C" = SQLite's BINARY collation),
    // whatever collation the database was created with.
    {"SELECT id, encryption_public_key, created_at::text, log_position::text FROM users WHERE log_position = $1 "
     "ORDER BY id COLLATE \"C\"",
     {kInt8}},
    {"SELECT identifier, wallet_type, public_key, user_id, added_at::text, log_position::text FROM wallets "
     "WHERE log_position = $1 ORDER BY identifier COLLATE \"C\"",
     {kInt8}},
    {"SELECT id, user_id, role, issuer_auth_public_key, sha256, size::text, inserter, created_at::text, "
     "log_position::text FROM credentials WHERE log_position = $1 ORDER BY id COLLATE \"C\"",
     {kInt8}},
    {"SELECT id, owner, grantee, data_id, locked_until::text, content_hash, inserter_type, inserter_id, "
     "created_at::text, log_position::text FROM grants WHERE log_position = $1 ORDER BY id COLLATE \"C\"",
     {kInt8}},
    {"SELECT id, revoked_at::text, revoked_position::text FROM grants WHERE revoked_position = $1 "
     "ORDER BY id COLLATE \"C\"",
     {kInt8}},
    {"SELECT id, log_position::text FROM used_dwgs WHERE log_position = $1 ORDER BY id COLLATE \"C\"", {kInt8}},
    {"SELECT table_name, row_key, change, earlier_position::text FROM row_changes WHERE position = $1 "
     "ORDER BY table_name COLLATE \"C\", row_key COLLATE \"C\"",
     {kInt8}},
    {"SELECT id, original_id FROM credentials WHERE log_position = $1 AND original_id IS NOT NULL "
     "ORDER BY id COLLATE \"C\"",
     {kInt8}},
    {"SELECT id, deleted_at::text, log_position::text FROM deleted_grants WHERE log_position = $1 "
     "ORDER BY id COLLATE \"C\"",
     {kInt8}},
    {"SELECT issuer_auth_public_key, vc_id, status, reason, sequence::text, issued_at::text, signature, set_at::text, "
     "log_position::text FROM credential_statuses WHERE log_position = $1 "
     "ORDER BY issuer_auth_public_key COLLATE \"C\", vc_id COLLATE \"C\"",
     {kInt8}},
    {"INSERT INTO row_changes(position, table_name, row_key, change, earlier_position) VALUES($1, $2, $3, $4, $5)",
     {kInt8, kText, kText, kText, kInt8}},
    {"SELECT 1 FROM row_changes WHERE earlier_position = $1 LIMIT 1", {kInt8}},
    {"SELECT " IDOS_PG_CREDENTIAL_META_COLS " FROM credentials WHERE original_id = $1 ORDER BY id COLLATE \"C\"",
     {kText}},
    {"SELECT " IDOS_PG_GRANT_COLS " FROM grants WHERE data_id = $1 ORDER BY id COLLATE \"C\"", {kText}},
    {"DELETE FROM credentials WHERE id = $1", {kText}},
    {"INSERT INTO deleted_grants(id, storage_order, deleted_at, log_position) "
     "SELECT id, storage_order, $2, $3 FROM grants WHERE id = $1",
     {kText, kInt8, kInt8}},
    {"DELETE FROM grants WHERE id = $1", {kText}},
    {"SELECT 1 FROM deleted_grants WHERE id = $1", {kText}},
    {"SELECT 1 FROM credentials WHERE issuer_auth_public_key = $1 AND role = 'original' LIMIT 1", {kText}},
    {"SELECT issuer_auth_public_key, vc_id, status, reason, sequence, issued_at, signature, set_at, log_position "
     "FROM credential_statuses WHERE issuer_auth_public_key = $1 AND vc_id = $2",
     {kText, kText}},
    {"INSERT INTO credential_statuses(issuer_auth_public_key, vc_id, status, reason, sequence, issued_at, signature, "
     "set_at, log_position) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) "
     "ON CONFLICT(issuer_auth_public_key, vc_id) DO UPDATE SET status = $3, reason = $4, sequence = $5, "
     "issued_at = $6, signature = $7, set_at = $8, log_position = $9",
     {kText, kText, kText, kText, kInt8, kInt8, kText, kInt8, kInt8}},
    {"SELECT id, deleted_at, log_position, storage_order FROM deleted_grants WHERE storage_order > $1 "
     "ORDER BY storage_order LIMIT $2",
     {kInt8, kInt8}},
    // The owner's changes (edit_credential, change_encryption_key, remove_wallet).
    {"SELECT id FROM credentials WHERE user_id = $1 AND role = 'original' ORDER BY id COLLATE \"C\"", {kText}},
    {"SELECT COUNT(*)::bigint FROM wallets WHERE user_id = $1", {kText}},
    {"UPDATE credentials SET issuer_auth_public_key = $2, sha256 = $3, size = $4, sealed = $5, log_position = $6 "
     "WHERE id = $1",
     {kText, kText, kText, kInt8, kBytea, kInt8}},
    {"UPDATE users SET encryption_public_key = $2, log_position = $3 WHERE id = $1", {kText, kText, kInt8}},
    {"DELETE FROM wallets WHERE identifier = $1", {kText}},
    {"SELECT COALESCE(MAX(g.locked_until), 0)::bigint FROM grants g JOIN credentials c ON c.id = g.data_id "
     "WHERE c.original_id = $1 AND g.revoked_at IS NULL",
     {kText}},
}};

Error unavailable(const std::string& what) {
  return make_error(ErrorCode::internal, "storage unavailable: " + what);
}

// libpq's message for the last failure on `conn` (never holds the password), on one line.
std::string conn_message(PGconn* conn) {
  std::string m = conn ? PQerrorMessage(conn) : "no connection";
  for (char& ch : m) if (ch == '\n') ch = ' ';
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return m;
}

// Bound parameters, in binary form. Values are copied, so a Params outlives its arguments.
class Params {
 public:
  Params& text(const std::string& v) { return add(v); }
  Params& integer(int64_t v) {
    std::string be(8, '\0');
    auto u = static_cast<uint64_t>(v);
    for (int i = 7; i >= 0; --i, u >>= 8) be[static_cast<size_t>(i)] = static_cast<char>(u & 0xff);
    return add(std::move(be));
  }
  Params& bytes(const Bytes& v) { return add(std::string(reinterpret_cast<const char*>(v.data()), v.size())); }
  // SQL NULL (a null pointer for libpq).
  Params& null() {
    nulls_.resize(values_.size() + 1, false);
    nulls_[values_.size()] = true;
    return add(std::string());
  }

  int count() const { return static_cast<int>(values_.size()); }
  // Pointers for libpq, valid while this object lives and is not changed.
  void pointers(std::vector<const char*>& values, std::vector<int>& lengths, std::vector<int>& formats) const {
    values.clear();
    lengths.clear();
    formats.clear();
    for (size_t i = 0; i < values_.size(); ++i) {
      const auto& v = values_[i];
      values.push_back(i < nulls_.size() && nulls_[i] ? nullptr : v.data());
      lengths.push_back(static_cast<int>(v.size()));
      formats.push_back(1);
    }
  }

 private:
  Params& add(std::string v) {
    values_.push_back(std::move(v));
    return *this;
  }
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

// An owned PGresult, read in binary form.
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r) {}
  ~Rows() { if (r_) PQclear(r_); }
  Rows(Rows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Rows& operator=(Rows&& o) noexcept {
    if (this != &o) {
      if (r_) PQclear(r_);
      r_ = o.r_;
      o.r_ = nullptr;
    }
    return *this;
  }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const { return PQntuples(r_); }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col)));
  }
  Bytes bytes(int row, int col) const {
    const auto* p = reinterpret_cast<const uint8_t*>(PQgetvalue(r_, row, col));
    return Bytes(p, p + PQgetlength(r_, row, col));
  }
  // int8 (or int4 / bool, by their length) in network byte order.
  int64_t integer(int row, int col) const {
    const auto* p = reinterpret_cast<const uint8_t*>(PQgetvalue(r_, row, col));
    const int n = PQgetlength(r_, row, col);
    uint64_t u = 0;
    for (int i = 0; i < n && i < 8; ++i) u = (u << 8) | p[i];
    if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(u));
    return static_cast<int64_t>(u);
  }
  const PGresult* get() const { return r_; }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t affected() const {
    const char* t = PQcmdTuples(r_);
    return (t && *t) ? std::atoll(t) : 0;
  }

 private:
  PGresult* r_;
};

class PgConnection {
 public:
  PgConnection() = default;
  ~PgConnection() { close(); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // `durable`: synchronous_commit on (state) or off (replay store, reads).
  Status connect(const std::string& conninfo, bool durable) {
    close();
    // conninfo is expanded in place of `dbname`: its own settings win over the defaults before it;
    // the encoding after it is ours (text columns are UTF-8, as the JSON the node accepts).
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
    const char* values[] = {kDefaultConnectTimeout, "idos-node", conninfo.c_str(), "UTF8", nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      Error e = unavailable("connect: " + conn_message(conn_));
      close();
      return e;
    }
    // libpq prints server notices ("relation already exists, skipping") to stderr; the node's stderr
    // is JSON lines only.
    PQsetNoticeProcessor(conn_, &PgConnection::on_notice, nullptr);
    Status st = exec(durable ? "SET synchronous_commit TO on" : "SET synchronous_commit TO off");
    if (!st.ok()) {
      close();
      return st;
    }
    return ok_status();
  }
  void close() {
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    prepared_.fill(false);
  }
  bool healthy() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  PGconn* raw() const { return conn_; }

  // A statement without parameters (transaction control, migrations), simple protocol.
  Status exec(const std::string& sql) {
    if (!conn_) return unavailable("not connected");
    Rows r(PQexec(conn_, sql.c_str()));
    return check(r, "exec");
  }

  Result<Rows> run(Q q, const Params& p) {
    if (!conn_) return unavailable("not connected");
    const auto i = static_cast<size_t>(q);
    const StatementDef& def = kStatements[i];
    const std::string name = "idos_" + std::to_string(i);
    if (!prepared_[i]) {
      Rows prep(PQprepare(conn_, name.c_str(), def.sql, static_cast<int>(def.types.size()), def.types.data()));
      IDOS_CHECK(check(prep, "prepare"));
      prepared_[i] = true;
    }
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    p.pointers(values, lengths, formats);
    Rows r(PQexecPrepared(conn_, name.c_str(), p.count(), values.data(), lengths.data(), formats.data(), 1));
    IDOS_CHECK(check(r, "query"));
    return r;
  }

  // A statement built at run time from fixed fragments; every value is bound.
  Result<Rows> run_sql(const std::string& sql, const std::vector<Oid>& types, const Params& p) {
    if (!conn_) return unavailable("not connected");
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    p.pointers(values, lengths, formats);
    Rows r(PQexecParams(conn_, sql.c_str(), p.count(), types.data(), values.data(), lengths.data(), formats.data(), 1));
    IDOS_CHECK(check(r, "query"));
    return r;
  }

 private:
  Status check(const Rows& r, const char* what) {
    const PGresult* raw = r.get();
    const ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return ok_status();
    if (!healthy()) return unavailable(std::string(what) + ": " + conn_message(conn_));
    const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = raw ? PQresultErrorMessage(raw) : conn_message(conn_);
    for (char& ch : message) if (ch == '\n') ch = ' ';
    // Class 22 (data exception): a value PostgreSQL cannot hold as given (a NUL in text). The
    // caller's input, not the server's health: refused like any other bad input.
    if (state && std::strncmp(state, "22", 2) == 0) {
      return make_error(ErrorCode::invalid_input, "storage cannot hold this value: " + message);
    }
    return make_error(ErrorCode::internal, std::string("storage: ") + what + ": " + (state ? state : "") + " " + message);
  }

  static void on_notice(void*, const char* message) {
    std::string m = message ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    log_event(LogLevel::debug, "storage_notice", {{"message", m}});
  }

  PGconn* conn_ = nullptr;
  std::array<bool, static_cast<size_t>(Q::count_)> prepared_{};
};

// --- row readers (column order of the IDOS_PG_*_COLS lists) --------------------------------------
WalletRow read_wallet(const Rows& r, int i) {
  return WalletRow{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.integer(i, 4), r.integer(i, 5)};
}

CredentialRow read_credential_meta(const Rows& r, int i) {
  CredentialRow c;
  c.id = r.text(i, 0);
  c.user_id = r.text(i, 1);
  c.role = r.text(i, 2);
  c.issuer_auth_public_key = r.text(i, 3);
  c.sha256 = r.text(i, 4);
  c.size = r.integer(i, 5);
  c.inserter = r.text(i, 6);
  c.created_at = r.integer(i, 7);
  c.log_position = r.integer(i, 8);
  c.original_id = r.is_null(i, 9) ? std::string() : r.text(i, 9);
  return c;
}

GrantRow read_grant(const Rows& r, int i) {
  GrantRow g;
  g.id = r.text(i, 0);
  g.owner = r.text(i, 1);
  g.grantee = r.text(i, 2);
  g.data_id = r.text(i, 3);
  g.locked_until = r.integer(i, 4);
  g.content_hash = r.text(i, 5);
  g.inserter_type = r.text(i, 6);
  g.inserter_id = r.text(i, 7);
  g.created_at = r.integer(i, 8);
  g.log_position = r.integer(i, 9);
  if (!r.is_null(i, 10)) g.revoked_at = r.integer(i, 10);
  if (!r.is_null(i, 11)) g.revoked_position = r.integer(i, 11);
  g.cursor = r.integer(i, 12);
  return g;
}

// Queries shared by the writer and the readers.
Result<int64_t> q_last_position(PgConnection& c) {
  IDOS_TRY(Rows r, c.run(Q::last_position, Params{}));
  if (r.size() != 1) return make_error(ErrorCode::internal, "storage: last position: no row");
  return r.integer(0, 0);
}

Result<std::optional<UserRow>> q_find_user(PgConnection& c, const std::string& id) {
  IDOS_TRY(Rows r, c.run(Q::find_user, Params{}.text(id)));
  if (r.size() == 0) return std::optional<UserRow>{};
  return std::optional<UserRow>{UserRow{r.text(0, 0), r.text(0, 1), r.integer(0, 2), r.integer(0, 3)}};
}

Result<bool> q_exists(PgConnection& c, Q q, const std::string& key) {
  IDOS_TRY(Rows r, c.run(q, Params{}.text(key)));
  return r.size() > 0;
}

Result<std::optional<WalletRow>> q_find_wallet(PgConnection& c, const std::string& identifier) {
  IDOS_TRY(Rows r, c.run(Q::find_wallet, Params{}.text(identifier)));
  if (r.size() == 0) return std::optional<WalletRow>{};
  return std::optional<WalletRow>{read_wallet(r, 0)};
}

Result<std::optional<GrantRow>> q_find_grant(PgConnection& c, const std::string& id) {
  IDOS_TRY(Rows r, c.run(Q::find_grant, Params{}.text(id)));
  if (r.size() == 0) return std::optional<GrantRow>{};
  return std::optional<GrantRow>{read_grant(r, 0)};
}

Result<std::optional<CredentialRow>> q_find_credential_meta(PgConnection& c, const std::string& id) {
  IDOS_TRY(Rows r, c.run(Q::find_credential_meta, Params{}.text(id)));
  if (r.size() == 0) return std::optional<CredentialRow>{};
  return std::optional<CredentialRow>{read_credential_meta(r, 0)};
}

// The rows written at `position` (docs/cluster.md): byte for byte the text SQLite's q_rows_digest
// hashes, so nodes on either backend reach the same state hash.
Result<std::string> q_rows_digest(PgConnection& c, int64_t position) {
  static const std::pair<const char*, Q> kSections[] = {
      {"users", Q::digest_users},   {"wallets", Q::digest_wallets},
      {"credentials", Q::digest_credentials}, {"grants", Q::digest_grants},
      {"grant_revocations", Q::digest_grant_revocations}, {"used_dwgs", Q::digest_used_dwgs},
      {"row_changes", Q::digest_row_changes}, {"credential_links", Q::digest_credential_links},
      {"deleted_grants", Q::digest_deleted_grants}, {"credential_statuses", Q::digest_credential_statuses},
  };
  std::string text;
  for (const auto& [table, q] : kSections) {
    IDOS_TRY(Rows r, c.run(q, Params{}.integer(position)));
    const int columns = PQnfields(r.get());
    for (int i = 0; i < r.size(); ++i) {
      text += table;
      for (int col = 0; col < columns; ++col) {
        text.push_back('\x1f');
        text += r.is_null(i, col) ? std::string("null") : r.text(i, col);
      }
      text.push_back('\n');
    }
  }
  return hex_encode(sha256(as_bytes(text)));
}

Result<std::optional<AppliedRequest>> q_find_applied_request(PgConnection& c, const std::string& key) {
  IDOS_TRY(Rows r, c.run(Q::find_applied_request, Params{}.text(key)));
  if (r.size() == 0) return std::optional<AppliedRequest>{};
  return std::optional<AppliedRequest>{
      AppliedRequest{r.text(0, 0), r.text(0, 1), r.integer(0, 2), r.integer(0, 3), r.text(0, 4)}};
}

Result<std::optional<CredentialStatusRow>> q_find_credential_status(PgConnection& c, const std::string& issuer,
                                                                   const std::string& vc_id) {
  IDOS_TRY(Rows r, c.run(Q::find_credential_status, Params{}.text(issuer).text(vc_id)));
  if (r.size() == 0) return std::optional<CredentialStatusRow>{};
  return std::optional<CredentialStatusRow>{CredentialStatusRow{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3),
                                                                r.integer(0, 4), r.integer(0, 5), r.text(0, 6),
                                                                r.integer(0, 7), r.integer(0, 8)}};
}

// An INSERT/UPDATE whose row count does not matter to the caller.
// --- snapshots (snapshot_format.hpp): statements built once from the one table description ------
struct SnapshotSql {
  std::vector<std::string> select, insert, clear;
  std::vector<std::vector<Oid>> types;
};
const SnapshotSql& snapshot_sql() {
  static const SnapshotSql sql = [] {
    SnapshotSql out;
    for (const StateTable& t : state_tables()) {
      std::string cols, marks;
      std::vector<Oid> types;
      for (size_t i = 0; i < t.columns.size(); ++i) {
        const ColumnKind k = t.columns[i].kind;
        cols += (i ? ", " : "") + std::string(t.columns[i].name);
        marks += (i ? ", $" : "$") + std::to_string(i + 1);
        types.push_back(k == ColumnKind::document ? kBytea : (k == ColumnKind::text || k == ColumnKind::nullable_text ? kText : kInt8));
      }
      // Text keys by their bytes (COLLATE "C", as SQLite's BINARY); creation order is storage_order.
      out.select.push_back("SELECT " + cols + " FROM " + t.name + " ORDER BY " +
                           (t.creation_order ? std::string("storage_order") : key_order(t, " COLLATE \"C\"")));
      if (t.creation_order) {
        // storage_order is the next integer, as at apply (one writer).
        out.insert.push_back("INSERT INTO " + std::string(t.name) + "(" + cols + ", storage_order) VALUES(" + marks +
                             ", (SELECT COALESCE(MAX(storage_order), 0) + 1 FROM " + t.name + "))");
      } else {
        out.insert.push_back("INSERT INTO " + std::string(t.name) + "(" + cols + ") VALUES(" + marks + ")");
      }
      out.clear.push_back(std::string("DELETE FROM ") + t.name);
      out.types.push_back(std::move(types));
    }
    return out;
  }();
  return sql;
}

Params snapshot_params(size_t table, const SnapshotRow& row) {
  Params p;
  const auto& columns = state_tables()[table].columns;
  for (size_t i = 0; i < row.size(); ++i) {
    const SnapshotValue& v = row[i];
    if (v.kind == SnapshotValue::Kind::null) p.null();
    else if (v.kind == SnapshotValue::Kind::integer) p.integer(v.integer);
    else if (columns[i].kind == ColumnKind::document) p.bytes(Bytes(v.text.begin(), v.text.end()));
    else p.text(v.text);
  }
  return p;
}

Status run_change(PgConnection& c, Q q, const Params& p) {
  IDOS_TRY(Rows r, c.run(q, p));
  (void)r;
  return ok_status();
}

// --- the writer ----------------------------------------------------------------------------------
class PgWriter final : public StateWriter {
 public:
  explicit PgWriter(PgConnection& c) : c_(c) {}
  Result<int64_t> last_applied_position() override { return q_last_position(c_); }
  Result<std::optional<WalletRow>> find_wallet(const std::string& id) override { return q_find_wallet(c_, id); }
  Result<bool> user_exists(const std::string& id) override { return q_exists(c_, Q::user_exists, id); }
  Result<bool> credential_exists(const std::string& id) override { return q_exists(c_, Q::credential_exists, id); }
  Result<std::optional<CredentialRow>> find_credential_meta(const std::string& id) override {
    return q_find_credential_meta(c_, id);
  }
  Result<std::optional<GrantRow>> find_grant(const std::string& id) override { return q_find_grant(c_, id); }
  Result<std::optional<UserRow>> find_user(const std::string& id) override { return q_find_user(c_, id); }
  Result<bool> dwg_used(const std::string& id) override { return q_exists(c_, Q::dwg_used, id); }
  Status insert_user(const UserRow& r) override {
    return run_change(c_, Q::insert_user,
                      Params{}.text(r.id).text(r.encryption_public_key).integer(r.created_at).integer(r.log_position));
  }
  Status insert_wallet(const WalletRow& r) override {
    return run_change(c_, Q::insert_wallet,
                      Params{}.text(r.identifier).text(r.wallet_type).text(r.public_key).text(r.user_id)
                          .integer(r.added_at).integer(r.log_position));
  }
  Status insert_credential(const CredentialRow& r) override {
    return run_change(c_, Q::insert_credential,
                      Params{}.text(r.id).text(r.user_id).text(r.role).text(r.issuer_auth_public_key).text(r.sha256)
                          .integer(r.size).bytes(r.sealed).text(r.inserter).integer(r.created_at)
                          .integer(r.log_position).text(r.original_id));
  }
  Status insert_grant(const GrantRow& r) override {
    return run_change(c_, Q::insert_grant,
                      Params{}.text(r.id).text(r.owner).text(r.grantee).text(r.data_id).integer(r.locked_until)
                          .text(r.content_hash).text(r.inserter_type).text(r.inserter_id).integer(r.created_at)
                          .integer(r.log_position));
  }
  Status mark_grant_revoked(const std::string& id, int64_t log_time, int64_t position) override {
    return run_change(c_, Q::revoke_grant, Params{}.text(id).integer(log_time).integer(position));
  }
  Status record_dwg(const std::string& id, int64_t position) override {
    return run_change(c_, Q::record_dwg, Params{}.text(id).integer(position));
  }
  Result<std::vector<CredentialRow>> copies_of(const std::string& original_id) override {
    IDOS_TRY(Rows r, c_.run(Q::copies_of, Params{}.text(original_id)));
    std::vector<CredentialRow> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_credential_meta(r, i));
    return out;
  }
  Result<std::vector<GrantRow>> grants_on(const std::string& data_id) override {
    IDOS_TRY(Rows r, c_.run(Q::grants_on, Params{}.text(data_id)));
    std::vector<GrantRow> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_grant(r, i));
    return out;
  }
  Status delete_credential(const std::string& id) override {
    IDOS_CHECK(run_change(c_, Q::delete_credential, Params{}.text(id)));
    deleted_content_ = true;
    return ok_status();
  }
  Status delete_grant(const std::string& id, int64_t log_time, int64_t position) override {
    IDOS_CHECK(run_change(c_, Q::keep_deleted_grant, Params{}.text(id).integer(log_time).integer(position)));
    return run_change(c_, Q::delete_grant, Params{}.text(id));
  }
  Result<bool> grant_deleted(const std::string& id) override { return q_exists(c_, Q::grant_deleted, id); }
  Result<bool> issuer_has_credentials(const std::string& key) override {
    return q_exists(c_, Q::issuer_has_credentials, key);
  }
  Result<std::optional<CredentialStatusRow>> find_credential_status(const std::string& issuer,
                                                                   const std::string& vc_id) override {
    return q_find_credential_status(c_, issuer, vc_id);
  }
  Status put_credential_status(const CredentialStatusRow& r) override {
    return run_change(c_, Q::put_credential_status,
                      Params{}.text(r.issuer_auth_public_key).text(r.vc_id).text(r.status).text(r.reason)
                          .integer(r.sequence).integer(r.issued_at).text(r.signature).integer(r.set_at)
                          .integer(r.log_position));
  }
  bool deleted_content() const { return deleted_content_; }
  Status record_row_change(const RowChange& r) override {
    return run_change(c_, Q::record_row_change,
                      Params{}.integer(r.position).text(r.table_name).text(r.row_key).text(r.change)
                          .integer(r.earlier_position));
  }
  Result<std::vector<std::string>> original_ids_of(const std::string& user_id) override {
    IDOS_TRY(Rows r, c_.run(Q::original_ids_of, Params{}.text(user_id)));
    std::vector<std::string> ids;
    for (int i = 0; i < r.size(); ++i) ids.push_back(r.text(i, 0));
    return ids;
  }
  Result<int64_t> wallet_count(const std::string& user_id) override {
    IDOS_TRY(Rows r, c_.run(Q::wallet_count, Params{}.text(user_id)));
    if (r.size() != 1) return make_error(ErrorCode::internal, "storage: wallet count: no row");
    return r.integer(0, 0);
  }
  Result<int64_t> latest_copy_lock(const std::string& original_id) override {
    IDOS_TRY(Rows r, c_.run(Q::latest_copy_lock, Params{}.text(original_id)));
    if (r.size() != 1) return make_error(ErrorCode::internal, "storage: latest copy lock: no row");
    return r.integer(0, 0);
  }
  Status replace_credential(const CredentialRow& r) override {
    IDOS_CHECK(run_change(c_, Q::replace_credential,
                          Params{}.text(r.id).text(r.issuer_auth_public_key).text(r.sha256).integer(r.size)
                              .bytes(r.sealed).integer(r.log_position)));
    deleted_content_ = true;  // the old sealed document goes: VACUUM as after a deletion
    return ok_status();
  }
  Status set_encryption_key(const std::string& user_id, const std::string& key, int64_t position) override {
    return run_change(c_, Q::set_encryption_key, Params{}.text(user_id).text(key).integer(position));
  }
  Status delete_wallet(const std::string& identifier) override {
    return run_change(c_, Q::delete_wallet, Params{}.text(identifier));
  }
  Status append_log(const LogRow& r) override {
    IDOS_CHECK(run_change(c_, Q::append_log,
                          Params{}.integer(r.position).integer(r.log_time).text(r.operation).text(r.actor)
                              .text(r.tx_sha256).text(r.result).text(r.rows_sha256).text(r.state_hash)));
    appended_ = r;
    return ok_status();
  }
  Result<std::string> last_state_hash() override {
    IDOS_TRY(Rows r, c_.run(Q::last_state_hash, Params{}));
    std::string h = r.size() == 1 ? r.text(0, 0) : "";
    // Before the first entry, or entries applied before schema 2: the chain starts at zero.
    return h.empty() ? std::string(64, '0') : h;
  }
  Result<std::string> rows_digest(int64_t position) override { return q_rows_digest(c_, position); }
  Result<std::optional<AppliedRequest>> find_applied_request(const std::string& key) override {
    return q_find_applied_request(c_, key);
  }
  Status record_applied_request(const AppliedRequest& r) override {
    return run_change(c_, Q::record_applied_request,
                      Params{}.text(r.replay_key).text(r.request_sha256).integer(r.position).integer(r.keep_until)
                          .text(r.outcome));
  }
  Status purge_applied_requests(int64_t log_time) override {
    return run_change(c_, Q::purge_applied_requests, Params{}.integer(log_time));
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
    const auto& sql = snapshot_sql();
    IDOS_TRY(Rows r, c_.run_sql(sql.insert[table], sql.types[table], snapshot_params(table, row)));
    (void)r;
    return ok_status();
  }
  // A SAVEPOINT, as on SQLite. ROLLBACK TO also ends the aborted state a failed statement leaves
  // the transaction in, so a refusal from the server (a class 22 value) undoes only this entry.
  Status nested(const std::function<Status(StateWriter&)>& fn) override {
    IDOS_CHECK(c_.exec("SAVEPOINT entry"));
    const std::optional<LogRow> appended_before = appended_;
    Status st = fn(*this);
    if (st.ok()) return c_.exec("RELEASE SAVEPOINT entry");
    appended_ = appended_before;  // a log row the rollback removes must not decide commit_outcome()
    Status undone = c_.exec("ROLLBACK TO SAVEPOINT entry");
    if (undone.ok()) undone = c_.exec("RELEASE SAVEPOINT entry");
    if (!undone.ok()) return make_error(ErrorCode::internal, undone.error().message);  // the caller rolls back
    return st;
  }
  // The log row this transaction wrote (to find out whether a COMMIT whose connection broke landed).
  const std::optional<LogRow>& appended() const { return appended_; }

 private:
  PgConnection& c_;
  std::optional<LogRow> appended_;
  bool deleted_content_ = false;
};

// --- the storage ---------------------------------------------------------------------------------
class PgStorage final : public Storage {
 public:
  ~PgStorage() override {
    close();
    wipe(conninfo_);
  }

  Status open(const std::string& conninfo, size_t readers) {
    conninfo_ = conninfo;
    IDOS_CHECK(connect_writer());
    IDOS_CHECK(check_server());
    IDOS_CHECK(migrate());
    IDOS_CHECK(flusher_.connect(conninfo_, true));
    for (size_t i = 0; i < (readers == 0 ? 1 : readers); ++i) {
      auto c = std::make_unique<PgConnection>();
      IDOS_CHECK(c->connect(conninfo_, false));
      free_.push_back(c.get());
      readers_.push_back(std::move(c));
    }
    return ok_status();
  }

  Status write(const std::function<Status(StateWriter&)>& fn) override { return write_at(fn, false); }
  Status write_deferred(const std::function<Status(StateWriter&)>& fn) override { return write_at(fn, true); }

  // Group commit: one flush transaction (synchronous_commit on) makes every deferred commit that
  // completed before it durable, since WAL is flushed in order. A flush proves this only on a
  // connection that was open before the commit was sent: a server crash ends every session, so a
  // connection that survived from before the commit to after the flush saw no crash in between.
  // Commits sent before the flush connection was (re)opened cannot be proven and fail (503; the
  // ledger re-reads its position). Waiters share flushes: while one runs, the others wait for it.
  Status wait_durable() override {
    std::unique_lock<std::mutex> lock(durable_mutex_);
    const uint64_t target = completed_seq_;
    while (true) {
      if (target >= unproven_from_ && target <= unproven_to_) {
        return unavailable("the database connection was reopened before this commit was confirmed durable");
      }
      if (durable_seq_ >= target) return ok_status();
      if (flushing_) {
        durable_cv_.wait(lock);
        continue;
      }
      flushing_ = true;
      const uint64_t covering = completed_seq_;
      lock.unlock();
      Status flushed = flush();
      lock.lock();
      flushing_ = false;
      if (flushed.ok()) durable_seq_ = std::max(durable_seq_, covering);
      durable_cv_.notify_all();
      if (!flushed.ok()) return flushed;
    }
  }

  Result<int64_t> last_applied_position() override {
    return with_reader([&](PgConnection& c) { return q_last_position(c); });
  }
  Result<std::optional<WalletRow>> find_wallet(const std::string& id) override {
    return with_reader([&](PgConnection& c) { return q_find_wallet(c, id); });
  }
  Result<std::optional<UserRow>> find_user(const std::string& id) override {
    return with_reader([&](PgConnection& c) { return q_find_user(c, id); });
  }
  Result<std::vector<WalletRow>> wallets_of(const std::string& user_id) override {
    return with_reader([&](PgConnection& c) -> Result<std::vector<WalletRow>> {
      IDOS_TRY(Rows r, c.run(Q::wallets_of, Params{}.text(user_id)));
      std::vector<WalletRow> out;
      for (int i = 0; i < r.size(); ++i) out.push_back(read_wallet(r, i));
      return out;
    });
  }
  Result<std::optional<CredentialRow>> find_credential(const std::string& id) override {
    return with_reader([&](PgConnection& c) -> Result<std::optional<CredentialRow>> {
      IDOS_TRY(Rows r, c.run(Q::find_credential, Params{}.text(id)));
      if (r.size() == 0) return std::optional<CredentialRow>{};
      CredentialRow row = read_credential_meta(r, 0);
      row.sealed = r.bytes(0, 10);
      return std::optional<CredentialRow>{std::move(row)};
    });
  }
  Result<std::vector<CredentialRow>> credentials_of(const std::string& user_id) override {
    return with_reader([&](PgConnection& c) -> Result<std::vector<CredentialRow>> {
      IDOS_TRY(Rows r, c.run(Q::credentials_of, Params{}.text(user_id)));
      std::vector<CredentialRow> out;
      for (int i = 0; i < r.size(); ++i) out.push_back(read_credential_meta(r, i));
      return out;
    });
  }
  Result<std::optional<GrantRow>> find_grant(const std::string& id) override {
    return with_reader([&](PgConnection& c) { return q_find_grant(c, id); });
  }
  Result<std::optional<GrantRow>> active_grant(const std::string& grantee, const std::string& data_id) override {
    return with_reader([&](PgConnection& c) -> Result<std::optional<GrantRow>> {
      IDOS_TRY(Rows r, c.run(Q::active_grant, Params{}.text(grantee).text(data_id)));
      if (r.size() == 0) return std::optional<GrantRow>{};
      return std::optional<GrantRow>{read_grant(r, 0)};
    });
  }
  Result<std::vector<GrantRow>> grants(const GrantQuery& q) override {
    return with_reader([&](PgConnection& c) -> Result<std::vector<GrantRow>> {
      // Built from fixed fragments only; every value is bound.
      std::string sql = "SELECT " IDOS_PG_GRANT_COLS " FROM grants WHERE storage_order > $1";
      Params p;
      std::vector<Oid> types;
      p.integer(q.after_cursor);
      types.push_back(kInt8);
      auto bind_text = [&](const std::string& v) {
        p.text(v);
        types.push_back(kText);
        return "$" + std::to_string(types.size());
      };
      if (q.owner) sql += " AND owner = " + bind_text(*q.owner);
      if (q.grantee) sql += " AND grantee = " + bind_text(*q.grantee);
      if (q.data_id) sql += " AND data_id = " + bind_text(*q.data_id);
      if (!q.grantee_any.empty()) {
        sql += " AND grantee IN (";
        for (size_t i = 0; i < q.grantee_any.size(); ++i) sql += (i ? "," : "") + bind_text(q.grantee_any[i]);
        sql += ")";
      }
      if (!q.include_revoked) sql += " AND revoked_at IS NULL";
      p.integer(q.limit);
      types.push_back(kInt8);
      sql += " ORDER BY storage_order LIMIT $" + std::to_string(types.size());
      IDOS_TRY(Rows r, c.run_sql(sql, types, p));
      std::vector<GrantRow> out;
      for (int i = 0; i < r.size(); ++i) out.push_back(read_grant(r, i));
      return out;
    });
  }
  Result<std::optional<LogRow>> log_entry(int64_t position) override {
    return with_reader([&](PgConnection& c) -> Result<std::optional<LogRow>> {
      IDOS_TRY(Rows r, c.run(Q::log_entry, Params{}.integer(position)));
      if (r.size() == 0) return std::optional<LogRow>{};
      return std::optional<LogRow>{LogRow{r.integer(0, 0), r.integer(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4),
                                          r.text(0, 5), r.text(0, 6), r.text(0, 7)}};
    });
  }
  Result<std::string> rows_digest(int64_t position) override {
    return with_reader([&](PgConnection& c) { return q_rows_digest(c, position); });
  }
  Result<std::vector<DeletedGrantRow>> deleted_grants(int64_t after_cursor, int64_t limit) override {
    return with_reader([&](PgConnection& c) -> Result<std::vector<DeletedGrantRow>> {
      IDOS_TRY(Rows r, c.run(Q::deleted_grants, Params{}.integer(after_cursor).integer(limit)));
      std::vector<DeletedGrantRow> out;
      for (int i = 0; i < r.size(); ++i) {
        out.push_back(DeletedGrantRow{r.text(i, 0), r.integer(i, 1), r.integer(i, 2), r.integer(i, 3)});
      }
      return out;
    });
  }
  Result<std::optional<CredentialStatusRow>> find_credential_status(const std::string& issuer,
                                                                   const std::string& vc_id) override {
    return with_reader([&](PgConnection& c) { return q_find_credential_status(c, issuer, vc_id); });
  }
  Result<bool> rows_changed_later(int64_t position) override {
    return with_reader([&](PgConnection& c) -> Result<bool> {
      IDOS_TRY(Rows r, c.run(Q::rows_changed_later, Params{}.integer(position)));
      return r.size() > 0;
    });
  }
  Status read_state(const std::function<Status(size_t, const SnapshotRow&)>& sink) override {
    return with_reader([&](PgConnection& c) -> Status {
      // One REPEATABLE READ transaction: every table as of the same commit.
      IDOS_CHECK(c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
      Status st = ok_status();
      const auto& tables = state_tables();
      const auto& sql = snapshot_sql();
      SnapshotRow row;
      for (size_t t = 0; t < tables.size() && st.ok(); ++t) {
        auto rows = c.run_sql(sql.select[t], {}, Params{});
        if (!rows.ok()) {
          st = rows.error();
          break;
        }
        for (int r = 0; r < rows->size() && st.ok(); ++r) {
          row.clear();
          for (size_t i = 0; i < tables[t].columns.size(); ++i) {
            const int col = static_cast<int>(i);
            const ColumnKind kind = tables[t].columns[i].kind;
            if (rows->is_null(r, col)) row.push_back(SnapshotValue::null());
            else if (kind == ColumnKind::integer || kind == ColumnKind::nullable_integer) row.push_back(SnapshotValue::of(rows->integer(r, col)));
            else row.push_back(SnapshotValue::of(rows->text(r, col)));  // text, or bytea's bytes (binary results)
          }
          st = sink(t, row);
        }
      }
      (void)c.exec(st.ok() ? "COMMIT" : "ROLLBACK");
      return st;
    });
  }
  Result<std::optional<AppliedRequest>> find_applied_request(const std::string& key) override {
    return with_reader([&](PgConnection& c) { return q_find_applied_request(c, key); });
  }
  Status health_check() override {
    auto r = with_reader([&](PgConnection& c) -> Result<int64_t> { return q_last_position(c); });
    if (!r.ok()) return r.error();
    return ok_status();
  }
  // PostgreSQL checksums its own pages (when the cluster was initialised with them) and the
  // operator checks the heap with amcheck; what the node checks is its own invariants: the log is
  // positions 1..N without a gap, and every state row names a position the log accepted.
  Result<std::string> integrity_check() override {
    return with_reader([&](PgConnection& c) -> Result<std::string> {
      static const char* kChecks[][2] = {
          {"SELECT count(*) FILTER (WHERE position < 1) + (COALESCE(MAX(position), 0) - count(*)) FROM log",
           "log positions are not 1..N"},
          {"SELECT count(*) FROM users u LEFT JOIN log l ON l.position = u.log_position AND l.result = 'OK' "
           "WHERE l.position IS NULL",
           "users rows without an accepted log entry"},
          {"SELECT count(*) FROM wallets w LEFT JOIN log l ON l.position = w.log_position AND l.result = 'OK' "
           "WHERE l.position IS NULL",
           "wallets rows without an accepted log entry"},
          {"SELECT count(*) FROM credentials x LEFT JOIN log l ON l.position = x.log_position AND l.result = 'OK' "
           "WHERE l.position IS NULL",
           "credentials rows without an accepted log entry"},
          {"SELECT count(*) FROM grants g LEFT JOIN log l ON l.position = g.log_position AND l.result = 'OK' "
           "WHERE l.position IS NULL",
           "grants rows without an accepted log entry"},
      };
      std::string out;
      for (const auto& check : kChecks) {
        IDOS_TRY(Rows r, c.run_sql(check[0], {}, Params{}));
        if (r.size() == 1 && r.integer(0, 0) != 0) out += (out.empty() ? "" : "; ") + std::string(check[1]);
      }
      return out.empty() ? std::string("ok") : out;
    });
  }

  Result<std::optional<std::string>> node_meta(const std::string& key) override {
    return with_reader([&](PgConnection& c) -> Result<std::optional<std::string>> {
      IDOS_TRY(Rows r, c.run_sql("SELECT value FROM node_meta WHERE key = $1", {kText}, Params{}.text(key)));
      if (r.size() == 0) return std::optional<std::string>{};
      return std::optional<std::string>{r.text(0, 0)};
    });
  }
  // Written once at a node's first start (main.cpp), outside the ledger: an upsert, so a retry
  // after a lost answer is harmless.
  Status set_node_meta(const std::string& key, const std::string& value) override {
    auto r = with_reader([&](PgConnection& c) -> Result<int64_t> {
      IDOS_TRY(Rows rows, c.run_sql("INSERT INTO node_meta(key, value) VALUES($1, $2) "
                                    "ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value",
                                    {kText, kText}, Params{}.text(key).text(value)));
      return rows.affected();
    });
    if (!r.ok()) return r.error();
    return ok_status();
  }

  Result<bool> nonce_seen(const std::string& nonce) override {
    return with_reader([&](PgConnection& c) { return q_exists(c, Q::nonce_seen, nonce); });
  }
  Result<bool> record_nonce(const std::string& nonce, int64_t expires_at) override {
    return with_reader([&](PgConnection& c) -> Result<bool> {
      IDOS_TRY(Rows r, c.run(Q::record_nonce, Params{}.text(nonce).integer(expires_at)));
      return r.affected() == 1;
    }, false);
  }
  Status purge_nonces(int64_t now) override {
    auto r = with_reader([&](PgConnection& c) -> Result<int64_t> {
      IDOS_TRY(Rows rows, c.run(Q::purge_nonces, Params{}.integer(now)));
      return rows.affected();
    });
    if (!r.ok()) return r.error();
    return ok_status();
  }

  Status forget_nonce(const std::string& nonce) override {
    auto r = with_reader([&](PgConnection& c) -> Result<int64_t> {
      IDOS_TRY(Rows rows, c.run(Q::forget_nonce, Params{}.text(nonce)));
      return rows.affected();
    });
    if (!r.ok()) return r.error();
    return ok_status();
  }

  void close() override {
    std::scoped_lock lock(write_mutex_, pool_mutex_);
    if (closed_) return;
    closed_ = true;
    pool_cv_.notify_all();
    free_.clear();
    readers_.clear();  // no reader is out: each returns its connection before with_reader() ends
    writer_.close();   // ends the session: the writer lock goes with it
    std::lock_guard<std::mutex> d(durable_mutex_);
    if (!flushing_) flusher_.close();
  }

 private:
  Status write_at(const std::function<Status(StateWriter&)>& fn, bool deferred) {
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (closed_) return make_error(ErrorCode::internal, "storage closed");
    if (!writer_.healthy()) IDOS_CHECK(reconnect_writer());
    // A deferred commit does not wait for its WAL flush (wait_durable() does, for many at once).
    const char* begin = deferred ? "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit TO off"
                                 : "BEGIN ISOLATION LEVEL READ COMMITTED";
    Status begun = writer_.exec(begin);
    if (!begun.ok() && !writer_.healthy()) {
      // The server went away since the last write (a restart): nothing was sent yet, so reopen once.
      IDOS_CHECK(reconnect_writer());
      begun = writer_.exec(begin);
    }
    IDOS_CHECK(begun);
    PgWriter w(writer_);
    Status st = fn(w);
    if (!st.ok()) {
      if (writer_.healthy()) (void)writer_.exec("ROLLBACK");
      return st;
    }
    uint64_t seq = 0;
    if (deferred) {
      std::lock_guard<std::mutex> d(durable_mutex_);
      seq = ++reserved_seq_;  // before COMMIT is sent (see wait_durable)
    }
    Rows commit(PQexec(writer_.raw(), "COMMIT"));
    const bool committed = commit.get() && PQresultStatus(commit.get()) == PGRES_COMMAND_OK &&
                           std::strcmp(PQcmdStatus(const_cast<PGresult*>(commit.get())), "COMMIT") == 0;
    Status outcome = ok_status();
    if (!committed) {
      if (writer_.healthy()) {
        // The server answered and did not commit (a deferred check, or an aborted transaction).
        (void)writer_.exec("ROLLBACK");
        outcome = make_error(ErrorCode::internal, "storage: commit refused: " + conn_message(writer_.raw()));
      } else {
        outcome = commit_outcome(w.appended());
      }
    }
    if (deferred && outcome.ok()) {
      std::lock_guard<std::mutex> d(durable_mutex_);
      completed_seq_ = seq;
    }
    if (outcome.ok() && w.deleted_content()) vacuum_after_delete();
    return outcome;
  }

  // Erasure, as far as PostgreSQL allows (docs/node.md): VACUUM cannot run inside a transaction, so
  // it runs after the COMMIT of a deletion, on the idle writer connection. It removes the dead
  // credential tuples (and their TOAST chunks and index entries) so their space is reused; it does
  // not overwrite them, and WAL segments, base backups and archives keep what they kept. A failure
  // is logged and changes nothing else: the deletion is committed.
  void vacuum_after_delete() {
    Status st = writer_.exec("VACUUM (SKIP_LOCKED) credentials");
    if (st.ok()) st = writer_.exec("VACUUM (SKIP_LOCKED) grants");
    if (!st.ok()) log_event(LogLevel::warn, "storage_vacuum_failed", {{"message", st.error().message}});
  }

  // One durable transaction on the flush connection (reopened when broken): its COMMIT flushes the
  // WAL through its own commit record, so through every commit that completed before it began.
  Status flush() {
    if (!flusher_.healthy()) {
      Status st = flusher_.connect(conninfo_, true);
      if (!st.ok()) return st;
      std::lock_guard<std::mutex> d(durable_mutex_);
      // Commits sent before this connection existed cannot be proven durable by it.
      if (durable_seq_ < reserved_seq_) {
        unproven_from_ = std::min(unproven_from_, durable_seq_ + 1);
        unproven_to_ = reserved_seq_;
      }
    }
    // It must write WAL: PostgreSQL commits a transaction that wrote none without a flush, even
    // with synchronous_commit on (one that only took an xid included). A one-row update does.
    return flusher_.exec("UPDATE idos_flush SET flushes = flushes + 1");
  }

  Status connect_writer() {
    IDOS_CHECK(writer_.connect(conninfo_, true));
    IDOS_TRY(Rows r, writer_.run(Q::try_writer_lock, Params{}.integer(kWriterLockKey)));
    if (r.size() != 1 || r.integer(0, 0) != 1) {
      writer_.close();
      // `internal` (not a refusal of the caller's write) also when a reconnect meets the lock.
      return unavailable("another node holds this database's writer lock (one node per database)");
    }
    return ok_status();
  }

  // The writer's connection broke: reopen it, at most once per backoff period.
  Status reconnect_writer() {
    if (!may_reconnect()) return unavailable("the database is unreachable; retrying shortly");
    Status st = connect_writer();
    if (!st.ok()) {
      note_failed_reconnect();
      return st;
    }
    log_event(LogLevel::info, "storage_reconnected", {{"connection", "writer"}});
    return ok_status();
  }

  // The connection broke during COMMIT: the transaction may or may not have committed. The log row
  // it appended is there if and only if it did.
  Status commit_outcome(const std::optional<LogRow>& appended) {
    const std::string lost = "the connection broke during COMMIT";
    if (!appended) return unavailable(lost);
    Status st = connect_writer();
    if (!st.ok()) {
      note_failed_reconnect();
      return unavailable(lost + " and the outcome cannot be checked yet");
    }
    IDOS_TRY(Rows r, writer_.run(Q::log_row_at, Params{}.integer(appended->position)));
    const bool landed = r.size() == 1 && r.integer(0, 0) == appended->log_time && r.text(0, 1) == appended->operation &&
                        r.text(0, 2) == appended->actor && r.text(0, 3) == appended->tx_sha256 &&
                        r.text(0, 4) == appended->result && r.text(0, 5) == appended->state_hash;
    log_event(LogLevel::warn, "storage_commit_recovered",
              {{"log_position", appended->position}, {"committed", landed}});
    if (landed) return ok_status();
    return unavailable(lost + "; it did not commit");
  }

  Status check_server() {
    IDOS_TRY(Rows enc, writer_.run_sql("SELECT current_setting('server_encoding')", {}, Params{}));
    if (enc.size() != 1 || enc.text(0, 0) != "UTF8") {
      return make_error(ErrorCode::unsupported, "storage: the database must use the UTF8 encoding (createdb -E UTF8)");
    }
    IDOS_TRY(Rows fsync, writer_.run_sql("SELECT current_setting('fsync')", {}, Params{}));
    if (fsync.size() == 1 && fsync.text(0, 0) != "on") {
      log_event(LogLevel::warn, "storage_not_durable",
                {{"message", "the PostgreSQL server runs with fsync=off: a server crash can lose receipted writes"}});
    }
    return ok_status();
  }

  Status migrate() {
    IDOS_CHECK(writer_.exec("BEGIN"));
    Status made = writer_.exec(kSchemaTable);
    if (!made.ok()) {
      (void)writer_.exec("ROLLBACK");
      return made;
    }
    IDOS_CHECK(writer_.exec("COMMIT"));
    IDOS_TRY(Rows v, writer_.run_sql("SELECT version FROM idos_schema", {}, Params{}));
    if (v.size() != 1) return make_error(ErrorCode::internal, "storage: idos_schema has no row");
    const int64_t version = v.integer(0, 0);
    if (version > static_cast<int64_t>(kMigrations.size())) {
      return make_error(ErrorCode::unsupported, "storage: the database has schema version " + std::to_string(version) +
                                                    ", newer than this node knows (" +
                                                    std::to_string(kMigrations.size()) + ")");
    }
    for (size_t n = static_cast<size_t>(version); n < kMigrations.size(); ++n) {
      IDOS_CHECK(writer_.exec("BEGIN"));
      Status st = writer_.exec(kMigrations[n]);
      if (st.ok()) st = writer_.exec("UPDATE idos_schema SET version = " + std::to_string(n + 1));
      if (!st.ok()) {
        (void)writer_.exec("ROLLBACK");
        return st;
      }
      IDOS_CHECK(writer_.exec("COMMIT"));
      log_event(LogLevel::info, "storage_migrated", {{"schema_version", n + 1}});
    }
    return ok_status();
  }

  bool may_reconnect() {
    const int64_t now = steady_ms();
    return now >= retry_at_ms_.load();
  }
  void note_failed_reconnect() { retry_at_ms_.store(steady_ms() + kReconnectBackoffMs); }
  static int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }

  // Runs `f` on a pooled connection. A connection found broken is reopened first; `idempotent`
  // work (every read) that fails because the connection broke under it (a server restart since its
  // last use) is run once more on a reopened connection. Recording a nonce is not retried: its
  // first attempt may have committed.
  template <typename F>
  auto with_reader(F&& f, bool idempotent = true) -> decltype(f(std::declval<PgConnection&>())) {
    PgConnection* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(pool_mutex_);
      pool_cv_.wait(lock, [&] { return !free_.empty() || closed_; });
      if (closed_) return make_error(ErrorCode::internal, "storage closed");
      c = free_.back();
      free_.pop_back();
    }
    auto give_back = [&] {
      {
        std::lock_guard<std::mutex> lock(pool_mutex_);
        if (!closed_) free_.push_back(c);
      }
      pool_cv_.notify_one();
    };
    auto reopen = [&]() -> Status {
      // Only a failed attempt delays the next one (a skipped attempt must not push it further).
      if (!may_reconnect()) return unavailable("the database is unreachable; retrying shortly");
      Status st = c->connect(conninfo_, false);
      if (!st.ok()) {
        note_failed_reconnect();
        return st;
      }
      log_event(LogLevel::info, "storage_reconnected", {{"connection", "reader"}});
      return ok_status();
    };
    if (!c->healthy()) {
      if (Status st = reopen(); !st.ok()) {
        give_back();
        return st.error();
      }
    }
    auto result = f(*c);
    if (!result.ok() && idempotent && !c->healthy() && reopen().ok()) result = f(*c);
    give_back();
    return result;
  }

  std::string conninfo_;  // secret when it holds a password: never logged, wiped on destruction
  std::mutex write_mutex_, pool_mutex_;
  std::condition_variable pool_cv_;
  PgConnection writer_;
  std::vector<std::unique_ptr<PgConnection>> readers_;
  std::vector<PgConnection*> free_;
  std::atomic<int64_t> retry_at_ms_{0};
  // Group commit (wait_durable): sequence numbers of deferred commits, under durable_mutex_.
  std::mutex durable_mutex_;
  std::condition_variable durable_cv_;
  PgConnection flusher_;            // used by the one waiter that flushes (flushing_)
  bool flushing_ = false;
  uint64_t reserved_seq_ = 0;       // deferred commits sent (numbered before COMMIT)
  uint64_t completed_seq_ = 0;      // the last deferred commit that succeeded
  uint64_t durable_seq_ = 0;        // every deferred commit up to this one is durable
  uint64_t unproven_from_ = UINT64_MAX, unproven_to_ = 0;  // commits that can no longer be proven
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<Storage>> open_postgres_storage(const std::string& conninfo, size_t read_connections) {
  if (conninfo.empty()) return make_error(ErrorCode::invalid_input, "storage: --pg needs a connection string");
  auto s = std::make_unique<PgStorage>();
  IDOS_CHECK(s->open(conninfo, read_connections));
  return std::unique_ptr<Storage>(std::move(s));
}

}  // namespace idos::node
