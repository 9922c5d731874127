#include "scim_server/scim_routes.h"

#include <charconv>
#include <optional>

#include "scim_server/bulk.h"
#include "scim_server/list_query.h"
#include "scim_server/patch_apply.h"
#include "scim_server/resource.h"
#include "scim_server/root_search.h"
#include "scim_server/schema.h"
#include "scim_server/scim_error.h"

namespace scim {

using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;

namespace {

void WriteJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(core::DumpCompact(body), kScimContentType);
}

Result<Json> ParseBody(const httplib::Request& req) {
  if (req.body.empty()) return Error{ErrorCode::kInvalidSyntax, "the request has no body; a JSON object is required"};
  return core::ParseJson(req.body);
}

// If-Match: W/"3", "3" or * → the version the client expects (nullopt: any).
Result<std::optional<int64_t>> ExpectedVersion(const httplib::Request& req) {
  if (!req.has_header("If-Match")) return std::optional<int64_t>();
  std::string v = req.get_header_value("If-Match");
  if (v == "*") return std::optional<int64_t>();
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) {
    // An ETag this server never issued cannot match.
    return Error{ErrorCode::kPreconditionFailed, "If-Match does not match the resource's current version"};
  }
  return std::optional<int64_t>(n);
}

class Handlers {
 public:
  explicit Handlers(RouteContext ctx) : ctx_(std::move(ctx)) {}

  Json Render(const StoredUser& u) const { return RenderUser(u.data, u.meta, u.groups, ctx_.base_url()); }
  Json Render(const StoredGroup& g) const { return RenderGroup(g.data, g.meta, g.members, ctx_.base_url()); }

  template <class T>
  void WriteResource(httplib::Response& res, int status, const T& item, const char* endpoint,
                     const Projection& proj = {}) const {
    res.set_header("ETag", ETagFor(item.meta.version));
    if (status == 201) res.set_header("Location", ctx_.base_url() + endpoint + "/" + item.meta.id);
    ResourceKind kind = std::is_same_v<T, StoredUser> ? ResourceKind::kUser : ResourceKind::kGroup;
    WriteJson(res, status, Project(Render(item), proj, kind));
  }

  // GET /Users, GET /Groups, POST /.search variants.
  void List(ResourceKind kind, const SearchParams& sp, httplib::Response& res) const {
    auto proj = ParseProjection(sp.attributes, sp.excluded, kind);
    if (!proj.ok()) return WriteError(res, proj.error());
    auto filter = ParseOptionalFilter(sp.filter);
    if (!filter.ok()) return WriteError(res, filter.error());
    auto paging = PagingOf(sp, ctx_.max_results);
    if (!paging.ok()) return WriteError(res, paging.error());
    ListQuery q;
    q.filter = filter->get();
    q.start_index = paging->start_index;
    q.count = paging->count;
    q.descending = paging->descending;
    if (!sp.sort_by.empty()) {
      q.sort_by = SchemaRegistry::SplitPath(sp.sort_by);
      if (!SchemaRegistry::Default().Resolve(kind, *q.sort_by))
        return WriteError(res, Error{ErrorCode::kInvalidValue, "unknown attribute '" + sp.sort_by + "' in 'sortBy'"});
    }
    Json resources = Json::array();
    int64_t total = 0;
    if (kind == ResourceKind::kUser) {
      auto page = ctx_.store->ListUsers(q);
      if (!page.ok()) return WriteError(res, page.error());
      total = page->total;
      for (const auto& u : page->items) resources.push_back(Project(Render(u), *proj, kind));
    } else {
      auto page = ctx_.store->ListGroups(q, !Excludes(*proj, "members"));
      if (!page.ok()) return WriteError(res, page.error());
      total = page->total;
      for (const auto& g : page->items) resources.push_back(Project(Render(g), *proj, kind));
    }
    WriteJson(res, 200, ListResponse(total, q.start_index, std::move(resources)));
  }

  // POST /.search at the root (root_search.h).
  void RootSearch(const SearchParams& sp, httplib::Response& res) const {
    auto list = SearchRoot(*ctx_.store, sp, ctx_.max_results, ctx_.base_url());
    if (!list.ok()) return WriteError(res, list.error());
    WriteJson(res, 200, *list);
  }

