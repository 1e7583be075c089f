// idos-node settings: built-in defaults < config file < environment (IDOS_NODE_*) < flags.
// Every setting has the same name in all three places: `--max-body 1048576`,
// `IDOS_NODE_MAX_BODY=1048576`, `max-body = 1048576` (docs/node.md lists them).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "idos/primitives/result.hpp"

namespace idos::node {

struct Config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8787;  // 0: any free port (the "listening" log line says which)
  std::string data_dir = "./data";
  std::string plugin_path;
  size_t threads = 8;           // HTTP event-loop threads (handlers run on them)
  size_t queue = 64;            // kernel backlog of connections not yet accepted
  size_t max_body = 32u << 20;  // bytes, counted while reading (also chunked); larger: 413
  int read_timeout = 10;        // s without a byte received or sent during a request
  int write_timeout = 10;       // (same inactivity timeout: the larger of the two applies)
  int keep_alive_timeout = 2;   // s an idle connection waits for its next request
  size_t keep_alive_max = 1000;  // requests per connection
  // HTTP edge limits (http_server.hpp).
  size_t max_connections = 1024;
  size_t max_connections_per_ip = 64;
  size_t max_headers = 64;         // header fields per request; more: 431
  size_t max_header_bytes = 8192;  // request line + header fields; more: 431
  int header_timeout = 10;         // s to send a request's headers
  int body_timeout = 60;           // s to send a request's body once its headers are in
  int shutdown_timeout = 3;        // s SIGTERM waits for requests in flight
  std::string tls_cert_path, tls_key_path;  // both: serve HTTPS only
  uint64_t min_free_disk = 64u << 20;
  std::vector<std::string> cors_origins;  // origins ("https://app.example") or "*" (public reads only)  // bytes free in the data folder's file system, else /health is 503
  double rate_limit = 50;        // signed requests per second per wallet (0: off)
  double rate_burst = 200;
  double address_rate_limit = 50;  // per IP address: unauthenticated and unregistered requests/s (0: off)
  double address_rate_burst = 200;
  std::string log_level = "info";
  std::string issuer_delegates_path;  // "" = no issuer delegation (docs/node.md)
  std::string storage = "sqlite";     // "sqlite" (in data_dir) or "postgres" (pg_conninfo)
  std::string pg_conninfo;            // libpq connection string or URI; may hold a password: never logged
  bool access_log = true;  // one JSON line per request (event "request")
  // The replicated log (docs/cluster.md); no URLs = the embedded in-process log.
  std::vector<std::string> nats_urls;
  std::string nats_creds_path;
  std::string stream = "IDOS_LOG";
  int stream_replicas = 3;
  std::string peers_path;
  int peer_check_interval = 5;  // seconds
  // Seconds between snapshots of the state (docs/cluster.md "Snapshots and purge"); 0: none.
  int snapshot_interval = 600;
  bool show_help = false;
  bool show_version = false;
};

// argv (without argv[0]); reads the environment and the config file named by --config or
// IDOS_NODE_CONFIG. Errors are invalid_input with a message for the operator.
Result<Config> load_config(const std::vector<std::string>& args);

std::string usage_text();

// Issuer delegation (docs/node.md, docs/spec/grants.md): the operator's list of issuer keys per
// inserter, so a DWG naming one key of an inserter accepts a credential signed by another of its
// keys. The node only finds the list holding the DWG's key and passes it to the plugin
// (dwg_write's issuer_delegates), which decides.
class IssuerDelegates {
 public:
  // The file: a JSON object {"inserter name": ["64 lowercase hex Ed25519 key", ...], ...}. Each
  // list holds 1..64 distinct keys; a key in two inserters' lists is refused (which list would a
  // DWG naming it get?).
  static Result<IssuerDelegates> load(const std::string& path);
  // The keys of the inserter that lists `issuer_key` (nullptr when none does).
  const std::vector<std::string>* keys_of_inserter_with(const std::string& issuer_key) const;
  size_t inserters() const { return by_inserter_.size(); }

 private:
  std::map<std::string, std::vector<std::string>> by_inserter_;
  std::map<std::string, std::string> inserter_of_key_;
};

}  // namespace idos::node
