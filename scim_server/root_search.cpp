#include "scim_server/root_search.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace scim {

using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;

namespace {

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

constexpr int64_t kMaxMerge = 100000;

// A filter or projection that names an attribute only the other type has.
bool OtherTypeOnly(const Error& e) { return e.code == ErrorCode::kInvalidFilter || e.code == ErrorCode::kInvalidValue; }

using Hits = std::vector<RootHit>;

// Unsorted: Users in their stable order, then Groups.
Result<Json> ConcatenatedPage(const RootPageSource& source, int64_t start, int64_t count, int64_t total_users,
                              int64_t total_groups) {
  Hits users, groups;
  if (count > 0 && start <= total_users) {
    auto r = source(ResourceKind::kUser, start, std::min(count, total_users - start + 1), &users);
    if (!r.ok()) return r.error();
  }
  int64_t left = count - static_cast<int64_t>(users.size());
  int64_t group_start = std::max<int64_t>(1, start - total_users);
  if (left > 0 && group_start <= total_groups) {
    if (auto r = source(ResourceKind::kGroup, group_start, left, &groups); !r.ok()) return r.error();
  }
  Json resources = Json::array();
  for (auto& u : users) resources.push_back(std::move(u.resource));
  for (auto& g : groups) resources.push_back(std::move(g.resource));
  return resources;
}

// Sorted: the first start+count-1 of each type, each already sorted by the
// source, merged.
Result<Json> MergedPage(const RootPageSource& source, const Paging& paging, const RootSortKey& sort_key,
                        int64_t total_users, int64_t total_groups) {
  const int64_t start = paging.start_index;
  int64_t need = start + paging.count - 1;
  if (need > kMaxMerge) {
    return Error{ErrorCode::kTooMany, "a sorted search at the root can page through the first " +
                                          std::to_string(kMaxMerge) +
                                          " results only; search per resource type instead"};
  }
  Hits users, groups;
  if (total_users > 0) {
    if (auto r = source(ResourceKind::kUser, 1, std::min(need, total_users), &users); !r.ok()) return r.error();
  }
  if (total_groups > 0) {
    if (auto r = source(ResourceKind::kGroup, 1, std::min(need, total_groups), &groups); !r.ok()) return r.error();
  }
  Json resources = Json::array();
  size_t i = 0, j = 0;
  for (int64_t pos = 1; pos <= need && (i < users.size() || j < groups.size()); ++pos) {
    bool take_user = j >= groups.size();
    if (!take_user && i < users.size()) {
      int c = CompareRootKeys(users[i].sort_value, groups[j].sort_value, sort_key.case_exact);
      take_user = paging.descending ? c >= 0 : c <= 0;  // ties: Users first
    }
    Json& item = take_user ? users[i++].resource : groups[j++].resource;
    if (pos >= start) resources.push_back(std::move(item));
  }
  return resources;
}

// A type that lacks a requested attribute still shows what is always returned.
Projection ProjectionOrId(const Result<Projection>& p, ResourceKind kind) {
  return p.ok() ? *p : *ParseProjection("id", "", kind);
}

}  // namespace

const RootSortKey* FindRootSortKey(const std::string& name) {
  const RootSortKey* found = nullptr;
  for (const auto& k : kRootSortKeys) {
    if (core::EqualsCi(name, k.name)) found = &k;
  }
  return found;
}

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

Result<Json> RunRootSearch(const RootPageSource& source, const Paging& paging, const RootSortKey* sort_key) {
  // Totals first (count 0 runs only the count query).
  Hits none;
  auto nu = source(ResourceKind::kUser, 1, 0, &none);
  auto ng = source(ResourceKind::kGroup, 1, 0, &none);
  if (!nu.ok() && !(OtherTypeOnly(nu.error()) && ng.ok())) return nu.error();
  if (!ng.ok() && !(OtherTypeOnly(ng.error()) && nu.ok())) return ng.error();
  int64_t total_users = nu.ok() ? *nu : 0, total_groups = ng.ok() ? *ng : 0;

  Result<Json> resources = Json::array();
  if (!sort_key) {
    resources = ConcatenatedPage(source, paging.start_index, paging.count, total_users, total_groups);
  } else if (paging.count > 0) {
    resources = MergedPage(source, paging, *sort_key, total_users, total_groups);
  }
  if (!resources.ok()) return resources.error();
  return ListResponse(total_users + total_groups, paging.start_index, std::move(*resources));
}

Result<Json> SearchRoot(ScimStore& store, const SearchParams& sp, int64_t max_results, const std::string& base_url) {
  auto filter = ParseOptionalFilter(sp.filter);
  if (!filter.ok()) return filter.error();
  auto user_proj = ParseProjection(sp.attributes, sp.excluded, ResourceKind::kUser);
  auto group_proj = ParseProjection(sp.attributes, sp.excluded, ResourceKind::kGroup);
  if (!user_proj.ok() && !group_proj.ok()) return user_proj.error();
  Projection uproj = ProjectionOrId(user_proj, ResourceKind::kUser);
  Projection gproj = ProjectionOrId(group_proj, ResourceKind::kGroup);

  const RootSortKey* sort_key = nullptr;
  if (!sp.sort_by.empty()) {
    sort_key = FindRootSortKey(sp.sort_by);
    if (!sort_key) {
      return Error{ErrorCode::kInvalidValue,
                   "search at the root sorts only by an attribute Users and Groups share (id, "
                   "externalId, displayName, meta.created, meta.lastModified), not '" +
                       sp.sort_by + "'"};
    }
  }
  auto paging = PagingOf(sp, max_results);
  if (!paging.ok()) return paging.error();

  ListQuery base;
  base.filter = filter->get();
  if (sort_key) base.sort_by = SchemaRegistry::SplitPath(sort_key->name);
  base.descending = paging->descending;
  RootPageSource source = [&](ResourceKind kind, int64_t start, int64_t count,
                              std::vector<RootHit>* out) -> Result<int64_t> {
    ListQuery q = base;
    q.start_index = start;
    q.count = count;
    auto key = [&](const auto& item) { return sort_key ? sort_key->get(item.meta, item.data) : std::nullopt; };
    if (kind == ResourceKind::kUser) {
      auto page = store.ListUsers(q);
      if (!page.ok()) return page.error();
      for (const auto& u : page->items) {
        out->push_back(RootHit{key(u), Project(RenderUser(u.data, u.meta, u.groups, base_url), uproj, kind)});
      }
      return page->total;
    }
    auto page = store.ListGroups(q, !Excludes(gproj, "members"));
    if (!page.ok()) return page.error();
    for (const auto& g : page->items) {
      out->push_back(RootHit{key(g), Project(RenderGroup(g.data, g.meta, g.members, base_url), gproj, kind)});
    }
    return page->total;
  };
  return RunRootSearch(source, *paging, sort_key);
}

}  // namespace scim
