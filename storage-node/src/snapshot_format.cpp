#include "snapshot_format.hpp"

#include <memory>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"
#include "state_hash.hpp"

namespace idos::node {

using nlohmann::json;

namespace {
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;
const std::string kZeroHash(64, '0');
}  // namespace

// The ONE description of the replicated state. Columns in the order of the rows digest (docs/cluster.md),
// credentials with `document` where the digest has none (the sealed column holds it, sealed).
// Adding a table or a column: an entry here, the migration on both backends; export, import,
// the snapshot header and the parser follow.
const std::vector<StateTable>& state_tables() {
  using K = ColumnKind;
  static const std::vector<StateTable> tables = {
      {"log",
       {{"position", K::integer}, {"log_time", K::integer}, {"operation", K::text}, {"actor", K::text},
        {"tx_sha256", K::text}, {"result", K::text}, {"rows_sha256", K::text}, {"state_hash", K::text}},
       1, false},
      {"users",
       {{"id", K::text}, {"encryption_public_key", K::text}, {"created_at", K::integer}, {"log_position", K::integer}},
       1, false},
      {"wallets",
       {{"identifier", K::text}, {"wallet_type", K::text}, {"public_key", K::text}, {"user_id", K::text},
        {"added_at", K::integer}, {"log_position", K::integer}},
       1, false},
      {"credentials",
       {{"id", K::text}, {"user_id", K::text}, {"role", K::text}, {"issuer_auth_public_key", K::text},
        {"sha256", K::text}, {"size", K::integer}, {"sealed", K::document}, {"inserter", K::text},
        {"created_at", K::integer}, {"log_position", K::integer}, {"original_id", K::nullable_text}},
       1, false},
      {"grants",
       {{"id", K::text}, {"owner", K::text}, {"grantee", K::text}, {"data_id", K::text}, {"locked_until", K::integer},
        {"content_hash", K::text}, {"inserter_type", K::text}, {"inserter_id", K::text}, {"created_at", K::integer},
        {"log_position", K::integer}, {"revoked_at", K::nullable_integer}, {"revoked_position", K::nullable_integer}},
       1, true},
      {"used_dwgs", {{"id", K::text}, {"log_position", K::integer}}, 1, false},
      {"applied_requests",
       {{"replay_key", K::text}, {"request_sha256", K::text}, {"position", K::integer}, {"keep_until", K::integer},
        {"outcome", K::text}},
       1, false},
      // Schema 4 (the lifecycle operations, docs/cluster.md "Rows changed later").
      {"row_changes",
       {{"position", K::integer}, {"table_name", K::text}, {"row_key", K::text}, {"change", K::text},
        {"earlier_position", K::integer}},
       3, false},
      {"deleted_grants",
       {{"id", K::text}, {"storage_order", K::integer}, {"deleted_at", K::integer}, {"log_position", K::integer}},
       1, false},
      {"credential_statuses",
       {{"issuer_auth_public_key", K::text}, {"vc_id", K::text}, {"status", K::text}, {"reason", K::text},
        {"sequence", K::integer}, {"issued_at", K::integer}, {"signature", K::text}, {"set_at", K::integer},
        {"log_position", K::integer}},
       2, false},
  };
  return tables;
}

std::string key_order(const StateTable& t, const char* text_suffix) {
  std::string out;
  for (size_t i = 0; i < t.key_columns && i < t.columns.size(); ++i) {
    const ColumnKind k = t.columns[i].kind;
    out += (i ? ", " : "") + std::string(t.columns[i].name);
    if (k == ColumnKind::text || k == ColumnKind::nullable_text) out += text_suffix;
  }
  return out;
}

size_t state_table_index(std::string_view name) {
  const auto& tables = state_tables();
  for (size_t i = 0; i < tables.size(); ++i) {
    if (name == tables[i].name) return i;
  }
  return tables.size();
}

namespace {

// The header line: the tables and their columns, so a snapshot of another schema is refused whole.
std::string header_line() {
  json tables = json::array();
  for (const auto& t : state_tables()) {
    json columns = json::array();
    for (const auto& c : t.columns) columns.push_back(c.name);
    tables.push_back(json{{"columns", columns}, {"name", t.name}});
  }
  return canonicalize_json(json{{"tables", tables}}).value() + "\n";
}

const std::string& header() {
  static const std::string h = header_line();
  return h;
}

// Checks shared by the builder and the parser, row by row.
struct Checker {
  size_t table = 0;
  bool has_key = false;
  json last_key;  // of the current table
  int64_t rows = 0;
  int64_t last_position = 0;
  std::string previous_state_hash = kZeroHash;
  std::string last_state_hash;

