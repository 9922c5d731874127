// The shared request helper of the mock Okta's route files (/api/v1 and
// /sandbox): one ApiCall per request bundles the RouteContext, the request
// and the response, and offers the parsing (JSON object body, path and query
// parameters, search/filter expressions) and the rendering (JSON, Okta
// errors) every handler needs. Handlers are plain functions taking an
// ApiCall&; Route() binds one to a context for httplib.
//
// Threads: handlers run on the listener's pool; an ApiCall lives for one
// request. The RouteContext is copied into each bound handler.
#pragma once

#include <httplib.h>

#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/okta_error.h"
#include "mock_okta/okta_expression.h"
#include "mock_okta/routes.h"

namespace okta {

class ApiCall {
 public:
  ApiCall(const RouteContext& ctx, const httplib::Request& req, httplib::Response& res)
      : ctx_(ctx), req_(req), res_(res) {}

  const RouteContext& ctx() const { return ctx_; }
  Org& org() const { return *ctx_.org; }
  Engine& engine() const { return *ctx_.engine; }
  SandboxClock& clock() const { return *ctx_.clock; }
  const httplib::Request& req() const { return req_; }
  httplib::Response& res() const { return res_; }
  // The mock's origin, for _links and Link headers.
  std::string base() const { return ctx_.base_url(); }

  // The i-th capture group of the route's pattern (1-based).
  std::string Path(size_t i) const { return req_.matches[i]; }
  bool HasQuery(const char* key) const { return req_.has_param(key); }
  // The query parameter (decoded), or `def` when absent.
  std::string Query(const char* key, const std::string& def = "") const;
  // Absent → def; present → anything but "false" is true.
  bool QueryFlag(const char* key, bool def) const;
  // The JSON object body ({} when empty). Errors: kInvalidSyntax.
  core::Result<core::Json> Body() const { return ObjectBody(req_); }

  // Parses the `param` query parameter as an Okta expression (absent or
  // blank → *out stays null). On a bad expression answers 400 E0000031
  // ("<param>: <why>") and returns false.
  bool ParseExpression(const char* param, const AttrCheck& check, OktaExprPtr* out);

  void SendJson(int status, const core::Json& body) { okta::SendJson(res_, status, body); }
  void SendError(const core::Error& e) { okta::SendError(res_, e); }
  // A body-less answer.
  void SendStatus(int status) { res_.status = status; }

  // r ok → render(*r) with `status`; else the Okta error.
  template <class T, class F>
  void Reply(const core::Result<T>& r, F render, int status = 200) {
    if (!r.ok()) return SendError(r.error());
    SendJson(status, render(*r));
  }
  // s ok → `status` without a body; else the Okta error.
  void Reply(const core::Status& s, int status = 204) {
    if (!s.ok()) return SendError(s.error());
    SendStatus(status);
  }

 private:
  const RouteContext& ctx_;
  const httplib::Request& req_;
  httplib::Response& res_;
};

using ApiHandler = void (*)(ApiCall& call);

// An httplib handler running `h` with a copy of ctx.
httplib::Server::Handler Route(const RouteContext& ctx, ApiHandler h);

}  // namespace okta
