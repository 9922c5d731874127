#include "scim_server/list_query.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "scim_server/schema.h"

namespace scim {

using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;

namespace {

Result<int64_t> IntParam(const httplib::Request& req, const char* name, int64_t def) {
  if (!req.has_param(name)) return def;
  std::string v = req.get_param_value(name);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size())
    return Error{ErrorCode::kInvalidValue, std::string("'") + name + "' must be an integer, got '" + v + "'"};
  return n;
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

}  // namespace

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
  // RFC 7644 §3.4.2.4: a negative count means 0 (absent keeps -1: "as many as allowed").
  p.count = req.has_param("count") ? std::max<int64_t>(0, *c) : -1;
  return p;
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
    p.count = std::max<int64_t>(0, c->get<int64_t>());  // negative means 0 (RFC 7644 §3.4.2.4)
  }
  return p;
}

Result<Paging> PagingOf(const SearchParams& sp, int64_t max_results) {
  Paging p;
  p.start_index = std::max<int64_t>(1, sp.start_index);
  p.count = sp.count < 0 ? max_results : std::min<int64_t>(sp.count, max_results);
  p.descending = core::EqualsCi(sp.sort_order, "descending");
  if (!sp.sort_order.empty() && !p.descending && !core::EqualsCi(sp.sort_order, "ascending"))
    return Error{ErrorCode::kInvalidValue, "'sortOrder' must be 'ascending' or 'descending'"};
  return p;
}

Result<std::unique_ptr<FilterNode>> ParseOptionalFilter(const std::string& text) {
  if (text.empty()) return std::unique_ptr<FilterNode>();
  return ParseFilter(text);
}

Json ListResponse(int64_t total, int64_t start_index, Json resources) {
  int64_t n = static_cast<int64_t>(resources.size());
  return Json{{"schemas", Json::array({kListResponseSchema})},
              {"totalResults", total},
              {"startIndex", start_index},
              {"itemsPerPage", n},
              {"Resources", std::move(resources)}};
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

}  // namespace scim
