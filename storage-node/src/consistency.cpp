#include "consistency.hpp"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/json_dom.hpp"
#include "log.hpp"

namespace idos::node {

using nlohmann::json;

namespace {
bool is_hex64(const std::string& s) { return hex_decode_exact(s, 32).ok(); }
}  // namespace

namespace {
json unsigned_entry(const std::string& node_id, const LogRow& row) {
  return json{{"node_id", node_id},         {"position", row.position}, {"log_time", row.log_time},
              {"tx_sha256", row.tx_sha256}, {"result", row.result},     {"state_hash", row.state_hash}};
}
}  // namespace

Result<json> signed_log_entry(const Plugin& plugin, const NodeKeys& keys, const LogRow& row) {
  json entry = unsigned_entry(keys.node_id(), row);
  // The bytes come from the plugin (core/protocol's node_log_entry message), as for receipts.
  IDOS_TRY(std::string message, plugin.signed_message("node_log_entry", entry.dump()));
  IDOS_TRY(std::string signature, keys.sign_hex(message));
  entry["signature"] = signature;
  return entry;
}

Result<LogRow> verify_log_entry(const Plugin& plugin, const json& entry, const std::string& expected_node_id) {
  if (!entry.is_object()) return make_error(ErrorCode::invalid_input, "log entry: not an object");
  IDOS_TRY(std::string node_id, get_string_field(entry, "node_id", 64));
  if (node_id != expected_node_id) return make_error(ErrorCode::mismatch, "log entry: signed by another node");
  // The core's verdict: members, message and the node's Ed25519 signature.
  IDOS_CHECK(plugin.validate("node_log_entry", entry.dump(), 0, false));
  LogRow row;
  IDOS_TRY(row.position, get_int_field(entry, "position", 1, int64_t{1} << 62));
  IDOS_TRY(row.log_time, get_int_field(entry, "log_time", 0, int64_t{1} << 40));
  IDOS_TRY(row.tx_sha256, get_string_field(entry, "tx_sha256", 64));
  IDOS_TRY(row.result, get_string_field(entry, "result", 64));
  IDOS_TRY(row.state_hash, get_string_field(entry, "state_hash", 64));
  return row;
}

Result<std::vector<Peer>> load_peers(const std::string& path, const std::string& own_node_id) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::invalid_input, "cannot read peers file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = parse_json(text.str(), JsonLimits{64u << 10, 4});
  if (!doc.ok()) return make_error(ErrorCode::invalid_input, path + ": " + doc.error().message);
  if (!doc->is_object() || !doc->contains("nodes") || !(*doc)["nodes"].is_array() || (*doc)["nodes"].size() > 64) {
    return make_error(ErrorCode::invalid_input, path + ": expected {\"nodes\": [{\"node_id\", \"url\"}, ...]} (at most 64)");
  }
  std::vector<Peer> out;
  for (const auto& n : (*doc)["nodes"]) {
    auto id = get_string_field(n, "node_id", 64);
    auto url = get_string_field(n, "url", 256);
    if (!id.ok() || !is_hex64(*id) || !url.ok() || url->rfind("http://", 0) != 0) {
      return make_error(ErrorCode::invalid_input, path + ": every node needs node_id (64 lowercase hex) and url (http://host:port)");
    }
    if (*id == own_node_id) continue;
    out.push_back(Peer{*id, *url});
  }
  return out;
}

void ConsistencyMonitor::mark_diverged(const json& fields) {
  metrics_.count_divergence();
  diverged_.store(true);
  log_event(LogLevel::error, "diverged", fields);
  std::lock_guard<std::mutex> lock(mutex_);
  last_divergence_ = fields;
}

void ConsistencyMonitor::run_once(int64_t last_position, size_t audit_batch) {
  // Self-audit: a window of entries, cycling from the start of the log.
  for (size_t i = 0; i < audit_batch && last_position > 0; ++i) {
    if (audit_next_ > last_position) audit_next_ = 1;
    const int64_t p = audit_next_++;
    auto entry = storage_.log_entry(p);
    auto rows = storage_.rows_digest(p);
    if (!entry.ok() || !rows.ok() || !*entry) continue;
    if ((*entry)->rows_sha256.empty()) continue;  // applied before schema 2: nothing to compare
    // A later entry removed or replaced rows of this one (a deletion, an edit): they are not what
    // this digest hashed. The later entry's own digest audits the change (row_changes).
    auto changed = storage_.rows_changed_later(p);
    if (!changed.ok() || *changed) continue;
    if ((*entry)->rows_sha256 != *rows) {
      mark_diverged({{"check", "rows"}, {"position", p}, {"expected_rows_sha256", (*entry)->rows_sha256},
                     {"actual_rows_sha256", *rows}});
    }
  }
  if (!peers_path_.empty()) {
    auto loaded = load_peers(peers_path_, own_node_id_);
    if (loaded.ok()) {
      peers_ = std::move(loaded).value();
    } else {
      log_event(LogLevel::warn, "peers_file_refused", {{"message", loaded.error().message}});
    }
  }
  // Peers: their signed entry at our last position (a peer behind us is asked again next round).
  if (last_position <= 0) return;
  auto mine = storage_.log_entry(last_position);
  if (!mine.ok() || !*mine) return;
  for (const Peer& peer : peers_) {
    httplib::Client client(peer.url);
    client.set_connection_timeout(1, 0);
    client.set_read_timeout(2, 0);
    auto res = client.Get("/v1/log/" + std::to_string(last_position));
    json seen = nullptr;
    if (res && res->status == 200) {
      auto doc = parse_json(res->body, JsonLimits{4096, 4});
      auto row = doc.ok() ? verify_log_entry(plugin_, *doc, peer.node_id) : Result<LogRow>(doc.error());
      if (!row.ok()) {
        log_event(LogLevel::warn, "peer_entry_refused", {{"peer", peer.node_id}, {"code", error_code_name(row.code())}});
      } else if (row->position != last_position) {
        log_event(LogLevel::warn, "peer_entry_refused", {{"peer", peer.node_id}, {"code", "MISMATCH"}});
      } else {
        seen = last_position;
        if (row->state_hash != (*mine)->state_hash) {
          mark_diverged({{"check", "peer"}, {"peer", peer.node_id}, {"position", last_position},
                         {"state_hash", (*mine)->state_hash}, {"peer_state_hash", row->state_hash}});
        }
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    peer_positions_[peer.node_id] = json{{"url", peer.url}, {"agreed_at", seen}};
  }
}

json ConsistencyMonitor::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return json{{"diverged", diverged_.load()}, {"last_divergence", last_divergence_}, {"peers", peer_positions_}};
}

}  // namespace idos::node
