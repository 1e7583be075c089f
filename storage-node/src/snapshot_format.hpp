// Snapshots of the replicated state in a backend-neutral logical format (docs/cluster.md,
// "Snapshots"): every state table's rows as logical values (text, integers, null), credentials as
// their canonical document bytes (never a node's at-rest sealed form), so a SQLite node and a
// PostgreSQL node export the same bytes at the same position and import each other's snapshots.
//
// The tables come from ONE description, state_tables(): both backends build their export and
// import statements from it, and the format's header lists it, so a table or column added to the
// state is one entry here (and its migration).
//
// Pure: no I/O, no clock; only the primitives (fuzz/ builds it with them: fuzz_snapshot).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "idos/primitives/result.hpp"

namespace idos::node {

enum class ColumnKind {
  text,              // UTF-8 text
  integer,           // a signed integer, |v| <= 2^53 - 1
  nullable_integer,  // an integer or null
  nullable_text,     // UTF-8 text or null
  document,          // the canonical document bytes (UTF-8 JSON); stored sealed by each node
};

struct StateColumn {
  const char* name;
  ColumnKind kind;
};

struct StateTable {
  const char* name;
  std::vector<StateColumn> columns;
  size_t key_columns;   // the primary key: the first key_columns columns; rows ascend by them (bytes, or integer)
  bool creation_order;  // rows in the order they were written (the API's pagination cursor) instead
};

// "a, b" for an ORDER BY of the table's key; `text_suffix` follows each text column (PostgreSQL's
// COLLATE "C", so text sorts by its bytes as SQLite's BINARY does).
std::string key_order(const StateTable& t, const char* text_suffix = "");

// The replicated state, in the order a snapshot carries it (parents before the rows that refer to
// them). Not in it: node_meta (this node's own records), nonces (the edge's replay store).
const std::vector<StateTable>& state_tables();
// The index of `name` in state_tables() (state_tables().size() when absent).
size_t state_table_index(std::string_view name);

struct SnapshotValue {
  enum class Kind { null, integer, text } kind = Kind::null;
  int64_t integer = 0;
  std::string text;  // text, or a document's bytes (sealed bytes while inside a storage backend)
  static SnapshotValue of(int64_t v) { return SnapshotValue{Kind::integer, v, {}}; }
  static SnapshotValue of(std::string v) { return SnapshotValue{Kind::text, 0, std::move(v)}; }
  static SnapshotValue null() { return SnapshotValue{}; }
};
using SnapshotRow = std::vector<SnapshotValue>;

inline constexpr const char* kSnapshotFormat = "idos-snapshot/v1";
// Limits (docs/cluster.md "Snapshot format"): a whole snapshot, and one line (a row).
inline constexpr size_t kMaxSnapshotBytes = size_t{512} << 20;
inline constexpr size_t kMaxSnapshotLineBytes = size_t{16} << 20;

struct SnapshotSummary {
  int64_t position = 0;    // the last log position it holds
  std::string state_hash;  // the state hash at `position`
  int64_t rows = 0;
};

// Builds a snapshot's bytes from rows given table by table in state_tables() order, each table's
// rows in its order. Checks what parse_snapshot checks, so a node never serves what it would refuse.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(size_t max_bytes = kMaxSnapshotBytes);
  Status add(size_t table, const SnapshotRow& row);
  // The complete bytes; fails when the snapshot holds no log entry.
  Result<std::string> finish(SnapshotSummary* summary = nullptr);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Reads and checks a whole snapshot (every MUST-reject rule of docs/cluster.md "Snapshot format"),
// calling `row` for each row in order; a row callback's error stops the parse and is returned.
Result<SnapshotSummary> parse_snapshot(std::string_view bytes,
                                       const std::function<Status(size_t table, const SnapshotRow& row)>& row = nullptr,
                                       size_t max_bytes = kMaxSnapshotBytes);

}  // namespace idos::node
