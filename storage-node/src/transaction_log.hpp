// Where the edge sends a transaction: the node's log. Two kinds (docs/cluster.md):
// - EmbeddedLog: in-process, one node; the position is the next integer, log time the edge's clock.
// - NatsLog (nats_log.hpp): a NATS JetStream stream shared by every node; position = stream
//   sequence, log time = the time the stream stored the entry; each node applies the stream in
//   order and the edge answers once its own node has applied the entry.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "idos/primitives/result.hpp"
#include "ledger.hpp"

namespace idos::node {

class TransactionLog {
 public:
  virtual ~TransactionLog() = default;
  // Appends `tx` and waits until this node has applied it: the outcome (or the refusal) apply()
  // gave. UNAVAILABLE when the log cannot take or confirm it now (nothing is known to be written).
  virtual Result<ApplyOutcome> append(const Transaction& tx, int64_t edge_time) = 0;
  virtual int64_t applied_position() const = 0;
  // true once this node has applied `position`; false after `timeout`.
  virtual bool wait_applied(int64_t position, std::chrono::milliseconds timeout) = 0;
  virtual const char* kind() const = 0;
  // false while the log cannot take writes (the edge answers them UNAVAILABLE).
  virtual bool writable() const = 0;
};

class EmbeddedLog final : public TransactionLog {
 public:
  explicit EmbeddedLog(Ledger& ledger) : ledger_(ledger) {}
  Result<ApplyOutcome> append(const Transaction& tx, int64_t edge_time) override { return ledger_.submit(tx, edge_time); }
  int64_t applied_position() const override { return ledger_.last_position(); }
  // Every append is applied before it returns: a position not applied yet is one never written.
  bool wait_applied(int64_t position, std::chrono::milliseconds) override { return ledger_.last_position() >= position; }
  const char* kind() const override { return "embedded"; }
  bool writable() const override { return true; }

 private:
  Ledger& ledger_;
};

}  // namespace idos::node