  void GetUser(const httplib::Request& req, httplib::Response& res) const {
    auto proj = ParseProjection(req.get_param_value("attributes"), req.get_param_value("excludedAttributes"),
                                ResourceKind::kUser);
    if (!proj.ok()) return WriteError(res, proj.error());
    auto u = ctx_.store->GetUser(std::string(req.matches[1]));
    if (!u.ok()) return WriteError(res, u.error());
    if (NotModified(req, res, u->meta.version)) return;
    WriteResource(res, 200, *u, "/Users", *proj);
  }

  void GetGroup(const httplib::Request& req, httplib::Response& res) const {
    auto proj = ParseProjection(req.get_param_value("attributes"), req.get_param_value("excludedAttributes"),
                                ResourceKind::kGroup);
    if (!proj.ok()) return WriteError(res, proj.error());
    auto g = ctx_.store->GetGroup(std::string(req.matches[1]), !Excludes(*proj, "members"));
    if (!g.ok()) return WriteError(res, g.error());
    if (NotModified(req, res, g->meta.version)) return;
    WriteResource(res, 200, *g, "/Groups", *proj);
  }

  void CreateUser(const httplib::Request& req, httplib::Response& res) const {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto canon = CanonicalizeResource(*body, ResourceKind::kUser);
    if (!canon.ok()) return WriteError(res, canon.error());
    auto u = ctx_.store->CreateUser(canon->data);
    if (!u.ok()) return WriteError(res, u.error());
    WriteResource(res, 201, *u, "/Users");
  }

  void CreateGroup(const httplib::Request& req, httplib::Response& res) const {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto canon = CanonicalizeResource(*body, ResourceKind::kGroup);
    if (!canon.ok()) return WriteError(res, canon.error());
    auto g = ctx_.store->CreateGroup(canon->data, canon->member_ids.value_or(std::vector<std::string>{}));
    if (!g.ok()) return WriteError(res, g.error());
    WriteResource(res, 201, *g, "/Groups");
  }

  void ReplaceUser(const httplib::Request& req, httplib::Response& res) const {
    auto expected = ExpectedVersion(req);
    if (!expected.ok()) return WriteError(res, expected.error());
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto canon = CanonicalizeResource(*body, ResourceKind::kUser);
    if (!canon.ok()) return WriteError(res, canon.error());
    auto u = ctx_.store->ReplaceUser(std::string(req.matches[1]), canon->data, *expected);
    if (!u.ok()) return WriteError(res, u.error());
    WriteResource(res, 200, *u, "/Users");
  }

  void ReplaceGroup(const httplib::Request& req, httplib::Response& res) const {
    auto expected = ExpectedVersion(req);
    if (!expected.ok()) return WriteError(res, expected.error());
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto canon = CanonicalizeResource(*body, ResourceKind::kGroup);
    if (!canon.ok()) return WriteError(res, canon.error());
    auto g = ctx_.store->ReplaceGroup(std::string(req.matches[1]), canon->data,
                                      canon->member_ids.value_or(std::vector<std::string>{}), *expected);
    if (!g.ok()) return WriteError(res, g.error());
    WriteResource(res, 200, *g, "/Groups");
  }

  void PatchUser(const httplib::Request& req, httplib::Response& res) const {
    auto expected = ExpectedVersion(req);
    if (!expected.ok()) return WriteError(res, expected.error());
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto ops = ParsePatchRequest(*body);
    if (!ops.ok()) return WriteError(res, ops.error());
    auto u = ctx_.store->ModifyUser(
        std::string(req.matches[1]),
        [&](Json& data) -> core::Status {
          if (auto s = ApplyPatch(data, *ops, ResourceKind::kUser, nullptr); !s.ok()) return s;
          auto canon = CanonicalizeResource(data, ResourceKind::kUser);
          if (!canon.ok()) return canon.error();
          data = std::move(canon->data);
          return core::Status::Ok();
        },
        *expected);
    if (!u.ok()) return WriteError(res, u.error());
    WriteResource(res, 200, *u, "/Users");
  }

