// idos-node: the reference storage node. See docs/node.md (operation, security model) and
// docs/api.md (HTTP API).
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fstream>
#include <sstream>

#include "api.hpp"
#include "http_server.hpp"
#include "config.hpp"
#include "idos/primitives/init.hpp"
#include "idos/primitives/secret.hpp"
#include "ledger.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "nats_log.hpp"
#include "consistency.hpp"
#include "transaction_log.hpp"
#include "node_keys.hpp"
#include "pg_storage.hpp"
#include "plugin.hpp"
#include "rate_limit.hpp"
#include "snapshot.hpp"
#include "storage.hpp"

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

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

ServerOptions server_options(const Config& c) {
  ServerOptions o;
  o.host = c.listen_host;
  o.port = c.listen_port;
  o.threads = c.threads;
  o.backlog = c.queue;
  o.max_connections = c.max_connections;
  o.max_connections_per_ip = c.max_connections_per_ip;
  o.max_headers = c.max_headers;
  o.max_header_bytes = c.max_header_bytes;
  o.max_body = c.max_body;
  o.idle_timeout = std::max(c.read_timeout, c.write_timeout);
  o.keep_alive_timeout = c.keep_alive_timeout;
  o.keep_alive_max = c.keep_alive_max;
  o.header_timeout = c.header_timeout;
  o.body_timeout = c.body_timeout;
  o.shutdown_timeout = c.shutdown_timeout;
  return o;
}

