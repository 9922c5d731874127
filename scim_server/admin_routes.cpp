#include "scim_server/admin_routes.h"

#include <charconv>
#include <optional>

#include "core/http.h"
#include "core/json_util.h"
#include "core/secret.h"
#include "scim_server/scim_error.h"

namespace scim {

using core::Json;

namespace {

void Reply(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(core::DumpCompact(body), "application/json");
}

void ReplyError(httplib::Response& res, const core::Error& e) {
  Reply(res, HttpStatusFor(e.code), {{"error", core::ErrorCodeName(e.code)}, {"message", e.detail}});
}

// A non-negative integer query parameter, or nullopt when malformed.
std::optional<int64_t> IntParam(const httplib::Request& req, const char* name, int64_t def) {
  if (!req.has_param(name)) return def;
  std::string v = req.get_param_value(name);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 0) return std::nullopt;
  return n;
}

// The page the admin panel asks for (count 200 by default, at most 1000), or
// nullopt when count or startIndex is malformed.
std::optional<ListQuery> PageQuery(const httplib::Request& req) {
  auto count = IntParam(req, "count", 200), start = IntParam(req, "startIndex", 1);
  if (!count || !start) return std::nullopt;
  ListQuery q;
  q.count = std::min<int64_t>(*count, 1000);
  q.start_index = std::max<int64_t>(*start, 1);
  return q;
}

Json GateJson(const GroupGateStatus& st) {
  return {{"mode", st.mode == GroupGateMode::kOpen ? "open" : "encryption"},
          {"enabled", st.enabled},
          {"writable", st.writable},
          {"encryptionService", {{"url", st.encryption_url}, {"status", st.encryption_status}, {"detail", st.detail}}}};
}

using Req = const httplib::Request&;
using Res = httplib::Response&;

// Status, token and group provisioning (gate and encryption service).
void RegisterSettingsRoutes(httplib::Server& server, const AdminContext& ctx) {
  server.Get("/admin/api/status", [ctx](Req, Res res) {
    Reply(res, 200,
          {{"scimBaseUrl", ctx.base_url()},
           {"token", ctx.token()},
           {"authenticationMode", "HTTP Header (Authorization: Bearer <token>)"},
           {"users", ctx.store->CountUsers()},
           {"groups", ctx.store->CountGroups()},
           {"groupProvisioning", GateJson(ctx.gate->Status())}});
  });
  server.Post("/admin/api/token", [ctx](Req, Res res) {
    auto t = ctx.regenerate_token();
    if (!t.ok()) return ReplyError(res, t.error());
    Reply(res, 200, {{"token", *t}});
  });
  server.Put("/admin/api/encryption", [ctx](Req req, Res res) {
    auto body = core::ParseJson(req.body);
    if (!body.ok()) return ReplyError(res, body.error());
    if (!body->is_object() || !body->contains("url") || !(*body)["url"].is_string())
      return ReplyError(res, {core::ErrorCode::kInvalidValue, "send {\"url\": \"http://...\", \"secret\": \"...\"}"});
    std::string url = (*body)["url"];
    std::string secret = body->value("secret", std::string());
    if (!url.empty()) {
      if (auto u = core::ParseUrl(url); !u.ok()) return ReplyError(res, u.error());
    }
    if (auto s = ctx.gate->Configure(url, secret); !s.ok()) return ReplyError(res, s.error());
    Reply(res, 200, GateJson(ctx.gate->Status()));
  });
  server.Put("/admin/api/group-provisioning", [ctx](Req req, Res res) {
    auto body = core::ParseJson(req.body);
    if (!body.ok()) return ReplyError(res, body.error());
    if (!body->is_object() || !body->contains("enabled") || !(*body)["enabled"].is_boolean())
      return ReplyError(res, {core::ErrorCode::kInvalidValue, "send {\"enabled\": true|false}"});
    if (auto s = ctx.gate->SetEnabled((*body)["enabled"].get<bool>()); !s.ok()) return ReplyError(res, s.error());
    Reply(res, 200, GateJson(ctx.gate->Status()));
  });
  server.Get(R"(/admin/api/groups/([^/]+)/keys)", [ctx](Req req, Res res) {
    auto keys = ctx.store->ListGroupKeys(req.matches[1]);
    if (!keys.ok()) return ReplyError(res, keys.error());
    Json list = Json::array();
    for (const auto& k : *keys)
      list.push_back({{"memberId", k.user_id}, {"keyVersion", k.key_version}, {"wrappedKey", k.wrapped_b64}});
    Reply(res, 200, {{"groupId", std::string(req.matches[1])}, {"members", list}});
  });
}

// Injected faults and the reset.
void RegisterFaultRoutes(httplib::Server& server, const AdminContext& ctx) {
  server.Get("/admin/api/faults",
             [ctx](Req, Res res) { Reply(res, 200, FaultInjector::RulesJson(ctx.faults->rules())); });
  server.Put("/admin/api/faults", [ctx](Req req, Res res) {
    auto body = core::ParseJson(req.body);
    if (!body.ok()) return ReplyError(res, body.error());
    auto rules = FaultInjector::ParseRules(*body);
    if (!rules.ok()) return ReplyError(res, rules.error());
    ctx.faults->Set(std::move(*rules));
    Reply(res, 200, FaultInjector::RulesJson(ctx.faults->rules()));
  });
  server.Delete("/admin/api/faults", [ctx](Req, Res res) {
    ctx.faults->Clear();
    Reply(res, 200, FaultInjector::RulesJson({}));
  });
  // Empties the directory (the console's "reset everything"); keeps the token
  // and the encryption service settings, clears injected faults.
  server.Post("/admin/api/reset", [ctx](Req, Res res) {
    if (auto s = ctx.store->DeleteAll(); !s.ok()) return ReplyError(res, s.error());
    ctx.faults->Clear();
    Reply(res, 200, {{"users", ctx.store->CountUsers()}, {"groups", ctx.store->CountGroups()}});
  });
}

// The provisioned users and groups, as the admin panel lists them.
void RegisterDirectoryRoutes(httplib::Server& server, const AdminContext& ctx) {
  server.Get("/admin/api/users", [ctx](Req req, Res res) {
    auto q = PageQuery(req);
    if (!q)
      return ReplyError(res,
                        {core::ErrorCode::kInvalidValue, "'count' and 'startIndex' must be non-negative integers"});
    auto page = ctx.store->ListUsers(*q);
    if (!page.ok()) return ReplyError(res, page.error());
    Json items = Json::array();
    for (const auto& u : page->items) items.push_back(ctx.render_user(u));
    Reply(res, 200, {{"totalResults", page->total}, {"Resources", items}});
  });
  server.Get("/admin/api/groups", [ctx](Req req, Res res) {
    auto q = PageQuery(req);
    if (!q)
      return ReplyError(res,
                        {core::ErrorCode::kInvalidValue, "'count' and 'startIndex' must be non-negative integers"});
    auto page = ctx.store->ListGroups(*q, true);
    if (!page.ok()) return ReplyError(res, page.error());
    Json items = Json::array();
    for (const auto& g : page->items) items.push_back(ctx.render_group(g));
    Reply(res, 200, {{"totalResults", page->total}, {"Resources", items}});
  });
}

}  // namespace

