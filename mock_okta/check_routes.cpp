#include "mock_okta/check_routes.h"

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/http.h"
#include "core/json_util.h"
#include "mock_okta/checker/check_output.h"
#include "mock_okta/checker/checker.h"
#include "mock_okta/okta_error.h"

namespace okta {

using core::Json;

namespace {

Json ErrorBody(const std::string& code, const std::string& summary) {
  return Json{{"errorCode", code}, {"errorSummary", summary}, {"errorCauses", Json::array()}};
}

// Why the request is refused ("" when it is same-origin enough to run a check).
std::string CrossSiteReason(const httplib::Request& req, const std::string& own_base) {
  std::string host = req.get_header_value("Host");
  std::string name = core::HostName(host);
  auto own = core::ParseUrl(own_base);
  bool own_host = own.ok() && core::ToLower(own->host) == name;
  if (host.empty() || (!core::IsLoopbackHost(name) && !own_host)) {
    return "Host '" + host + "' is neither a loopback name nor the address the sandbox listens on";
  }
  std::string origin = req.get_header_value("Origin");
  if (!origin.empty() && core::ToLower(origin) != "http://" + core::ToLower(host)) {
    return "cross-origin request from " + origin;
  }
  return "";
}

std::vector<std::string> Strings(const Json& body, const char* key) {
  std::vector<std::string> out;
  auto it = body.find(key);
  if (it == body.end()) return out;
  if (it->is_string()) {
    std::string s = it->get<std::string>();
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      std::string part = s.substr(start, comma - start);
      part.erase(0, part.find_first_not_of(" \t"));
      part.erase(part.find_last_not_of(" \t") + 1);
      if (!part.empty()) out.push_back(part);
      start = comma + 1;
    }
  } else if (it->is_array()) {
    for (const auto& v : *it)
      if (v.is_string() && !v.get<std::string>().empty()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string String(const Json& body, const char* key, const std::string& def = "") {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : def;
}

bool Bool(const Json& body, const char* key, bool def) {
  auto it = body.find(key);
  return it != body.end() && it->is_boolean() ? it->get<bool>() : def;
}

// The options of a body, or why they cannot be used.
core::Result<check::CheckOptions> OptionsFrom(const Json& body) {
  check::CheckOptions o;
  o.base_url = String(body, "url");
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  if (o.base_url.empty())
    return core::MakeError(core::ErrorCode::kInvalidValue, "url: the SCIM connector base URL is required");
  if (!core::ParseUrl(o.base_url).ok()) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "url: not an http(s) URL: " + o.base_url);
  }
  o.auth = String(body, "auth", "header");
  if (o.auth != "header" && o.auth != "basic" && o.auth != "verbatim") {
    return core::MakeError(core::ErrorCode::kInvalidValue, "auth: header, basic or verbatim");
  }
  o.token = String(body, "token");
  o.username = String(body, "username");
  o.password = String(body, "password");
  if (o.auth == "basic" && o.username.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "username: Basic Auth needs a user name");
  }
  if (o.auth != "basic" && o.token.empty()) return core::MakeError(core::ErrorCode::kInvalidValue, "token: required");
  std::string profile = String(body, "profile", "both");
  if (profile == "both") {
    o.profiles = {"aiw_put", "oin_patch"};
  } else if (profile == "aiw_put" || profile == "oin_patch") {
    o.profiles = {profile};
  } else {
    return core::MakeError(core::ErrorCode::kInvalidValue, "profile: aiw_put, oin_patch or both");
  }
  o.unique_field = String(body, "uniqueField", "userName");
  if (o.unique_field.empty()) o.unique_field = "userName";
  o.groups = Bool(body, "groups", true);
  o.only = Strings(body, "only");
  o.skip = Strings(body, "skip");
  o.keep = Bool(body, "keep", false);
  o.delete_created = Bool(body, "delete", false);
  if (auto it = body.find("timeoutMs"); it != body.end() && it->is_number_integer()) {
    o.timeout_ms = static_cast<int>(std::clamp<int64_t>(it->get<int64_t>(), 100, 120000));
  }
  o.prefix = String(body, "prefix");
  return o;
}

}  // namespace

void RegisterCheckRoutes(httplib::Server& server, const RouteContext& ctx) {
  auto running = std::make_shared<std::mutex>();
  auto base_url = ctx.base_url;
  server.Post("/sandbox/check", [running, base_url](const httplib::Request& req, httplib::Response& res) {
    if (std::string why = CrossSiteReason(req, base_url ? base_url() : ""); !why.empty()) {
      return SendJson(res, 403,
                      ErrorBody("E0000006", "You do not have permission to perform the requested action: " + why));
    }
    std::string type = core::ToLower(req.get_header_value("Content-Type"));
    if (type.rfind("application/json", 0) != 0) {
      return SendJson(res, 415, ErrorBody("E0000001", "Content-Type must be application/json"));
    }
    auto body = ObjectBody(req);
    if (!body.ok()) return SendError(res, body.error());
    auto options = OptionsFrom(*body);
    if (!options.ok()) return SendError(res, options.error());
    std::unique_lock<std::mutex> lock(*running, std::try_to_lock);
    if (!lock.owns_lock()) {
      return SendJson(res, 409, ErrorBody("E0000001", "A check is already running; wait for it to finish"));
    }
    check::CheckReport report = check::RunChecks(*options);
    check::RenderOptions render;
    render.show_secrets = false;
    for (const std::string* s : {&options->token, &options->password})
      if (s->size() >= 4) render.secrets.push_back(*s);
    res.set_header("Cache-Control", "no-store");
    SendJson(res, 200, check::ReportJson(report, render));
  });
}

}  // namespace okta
