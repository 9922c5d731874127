// /api/v1/authorizationServers (Okta Management API, SSWS): the custom
// authorization servers, their scopes, claims and signing keys; and the
// sandbox control POST /sandbox/signon/keys/rotate.
#include "mock_okta/api_request.h"
#include "mock_okta/signon/signon.h"
#include "mock_okta/signon/signon_routes.h"

namespace okta::signon {

using core::Json;

namespace {

core::Error NoServer(const std::string& id) {
  return core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + id + " (AuthorizationServer)");
}

// The custom server of the path, or an answered 404.
std::optional<AuthServer> Server(ApiCall& c) {
  auto s = c.Path(1).empty() ? std::nullopt : c.ctx().signon->servers().Find(c.Path(1));
  if (!s) c.SendError(NoServer(c.Path(1)));
  return s;
}

void ListServers(ApiCall& c) {
  Json a = Json::array();
  for (const auto& s : c.ctx().signon->servers().ListCustom()) a.push_back(RenderAuthServer(s, c.base()));
  c.SendJson(200, a);
}

void PostServer(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  std::vector<std::string> audiences;
  if (body->contains("audiences") && (*body)["audiences"].is_array()) {
    for (const auto& a : (*body)["audiences"]) {
      if (a.is_string()) audiences.push_back(a);
    }
  }
  std::string base = c.base();
  c.Reply(c.ctx().signon->servers().Create(body->value("name", ""), body->value("description", ""), audiences),
          [&](const AuthServer& s) { return RenderAuthServer(s, base); });
}

void GetServer(ApiCall& c) {
  if (auto s = Server(c)) c.SendJson(200, RenderAuthServer(*s, c.base()));
}

void ListScopes(ApiCall& c) {
  auto s = Server(c);
  if (!s) return;
  Json a = Json::array();
  for (const auto& name : StandardScopes()) {
    if (!s->HasScope(name)) continue;
    Scope sys;
    sys.id = "scp" + name;
    sys.name = name;
    sys.system = true;
    sys.description = "OIDC scope " + name;
    a.push_back(RenderScope(sys));
  }
  for (const auto& x : s->scopes) a.push_back(RenderScope(x));
  c.SendJson(200, a);
}

void PostScope(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  auto scope = ParseScope(*body);
  if (!scope.ok()) return c.SendError(scope.error());
  c.Reply(c.ctx().signon->servers().AddScope(c.Path(1), *scope), RenderScope, 201);
}

void DeleteScope(ApiCall& c) { c.Reply(c.ctx().signon->servers().DeleteScope(c.Path(1), c.Path(2))); }

void ListClaims(ApiCall& c) {
  auto s = Server(c);
  if (!s) return;
  Json a = Json::array();
  for (const auto& x : s->claims) a.push_back(RenderClaim(x));
  c.SendJson(200, a);
}

void PostClaim(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  auto claim = ParseClaim(*body);
  if (!claim.ok()) return c.SendError(claim.error());
  c.Reply(c.ctx().signon->servers().AddClaim(c.Path(1), *claim), RenderClaim, 201);
}

void DeleteClaim(ApiCall& c) { c.Reply(c.ctx().signon->servers().DeleteClaim(c.Path(1), c.Path(2))); }

Json KeyList(AuthServers& servers, const std::string& id) {
  Json a = Json::array();
  bool first = true;
  for (const auto& k : servers.PublishedKeys(id)) {
    Json j = k->PublicJwk();
    j["status"] = first ? "ACTIVE" : "EXPIRED";
    first = false;
    a.push_back(j);
  }
  return a;
}

void ListKeys(ApiCall& c) {
  if (!Server(c)) return;
  c.SendJson(200, KeyList(c.ctx().signon->servers(), c.Path(1)));
}

void RotateKeys(ApiCall& c) {
  if (!Server(c)) return;
  auto r = c.ctx().signon->servers().RotateKey(c.Path(1));
  if (!r.ok()) return c.SendError(r.error());
  c.SendJson(200, KeyList(c.ctx().signon->servers(), c.Path(1)));
}

// POST /sandbox/signon/keys/rotate[?authorizationServer=org|default|aus…]: a
// new signing key for one server or (no parameter) for every server; the
// previous key stays published so tokens already issued still verify.
void SandboxRotate(ApiCall& c) {
  if (ForeignOrigin(c.ctx(), c.req())) {
    return c.SendJson(403, Json{{"errorCode", "E0000006"},
                                {"errorSummary", "You do not have permission to perform the requested action"},
                                {"errorCauses", Json::array({Json{{"errorSummary", "cross-site request refused"}}})}});
  }
  auto& servers = c.ctx().signon->servers();
  std::vector<std::string> ids;
  std::string which = c.Query("authorizationServer");
  if (which.empty()) {
    ids.push_back("");
    for (const auto& s : servers.ListCustom()) ids.push_back(s.id);
  } else {
    std::string id = which == "org" ? "" : which;
    if (!servers.Find(id)) return c.SendError(NoServer(which));
    ids.push_back(id);
  }
  Json out = Json::object();
  for (const auto& id : ids) {
    auto kid = servers.RotateKey(id);
    if (!kid.ok()) return c.SendError(kid.error());
    out[id.empty() ? "org" : id] = Json{{"kid", *kid}};
  }
  c.ctx().org->Log("system.key.rotate", "Sandbox: signing key rotated", "SUCCESS", "", Json::array(), out);
  c.SendJson(200, out);
}

httplib::Server::Handler Guarded(const RouteContext& ctx, ApiHandler h) {
  auto inner = Route(ctx, h);
  return [ctx, inner](const httplib::Request& req, httplib::Response& res) {
    if (ctx.signon) inner(req, res);
  };
}

}  // namespace

void RegisterAuthServerRoutes(httplib::Server& s, const RouteContext& ctx) {
  const std::string base = "/api/v1/authorizationServers";
  const std::string one = base + "/([A-Za-z0-9_-]{1,64})";
  s.Get(base, Guarded(ctx, ListServers));
  s.Post(base, Guarded(ctx, PostServer));
  s.Get(one, Guarded(ctx, GetServer));
  s.Get(one + "/scopes", Guarded(ctx, ListScopes));
  s.Post(one + "/scopes", Guarded(ctx, PostScope));
  s.Delete(one + "/scopes/([A-Za-z0-9_-]{1,64})", Guarded(ctx, DeleteScope));
  s.Get(one + "/claims", Guarded(ctx, ListClaims));
  s.Post(one + "/claims", Guarded(ctx, PostClaim));
  s.Delete(one + "/claims/([A-Za-z0-9_-]{1,64})", Guarded(ctx, DeleteClaim));
  s.Get(one + "/credentials/keys", Guarded(ctx, ListKeys));
  s.Post(one + "/credentials/lifecycle/keyRotate", Guarded(ctx, RotateKeys));
  s.Post("/sandbox/signon/keys/rotate", Guarded(ctx, SandboxRotate));
}

}  // namespace okta::signon
