// /api/v1/apps/{id}/group-push/mappings: list, create (201), read, activate
// or deactivate (PATCH status), delete (optionally the target group too).
#include "mock_okta/api_request.h"
#include "mock_okta/render.h"

namespace okta {

using core::Json;

namespace {

void ListGroupPushes(ApiCall& c) {
  auto a = c.org().GetApp(c.Path(1));
  if (!a.ok()) return c.SendError(a.error());
  std::string base = c.base();
  Json arr = Json::array();
  for (const auto& m : c.org().ListGroupPushes(a->id)) arr.push_back(RenderGroupPush(m, base));
  c.SendJson(200, arr);
}

void PostGroupPush(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  const Json& b = *body;
  std::string status = b.value("status", "ACTIVE");
  std::string base = c.base();
  c.Reply(c.org().CreateGroupPush(c.Path(1), b.value("sourceGroupId", ""), b.value("targetGroupName", ""),
                                  b.value("targetGroupId", ""), b.value("linkExisting", false), status == "ACTIVE"),
          [&](const GroupPush& m) { return RenderGroupPush(m, base); }, 201);  // Okta: 201 Created
}

void GetGroupPush(ApiCall& c) {
  std::string base = c.base();
  c.Reply(c.org().GetGroupPush(c.Path(1), c.Path(2)), [&](const GroupPush& m) { return RenderGroupPush(m, base); });
}

void PatchGroupPush(ApiCall& c) {
  auto body = c.Body();
  if (!body.ok()) return c.SendError(body.error());
  std::string status = body->value("status", "");
  if (status != "ACTIVE" && status != "INACTIVE") {
    return c.SendError(core::MakeError(core::ErrorCode::kInvalidValue, "status: must be ACTIVE or INACTIVE"));
  }
  std::string base = c.base();
  c.Reply(c.org().SetGroupPushStatus(c.Path(1), c.Path(2), status == "ACTIVE"),
          [&](const GroupPush& m) { return RenderGroupPush(m, base); });
}

void DeleteGroupPush(ApiCall& c) {
  c.Reply(c.org().DeleteGroupPush(c.Path(1), c.Path(2), c.QueryFlag("deleteTargetGroup", false)));
}

}  // namespace

void RegisterGroupPushRoutes(httplib::Server& s, const RouteContext& ctx) {
  s.Get(R"(/api/v1/apps/([^/]+)/group-push/mappings)", Route(ctx, ListGroupPushes));
  s.Post(R"(/api/v1/apps/([^/]+)/group-push/mappings)", Route(ctx, PostGroupPush));
  s.Get(R"(/api/v1/apps/([^/]+)/group-push/mappings/([^/]+))", Route(ctx, GetGroupPush));
  s.Patch(R"(/api/v1/apps/([^/]+)/group-push/mappings/([^/]+))", Route(ctx, PatchGroupPush));
  s.Delete(R"(/api/v1/apps/([^/]+)/group-push/mappings/([^/]+))", Route(ctx, DeleteGroupPush));
}

}  // namespace okta
