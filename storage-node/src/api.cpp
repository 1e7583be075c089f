#include "api.hpp"

#include <sodium.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"
#include "idos/primitives/time.hpp"
#include "idos/primitives/uuid.hpp"
#include "log.hpp"
#include "signed_request.hpp"

namespace idos::node {

using nlohmann::json;

namespace {

constexpr size_t kMaxIdChars = 128;
constexpr int64_t kMaxPageSize = 500;

int64_t wall_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// Per-request bookkeeping for the logger (one request is handled by one thread from routing to
// logging).
struct RequestState {
  std::chrono::steady_clock::time_point start{};
  std::string route = "unmatched";
  std::string caller;
  std::string code;  // error code of a failed request
  bool counted = false;
};
thread_local RequestState t_request;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(dump(body), "application/json");
}

void fail(httplib::Response& res, int status, ErrorCode code, const std::string& message) {
  t_request.code = std::string(error_code_name(code));
  send_json(res, status, json{{"code", error_code_name(code)}, {"message", message}});
}
void fail(httplib::Response& res, int status, const Error& e) { fail(res, status, e.code, e.message); }

// The HTTP status of a refused operation (auth failures are always 401, see authenticate()).
int status_for(const Error& e) {
  switch (e.code) {
    case ErrorCode::not_found: return 404;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::internal: return 500;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::locked:
    case ErrorCode::replayed: return 409;
    case ErrorCode::too_large: return 413;
    default: return 400;
  }
}
void fail(httplib::Response& res, const Error& e) { fail(res, status_for(e), e); }

// The storage failed (a PostgreSQL restart, a full disk): 503 with a retry hint, never the
// backend's message (logged instead). A write answered this way was not stored.
void storage_failed(httplib::Response& res, const Error& e, const char* what = "storage unavailable; retry later") {
  log_event(LogLevel::warn, "storage_failed", {{"route", t_request.route}, {"message", e.message}});
  res.set_header("Retry-After", "1");
  fail(res, 503, ErrorCode::internal, what);
}

json receipt_json(const Receipt& r) {
  return json{{"node_id", r.node_id},         {"write_operation", r.write_operation},
              {"object_id", r.object_id},     {"sha256", r.sha256},
              {"log_position", r.log_position}, {"time", r.time},
              {"signature", r.signature}};
}

json grant_json(const GrantRow& g, bool with_status) {
  json j = access_grant_document(g);
  if (with_status) {
    j["created_at"] = g.created_at;
    j["log_position"] = g.log_position;
    j["revoked_at"] = g.revoked_at ? json(*g.revoked_at) : json(nullptr);
  }
  return j;
}

json credential_meta_json(const CredentialRow& r) {
  return json{{"id", r.id},         {"user_id", r.user_id}, {"role", r.role},
              {"issuer_auth_public_key", r.issuer_auth_public_key},
              {"sha256", r.sha256}, {"size", r.size},       {"created_at", r.created_at},
              {"log_position", r.log_position}};
}

// A caller the edge authenticated, and the request as received (a transaction carries it).
struct Authenticated {
  std::string wallet;  // canonical
  std::string wallet_type;
  std::string public_key;
  std::string signed_request;  // the header value
  std::string body;
  std::string nonce_key;  // the replay key recorded in the edge's nonce store
  // Set when this exact request was applied before (a client's retry): answered with its outcome.
  std::optional<AppliedRequest> retry;
};

class Api {
 public:
  explicit Api(ApiContext& ctx) : c_(ctx) {}

