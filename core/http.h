// HTTP helpers over cpp-httplib shared by the three services: one place sets
// TCP_NODELAY, the worker pool and keep-alive limits, and one class owns the
// listener thread so Start/Stop look the same everywhere.
#pragma once

#include <httplib.h>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/result.h"

namespace core {

struct HttpServerOptions {
  size_t worker_threads = 64;           // cpp-httplib's default of 8 starves keep-alive clients
  size_t keep_alive_max_count = 10000;  // default 5 closes connections too often
  size_t max_body_bytes = 1 << 20;      // larger bodies are answered 413
  // A client must send each part of a request within this; a stalled one is
  // dropped (short: this is a local sandbox, and 32 stalled connections used
  // to hold every worker for 30 s).
  int read_timeout_sec = 5;
  int write_timeout_sec = 30;
  int keep_alive_idle_sec = 2;  // idle keep-alive connections are closed after this
};

// Applies TCP_NODELAY (without it every keep-alive reply waits ~40 ms for a
// delayed ACK), the thread pool, keep-alive and body limits.
void ConfigureServer(httplib::Server& server, const HttpServerOptions& options);

// A service's error answer in its own wire format.
struct ErrorReply {
  int status = 500;
  std::string body;
  std::string content_type;  // e.g. "application/json"
};

// A pre-routing handler that answers a request whose Content-Length is over
// `max_body_bytes` at once — before its body is read, so a client that
// announces a huge body and stalls does not hold a worker — with `too_large`
// and "Connection: close"; every other request goes on to `next` (may be
// empty). Pass the result to server.set_pre_routing_handler. cpp-httplib keeps
// the connection open regardless: the unread body is then parsed as the next
// request (400) and the connection closes.
httplib::Server::HandlerWithResponse RefuseOversizedBodies(size_t max_body_bytes, ErrorReply too_large,
                                                           httplib::Server::HandlerWithResponse next);

// How one service answers what its route handlers did not: errors
// cpp-httplib raises itself and exceptions thrown by a handler. Both functions
// run on the server's worker threads (concurrently) and must not throw.
struct ServiceErrorRenderer {
  // Prefix of the service's log lines, e.g. "scim" or "encryption stub".
  std::string log_name;
  // A response that ends with `status` >= 400 and no body (no route 404,
  // wrong method 405, body over the limit 413, unparsable request 400, ...):
  // the reply to send, or nullopt to leave the response as it is. Responses
  // that already carry a body are never passed here.
  std::function<std::optional<ErrorReply>(int status, const httplib::Request& req)> render_status;
  // The reply when a handler throws (normally a 500).
  std::function<ErrorReply(const httplib::Request& req)> render_exception;
  // Log every request at debug level: "<log_name>: <method> <path> -> <status>".
  bool log_requests = true;
};

// Installs on `server` the error handler (render_status), the exception
// handler (logs "<log_name>: <method> <path> threw: <what>" at error level,
// then sends render_exception's reply) and, with log_requests, the request
// logger; each replaces any handler set before. Call before the server
// starts. `renderer` is copied.
void InstallJsonHandlers(httplib::Server& server, const ServiceErrorRenderer& renderer);

// The what() of the exception `ep` holds; "unknown exception" for one not
// derived from std::exception (or a null `ep`).
std::string DescribeException(std::exception_ptr ep);

// HttpListener: runs an httplib::Server on its own thread.
// Start binds first (port 0 picks a free port) and then serves, so when Start
// returns the port is known and connections are accepted. Stop is idempotent
// and waits for the listener thread to finish. Handlers run on the server's
// worker threads.
class HttpListener {
 public:
  explicit HttpListener(httplib::Server& server) : server_(server) {}
  ~HttpListener() { Stop(); }
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  Result<int> Start(const std::string& host, int port);
  void Stop();
  int port() const { return port_; }
  bool running() const { return running_; }

 private:
  httplib::Server& server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> running_{false};
};

// Parsed "http://host:port/prefix" URL.
struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;
  int port = 0;
  std::string path;            // without trailing slash; "" for root
  std::string Origin() const;  // scheme://host:port
};
Result<Url> ParseUrl(const std::string& url);

// A client for `origin` with TCP_NODELAY, keep-alive and the given timeouts.
std::unique_ptr<httplib::Client> MakeClient(const std::string& origin, int connect_timeout_sec = 5,
                                            int read_timeout_sec = 60);

// The standard reason phrase of an HTTP status ("Not Found"), or "" for a
// code not in the table.
const char* HttpStatusText(int status);

// The host of a Host header: "Host:7010" → "host", "[::1]:7010" → "[::1]"
// (lower-case, brackets kept for IPv6).
std::string HostName(const std::string& host_header);
// localhost, [::1] or 127.x.y.z: a name that reaches only this machine.
bool IsLoopbackHost(const std::string& host);
// Whether a connection's peer address (httplib::Request::remote_addr) is this
// machine's loopback: 127.0.0.0/8, ::1 or ::ffff:127.x.y.z.
bool IsLoopbackPeer(const std::string& remote_addr);

// Percent-encoding per RFC 3986 (unreserved kept). With `space_as_plus`, a
// space becomes '+' (form style).
std::string UrlEncode(const std::string& s, bool space_as_plus = false);

}  // namespace core
