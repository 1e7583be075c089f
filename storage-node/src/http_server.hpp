// The node's HTTP/1.1 server on libmicrohttpd (Debian's 0.9.75; docs/node.md says why): a few
// event-loop threads (epoll) serve every connection, so a slow or idle client costs a socket and a
// bounded per-connection buffer, never a thread. Every resource a client can make the node spend
// has a limit here; the service (http.hpp) sees only complete, bounded requests.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "http.hpp"
#include "idos/primitives/result.hpp"

namespace idos::node {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8787;               // 0: any free port (HttpServer::port() says which)
  size_t threads = 4;            // event-loop threads; handlers run on them
  size_t backlog = 64;           // kernel queue of connections not yet accepted
  size_t max_connections = 1024;
  size_t max_connections_per_ip = 64;
  size_t max_headers = 64;         // header fields per request; more: 431
  size_t max_header_bytes = 8192;  // request line + header fields; more: 431
  size_t max_body = 32u << 20;     // body bytes, counted while reading (also chunked); more: 413
  int idle_timeout = 10;           // s without a byte in either direction during a request
  int keep_alive_timeout = 2;      // s an idle connection waits for its next request
  size_t keep_alive_max = 1000;    // requests per connection, then Connection: close
  int header_timeout = 10;         // s from connection (or previous answer) to complete headers
  int body_timeout = 60;           // s from complete headers to complete body
  int shutdown_timeout = 3;        // s stop() waits for requests in flight before closing them
  std::string tls_cert_pem, tls_key_pem;  // both set: HTTPS only (GnuTLS)
};

class HttpServer {
 public:
  // Binds (without SO_REUSEPORT: a second server on the same address fails) and starts serving.
  static Result<std::unique_ptr<HttpServer>> start(const ServerOptions& options, http::Service& service);
  virtual ~HttpServer() = default;

  virtual int port() const = 0;
  // Stops accepting, waits at most shutdown_timeout for requests in flight, then closes every
  // connection, whatever the clients do. Idempotent.
  virtual void stop() = 0;
};

}  // namespace idos::node
