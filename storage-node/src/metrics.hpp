// Prometheus text-format metrics (exposition format 0.0.4): labelled counters, gauges and one
// request-latency histogram. Thread-safe; cheap enough for every request (one mutex per update).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace idos::node {

class Metrics {
 public:
  // route: the matched route pattern (never the raw path, so label cardinality stays bounded).
  void observe_request(const std::string& method, const std::string& route, int status, double seconds);
  void count_write(const std::string& operation, const std::string& result);
  void count_auth_failure(const std::string& code);
  void count_rate_limited() { rate_limited_.fetch_add(1, std::memory_order_relaxed); }
  void set_log_position(int64_t position) { log_position_.store(position, std::memory_order_relaxed); }
  void add_in_flight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }
  // A state hash that differs from a peer's, or a row that no longer matches its log entry.
  void count_divergence() { divergences_.fetch_add(1, std::memory_order_relaxed); }

  std::string render(const std::string& version, int plugin_abi) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::map<int, uint64_t>> requests_;  // (method, route) -> status -> n
  std::map<std::string, Histogram> latency_;                                          // route -> histogram
  std::map<std::pair<std::string, std::string>, uint64_t> writes_;
  std::map<std::string, uint64_t> auth_failures_;
  std::atomic<uint64_t> rate_limited_{0};
  std::atomic<int64_t> log_position_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<uint64_t> divergences_{0};
};

}  // namespace idos::node
