// The HTTP/1.1 JSON API (docs/api.md) as an http::Service (http.hpp): request authentication (signed requests,
// checked by the plugin with the wall clock, nonces kept in the replay store), per-wallet rate
// limits, shape checks of request bodies, transactions submitted to the ledger, receipts signed
// by the node, reads, the public grant explorer, /health and /metrics.
#pragma once

#include <memory>
#include <string>

#include "config.hpp"
#include "consistency.hpp"
#include "http.hpp"
#include "ledger.hpp"
#include "metrics.hpp"
#include "node_keys.hpp"
#include "plugin.hpp"
#include "rate_limit.hpp"
#include "snapshot.hpp"
#include "storage.hpp"
#include "nats_log.hpp"
#include "transaction_log.hpp"

namespace idos::node {

// Name of the header carrying the signed request: base64 (standard, padded) of its JSON document.
inline constexpr const char* kSignedRequestHeader = "Idos-Signed-Request";
// A read that must not see a state older than this log position (docs/api.md).
inline constexpr const char* kMinPositionHeader = "Idos-Min-Position";

struct ApiContext {
  const Config& config;
  Storage& storage;
  const Plugin& plugin;
  const NodeKeys& keys;
  Ledger& ledger;
  Metrics& metrics;
  RateLimiter& rate_limiter;
  TransactionLog& log;
  const ConsistencyMonitor* consistency;  // null without peers (single node): never diverged by peers
  // A network node (--nats): its snapshots (GET /v1/snapshot) and whether it follows the stream.
  const SnapshotService* snapshots = nullptr;
  const NatsLog* nats = nullptr;
};

// The API: routes, authentication, handlers, access log. `ctx` must outlive it.
std::unique_ptr<http::Service> make_api(ApiContext& ctx);

}  // namespace idos::node
