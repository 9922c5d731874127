// Test Connector Configuration (okta-behaviour §1.1) and imports (§1.8).
#include <set>

#include "mock_okta/checker/checks.h"
#include "mock_okta/flows.h"

namespace okta::check {

using core::Json;

namespace {

constexpr int kMaxPages = 50;  // an import reads at most this many pages (5,000 resources)

void RunConnector(CheckContext& c, CheckResult& r, bool import_groups) {
  std::string profile = c.FirstProfile();
  Provisioning before = c.Prov(profile);
  if (import_groups) {
    Provisioning on = before;
    on.import_groups = true;
    Logged(c.SetProv(profile, on), "SetProv");
  }
  Json res = c.engine().TestConnector(c.AppId(profile));
  if (import_groups) Logged(c.SetProv(profile, before), "SetProv");
  if (res.value("status", "") == "SUCCESS") return;
  std::string message = res.value("message", "");
  std::string e = std::string("Okta's Test Connector Configuration (GET /Users?startIndex=1&count=2") +
                  (import_groups ? ", and with Import Groups on GET /Groups?startIndex=1&count=100" : "") +
                  ") failed, so an admin cannot save these provisioning settings: " + message + ".";
  if (message.find("must be an integer") != std::string::npos) {
    e += " totalResults, startIndex and itemsPerPage must be JSON numbers, not strings (okta-behaviour §1.1, §3 item "
         "8).";
  } else if (const Exchange* x = LastFailing(r)) {
    e += " " + Brief(*x, c.opts.base_url) + ".";
    if (x->status == 401 || x->status == 403) e += " Check the token (or --auth basic/verbatim and the credentials).";
    if (import_groups && x->status != 401 && x->status != 403) {
      e += " A server without groups fails here; run with --no-groups to check users only.";
    }
  }
  Fail(r, e, message);
}

std::vector<std::string> PageIds(const Exchange& e) {
  std::vector<std::string> ids;
  for (const auto& res : ListResources(BodyJson(e.response_body))) ids.push_back(IdOf(res));
  return ids;
}

// The page (a startIndex=N request) that repeated an earlier page, or null.
const Exchange* RepeatedPage(const CheckResult& r, const std::string& path) {
  std::set<std::string> seen;
  for (const auto* e : Find(r, "GET", path + "?startIndex=")) {
    if (e->status != 200) continue;
    auto ids = PageIds(*e);
    bool all_seen = !ids.empty();
    for (const auto& id : ids) all_seen = all_seen && seen.count(id) > 0;
    if (all_seen) return e;
    seen.insert(ids.begin(), ids.end());
  }
  return nullptr;
}

// Two pages of one resource each (startIndex 1 and 2): a server that ignores
// startIndex answers the same resource twice.
void ProbeStartIndex(CheckContext& c, CheckResult& r, bool groups) {
  WireSettings w = c.Wire();
  auto page = [&](int start) {
    ScimExchange ex = c.Direct(groups ? ListGroupsRequest(w, start, 1) : ListUsersRequest(w, start, 1));
    return ex.status == 200 ? BodyJson(ex.body) : Json();
  };
  Json a = page(1), b = page(2);
  auto ra = ListResources(a), rb = ListResources(b);
  if (ListTotal(a).value_or(0) < 2 || ra.empty() || rb.empty()) return;
  if (ra.size() > 1) Warn(r, "The server ignored count=1 and answered " + std::to_string(ra.size()) + " resources.");
  if (IdOf(ra[0]) == IdOf(rb[0])) {
    Fail(r,
         "The server ignores startIndex: the pages at startIndex=1 and startIndex=2 (count=1) hold the same "
         "resource. Okta imports with startIndex=1, 101, 201… until totalResults; it would read the first page "
         "again and again and never see the rest (okta-behaviour §1.8).");
  }
}

void ImportImpl(CheckContext& c, CheckResult& r, bool groups) {
  std::string profile = c.FirstProfile();
  Provisioning before = c.Prov(profile);
  Provisioning on = before;
  on.import_users = !groups;
  on.import_groups = groups;
  Logged(c.SetProv(profile, on), "SetProv");
  c.sender.Begin(&r.exchanges, kMaxPages);
  Logged(c.org().ImportNow(c.AppId(profile)), "ImportNow");
  c.Settle();
  bool capped = c.sender.limit_hit();
  c.sender.Begin(&r.exchanges);
  Logged(c.SetProv(profile, before), "SetProv");
  auto tasks = c.NewTasks();
  std::string path = groups ? "/Groups" : "/Users";
  if (const Exchange* e = RepeatedPage(r, path)) {
    return Fail(r, "The server ignores startIndex: " + Brief(*e, c.opts.base_url) + " returned the same " +
                       (groups ? "groups" : "users") +
                       " as an earlier page. Okta pages with startIndex=1, 101, 201… "
                       "until totalResults; it would import duplicates and never see the rest (okta-behaviour §1.8).");
  }
  if (capped) {
    return Warn(r, "The checker stopped the import after " + std::to_string(kMaxPages) +
                       " pages: either the server "
                       "holds more than " +
                       std::to_string(kMaxPages * 100) +
                       " resources or its totalResults keeps the "
                       "loop going (pages that never end).");
  }
  if (!tasks.empty()) {
    return FailFromTasks(r, tasks,
                         std::string("Okta's import (GET ") + path +
                             "?startIndex=1&count=100, then the next "
                             "pages until totalResults) failed.",
                         c.opts.base_url);
  }
  ProbeStartIndex(c, r, groups);
}

}  // namespace

void ConnectorTest(CheckContext& c, CheckResult& r) { RunConnector(c, r, false); }
void ConnectorImportGroups(CheckContext& c, CheckResult& r) { RunConnector(c, r, true); }
void ImportUsers(CheckContext& c, CheckResult& r) { ImportImpl(c, r, false); }
void ImportGroups(CheckContext& c, CheckResult& r) { ImportImpl(c, r, true); }

}  // namespace okta::check