  void PatchGroup(const httplib::Request& req, httplib::Response& res) const {
    auto expected = ExpectedVersion(req);
    if (!expected.ok()) return WriteError(res, expected.error());
    auto proj = ParseProjection(req.get_param_value("attributes"), req.get_param_value("excludedAttributes"),
                                ResourceKind::kGroup);
    if (!proj.ok()) return WriteError(res, proj.error());
    // RFC 7644 §3.5.2: 204 is allowed unless the client asked for attributes.
    bool no_content =
        ctx_.group_patch_no_content && !req.has_param("attributes") && !req.has_param("excludedAttributes");
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto ops = ParsePatchRequest(*body);
    if (!ops.ok()) return WriteError(res, ops.error());
    auto g = ctx_.store->ModifyGroup(
        std::string(req.matches[1]),
        [&](Json& data, std::vector<MemberChange>* changes) -> core::Status {
          if (auto s = ApplyPatch(data, *ops, ResourceKind::kGroup, changes); !s.ok()) return s;
          auto canon = CanonicalizeResource(data, ResourceKind::kGroup);
          if (!canon.ok()) return canon.error();
          data = std::move(canon->data);
          return core::Status::Ok();
        },
        *expected, !no_content && !Excludes(*proj, "members"));
    if (!g.ok()) return WriteError(res, g.error());
    if (no_content) {
      res.set_header("ETag", ETagFor(g->meta.version));
      res.status = 204;
      return;
    }
    WriteResource(res, 200, *g, "/Groups", *proj);
  }

  void Delete(ResourceKind kind, const httplib::Request& req, httplib::Response& res) const {
    auto expected = ExpectedVersion(req);
    if (!expected.ok()) return WriteError(res, expected.error());
    const std::string& id = std::string(req.matches[1]);
    auto s = kind == ResourceKind::kUser ? ctx_.store->DeleteUser(id, *expected) : ctx_.store->DeleteGroup(id, *expected);
    if (!s.ok()) return WriteError(res, s.error());
    res.status = 204;
  }

  Json ServiceProviderConfig() const {
    std::string base = ctx_.base_url();
    return Json{
        {"schemas", Json::array({"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"})},
        {"documentationUri", "https://datatracker.ietf.org/doc/html/rfc7644"},
        {"patch", {{"supported", true}}},
        {"bulk", {{"supported", true}, {"maxOperations", ctx_.max_bulk_operations}, {"maxPayloadSize", ctx_.max_body_bytes}}},
        {"filter", {{"supported", true}, {"maxResults", ctx_.max_results}}},
        {"changePassword", {{"supported", false}}},
        {"sort", {{"supported", true}}},
        {"etag", {{"supported", true}}},
        {"authenticationSchemes",
         Json::array({{{"type", "oauthbearertoken"},
                       {"name", "OAuth Bearer Token"},
                       {"description", "Authentication with the secret token shown at start: Authorization: Bearer <token>"},
                       {"specUri", "https://www.rfc-editor.org/info/rfc6750"},
                       {"primary", true}}})},
        {"meta", {{"resourceType", "ServiceProviderConfig"}, {"location", base + "/ServiceProviderConfig"}}}};
  }

  static Json ListOf(Json items) {
    int64_t n = static_cast<int64_t>(items.size());
    return ListResponse(n, 1, std::move(items));
  }

  void Schemas(httplib::Response& res) const {
    const auto& reg = SchemaRegistry::Default();
    Json items = Json::array();
    for (const auto& s : reg.schemas()) items.push_back(reg.SchemaJson(s, ctx_.base_url()));
    WriteJson(res, 200, ListOf(std::move(items)));
  }
  void Schema(const std::string& id, httplib::Response& res) const {
    const auto& reg = SchemaRegistry::Default();
    const SchemaDef* s = reg.FindSchema(id);
    if (!s) return WriteError(res, Error{ErrorCode::kNotFound, "schema '" + id + "' not found"});
    WriteJson(res, 200, reg.SchemaJson(*s, ctx_.base_url()));
  }
  void ResourceTypes(httplib::Response& res) const {
    const auto& reg = SchemaRegistry::Default();
    Json items = Json::array();
    for (const auto& rt : reg.resource_types()) items.push_back(reg.ResourceTypeJson(rt, ctx_.base_url()));
    WriteJson(res, 200, ListOf(std::move(items)));
  }
  void ResourceType(const std::string& id, httplib::Response& res) const {
    const auto& reg = SchemaRegistry::Default();
    for (const auto& rt : reg.resource_types()) {
      if (core::EqualsCi(rt.id, id)) return WriteJson(res, 200, reg.ResourceTypeJson(rt, ctx_.base_url()));
    }
    WriteError(res, Error{ErrorCode::kNotFound, "resource type '" + id + "' not found"});
  }

