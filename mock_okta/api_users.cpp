// /api/v1/users: create, list (q, search, filter, paging), read, update,
// delete, lifecycle, a user's groups.
#include <optional>

#include "mock_okta/api_request.h"
#include "mock_okta/okta_paging.h"
#include "mock_okta/render.h"

namespace okta {

using core::Json;

namespace {

std::string PasswordOf(const Json& body) {
  if (body.contains("credentials") && body["credentials"].is_object()) {
    const Json& c = body["credentials"];
    if (c.contains("password") && c["password"].is_object()) return c["password"].value("value", "");
  }
  return "";
}

// `q`: prefix of login, email, firstName or lastName, case-insensitive.
bool MatchesQuery(const User& u, const std::string& q) {
  if (q.empty()) return true;
  std::string lq = core::ToLower(q);
  for (const char* k : {"login", "email", "firstName", "lastName"}) {
    std::string v = core::ToLower(u.profile.value(k, ""));
    if (v.rfind(lq, 0) == 0) return true;
  }
  return false;
}

std::optional<std::string> JsonText(const Json& j) {
  if (j.is_null()) return std::nullopt;
  if (j.is_string()) return j.get<std::string>();
  return core::DumpCompact(j);
}

// The attributes `search` and `filter` read.
AttrLookup UserAttrs(const User& u) {
  return [&u](const std::string& attr) -> std::optional<std::string> {
    if (attr == "id") return u.id;
    if (attr == "status") return u.status;
    if (attr == "created") return u.created;
    if (attr == "activated") return u.activated;
    if (attr == "statusChanged") return u.status_changed;
    if (attr == "lastUpdated") return u.last_updated;
    if (attr == "passwordChanged") return u.password_changed;
    if (attr.rfind("profile.", 0) == 0) {
      std::string k = attr.substr(8);
      if (!u.profile.is_object() || !u.profile.contains(k)) return std::nullopt;
      return JsonText(u.profile[k]);
    }
    return std::nullopt;
  };
}

void PostUser(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  Json profile = body->value("profile", Json());
  std::string base = c.base();
  c.Reply(c.org().CreateUser(profile, PasswordOf(*body), c.QueryFlag("activate", true)),
          [&](const User& u) { return RenderUser(u, base); });
}

void ListUsers(ApiCall& c) {
  PageRequest page = ParsePageRequest(c.req(), 200);
  std::string q = c.Query("q");
  OktaExprPtr search, filter;
  if (!c.ParseExpression("search", UserSearchable, &search)) return;
  if (!c.ParseExpression("filter", UserFilterable, &filter)) return;
  std::vector<User> users;
  for (auto& u : c.org().ListUsers(page.after, -1)) {
    if (!MatchesQuery(u, q)) continue;
    // Okta's default listing omits deactivated users.
    if (u.status == "DEPROVISIONED" && !search && !filter) continue;
    if (search && !EvaluateOktaExpression(*search, UserAttrs(u))) continue;
    if (filter && !EvaluateOktaExpression(*filter, UserAttrs(u))) continue;
    users.push_back(u);
    if (static_cast<int>(users.size()) > page.limit) break;
  }
  std::string base = c.base();
  FinishPage(c.res(), c.req(), base + "/api/v1/users", page.limit, users);
  Json a = Json::array();
  for (const auto& u : users) a.push_back(RenderUser(u, base));
  c.SendJson(200, a);
}

void GetUser(ApiCall& c) {
  std::string base = c.base();
  c.Reply(c.org().GetUser(c.Path(1)), [&](const User& u) { return RenderUser(u, base); });
}

// partial: POST merges into the profile; PUT replaces it.
void UpdateUser(ApiCall& c, bool partial) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  std::string pw = PasswordOf(*body);
  auto u = c.org().GetUser(c.Path(1));
  if (!u.ok()) return c.SendError(u.error());
  std::string base = c.base();
  c.Reply(c.org().UpdateUser(u->id, body->value("profile", Json()), partial,
                             pw.empty() ? std::nullopt : std::optional<std::string>(pw)),
          [&](const User& x) { return RenderUser(x, base); });
}
void PostUserUpdate(ApiCall& c) { UpdateUser(c, true); }
void PutUser(ApiCall& c) { UpdateUser(c, false); }

void DeleteUser(ApiCall& c) { c.Reply(c.org().DeleteUser(c.Path(1))); }

void PostUserLifecycle(ApiCall& c) {
  auto r = c.org().UserLifecycle(c.Path(1), c.Path(2));
  if (!r.ok()) return c.SendError(r.error());
  c.SendJson(200, Json::object());
}

void ListGroupsOfUser(ApiCall& c) {
  auto u = c.org().GetUser(c.Path(1));
  if (!u.ok()) return c.SendError(u.error());
  std::string base = c.base();
  Json a = Json::array();
  for (const auto& g : c.org().ListGroupsOfUser(u->id)) a.push_back(RenderGroup(g, base));
  c.SendJson(200, a);
}

}  // namespace

void RegisterUserRoutes(httplib::Server& s, const RouteContext& ctx) {
  s.Post("/api/v1/users", Route(ctx, PostUser));
  s.Get("/api/v1/users", Route(ctx, ListUsers));
  s.Get(R"(/api/v1/users/([^/]+))", Route(ctx, GetUser));
  s.Post(R"(/api/v1/users/([^/]+))", Route(ctx, PostUserUpdate));
  s.Put(R"(/api/v1/users/([^/]+))", Route(ctx, PutUser));
  s.Delete(R"(/api/v1/users/([^/]+))", Route(ctx, DeleteUser));
  s.Post(R"(/api/v1/users/([^/]+)/lifecycle/([a-z_]+))", Route(ctx, PostUserLifecycle));
  s.Get(R"(/api/v1/users/([^/]+)/groups)", Route(ctx, ListGroupsOfUser));
}

}  // namespace okta
