// /api/v1/apps: app integrations (create, list with q/filter/paging, read,
// update, delete, lifecycle), their SCIM connection (connections/default)
// and the USER_PROVISIONING feature (the To App toggles).
#include <optional>

#include "mock_okta/api_request.h"
#include "mock_okta/okta_paging.h"
#include "mock_okta/render.h"
#include "mock_okta/signon/oidc_app.h"
#include "mock_okta/signon/saml_app.h"

namespace okta {

using core::Json;

namespace {

// The attributes apps `filter` reads.
AttrLookup AppAttrs(const App& a) {
  return [&a](const std::string& attr) -> std::optional<std::string> {
    if (attr == "id") return a.id;
    if (attr == "status") return a.status;
    if (attr == "name") return a.name;
    if (attr == "label") return a.label;
    if (attr == "signOnMode") return a.sign_on_mode;
    return std::nullopt;
  };
}

void PostApp(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  App a;
  a.name = body->value("name", "");
  if (a.name == "template_swa" || a.name == "template_saml_2_0") a.name.clear();
  a.label = body->value("label", "");
  a.sign_on_mode = body->value("signOnMode", "AUTO_LOGIN");
  a.settings = body->value("settings", Json::object());
  if (!a.settings.is_object()) {
    return c.SendError(core::MakeError(core::ErrorCode::kInvalidValue, "settings: must be an object."));
  }
  if (a.sign_on_mode == "OPENID_CONNECT") {
    if (a.name.empty()) a.name = "oidc_client";
    if (auto st = signon::ApplyOidcBody(*body, &a); !st.ok()) return c.SendError(st.error());
  } else if (signon::WantsSamlSignOn(*body, a)) {  // SAML_2_0 with settings.signOn: SAML sign-on
    if (auto st = signon::ApplySamlBody(*body, &a); !st.ok()) return c.SendError(st.error());
  }
  std::string base = c.base();
  c.Reply(c.org().CreateApp(a, c.QueryFlag("activate", true)), [&](const App& x) { return RenderApp(x, base); });
}

void ListApps(ApiCall& c) {
  PageRequest page = ParsePageRequest(c.req(), 20);
  // q: label or name starts with it, case-insensitive (Okta).
  std::string q = core::ToLower(c.Query("q"));
  OktaExprPtr filter;
  if (!c.ParseExpression("filter", AppFilterable, &filter)) return;
  std::vector<App> apps;
  for (auto& x : c.org().ListApps(page.after, -1)) {
    if (!q.empty() && core::ToLower(x.label).rfind(q, 0) != 0 && core::ToLower(x.name).rfind(q, 0) != 0) continue;
    if (filter && !EvaluateOktaExpression(*filter, AppAttrs(x))) continue;
    apps.push_back(x);
    if (static_cast<int>(apps.size()) > page.limit) break;
  }
  std::string base = c.base();
  FinishPage(c.res(), c.req(), base + "/api/v1/apps", page.limit, apps);
  Json a = Json::array();
  for (const auto& x : apps) a.push_back(RenderApp(x, base));
  c.SendJson(200, a);
}

void GetApp(ApiCall& c) {
  std::string base = c.base();
  c.Reply(c.org().GetApp(c.Path(1)), [&](const App& x) { return RenderApp(x, base); });
}

void PutApp(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  auto cur = c.org().GetApp(c.Path(1));
  if (!cur.ok()) return c.SendError(cur.error());
  App a = *cur;
  a.label = body->value("label", a.label);
  if (a.sign_on_mode == "OPENID_CONNECT") {
    // Okta's PUT replaces the app; oauthClient settings not sent keep their values here.
    if (body->contains("settings") && (*body)["settings"].is_object()) {
      Json oc = a.settings.value("oauthClient", Json::object());
      a.settings = (*body)["settings"];
      a.settings["oauthClient"] = oc;  // ApplyOidcBody merges the body's fields into it
    }
    if (auto st = signon::ApplyOidcBody(*body, &a); !st.ok()) return c.SendError(st.error());
  } else if (signon::WantsSamlSignOn(*body, a)) {  // keeps settings.signOn fields the body does not send
    if (auto st = signon::ApplySamlBody(*body, &a); !st.ok()) return c.SendError(st.error());
  } else if (body->contains("settings")) {
    if (!(*body)["settings"].is_object()) {
      return c.SendError(core::MakeError(core::ErrorCode::kInvalidValue, "settings: must be an object."));
    }
    a.settings = (*body)["settings"];
  }
  std::string base = c.base();
  c.Reply(c.org().UpdateApp(a), [&](const App& x) { return RenderApp(x, base); });
}

void DeleteApp(ApiCall& c) { c.Reply(c.org().DeleteApp(c.Path(1))); }

void PostAppLifecycle(ApiCall& c) {
  auto r = c.org().SetAppStatus(c.Path(1), c.Path(2) == "activate");
  if (!r.ok()) return c.SendError(r.error());
  c.SendJson(200, Json::object());
}

// ---- connections/default: the SCIM connection (base URL + credentials) ----

void GetConnection(ApiCall& c) {
  std::string base = c.base();
  c.Reply(c.org().GetApp(c.Path(1)), [&](const App& x) { return RenderConnection(x, base); });
}

void PostConnection(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  auto cur = c.org().GetApp(c.Path(1));
  if (!cur.ok()) return c.SendError(cur.error());
  Provisioning p = cur->prov;
  if (auto st = ApplyConnection(*body, &p); !st.ok()) return c.SendError(st.error());
  if (c.QueryFlag("activate", false)) p.enabled = true;
  std::string base = c.base();
  c.Reply(c.org().SetProvisioning(cur->id, p), [&](const App& x) { return RenderConnection(x, base); });
}

void PostConnectionLifecycle(ApiCall& c) {
  auto cur = c.org().GetApp(c.Path(1));
  if (!cur.ok()) return c.SendError(cur.error());
  Provisioning p = cur->prov;
  p.enabled = c.Path(2) == "activate";
  if (p.enabled && p.base_url.empty()) {
    return c.SendError(core::MakeError(core::ErrorCode::kInvalidValue, "baseUrl: set the connection first"));
  }
  auto r = c.org().SetProvisioning(cur->id, p);
  if (!r.ok()) return c.SendError(r.error());
  c.SendStatus(204);
}

// ---- features: USER_PROVISIONING carries the To App toggles ----

void ListFeatures(ApiCall& c) {
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  if (!a->prov.scim_enabled) return c.SendJson(200, Json::array());
  c.SendJson(200, Json::array({RenderProvisioningFeature(*a, c.base())}));
}

void GetFeature(ApiCall& c) {
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  if (c.Path(2) != "USER_PROVISIONING" || !a->prov.scim_enabled) {
    return c.SendError(
        core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + c.Path(2) + " (AppFeature)"));
  }
  c.SendJson(200, RenderProvisioningFeature(*a, c.base()));
}

void PutProvisioningFeature(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  Provisioning p = a->prov;
  if (auto st = ApplyProvisioningFeature(*body, &p); !st.ok()) return c.SendError(st.error());
  std::string base = c.base();
  c.Reply(c.org().SetProvisioning(a->id, p), [&](const App& x) { return RenderProvisioningFeature(x, base); });
}

}  // namespace

