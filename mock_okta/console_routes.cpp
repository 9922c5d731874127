#include "mock_okta/console_routes.h"

#include "core/http.h"
#include "core/json_util.h"
#include "mock_okta/okta_error.h"

namespace okta {

using core::Json;

namespace {

// Forwards the request to `target` (an absolute URL) and copies the answer back.
void Forward(const httplib::Request& req, httplib::Response& res, const std::string& target,
             const httplib::Headers& extra) {
  auto url = core::ParseUrl(target);
  if (!url.ok()) return SendJson(res, 502, {{"error", "badLink"}, {"message", url.error().detail}});
  auto client = core::MakeClient(url->Origin(), 3, 30);
  httplib::Request out;
  out.method = req.method;
  out.path = url->path.empty() ? "/" : url->path;
  if (!req.params.empty()) {
    std::string q;
    for (const auto& [k, v] : req.params) q += (q.empty() ? "?" : "&") + core::UrlEncode(k) + "=" + core::UrlEncode(v);
    out.path += q;
  }
  out.headers = extra;
  if (!req.body.empty()) {
    out.body = req.body;
    out.headers.emplace("Content-Type", req.get_header_value("Content-Type").empty() ? "application/json"
                                                                                  : req.get_header_value("Content-Type"));
  }
  auto r = client->send(out);
  if (!r) {
    return SendJson(res, 502, {{"error", "unreachable"},
                               {"message", "cannot reach " + url->Origin() + ": " + httplib::to_string(r.error())}});
  }
  res.status = r->status;
  std::string ct = r->get_header_value("Content-Type");
  res.set_content(r->body, ct.empty() ? "application/json" : ct.c_str());
}

}  // namespace

void RegisterConsoleRoutes(httplib::Server& s, const ConsoleContext& ctx) {
  // An org URL written with a trailing slash (as in the Okta SDK's README)
  // makes clients request "//api/v1/...": send them to the single-slash path
  // with 308, which keeps the method and body.
  // The target is rebuilt from percent-encoded segments, so it always stays
  // on this origin: "//%5Cevil.example/" goes to "/%5Cevil.example/", never
  // to "/\evil.example/", which a browser would follow off site.
  auto collapse = [](const httplib::Request& req, httplib::Response& res) {
    std::string rest = req.matches[1], target;
    size_t from = 0;
    while (from <= rest.size()) {
      size_t slash = rest.find('/', from);
      std::string segment = rest.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
      if (!segment.empty() || !target.empty()) target += "/" + core::UrlEncode(segment);
      if (slash == std::string::npos) break;
      from = slash + 1;
    }
    if (target.empty()) target = "/";
    std::string q;
    for (const auto& [k, v] : req.params) q += (q.empty() ? "?" : "&") + core::UrlEncode(k) + "=" + core::UrlEncode(v);
    res.status = 308;
    res.set_header("Location", target + q);
  };
  const char* doubled = R"(/{2,}(.*))";
  s.Get(doubled, collapse);
  s.Post(doubled, collapse);
  s.Put(doubled, collapse);
  s.Patch(doubled, collapse);
  s.Delete(doubled, collapse);

  if (ctx.assets) {
    auto assets = ctx.assets;
    auto serve = [assets](const std::string& path, httplib::Response& res) {
      auto a = assets(path);
      if (!a) {
        res.status = 404;
        res.set_content("console asset not found: " + path, "text/plain");
        return;
      }
      res.set_header("Cache-Control", "no-cache");
      res.set_content(a->body, a->content_type.c_str());
    };
    s.Get("/", [serve](const httplib::Request&, httplib::Response& res) { serve("index.html", res); });
    // The console's Sign-in demo is an OIDC client: the authorization server
    // sends the browser back to {org}/console/signin-callback?code=…&state=…
    // (and to …/signout-callback after logout). Both are the console page
    // itself; its script reads the query and moves to #/signin-demo. Nothing
    // here redirects or changes state, the query is never echoed, and the page
    // is not cached nor leaks the code in a Referer. Registered before the
    // asset route, which would answer 404 for these names.
    s.Get(R"(/console/sign(in|out)-callback/?)", [serve](const httplib::Request&, httplib::Response& res) {
      serve("index.html", res);
      res.headers.erase("Cache-Control");
      res.set_header("Cache-Control", "no-store");
      res.set_header("Referrer-Policy", "no-referrer");
    });
    s.Get(R"(/console/(.+))", [serve](const httplib::Request& req, httplib::Response& res) {
      std::string path = req.matches[1];
      if (path.find("..") != std::string::npos) {
        res.status = 400;
        return;
      }
      serve(path, res);
    });
  }
  s.Get("/sandbox/console/session", [ctx](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200,
             {{"apiToken", ctx.api_token},
              {"orgUrl", ctx.org_url ? ctx.org_url() : ""},
              {"scimBaseUrl", ctx.scim_base_url ? ctx.scim_base_url() : ""},
              {"links", {{"scimAdmin", !ctx.links.scim_admin_url.empty()}, {"encryption", !ctx.links.encryption_url.empty()}}},
              {"features", {{"reset", true}}}});
  });
  auto scim_admin = [ctx](const httplib::Request& req, httplib::Response& res) {
    if (ctx.links.scim_admin_url.empty())
      return SendJson(res, 404, {{"error", "notLinked"}, {"message", "no service provider admin API is linked"}});
    Forward(req, res, ctx.links.scim_admin_url + "/" + std::string(req.matches[1]), {});
  };
  const char* admin_path = R"(/sandbox/links/scim-admin/(.+))";
  s.Get(admin_path, scim_admin);
  s.Post(admin_path, scim_admin);
  s.Put(admin_path, scim_admin);
  s.Delete(admin_path, scim_admin);
  auto encryption = [ctx](const std::string& path) {
    return [ctx, path](const httplib::Request& req, httplib::Response& res) {
      if (ctx.links.encryption_url.empty())
        return SendJson(res, 404, {{"error", "notLinked"}, {"message", "no encryption service is linked"}});
      Forward(req, res, ctx.links.encryption_url + path, {{"Authorization", "Bearer " + ctx.links.encryption_secret}});
    };
  };
  s.Get("/sandbox/links/encryption/faults", encryption("/v1/admin/faults"));
  s.Put("/sandbox/links/encryption/faults", encryption("/v1/admin/faults"));
  s.Get("/sandbox/links/encryption/health", encryption("/v1/health"));
  s.Get("/sandbox/links/encryption/status", encryption("/v1/status"));
}

}  // namespace okta
