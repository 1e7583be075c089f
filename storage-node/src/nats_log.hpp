// The replicated log on NATS JetStream (docs/cluster.md). Every node publishes the transactions
// its edge accepted to one stream (subject "<stream>.tx", Nats-Msg-Id = the transaction's SHA-256,
// so a retried publish is not a second entry) and applies the whole stream in order through a
// durable pull consumer of its own: position = stream sequence, log time = the second the stream
// stored the entry (the same on every replica). The edge answers when its own node has applied
// the sequence its publish was acknowledged with.
#pragma once

#include <atomic>
#include <functional>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin.hpp"
#include "storage.hpp"
#include "transaction_log.hpp"

namespace idos::node {

struct NatsSettings {
  std::vector<std::string> urls;  // nats://host:port
  std::string creds_path;         // this node's NATS user (.creds, mode 0600); "" = none
  std::string stream = "IDOS_LOG";
  int replicas = 3;               // when this node creates the stream
  std::string node_id;            // names the durable consumer
  int64_t max_entry_bytes = 8 << 20;
  // Called (on the consumer thread) when the stream no longer holds the entry after this node's
  // last position (purged below a snapshot: docs/cluster.md): brings the state to at least
  // `first_sequence - 1` from a peer's snapshot. Unset: the node waits and says so in /health.
  std::function<Status(int64_t first_sequence)> bootstrap;
};

class NatsLog final : public TransactionLog {
 public:
  // Connects, creates the stream when missing, and starts the consumer from the entry after the
  // last one this node applied.
  static Result<std::unique_ptr<NatsLog>> start(const NatsSettings& settings, Ledger& ledger, Storage& storage,
                                                const Plugin& plugin);
  ~NatsLog() override;
  Result<ApplyOutcome> append(const Transaction& tx, int64_t edge_time) override;
  int64_t applied_position() const override;
  bool wait_applied(int64_t position, std::chrono::milliseconds timeout) override;
  const char* kind() const override { return "nats"; }
  bool writable() const override;
  void stop();

  // The stream's first sequence now (1 for an unpurged stream; last + 1 when empty).
  Result<int64_t> first_sequence();
  // JetStream's purge with a sequence bound: removes every entry below `keep_from`, keeps
  // `keep_from` and later ($JS.API.STREAM.PURGE.<stream> {"seq": keep_from}; libnats 3.4
  // js_PurgeStream with jsOptions.Stream.Purge.Sequence, "purge up to but not including"). Idempotent.
  Status purge_below(int64_t keep_from);
  // {"state": "following" | "needed" | "failed", "message", "stream_first"}: /health shows it.
  nlohmann::json follow_status() const;

  struct Impl;

 private:
  explicit NatsLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace idos::node
