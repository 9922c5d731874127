#include "scim_server/fault_injector.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "scim_server/scim_error.h"

namespace scim {

using core::Error;
using core::ErrorCode;
using core::Json;

namespace {

// cpp-httplib does not hand the socket to a handler. Find it among this
// process's descriptors by its peer address (the client's ip and ephemeral
// port are unique among our server-side sockets) and shut it down.
bool ShutdownPeer(const std::string& addr, int port) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return false;
  bool done = false;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    char buf[INET6_ADDRSTRLEN] = {0};
    int peer_port = 0;
    if (ss.ss_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
      peer_port = ntohs(in->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
      peer_port = ntohs(in6->sin6_port);
    } else {
      continue;
    }
    if (peer_port == port && addr == buf) {
      shutdown(fd, SHUT_RDWR);
      done = true;
    }
  }
  closedir(dir);
  return done;
}

}  // namespace

core::Result<std::vector<FaultRule>> FaultInjector::ParseRules(const Json& body) {
  Json list;
  if (body.is_object() && body.contains("rules")) list = body["rules"];
  else if (body.is_object()) list = Json::array({body});
  else return Error{ErrorCode::kInvalidValue, "send {\"rules\":[{\"status\":500,\"count\":1,...}]}"};
  if (!list.is_array()) return Error{ErrorCode::kInvalidValue, "'rules' must be an array"};
  std::vector<FaultRule> out;
  for (const auto& r : list) {
    if (!r.is_object()) return Error{ErrorCode::kInvalidValue, "each rule must be an object"};
    FaultRule f;
    auto str = [&](const char* k, std::string* v) -> bool {
      if (!r.contains(k)) return true;
      if (!r[k].is_string()) return false;
      *v = r[k].get<std::string>();
      return true;
    };
    auto num = [&](const char* k, int* v) -> bool {
      if (!r.contains(k)) return true;
      if (!r[k].is_number_integer()) return false;
      *v = r[k].get<int>();
      return true;
    };
    int retry = -1;
    if (!str("method", &f.method) || !str("path", &f.path_prefix) || !str("detail", &f.detail) ||
        !num("status", &f.status) || !num("count", &f.remaining) || !num("latencyMs", &f.latency_ms) ||
        !num("retryAfter", &retry)) {
      return Error{ErrorCode::kInvalidValue,
                   "rule fields: method (string), path (string), status (int), count (int, -1 = until cleared), "
                   "retryAfter (int seconds), latencyMs (int), detail (string)"};
    }
    if (f.status != 0 && (f.status < 400 || f.status > 599))
      return Error{ErrorCode::kInvalidValue, "'status' must be 400..599 (or 0 for latency only)"};
    if (f.latency_ms < 0 || f.latency_ms > 120000)
      return Error{ErrorCode::kInvalidValue, "'latencyMs' must be 0..120000"};
    if (f.remaining == 0 || f.remaining < -1) return Error{ErrorCode::kInvalidValue, "'count' must be >= 1 or -1"};
    if (retry >= 0) f.retry_after_sec = retry;
    if (r.contains("drop")) {
      if (!r["drop"].is_boolean()) return Error{ErrorCode::kInvalidValue, "'drop' must be true or false"};
      f.drop = r["drop"].get<bool>();
    }
    if (f.status != 0 && f.drop)
      return Error{ErrorCode::kInvalidValue, "a rule either drops the connection or answers a status"};
    out.push_back(std::move(f));
  }
  return out;
}

Json FaultInjector::RulesJson(const std::vector<FaultRule>& rules) {
  Json list = Json::array();
  for (const auto& f : rules) {
    Json j = {{"method", f.method}, {"path", f.path_prefix}, {"status", f.status}, {"count", f.remaining},
              {"latencyMs", f.latency_ms}, {"drop", f.drop}, {"detail", f.detail}};
    if (f.retry_after_sec) j["retryAfter"] = *f.retry_after_sec;
    list.push_back(j);
  }
  return {{"rules", list}};
}

void FaultInjector::Set(std::vector<FaultRule> rules) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
}
void FaultInjector::Add(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(std::move(rule));
}
void FaultInjector::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}
std::vector<FaultRule> FaultInjector::rules() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_;
}

bool FaultInjector::Apply(const std::string& method, const std::string& path, const std::string& remote_addr,
                          int remote_port, httplib::Response& res) {
  FaultRule hit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = rules_.begin();
    for (; it != rules_.end(); ++it) {
      if (!it->method.empty() && !core::EqualsCi(it->method, method)) continue;
      if (!it->path_prefix.empty() && path.rfind(it->path_prefix, 0) != 0) continue;
      break;
    }
    if (it == rules_.end()) return false;
    hit = *it;
    if (it->remaining > 0 && --it->remaining == 0) rules_.erase(it);
  }
  if (hit.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(hit.latency_ms));
  if (hit.drop) {
    ShutdownPeer(remote_addr, remote_port);
    res.status = 500;  // never reaches the client: the connection is gone
    return true;
  }
  if (hit.status == 0) return false;
  if (hit.retry_after_sec) res.set_header("Retry-After", std::to_string(*hit.retry_after_sec));
  std::string detail = hit.detail.empty() ? "fault injected by the sandbox: HTTP " + std::to_string(hit.status)
                                          : hit.detail;
  WriteError(res, hit.status, hit.status == 429 ? "" : "", detail);
  return true;
}

}  // namespace scim