  // POST /Bulk: all operations in one transaction (each in its own
  // savepoint, so a failed one changes nothing), made durable by one commit.
  void Bulk(const httplib::Request& req, httplib::Response& res) const {
    StoreBulkTarget target(*ctx_.store, ctx_.base_url(), ctx_.check_group_writable);
    BulkLimits limits;
    limits.max_operations = ctx_.max_bulk_operations;
    limits.max_payload_bytes = ctx_.max_body_bytes;
    Result<Json> out = Error{ErrorCode::kInternal, "the bulk request did not run"};
    auto committed = ctx_.store->InOneTransaction([&] { out = ExecuteBulk(req.body, limits, target); });
    if (!committed.ok()) {
      return WriteError(res, Error{ErrorCode::kInternal,
                                   "the bulk request's writes could not be committed: " + committed.error().detail});
    }
    if (!out.ok()) return WriteError(res, out.error());
    WriteJson(res, 200, *out);
  }

  const RouteContext& ctx() const { return ctx_; }

 private:
  // If-None-Match with the current ETag → 304 without a body.
  static bool NotModified(const httplib::Request& req, httplib::Response& res, int64_t version) {
    if (!req.has_header("If-None-Match")) return false;
    std::string tag = ETagFor(version);
    std::string v = req.get_header_value("If-None-Match");
    if (v == "*" || v == tag || v == tag.substr(2)) {
      res.status = 304;
      res.set_header("ETag", tag);
      return true;
    }
    return false;
  }

  RouteContext ctx_;
};

using Req = const httplib::Request&;
using Res = httplib::Response&;
using HandlersPtr = std::shared_ptr<const Handlers>;

// Registers routes that need the bearer token (and pass fault injection)
// first; discovery routes are registered on the server directly.
class GuardedRoutes {
 public:
  GuardedRoutes(httplib::Server& server, const RouteContext& ctx) : server_(server), ctx_(ctx) {}

  void Get(const std::string& pat, httplib::Server::Handler h) { server_.Get(pat, Wrap(std::move(h))); }
  void Post(const std::string& pat, httplib::Server::Handler h) { server_.Post(pat, Wrap(std::move(h))); }
  void Put(const std::string& pat, httplib::Server::Handler h) { server_.Put(pat, Wrap(std::move(h))); }
  void Patch(const std::string& pat, httplib::Server::Handler h) { server_.Patch(pat, Wrap(std::move(h))); }
  void Delete(const std::string& pat, httplib::Server::Handler h) { server_.Delete(pat, Wrap(std::move(h))); }

 private:
  httplib::Server::Handler Wrap(httplib::Server::Handler h) const {
    auto authorize = ctx_.authorize;
    auto inject = ctx_.inject_fault;
    return [authorize, inject, h](Req req, Res res) {
      if (authorize && !authorize(req, res)) return;
      if (inject && inject(req, res)) return;
      h(req, res);
    };
  }

  httplib::Server& server_;
  RouteContext ctx_;
};

// GET /Users, GET /Groups and their POST .../.search forms.
void RegisterListRoutes(GuardedRoutes& guarded, const std::string& p, const HandlersPtr& h) {
  guarded.Get(p + "/Users", [h](Req req, Res res) {
    auto sp = SearchFromQuery(req);
    if (!sp.ok()) return WriteError(res, sp.error());
    h->List(ResourceKind::kUser, *sp, res);
  });
  guarded.Get(p + "/Groups", [h](Req req, Res res) {
    auto sp = SearchFromQuery(req);
    if (!sp.ok()) return WriteError(res, sp.error());
    h->List(ResourceKind::kGroup, *sp, res);
  });
  auto search = [h](ResourceKind kind) {
    return [h, kind](Req req, Res res) {
      auto body = ParseBody(req);
      if (!body.ok()) return WriteError(res, body.error());
      auto sp = SearchFromBody(*body);
      if (!sp.ok()) return WriteError(res, sp.error());
      h->List(kind, *sp, res);
    };
  };
  guarded.Post(p + "/Users/\\.search", search(ResourceKind::kUser));
  guarded.Post(p + "/Groups/\\.search", search(ResourceKind::kGroup));
}