void RegisterAppRoutes(httplib::Server& s, const RouteContext& ctx) {
  s.Post("/api/v1/apps", Route(ctx, PostApp));
  s.Get("/api/v1/apps", Route(ctx, ListApps));
  s.Get(R"(/api/v1/apps/([^/]+))", Route(ctx, GetApp));
  s.Put(R"(/api/v1/apps/([^/]+))", Route(ctx, PutApp));
  s.Delete(R"(/api/v1/apps/([^/]+))", Route(ctx, DeleteApp));
  s.Post(R"(/api/v1/apps/([^/]+)/lifecycle/(activate|deactivate))", Route(ctx, PostAppLifecycle));
  s.Get(R"(/api/v1/apps/([^/]+)/connections/default)", Route(ctx, GetConnection));
  s.Post(R"(/api/v1/apps/([^/]+)/connections/default)", Route(ctx, PostConnection));
  s.Post(R"(/api/v1/apps/([^/]+)/connections/default/lifecycle/(activate|deactivate))",
         Route(ctx, PostConnectionLifecycle));
  s.Get(R"(/api/v1/apps/([^/]+)/features)", Route(ctx, ListFeatures));
  s.Get(R"(/api/v1/apps/([^/]+)/features/([^/]+))", Route(ctx, GetFeature));
  s.Put(R"(/api/v1/apps/([^/]+)/features/USER_PROVISIONING)", Route(ctx, PutProvisioningFeature));
}

}  // namespace okta
