// /sandbox: sandbox-only controls (no auth; local use): tasks, traffic, the
// job queue, the engine switch, the mock clock, per-app provisioning
// controls, and reset.
#include <chrono>

#include "core/http.h"
#include "mock_okta/api_request.h"
#include "mock_okta/signon/signon.h"
#include "mock_okta/render.h"

namespace okta {

using core::Json;

namespace {

void ListTasks(ApiCall& c) {
  Json a = Json::array();
  for (const auto& t : c.org().ListTasks()) a.push_back(RenderTask(t));
  c.SendJson(200, a);
}

void RetryTask(ApiCall& c) {
  auto t = c.engine().RetryTask(c.Path(1));
  if (!t.ok()) return c.SendError(t.error());
  c.SendJson(202, RenderTask(*t));
}

void ListTraffic(ApiCall& c) {
  int64_t after = c.HasQuery("after") ? std::atoll(c.Query("after").c_str()) : 0;
  // Pages are capped (clients page on with `after`), so one request never loads the whole log.
  int limit = c.HasQuery("limit") ? std::atoi(c.Query("limit").c_str()) : 1000;
  if (limit < 1 || limit > 1000) limit = 1000;
  Json a = Json::array();
  for (auto& [seq, rec] : c.org().ListTraffic(after, limit)) {
    rec["seq"] = seq;
    a.push_back(rec);
  }
  c.SendJson(200, a);
}

void ListJobs(ApiCall& c) { c.SendJson(200, c.engine().ListJobs()); }

// {"paused": true|false}: hold the provisioning queue (changes made while
// paused coalesce into one job per user/group).
void PostEngine(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  if (body->contains("paused") && (*body)["paused"].is_boolean()) c.engine().SetPaused((*body)["paused"].get<bool>());
  c.SendJson(200, Json{{"paused", c.engine().paused()}, {"jobs", c.engine().ListJobs()}});
}

Json TimeDocument(SandboxClock& clock) {
  return Json{{"now", core::FormatIso8601(clock.Now())}, {"offsetMs", clock.offset_ms()}};
}

void GetTime(ApiCall& c) { c.SendJson(200, TimeDocument(c.clock())); }

// {"advanceSeconds": N} or {"advanceMs": N}: moves the mock's clock forward
// (parked 429 back-offs become due).
void PostTime(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  int64_t ms = 0;
  if (body->contains("advanceSeconds") && (*body)["advanceSeconds"].is_number()) {
    ms = static_cast<int64_t>((*body)["advanceSeconds"].get<double>() * 1000);
  } else if (body->contains("advanceMs") && (*body)["advanceMs"].is_number_integer()) {
    ms = (*body)["advanceMs"].get<int64_t>();
  }
  if (ms < 0) return c.SendError(core::MakeError(core::ErrorCode::kInvalidValue, "advance: time only moves forward"));
  c.clock().Advance(std::chrono::milliseconds(ms));
  c.engine().Notify();
  c.SendJson(200, TimeDocument(c.clock()));
}

void TestConnector(ApiCall& c) {
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  c.SendJson(200, c.engine().TestConnector(a->id));
}

void GetProvisioning(ApiCall& c) {
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  c.SendJson(200, RenderSettings(a->prov));
}

void PatchProvisioning(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  Provisioning p = a->prov;
  if (auto st = ApplySettings(*body, &p); !st.ok()) return c.SendError(st.error());
  auto r = c.org().SetProvisioning(a->id, p);
  if (!r.ok()) return c.SendError(r.error());
  c.SendJson(200, RenderSettings(r->prov));
}

void ProvisionUsers(ApiCall& c) {
  auto n = c.org().ProvisionAssigned(c.Path(1));
  if (!n.ok()) return c.SendError(n.error());
  c.SendJson(202, Json{{"queued", *n}});
}

void PostImport(ApiCall& c) {
  auto st = c.org().ImportNow(c.Path(1));
  if (!st.ok()) return c.SendError(st.error());
  c.SendJson(202, Json::object());
}

void GetImport(ApiCall& c) { c.SendJson(200, c.engine().LastImport(c.Path(1))); }

void PushNow(ApiCall& c) {
  auto m = c.org().PushNow(c.Path(1), c.Path(2));
  if (!m.ok()) return c.SendError(m.error());
  c.SendJson(202, RenderGroupPush(*m, c.base()));
}

// ---- reset ----

// POSTs <admin API>/reset on the linked service provider: "reset" or "failed".
std::string ResetServiceProvider(const core::Url& admin) {
  auto r = core::MakeClient(admin.Origin(), 3, 30)->Post((admin.path + "/reset").c_str(), "", "application/json");
  return r && r->status == 200 ? "reset" : "failed";
}

// Switches the linked encryption service's faults off: "off" or "failed".
std::string ResetEncryptionFaults(const core::Url& encryption, const std::string& secret) {
  auto r = core::MakeClient(encryption.Origin(), 3, 30)
               ->Put((encryption.path + "/v1/admin/faults").c_str(), {{"Authorization", "Bearer " + secret}},
                     R"({"down":false,"delayMs":0,"failStatus":0})", "application/json");
  return r && r->status == 200 ? "off" : "failed";
}

// Reset everything: the org (directory, apps, tasks, log, traffic) back to
// the preset, the linked service provider emptied, encryption faults off.
// The engine is paused and drained first so no job writes into the emptied
// store.
void PostReset(ApiCall& c) {
  Engine& engine = c.engine();
  engine.SetPaused(true);
  engine.DropQueued();
  engine.WaitIdle(std::chrono::seconds(70));
  core::Status st = c.org().ResetAll();
  if (c.ctx().signon) c.ctx().signon->Reset();  // sessions, codes, tokens; keys are regenerated on first use
  if (st.ok() && c.ctx().apply_preset) st = c.ctx().apply_preset();
  engine.SetPaused(false);
  Json out = {{"okta", st.ok() ? "reset" : st.error().detail}};
  const ServiceLinks& links = c.ctx().links;
  if (!links.scim_admin_url.empty()) {
    if (auto u = core::ParseUrl(links.scim_admin_url); u.ok()) out["serviceProvider"] = ResetServiceProvider(*u);
  }
  if (!links.encryption_url.empty()) {
    if (auto u = core::ParseUrl(links.encryption_url); u.ok()) {
      out["encryptionFaults"] = ResetEncryptionFaults(*u, links.encryption_secret);
    }
  }
  c.SendJson(st.ok() ? 200 : 500, out);
}

}  // namespace

void RegisterSandboxRoutes(httplib::Server& s, const RouteContext& ctx) {
  s.Get("/sandbox/tasks", Route(ctx, ListTasks));
  s.Post(R"(/sandbox/tasks/([^/]+)/retry)", Route(ctx, RetryTask));
  s.Get("/sandbox/traffic", Route(ctx, ListTraffic));
  s.Get("/sandbox/jobs", Route(ctx, ListJobs));
  s.Post("/sandbox/engine", Route(ctx, PostEngine));
  s.Get("/sandbox/time", Route(ctx, GetTime));
  s.Post("/sandbox/time", Route(ctx, PostTime));
  s.Post(R"(/sandbox/apps/([^/]+)/test-connector)", Route(ctx, TestConnector));
  s.Get(R"(/sandbox/apps/([^/]+)/provisioning)", Route(ctx, GetProvisioning));
  s.Patch(R"(/sandbox/apps/([^/]+)/provisioning)", Route(ctx, PatchProvisioning));
  s.Post(R"(/sandbox/apps/([^/]+)/provision-users)", Route(ctx, ProvisionUsers));
  s.Post(R"(/sandbox/apps/([^/]+)/import)", Route(ctx, PostImport));
  s.Get(R"(/sandbox/apps/([^/]+)/import)", Route(ctx, GetImport));
  s.Post(R"(/sandbox/apps/([^/]+)/group-push/mappings/([^/]+)/push-now)", Route(ctx, PushNow));
  s.Post("/sandbox/reset", Route(ctx, PostReset));
}

}  // namespace okta