// An exclusive lock on the data folder for the life of the process (never released: the kernel
// drops it when the process ends, however it ends). A second node on the same folder fails.
bool lock_data_dir(const std::string& dir, std::string& error) {
  const std::string path = dir + "/node.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    error = "the data folder " + dir + " is in use by another idos-node (" + path +
            " is locked): stop that node, or give this one another --data";
    ::close(fd);
    return false;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::write(fd, pid.data(), pid.size());
  return true;
}

// The keys of the data folder, checked against what the state recorded about them: a node never
// starts with key files that are not those its database was written with (docs/node.md).
Result<NodeKeys> keys_for_state(const std::string& dir, Storage& storage, int64_t last_position) {
  auto refuse = [](const std::string& message) { return make_error(ErrorCode::forbidden, message); };
  IDOS_TRY(auto backup_of, storage.node_meta("backup_of"));
  if (backup_of && !backup_of->empty()) {
    return refuse(dir + "/node.db is a backup copy of node " + *backup_of +
                  ": a node starts on it only after `idos-node restore` gave it a new identity");
  }
  IDOS_TRY(auto node_id, storage.node_meta("node_id"));
  IDOS_TRY(auto check, storage.node_meta("at_rest_key_check"));
  const bool has_at_rest = NodeKeys::file_exists(dir, "at_rest.key");
  const bool has_identity = NodeKeys::file_exists(dir, "identity.key");
  const std::string db = dir + "/node.db";
  if (!node_id && last_position == 0) {
    if (has_at_rest || has_identity) {
      return refuse(db + " holds no state and no record of the key files in " + dir +
                    " (at_rest.key, identity.key): node.db was deleted or replaced. Restore node.db from a "
                    "backup (idos-node restore), or, to start a new and empty node, move the key files away");
    }
  } else if (node_id) {
    if (!has_at_rest) {
      return refuse(dir + "/at_rest.key is missing, but " + db + " holds data sealed with it: restore at_rest.key "
                    "from your backup of the key files (a new key would leave every stored credential unreadable)");
    }
    if (!has_identity) {
      return refuse(dir + "/identity.key is missing, but " + db + " belongs to node " + *node_id +
                    ": restore identity.key from your backup of the key files (a new key would be another node)");
    }
  } else if (!has_at_rest || !has_identity) {
    return refuse(dir + "/" + (has_at_rest ? "identity.key" : "at_rest.key") + " is missing, but " + db +
                  " holds state: restore it from your backup of the key files");
  }
  IDOS_TRY(NodeKeys keys, NodeKeys::load_or_create(dir));
  if (node_id && *node_id != keys.node_id()) {
    return refuse(dir + "/identity.key is the key of node " + keys.node_id() + ", but " + db + " belongs to node " +
                  *node_id + ": put back the identity.key of that node");
  }
  if (check && *check != keys.at_rest_check()) {
    return refuse(dir + "/at_rest.key does not match " + db +
                  " (its check value differs): put back the at_rest.key this database was written with");
  }
  if (!node_id) {  // first start, or state from before the node recorded its keys
    IDOS_CHECK(storage.set_node_meta("node_id", keys.node_id()));
    IDOS_CHECK(storage.set_node_meta("at_rest_key_check", keys.at_rest_check()));
  }
  return keys;
}

// `idos-node backup --data DIR --out FILE`: an online, consistent copy of DIR's state (the node may
// be running: no folder lock). The key files are not in it: back them up once, separately.
int run_backup(const std::string& dir, const std::string& out) {
  auto storage_r = open_sqlite_storage(dir, 1);
  if (!storage_r.ok()) return die("backup_failed", storage_r.error().message);
  if (auto st = (*storage_r)->backup_to(out); !st.ok()) return die("backup_failed", st.error().message);
  auto last = (*storage_r)->last_applied_position();
  log_event(LogLevel::info, "backup_written", {{"out", out}, {"log_position", last.ok() ? *last : 0}});
  return 0;
}

// `idos-node restore --data DIR --from FILE`: the backup becomes DIR/node.db under a NEW identity
// (docs/node.md says why): the old identity.key is kept aside as identity.key.retired-<id>, so the
// positions after the backup, already receipted by the old identity, are never signed again by it.
// DIR must hold the at_rest.key the backup was written with, and no node.db.
int run_restore(const std::string& dir, const std::string& from) {
  std::string error;
  if (!make_data_dir(dir, error)) return die("restore_failed", error);
  if (!lock_data_dir(dir, error)) return die("restore_failed", error);
  struct stat st {};
  if (::stat((dir + "/node.db").c_str(), &st) == 0) {
    return die("restore_failed", dir + "/node.db exists: move it (and node.db-wal, node.db-shm) away first");
  }
  if (!NodeKeys::file_exists(dir, "at_rest.key")) {
    return die("restore_failed", dir + "/at_rest.key is missing: put the at_rest.key the backup was written with there");
  }
  {
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(dir + "/node.db", std::ios::binary);
    if (!in || !out || !(out << in.rdbuf()) || !out.flush()) return die("restore_failed", "cannot copy " + from);
  }
  auto fail = [&](const std::string& message) {
    ::unlink((dir + "/node.db").c_str());
    return die("restore_failed", message);
  };
  auto storage_r = open_sqlite_storage(dir, 1);
  if (!storage_r.ok()) return fail(storage_r.error().message);
  Storage& storage = **storage_r;
  auto backup_of = storage.node_meta("backup_of");
  auto check = storage.node_meta("at_rest_key_check");
  if (!backup_of.ok() || !*backup_of || (*backup_of)->empty() || !check.ok() || !*check) {
    storage.close();
    return fail(from + " is not a backup written by `idos-node backup`");
  }
  const std::string old_id = **backup_of;
  if (NodeKeys::file_exists(dir, "identity.key")) {
    const std::string retired = dir + "/identity.key.retired-" + old_id;
    if (::rename((dir + "/identity.key").c_str(), retired.c_str()) != 0) {
      storage.close();
      return fail("cannot move identity.key aside");
    }
  }
  auto keys = NodeKeys::load_or_create(dir);  // at_rest.key as it is, a new identity.key
  if (!keys.ok()) {
    storage.close();
    return fail(keys.error().message);
  }
  if (keys->at_rest_check() != **check) {
    storage.close();
    return fail(dir + "/at_rest.key does not match the backup: put the at_rest.key it was written with there");
  }
  auto previous = storage.node_meta("previous_node_ids");
  const std::string chain = previous.ok() && *previous ? **previous + "," + old_id : old_id;
  for (const auto& [k, v] : {std::pair<std::string, std::string>{"previous_node_ids", chain},
                             {"node_id", keys->node_id()},
                             {"backup_of", ""}}) {
    if (auto st2 = storage.set_node_meta(k, v); !st2.ok()) {
      storage.close();
      return fail(st2.error().message);
    }
  }
  auto last = storage.last_applied_position();
  storage.close();
  log_event(LogLevel::info, "restored",
            {{"data", dir}, {"node_id", keys->node_id()}, {"previous_node_id", old_id},
             {"log_position", last.ok() ? *last : 0}});
  return 0;
}

// The subcommands: argv[1] is "backup" or "restore"; their flags only.
int run_subcommand(const std::vector<std::string>& args) {
  std::string dir, file;
  const bool backup = args[0] == "backup";
  for (size_t i = 1; i < args.size(); ++i) {
    if (i + 1 >= args.size()) break;
    if (args[i] == "--data") dir = args[++i];
    else if (args[i] == (backup ? "--out" : "--from")) file = args[++i];
    else {
      std::fprintf(stderr, "idos-node %s: unknown option %s\n", args[0].c_str(), args[i].c_str());
      return 2;
    }
  }
  if (dir.empty() || file.empty()) {
    std::fprintf(stderr, "usage: idos-node backup --data DIR --out FILE | idos-node restore --data DIR --from FILE\n");
    return 2;
  }
  if (!initialize().ok()) return die("start_failed", "libsodium failed to initialise");
  ::umask(077);
  return backup ? run_backup(dir, file) : run_restore(dir, file);
}

int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "backup" || args[0] == "restore")) return run_subcommand(args);
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

  // SIGTERM/SIGINT/SIGHUP are taken by the main thread (sigwait); block them everywhere else,
  // before any thread starts, so no worker is interrupted. SIGPIPE: a client that hung up is not
  // fatal.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ServerOptions http_options = server_options(config);
  if (!config.tls_cert_path.empty()) {
    if (!read_file(config.tls_cert_path, http_options.tls_cert_pem))
      return die("start_failed", "cannot read --tls-cert " + config.tls_cert_path);
    if (!read_file(config.tls_key_path, http_options.tls_key_pem))
      return die("start_failed", "cannot read --tls-key " + config.tls_key_path);
  }

  if (!initialize().ok()) return die("start_failed", "libsodium failed to initialise");

  // The plugin first: without it the node must not serve anything.
  auto plugin_r = Plugin::load(config.plugin_path);
  if (!plugin_r.ok()) return die("plugin_refused", plugin_r.error().message);
  const Plugin& plugin = **plugin_r;

  // Databases, WAL files and keys: readable by the node's user only.
  ::umask(077);
  std::string dir_error;
  if (!make_data_dir(config.data_dir, dir_error)) return die("start_failed", dir_error);
  if (!lock_data_dir(config.data_dir, dir_error)) return die("start_refused", dir_error);

  auto storage_r = config.storage == "postgres" ? open_postgres_storage(config.pg_conninfo, config.threads + 2)
                                                : open_sqlite_storage(config.data_dir, config.threads + 2);
  wipe(config.pg_conninfo);  // the storage keeps its own copy for reconnecting
  if (!storage_r.ok()) return die("start_failed", storage_r.error().message);
  std::unique_ptr<Storage> storage = std::move(storage_r).value();
  auto last_r = storage->last_applied_position();
  if (!last_r.ok()) return die("start_failed", last_r.error().message);
  auto keys_r = keys_for_state(config.data_dir, *storage, *last_r);
  if (!keys_r.ok()) return die(keys_r.code() == ErrorCode::forbidden ? "start_refused" : "start_failed",
                               keys_r.error().message);
  const NodeKeys keys = std::move(keys_r).value();

  Ledger ledger(*storage, plugin, keys, delegates);
  if (auto st = ledger.open(); !st.ok()) return die("start_failed", st.error().message);

  Metrics metrics;
  metrics.set_log_position(ledger.last_position());
  RateLimiter limiter(config.rate_limit, config.rate_burst);

  // The log: embedded (one node), or the NATS JetStream stream every node applies (docs/cluster.md).
  EmbeddedLog embedded(ledger);
  std::unique_ptr<NatsLog> nats;
  // A network node keeps snapshots of its state (docs/cluster.md "Snapshots, purge and bootstrap").
  std::unique_ptr<SnapshotService> snapshots;
  if (!config.nats_urls.empty()) {
    snapshots = std::make_unique<SnapshotService>(plugin, *storage, keys, ledger, config.data_dir, config.peers_path);
    if (auto st = snapshots->open(); !st.ok()) return die("start_failed", st.error().message);
  }
  if (!config.nats_urls.empty()) {
    NatsSettings ns;
    ns.urls = config.nats_urls;
    ns.creds_path = config.nats_creds_path;
    ns.stream = config.stream;
    ns.replicas = config.stream_replicas;
    ns.node_id = keys.node_id();
    SnapshotService* service = snapshots.get();
    if (!config.peers_path.empty()) {
      ns.bootstrap = [service, &metrics, &ledger](int64_t first_sequence) {
        Status st = service->bootstrap(first_sequence - 1);
        metrics.set_log_position(ledger.last_position());
        return st;
      };
    }
    auto started = NatsLog::start(ns, ledger, *storage, plugin);
    if (!started.ok()) return die("start_failed", started.error().message);
    nats = std::move(started).value();
  }
  TransactionLog& log = nats ? static_cast<TransactionLog&>(*nats) : embedded;
  // A peers file that exists must read (a configuration error, like a flag); it is read again
  // every round, so it may also appear later (scripts/cluster writes it once every node is up).
  size_t peer_count = 0;
  if (!config.peers_path.empty() && ::access(config.peers_path.c_str(), F_OK) == 0) {
    auto p = load_peers(config.peers_path, keys.node_id());
    if (!p.ok()) return die("start_failed", p.error().message);
    peer_count = p->size();
  }
  ConsistencyMonitor consistency(plugin, *storage, metrics, config.peers_path, keys.node_id());
  ApiContext ctx{config, *storage, plugin, keys, ledger, metrics, limiter, log, &consistency};
  ctx.snapshots = snapshots.get();
  ctx.nats = nats.get();

  std::unique_ptr<http::Service> api = make_api(ctx);
  auto server_r = HttpServer::start(http_options, *api);
  if (!server_r.ok()) return die("start_failed", server_r.error().message);
  std::unique_ptr<HttpServer> server = std::move(server_r).value();
  const int port = server->port();

  std::atomic<bool> stopping{false};
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
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
  // State checks: self-audit of applied rows and, with a peers file, comparison with the peers.
  std::thread consistency_thread([&] {
    std::unique_lock<std::mutex> lock(stop_mutex);
    while (!stopping.load()) {
      stop_cv.wait_for(lock, std::chrono::seconds(config.peer_check_interval), [&] { return stopping.load(); });
      if (stopping.load()) break;
      lock.unlock();
      consistency.run_once(log.applied_position(), 2000);
      lock.lock();
    }
  });

  // Snapshots: every --snapshot-interval, one round (snapshot, agreement, purge).
  std::thread snapshot_thread([&] {
    if (!snapshots || config.snapshot_interval <= 0) return;
    std::unique_lock<std::mutex> lock(stop_mutex);
    while (!stopping.load()) {
      stop_cv.wait_for(lock, std::chrono::seconds(config.snapshot_interval), [&] { return stopping.load(); });
      if (stopping.load()) break;
      lock.unlock();
      snapshots->run_round(nats.get(), 5);
      lock.lock();
    }
  });

  log_event(LogLevel::info, "listening",
            {{"host", config.listen_host},
             {"port", port},
             {"data", config.data_dir},
             {"storage", config.storage},
             {"node_id", keys.node_id()},
             {"version", IDOS_VERSION},
             {"plugin_abi", plugin.abi_version()},
             {"plugin_version", plugin.version()},
             {"log_position", ledger.last_position()},
             {"log", log.kind()},
             {"peers", peer_count},
             {"threads", config.threads},
             {"tls", !http_options.tls_cert_pem.empty()}});
  // SIGHUP: the logs go to stderr (the service manager keeps them), so there is nothing to reopen;
  // it is logged and otherwise ignored rather than ending the process.
  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    log_event(LogLevel::info, "sighup", {{"action", "ignored: logs go to stderr, nothing to reopen"}});
  }
  log_event(LogLevel::info, "stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  server->stop();
  {
    std::lock_guard<std::mutex> lock(stop_mutex);
    stopping = true;
  }
  stop_cv.notify_all();
  purge_thread.join();
  consistency_thread.join();
  snapshot_thread.join();
  if (nats) nats->stop();
  storage->close();
  log_event(LogLevel::info, "stopped", {{"log_position", ledger.last_position()}});
  return 0;
}
