// Same state, checked (docs/cluster.md). Every applied log entry carries a running state hash;
// this file signs an entry for GET /v1/log/{position} and watches for divergence two ways:
// - self-audit: the rows an entry wrote are hashed again and compared with the entry's
//   rows_sha256 (a row changed behind the node's back shows up here);
// - peers: each permitted node's signed entry at our last position is fetched, its signature
//   checked against its node id, and its state hash compared with ours.
// A difference marks the node diverged (/health 503, a metric, a log line with both hashes).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "idos/primitives/result.hpp"
#include "metrics.hpp"
#include "node_keys.hpp"
#include "plugin.hpp"
#include "storage.hpp"

namespace idos::node {

// {"node_id", "position", "log_time", "tx_sha256", "result", "state_hash", "signature"}: the
// signature over the plugin's node_log_entry message (docs/cluster.md, "Signed log entries").
Result<nlohmann::json> signed_log_entry(const Plugin& plugin, const NodeKeys& keys, const LogRow& row);
// Checks a peer's signed entry (the plugin's node_log_entry verdict) against the node id it must
// come from: the LogRow it names.
Result<LogRow> verify_log_entry(const Plugin& plugin, const nlohmann::json& entry, const std::string& expected_node_id);

struct Peer {
  std::string node_id;  // 64 hex Ed25519 public key
  std::string url;      // http://host:port
};
// The peers file: {"nodes": [{"node_id": "<64 hex>", "url": "http://127.0.0.1:8801"}, ...]} (≤ 64
// nodes, ≤ 64 KiB); this node's own entry, when listed, is skipped.
Result<std::vector<Peer>> load_peers(const std::string& path, const std::string& own_node_id);

class ConsistencyMonitor {
 public:
  // `peers_path` ("" = none) is read again every round, so nodes can be added or removed without
  // a restart; a file that does not read keeps the previous list (and logs why).
  ConsistencyMonitor(const Plugin& plugin, Storage& storage, Metrics& metrics, std::string peers_path,
                     std::string own_node_id)
      : plugin_(plugin),
        storage_(storage),
        metrics_(metrics),
        peers_path_(std::move(peers_path)),
        own_node_id_(std::move(own_node_id)) {}
  // One round: audits up to `audit_batch` entries (cycling over the log), then asks every peer.
  void run_once(int64_t last_position, size_t audit_batch);
  bool diverged() const { return diverged_.load(); }
  nlohmann::json status() const;

 private:
  void mark_diverged(const nlohmann::json& fields);
  const Plugin& plugin_;
  Storage& storage_;
  Metrics& metrics_;
  std::string peers_path_;
  std::string own_node_id_;
  std::vector<Peer> peers_;
  int64_t audit_next_ = 1;
  std::atomic<bool> diverged_{false};
  mutable std::mutex mutex_;
  nlohmann::json last_divergence_ = nullptr;
  nlohmann::json peer_positions_ = nlohmann::json::object();
};

}  // namespace idos::node