// The admin API needs no credential from this machine: it is the service
// provider's panel on a sandbox that listens on loopback. A peer on another
// machine (possible only when bound beyond loopback) must send the SCIM
// bearer token (else 401). And a request must come from this machine
// by name (a Host that is a loopback name or the configured base URL's host:
// DNS rebinding gets 403), and a state change must not come from another
// web origin (a foreign Origin gets 403; the CORS "simple" content types a
// cross-site form can send without a preflight get 415). No CORS header is
// ever sent, so no other origin can read an answer either.
std::optional<std::pair<int, std::string>> RefuseAdminRequest(const httplib::Request& req, const AdminContext& ctx) {
  if (!core::IsLoopbackPeer(req.remote_addr)) {
    std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) != 0 || !ctx.token || !core::ConstantTimeEquals(auth.substr(7), ctx.token())) {
      return std::make_pair(401, "from another machine the admin API needs the SCIM bearer token");
    }
  }
  std::string host = core::HostName(req.get_header_value("Host"));
  std::string base_host;
  if (auto u = core::ParseUrl(ctx.base_url()); u.ok()) base_host = u->host;
  if (!core::IsLoopbackHost(host) && host != base_host)
    return std::make_pair(403, "the admin API answers only on loopback");
  if (req.method == "GET" || req.method == "HEAD") return std::nullopt;
  std::string origin = req.get_header_value("Origin");
  if (!origin.empty() && origin != "http://" + req.get_header_value("Host") &&
      origin != "https://" + req.get_header_value("Host")) {
    return std::make_pair(403, "cross-origin requests may not change the service provider");
  }
  std::string type = core::ToLower(req.get_header_value("Content-Type"));
  for (const char* simple : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
    if (type.rfind(simple, 0) == 0) return std::make_pair(415, "send JSON (Content-Type: application/json)");
  }
  return std::nullopt;
}

void RegisterAdminRoutes(httplib::Server& server, const AdminContext& ctx) {
  RegisterSettingsRoutes(server, ctx);
  RegisterFaultRoutes(server, ctx);
  RegisterDirectoryRoutes(server, ctx);
  auto admin_guard = [ctx](Req req, Res res) {
    if (req.path.rfind("/admin/api", 0) != 0) return httplib::Server::HandlerResponse::Unhandled;
    auto refused = RefuseAdminRequest(req, ctx);
    if (!refused) return httplib::Server::HandlerResponse::Unhandled;
    Reply(res, refused->first,
          {{"error", refused->first == 415   ? "unsupportedMediaType"
                     : refused->first == 401 ? "unauthorized"
                                             : "forbidden"},
           {"message", refused->second}});
    return httplib::Server::HandlerResponse::Handled;
  };
  if (ctx.max_body_bytes > 0) {
    server.set_pre_routing_handler(core::RefuseOversizedBodies(ctx.max_body_bytes, ctx.too_large, admin_guard));
  } else {
    server.set_pre_routing_handler(admin_guard);
  }
}

}  // namespace scim
