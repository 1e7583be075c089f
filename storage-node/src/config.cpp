#include "config.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/json_dom.hpp"

namespace idos::node {
namespace {

const std::set<std::string> kKeys = {"listen",    "data",         "plugin",     "threads",    "queue",
                                     "max-body",  "read-timeout", "write-timeout", "keep-alive-timeout",
                                     "keep-alive-max", "rate-limit", "rate-burst", "log-level", "access-log", "issuer-delegates", "config",
                                     // the HTTP edge's limits
                                     "max-connections", "max-connections-per-ip", "max-headers", "max-header-bytes",
                                     "header-timeout", "body-timeout", "shutdown-timeout", "tls-cert", "tls-key",
                                     "address-rate-limit", "address-rate-burst", "min-free-disk", "cors-origins",
                                     // storage backend and the replicated log
                                     "storage", "pg",
                                     "nats", "nats-creds", "stream", "stream-replicas", "peers", "peer-check-interval",
                                     "snapshot-interval"};


std::string env_name(const std::string& key) {
  std::string out = "IDOS_NODE_";
  for (char ch : key) out.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

Error bad(const std::string& message) { return make_error(ErrorCode::invalid_input, message); }

Result<int64_t> parse_int(const std::string& key, const std::string& text, int64_t min, int64_t max) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < min || v > max) {
    return bad(key + ": expected an integer in " + std::to_string(min) + ".." + std::to_string(max) + ", got '" +
               text + "'");
  }
  return v;
}

Result<double> parse_double(const std::string& key, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v >= 0) || v > 1e9) {
    return bad(key + ": expected a non-negative number, got '" + text + "'");
  }
  return v;
}

Status read_config_file(const std::string& path, std::map<std::string, std::string>& out) {
  std::ifstream in(path);
  if (!in) return bad("cannot read config file " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) return bad(path + ":" + std::to_string(n) + ": expected 'key = value'");
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (!kKeys.count(key) || key == "config") return bad(path + ":" + std::to_string(n) + ": unknown setting '" + key + "'");
    out[key] = value;
  }
  return ok_status();
}

