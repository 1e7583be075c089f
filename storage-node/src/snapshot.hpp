// Snapshots of a network node's state, their agreement, the stream's purge and bootstrap
// (docs/cluster.md "Snapshots, purge and bootstrap"):
//
// - every --snapshot-interval the node exports its state at its applied position P
//   (snapshot_format.hpp: logical values, credentials as canonical documents) into a file of
//   <data>/snapshots sealed under its at-rest key (mode 0600);
// - P is agreed when no peer that answers signed another state hash at P and at least one did
//   (GET /v1/log/P); then older snapshot files go, and the stream is purged below P + 1, or below
//   the position of the slowest peer that answers, whichever is lower (any node may purge; the
//   purge is idempotent);
// - a node whose next entry is no longer in the stream fetches a peer's latest agreed snapshot
//   (GET /v1/snapshot, GET /v1/snapshot/P, both signed by the asking node's identity key and served
//   only to nodes of the peers file), checks the manifest's signature, that the other peers signed
//   the same state hash at P, and the bytes against the manifest, and imports it.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "consistency.hpp"
#include "ledger.hpp"
#include "node_keys.hpp"
#include "plugin.hpp"
#include "snapshot_format.hpp"
#include "storage.hpp"

namespace idos::node {

class NatsLog;

// The header a node asks for a snapshot with: base64 of the node_snapshot_request document (JSON).
inline constexpr const char* kNodeAuthHeader = "Idos-Node-Auth";

// The node's whole state as snapshot bytes (credentials opened from their sealed form).
Result<std::string> export_snapshot(Storage& storage, const NodeKeys& keys, SnapshotSummary* summary);
// Replaces the node's state with the snapshot's (credentials sealed under this node's key), in one
// transaction; the bytes are checked whole before anything is written (parse_snapshot).
Status import_snapshot(Storage& storage, const NodeKeys& keys, std::string_view bytes, SnapshotSummary* summary);

struct SnapshotLimits {
  size_t max_bytes = kMaxSnapshotBytes;  // a snapshot served or fetched
  int download_seconds = 300;            // a whole download
};

class SnapshotService {
 public:
  SnapshotService(const Plugin& plugin, Storage& storage, const NodeKeys& keys, Ledger& ledger, std::string data_dir,
                  std::string peers_path, SnapshotLimits limits = {});
  // Creates <data>/snapshots (0700), drops unagreed files, finds the latest agreed one.
  Status open();

  // One round (the snapshot thread): a snapshot at the applied position when there is anything new,
  // its agreement, old files removed; then the stream purged below the latest agreed snapshot (with
  // `log`). Returns the latest agreed position (0: none).
  int64_t run_round(NatsLog* log, int agreement_tries);

  // Serving (GET /v1/snapshot[/P]): the requester's header checked first (a peer, signed, fresh).
  Status authorize(const std::string& header_value, int64_t position, int64_t now) const;
  Result<nlohmann::json> latest_manifest() const;
  Result<std::string> snapshot_bytes(int64_t position) const;

  // Bootstrap: a peer's agreed snapshot at or after `min_position`, verified and imported.
  Status bootstrap(int64_t min_position);

  nlohmann::json status() const;

 private:
  struct Agreement {
    bool agreed = false;
    bool disagreed = false;  // a peer signed another state hash there
    int signers = 0;
    std::optional<int64_t> slowest_live;  // the lowest position of a peer that answered below P
    std::string problem;
  };
  void take_and_agree(int agreement_tries);
  void purge(NatsLog& log);
  Agreement check_agreement(int64_t position, const std::string& state_hash, const std::string& skip_node_id) const;
  std::string path_of(int64_t position, bool agreed) const;
  Status write_sealed(const std::string& path, int64_t position, const std::string& bytes) const;
  Result<std::string> read_sealed(const std::string& path, int64_t position) const;
  void remove_older_than(int64_t position);
  Result<nlohmann::json> manifest_for(int64_t position, const std::string& bytes, const std::string& state_hash) const;

  const Plugin& plugin_;
  Storage& storage_;
  const NodeKeys& keys_;
  Ledger& ledger_;
  std::string dir_;
  std::string peers_path_;
  SnapshotLimits limits_;
  mutable std::mutex mutex_;
  int64_t agreed_position_ = 0;  // the latest agreed snapshot this node holds (0: none)
  std::string agreed_state_hash_;
  int64_t last_purge_below_ = 0;
  std::string last_problem_;
};

}  // namespace idos::node
