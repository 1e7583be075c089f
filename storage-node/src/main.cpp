// idos-node: the reference storage node. See docs/node.md (operation, security model) and
// docs/api.md (HTTP API).
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "api.hpp"
#include "httplib_adapter.hpp"
#include "config.hpp"
#include "idos/primitives/init.hpp"
#include "ledger.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "node_keys.hpp"
#include "plugin.hpp"
#include "rate_limit.hpp"
#include "storage.hpp"
#include "thread_pool.hpp"

using namespace idos;
using namespace idos::node;

namespace {

int die(const std::string& event, const std::string& message) {
  log_event(LogLevel::error, event, {{"message", message}});
  return 1;
}

bool make_data_dir(const std::string& dir, std::string& error) {
  std::string partial;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!partial.empty() && ::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
        error = "cannot create " + partial + ": " + std::strerror(errno);
        return false;
      }
    }
    if (i < dir.size()) partial.push_back(dir[i]);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = dir + " is not a directory";
    return false;
  }
  return true;
}

int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto config_r = load_config(args);
  if (!config_r.ok()) {
    std::fprintf(stderr, "idos-node: %s\n", config_r.error().message.c_str());
    return 2;
  }
  Config config = std::move(config_r).value();
  if (config.show_help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (config.show_version) {
    std::printf("idos-node %s\n", IDOS_VERSION);
    return 0;
  }
  // The operator's issuer keys per inserter: a malformed file is a configuration error, like a flag.
  IssuerDelegates delegates;
  if (!config.issuer_delegates_path.empty()) {
    auto d = IssuerDelegates::load(config.issuer_delegates_path);
    if (!d.ok()) {
      std::fprintf(stderr, "idos-node: %s\n", d.error().message.c_str());
      return 2;
    }
    delegates = std::move(d).value();
  }
  LogLevel level = LogLevel::info;
  parse_log_level(config.log_level, level);
  set_log_level(level);

  // SIGTERM/SIGINT are taken by a dedicated thread (sigwait); block them everywhere else, before
  // any thread starts, so no worker is interrupted. SIGPIPE: a client that hung up is not fatal.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (!initialize().ok()) return die("start_failed", "libsodium failed to initialise");

  // The plugin first: without it the node must not serve anything.
  auto plugin_r = Plugin::load(config.plugin_path);
  if (!plugin_r.ok()) return die("plugin_refused", plugin_r.error().message);
  const Plugin& plugin = **plugin_r;

  // Databases, WAL files and keys: readable by the node's user only.
  ::umask(077);
  std::string dir_error;
  if (!make_data_dir(config.data_dir, dir_error)) return die("start_failed", dir_error);
  auto keys_r = NodeKeys::load_or_create(config.data_dir);
  if (!keys_r.ok()) return die("start_failed", keys_r.error().message);
  const NodeKeys keys = std::move(keys_r).value();

  auto storage_r = open_sqlite_storage(config.data_dir, config.threads + 2);
  if (!storage_r.ok()) return die("start_failed", storage_r.error().message);
  std::unique_ptr<Storage> storage = std::move(storage_r).value();

  Ledger ledger(*storage, plugin, keys, delegates);
  if (auto st = ledger.open(); !st.ok()) return die("start_failed", st.error().message);

  Metrics metrics;
  metrics.set_log_position(ledger.last_position());
  RateLimiter limiter(config.rate_limit, config.rate_burst);
  ApiContext ctx{config, *storage, plugin, keys, ledger, metrics, limiter};

  httplib::Server server;
  const size_t threads = config.threads, queue = config.queue;
  server.new_task_queue = [threads, queue] { return new BoundedThreadPool(threads, queue); };
  std::unique_ptr<http::Service> api = make_api(ctx);
  install_service(server, *api, config);

  int port = config.listen_port;
  if (port == 0) {
    port = server.bind_to_any_port(config.listen_host);
    if (port <= 0) return die("start_failed", "cannot bind " + config.listen_host);
  } else if (!server.bind_to_port(config.listen_host, port)) {
    return die("start_failed", "cannot bind " + config.listen_host + ":" + std::to_string(port));
  }

  // Stop: the signal thread stops the server; listen_after_bind() then returns after the worker
  // pool has finished every request in flight.
  std::atomic<bool> stopping{false};
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (stopping.exchange(true)) return;
    log_event(LogLevel::info, "stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.stop();
    stop_cv.notify_all();
  });
  // Expired nonces are dropped every 30 s.
  std::thread purge_thread([&] {
    std::unique_lock<std::mutex> lock(stop_mutex);
    while (!stopping.load()) {
      stop_cv.wait_for(lock, std::chrono::seconds(30), [&] { return stopping.load(); });
      if (stopping.load()) break;
      if (auto st = storage->purge_nonces(wall_now()); !st.ok()) {
        log_event(LogLevel::warn, "purge_failed", {{"message", st.error().message}});
      }
    }
  });

  log_event(LogLevel::info, "listening",
            {{"host", config.listen_host},
             {"port", port},
             {"data", config.data_dir},
             {"node_id", keys.node_id()},
             {"version", IDOS_VERSION},
             {"plugin_abi", plugin.abi_version()},
             {"plugin_version", plugin.version()},
             {"log_position", ledger.last_position()},
             {"threads", config.threads}});
  const bool served = server.listen_after_bind();

  if (!stopping.exchange(true)) {
    // listen ended on its own (socket error): wake the signal thread so it can be joined.
    pthread_kill(signal_thread.native_handle(), SIGTERM);
  }
  stop_cv.notify_all();
  signal_thread.join();
  purge_thread.join();
  storage->close();
  log_event(LogLevel::info, "stopped", {{"log_position", ledger.last_position()}});
  return served ? 0 : 1;
}
