#include "scim_server/scim_routes.h"

#include <cctype>
#include <charconv>
#include <optional>

#include "scim_server/bulk.h"
#include "scim_server/filter.h"
#include "scim_server/patch_apply.h"
#include "scim_server/resource.h"
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

Result<int64_t> IntParam(const httplib::Request& req, const char* name, int64_t def) {
  if (!req.has_param(name)) return def;
  std::string v = req.get_param_value(name);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size())
    return Error{ErrorCode::kInvalidValue, std::string("'") + name + "' must be an integer, got '" + v + "'"};
  return n;
}

// The query of a list or .search request, from the URL or a SearchRequest body.
struct SearchParams {
  std::string filter;
  std::string sort_by;
  std::string sort_order;
  std::string attributes;
  std::string excluded;
  int64_t start_index = 1;
  int64_t count = -1;  // -1: not given
};

Result<SearchParams> SearchFromQuery(const httplib::Request& req) {
  SearchParams p;
  p.filter = req.get_param_value("filter");
  p.sort_by = req.get_param_value("sortBy");
  p.sort_order = req.get_param_value("sortOrder");
  p.attributes = req.get_param_value("attributes");
  p.excluded = req.get_param_value("excludedAttributes");
  auto si = IntParam(req, "startIndex", 1);
  if (!si.ok()) return si.error();
  auto c = IntParam(req, "count", -1);
  if (!c.ok()) return c.error();
  p.start_index = *si;
  p.count = *c;
  return p;
}

std::string JoinList(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string out;
  if (v.is_array()) {
    for (const auto& s : v) {
      if (!s.is_string()) continue;
      if (!out.empty()) out += ",";
      out += s.get<std::string>();
    }
  }
  return out;
}

Result<SearchParams> SearchFromBody(const Json& body) {
  if (!body.is_object()) return Error{ErrorCode::kInvalidSyntax, "a SearchRequest must be a JSON object"};
  SearchParams p;
  auto str = [&](const char* key, std::string* out) -> core::Status {
    const Json* v = core::FindKeyCi(body, key);
    if (!v) return core::Status::Ok();
    if (!v->is_string()) return Error{ErrorCode::kInvalidValue, std::string("'") + key + "' must be a string"};
    *out = v->get<std::string>();
    return core::Status::Ok();
  };
  for (auto [k, out] : {std::pair{"filter", &p.filter}, {"sortBy", &p.sort_by}, {"sortOrder", &p.sort_order}}) {
    if (auto s = str(k, out); !s.ok()) return s.error();
  }
  if (const Json* a = core::FindKeyCi(body, "attributes")) p.attributes = JoinList(*a);
  if (const Json* e = core::FindKeyCi(body, "excludedAttributes")) p.excluded = JoinList(*e);
  if (const Json* si = core::FindKeyCi(body, "startIndex")) {
    if (!si->is_number_integer()) return Error{ErrorCode::kInvalidValue, "'startIndex' must be an integer"};
    p.start_index = si->get<int64_t>();
  }
  if (const Json* c = core::FindKeyCi(body, "count")) {
    if (!c->is_number_integer()) return Error{ErrorCode::kInvalidValue, "'count' must be an integer"};
    p.count = c->get<int64_t>();
  }
  return p;
}

bool Excludes(const Projection& proj, const char* attr) {
  for (const auto& p : proj.excluded) {
    if (p.sub.empty() && core::EqualsCi(p.attr, attr)) return true;
  }
  if (!proj.attributes.empty()) {
    for (const auto& p : proj.attributes) {
      if (core::EqualsCi(p.attr, attr)) return false;
    }
    return true;
  }
  return false;
}

