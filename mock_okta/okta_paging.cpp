#include "mock_okta/okta_paging.h"

#include <algorithm>

#include "core/http.h"

namespace okta {

namespace {

// httplib hands the query over decoded; re-encode each key=value.
std::vector<std::pair<std::string, std::string>> EncodedParams(const std::multimap<std::string, std::string>& params) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : params) out.emplace_back(core::UrlEncode(k), core::UrlEncode(v));
  return out;
}

std::string JoinQuery(const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string out;
  for (const auto& [k, v] : parts) out += (out.empty() ? "?" : "&") + k + "=" + v;
  return out;
}

}  // namespace

PageRequest ParsePageRequest(const httplib::Request& req, int default_limit) {
  PageRequest p{default_limit, 0};
  if (req.has_param("limit")) {
    try {
      int n = std::stoi(req.get_param_value("limit"));
      if (n >= 1) p.limit = std::min(n, 1000);
    } catch (...) {
      // not a number: the default
    }
  }
  if (req.has_param("after")) {
    try {
      p.after = std::stoll(req.get_param_value("after"));
    } catch (...) {
      p.after = 0;
    }
  }
  return p;
}

PageLinks BuildPageLinks(const std::string& url, const std::multimap<std::string, std::string>& params, int limit,
                         std::optional<int64_t> next_after) {
  auto parts = EncodedParams(params);
  if (!params.count("limit")) parts.emplace_back("limit", std::to_string(limit));
  PageLinks links;
  links.self = url + JoinQuery(parts);
  if (next_after) {
    std::vector<std::pair<std::string, std::string>> next{{"after", std::to_string(*next_after)}};
    for (const auto& p : parts) {
      if (p.first != "after") next.push_back(p);
    }
    links.next = url + JoinQuery(next);
  }
  return links;
}

void SetPageLinks(httplib::Response& res, const httplib::Request& req, const std::string& url, int limit,
                  std::optional<int64_t> next_after) {
  PageLinks links = BuildPageLinks(url, req.params, limit, next_after);
  res.set_header("Link", "<" + links.self + ">; rel=\"self\"");
  if (next_after) res.set_header("Link", "<" + links.next + ">; rel=\"next\"");
}

}  // namespace okta