  Status check(size_t t, const SnapshotRow& row) {
    const auto& tables = state_tables();
    if (t >= tables.size()) return make_error(ErrorCode::invalid_input, "snapshot: unknown table");
    if (t < table) return make_error(ErrorCode::invalid_input, "snapshot: tables out of order");
    if (t != table) {
      table = t;
      has_key = false;
    }
    const StateTable& d = tables[t];
    if (row.size() != d.columns.size()) {
      return make_error(ErrorCode::invalid_input, std::string("snapshot: a row of ") + d.name + " needs " +
                                                      std::to_string(d.columns.size()) + " values");
    }
    for (size_t i = 0; i < row.size(); ++i) {
      const SnapshotValue& v = row[i];
      const ColumnKind k = d.columns[i].kind;
      const bool want_int = k == ColumnKind::integer || k == ColumnKind::nullable_integer;
      if (v.kind == SnapshotValue::Kind::null && (k == ColumnKind::nullable_integer || k == ColumnKind::nullable_text)) {
        if (i < d.key_columns) return make_error(ErrorCode::invalid_input, "snapshot: a key column is null");
        continue;
      }
      if (want_int != (v.kind == SnapshotValue::Kind::integer) || v.kind == SnapshotValue::Kind::null) {
        return make_error(ErrorCode::invalid_input, std::string("snapshot: ") + d.name + "." + d.columns[i].name +
                                                        (want_int ? " must be an integer" : " must be text"));
      }
      if (want_int && (v.integer > kMaxSafeInteger || v.integer < -kMaxSafeInteger)) {
        return make_error(ErrorCode::invalid_input, std::string("snapshot: ") + d.name + "." + d.columns[i].name +
                                                        " out of range");
      }
      if (!want_int && !is_valid_utf8(v.text)) return make_error(ErrorCode::invalid_utf8, "snapshot: text is not UTF-8");
    }
    // Keys unique; ascending unless the table keeps creation order (then unique only within what the
    // database enforces: its primary key refuses a duplicate at import).
    // Composite keys compare column by column: integers by value, text by its bytes.
    json key = json::array();
    for (size_t i = 0; i < d.key_columns; ++i) {
      key.push_back(row[i].kind == SnapshotValue::Kind::integer ? json(row[i].integer) : json(row[i].text));
    }
    if (!d.creation_order && has_key) {
      int order = 0;
      for (size_t i = 0; i < d.key_columns && order == 0; ++i) {
        if (key[i].is_number()) {
          const int64_t a = key[i].get<int64_t>(), b = last_key[i].get<int64_t>();
          order = a < b ? -1 : (a > b ? 1 : 0);
        } else {
          const int c = key[i].get_ref<const std::string&>().compare(last_key[i].get_ref<const std::string&>());
          order = c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
      }
      if (order <= 0) {
        return make_error(ErrorCode::invalid_input, std::string("snapshot: ") + d.name + " rows must ascend by " + key_order(d));
      }
    }
    last_key = std::move(key);
    has_key = true;
    if (std::string_view(d.name) == "log") IDOS_CHECK(check_log(row));
    if (std::string_view(d.name) == "credentials") IDOS_CHECK(check_credential(d, row));
    ++rows;
    return ok_status();
  }

  // The log's chain: each entry's state hash follows from the previous one (entries applied before
  // the node kept state hashes have none, and the chain starts again at zero after them).
  Status check_log(const SnapshotRow& r) {
    const int64_t position = r[0].integer;
    if (position < 1) return make_error(ErrorCode::invalid_input, "snapshot: log positions start at 1");
    const std::string& tx = r[4].text;
    const std::string& result = r[5].text;
    const std::string& rows_sha = r[6].text;
    const std::string& state = r[7].text;
    if (state.empty() != rows_sha.empty()) return make_error(ErrorCode::invalid_input, "snapshot: log state_hash without rows_sha256");
    if (!state.empty()) {
      if (!hex_decode_exact(state, 32).ok() || !hex_decode_exact(rows_sha, 32).ok() || !hex_decode_exact(tx, 32).ok()) {
        return make_error(ErrorCode::invalid_encoding, "snapshot: log hashes must be 64 lowercase hex");
      }
      if (next_state_hash(previous_state_hash, position, tx, result, rows_sha) != state) {
        return make_error(ErrorCode::mismatch, "snapshot: the log's state hash chain breaks at position " +
                                                   std::to_string(position));
      }
      previous_state_hash = state;
    } else {
      previous_state_hash = kZeroHash;
    }
    last_position = position;
    last_state_hash = state;
    return ok_status();
  }

  // The document is the one the row names: its SHA-256 and size.
  static Status check_credential(const StateTable& d, const SnapshotRow& r) {
    size_t doc = 0, sha = 0, size = 0;
    for (size_t i = 0; i < d.columns.size(); ++i) {
      if (d.columns[i].kind == ColumnKind::document) doc = i;
      if (std::string_view(d.columns[i].name) == "sha256") sha = i;
      if (std::string_view(d.columns[i].name) == "size") size = i;
    }
    const std::string& bytes = r[doc].text;
    if (static_cast<int64_t>(bytes.size()) != r[size].integer || hex_encode(sha256(as_bytes(bytes))) != r[sha].text) {
      return make_error(ErrorCode::mismatch, "snapshot: credential " + r[0].text + " does not match its sha256 and size");
    }
    return ok_status();
  }

  Result<SnapshotSummary> summary() const {
    if (last_position < 1 || last_state_hash.empty()) {
      return make_error(ErrorCode::invalid_input, "snapshot: no log entry with a state hash");
    }
    return SnapshotSummary{last_position, last_state_hash, rows};
  }
};

std::string trailer_line(const SnapshotSummary& s) {
  return canonicalize_json(json{{"position", s.position}, {"rows", s.rows}, {"state_hash", s.state_hash}}).value() + "\n";
}

json row_json(size_t table, const SnapshotRow& row) {
  json a = json::array();
  a.push_back(state_tables()[table].name);
  for (const auto& v : row) {
    if (v.kind == SnapshotValue::Kind::null) a.push_back(nullptr);
    else if (v.kind == SnapshotValue::Kind::integer) a.push_back(v.integer);
    else a.push_back(v.text);
  }
  return a;
}

}  // namespace

struct SnapshotBuilder::State {
  size_t max_bytes;
  std::string out;
  Checker checker;
};

SnapshotBuilder::SnapshotBuilder(size_t max_bytes) : state_(std::make_shared<State>()) {
  state_->max_bytes = max_bytes;
  state_->out = std::string(kSnapshotFormat) + "\n" + header();
}

Status SnapshotBuilder::add(size_t table, const SnapshotRow& row) {
  IDOS_CHECK(state_->checker.check(table, row));
  IDOS_TRY(std::string line, canonicalize_json(row_json(table, row), JsonLimits{kMaxSnapshotLineBytes, 4}));
  if (line.size() + 1 > kMaxSnapshotLineBytes) return make_error(ErrorCode::too_large, "snapshot: a row over the line limit");
  if (state_->out.size() + line.size() + 1 > state_->max_bytes) {
    return make_error(ErrorCode::too_large, "snapshot: the state is larger than the snapshot limit (" +
                                                std::to_string(state_->max_bytes) + " bytes)");
  }
  state_->out += line;
  state_->out += '\n';
  return ok_status();
}

Result<std::string> SnapshotBuilder::finish(SnapshotSummary* summary) {
  IDOS_TRY(SnapshotSummary s, state_->checker.summary());
  state_->out += trailer_line(s);
  if (summary) *summary = s;
  return std::move(state_->out);
}

Result<SnapshotSummary> parse_snapshot(std::string_view bytes,
                                       const std::function<Status(size_t, const SnapshotRow&)>& row_fn,
                                       size_t max_bytes) {
  if (bytes.size() > max_bytes) return make_error(ErrorCode::too_large, "snapshot: over the size limit");
  const std::string magic = std::string(kSnapshotFormat) + "\n";
  if (bytes.substr(0, magic.size()) != magic) return make_error(ErrorCode::unsupported, "snapshot: not an idos-snapshot/v1 file");
  size_t at = magic.size();
  if (bytes.substr(at, header().size()) != header()) {
    return make_error(ErrorCode::unsupported, "snapshot: its tables and columns are not this node's (another schema version)");
  }
  at += header().size();
  Checker checker;
  SnapshotRow row;
  while (true) {
    const size_t end = bytes.find('\n', at);
    if (end == std::string_view::npos) return make_error(ErrorCode::invalid_input, "snapshot: truncated (no trailer line)");
    const std::string_view line = bytes.substr(at, end - at);
    if (line.size() + 1 > kMaxSnapshotLineBytes) return make_error(ErrorCode::too_large, "snapshot: a line over the limit");
    IDOS_TRY(json doc, parse_json(line, JsonLimits{kMaxSnapshotLineBytes, 2}));
    // Canonical only: one spelling per snapshot, so equal states give equal bytes and digests.
    IDOS_TRY(std::string canonical, canonicalize_json(doc, JsonLimits{kMaxSnapshotLineBytes, 2}));
    if (canonical != line) return make_error(ErrorCode::invalid_encoding, "snapshot: a line is not canonical JSON");
    at = end + 1;
    if (doc.is_object()) {  // the trailer, the last line
      IDOS_CHECK(check_only_known_fields(doc, {"position", "rows", "state_hash"}));
      IDOS_TRY(int64_t position, get_int_field(doc, "position", 1, kMaxSafeInteger));
      IDOS_TRY(int64_t rows, get_int_field(doc, "rows", 0, kMaxSafeInteger));
      IDOS_TRY(std::string state_hash, get_string_field(doc, "state_hash", 64));
      IDOS_TRY(SnapshotSummary s, checker.summary());
      if (position != s.position || rows != s.rows || state_hash != s.state_hash) {
        return make_error(ErrorCode::mismatch, "snapshot: the trailer does not match the rows (position, count or state hash)");
      }
      if (at != bytes.size()) return make_error(ErrorCode::invalid_input, "snapshot: bytes after the trailer");
      return s;
    }
    if (!doc.is_array() || doc.empty() || !doc[0].is_string()) {
      return make_error(ErrorCode::invalid_input, "snapshot: a row is [\"table\", values...]");
    }
    const size_t table = state_table_index(doc[0].get_ref<const std::string&>());
    row.clear();
    for (size_t i = 1; i < doc.size(); ++i) {
      const json& v = doc[i];
      if (v.is_null()) row.push_back(SnapshotValue::null());
      else if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(kMaxSafeInteger))
        return make_error(ErrorCode::invalid_input, "snapshot: an integer out of range");
      else if (v.is_number_integer()) row.push_back(SnapshotValue::of(v.get<int64_t>()));
      else if (v.is_string()) row.push_back(SnapshotValue::of(v.get<std::string>()));
      else return make_error(ErrorCode::invalid_input, "snapshot: values are text, integers or null");
    }
    IDOS_CHECK(checker.check(table, row));
    if (row_fn) IDOS_CHECK(row_fn(table, row));
  }
}

}  // namespace idos::node