// Create, read, replace, patch and delete of one User or Group.
void RegisterResourceRoutes(GuardedRoutes& guarded, const std::string& p, const HandlersPtr& h,
                            const RouteContext& ctx) {
  guarded.Post(p + "/Users", [h](Req req, Res res) { h->CreateUser(req, res); });
  // Group writes pass the group provisioning gate first.
  auto gate = [ctx](std::function<void(Req, Res)> f) {
    return [ctx, f](Req req, Res res) {
      if (ctx.check_group_writable) {
        if (auto s = ctx.check_group_writable(); !s.ok()) return WriteError(res, s.error());
      }
      f(req, res);
    };
  };
  guarded.Post(p + "/Groups", gate([h](Req req, Res res) { h->CreateGroup(req, res); }));
  guarded.Get(p + "/Users/([^/]+)", [h](Req req, Res res) { h->GetUser(req, res); });
  guarded.Get(p + "/Groups/([^/]+)", [h](Req req, Res res) { h->GetGroup(req, res); });
  guarded.Put(p + "/Users/([^/]+)", [h](Req req, Res res) { h->ReplaceUser(req, res); });
  guarded.Put(p + "/Groups/([^/]+)", gate([h](Req req, Res res) { h->ReplaceGroup(req, res); }));
  guarded.Patch(p + "/Users/([^/]+)", [h](Req req, Res res) { h->PatchUser(req, res); });
  guarded.Patch(p + "/Groups/([^/]+)", gate([h](Req req, Res res) { h->PatchGroup(req, res); }));
  guarded.Delete(p + "/Users/([^/]+)", [h](Req req, Res res) { h->Delete(ResourceKind::kUser, req, res); });
  guarded.Delete(p + "/Groups/([^/]+)", gate([h](Req req, Res res) { h->Delete(ResourceKind::kGroup, req, res); }));
}

// Discovery (RFC 7644 §4): no bearer token needed.
void RegisterDiscoveryRoutes(httplib::Server& server, const std::string& p, const HandlersPtr& h) {
  server.Get(p + "/ServiceProviderConfig", [h](Req, Res res) { WriteJson(res, 200, h->ServiceProviderConfig()); });
  server.Get(p + "/Schemas", [h](Req, Res res) { h->Schemas(res); });
  server.Get(p + "/Schemas/([^/]+)", [h](Req req, Res res) { h->Schema(std::string(req.matches[1]), res); });
  server.Get(p + "/ResourceTypes", [h](Req, Res res) { h->ResourceTypes(res); });
  server.Get(p + "/ResourceTypes/([^/]+)", [h](Req req, Res res) { h->ResourceType(std::string(req.matches[1]), res); });
}

// /Me needs an authenticated subject that maps to a User; a bearer token
// here belongs to the provisioning client, not to a person (RFC 7644 §3.11).
void RegisterMeRoutes(GuardedRoutes& guarded, const std::string& p) {
  auto not_implemented = [](const char* what) {
    return [what](Req, Res res) { WriteError(res, Error{ErrorCode::kNotImplemented, what}); };
  };
  const char* me = "/Me is not supported: the bearer token identifies the provisioning client, not a User";
  guarded.Get(p + "/Me", not_implemented(me));
  guarded.Post(p + "/Me", not_implemented(me));
  guarded.Put(p + "/Me", not_implemented(me));
  guarded.Patch(p + "/Me", not_implemented(me));
  guarded.Delete(p + "/Me", not_implemented(me));
}

}  // namespace

void RegisterScimRoutes(httplib::Server& server, const std::string& prefix, const RouteContext& ctx) {
  auto h = std::make_shared<const Handlers>(ctx);
  const std::string p = prefix;
  // Every resource endpoint requires the bearer token; discovery does not.
  GuardedRoutes guarded(server, ctx);
  // Registration order is match order; keep it.
  RegisterListRoutes(guarded, p, h);
  RegisterResourceRoutes(guarded, p, h, ctx);
  RegisterDiscoveryRoutes(server, p, h);
  RegisterMeRoutes(guarded, p);
  guarded.Post(p + "/Bulk", [h](Req req, Res res) { h->Bulk(req, res); });
  guarded.Post(p + "/\\.search", [h](Req req, Res res) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto sp = SearchFromBody(*body);
    if (!sp.ok()) return WriteError(res, sp.error());
    h->RootSearch(*sp, res);
  });
}

}  // namespace scim
