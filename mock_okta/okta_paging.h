// Okta list paging for /api/v1 lists (users, groups, apps, System Log):
// `limit` (1..1000, a per-resource default otherwise) and `after` (the
// position of the last item of the previous page), answered with
//   Link: <url?query>; rel="self"
//   Link: <url?after=N&query>; rel="next"      (only when there is more)
// Both carry every query parameter of the request, percent-encoded with
// core::UrlEncode and in key order, `limit=<limit>` appended when the request
// had none; next puts `after` first and drops the request's own.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace okta {

struct PageRequest {
  int limit = 0;      // 1..1000
  int64_t after = 0;  // 0: from the start
};

// `limit` when it is a number >= 1 (capped at 1000), else default_limit;
// `after` when it is a number, else 0.
PageRequest ParsePageRequest(const httplib::Request& req, int default_limit);

// The Link header URLs; `next` is empty without next_after.
struct PageLinks {
  std::string self;
  std::string next;
};
PageLinks BuildPageLinks(const std::string& url, const std::multimap<std::string, std::string>& params, int limit,
                         std::optional<int64_t> next_after);

// Sets the Link headers (self, then next when next_after is set).
void SetPageLinks(httplib::Response& res, const httplib::Request& req, const std::string& url, int limit,
                  std::optional<int64_t> next_after);

// Lists are read one item past the page (limit + 1) to know whether a next
// page exists. Trims `items` (each with a `seq`) to `limit`, sets the Link
// headers and returns whether there was more.
template <class T>
bool FinishPage(httplib::Response& res, const httplib::Request& req, const std::string& url, int limit,
                std::vector<T>& items) {
  std::optional<int64_t> next_after;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(limit);
    next_after = items.back().seq;
  }
  SetPageLinks(res, req, url, limit, next_after);
  return next_after.has_value();
}

}  // namespace okta
