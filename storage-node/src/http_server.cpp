#include "http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "log.hpp"

namespace idos::node {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// One per TCP connection (MHD's socket_context): the deadline the reaper enforces and the number of
// requests served on it.
struct ConnState {
  int fd = -1;
  std::atomic<int64_t> deadline_ms{0};  // 0: none (a handler is running, or the answer is being sent)
  size_t requests = 0;
};

// One per request (MHD's con_cls), created when the request line is complete.
struct Pending {
  http::Request req;
  http::Response res;
  Clock::time_point start{};
  bool started = false;   // the headers were complete and the service saw them
  bool answered = false;  // a response was queued
  bool body_refused = false;  // 413 written directly; the rest of the body is being discarded
  size_t discarded = 0;
};

// After a 413 written mid-body, this much more of the body is read and thrown away before the
// connection is closed, so the client (still sending) reads the answer before a reset.
constexpr size_t kDrainAfterRefusal = 8u << 20;

std::string json_error(const char* code, const char* message) {
  return std::string("{\"code\":\"") + code + "\",\"message\":\"" + message + "\"}";
}

void set_error(http::Response& res, int status, const char* code, const char* message) {
  res.status = status;
  res.error_code = code;
  res.set_content(json_error(code, message), "application/json");
}

// The request target as the strict request line allows it: origin-form ("/..."), visible ASCII.
bool target_ok(const std::string& target) {
  if (target.empty() || target[0] != '/') return false;
  for (unsigned char ch : target) {
    if (ch < 0x21 || ch > 0x7e || ch == '#') return false;
  }
  return true;
}

class MhdServer final : public HttpServer {
 public:
  MhdServer(const ServerOptions& o, http::Service& s) : o_(o), service_(s) {}
  ~MhdServer() override { stop(); }

