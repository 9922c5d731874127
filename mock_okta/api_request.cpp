#include "mock_okta/api_request.h"

#include "core/log.h"

namespace okta {

std::string ApiCall::Query(const char* key, const std::string& def) const {
  return req_.has_param(key) ? req_.get_param_value(key) : def;
}

bool ApiCall::QueryFlag(const char* key, bool def) const {
  if (!req_.has_param(key)) return def;
  return req_.get_param_value(key) != "false";
}

bool ApiCall::ParseExpression(const char* param, const AttrCheck& check, OktaExprPtr* out) {
  if (!req_.has_param(param)) return true;
  auto e = ParseOptionalOktaExpression(req_.get_param_value(param), check);
  if (!e.ok()) {
    OktaError oe = InvalidSearchError(std::string(param) + ": " + e.error().detail, "oae" + core::NewRequestId());
    SendJson(oe.status, oe.body);
    return false;
  }
  *out = std::move(*e);
  return true;
}

httplib::Server::Handler Route(const RouteContext& ctx, ApiHandler h) {
  return [ctx, h](const httplib::Request& req, httplib::Response& res) {
    ApiCall call(ctx, req, res);
    try {
      h(call);
    } catch (const nlohmann::json::type_error& e) {
      // A body field of the wrong JSON type ({"id":5}, an array for a
      // string): the client's mistake, answered like any invalid value. One
      // place for every handler, which read their bodies before they change
      // anything.
      std::string what = e.what();
      auto p = what.find("] ");
      call.SendError(core::MakeError(core::ErrorCode::kInvalidValue,
                                     "request body: a field has the wrong type (" +
                                         (p == std::string::npos ? what : what.substr(p + 2)) + ")"));
    }
  };
}

}  // namespace okta
