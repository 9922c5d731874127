// /api/v1/apps/{id}/users and /api/v1/apps/{id}/groups: direct user
// assignments (with the app username) and group assignments.
#include "mock_okta/api_request.h"
#include "mock_okta/render.h"

namespace okta {

using core::Json;

namespace {

// credentials.userName of an app user body, or "".
std::string AppUserNameOf(const Json& body) {
  if (body.contains("credentials") && body["credentials"].is_object()) return body["credentials"].value("userName", "");
  return "";
}

// ---- app users ----

void ListAppUsers(ApiCall& c) {
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  std::string base = c.base();
  Json arr = Json::array();
  for (const auto& au : c.org().ListAppUsers(a->id)) arr.push_back(RenderAppUser(au, base));
  c.SendJson(200, arr);
}

void PostAppUser(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  std::string uid = body->value("id", "");
  std::string base = c.base();
  c.Reply(c.org().AssignUser(c.Path(1), uid, AppUserNameOf(*body)),
          [&](const AppUser& au) { return RenderAppUser(au, base); });
}

void GetAppUser(ApiCall& c) {
  std::string base = c.base();
  c.Reply(c.org().GetAppUser(c.Path(1), c.Path(2)), [&](const AppUser& au) { return RenderAppUser(au, base); });
}

void UpdateAppUser(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  std::string base = c.base();
  c.Reply(c.org().UpdateAppUser(c.Path(1), c.Path(2), AppUserNameOf(*body)),
          [&](const AppUser& au) { return RenderAppUser(au, base); });
}

void DeleteAppUser(ApiCall& c) { c.Reply(c.org().UnassignUser(c.Path(1), c.Path(2))); }

// ---- app groups ----

void ListAppGroups(ApiCall& c) {
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  std::string base = c.base();
  Json arr = Json::array();
  for (const auto& ag : c.org().ListAppGroups(a->id)) arr.push_back(RenderAppGroup(ag, base));
  c.SendJson(200, arr);
}

void PutAppGroup(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  const Json& b = *body;
  int prio = b.contains("priority") && b["priority"].is_number_integer() ? b["priority"].get<int>() : 0;
  std::string base = c.base();
  c.Reply(c.org().AssignGroup(c.Path(1), c.Path(2), prio),
          [&](const AppGroup& ag) { return RenderAppGroup(ag, base); });
}

void GetAppGroup(ApiCall& c) {
  std::string base = c.base();
  c.Reply(c.org().GetAppGroup(c.Path(1), c.Path(2)), [&](const AppGroup& ag) { return RenderAppGroup(ag, base); });
}

void DeleteAppGroup(ApiCall& c) { c.Reply(c.org().UnassignGroup(c.Path(1), c.Path(2))); }

}  // namespace

void RegisterAppAssignmentRoutes(httplib::Server& s, const RouteContext& ctx) {
  s.Get(R"(/api/v1/apps/([^/]+)/users)", Route(ctx, ListAppUsers));
  s.Post(R"(/api/v1/apps/([^/]+)/users)", Route(ctx, PostAppUser));
  s.Get(R"(/api/v1/apps/([^/]+)/users/([^/]+))", Route(ctx, GetAppUser));
  s.Post(R"(/api/v1/apps/([^/]+)/users/([^/]+))", Route(ctx, UpdateAppUser));
  s.Delete(R"(/api/v1/apps/([^/]+)/users/([^/]+))", Route(ctx, DeleteAppUser));
  s.Get(R"(/api/v1/apps/([^/]+)/groups)", Route(ctx, ListAppGroups));
  s.Put(R"(/api/v1/apps/([^/]+)/groups/([^/]+))", Route(ctx, PutAppGroup));
  s.Get(R"(/api/v1/apps/([^/]+)/groups/([^/]+))", Route(ctx, GetAppGroup));
  s.Delete(R"(/api/v1/apps/([^/]+)/groups/([^/]+))", Route(ctx, DeleteAppGroup));
}

}  // namespace okta