Status apply_setting(Config& c, const std::string& key, const std::string& value) {
  if (key == "listen") {
    size_t colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0) return bad("listen: expected HOST:PORT, got '" + value + "'");
    c.listen_host = value.substr(0, colon);
    IDOS_TRY(int64_t port, parse_int("listen port", value.substr(colon + 1), 0, 65535));
    c.listen_port = static_cast<int>(port);
  } else if (key == "data") {
    if (value.empty()) return bad("data: empty path");
    c.data_dir = value;
  } else if (key == "plugin") {
    c.plugin_path = value;
  } else if (key == "threads") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 256));
    c.threads = static_cast<size_t>(v);
  } else if (key == "queue") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 100000));
    c.queue = static_cast<size_t>(v);
  } else if (key == "max-body") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1024, int64_t{1} << 30));
    c.max_body = static_cast<size_t>(v);
  } else if (key == "read-timeout") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 3600));
    c.read_timeout = static_cast<int>(v);
  } else if (key == "write-timeout") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 3600));
    c.write_timeout = static_cast<int>(v);
  } else if (key == "keep-alive-timeout") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 3600));
    c.keep_alive_timeout = static_cast<int>(v);
  } else if (key == "keep-alive-max") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 1000000));
    c.keep_alive_max = static_cast<size_t>(v);
  } else if (key == "max-connections") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 100000));
    c.max_connections = static_cast<size_t>(v);
  } else if (key == "max-connections-per-ip") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 100000));
    c.max_connections_per_ip = static_cast<size_t>(v);
  } else if (key == "max-headers") {
    IDOS_TRY(int64_t v, parse_int(key, value, 8, 1000));
    c.max_headers = static_cast<size_t>(v);
  } else if (key == "max-header-bytes") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1024, 1 << 20));
    c.max_header_bytes = static_cast<size_t>(v);
  } else if (key == "header-timeout") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 3600));
    c.header_timeout = static_cast<int>(v);
  } else if (key == "body-timeout") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 3600));
    c.body_timeout = static_cast<int>(v);
  } else if (key == "shutdown-timeout") {
    IDOS_TRY(int64_t v, parse_int(key, value, 0, 600));
    c.shutdown_timeout = static_cast<int>(v);
  } else if (key == "cors-origins") {
    c.cors_origins.clear();
    std::stringstream list(value);
    for (std::string item; std::getline(list, item, ',');) {
      item = trim(item);
      if (item.empty()) continue;
      const bool origin = (item.rfind("https://", 0) == 0 || item.rfind("http://", 0) == 0) &&
                          item.find('/', item.find("//") + 2) == std::string::npos;
      if (item != "*" && !origin) return bad("cors-origins: '" + item + "' is not an origin (scheme://host[:port]) or *");
      c.cors_origins.push_back(item);
    }
  } else if (key == "min-free-disk") {
    IDOS_TRY(int64_t v, parse_int(key, value, 0, int64_t{1} << 50));
    c.min_free_disk = static_cast<uint64_t>(v);
  } else if (key == "tls-cert") {
    c.tls_cert_path = value;
  } else if (key == "tls-key") {
    c.tls_key_path = value;
  } else if (key == "rate-limit") {
    IDOS_TRY(c.rate_limit, parse_double(key, value));
  } else if (key == "rate-burst") {
    IDOS_TRY(c.rate_burst, parse_double(key, value));
  } else if (key == "address-rate-limit") {
    IDOS_TRY(c.address_rate_limit, parse_double(key, value));
  } else if (key == "address-rate-burst") {
    IDOS_TRY(c.address_rate_burst, parse_double(key, value));
  } else if (key == "access-log") {
    if (value != "true" && value != "false") return bad("access-log: true or false");
    c.access_log = value == "true";
  } else if (key == "issuer-delegates") {
    c.issuer_delegates_path = value;
  } else if (key == "storage") {
    if (value != "sqlite" && value != "postgres") return bad("storage: sqlite or postgres");
    c.storage = value;
  } else if (key == "pg") {
    c.pg_conninfo = value;  // never echoed in a message: it may hold a password
  } else if (key == "nats") {
    c.nats_urls.clear();
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      std::string url = trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (url.rfind("nats://", 0) != 0 || url.size() > 256) return bad("nats: expected nats://HOST:PORT[,nats://...], got '" + url + "'");
      c.nats_urls.push_back(url);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (c.nats_urls.size() > 16) return bad("nats: at most 16 server URLs");
  } else if (key == "nats-creds") {
    c.nats_creds_path = value;
  } else if (key == "stream") {
    if (value.empty() || value.size() > 64) return bad("stream: 1..64 characters");
    for (char ch : value) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') return bad("stream: letters, digits, '_' and '-' only");
    }
    c.stream = value;
  } else if (key == "stream-replicas") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 5));
    c.stream_replicas = static_cast<int>(v);
  } else if (key == "peers") {
    c.peers_path = value;
  } else if (key == "peer-check-interval") {
    IDOS_TRY(int64_t v, parse_int(key, value, 1, 3600));
    c.peer_check_interval = static_cast<int>(v);
  } else if (key == "snapshot-interval") {
    IDOS_TRY(int64_t v, parse_int(key, value, 0, 86400));
    c.snapshot_interval = static_cast<int>(v);
  } else if (key == "log-level") {
    if (value != "debug" && value != "info" && value != "warn" && value != "error")
      return bad("log-level: one of debug, info, warn, error");
    c.log_level = value;
  }
  return ok_status();
}

}  // namespace

