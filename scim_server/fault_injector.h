// Faults the SCIM server injects on purpose, so a demo or a scenario can show
// how Okta reacts: an error status (e.g. 500, or 429 with or without
// Retry-After) for the next N matching requests, and latency. Set through the
// admin API (/admin/api/faults). Thread-safe.
#pragma once

#include <httplib.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace scim {

struct FaultRule {
  std::string method;       // "" matches any method
  std::string path_prefix;  // matched against the path after /scim/v2 ("" matches any), e.g. "/Groups"
  int status = 0;           // 0: no error (latency only)
  int remaining = 1;        // requests left to affect; -1: until cleared
  std::optional<int> retry_after_sec;  // sent as Retry-After (429)
  int latency_ms = 0;       // delay before answering
  bool drop = false;        // close the connection without an answer
  std::string detail;       // error detail; default names the fault
};

class FaultInjector {
 public:
  // Parses {"rules":[{...}]} (or a single rule object). Errors: kInvalidValue.
  static core::Result<std::vector<FaultRule>> ParseRules(const core::Json& body);
  static core::Json RulesJson(const std::vector<FaultRule>& rules);

  void Set(std::vector<FaultRule> rules);
  void Add(FaultRule rule);
  void Clear();
  std::vector<FaultRule> rules() const;

  // Applies the first matching rule to a request (path relative to the SCIM
  // prefix): sleeps its latency; with `drop`, shuts the client's connection
  // down (the client sees it close with no answer); with a status writes that
  // error. Returns true when the request must not be handled further.
  bool Apply(const std::string& method, const std::string& path, const std::string& remote_addr, int remote_port,
             httplib::Response& res);

 private:
  mutable std::mutex mu_;
  std::vector<FaultRule> rules_;
};

}  // namespace scim
