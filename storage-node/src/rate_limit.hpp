// Per-wallet token buckets: `rate` requests per second on average, bursts up to `burst`.
// Keyed by the authenticated caller (a canonical wallet identifier), so one caller cannot spend
// another's budget. Idle buckets are dropped when the table grows, bounding memory.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace idos::node {

class RateLimiter {
 public:
  RateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(burst < 1 ? 1 : burst) {}

  bool enabled() const { return rate_ > 0; }

  // true: allowed (one token taken). false: refused; retry_after_seconds says when one is back.
  bool allow(const std::string& key, double& retry_after_seconds) {
    retry_after_seconds = 0;
    if (!enabled()) return true;
    const double now = seconds_now();
    std::lock_guard<std::mutex> lock(mutex_);
    if (buckets_.size() > kMaxBuckets) prune(now);
    auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
    Bucket& b = it->second;
    if (!inserted) {
      b.tokens = std::min(burst_, b.tokens + (now - b.updated) * rate_);
      b.updated = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    retry_after_seconds = (1 - b.tokens) / rate_;
    return false;
  }

 private:
  struct Bucket {
    double tokens;
    double updated;
  };
  static constexpr size_t kMaxBuckets = 100000;

  static double seconds_now() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
  }
  // A bucket that would be full again carries no state worth keeping.
  void prune(double now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      if (it->second.tokens + (now - it->second.updated) * rate_ >= burst_) it = buckets_.erase(it);
      else ++it;
    }
  }

  const double rate_;
  const double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace idos::node
