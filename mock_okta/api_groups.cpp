// /api/v1/groups: create, list (q, paging), read, update, delete, members.
#include "mock_okta/api_request.h"
#include "mock_okta/okta_paging.h"
#include "mock_okta/render.h"

namespace okta {

using core::Json;

namespace {

// profile.description when it is a string, else "".
std::string DescriptionOf(const Json& profile) {
  if (profile.is_object() && profile.contains("description") && profile["description"].is_string()) {
    return profile["description"].get<std::string>();
  }
  return "";
}

void PostGroup(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  Json p = body->value("profile", Json::object());
  std::string base = c.base();
  c.Reply(c.org().CreateGroup(p.value("name", ""), DescriptionOf(p)),
          [&](const Group& g) { return RenderGroup(g, base); });
}

void ListGroups(ApiCall& c) {
  PageRequest page = ParsePageRequest(c.req(), 200);
  std::string q = core::ToLower(c.Query("q"));
  std::vector<Group> groups;
  for (auto& g : c.org().ListGroups(page.after, -1)) {
    if (!q.empty() && core::ToLower(g.name).rfind(q, 0) != 0) continue;
    groups.push_back(g);
    if (static_cast<int>(groups.size()) > page.limit) break;
  }
  std::string base = c.base();
  FinishPage(c.res(), c.req(), base + "/api/v1/groups", page.limit, groups);
  Json a = Json::array();
  for (const auto& g : groups) a.push_back(RenderGroup(g, base));
  c.SendJson(200, a);
}

void GetGroup(ApiCall& c) {
  std::string base = c.base();
  c.Reply(c.org().GetGroup(c.Path(1)), [&](const Group& g) { return RenderGroup(g, base); });
}

void PutGroup(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  Json p = body->value("profile", Json::object());
  std::string base = c.base();
  c.Reply(c.org().UpdateGroup(c.Path(1), p.value("name", ""), DescriptionOf(p)),
          [&](const Group& g) { return RenderGroup(g, base); });
}

void DeleteGroup(ApiCall& c) { c.Reply(c.org().DeleteGroup(c.Path(1))); }

void ListGroupMembers(ApiCall& c) {
  auto g = c.org().GetGroup(c.Path(1));
  if (!g.ok()) return c.SendError(g.error());
  std::string base = c.base();
  Json a = Json::array();
  for (const auto& u : c.org().ListGroupMembers(g->id)) a.push_back(RenderUser(u, base));
  c.SendJson(200, a);
}

void PutGroupMember(ApiCall& c) { c.Reply(c.org().AddGroupMember(c.Path(1), c.Path(2))); }
void DeleteGroupMember(ApiCall& c) { c.Reply(c.org().RemoveGroupMember(c.Path(1), c.Path(2))); }

}  // namespace

void RegisterGroupRoutes(httplib::Server& s, const RouteContext& ctx) {
  s.Post("/api/v1/groups", Route(ctx, PostGroup));
  s.Get("/api/v1/groups", Route(ctx, ListGroups));
  s.Get(R"(/api/v1/groups/([^/]+))", Route(ctx, GetGroup));
  s.Put(R"(/api/v1/groups/([^/]+))", Route(ctx, PutGroup));
  s.Delete(R"(/api/v1/groups/([^/]+))", Route(ctx, DeleteGroup));
  s.Get(R"(/api/v1/groups/([^/]+)/users)", Route(ctx, ListGroupMembers));
  s.Put(R"(/api/v1/groups/([^/]+)/users/([^/]+))", Route(ctx, PutGroupMember));
  s.Delete(R"(/api/v1/groups/([^/]+)/users/([^/]+))", Route(ctx, DeleteGroupMember));
}

}  // namespace okta
