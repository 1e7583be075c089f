// Serves an http::Service with cpp-httplib (transitional: the libmicrohttpd server replaces it).
#pragma once

#include <chrono>

#include <httplib.h>

#include "config.hpp"
#include "http.hpp"

namespace idos::node {

namespace httplib_adapter {
struct State {
  http::Request req;
  http::Response res;
  std::chrono::steady_clock::time_point start{};
  bool active = false;
};
inline thread_local State t;
}  // namespace httplib_adapter

inline void install_service(httplib::Server& s, http::Service& service, const Config& config) {
  using httplib_adapter::State;
  using httplib_adapter::t;
  s.set_payload_max_length(config.max_body);
  s.set_read_timeout(config.read_timeout, 0);
  s.set_write_timeout(config.write_timeout, 0);
  s.set_keep_alive_timeout(config.keep_alive_timeout);
  s.set_keep_alive_max_count(config.keep_alive_max);
  s.set_tcp_nodelay(true);

  auto copy_out = [](const http::Response& from, httplib::Response& to) {
    to.status = from.status;
    for (const auto& [k, v] : from.headers) {
      if (k == "Content-Type") continue;
      to.set_header(k, v);
    }
    to.set_content(from.body, from.get_header_value("Content-Type").c_str());
  };
  s.set_pre_routing_handler([&service, copy_out](const httplib::Request& req, httplib::Response& res) {
    t = State{};
    t.active = true;
    t.start = std::chrono::steady_clock::now();
    t.req.method = req.method;
    t.req.target = req.target;
    t.req.version = req.version;
    t.req.remote_addr = req.remote_addr;
    http::split_target(req.target, t.req.path, t.req.params);
    for (const auto& [k, v] : req.headers) t.req.headers.emplace(k, v);
    if (service.on_headers(t.req, t.res)) {
      copy_out(t.res, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto all = [&service, copy_out](const httplib::Request& req, httplib::Response& res) {
    t.req.body = req.body;
    service.handle(t.req, t.res);
    copy_out(t.res, res);
  };
  s.Get(".*", all);
  s.Post(".*", all);
  s.Delete(".*", all);
  s.Put(".*", all);
  s.Patch(".*", all);
  s.Options(".*", all);
  // Statuses httplib produces itself (413 body, 400 bad request line, ...) get the JSON error form.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string code = "INVALID_INPUT", message = "bad request";
    if (res.status == 404) { code = "NOT_FOUND"; message = "no such route"; }
    else if (res.status == 413) { code = "TOO_LARGE"; message = "request body over the node's limit"; }
    else if (res.status == 414) { code = "TOO_LARGE"; message = "request target too long"; }
    else if (res.status >= 500) { code = "INTERNAL"; message = "internal error"; }
    res.set_content("{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_logger([&service](const httplib::Request&, const httplib::Response& res) {
    if (!t.active) return;
    t.res.status = res.status;
    service.on_complete(t.req, t.res,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - t.start).count());
    t = State{};
  });
}

}  // namespace idos::node