std::string usage_text() {
  return R"(Usage: idos-node [options]

The reference idos-core storage node: stores only ciphertext, validates every document with the
plugin it loads at run time, and publishes access grants (docs/node.md, docs/api.md).

Options (each also IDOS_NODE_<NAME> in the environment, or "name = value" in a config file;
flags win over the environment, which wins over the file):
  --listen HOST:PORT        address to serve on (default 127.0.0.1:8787; port 0 = any free port)
  --data DIR                data folder: node.db, replay.db, at_rest.key, identity.key (default ./data;
                            with --storage postgres it keeps the two key files only)
  --plugin PATH             libidos_plugin.so to load (required)
  --config FILE             read settings from FILE
  --threads N               HTTP event-loop threads; handlers run on them (default 8)
  --queue N                 kernel backlog of connections not yet accepted (default 64)
  --max-body BYTES          largest request body, counted while reading (chunked too); larger
                            gets 413 (default 33554432)
  --max-connections N       open connections in all (default 1024)
  --max-connections-per-ip N  open connections from one IP address (default 64)
  --max-headers N           header fields per request; more gets 431 (default 64)
  --max-header-bytes BYTES  request line and header fields; more gets 431 (default 8192)
  --read-timeout S          seconds without a byte received or sent during a request (default 10)
  --write-timeout S         the same while sending; the larger of the two applies (default 10)
  --header-timeout S        seconds to send a request's headers (default 10)
  --body-timeout S          seconds to send a body once the headers are in (default 60)
  --keep-alive-timeout S    idle keep-alive connection timeout (default 2)
  --keep-alive-max N        requests per keep-alive connection (default 1000)
  --shutdown-timeout S      on SIGTERM, seconds to let requests in flight finish (default 3)
  --tls-cert FILE           PEM certificate (chain): serve HTTPS only (with --tls-key)
  --tls-key FILE            PEM private key of --tls-cert
  --rate-limit R            signed requests per second per wallet, 0 = off (default 50)
  --rate-burst B            burst size of the per-wallet limit (default 200)
  --address-rate-limit R    per IP address: requests/s of callers that are not authenticated or
                            whose wallet is not registered here, 0 = off (default 50)
  --address-rate-burst B    burst size of the per-address limit (default 200)
  --cors-origins LIST       comma-separated origins (https://app.example) whose pages may call
                            every endpoint; * lets any page read the public endpoints
                            (default: none)
  --min-free-disk BYTES     free space the data folder needs for /health to say ok
                            (default 67108864)
  --log-level L             debug, info, warn or error (default info)
  --access-log BOOL         one JSON log line per request: true or false (default true)
  --issuer-delegates FILE   issuer keys per inserter, JSON {"inserter": ["hex key", ...]}: a DWG
                            naming one key accepts a credential signed by another key of the same
                            inserter (default: none, the credential's key must be the DWG's)
  --storage KIND            where the state lives: sqlite (node.db and replay.db in the data
                            folder) or postgres (the database --pg names) (default sqlite)
  --pg CONNINFO             PostgreSQL connection string or URI for --storage postgres, e.g.
                            "host=/run/postgresql dbname=idos"; prefer IDOS_NODE_PG or a
                            ~/.pgpass file for a password (flags show in the process list)
  --nats URL[,URL...]       NATS JetStream servers of the replicated log (nats://HOST:PORT); without
                            it the log is embedded in this process (one node; docs/cluster.md)
  --nats-creds FILE         this node's NATS user credentials (.creds file, mode 0600)
  --stream NAME             the JetStream stream holding the log (default IDOS_LOG)
  --stream-replicas N       replicas when this node creates the stream (default 3)
  --peers FILE              the permitted nodes, JSON {"nodes": [{"node_id": "<64 hex>", "url":
                            "http://HOST:PORT"}]}: their signed log entries are compared with ours
  --peer-check-interval S   seconds between state checks (self-audit and peers; default 5)
  --snapshot-interval S     with --nats: seconds between snapshots of the state; once the peers
                            agree on one, the stream is purged below it (default 600; 0 = none)
  --help                    this text
  --version                 print the version

Example:
  idos-node --listen 127.0.0.1:8787 --data ./data --plugin build/native/plugin/libidos_plugin.so

Backup and restore (docs/node.md):
  idos-node backup --data DIR --out FILE     online, consistent copy of DIR's state (node may run)
  idos-node restore --data DIR --from FILE   FILE becomes DIR/node.db under a new node identity;
                                             DIR holds the backup's at_rest.key and no node.db
)";
}

Result<Config> load_config(const std::vector<std::string>& args) {
  Config c;
  std::map<std::string, std::string> flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      c.show_help = true;
      return c;
    }
    if (a == "--version") {
      c.show_version = true;
      return c;
    }
    if (a.rfind("--", 0) != 0) return bad("unexpected argument '" + a + "' (see --help)");
    std::string key = a.substr(2), value;
    if (size_t eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) return bad("--" + key + " needs a value");
      value = args[++i];
    }
    if (!kKeys.count(key)) return bad("unknown option --" + key + " (see --help)");
    flags[key] = value;
  }
  std::map<std::string, std::string> env;
  for (const auto& key : kKeys) {
    if (const char* v = std::getenv(env_name(key).c_str()); v != nullptr) env[key] = v;
  }
  std::map<std::string, std::string> file;
  std::string config_path = flags.count("config") ? flags["config"] : (env.count("config") ? env["config"] : "");
  if (!config_path.empty()) IDOS_CHECK(read_config_file(config_path, file));
  for (auto* layer : {&file, &env, &flags}) {
    for (const auto& [k, v] : *layer) {
      if (k == "config") continue;
      IDOS_CHECK(apply_setting(c, k, v));
    }
  }
  if (c.plugin_path.empty()) return bad("no plugin: pass --plugin PATH (or IDOS_NODE_PLUGIN)");
  if (c.storage == "postgres" && c.pg_conninfo.empty()) return bad("--storage postgres needs --pg CONNINFO (or IDOS_NODE_PG)");
  if (c.tls_cert_path.empty() != c.tls_key_path.empty()) return bad("--tls-cert and --tls-key go together");
  return c;
}