  Status open() {
    IDOS_CHECK(bind_listener());
    unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    const bool tls = !o_.tls_cert_pem.empty();
    if (tls) flags |= MHD_USE_TLS;
    // Room for the headers we accept plus a read buffer for the body; requests with headers far
    // over max_header_bytes are refused by MHD itself (431) before they reach on_headers.
    const size_t memory = o_.max_header_bytes * 2 + 32 * 1024;
    const unsigned int idle = static_cast<unsigned int>(std::max(1, o_.idle_timeout));
    MHD_OptionItem tls_options[] = {
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, const_cast<char*>(o_.tls_cert_pem.c_str())},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(o_.tls_key_pem.c_str())},
        {MHD_OPTION_END, 0, nullptr}};
    daemon_ = MHD_start_daemon(
        flags, 0, nullptr, nullptr, &MhdServer::access, this,
        MHD_OPTION_LISTEN_SOCKET, listen_fd_,
        MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned int>(std::max<size_t>(1, o_.threads)),
        MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned int>(o_.max_connections),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<unsigned int>(o_.max_connections_per_ip),
        MHD_OPTION_CONNECTION_TIMEOUT, idle,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory,
        MHD_OPTION_CONNECTION_MEMORY_INCREMENT, static_cast<size_t>(4096),
        MHD_OPTION_STRICT_FOR_CLIENT, 1,
        MHD_OPTION_URI_LOG_CALLBACK, &MhdServer::uri_logged, this,
        MHD_OPTION_NOTIFY_COMPLETED, &MhdServer::completed, this,
        MHD_OPTION_NOTIFY_CONNECTION, &MhdServer::connection_event, this,
        MHD_OPTION_EXTERNAL_LOGGER, &MhdServer::mhd_log, this,
        MHD_OPTION_ARRAY, tls_options,
        MHD_OPTION_END);
    if (daemon_ == nullptr) {
      ::close(listen_fd_);
      listen_fd_ = -1;
      return make_error(ErrorCode::internal, tls ? "cannot start the HTTPS server (check --tls-cert and --tls-key)"
                                                 : "cannot start the HTTP server");
    }
    reaper_ = std::thread([this] { reap(); });
    return ok_status();
  }

  int port() const override { return port_; }

  void stop() override {
    std::lock_guard<std::mutex> stop_lock(stop_mutex_);
    if (daemon_ == nullptr) return;
    // No new connections; requests in flight get shutdown_timeout to finish.
    const int fd = MHD_quiesce_daemon(daemon_);
    if (fd >= 0) ::close(fd);
    listen_fd_ = -1;
    const auto until = Clock::now() + std::chrono::seconds(std::max(0, o_.shutdown_timeout));
    while (in_flight_.load() > 0 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // Closes every connection; waits only for handlers already running.
    MHD_stop_daemon(daemon_);
    daemon_ = nullptr;
    {
      std::lock_guard<std::mutex> lock(conns_mutex_);
      reaping_ = false;
    }
    reap_cv_.notify_all();
    if (reaper_.joinable()) reaper_.join();
  }

 private:
  Status bind_listener() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(o_.port);
    if (::getaddrinfo(o_.host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
      return make_error(ErrorCode::invalid_input, "cannot resolve listen address " + o_.host);
    }
    std::string error = "no address";
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      // SO_REUSEADDR only (a restart may bind while old connections sit in TIME_WAIT); never
      // SO_REUSEPORT, which would let a second node share the port.
      int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, static_cast<int>(o_.backlog)) == 0) {
        sockaddr_storage bound{};
        socklen_t len = sizeof bound;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
        port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                            : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
        listen_fd_ = fd;
        break;
      }
      error = std::strerror(errno);
      ::close(fd);
    }
    ::freeaddrinfo(found);
    if (listen_fd_ < 0) {
      return make_error(ErrorCode::internal, "cannot listen on " + o_.host + ":" + std::to_string(o_.port) + ": " + error);
    }
    return ok_status();
  }

  // --- MHD callbacks (each runs on the event-loop thread of its connection) -----------------------
  // Called once the request line is in: the raw target (before MHD unescapes it), kept for the
  // signed-request check ("path exactly as sent").
  static void* uri_logged(void*, const char* uri, MHD_Connection*) {
    auto* p = new Pending;
    p->req.target = uri != nullptr ? uri : "";
    return p;
  }

  static void connection_event(void* cls, MHD_Connection* connection, void** socket_context,
                               MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<MhdServer*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto* c = new ConnState;
      const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      c->fd = info != nullptr ? info->connect_fd : -1;
      c->deadline_ms = now_ms() + self->o_.header_timeout * 1000;
      if (c->fd >= 0) {
        int one = 1;
        ::setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      }
      *socket_context = c;
      std::lock_guard<std::mutex> lock(self->conns_mutex_);
      self->conns_.insert(c);
    } else {
      auto* c = static_cast<ConnState*>(*socket_context);
      if (c == nullptr) return;
      {
        // MHD closes the socket after this returns: under the lock the reaper never touches a
        // descriptor that may already belong to another connection.
        std::lock_guard<std::mutex> lock(self->conns_mutex_);
        self->conns_.erase(c);
      }
      delete c;
      *socket_context = nullptr;
    }
  }

  static ConnState* conn_state(MHD_Connection* connection) {
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != nullptr ? static_cast<ConnState*>(info->socket_context) : nullptr;
  }

  static MHD_Result add_header(void* cls, MHD_ValueKind, const char* key, size_t key_size, const char* value,
                               size_t value_size) {
    auto* headers = static_cast<http::Headers*>(cls);
    headers->emplace(std::string(key, key_size), value != nullptr ? std::string(value, value_size) : std::string());
    return MHD_YES;
  }

  static MHD_Result access(void* cls, MHD_Connection* connection, const char*, const char* method, const char* version,
                           const char* upload_data, size_t* upload_data_size, void** con_cls) {
    auto* self = static_cast<MhdServer*>(cls);
    auto* p = static_cast<Pending*>(*con_cls);
    if (p == nullptr) {  // not expected: the URI callback runs first
      p = new Pending;
      *con_cls = p;
    }
    ConnState* conn = conn_state(connection);
    if (!p->started) return self->on_headers(connection, conn, *p, method, version);
    if (p->body_refused) {  // discarding what follows a mid-body 413
      p->discarded += *upload_data_size;
      *upload_data_size = 0;
      return p->discarded > kDrainAfterRefusal ? MHD_NO : MHD_YES;
    }
    if (*upload_data_size > 0) {
      const size_t n = *upload_data_size;
      *upload_data_size = 0;
      if (p->req.body.size() + n > self->o_.max_body) return self->refuse_body(connection, *p);
      p->req.body.append(upload_data, n);
      return MHD_YES;
    }
    if (p->body_refused) return MHD_NO;  // answered already: close
    // The whole request is here.
    if (conn != nullptr) conn->deadline_ms = 0;
    try {
      self->service_.handle(p->req, p->res);
    } catch (...) {
      set_error(p->res, 500, "INTERNAL", "internal error");
    }
    return self->respond(connection, conn, *p);
  }

  MHD_Result on_headers(MHD_Connection* connection, ConnState* conn, Pending& p, const char* method,
                        const char* version) {
    p.started = true;
    p.start = Clock::now();
    in_flight_.fetch_add(1);
    if (conn != nullptr) {
      conn->requests += 1;
      conn->deadline_ms = now_ms() + o_.body_timeout * 1000;
      MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                static_cast<unsigned int>(std::max(1, o_.idle_timeout)));
    }
    http::Request& req = p.req;
    req.method = method != nullptr ? method : "";
    req.version = version != nullptr ? version : "";
    if (const MHD_ConnectionInfo* a = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        a != nullptr && a->client_addr != nullptr) {
      char text[INET6_ADDRSTRLEN] = {0};
      if (a->client_addr->sa_family == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a->client_addr)->sin6_addr, text, sizeof text);
      } else {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->client_addr)->sin_addr, text, sizeof text);
      }
      req.remote_addr = text;
    }
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &MhdServer::add_header, &req.headers);
    http::split_target(req.target, req.path, req.params);

    size_t header_bytes = 0;
    if (const MHD_ConnectionInfo* h = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
        h != nullptr) {
      header_bytes = h->header_size;
    }
    if (req.headers.size() > o_.max_headers || header_bytes > o_.max_header_bytes) {
      set_error(p.res, 431, "TOO_LARGE", "request header fields too large");
      p.res.set_header("Connection", "close");
      return respond(connection, conn, p);
    }
    if (req.version != "HTTP/1.1" && req.version != "HTTP/1.0") {
      set_error(p.res, 400, "INVALID_INPUT", "unsupported HTTP version");
      p.res.set_header("Connection", "close");
      return respond(connection, conn, p);
    }
    if (!target_ok(req.target)) {
      set_error(p.res, 400, "INVALID_INPUT", "malformed request target");
      p.res.set_header("Connection", "close");
      return respond(connection, conn, p);
    }
    // An announced body over the cap is refused without reading it (MHD then closes).
    if (req.has_header("Content-Length")) {
      const std::string text = req.get_header_value("Content-Length");
      const bool digits = !text.empty() && text.size() <= 18 &&
                          std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (!digits || std::stoull(text) > o_.max_body) {
        set_error(p.res, digits ? 413 : 400, digits ? "TOO_LARGE" : "INVALID_INPUT",
                  digits ? "request body over the node's limit" : "Content-Length is not a decimal length");
        p.res.set_header("Connection", "close");
        return respond(connection, conn, p);
      }
    }
    bool answered = false;
    try {
      answered = service_.on_headers(req, p.res);
    } catch (...) {
      set_error(p.res, 500, "INTERNAL", "internal error");
      answered = true;
    }
    if (answered) return respond(connection, conn, p);
    return MHD_YES;
  }

  // A body past max_body while reading it (chunked, or a Content-Length the cap did not catch): the
  // refusal is written on the connection directly (MHD only queues answers before or after the
  // body); at most kDrainAfterRefusal more bytes are read (and dropped), then the connection closes.
  MHD_Result refuse_body(MHD_Connection* connection, Pending& p) {
    set_error(p.res, 413, "TOO_LARGE", "request body over the node's limit");
    p.answered = true;
    std::string raw = "HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(p.res.body.size()) + "\r\nConnection: close\r\n\r\n" + p.res.body;
    if (!o_.tls_cert_pem.empty()) {
      if (const MHD_ConnectionInfo* t = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
          t != nullptr && t->tls_session != nullptr) {
        (void)gnutls_record_send(static_cast<gnutls_session_t>(t->tls_session), raw.data(), raw.size());
      }
    } else if (const MHD_ConnectionInfo* f = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
               f != nullptr) {
      (void)::send(f->connect_fd, raw.data(), raw.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    p.req.body.clear();
    p.req.body.shrink_to_fit();
    p.body_refused = true;
    return MHD_YES;
  }

  MHD_Result respond(MHD_Connection* connection, ConnState* conn, Pending& p) {
    p.answered = true;
    if (p.res.status < 100) set_error(p.res, 500, "INTERNAL", "internal error");
    MHD_Response* r = MHD_create_response_from_buffer(p.res.body.size(), const_cast<char*>(p.res.body.data()),
                                                      MHD_RESPMEM_MUST_COPY);
    if (r == nullptr) return MHD_NO;
    for (const auto& [k, v] : p.res.headers) MHD_add_response_header(r, k.c_str(), v.c_str());
    if (conn != nullptr && conn->requests >= o_.keep_alive_max && !p.res.has_header("Connection")) {
      MHD_add_response_header(r, "Connection", "close");
    } else if (!p.res.has_header("Connection")) {
      // Tells clients how long an idle connection stays open, so they do not reuse one the node is
      // closing (undici, for one, keeps them for this many seconds minus one).
      MHD_add_response_header(r, "Keep-Alive", ("timeout=" + std::to_string(o_.keep_alive_timeout)).c_str());
    }
    const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned int>(p.res.status), r);
    MHD_destroy_response(r);
    return queued;
  }

  static void completed(void* cls, MHD_Connection* connection, void** con_cls, MHD_RequestTerminationCode toe) {
    auto* self = static_cast<MhdServer*>(cls);
    auto* p = static_cast<Pending*>(*con_cls);
    *con_cls = nullptr;
    if (p == nullptr) return;
    if (p->started) {
      if (!p->answered || (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && p->res.status != 413)) p->res.status = -1;
      const double seconds = std::chrono::duration<double>(Clock::now() - p->start).count();
      try {
        self->service_.on_complete(p->req, p->res, seconds);
      } catch (...) {
      }
      self->in_flight_.fetch_sub(1);
    }
    if (ConnState* conn = conn_state(connection); conn != nullptr && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
      // Waiting for the next request: it must come within keep_alive_timeout of silence, and its
      // headers within header_timeout.
      conn->deadline_ms = now_ms() + self->o_.header_timeout * 1000;
      MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                static_cast<unsigned int>(std::max(1, self->o_.keep_alive_timeout)));
    }
    delete p;
  }

  static void mhd_log(void*, const char* format, va_list args) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    std::string message(text);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    log_event(LogLevel::debug, "http_library", {{"message", message}});
  }

  // Closes connections past their header or body deadline (MHD's own timeout only measures
  // silence, which a client sending one byte at a time never gives).
  void reap() {
    std::unique_lock<std::mutex> lock(conns_mutex_);
    while (reaping_) {
      reap_cv_.wait_for(lock, std::chrono::milliseconds(250));
      const int64_t now = now_ms();
      for (ConnState* c : conns_) {
        const int64_t deadline = c->deadline_ms.load();
        if (deadline != 0 && now > deadline && c->fd >= 0) {
          c->deadline_ms = 0;
          ::shutdown(c->fd, SHUT_RDWR);  // MHD sees the end of the stream and closes the connection
        }
      }
    }
  }

  const ServerOptions o_;
  http::Service& service_;
  MHD_Daemon* daemon_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> in_flight_{0};
  std::mutex stop_mutex_;
  std::mutex conns_mutex_;
  std::condition_variable reap_cv_;
  std::set<ConnState*> conns_;
  bool reaping_ = true;
  std::thread reaper_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerOptions& options, http::Service& service) {
  auto server = std::make_unique<MhdServer>(options, service);
  IDOS_CHECK(server->open());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace idos::node
