// /api/v1/logs: the System Log (since, until, filter=eventType eq "…",
// paging).
#include "mock_okta/api_request.h"
#include "mock_okta/okta_paging.h"

namespace okta {

using core::Json;

namespace {

// The event type of a `filter=eventType eq "…"`, or "" (no filtering).
std::string WantedEventType(const std::string& filter) {
  auto p = filter.find("eventType eq \"");
  if (p == std::string::npos) return "";
  auto start = p + 14;
  return filter.substr(start, filter.find('"', start) - start);
}

struct LogRow {
  int64_t seq;
  Json e;
};

void ListLogs(ApiCall& c) {
  PageRequest page = ParsePageRequest(c.req(), 100);
  std::string want_type = WantedEventType(c.Query("filter"));
  std::string since = c.Query("since");
  std::string until = c.Query("until");
  std::vector<LogRow> rows;
  // Read in chunks until the page (plus one, to know there is a next) is
  // full: memory stays bounded however long the log is.
  constexpr int kChunk = 1000;
  int64_t cursor = page.after;
  bool more = true;
  while (more && static_cast<int>(rows.size()) <= page.limit) {
    auto chunk = c.org().ListLogs(cursor, kChunk);
    more = static_cast<int>(chunk.size()) == kChunk;
    for (auto& [seq, e] : chunk) {
      cursor = seq;
      std::string published = e.value("published", "");
      if (!want_type.empty() && e.value("eventType", "") != want_type) continue;
      if (!since.empty() && published < since) continue;
      if (!until.empty() && published >= until) continue;
      rows.push_back({seq, std::move(e)});
      if (static_cast<int>(rows.size()) > page.limit) break;
    }
  }
  FinishPage(c.res(), c.req(), c.base() + "/api/v1/logs", page.limit, rows);
  Json a = Json::array();
  for (const auto& r : rows) a.push_back(r.e);
  c.SendJson(200, a);
}

}  // namespace

void RegisterLogRoutes(httplib::Server& s, const RouteContext& ctx) { s.Get("/api/v1/logs", Route(ctx, ListLogs)); }

}  // namespace okta
