#include "metrics.hpp"

#include <sstream>

namespace idos::node {

void Metrics::observe_request(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_[{method, route}][status]++;
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) h.buckets[i]++;
  }
  h.count++;
  h.sum += seconds;
}

void Metrics::count_write(const std::string& operation, const std::string& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  writes_[{operation, result}]++;
}

void Metrics::count_auth_failure(const std::string& code) {
  std::lock_guard<std::mutex> lock(mutex_);
  auth_failures_[code]++;
}

std::string Metrics::render(const std::string& version, int plugin_abi) const {
  std::ostringstream out;
  out << "# HELP idos_node_info Build and plugin information.\n# TYPE idos_node_info gauge\n"
      << "idos_node_info{version=\"" << version << "\",plugin_abi=\"" << plugin_abi << "\"} 1\n";
  out << "# HELP idos_node_log_position Position of the last applied log entry.\n"
      << "# TYPE idos_node_log_position gauge\nidos_node_log_position " << log_position_.load() << "\n";
  out << "# HELP idos_node_requests_in_flight Requests being handled.\n"
      << "# TYPE idos_node_requests_in_flight gauge\nidos_node_requests_in_flight " << in_flight_.load() << "\n";
  out << "# HELP idos_node_divergences_total State checks that found this node diverged (peer state hash or own rows).\n"
      << "# TYPE idos_node_divergences_total counter\nidos_node_divergences_total " << divergences_.load() << "\n";
  out << "# HELP idos_node_rate_limited_total Requests refused by the per-wallet rate limit.\n"
      << "# TYPE idos_node_rate_limited_total counter\nidos_node_rate_limited_total " << rate_limited_.load()
      << "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  out << "# HELP idos_node_requests_total HTTP requests by route and status.\n"
      << "# TYPE idos_node_requests_total counter\n";
  for (const auto& [key, by_status] : requests_) {
    for (const auto& [status, n] : by_status) {
      out << "idos_node_requests_total{method=\"" << key.first << "\",route=\"" << key.second << "\",status=\""
          << status << "\"} " << n << "\n";
    }
  }
  out << "# HELP idos_node_request_duration_seconds Time from routing to response, by route.\n"
      << "# TYPE idos_node_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out << "idos_node_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kBuckets[i] << "\"} "
          << h.buckets[i] << "\n";
    }
    out << "idos_node_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << "\n";
    out << "idos_node_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n";
    out << "idos_node_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << "\n";
  }
  out << "# HELP idos_node_writes_total Log entries applied, by operation and result code.\n"
      << "# TYPE idos_node_writes_total counter\n";
  for (const auto& [key, n] : writes_) {
    out << "idos_node_writes_total{operation=\"" << key.first << "\",result=\"" << key.second << "\"} " << n << "\n";
  }
  out << "# HELP idos_node_auth_failures_total Signed requests refused, by error code.\n"
      << "# TYPE idos_node_auth_failures_total counter\n";
  for (const auto& [code, n] : auth_failures_) {
    out << "idos_node_auth_failures_total{code=\"" << code << "\"} " << n << "\n";
  }
  return out.str();
}

}  // namespace idos::node