Result<IssuerDelegates> IssuerDelegates::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad("cannot read issuer delegates file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = parse_json(text.str(), JsonLimits{1u << 20, 4});
  if (!doc.ok()) return bad(path + ": " + doc.error().message);
  if (!doc->is_object()) return bad(path + ": expected an object {\"inserter\": [\"hex key\", ...]}");
  IssuerDelegates out;
  for (const auto& [inserter, keys] : doc->items()) {
    const std::string where = path + ": inserter '" + inserter + "'";
    if (inserter.empty()) return bad(path + ": an inserter needs a name");
    if (!keys.is_array() || keys.empty() || keys.size() > 64) return bad(where + ": expected a list of 1..64 keys");
    std::vector<std::string> list;
    for (const auto& k : keys) {
      if (!k.is_string() || !hex_decode_exact(k.get_ref<const std::string&>(), 32).ok()) {
        return bad(where + ": every key must be 64 lowercase hex characters (an Ed25519 issuer key)");
      }
      const std::string& key = k.get_ref<const std::string&>();
      if (auto other = out.inserter_of_key_.find(key); other != out.inserter_of_key_.end()) {
        return bad(where + ": key " + key + " is also listed for '" + other->second + "'");
      }
      out.inserter_of_key_[key] = inserter;
      list.push_back(key);
    }
    out.by_inserter_[inserter] = std::move(list);
  }
  return out;
}

const std::vector<std::string>* IssuerDelegates::keys_of_inserter_with(const std::string& issuer_key) const {
  auto it = inserter_of_key_.find(issuer_key);
  if (it == inserter_of_key_.end()) return nullptr;
  return &by_inserter_.at(it->second);
}

}  // namespace idos::node
