#include "mock_okta/routes.h"

#include "core/log.h"
#include "mock_okta/okta_error.h"
#include "mock_okta/render.h"

namespace okta {

using core::Json;

namespace {
core::Result<Json> Body(const httplib::Request& req) { return ObjectBody(req); }
}  // namespace

void RegisterSandboxRoutes(httplib::Server& s, const RouteContext& ctx) {
  Org* org = ctx.org;
  Engine* engine = ctx.engine;
  SandboxClock* clock = ctx.clock;

  s.Get("/sandbox/tasks", [org](const httplib::Request&, httplib::Response& res) {
    Json a = Json::array();
    for (const auto& t : org->store().ListTasks()) a.push_back(RenderTask(t));
    SendJson(res, 200, a);
  });
  s.Post(R"(/sandbox/tasks/([^/]+)/retry)", [engine](const httplib::Request& req, httplib::Response& res) {
    auto t = engine->RetryTask(req.matches[1]);
    if (!t.ok()) return SendError(res, t.error());
    SendJson(res, 202, RenderTask(*t));
  });
  s.Get("/sandbox/traffic", [org](const httplib::Request& req, httplib::Response& res) {
    int64_t after = req.has_param("after") ? std::atoll(req.get_param_value("after").c_str()) : 0;
    int limit = req.has_param("limit") ? std::atoi(req.get_param_value("limit").c_str()) : 1000;
    Json a = Json::array();
    for (auto& [seq, rec] : org->store().ListTraffic(after, limit)) {
      rec["seq"] = seq;
      a.push_back(rec);
    }
    SendJson(res, 200, a);
  });
  s.Get("/sandbox/jobs", [engine](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, engine->ListJobs());
  });
  // {"paused": true|false}: hold the provisioning queue (changes made while
  // paused coalesce into one job per user/group).
  s.Post("/sandbox/engine", [engine](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    if (body->contains("paused") && (*body)["paused"].is_boolean()) engine->SetPaused((*body)["paused"].get<bool>());
    SendJson(res, 200, Json{{"paused", engine->paused()}, {"jobs", engine->ListJobs()}});
  });
  s.Get("/sandbox/time", [clock](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, Json{{"now", core::FormatIso8601(clock->Now())}, {"offsetMs", clock->offset_ms()}});
  });
  // {"advanceSeconds": N} or {"advanceMs": N}: moves the mock's clock forward
  // (parked 429 back-offs become due).
  s.Post("/sandbox/time", [clock, engine](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    int64_t ms = 0;
    if (body->contains("advanceSeconds") && (*body)["advanceSeconds"].is_number()) {
      ms = static_cast<int64_t>((*body)["advanceSeconds"].get<double>() * 1000);
    } else if (body->contains("advanceMs") && (*body)["advanceMs"].is_number_integer()) {
      ms = (*body)["advanceMs"].get<int64_t>();
    }
    if (ms < 0) return SendError(res, core::MakeError(core::ErrorCode::kInvalidValue, "advance: time only moves forward"));
    clock->Advance(std::chrono::milliseconds(ms));
    engine->Notify();
    SendJson(res, 200, Json{{"now", core::FormatIso8601(clock->Now())}, {"offsetMs", clock->offset_ms()}});
  });
  s.Post(R"(/sandbox/apps/([^/]+)/test-connector)", [org, engine](const httplib::Request& req, httplib::Response& res) {
    auto a = org->GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    SendJson(res, 200, engine->TestConnector(a->id));
  });
  s.Get(R"(/sandbox/apps/([^/]+)/provisioning)", [org](const httplib::Request& req, httplib::Response& res) {
    auto a = org->GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    SendJson(res, 200, RenderSettings(a->prov));
  });
  s.Patch(R"(/sandbox/apps/([^/]+)/provisioning)", [org](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    auto a = org->GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    Provisioning p = a->prov;
    if (auto st = ApplySettings(*body, &p); !st.ok()) return SendError(res, st.error());
    auto r = org->SetProvisioning(a->id, p);
    if (!r.ok()) return SendError(res, r.error());
    SendJson(res, 200, RenderSettings(r->prov));
  });
  s.Post(R"(/sandbox/apps/([^/]+)/provision-users)", [org](const httplib::Request& req, httplib::Response& res) {
    auto n = org->ProvisionAssigned(req.matches[1]);
    if (!n.ok()) return SendError(res, n.error());
    SendJson(res, 202, Json{{"queued", *n}});
  });
  s.Post(R"(/sandbox/apps/([^/]+)/import)", [org](const httplib::Request& req, httplib::Response& res) {
    auto st = org->ImportNow(req.matches[1]);
    if (!st.ok()) return SendError(res, st.error());
    SendJson(res, 202, Json::object());
  });
  s.Get(R"(/sandbox/apps/([^/]+)/import)", [engine](const httplib::Request& req, httplib::Response& res) {
    SendJson(res, 200, engine->LastImport(req.matches[1]));
  });
  s.Post(R"(/sandbox/apps/([^/]+)/group-push/mappings/([^/]+)/push-now)",
         [org, ctx](const httplib::Request& req, httplib::Response& res) {
           auto m = org->PushNow(req.matches[1], req.matches[2]);
           if (!m.ok()) return SendError(res, m.error());
           SendJson(res, 202, RenderGroupPush(*m, ctx.base_url()));
         });
}

}  // namespace okta
