#include "core/http.h"

#include <charconv>

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "core/json_util.h"

namespace core {

void ConfigureServer(httplib::Server& server, const HttpServerOptions& options) {
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(options.keep_alive_max_count);
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(options.read_timeout_sec, 0);
  server.set_write_timeout(options.write_timeout_sec, 0);
  // Idle keep-alive connections hold a worker and delay Stop(); close them soon.
  server.set_keep_alive_timeout(options.keep_alive_idle_sec);
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second process
  // bind a port that is in use and silently share its traffic. Keep only
  // SO_REUSEADDR, so "address in use" is reported.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof(yes));
  });
  size_t n = options.worker_threads;
  server.new_task_queue = [n] { return new httplib::ThreadPool(n); };
}

namespace {

void Send(httplib::Response& res, const ErrorReply& reply) {
  res.status = reply.status;
  res.set_content(reply.body, reply.content_type);
}

}  // namespace

httplib::Server::HandlerWithResponse RefuseOversizedBodies(size_t max_body_bytes, ErrorReply too_large,
                                                           httplib::Server::HandlerWithResponse next) {
  return [max_body_bytes, too_large = std::move(too_large), next = std::move(next)](const httplib::Request& req,
                                                                                    httplib::Response& res) {
    const std::string& length = req.get_header_value("Content-Length");
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
    if (!length.empty() && ec == std::errc() && p == length.data() + length.size() && n > max_body_bytes) {
      Send(res, too_large);
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    return next ? next(req, res) : httplib::Server::HandlerResponse::Unhandled;
  };
}

void InstallJsonHandlers(httplib::Server& server, const ServiceErrorRenderer& renderer) {
  auto render_status = renderer.render_status;
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([render_status](const httplib::Request& req, httplib::Response& res) {
        // A body set by a handler (or by the exception handler) is the answer.
        if (!res.body.empty() || !render_status) return httplib::Server::HandlerResponse::Unhandled;
        std::optional<ErrorReply> reply = render_status(res.status, req);
        if (!reply) return httplib::Server::HandlerResponse::Unhandled;
        Send(res, *reply);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([name = renderer.log_name, render = renderer.render_exception](
                                   const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    spdlog::error("{}: {} {} threw: {}", name, req.method, req.path, DescribeException(ep));
    if (render) {
      Send(res, render(req));
    } else {
      res.status = 500;
    }
  });
  if (renderer.log_requests) {
    server.set_logger([name = renderer.log_name](const httplib::Request& req, const httplib::Response& res) {
      spdlog::debug("{}: {} {} -> {}", name, req.method, req.path, res.status);
    });
  }
}

std::string DescribeException(std::exception_ptr ep) {
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {}
  return "unknown exception";
}

Result<int> HttpListener::Start(const std::string& host, int port) {
  if (running_) return port_;
  int bound = -1;
  if (port == 0) {
    bound = server_.bind_to_any_port(host);
  } else {
    bound = server_.bind_to_port(host, port) ? port : -1;
  }
  if (bound < 0) {
    return Error{ErrorCode::kUnavailable,
                 "cannot listen on " + host + ":" + std::to_string(port) + " (address in use or not allowed)"};
  }
  port_ = bound;
  running_ = true;
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // listen_after_bind sets is_running() before accepting; the socket is
  // already bound and listening, so connections queue even before that.
  for (int i = 0; i < 2000 && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return port_;
}

namespace {

// The port a socket is bound to, or -1.
int LocalPort(int fd) {
  sockaddr_storage a{};
  socklen_t n = sizeof(a);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0) return -1;
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port);
  return -1;
}

// cpp-httplib's stop() waits for its workers, and a worker keeps an idle
// keep-alive connection (a browser's) for the keep-alive timeout and a
// half-sent request for the read timeout: seconds after Ctrl+C. Shutting down
// the read side of every connection accepted on `port` ends those waits at
// once. (It also makes cpp-httplib drop an answer not yet written, so Stop
// first gives the workers a moment to finish.)
void WakeConnectionsOn(int port) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2 || fd == dirfd(dir)) continue;
    sockaddr_storage peer{};
    socklen_t n = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &n) == 0 && LocalPort(fd) == port) shutdown(fd, SHUT_RD);
  }
  closedir(dir);
}

}  // namespace

void HttpListener::Stop() {
  if (!running_.exchange(false)) return;
  server_.stop();
  // is_running() turns false once the workers are done: answers in flight get
  // 100 ms, then the connections left (idle or stalled) are woken.
  auto grace = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  while (server_.is_running() && std::chrono::steady_clock::now() < grace)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (server_.is_running()) WakeConnectionsOn(port_);
  if (thread_.joinable()) thread_.join();
}

std::string Url::Origin() const { return scheme + "://" + host + ":" + std::to_string(port); }

Result<Url> ParseUrl(const std::string& url) {
  Url u;
  auto pos = url.find("://");
  if (pos == std::string::npos) return Error{ErrorCode::kInvalidValue, "URL has no scheme: " + url};
  u.scheme = url.substr(0, pos);
  if (u.scheme != "http" && u.scheme != "https") {
    return Error{ErrorCode::kInvalidValue, "URL scheme must be http or https: " + url};
  }
  std::string rest = url.substr(pos + 3);
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  u.path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  if (hostport.empty()) return Error{ErrorCode::kInvalidValue, "URL has no host: " + url};
  auto colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    u.host = hostport.substr(0, colon);
    try {
      u.port = std::stoi(hostport.substr(colon + 1));
    } catch (...) {
      return Error{ErrorCode::kInvalidValue, "URL has a bad port: " + url};
    }
  } else {
    u.host = hostport;
    u.port = u.scheme == "https" ? 443 : 80;
  }
  return u;
}

std::unique_ptr<httplib::Client> MakeClient(const std::string& origin, int connect_timeout_sec, int read_timeout_sec) {
  auto c = std::make_unique<httplib::Client>(origin);
  c->set_tcp_nodelay(true);
  c->set_keep_alive(true);
  c->set_connection_timeout(connect_timeout_sec, 0);
  c->set_read_timeout(read_timeout_sec, 0);
  c->set_write_timeout(read_timeout_sec, 0);
  return c;
}

const char* HttpStatusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string HostName(const std::string& host_header) {
  std::string h = ToLower(host_header);
  if (!h.empty() && h[0] == '[') {
    size_t close = h.find(']');
    return close == std::string::npos ? h : h.substr(0, close + 1);
  }
  size_t colon = h.find(':');
  return colon == std::string::npos ? h : h.substr(0, colon);
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

bool IsLoopbackPeer(const std::string& remote_addr) {
  return remote_addr == "::1" || remote_addr.rfind("127.", 0) == 0 || remote_addr.rfind("::ffff:127.", 0) == 0;
}

std::string UrlEncode(const std::string& s, bool space_as_plus) {
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace core