  void install(httplib::Server& s) {
    s.set_payload_max_length(c_.config.max_body);
    s.set_read_timeout(c_.config.read_timeout, 0);
    s.set_write_timeout(c_.config.write_timeout, 0);
    s.set_keep_alive_timeout(c_.config.keep_alive_timeout);
    s.set_keep_alive_max_count(c_.config.keep_alive_max);
    s.set_tcp_nodelay(true);

    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      t_request = RequestState{};
      t_request.start = std::chrono::steady_clock::now();
      t_request.counted = true;
      c_.metrics.add_in_flight(1);
      // Runs before httplib reads the body: an announced body over the cap is refused without
      // reading it (httplib 0.11 would otherwise drain it first), and the connection is closed.
      if (req.has_header("Content-Length")) {
        int64_t length = 0;
        const std::string text = req.get_header_value("Content-Length");
        if (!parse_decimal(text, 0, int64_t{1} << 62, length)) {
          fail(res, 400, ErrorCode::invalid_input, "Content-Length is not a decimal length");
          res.set_header("Connection", "close");
          return httplib::Server::HandlerResponse::Handled;
        }
        if (static_cast<uint64_t>(length) > c_.config.max_body) {
          fail(res, 413, ErrorCode::too_large, "request body over the node's limit");
          res.set_header("Connection", "close");
          return httplib::Server::HandlerResponse::Handled;
        }
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // Statuses httplib produces itself (404 route, 413 body, 400 bad request line, ...), and any
    // handler response without a body, get the JSON error form.
    s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      ErrorCode code = ErrorCode::invalid_input;
      std::string message = "bad request";
      if (res.status == 404) { code = ErrorCode::not_found; message = "no such route"; }
      else if (res.status == 413) { code = ErrorCode::too_large; message = "request body over the node's limit"; }
      else if (res.status == 414) { code = ErrorCode::too_large; message = "request target too long"; }
      else if (res.status == 405) message = "method not allowed";
      else if (res.status >= 500) { code = ErrorCode::internal; message = "internal error"; }
      fail(res, res.status, code, message);
      return httplib::Server::HandlerResponse::Handled;
    }));
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      // Never expected: every handler checks its input. Logged by the logger with the route.
      fail(res, 500, ErrorCode::internal, "internal error");
    });
    s.set_logger([this](const httplib::Request& req, const httplib::Response& res) { log_request(req, res); });

    route(s, "GET", "/health", &Api::health);
    route(s, "GET", "/metrics", &Api::metrics);
    route(s, "GET", "/v1/node", &Api::node_info);
    route(s, "POST", "/v1/users", &Api::create_user);
    route(s, "GET", "/v1/users/me", &Api::get_me);
    route(s, "POST", "/v1/users/me/wallets", &Api::add_wallet);
    route(s, "POST", "/v1/credentials", &Api::put_credential);
    route(s, "GET", "/v1/credentials", &Api::list_credentials);
    route(s, "POST", "/v1/credentials/dwg", &Api::write_by_dwg);
    route(s, "GET", R"(/v1/credentials/([^/]+))", &Api::get_credential);
    route(s, "POST", "/v1/shares", &Api::share);
    route(s, "GET", R"(/v1/shared/([^/]+))", &Api::read_shared);
    route(s, "GET", "/v1/grants", &Api::list_grants);
    route(s, "POST", "/v1/grants/dag", &Api::delegated_access_grant);
    route(s, "DELETE", R"(/v1/grants/([^/]+))", &Api::revoke);
    route(s, "GET", "/v1/public/grants", &Api::public_grants);
    route(s, "GET", R"(/v1/public/wallets/([^/]+)/encryption-key)", &Api::public_encryption_key);
    route(s, "GET", R"(/v1/log/([0-9]{1,18}))", &Api::log_entry);
  }

 private:
  using Handler = void (Api::*)(const httplib::Request&, httplib::Response&);

  void route(httplib::Server& s, const std::string& method, const std::string& pattern, Handler h) {
    const std::string label = pattern;
    auto fn = [this, h, label](const httplib::Request& req, httplib::Response& res) {
      t_request.route = label;
      (this->*h)(req, res);
    };
    if (method == "GET") s.Get(pattern, fn);
    else if (method == "POST") s.Post(pattern, fn);
    else if (method == "DELETE") s.Delete(pattern, fn);
  }

  void log_request(const httplib::Request& req, const httplib::Response& res) {
    const double seconds =
        t_request.counted
            ? std::chrono::duration<double>(std::chrono::steady_clock::now() - t_request.start).count()
            : 0.0;
    if (t_request.counted) c_.metrics.add_in_flight(-1);
    c_.metrics.observe_request(req.method, t_request.route, res.status, seconds);
    // Path only (ids are public); never headers, bodies or query values beyond the path.
    json fields{{"method", req.method}, {"route", t_request.route}, {"path", req.path}, {"status", res.status},
                {"ms", static_cast<int64_t>(seconds * 1e6) / 1000.0}};
    if (!t_request.caller.empty()) fields["caller"] = t_request.caller;
    if (!t_request.code.empty()) fields["code"] = t_request.code;
    if (c_.config.access_log || res.status >= 500) {
      log_event(res.status >= 500 ? LogLevel::error : LogLevel::info, "request", std::move(fields));
    }
    t_request = RequestState{};
  }

  // --- authentication ----------------------------------------------------------------------------
  // The Idos-Signed-Request header: base64 of a signed_request document (docs/spec/requests.md).
  // The plugin checks fields, signature and freshness at the wall clock `now`; the node checks that
  // method, path and body hash are those of this request, and that the nonce is new.
  bool authenticate(const httplib::Request& req, httplib::Response& res, int64_t now, Authenticated& out) {
    auto refuse = [&](ErrorCode code, const std::string& message) {
      c_.metrics.count_auth_failure(std::string(error_code_name(code)));
      fail(res, code == ErrorCode::internal ? 500 : 401, code, message);
      return false;
    };
    if (!req.has_header(kSignedRequestHeader)) {
      return refuse(ErrorCode::forbidden, "this endpoint needs a signed request (header Idos-Signed-Request)");
    }
    const std::string header = req.get_header_value(kSignedRequestHeader);
    auto request = decode_signed_request(header);
    if (!request.ok()) return refuse(request.code(), request.error().message);
    // The plugin names the request's single-use value and how long it matters.
    auto replay = c_.plugin.replay_key("signed_request", request->text);
    bool seen = false;
    if (replay.ok()) {
      auto s = c_.storage.nonce_seen(replay->key);
      if (!s.ok()) {
        storage_failed(res, s.error());
        return false;
      }
      seen = *s;
      if (seen) {
        // A client's retry of a write this network applied: the same outcome again, not REPLAYED.
        auto applied = c_.storage.find_applied_request(replay->key);
        if (!applied.ok()) {
          storage_failed(res, applied.error());
          return false;
        }
        if (*applied && (*applied)->request_sha256 == request->request_sha256) {
          out.retry = **applied;
          seen = false;
        }
      }
    }
    auto caller = verify_signed_request(c_.plugin, *request, now, seen, req.method, req.target, req.body);
    if (!caller.ok()) return refuse(caller.code(), caller.error().message);
    if (!replay.ok()) return refuse(replay.code(), replay.error().message);  // unreachable after validation
    if (!out.retry) {
      auto recorded = c_.storage.record_nonce(replay->key, std::max(now, replay->keep_until));
      if (!recorded.ok()) {
        storage_failed(res, recorded.error());
        return false;
      }
      if (!*recorded) return refuse(ErrorCode::replayed, "nonce seen before");
    }
    out.wallet = caller->wallet;
    out.wallet_type = caller->wallet_type;
    out.public_key = caller->public_key;
    out.signed_request = header;
    out.nonce_key = replay->key;
    if (req.method != "GET") out.body = req.body;
    t_request.caller = out.wallet;
    double retry_after = 0;
    if (!c_.rate_limiter.allow(out.wallet, retry_after)) {
      c_.metrics.count_rate_limited();
      res.set_header("Retry-After", std::to_string(static_cast<int64_t>(retry_after) + 1));
      fail(res, 429, ErrorCode::rate_limited, "rate limit for this wallet exceeded; retry later");
      return false;
    }
    return true;
  }

  // The registered wallet of the caller (403 when the wallet belongs to no user).
  bool registered(httplib::Response& res, const Authenticated& caller, WalletRow& out) {
    auto w = c_.storage.find_wallet(caller.wallet);
    if (!w.ok()) {
      storage_failed(res, w.error());
      return false;
    }
    if (!*w) {
      fail(res, 403, ErrorCode::forbidden, "the calling wallet is not registered to a user on this node");
      return false;
    }
    out = **w;
    return true;
  }

  // Parses the body strictly and refuses members not in `allowed`.
  bool parse_body(const httplib::Request& req, httplib::Response& res, std::initializer_list<std::string_view> allowed,
                  json& out) {
    auto doc = parse_json(req.body, JsonLimits{c_.config.max_body, 32});
    if (!doc.ok()) {
      fail(res, doc.error());
      return false;
    }
    if (!doc->is_object()) {
      fail(res, 400, ErrorCode::invalid_input, "request body must be a JSON object");
      return false;
    }
    if (auto st = check_only_known_fields(*doc, allowed); !st.ok()) {
      fail(res, st.error());
      return false;
    }
    out = std::move(*doc);
    return true;
  }

  // Submits a transaction and answers with its result and one signed receipt per stored object.
  // A retry of an applied request gets the first outcome again (same position, same receipts).
  void submit(httplib::Response& res, const Authenticated& caller, Transaction tx, int64_t now, int success_status) {
    Result<ApplyOutcome> outcome = caller.retry ? outcome_of(*caller.retry) : c_.log.append(tx, now);
    c_.metrics.set_log_position(c_.log.applied_position());
    if (!outcome.ok()) {
      c_.metrics.count_write(tx.operation, std::string(error_code_name(outcome.code())));
      if (outcome.code() == ErrorCode::internal) {
        // No receipt: nothing was recorded (Ledger::submit), or a COMMIT's outcome is unknown. The
        // edge nonce goes so that a retry of the same request is possible: apply()'s replicated
        // replay check answers it with the first outcome if the write had landed after all.
        log_event(LogLevel::error, "apply_failed", {{"operation", tx.operation}, {"message", outcome.error().message}});
        if (!caller.retry) (void)c_.storage.forget_nonce(caller.nonce_key);
        storage_failed(res, outcome.error(), "the write was not confirmed; retry later");
        return;
      }
      if (outcome.code() == ErrorCode::unavailable) {
        if (!caller.retry) (void)c_.storage.forget_nonce(caller.nonce_key);
        res.set_header("Retry-After", "2");
        fail(res, 503, outcome.error());
        return;
      }
      fail(res, outcome.error());
      return;
    }
    c_.metrics.count_write(tx.operation, "OK");
    json body = outcome->result;
    body["log_position"] = outcome->log_position;
    json receipts = json::array();
    auto time = format_rfc3339_utc(outcome->log_time);
    for (const StoredObject& o : outcome->objects) {
      Receipt r;
      r.write_operation = tx.operation;
      r.object_id = o.id;
      r.sha256 = o.sha256;
      r.log_position = outcome->log_position;
      r.time = time.ok() ? *time : "";
      r.node_id = c_.keys.node_id();
      // The plugin builds the receipt text (docs/spec/receipts.md); the node only signs it.
      json rj = receipt_json(r);
      rj.erase("signature");
      auto message = c_.plugin.signed_message("node_receipt", rj.dump());
      auto signature = message.ok() ? c_.keys.sign_hex(*message) : Result<std::string>(message.error());
      if (!signature.ok()) {
        log_event(LogLevel::error, "receipt_failed", {{"message", signature.error().message}});
        fail(res, 500, ErrorCode::internal, "cannot sign receipt");
        return;
      }
      rj["signature"] = *signature;
      rj["object_kind"] = o.kind;
      receipts.push_back(std::move(rj));
    }
    body["receipts"] = std::move(receipts);
    send_json(res, success_status, body);
  }

  static Transaction make_tx(const char* op, const Authenticated& caller, json payload) {
    Transaction tx;
    tx.operation = op;
    tx.signed_request = caller.signed_request;
    tx.body = caller.body;
    tx.actor_wallet = caller.wallet;
    tx.actor_wallet_type = caller.wallet_type;
    tx.actor_public_key = caller.public_key;
    tx.payload = std::move(payload);
    return tx;
  }

  // --- public endpoints --------------------------------------------------------------------------
  void health(const httplib::Request&, httplib::Response& res) {
    Status st = c_.storage.health_check();
    const bool diverged = c_.consistency != nullptr && c_.consistency->diverged();
    json body{{"status", diverged ? "diverged" : (st.ok() ? "ok" : "degraded")},
              {"version", IDOS_VERSION},
              {"plugin_abi", c_.plugin.abi_version()},
              {"plugin_version", c_.plugin.version()},
              {"storage", st.ok() ? "ok" : "error"},
              {"node_id", c_.keys.node_id()},
              {"log_position", c_.log.applied_position()},
              {"log", c_.log.kind()},
              {"log_writable", c_.log.writable()}};
    if (c_.consistency != nullptr) body["consistency"] = c_.consistency->status();
    send_json(res, st.ok() && !diverged ? 200 : 503, body);
  }

  void metrics(const httplib::Request&, httplib::Response& res) {
    c_.metrics.set_log_position(c_.log.applied_position());
    res.status = 200;
    res.set_content(c_.metrics.render(IDOS_VERSION, c_.plugin.abi_version()), "text/plain; version=0.0.4");
  }

  void node_info(const httplib::Request&, httplib::Response& res) {
    send_json(res, 200,
              json{{"node_id", c_.keys.node_id()},
                   {"version", IDOS_VERSION},
                   {"plugin_abi", c_.plugin.abi_version()},
                   {"plugin_version", c_.plugin.version()},
                   {"log_position", c_.log.applied_position()},
                   {"max_body", c_.config.max_body}});
  }

  // GET /v1/public/wallets/{identifier}/encryption-key: the X25519 public key of the user a wallet
  // is registered to (public data, as idOS's get_user), so a sharer needs nothing else. The
  // identifier in any accepted spelling (type inferred from its shape, the plugin's rule).
  void public_encryption_key(const httplib::Request& req, httplib::Response& res) {
    const std::string given = req.matches[1];
    if (given.empty() || given.size() > kMaxIdChars || !is_valid_utf8(given))
      return fail(res, 400, ErrorCode::invalid_input, "wallet identifier: 1..128 bytes");
    auto canonical = c_.plugin.canonical_wallet_identifier("", given);
    if (!canonical.ok()) return fail(res, 400, canonical.code(), canonical.error().message);
    auto wallet = c_.storage.find_wallet(*canonical);
    if (!wallet.ok()) return storage_failed(res, wallet.error());
    if (!*wallet) return fail(res, 404, ErrorCode::not_found, "no user on this node has the wallet " + *canonical);
    auto user = c_.storage.find_user((*wallet)->user_id);
    if (!user.ok()) return storage_failed(res, user.error());
    if (!*user || (*user)->encryption_public_key.empty())
      return fail(res, 404, ErrorCode::not_found, "the user of " + *canonical + " registered no encryption key");
    send_json(res, 200, json{{"wallet_type", (*wallet)->wallet_type},
                             {"wallet_identifier", (*wallet)->identifier},
                             {"user_id", (*wallet)->user_id},
                             {"encryption_public_key", (*user)->encryption_public_key}});
  }

  // GET /v1/log/{position}: this node's applied entry at `position`, signed with its identity key
  // (docs/cluster.md): what peers compare and what a client collects for a quorum of receipts.
  void log_entry(const httplib::Request& req, httplib::Response& res) {
    int64_t position = 0;
    if (!parse_decimal(req.matches[1], 1, int64_t{1} << 62, position)) {
      return fail(res, 400, ErrorCode::invalid_input, "position: a decimal integer from 1");
    }
    auto row = c_.storage.log_entry(position);
    if (!row.ok()) return storage_failed(res, row.error());
    if (!*row) return fail(res, 404, ErrorCode::not_found, "not found: this node has not applied position " + std::to_string(position));
    auto signed_entry = signed_log_entry(c_.keys, **row);
    if (!signed_entry.ok()) return fail(res, 500, ErrorCode::internal, "cannot sign the log entry");
    send_json(res, 200, *signed_entry);
  }

  // Idos-Min-Position on a read: waits up to 2 s for this node to apply that position, then
  // refuses (503 UNAVAILABLE, Retry-After) rather than answer from an older state.
  bool min_position_reached(const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header(kMinPositionHeader)) return true;
    int64_t position = 0;
    if (!parse_decimal(req.get_header_value(kMinPositionHeader), 0, int64_t{1} << 62, position)) {
      fail(res, 400, ErrorCode::invalid_input, "Idos-Min-Position: a decimal log position");
      return false;
    }
    if (c_.log.wait_applied(position, std::chrono::milliseconds(2000))) return true;
    res.set_header("Retry-After", "1");
    fail(res, 503, ErrorCode::unavailable,
         "this node has applied position " + std::to_string(c_.log.applied_position()) + ", not yet " + std::to_string(position));
    return false;
  }

  // GET /v1/public/grants?owner=&grantee=&data_id=&limit=&cursor=&include_revoked=
  void public_grants(const httplib::Request& req, httplib::Response& res) {
    if (!min_position_reached(req, res)) return;
    GrantQuery q;
    for (const auto& [key, value] : req.params) {
      if (req.get_param_value_count(key) > 1) return fail(res, 400, ErrorCode::invalid_input, "query parameter " + key + " repeated");
      if (key == "owner" || key == "data_id") {
        if (auto u = parse_uuid(value); !u.ok()) return fail(res, 400, u.code(), key + ": " + u.error().message);
        (key == "owner" ? q.owner : q.data_id) = value;
      } else if (key == "grantee") {
        if (value.empty() || value.size() > kMaxIdChars || !is_valid_utf8(value))
          return fail(res, 400, ErrorCode::invalid_input, "grantee: 1..128 bytes");
        // Any spelling the wallet gives (e.g. EIP-55): grants hold the canonical one (the plugin's rule).
        auto canonical = c_.plugin.canonical_wallet_identifier("", value);
        if (!canonical.ok()) return fail(res, 400, canonical.code(), "grantee: " + canonical.error().message);
        q.grantee = *canonical;
      } else if (key == "limit" || key == "cursor") {
        int64_t v = 0;
        const int64_t max = key == "limit" ? kMaxPageSize : (int64_t{1} << 62);
        if (!parse_decimal(value, key == "limit" ? 1 : 0, max, v))
          return fail(res, 400, ErrorCode::invalid_input, key + ": an integer in " + (key == "limit" ? "1.." : "0..") + std::to_string(max));
        (key == "limit" ? q.limit : q.after_cursor) = v;
      } else if (key == "include_revoked") {
        if (value != "true" && value != "false") return fail(res, 400, ErrorCode::invalid_input, "include_revoked: true or false");
        q.include_revoked = value == "true";
      } else {
        return fail(res, 400, ErrorCode::invalid_input, "unknown query parameter " + key.substr(0, 64));
      }
    }
    const int64_t limit = q.limit;
    q.limit = limit + 1;  // one more tells whether there is a next page
    auto rows = c_.storage.grants(q);
    if (!rows.ok()) return storage_failed(res, rows.error());
    json grants = json::array();
    json next = nullptr;
    for (size_t i = 0; i < rows->size(); ++i) {
      if (static_cast<int64_t>(i) == limit) {
        next = std::to_string((*rows)[i - 1].cursor);
        break;
      }
      grants.push_back(grant_json((*rows)[i], true));
    }
    send_json(res, 200, json{{"grants", grants}, {"next_cursor", next}});
  }

  static bool parse_decimal(const std::string& text, int64_t min, int64_t max, int64_t& out) {
    if (text.empty() || text.size() > 18) return false;  // no int64 overflow
    int64_t v = 0;
    for (char ch : text) {
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + (ch - '0');
    }
    if (text.size() > 1 && text[0] == '0') return false;
    if (v < min || v > max) return false;
    out = v;
    return true;
  }

  // --- users and wallets -------------------------------------------------------------------------
  void create_user(const httplib::Request& req, httplib::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"user_id", "encryption_public_key"}, body)) return;
    auto user_id = get_optional_string_field(body, "user_id", kMaxIdChars);
    if (!user_id.ok()) return fail(res, user_id.error());
    auto enc = get_optional_string_field(body, "encryption_public_key", kMaxIdChars);
    if (!enc.ok()) return fail(res, enc.error());
    std::string id;
    if (user_id->has_value()) {
      id = **user_id;
    } else {
      UuidBytes random{};
      randombytes_buf(random.data(), random.size());
      id = uuid_v4_from_random(random);  // chosen at the edge: apply() stays deterministic
    }
    submit(res, caller, make_tx(kOpCreateUser, caller, json{{"user_id", id}, {"encryption_public_key", enc->value_or("")}}),
           now, 201);
  }

  void get_me(const httplib::Request& req, httplib::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
    if (!min_position_reached(req, res)) return;
    WalletRow me;
    if (!registered(res, caller, me)) return;
    auto user = c_.storage.find_user(me.user_id);
    auto wallets = c_.storage.wallets_of(me.user_id);
    if (!user.ok()) return storage_failed(res, user.error());
    if (!wallets.ok()) return storage_failed(res, wallets.error());
    if (!*user) return fail(res, 500, ErrorCode::internal, "a registered wallet's user is missing");
    json ws = json::array();
    for (const auto& w : *wallets) {
      ws.push_back(json{{"wallet_type", w.wallet_type}, {"wallet_identifier", w.identifier}, {"added_at", w.added_at}});
    }
    send_json(res, 200,
              json{{"user", json{{"id", (*user)->id}, {"encryption_public_key", (*user)->encryption_public_key},
                                 {"created_at", (*user)->created_at}}},
                   {"wallets", ws}});
  }

  void add_wallet(const httplib::Request& req, httplib::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res,
                    {"wallet_type", "wallet_identifier", "wallet_public_key", "issued_at", "signature", "near_nonce",
                     "near_recipient"},
                    body))
      return;
    json payload = json::object();
    for (const char* key : {"wallet_type", "wallet_identifier", "issued_at", "signature"}) {
      auto v = get_string_field(body, key, 4096);
      if (!v.ok()) return fail(res, v.error());
      payload[key] = *v;
    }
    for (const char* key : {"wallet_public_key", "near_nonce", "near_recipient"}) {
      auto v = get_optional_string_field(body, key, 4096);
      if (!v.ok()) return fail(res, v.error());
      payload[key] = v->value_or("");
    }
    submit(res, caller, make_tx(kOpAddWallet, caller, std::move(payload)), now, 201);
  }

  // --- credentials -------------------------------------------------------------------------------
  void put_credential(const httplib::Request& req, httplib::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"credential"}, body)) return;
    if (auto o = get_object_field(body, "credential"); !o.ok()) return fail(res, o.error());
    submit(res, caller, make_tx(kOpPutCredential, caller, std::move(body)), now, 201);
  }

  void write_by_dwg(const httplib::Request& req, httplib::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"dwg", "credential", "shared_copy", "content_hash"}, body)) return;
    for (const char* key : {"dwg", "credential", "shared_copy"}) {
      if (auto o = get_object_field(body, key); !o.ok()) return fail(res, o.error());
    }
    if (auto h = get_string_field(body, "content_hash", kMaxIdChars); !h.ok()) return fail(res, h.error());
    submit(res, caller, make_tx(kOpWriteByDwg, caller, std::move(body)), now, 201);
  }

  void list_credentials(const httplib::Request& req, httplib::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
    if (!min_position_reached(req, res)) return;
    WalletRow me;
    if (!registered(res, caller, me)) return;
    auto rows = c_.storage.credentials_of(me.user_id);
    if (!rows.ok()) return storage_failed(res, rows.error());
    json list = json::array();
    for (const auto& r : *rows) list.push_back(credential_meta_json(r));
    send_json(res, 200, json{{"credentials", list}});
  }

  // Opens a stored credential (node key) and answers {"credential": <document>, ...extra}.
  void send_credential(httplib::Response& res, const CredentialRow& row, const json& extra) {
    auto plain = c_.keys.open(row.sealed, credential_associated_data(row.id));
    if (!plain.ok()) {
      log_event(LogLevel::error, "unseal_failed", {{"credential", row.id}});
      return fail(res, 500, ErrorCode::internal, "stored credential cannot be opened");
    }
    // The stored canonical text goes out as is (no re-serialisation of the ciphertext).
    std::string out = "{\"credential\":";
    out.append(as_text(*plain));
    out += ",\"meta\":" + dump(credential_meta_json(row));
    for (auto& [k, v] : extra.items()) out += ",\"" + k + "\":" + dump(v);
    out += "}";
    res.status = 200;
    res.set_content(out, "application/json");
  }

  bool uuid_param(httplib::Response& res, const std::string& value, const char* what) {
    if (auto u = parse_uuid(value); !u.ok()) {
      fail(res, 400, u.code(), std::string(what) + ": " + u.error().message);
      return false;
    }
    return true;
  }

  void get_credential(const httplib::Request& req, httplib::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
    if (!min_position_reached(req, res)) return;
    const std::string id = req.matches[1];
    if (!uuid_param(res, id, "credential id")) return;
    WalletRow me;
    if (!registered(res, caller, me)) return;
    auto row = c_.storage.find_credential(id);
    if (!row.ok()) return storage_failed(res, row.error());
    if (!*row) return fail(res, 404, ErrorCode::not_found, "not found: no credential " + id);
    if ((*row)->user_id != me.user_id) return fail(res, 403, ErrorCode::forbidden, "not your credential");
    send_credential(res, **row, json::object());
  }

  // --- sharing and grants ------------------------------------------------------------------------
  void share(const httplib::Request& req, httplib::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"shared_copy", "grantee", "locked_until", "content_hash"}, body)) return;
    if (auto o = get_object_field(body, "shared_copy"); !o.ok()) return fail(res, o.error());
    auto grantee = get_string_field(body, "grantee", kMaxIdChars);
    if (!grantee.ok()) return fail(res, grantee.error());
    // Any spelling the grantee's wallet gives (e.g. EIP-55) is refused early here when it is not an
    // identifier at all (a wrong checksum: 400); apply() stores the canonical one. The body stays
    // as signed: the transaction's payload must be the signed request's body (ledger.cpp).
    auto canonical = c_.plugin.canonical_wallet_identifier("", *grantee);
    if (!canonical.ok()) return fail(res, 400, canonical.code(), "grantee: " + canonical.error().message);
    if (auto l = get_int_field(body, "locked_until", 0, kMaxUnixTime); !l.ok()) return fail(res, l.error());
    if (auto h = get_string_field(body, "content_hash", kMaxIdChars); !h.ok()) return fail(res, h.error());
    submit(res, caller, make_tx(kOpShare, caller, std::move(body)), now, 201);
  }

  // The grantee reads a shared copy: needs an unrevoked grant naming the calling wallet.
  void read_shared(const httplib::Request& req, httplib::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
    if (!min_position_reached(req, res)) return;
    const std::string data_id = req.matches[1];
    if (!uuid_param(res, data_id, "data_id")) return;
    auto grant = c_.storage.active_grant(caller.wallet, data_id);
    if (!grant.ok()) return storage_failed(res, grant.error());
    // The same answer whether the copy exists or not: a stranger learns nothing.
    if (!*grant) return fail(res, 403, ErrorCode::forbidden, "no valid access grant for this wallet on " + data_id);
    auto row = c_.storage.find_credential(data_id);
    if (!row.ok()) return storage_failed(res, row.error());
    if (!*row) return fail(res, 404, ErrorCode::not_found, "not found: shared copy " + data_id);
    send_credential(res, **row, json{{"grant", grant_json(**grant, true)}});
  }

  // GET /v1/grants?role=owner|grantee: grants the caller's user owns, or names one of its wallets.
  void list_grants(const httplib::Request& req, httplib::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
    if (!min_position_reached(req, res)) return;
    std::string role = "owner";
    for (const auto& [key, value] : req.params) {
      if (key != "role") return fail(res, 400, ErrorCode::invalid_input, "unknown query parameter " + key.substr(0, 64));
      if (value != "owner" && value != "grantee") return fail(res, 400, ErrorCode::invalid_input, "role: owner or grantee");
      role = value;
    }
    GrantQuery q;
    q.limit = 10000;
    q.include_revoked = true;
    auto w = c_.storage.find_wallet(caller.wallet);
    if (!w.ok()) return storage_failed(res, w.error());
    if (role == "owner") {
      if (!*w) return fail(res, 403, ErrorCode::forbidden, "the calling wallet is not registered to a user on this node");
      q.owner = (*w)->user_id;
    } else if (*w) {
      auto wallets = c_.storage.wallets_of((*w)->user_id);
      if (!wallets.ok()) return storage_failed(res, wallets.error());
      for (const auto& x : *wallets) q.grantee_any.push_back(x.identifier);
    } else {
      q.grantee = caller.wallet;  // an unregistered grantee (e.g. a relying party) sees its own grants
    }
    auto rows = c_.storage.grants(q);
    if (!rows.ok()) return storage_failed(res, rows.error());
    json list = json::array();
    for (const auto& g : *rows) list.push_back(grant_json(g, true));
    send_json(res, 200, json{{"role", role}, {"grants", list}});
  }

  void delegated_access_grant(const httplib::Request& req, httplib::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"dag"}, body)) return;
    if (auto o = get_object_field(body, "dag"); !o.ok()) return fail(res, o.error());
    submit(res, caller, make_tx(kOpDelegatedAccessGrant, caller, std::move(body)), now, 201);
  }

  void revoke(const httplib::Request& req, httplib::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    const std::string id = req.matches[1];
    if (!uuid_param(res, id, "grant id")) return;
    submit(res, caller, make_tx(kOpRevoke, caller, json{{"grant_id", id}}), now, 200);
  }

  ApiContext& c_;
};

}  // namespace

void install_api(httplib::Server& server, ApiContext& ctx) {
  // Lives as long as the process (the server's handlers point into it).
  static Api* api = nullptr;
  api = new Api(ctx);
  api->install(server);
}

}  // namespace idos::node