// Root search (RFC 7644 §3.4.3) sorts across both types only by attributes
// Users and Groups share, compared the way the per-type SQL sort does: NULL
// first when ascending, ASCII case folding where the attribute is not caseExact.
struct RootSortKey {
  const char* name;
  bool case_exact;
  std::optional<std::string> (*get)(const ResourceMeta& meta, const Json& data);
};
std::optional<std::string> DataString(const Json& data, const char* key) {
  auto it = data.find(key);
  if (it == data.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}
constexpr RootSortKey kRootSortKeys[] = {
    {"id", true, [](const ResourceMeta& m, const Json&) -> std::optional<std::string> { return m.id; }},
    {"externalId", true, [](const ResourceMeta&, const Json& d) { return DataString(d, "externalId"); }},
    {"displayName", false, [](const ResourceMeta&, const Json& d) { return DataString(d, "displayName"); }},
    {"meta.created", true, [](const ResourceMeta& m, const Json&) -> std::optional<std::string> { return m.created; }},
    {"meta.lastModified", true,
     [](const ResourceMeta& m, const Json&) -> std::optional<std::string> { return m.last_modified; }},
};

int CompareRootKeys(const std::optional<std::string>& a, const std::optional<std::string>& b, bool case_exact) {
  if (!a || !b) return a ? 1 : (b ? -1 : 0);
  if (case_exact) return a->compare(*b);
  size_t n = std::min(a->size(), b->size());
  for (size_t i = 0; i < n; ++i) {
    int x = std::tolower(static_cast<unsigned char>((*a)[i])), y = std::tolower(static_cast<unsigned char>((*b)[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a->size() == b->size() ? 0 : (a->size() < b->size() ? -1 : 1);
}

// The filter of a list or search; none (null) when the text is empty.
Result<std::unique_ptr<FilterNode>> ParseOptionalFilter(const std::string& text) {
  if (text.empty()) return std::unique_ptr<FilterNode>();
  return ParseFilter(text);
}

// A ListResponse (RFC 7644 §3.4.2) holding one page.
Json ListResponse(int64_t total, int64_t start_index, Json resources) {
  int64_t n = static_cast<int64_t>(resources.size());
  return Json{{"schemas", Json::array({kListResponseSchema})},
              {"totalResults", total},
              {"startIndex", start_index},
              {"itemsPerPage", n},
              {"Resources", std::move(resources)}};
}

// A filter or projection that names an attribute only the other type has.
bool OtherTypeOnly(const Error& e) {
  return e.code == ErrorCode::kInvalidFilter || e.code == ErrorCode::kInvalidValue;
}

class Handlers {
 public:
  explicit Handlers(RouteContext ctx) : ctx_(std::move(ctx)) {}

  Json Render(const StoredUser& u) const { return RenderUser(u.data, u.meta, u.groups, ctx_.base_url()); }
  Json Render(const StoredGroup& g) const { return RenderGroup(g.data, g.meta, g.members, ctx_.base_url()); }

  // startIndex, count and sortOrder of a list or search, as the store takes them.
  struct Paging {
    int64_t start_index;
    int64_t count;
    bool descending;
  };
  Result<Paging> PagingOf(const SearchParams& sp) const {
    Paging p;
    // RFC 7644 §3.4.2.4: startIndex < 1 is treated as 1; a negative count as 0.
    p.start_index = std::max<int64_t>(1, sp.start_index);
    p.count = sp.count < 0 ? ctx_.max_results : std::min<int64_t>(sp.count, ctx_.max_results);
    p.descending = core::EqualsCi(sp.sort_order, "descending");
    if (!sp.sort_order.empty() && !p.descending && !core::EqualsCi(sp.sort_order, "ascending"))
      return Error{ErrorCode::kInvalidValue, "'sortOrder' must be 'ascending' or 'descending'"};
    return p;
  }

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
    auto paging = PagingOf(sp);
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

  // POST /.search at the root (RFC 7644 §3.4.3): Users, then Groups, in one
  // ListResponse. A filter, projection or sortBy naming an attribute that only
  // one type has matches nothing of the other type; it is an error only when
  // neither type has it. sortBy merges both types by a shared attribute.
  void RootSearch(const SearchParams& sp, httplib::Response& res) const {
    auto filter = ParseOptionalFilter(sp.filter);
    if (!filter.ok()) return WriteError(res, filter.error());
    auto user_proj = ParseProjection(sp.attributes, sp.excluded, ResourceKind::kUser);
    auto group_proj = ParseProjection(sp.attributes, sp.excluded, ResourceKind::kGroup);
    if (!user_proj.ok() && !group_proj.ok()) return WriteError(res, user_proj.error());
    // A type that lacks a requested attribute still shows what is always returned.
    auto fallback = [](const Result<Projection>& p, ResourceKind kind) {
      return p.ok() ? *p : *ParseProjection("id", "", kind);
    };
    Projection uproj = fallback(user_proj, ResourceKind::kUser), gproj = fallback(group_proj, ResourceKind::kGroup);

    const RootSortKey* sort_key = nullptr;
    if (!sp.sort_by.empty()) {
      for (const auto& k : kRootSortKeys) {
        if (core::EqualsCi(sp.sort_by, k.name)) sort_key = &k;
      }
      if (!sort_key) {
        return WriteError(res, Error{ErrorCode::kInvalidValue,
                                     "search at the root sorts only by an attribute Users and Groups share (id, "
                                     "externalId, displayName, meta.created, meta.lastModified), not '" +
                                         sp.sort_by + "'"});
      }
    }
    auto paging = PagingOf(sp);
    if (!paging.ok()) return WriteError(res, paging.error());
    const int64_t start = paging->start_index, count = paging->count;
    const bool descending = paging->descending;

    ListQuery base;
    base.filter = filter->get();
    if (sort_key) base.sort_by = SchemaRegistry::SplitPath(sort_key->name);
    base.descending = descending;
    auto page_of = [&](ResourceKind kind, int64_t from, int64_t n, std::vector<std::pair<std::optional<std::string>, Json>>* out)
        -> Result<int64_t> {
      ListQuery q = base;
      q.start_index = from;
      q.count = n;
      auto key = [&](const auto& item) { return sort_key ? sort_key->get(item.meta, item.data) : std::nullopt; };
      if (kind == ResourceKind::kUser) {
        auto page = ctx_.store->ListUsers(q);
        if (!page.ok()) return page.error();
        for (const auto& u : page->items) out->emplace_back(key(u), Project(Render(u), uproj, kind));
        return page->total;
      }
      auto page = ctx_.store->ListGroups(q, !Excludes(gproj, "members"));
      if (!page.ok()) return page.error();
      for (const auto& g : page->items) out->emplace_back(key(g), Project(Render(g), gproj, kind));
      return page->total;
    };
    std::vector<std::pair<std::optional<std::string>, Json>> users, groups;
    // Totals first (count 0 runs only the count query).
    auto nu = page_of(ResourceKind::kUser, 1, 0, &users);
    auto ng = page_of(ResourceKind::kGroup, 1, 0, &groups);
    if (!nu.ok() && !(OtherTypeOnly(nu.error()) && ng.ok())) return WriteError(res, nu.error());
    if (!ng.ok() && !(OtherTypeOnly(ng.error()) && nu.ok())) return WriteError(res, ng.error());
    int64_t total_users = nu.ok() ? *nu : 0, total_groups = ng.ok() ? *ng : 0;

    Json resources = Json::array();
    if (!sort_key) {
      // Users in their stable order, then Groups.
      if (count > 0 && start <= total_users) {
        if (auto r = page_of(ResourceKind::kUser, start, std::min(count, total_users - start + 1), &users); !r.ok())
          return WriteError(res, r.error());
      }
      int64_t left = count - static_cast<int64_t>(users.size());
      int64_t group_start = std::max<int64_t>(1, start - total_users);
      if (left > 0 && group_start <= total_groups) {
        if (auto r = page_of(ResourceKind::kGroup, group_start, left, &groups); !r.ok()) return WriteError(res, r.error());
      }
      for (auto& u : users) resources.push_back(std::move(u.second));
      for (auto& g : groups) resources.push_back(std::move(g.second));
    } else if (count > 0) {
      // Merge the first start+count-1 of each type, each already sorted by SQL.
      int64_t need = start + count - 1;
      constexpr int64_t kMaxMerge = 100000;
      if (need > kMaxMerge) {
        return WriteError(res, Error{ErrorCode::kTooMany, "a sorted search at the root can page through the first " +
                                                              std::to_string(kMaxMerge) +
                                                              " results only; search per resource type instead"});
      }
      if (total_users > 0) {
        if (auto r = page_of(ResourceKind::kUser, 1, std::min(need, total_users), &users); !r.ok())
          return WriteError(res, r.error());
      }
      if (total_groups > 0) {
        if (auto r = page_of(ResourceKind::kGroup, 1, std::min(need, total_groups), &groups); !r.ok())
          return WriteError(res, r.error());
      }
      size_t i = 0, j = 0;
      for (int64_t pos = 1; pos <= need && (i < users.size() || j < groups.size()); ++pos) {
        bool take_user = j >= groups.size();
        if (!take_user && i < users.size()) {
          int c = CompareRootKeys(users[i].first, groups[j].first, sort_key->case_exact);
          take_user = descending ? c >= 0 : c <= 0;  // ties: Users first
        }
        Json& item = take_user ? users[i++].second : groups[j++].second;
        if (pos >= start) resources.push_back(std::move(item));
      }
    }
    WriteJson(res, 200, ListResponse(total_users + total_groups, start, std::move(resources)));
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

}  // namespace

void RegisterScimRoutes(httplib::Server& server, const std::string& prefix, const RouteContext& ctx) {
  auto h = std::make_shared<Handlers>(ctx);
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  const std::string p = prefix;
  // Every resource endpoint requires the bearer token; discovery does not.
  struct Guarded {
    httplib::Server& server;
    RouteContext ctx;
    httplib::Server::Handler Wrap(httplib::Server::Handler h) const {
      auto authorize = ctx.authorize;
      auto inject = ctx.inject_fault;
      return [authorize, inject, h](Req req, Res res) {
        if (authorize && !authorize(req, res)) return;
        if (inject && inject(req, res)) return;
        h(req, res);
      };
    }
    void Get(const std::string& pat, httplib::Server::Handler h) { server.Get(pat, Wrap(std::move(h))); }
    void Post(const std::string& pat, httplib::Server::Handler h) { server.Post(pat, Wrap(std::move(h))); }
    void Put(const std::string& pat, httplib::Server::Handler h) { server.Put(pat, Wrap(std::move(h))); }
    void Patch(const std::string& pat, httplib::Server::Handler h) { server.Patch(pat, Wrap(std::move(h))); }
    void Delete(const std::string& pat, httplib::Server::Handler h) { server.Delete(pat, Wrap(std::move(h))); }
  } guarded{server, ctx};

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

  server.Get(p + "/ServiceProviderConfig", [h](Req, Res res) { WriteJson(res, 200, h->ServiceProviderConfig()); });
  server.Get(p + "/Schemas", [h](Req, Res res) { h->Schemas(res); });
  server.Get(p + "/Schemas/([^/]+)", [h](Req req, Res res) { h->Schema(std::string(req.matches[1]), res); });
  server.Get(p + "/ResourceTypes", [h](Req, Res res) { h->ResourceTypes(res); });
  server.Get(p + "/ResourceTypes/([^/]+)", [h](Req req, Res res) { h->ResourceType(std::string(req.matches[1]), res); });

  // /Me needs an authenticated subject that maps to a User; a bearer token
  // here belongs to the provisioning client, not to a person (RFC 7644 §3.11).
  auto not_implemented = [](const char* what) {
    return [what](Req, Res res) { WriteError(res, Error{ErrorCode::kNotImplemented, what}); };
  };
  const char* me = "/Me is not supported: the bearer token identifies the provisioning client, not a User";
  guarded.Get(p + "/Me", not_implemented(me));
  guarded.Post(p + "/Me", not_implemented(me));
  guarded.Put(p + "/Me", not_implemented(me));
  guarded.Patch(p + "/Me", not_implemented(me));
  guarded.Delete(p + "/Me", not_implemented(me));
  guarded.Post(p + "/Bulk", [ctx](Req req, Res res) {
    StoreBulkTarget target(*ctx.store, ctx.base_url(), ctx.check_group_writable);
    BulkLimits limits;
    limits.max_operations = ctx.max_bulk_operations;
    limits.max_payload_bytes = ctx.max_body_bytes;
    // All operations in one transaction (each in its own savepoint, so a
    // failed one changes nothing), made durable by one commit.
    Result<Json> out = Error{ErrorCode::kInternal, "the bulk request did not run"};
    auto committed = ctx.store->InOneTransaction([&] { out = ExecuteBulk(req.body, limits, target); });
    if (!committed.ok()) {
      return WriteError(res, Error{ErrorCode::kInternal,
                                   "the bulk request's writes could not be committed: " + committed.error().detail});
    }
    if (!out.ok()) return WriteError(res, out.error());
    WriteJson(res, 200, *out);
  });
  guarded.Post(p + "/\\.search", [h](Req req, Res res) {
    auto body = ParseBody(req);
    if (!body.ok()) return WriteError(res, body.error());
    auto sp = SearchFromBody(*body);
    if (!sp.ok()) return WriteError(res, sp.error());
    h->RootSearch(*sp, res);
  });
}

}  // namespace scim
