// HTTP-neutral request and response types, and the router the API uses. The HTTP server
// (http_server.hpp) fills a Request, asks the Service, and writes the Response; nothing above this
// header knows which HTTP library serves it.
//
// The accessors have the names of the cpp-httplib ones the handlers were first written against
// (`req.matches[1]`, `req.params`, `req.get_header_value(...)`, `res.set_content(...)`), so a
// handler moves over by changing its parameter types to `const http::Request&, http::Response&`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idos::node::http {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using Params = std::multimap<std::string, std::string>;

struct Request {
  std::string method;   // as sent: "GET", "POST", ...
  std::string target;   // the request target exactly as sent: path and query ("/v1/grants?role=owner")
  std::string path;     // the path, percent-decoded, without the query
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  Headers headers;
  Params params;                     // query parameters in order, percent-decoded ('+' is a space)
  std::vector<std::string> matches;  // [0] the path, [1..] what the route's ([^/]+) segments matched
  std::string body;
  std::string remote_addr;  // the peer's IP address (text)
  std::string route = "unmatched";  // the pattern of the matched route (logs, metrics)
  // What the service worked out from the headers (before the body was read), for its handlers.
  std::shared_ptr<void> edge;

  bool has_header(const std::string& key) const { return headers.find(key) != headers.end(); }
  std::string get_header_value(const std::string& key, size_t id = 0) const;
  size_t get_header_value_count(const std::string& key) const { return headers.count(key); }
  bool has_param(const std::string& key) const { return params.find(key) != params.end(); }
  std::string get_param_value(const std::string& key, size_t id = 0) const;
  size_t get_param_value_count(const std::string& key) const { return params.count(key); }
};

struct Response {
  int status = -1;
  Headers headers;
  std::string body;
  std::string error_code;  // the error code of a refusal (for the access log), "" when none

  bool has_header(const std::string& key) const { return headers.find(key) != headers.end(); }
  std::string get_header_value(const std::string& key, size_t id = 0) const;
  // Replaces any earlier value of `key`.
  void set_header(const std::string& key, const std::string& value);
  void set_content(std::string content, const std::string& content_type);
};

// What the HTTP server calls, per request, in this order.
class Service {
 public:
  virtual ~Service() = default;
  // After the request line and the headers, before any byte of the body is read. Return true with
  // `res` filled to answer now: the body is then never read (and the connection closes after the
  // answer if a body was announced).
  virtual bool on_headers(Request& req, Response& res) = 0;
  // With the whole body.
  virtual void handle(Request& req, Response& res) = 0;
  // Once for every request that reached on_headers, after its answer was sent or the connection
  // was lost (`res.status` is then -1): logs, metrics. `seconds` since the headers were complete.
  virtual void on_complete(const Request& req, const Response& res, double seconds) = 0;
};

// Percent-decoding of a path ('+' stays) or of a query component ('+' is a space). Invalid
// escapes are kept as they are.
std::string decode_url(std::string_view text, bool plus_is_space);
// "a=1&b=2" -> {a: 1, b: 2}; a key without '=' has the value "".
Params parse_query(std::string_view query);
// Splits a request target into its decoded path and its parameters.
void split_target(const std::string& target, std::string& path, Params& params);

// Routes: a method and a path pattern whose segments are literal or "([^/]+)" (one non-empty
// segment, captured into Request::matches).
template <typename Handler>
class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Handler handler) {
    Route r{method, pattern, split(pattern), std::move(handler)};
    routes_.push_back(std::move(r));
  }

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method
    const std::string* pattern = nullptr;
    bool path_known = false;           // some route has this path (then: 405, not 404)
    std::vector<std::string> allowed;  // methods routed for this path
  };

  // HEAD is routed as GET.
  Match match(const std::string& method, const std::string& path, std::vector<std::string>& matches) const {
    Match m;
    const std::string& want = method == "HEAD" ? kGet : method;
    const std::vector<std::string_view> parts = split_view(path);
    std::vector<std::string> captured;
    for (const Route& r : routes_) {
      captured.clear();
      if (!segments_match(r.segments, parts, captured)) continue;
      m.path_known = true;
      m.allowed.push_back(r.method);
      if (m.handler == nullptr && r.method == want) {
        m.handler = &r.handler;
        m.pattern = &r.pattern;
        matches.clear();
        matches.push_back(path);
        for (auto& c : captured) matches.push_back(std::move(c));
      }
    }
    return m;
  }

 private:
  static inline const std::string kGet = "GET";
  static constexpr std::string_view kCapture = "([^/]+)";
  static constexpr std::string_view kMark = "\x01";  // a capture segment, once split
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };

  // A pattern's segments, a capture ("([^/]+)", which holds a '/') as one segment.
  static std::vector<std::string> split(std::string pattern) {
    for (size_t at; (at = pattern.find(kCapture)) != std::string::npos;) pattern.replace(at, kCapture.size(), kMark);
    std::vector<std::string> out;
    for (auto v : split_view(pattern)) out.emplace_back(v);
    return out;
  }
  // "/a/b" -> {"a", "b"}; "/" -> {""}; the leading '/' is required by the caller.
  static std::vector<std::string_view> split_view(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.empty() && path[0] == '/') path.remove_prefix(1);
    size_t start = 0;
    for (;;) {
      size_t slash = path.find('/', start);
      out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    return out;
  }
  static bool segments_match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& parts,
                             std::vector<std::string>& captured) {
    if (pattern.size() != parts.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == kMark) {
        if (parts[i].empty()) return false;
        captured.emplace_back(parts[i]);
      } else if (pattern[i] != parts[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace idos::node::http
