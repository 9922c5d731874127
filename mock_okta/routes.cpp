#include "mock_okta/routes.h"

namespace okta {

void RegisterApiRoutes(httplib::Server& s, const RouteContext& ctx) {
  RegisterUserRoutes(s, ctx);
  RegisterGroupRoutes(s, ctx);
  RegisterAppRoutes(s, ctx);
  RegisterAppAssignmentRoutes(s, ctx);
  RegisterGroupPushRoutes(s, ctx);
  RegisterLogRoutes(s, ctx);
}

}  // namespace okta
