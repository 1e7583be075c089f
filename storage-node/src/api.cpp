#include "api.hpp"

#include <sodium.h>
#include <sys/statvfs.h>

#include "idos_plugin.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
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

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void send_json(http::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(dump(body), "application/json");
}

void fail(http::Response& res, int status, ErrorCode code, const std::string& message) {
  res.error_code = std::string(error_code_name(code));
  if (status >= 500 && code == ErrorCode::internal) {
    // The node's fault: the details go to the log only; the client gets the code and a generic text.
    log_event(LogLevel::error, "internal_error", {{"status", status}, {"message", message}});
    send_json(res, status, json{{"code", error_code_name(code)}, {"message", "internal error"}});
    return;
  }
  send_json(res, status, json{{"code", error_code_name(code)}, {"message", message}});
}
void fail(http::Response& res, int status, const Error& e) { fail(res, status, e.code, e.message); }

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
void fail(http::Response& res, const Error& e) { fail(res, status_for(e), e); }

// The storage failed (a PostgreSQL restart, a full disk): 503 with a retry hint and a generic
// message, never the backend's (logged instead). A write answered this way was not stored.
void storage_failed(http::Response& res, const Error& e, const char* what = "storage unavailable; retry later") {
  log_event(LogLevel::warn, "storage_failed", {{"message", e.message}});
  res.error_code = std::string(error_code_name(ErrorCode::internal));
  res.set_header("Retry-After", "1");
  send_json(res, 503, json{{"code", error_code_name(ErrorCode::internal)}, {"message", what}});
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
  json j{{"id", r.id},         {"user_id", r.user_id}, {"role", r.role},
         {"issuer_auth_public_key", r.issuer_auth_public_key},
         {"sha256", r.sha256}, {"size", r.size},       {"created_at", r.created_at},
         {"log_position", r.log_position}};
  // A shared copy made since schema 4 names its original (null: an original, or an older copy).
  j["original_id"] = r.original_id.empty() ? json(nullptr) : json(r.original_id);
  return j;
}

