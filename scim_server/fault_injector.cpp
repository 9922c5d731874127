#include "scim_server/fault_injector.h"

#include <chrono>
#include <thread>

#include "scim_server/scim_error.h"

namespace scim {

using core::Error;
using core::ErrorCode;
using core::Json;

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
    out.push_back(std::move(f));
  }
  return out;
}

Json FaultInjector::RulesJson(const std::vector<FaultRule>& rules) {
  Json list = Json::array();
  for (const auto& f : rules) {
    Json j = {{"method", f.method}, {"path", f.path_prefix}, {"status", f.status}, {"count", f.remaining},
              {"latencyMs", f.latency_ms}, {"detail", f.detail}};
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

bool FaultInjector::Apply(const std::string& method, const std::string& path, httplib::Response& res) {
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
  if (hit.status == 0) return false;
  if (hit.retry_after_sec) res.set_header("Retry-After", std::to_string(*hit.retry_after_sec));
  std::string detail = hit.detail.empty() ? "fault injected by the sandbox: HTTP " + std::to_string(hit.status)
                                          : hit.detail;
  WriteError(res, hit.status, hit.status == 429 ? "" : "", detail);
  return true;
}

}  // namespace scim