// The public view of a status: the issuer's signed document, and when this network applied it.
json credential_status_view(const CredentialStatusRow& r) {
  return json{{"document", credential_status_json(r)}, {"set_at", r.set_at}, {"log_position", r.log_position}};
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

// What the edge learned about a request from its headers, before its handler runs (Request::edge).
struct EdgeState {
  std::string caller;     // the authenticated wallet (access log)
  bool verified = false;  // the signed-request header passed every check but the body's hash
  bool registered = false;
  Authenticated who;
  std::string body_sha256;
  std::string replay_key;
  std::string request_sha256;  // names this exact request (the signed document)
  int64_t keep_until = 0;
};

// A write refused at the edge (not a log entry, so not in the replicated applied requests): kept
// so that the caller's identical retry to this node gets the same answer rather than REPLAYED.
struct EdgeRefusal {
  std::string request_sha256;
  int status = 0;
  std::string code;
  std::string body;
  int64_t keep_until = 0;
};

EdgeState& edge_of(const http::Request& req) {
  if (!req.edge) const_cast<http::Request&>(req).edge = std::make_shared<EdgeState>();
  return *static_cast<EdgeState*>(req.edge.get());
}

class Api final : public http::Service {
 private:
  using Handler = void (Api::*)(const http::Request&, http::Response&);
  // Answers at the edge (true) when the state already decides the request; runs after pre-authentication.
  using EdgeCheck = bool (Api::*)(const http::Request&, http::Response&);
  enum Access { kOpen, kSigned, kRegistered };
  struct RouteSpec {
    Handler handler;
    Access access;
    std::vector<std::string> query;
    EdgeCheck edge_check;
  };

 public:
  explicit Api(ApiContext& ctx)
      : c_(ctx), address_limiter_(ctx.config.address_rate_limit, ctx.config.address_rate_burst) {
    // Every route needs a signed request unless it is `kOpen`; `kRegistered` routes are refused at
    // the edge (403, before the body is read, never a log entry) when the caller's wallet is not
    // registered: the ledger would refuse them for that first. Query parameters not listed are
    // refused (400), and so is any parameter given twice.
    route("GET", "/health", &Api::health, kOpen);
    route("GET", "/metrics", &Api::metrics, kOpen);
    route("GET", "/v1/node", &Api::node_info, kOpen);
    route("POST", "/v1/users", &Api::create_user);
    route("GET", "/v1/users/me", &Api::get_me);
    route("POST", "/v1/users/me/wallets", &Api::add_wallet, kRegistered);
    route("POST", "/v1/credentials", &Api::put_credential, kRegistered);
    route("GET", "/v1/credentials", &Api::list_credentials);
    route("POST", "/v1/credentials/dwg", &Api::write_by_dwg);
    route("GET", R"(/v1/credentials/([^/]+))", &Api::get_credential);
    route("DELETE", R"(/v1/credentials/([^/]+))", &Api::delete_credential, kRegistered);
    route("POST", "/v1/credential-status", &Api::set_credential_status);
    route("GET", "/v1/public/credential-status", &Api::public_credential_status, kOpen,
          {"issuer_auth_public_key", "vc_id"});
    route("POST", "/v1/shares", &Api::share, kRegistered);
    route("GET", R"(/v1/shared/([^/]+))", &Api::read_shared);
    route("GET", "/v1/grants", &Api::list_grants, kSigned, {"role"});
    route("POST", "/v1/grants/dag", &Api::delegated_access_grant);
    route("DELETE", R"(/v1/grants/([^/]+))", &Api::revoke, kRegistered, {}, &Api::revoke_at_edge);
    // The owner's changes (docs/spec/owner-changes.md).
    route("PUT", R"(/v1/credentials/([^/]+))", &Api::edit_credential, kRegistered);
    route("PUT", "/v1/users/me/encryption-key", &Api::change_encryption_key, kRegistered);
    route("DELETE", R"(/v1/users/me/wallets/([^/]+))", &Api::remove_wallet, kRegistered);
    route("GET", "/v1/public/grants", &Api::public_grants, kOpen,
          {"owner", "grantee", "data_id", "limit", "cursor", "include_revoked", "include_deleted"});
    route("GET", R"(/v1/public/wallets/([^/]+)/encryption-key)", &Api::public_encryption_key, kOpen);
    // The router captures whole segments only ("([^/]+)"); log_entry parses the decimal itself.
    route("GET", R"(/v1/log/([^/]+))", &Api::log_entry, kOpen);
    // Snapshots for peers (docs/cluster.md): open routes, each checks the asking node's signed header.
    route("GET", "/v1/snapshot", &Api::snapshot_manifest, kOpen);
    route("GET", R"(/v1/snapshot/([^/]+))", &Api::snapshot_file, kOpen);
  }

  // --- http::Service -------------------------------------------------------------------------------
  bool on_headers(http::Request& req, http::Response& res) override {
    c_.metrics.add_in_flight(1);
    if (req.method == "OPTIONS" && req.has_header("Origin") && req.has_header("Access-Control-Request-Method")) {
      preflight(req, res);
      return true;
    }
    const bool answered = check_at_edge(req, res);
    if (answered) add_cors(req, res);
    return answered;
  }

  bool check_at_edge(http::Request& req, http::Response& res) {
    std::vector<std::string> matches;
    auto m = router_.match(req.method, req.path, matches);
    if (m.handler == nullptr) {
      if (m.path_known) {
        std::string allow;
        for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
        res.set_header("Allow", allow);
        fail(res, 405, ErrorCode::invalid_input, "method not allowed");
      } else {
        fail(res, 404, ErrorCode::not_found, "no such route");
      }
      return true;
    }
    req.route = *m.pattern;
    req.matches = std::move(matches);
    const RouteSpec& spec = *m.handler;
    for (auto it = req.params.begin(); it != req.params.end(); it = req.params.upper_bound(it->first)) {
      const std::string key = it->first.substr(0, 64);
      if (std::find(spec.query.begin(), spec.query.end(), it->first) == spec.query.end()) {
        fail(res, 400, ErrorCode::invalid_input, "unknown query parameter " + key);
        return true;
      }
      if (req.params.count(it->first) > 1) {
        fail(res, 400, ErrorCode::invalid_input, "query parameter " + key + " repeated");
        return true;
      }
    }
    // Idos-Min-Position: this node must have applied that position before it answers (reads) or
    // judges a write at the edge (e.g. the caller's registration made through another node).
    if (!min_position_reached(req, res)) return true;
    if (spec.access == kOpen) return false;
    const int64_t now = wall_now();
    if (!pre_authenticate(req, res, now)) return true;
    const EdgeState& edge = edge_of(req);
    // A request decided here is still used up: its nonce is recorded as if it had been handled.
    if (spec.access == kRegistered && !edge.registered) {
      if (!consume_nonce(req, res, now)) return true;
      fail(res, 403, ErrorCode::forbidden, "the calling wallet is not registered to a user on this node");
      remember_refusal(edge, res);
      return true;
    }
    if (spec.edge_check != nullptr && (this->*spec.edge_check)(req, res)) {
      http::Response refusal = std::move(res);
      res = http::Response{};
      if (consume_nonce(req, res, now)) {
        res = std::move(refusal);
        remember_refusal(edge, res);
      }
      return true;
    }
    return false;
  }

  void handle(http::Request& req, http::Response& res) override {
    std::vector<std::string> matches;
    auto m = router_.match(req.method, req.path, matches);
    if (m.handler == nullptr) return fail(res, 404, ErrorCode::not_found, "no such route");
    req.route = *m.pattern;
    req.matches = std::move(matches);
    try {
      (this->*(m.handler->handler))(req, res);
    } catch (...) {
      // Never expected: every handler checks its input. Logged by the access log with the route.
      fail(res, 500, ErrorCode::internal, "internal error");
    }
    if (res.status < 0) fail(res, 500, ErrorCode::internal, "internal error");
    add_cors(req, res);
  }

  // --- CORS (--cors-origins) -------------------------------------------------------------------------
  // An origin on the list may call every endpoint; "*" on the list lets any origin call the public
  // read-only ones (GET of an open route). Signed requests carry no cookies or ambient
  // credentials, so CORS only decides which pages may read the answers.
  enum class CorsGrant { none, origin, any };
  CorsGrant cors_grant(const std::string& origin, const std::string& method, const RouteSpec* spec) const {
    const auto& list = c_.config.cors_origins;
    if (std::find(list.begin(), list.end(), origin) != list.end()) return CorsGrant::origin;
    if (spec != nullptr && spec->access == kOpen && (method == "GET" || method == "HEAD") &&
        std::find(list.begin(), list.end(), "*") != list.end()) {
      return CorsGrant::any;
    }
    return CorsGrant::none;
  }

  void add_cors(const http::Request& req, http::Response& res) const {
    if (c_.config.cors_origins.empty() || !req.has_header("Origin")) return;
    std::vector<std::string> unused;
    auto m = router_.match(req.method, req.path, unused);
    const std::string origin = req.get_header_value("Origin");
    const CorsGrant grant = cors_grant(origin, req.method, m.handler);
    if (grant == CorsGrant::none) return;
    res.set_header("Access-Control-Allow-Origin", grant == CorsGrant::any ? "*" : origin);
    res.set_header("Access-Control-Expose-Headers", "Retry-After");
    if (grant == CorsGrant::origin) res.set_header("Vary", "Origin");
  }

  // OPTIONS with Origin and Access-Control-Request-Method: 204 with what the origin may do, 403
  // for an origin not allowed, 404/405 as the route would answer.
  void preflight(http::Request& req, http::Response& res) {
    req.route = "preflight";
    const std::string method = req.get_header_value("Access-Control-Request-Method");
    std::vector<std::string> unused;
    auto m = router_.match(method, req.path, unused);
    if (m.handler == nullptr) {
      if (m.path_known) return fail(res, 405, ErrorCode::invalid_input, "method not allowed");
      return fail(res, 404, ErrorCode::not_found, "no such route");
    }
    const std::string origin = req.get_header_value("Origin");
    const CorsGrant grant = cors_grant(origin, method, m.handler);
    if (grant == CorsGrant::none) return fail(res, 403, ErrorCode::forbidden, "origin not allowed (--cors-origins)");
    std::string methods;
    for (const auto& a : m.allowed) methods += (methods.empty() ? "" : ", ") + a;
    res.status = 204;
    res.set_header("Access-Control-Allow-Origin", grant == CorsGrant::any ? "*" : origin);
    res.set_header("Access-Control-Allow-Methods", methods);
    res.set_header("Access-Control-Allow-Headers", std::string("Content-Type, ") + kSignedRequestHeader + ", " + kMinPositionHeader);
    res.set_header("Access-Control-Max-Age", "600");
    if (grant == CorsGrant::origin) res.set_header("Vary", "Origin");
  }

  void on_complete(const http::Request& req, const http::Response& res, double seconds) override {
    c_.metrics.add_in_flight(-1);
    if (res.status < 0) {  // the connection ended before an answer was sent (client gone, deadline, stop)
      log_event(LogLevel::info, "request_aborted", {{"method", req.method}, {"route", req.route}, {"path", req.path}});
      return;
    }
    c_.metrics.observe_request(req.method, req.route, res.status, seconds);
    // Path only (ids are public); never headers, bodies or query values beyond the path.
    json fields{{"method", req.method}, {"route", req.route}, {"path", req.path}, {"status", res.status},
                {"ms", static_cast<int64_t>(seconds * 1e6) / 1000.0}};
    if (req.edge && !edge_of(req).caller.empty()) fields["caller"] = edge_of(req).caller;
    if (!res.error_code.empty()) fields["code"] = res.error_code;
    if (c_.config.access_log || res.status >= 500) {
      log_event(res.status >= 500 ? LogLevel::error : LogLevel::info, "request", std::move(fields));
    }
  }

 private:
  void route(const std::string& method, const std::string& pattern, Handler h, Access access = kSigned,
             std::vector<std::string> query = {}, EdgeCheck edge_check = nullptr) {
    router_.add(method, pattern, RouteSpec{h, access, std::move(query), edge_check});
  }

  // DELETE /v1/grants/{id} of a grant that does not exist or is already revoked: 404 at the edge,
  // as the ledger would answer (after the caller's registration, checked before this).
  bool revoke_at_edge(const http::Request& req, http::Response& res) {
    const std::string& id = req.matches[1];
    if (!parse_uuid(id).ok()) return false;  // the handler's 400
    auto grant = c_.storage.find_grant(id);
    if (!grant.ok()) return false;  // decided by the ledger
    if (!*grant || (*grant)->revoked_at) {
      fail(res, 404, ErrorCode::not_found, "not found: no active grant " + id);
      return true;
    }
    return false;
  }

  // --- authentication ----------------------------------------------------------------------------
  // The Idos-Signed-Request header: base64 of a signed_request document (docs/spec/requests.md).
  // The plugin checks fields, signature and freshness at the wall clock `now`; the node checks that
  // method, path and body hash are those of this request, and that the nonce is new.
  // Phase 1, from the headers alone (before any body byte is read): the header's signature,
  // freshness and unused nonce (plugin), method and path, the wallet's registration and the
  // budgets. What passes is kept in the request's edge state for phase 2.
  bool pre_authenticate(const http::Request& req, http::Response& res, int64_t now) {
    EdgeState& edge = edge_of(req);
    bool charged = false;  // this request already took a token from its address's budget
    auto refuse = [&](ErrorCode code, const std::string& message) {
      c_.metrics.count_auth_failure(std::string(error_code_name(code)));
      if (code != ErrorCode::internal && !charged && !charge_address(req, res)) return false;
      fail(res, code == ErrorCode::internal ? 500 : 401, code, message);
      return false;
    };
    if (!req.has_header(kSignedRequestHeader)) {
      return refuse(ErrorCode::forbidden, "this endpoint needs a signed request (header Idos-Signed-Request)");
    }
    const std::string header = req.get_header_value(kSignedRequestHeader);
    auto request = decode_signed_request(header);
    if (!request.ok()) return refuse(request.code(), request.error().message);
    const std::string& text = request->text;
    const json* doc = &request->doc;
    // Who the request claims to come from, before its signature costs anything: a wallet that is
    // not registered here spends its address's budget first (fresh key pairs are free to make).
    std::optional<WalletRow> claimed;
    {
      const auto type = doc->find("caller_wallet_type");
      const auto id = doc->find("caller_wallet_identifier");
      if (type != doc->end() && id != doc->end() && type->is_string() && id->is_string()) {
        if (auto canonical = c_.plugin.canonical_wallet_identifier(type->get<std::string>(), id->get<std::string>());
            canonical.ok()) {
          auto w = c_.storage.find_wallet(*canonical);
          if (!w.ok()) {
            storage_failed(res, w.error());
            return false;
          }
          claimed = *w;
        }
      }
    }
    if (!claimed) {
      charged = true;
      if (!charge_address(req, res)) return false;
    }
    // The plugin names the request's single-use value and how long it matters.
    auto replay = c_.plugin.replay_key("signed_request", text);
    bool seen = false;
    std::optional<AppliedRequest> retry;
    if (replay.ok()) {
      auto s = c_.storage.nonce_seen(replay->key);
      if (!s.ok()) {
        storage_failed(res, s.error());
        return false;
      }
      seen = *s;
      if (seen) {
        // A client's retry of a write this network applied: the same outcome again, not REPLAYED
        // (the request's hash binds method, path, body and nonce: docs/cluster.md).
        auto applied = c_.storage.find_applied_request(replay->key);
        if (!applied.ok()) {
          storage_failed(res, applied.error());
          return false;
        }
        if (*applied && (*applied)->request_sha256 == request->request_sha256) {
          retry = **applied;
          seen = false;
        } else if (auto refused = remembered_refusal(replay->key, request->request_sha256, now)) {
          // The identical retry of a write this edge refused: the same answer again.
          res.status = refused->status;
          res.error_code = refused->code;
          res.set_content(refused->body, "application/json");
          return false;
        }
      }
    }
    if (auto v = c_.plugin.validate("signed_request", text, now, seen); !v.ok()) {
      return refuse(v.code(), v.error().message);
    }
    if (!replay.ok()) return refuse(replay.code(), replay.error().message);  // unreachable after validation
    // The validator accepted it, so these members exist and are strings.
    const std::string method = (*doc)["method"].get<std::string>();
    const std::string path = (*doc)["path"].get<std::string>();
    if (method != req.method) return refuse(ErrorCode::mismatch, "signed method is not this request's method");
    if (path != req.target) return refuse(ErrorCode::mismatch, "signed path is not this request's path");
    Authenticated out;
    out.wallet_type = (*doc)["caller_wallet_type"].get<std::string>();
    // Signed as the wallet spells it (e.g. EIP-55); known to the node by its canonical spelling.
    auto canonical = c_.plugin.canonical_wallet_identifier(out.wallet_type, (*doc)["caller_wallet_identifier"].get<std::string>());
    if (!canonical.ok()) return refuse(canonical.code(), canonical.error().message);
    out.wallet = *canonical;
    if (auto pk = doc->find("caller_public_key"); pk != doc->end() && pk->is_string()) out.public_key = pk->get<std::string>();
    out.signed_request = header;
    out.nonce_key = replay->key;
    out.retry = std::move(retry);
    edge.caller = out.wallet;
    double retry_after = 0;
    if (!c_.rate_limiter.allow(out.wallet, retry_after)) {
      c_.metrics.count_rate_limited();
      res.set_header("Retry-After", std::to_string(static_cast<int64_t>(retry_after) + 1));
      fail(res, 429, ErrorCode::rate_limited, "rate limit for this wallet exceeded; retry later");
      return false;
    }
    edge.verified = true;
    edge.who = out;
    edge.registered = claimed.has_value();
    edge.body_sha256 = (*doc)["body_sha256"].get<std::string>();
    edge.replay_key = replay->key;
    edge.keep_until = replay->keep_until;
    edge.request_sha256 = request->request_sha256;
    return true;
  }

  // The edge's refusals of writes, by replay key, for identical retries (bounded; lost at restart,
  // when a retry is answered REPLAYED: docs/api.md).
  static constexpr size_t kMaxEdgeRefusals = 10000;
  void remember_refusal(const EdgeState& edge, const http::Response& res) {
    if (edge.who.retry || edge.replay_key.empty()) return;
    std::lock_guard<std::mutex> lock(refusals_mutex_);
    if (refusals_.size() >= kMaxEdgeRefusals) {
      refusals_.erase(refusal_order_.front());
      refusal_order_.pop_front();
    }
    if (refusals_.emplace(edge.replay_key, EdgeRefusal{edge.request_sha256, res.status, res.error_code, res.body,
                                                       edge.keep_until}).second) {
      refusal_order_.push_back(edge.replay_key);
    }
  }
  std::optional<EdgeRefusal> remembered_refusal(const std::string& replay_key, const std::string& request_sha256,
                                                int64_t now) {
    std::lock_guard<std::mutex> lock(refusals_mutex_);
    auto it = refusals_.find(replay_key);
    if (it == refusals_.end() || it->second.request_sha256 != request_sha256 || it->second.keep_until < now) {
      return std::nullopt;
    }
    return it->second;
  }

  // Records the nonce of a pre-authenticated request answered at the edge (false: answered with
  // the refusal instead).
  bool consume_nonce(const http::Request& req, http::Response& res, int64_t now) {
    const EdgeState& edge = edge_of(req);
    if (edge.who.retry) return true;  // already recorded when the request was first applied
    auto recorded = c_.storage.record_nonce(edge.replay_key, std::max(now, edge.keep_until));
    if (!recorded.ok()) {
      storage_failed(res, recorded.error());
      return false;
    }
    if (!*recorded) {
      c_.metrics.count_auth_failure(std::string(error_code_name(ErrorCode::replayed)));
      fail(res, 401, ErrorCode::replayed, "nonce seen before");
      return false;
    }
    return true;
  }

  // A token from the budget of the request's address (unauthenticated and unregistered callers);
  // false with a 429 when there is none.
  bool charge_address(const http::Request& req, http::Response& res) {
    double retry_after = 0;
    if (address_limiter_.allow(req.remote_addr, retry_after)) return true;
    c_.metrics.count_rate_limited();
    res.set_header("Retry-After", std::to_string(static_cast<int64_t>(retry_after) + 1));
    fail(res, 429, ErrorCode::rate_limited,
         "rate limit for unauthenticated and unregistered callers from this address exceeded; retry later");
    return false;
  }

  // The Idos-Signed-Request header: base64 of a signed_request document (docs/spec/requests.md).
  // Phase 2, with the body: its SHA-256 must be the signed one, and the nonce is then recorded
  // (once: a concurrent replay loses the race). Phase 1 ran at the headers (pre_authenticate).
  bool authenticate(const http::Request& req, http::Response& res, int64_t now, Authenticated& out) {
    auto refuse = [&](ErrorCode code, const std::string& message) {
      c_.metrics.count_auth_failure(std::string(error_code_name(code)));
      fail(res, code == ErrorCode::internal ? 500 : 401, code, message);
      return false;
    };
    EdgeState& edge = edge_of(req);
    if (!edge.verified && !pre_authenticate(req, res, now)) return false;
    if (edge.body_sha256 != hex_encode(sha256(as_bytes(req.body)))) {
      return refuse(ErrorCode::mismatch, "signed body_sha256 is not the SHA-256 of this request's body");
    }
    if (!edge.who.retry) {
      auto recorded = c_.storage.record_nonce(edge.replay_key, std::max(now, edge.keep_until));
      if (!recorded.ok()) {
        storage_failed(res, recorded.error());
        return false;
      }
      if (!*recorded) return refuse(ErrorCode::replayed, "nonce seen before");
    }
    out = edge.who;
    if (req.method != "GET") out.body = req.body;
    return true;
  }

  // The registered wallet of the caller (403 when the wallet belongs to no user).
  bool registered(http::Response& res, const Authenticated& caller, WalletRow& out) {
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
  bool parse_body(const http::Request& req, http::Response& res, std::initializer_list<std::string_view> allowed,
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
  void submit(http::Response& res, const Authenticated& caller, Transaction tx, int64_t now, int success_status) {
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
  // Ok only when the node can do its work: the storage answers and takes a test write, the data
  // folder has min-free-disk bytes free, the plugin is the one loaded at start, and the key files
  // still hold the keys in use. Details of a failure go to the log.
  void health(const http::Request&, http::Response& res) {
    Status st = c_.storage.health_check();
    if (!st.ok()) log_event(LogLevel::error, "health_storage", {{"message", st.error().message}});
    struct statvfs fs {};
    const bool disk_ok = ::statvfs(c_.config.data_dir.c_str(), &fs) == 0 &&
                         static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize >= c_.config.min_free_disk;
    const bool plugin_ok = c_.plugin.abi_version() == IDOS_PLUGIN_ABI_VERSION;
    const bool keys_ok = c_.keys.files_unchanged(c_.config.data_dir);
    const bool ok = st.ok() && disk_ok && plugin_ok && keys_ok;
    const bool diverged = c_.consistency != nullptr && c_.consistency->diverged();
    json body{{"status", diverged ? "diverged" : (ok ? "ok" : "degraded")},
              {"version", IDOS_VERSION},
              {"plugin_abi", c_.plugin.abi_version()},
              {"plugin_version", c_.plugin.version()},
              {"storage", st.ok() ? "ok" : "error"},
              {"disk", disk_ok ? "ok" : "low"},
              {"plugin", plugin_ok ? "ok" : "error"},
              {"keys", keys_ok ? "ok" : "changed"},
              {"node_id", c_.keys.node_id()},
              {"log_position", c_.log.applied_position()},
              {"log", c_.log.kind()},
              {"log_writable", c_.log.writable()}};
    if (c_.consistency != nullptr) body["consistency"] = c_.consistency->status();
    // A network node that cannot follow the stream (its next entry was purged and no snapshot could
    // be had) says so: "behind", 503, with the reason.
    bool behind = false;
    if (c_.nats != nullptr) {
      body["follow"] = c_.nats->follow_status();
      behind = body["follow"]["state"] != "following";
      if (behind && !diverged) body["status"] = "behind";
    }
    if (c_.snapshots != nullptr) body["snapshots"] = c_.snapshots->status();
    send_json(res, ok && !diverged && !behind ? 200 : 503, body);
  }

  void metrics(const http::Request&, http::Response& res) {
    c_.metrics.set_log_position(c_.log.applied_position());
    res.status = 200;
    res.set_content(c_.metrics.render(IDOS_VERSION, c_.plugin.abi_version()), "text/plain; version=0.0.4");
  }

  void node_info(const http::Request&, http::Response& res) {
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
  void public_encryption_key(const http::Request& req, http::Response& res) {
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
  void log_entry(const http::Request& req, http::Response& res) {
    int64_t position = 0;
    if (!parse_decimal(req.matches[1], 1, int64_t{1} << 62, position)) {
      return fail(res, 400, ErrorCode::invalid_input, "position: a decimal integer from 1");
    }
    auto row = c_.storage.log_entry(position);
    if (!row.ok()) return storage_failed(res, row.error());
    if (!*row) return fail(res, 404, ErrorCode::not_found, "not found: this node has not applied position " + std::to_string(position));
    // Entries applied before the node kept state hashes (schema 2) have none to sign or compare.
    if ((*row)->state_hash.empty()) {
      return fail(res, 404, ErrorCode::not_found,
                  "not found: position " + std::to_string(position) + " was applied before this node kept state hashes");
    }
    auto signed_entry = signed_log_entry(c_.plugin, c_.keys, **row);
    if (!signed_entry.ok()) return fail(res, 500, ErrorCode::internal, "cannot sign the log entry");
    send_json(res, 200, *signed_entry);
  }

  // GET /v1/snapshot: the signed manifest of this node's latest agreed snapshot; GET
  // /v1/snapshot/{position}: its bytes. Only for the nodes of the peers file, each request signed
  // by the asking node (Idos-Node-Auth, docs/api.md).
  bool snapshot_allowed(const http::Request& req, http::Response& res, int64_t position) {
    if (c_.snapshots == nullptr) {
      fail(res, 404, ErrorCode::not_found, "this node takes no snapshots (not a network node)");
      return false;
    }
    Status st = c_.snapshots->authorize(req.get_header_value(kNodeAuthHeader), position, wall_now());
    if (!st.ok()) {
      log_event(LogLevel::warn, "snapshot_request_refused", {{"code", error_code_name(st.code())}, {"message", st.error().message}});
      fail(res, 403, st.code() == ErrorCode::forbidden ? ErrorCode::forbidden : st.code(), st.error().message);
      return false;
    }
    return true;
  }

  void snapshot_manifest(const http::Request& req, http::Response& res) {
    if (!snapshot_allowed(req, res, 0)) return;
    auto m = c_.snapshots->latest_manifest();
    if (!m.ok()) return fail(res, m.code() == ErrorCode::not_found ? 404 : 500, m.code(), m.error().message);
    send_json(res, 200, *m);
  }

  void snapshot_file(const http::Request& req, http::Response& res) {
    int64_t position = 0;
    if (!parse_decimal(req.matches[1], 1, int64_t{1} << 53, position)) {
      return fail(res, 400, ErrorCode::invalid_input, "position: a decimal integer from 1");
    }
    if (!snapshot_allowed(req, res, position)) return;
    auto bytes = c_.snapshots->snapshot_bytes(position);
    if (!bytes.ok()) return fail(res, bytes.code() == ErrorCode::not_found ? 404 : 500, bytes.code(), bytes.error().message);
    res.status = 200;
    res.set_content(std::move(bytes).value(), "application/vnd.idos.snapshot");
  }

  // Idos-Min-Position (any route): waits up to 2 s for this node to apply that position, then
  // refuses (503 UNAVAILABLE, Retry-After) rather than answer from an older state.
  bool min_position_reached(const http::Request& req, http::Response& res) {
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
  void public_grants(const http::Request& req, http::Response& res) {
    GrantQuery q;
    bool include_deleted = false;
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
      } else if (key == "include_deleted") {
        if (value != "true" && value != "false") return fail(res, 400, ErrorCode::invalid_input, "include_deleted: true or false");
        include_deleted = value == "true";
      } else {
        return fail(res, 400, ErrorCode::invalid_input, "unknown query parameter " + key.substr(0, 64));
      }
    }
    const int64_t limit = q.limit;
    q.limit = limit + 1;  // one more tells whether there is a next page
    auto rows = c_.storage.grants(q);
    if (!rows.ok()) return storage_failed(res, rows.error());
    // Deleted grants (their credential was deleted) keep their id and place, with no data: listed
    // on request (include_deleted) when no filter names an owner, grantee or data_id they no longer have.
    std::vector<DeletedGrantRow> deleted;
    if (include_deleted && !q.owner && !q.grantee && !q.data_id) {
      auto d = c_.storage.deleted_grants(q.after_cursor, limit + 1);
      if (!d.ok()) return storage_failed(res, d.error());
      deleted = std::move(*d);
    }
    json grants = json::array();
    json next = nullptr;
    size_t i = 0, j = 0;
    int64_t last_cursor = q.after_cursor;
    for (int64_t n = 0; i < rows->size() || j < deleted.size(); ++n) {
      const bool take_deleted = j < deleted.size() && (i == rows->size() || deleted[j].cursor < (*rows)[i].cursor);
      if (n == limit) {
        next = std::to_string(last_cursor);
        break;
      }
      if (take_deleted) {
        const auto& d = deleted[j++];
        grants.push_back(json{{"id", d.id}, {"deleted", true}, {"deleted_at", d.deleted_at}, {"log_position", d.log_position}});
        last_cursor = d.cursor;
      } else {
        const auto& g = (*rows)[i++];
        grants.push_back(grant_json(g, true));
        last_cursor = g.cursor;
      }
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
  void create_user(const http::Request& req, http::Response& res) {
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

  void get_me(const http::Request& req, http::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
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

  void add_wallet(const http::Request& req, http::Response& res) {
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
  void put_credential(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"credential"}, body)) return;
    if (auto o = get_object_field(body, "credential"); !o.ok()) return fail(res, o.error());
    submit(res, caller, make_tx(kOpPutCredential, caller, std::move(body)), now, 201);
  }

  void write_by_dwg(const http::Request& req, http::Response& res) {
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

  void list_credentials(const http::Request& req, http::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
    WalletRow me;
    if (!registered(res, caller, me)) return;
    auto rows = c_.storage.credentials_of(me.user_id);
    if (!rows.ok()) return storage_failed(res, rows.error());
    json list = json::array();
    for (const auto& r : *rows) list.push_back(credential_meta_json(r));
    send_json(res, 200, json{{"credentials", list}});
  }

  // Opens a stored credential (node key) and answers {"credential": <document>, ...extra}.
  void send_credential(http::Response& res, const CredentialRow& row, const json& extra) {
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

  bool uuid_param(http::Response& res, const std::string& value, const char* what) {
    if (auto u = parse_uuid(value); !u.ok()) {
      fail(res, 400, u.code(), std::string(what) + ": " + u.error().message);
      return false;
    }
    return true;
  }

  void get_credential(const http::Request& req, http::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
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
  void share(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"shared_copy", "grantee", "locked_until", "content_hash", "original_id"}, body)) return;
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
    auto original = get_string_field(body, "original_id", kMaxIdChars);
    if (!original.ok()) return fail(res, original.error());
    if (!uuid_param(res, *original, "original_id")) return;
    submit(res, caller, make_tx(kOpShare, caller, std::move(body)), now, 201);
  }

  // The grantee reads a shared copy: needs an unrevoked grant naming the calling wallet.
  void read_shared(const http::Request& req, http::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
    const std::string data_id = req.matches[1];
    if (!uuid_param(res, data_id, "data_id")) return;
    auto grant = c_.storage.active_grant(caller.wallet, data_id);
    if (!grant.ok()) return storage_failed(res, grant.error());
    // The same answer whether the copy exists or not: a stranger learns nothing.
    if (!*grant) return fail(res, 403, ErrorCode::forbidden, "no valid access grant for this wallet on " + data_id);
    auto row = c_.storage.find_credential(data_id);
    if (!row.ok()) return storage_failed(res, row.error());
    if (!*row) return fail(res, 404, ErrorCode::not_found, "not found: shared copy " + data_id);
    auto status = status_of_original(**row);
    if (!status.ok()) return storage_failed(res, status.error());
    send_credential(res, **row, json{{"grant", grant_json(**grant, true)}, {"status", *status}});
  }

  // GET /v1/grants?role=owner|grantee: grants the caller's user owns, or names one of its wallets.
  void list_grants(const http::Request& req, http::Response& res) {
    Authenticated caller;
    if (!authenticate(req, res, wall_now(), caller)) return;
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

  void delegated_access_grant(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"dag"}, body)) return;
    if (auto o = get_object_field(body, "dag"); !o.ok()) return fail(res, o.error());
    submit(res, caller, make_tx(kOpDelegatedAccessGrant, caller, std::move(body)), now, 201);
  }

  // DELETE /v1/credentials/{id}: the owner deletes a credential (an original with its shared copies,
  // or one copy) and the grants on them; the ledger decides through the plugin (docs/api.md).
  void delete_credential(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    const std::string id = req.matches[1];
    if (!uuid_param(res, id, "credential id")) return;
    submit(res, caller, make_tx(kOpDeleteCredential, caller, json{{"credential_id", id}}), now, 200);
  }

  // POST /v1/credential-status: an issuer's signed status document (any signed-request caller may
  // submit it, as a DAG; the document's own signature is what counts).
  void set_credential_status(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"issuer_auth_public_key", "vc_id", "status", "reason", "sequence", "issued_at", "signature"},
                    body)) {
      return;
    }
    for (const char* key : {"issuer_auth_public_key", "vc_id", "status", "signature"}) {
      if (auto v = get_string_field(body, key, kMaxIdChars); !v.ok()) return fail(res, v.error());
    }
    submit(res, caller, make_tx(kOpSetCredentialStatus, caller, std::move(body)), now, 200);
  }

  // GET /v1/public/credential-status?issuer_auth_public_key=&vc_id=: the last status the issuer set
  // ({"status": null} when none: the issuer has not said anything, which consumers read as active).
  void public_credential_status(const http::Request& req, http::Response& res) {
    std::string issuer, vc_id;
    for (const auto& [key, value] : req.params) {
      if (req.get_param_value_count(key) > 1) return fail(res, 400, ErrorCode::invalid_input, "query parameter " + key + " repeated");
      if (value.empty() || value.size() > kMaxIdChars) return fail(res, 400, ErrorCode::invalid_input, key + ": 1..128 bytes");
      (key == "vc_id" ? vc_id : issuer) = value;
    }
    if (issuer.empty() || vc_id.empty()) {
      return fail(res, 400, ErrorCode::invalid_input, "issuer_auth_public_key and vc_id are required");
    }
    auto row = c_.storage.find_credential_status(issuer, vc_id);
    if (!row.ok()) return storage_failed(res, row.error());
    send_json(res, 200, json{{"issuer_auth_public_key", issuer}, {"vc_id", vc_id},
                             {"status", *row ? credential_status_view(**row) : json(nullptr)}});
  }

  // The status of the credential a shared copy was made from: its original's VC id (the `id` of
  // the original's public_notes) and issuer key. null when there is none (no original_id, no VC id
  // in the notes, or no status set).
  Result<json> status_of_original(const CredentialRow& copy) {
    if (copy.original_id.empty()) return json(nullptr);
    IDOS_TRY(auto original, c_.storage.find_credential(copy.original_id));
    if (!original) return json(nullptr);
    IDOS_TRY(Bytes plain, c_.keys.open(original->sealed, credential_associated_data(original->id)));
    auto doc = parse_json(as_text(plain), JsonLimits{plain.size() + 1, 64});
    sodium_memzero(plain.data(), plain.size());
    if (!doc.ok() || !doc->is_object()) return json(nullptr);
    auto notes_text = get_string_field(*doc, "public_notes", 65536);
    if (!notes_text.ok() || notes_text->empty()) return json(nullptr);
    auto notes = parse_json(*notes_text, JsonLimits{notes_text->size() + 1, 16});
    if (!notes.ok() || !notes->is_object()) return json(nullptr);
    auto vc_id = get_string_field(*notes, "id", kMaxIdChars);
    if (!vc_id.ok()) return json(nullptr);
    IDOS_TRY(auto row, c_.storage.find_credential_status(original->issuer_auth_public_key, *vc_id));
    // Then the issuer that wrote the original (a DWG write records "issuer:<key>"): its status still
    // holds after the owner re-signed the record under another key (an edit or a key change).
    const std::string issuer_prefix = "issuer:";
    if (!row && original->inserter.rfind(issuer_prefix, 0) == 0 &&
        original->inserter.substr(issuer_prefix.size()) != original->issuer_auth_public_key) {
      IDOS_TRY(row, c_.storage.find_credential_status(original->inserter.substr(issuer_prefix.size()), *vc_id));
    }
    if (!row) return json(nullptr);
    return credential_status_view(*row);
  }

  void revoke(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    const std::string id = req.matches[1];
    if (!uuid_param(res, id, "grant id")) return;
    submit(res, caller, make_tx(kOpRevoke, caller, json{{"grant_id", id}}), now, 200);
  }

  // --- the owner's changes ---------------------------------------------------------------------------
  // PUT /v1/credentials/{id}: the owner replaces an original's record (same id).
  void edit_credential(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    const std::string id = req.matches[1];
    if (!uuid_param(res, id, "credential id")) return;
    json body;
    if (!parse_body(req, res, {"credential"}, body)) return;
    auto o = get_object_field(body, "credential");
    if (!o.ok()) return fail(res, o.error());
    json payload{{"credential_id", id}, {"credential", **o}};
    submit(res, caller, make_tx(kOpEditCredential, caller, std::move(payload)), now, 200);
  }

  // PUT /v1/users/me/encryption-key: the new key and every original re-encrypted, in one entry.
  void change_encryption_key(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    json body;
    if (!parse_body(req, res, {"encryption_public_key", "credentials"}, body)) return;
    if (auto k = get_string_field(body, "encryption_public_key", kMaxIdChars); !k.ok()) return fail(res, k.error());
    auto list = body.find("credentials");
    if (list == body.end() || !list->is_array()) {
      return fail(res, 400, ErrorCode::invalid_input, "credentials: an array of credential records");
    }
    submit(res, caller, make_tx(kOpChangeEncryptionKey, caller, std::move(body)), now, 200);
  }

  // DELETE /v1/users/me/wallets/{identifier}: another wallet of the caller's user goes.
  void remove_wallet(const http::Request& req, http::Response& res) {
    const int64_t now = wall_now();
    Authenticated caller;
    if (!authenticate(req, res, now, caller)) return;
    const std::string given = req.matches[1];
    if (given.empty() || given.size() > kMaxIdChars || !is_valid_utf8(given))
      return fail(res, 400, ErrorCode::invalid_input, "wallet identifier: 1..128 bytes");
    // Any spelling its wallet gives: refused here when it is no identifier at all; apply()
    // canonicalises the same text again (the payload is what the signed path says).
    auto canonical = c_.plugin.canonical_wallet_identifier("", given);
    if (!canonical.ok()) return fail(res, 400, canonical.code(), "wallet identifier: " + canonical.error().message);
    submit(res, caller, make_tx(kOpRemoveWallet, caller, json{{"wallet_identifier", given}}), now, 200);
  }

  ApiContext& c_;
  std::mutex refusals_mutex_;
  std::unordered_map<std::string, EdgeRefusal> refusals_;
  std::deque<std::string> refusal_order_;
  RateLimiter address_limiter_;  // unauthenticated and unregistered callers, per IP address
  http::Router<RouteSpec> router_;
};

}  // namespace

std::unique_ptr<http::Service> make_api(ApiContext& ctx) { return std::make_unique<Api>(ctx); }

}  // namespace idos::node
