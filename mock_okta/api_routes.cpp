#include "mock_okta/routes.h"

#include <cctype>
#include <string_view>
#include <set>
#include <optional>
#include <memory>
#include <functional>

#include "core/log.h"
#include "core/secret.h"
#include "mock_okta/okta_error.h"
#include "mock_okta/render.h"

namespace okta {

using core::Json;

namespace {

template <class T, class F>
void Reply(httplib::Response& res, const core::Result<T>& r, F render, int status = 200) {
  if (!r.ok()) return SendError(res, r.error());
  SendJson(res, status, render(*r));
}

void ReplyStatus(httplib::Response& res, const core::Status& s, int status = 204) {
  if (!s.ok()) return SendError(res, s.error());
  res.status = status;
}

core::Result<Json> Body(const httplib::Request& req) { return ObjectBody(req); }

bool QueryFlag(const httplib::Request& req, const char* key, bool def) {
  if (!req.has_param(key)) return def;
  return req.get_param_value(key) != "false";
}

int Limit(const httplib::Request& req, int def) {
  if (!req.has_param("limit")) return def;
  try {
    int n = std::stoi(req.get_param_value("limit"));
    return n < 1 ? def : std::min(n, 1000);
  } catch (...) {
    return def;
  }
}
int64_t After(const httplib::Request& req) {
  if (!req.has_param("after")) return 0;
  try {
    return std::stoll(req.get_param_value("after"));
  } catch (...) {
    return 0;
  }
}

std::string PercentEncode(const std::string& v) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The request's query parameters, re-encoded as key=value (httplib hands
// them over decoded), in key order.
std::vector<std::string> QueryParts(const httplib::Request& req) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : req.params) parts.push_back(PercentEncode(k) + "=" + PercentEncode(v));
  return parts;
}

std::string PartKey(const std::string& part) { return part.substr(0, part.find('=')); }

std::string JoinQuery(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "?" : "&") + p;
  return out;
}

// Okta paging: fetch limit+1 to know whether there is a next page; Link
// headers for self (the request's URL) and next (the request's query with
// `after` replaced by the last item's position, so filter, q, search, since,
// until, sortOrder… stay on every page). `limit` is added when absent.
template <class T>
void SetPageLinks(httplib::Response& res, const httplib::Request& req, const std::string& url, int limit,
                  std::vector<T>& items) {
  std::vector<std::string> parts = QueryParts(req);
  bool has_limit = false;
  for (const auto& p : parts) has_limit = has_limit || PartKey(p) == "limit";
  if (!has_limit) parts.push_back("limit=" + std::to_string(limit));
  res.set_header("Link", "<" + url + JoinQuery(parts) + ">; rel=\"self\"");
  if (static_cast<int>(items.size()) > limit) {
    items.resize(limit);
    std::vector<std::string> next{"after=" + std::to_string(items.back().seq)};
    for (const auto& p : parts) {
      if (PartKey(p) != "after") next.push_back(p);
    }
    res.set_header("Link", "<" + url + JoinQuery(next) + ">; rel=\"next\"");
  }
}

std::string PasswordOf(const Json& body) {
  if (body.contains("credentials") && body["credentials"].is_object()) {
    const Json& c = body["credentials"];
    if (c.contains("password") && c["password"].is_object()) return c["password"].value("value", "");
  }
  return "";
}

bool MatchesQuery(const User& u, const std::string& q) {
  if (q.empty()) return true;
  std::string lq = core::ToLower(q);
  for (const char* k : {"login", "email", "firstName", "lastName"}) {
    std::string v = core::ToLower(u.profile.value(k, ""));
    if (v.rfind(lq, 0) == 0) return true;
  }
  return false;
}

// ---- Okta expression language (the subset behind `search` and `filter`) ----
// expr := term ("or" term)* ; term := factor ("and" factor)* ;
// factor := "(" expr ")" | attr op value | attr "pr"
// op: eq ne sw co gt ge lt le (case-insensitive keywords); value: "string"
// (with \" escapes), a number, true, false or null. String comparisons are
// case-insensitive, as Okta's are for profile attributes; dates compare as
// ISO 8601 text.
struct Expr {
  enum Kind { kAnd, kOr, kCmp } kind = kCmp;
  std::unique_ptr<Expr> l, r;
  std::string attr, op, value;
};

// Whether `attr op` may be used (filter allows far less than search).
using AttrCheck = std::function<bool(const std::string& attr, const std::string& op)>;
// The attribute's value as text; nullopt when absent.
using AttrLookup = std::function<std::optional<std::string>(const std::string& attr)>;

class ExprParser {
 public:
  ExprParser(std::string_view text, AttrCheck check) : s_(text), check_(std::move(check)) {}

  core::Result<std::unique_ptr<Expr>> Parse() {
    auto e = Or();
    if (!e) return core::MakeError(core::ErrorCode::kInvalidFilter, err_);
    SkipSpace();
    if (pos_ != s_.size()) return core::MakeError(core::ErrorCode::kInvalidFilter, "unexpected text at " + std::to_string(pos_));
    return e;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  std::string Word() {
    SkipSpace();
    size_t b = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':' || c == '+') {
        ++pos_;
      } else {
        break;
      }
    }
    return std::string(s_.substr(b, pos_ - b));
  }
  bool Keyword(const char* kw) {
    size_t save = pos_;
    if (core::ToLower(Word()) == kw) return true;
    pos_ = save;
    return false;
  }
  std::unique_ptr<Expr> Fail(std::string why) {
    if (err_.empty()) err_ = std::move(why);
    return nullptr;
  }
  std::unique_ptr<Expr> Join(Expr::Kind k, std::unique_ptr<Expr> l, std::unique_ptr<Expr> r) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->l = std::move(l);
    e->r = std::move(r);
    return e;
  }
  std::unique_ptr<Expr> Or() {
    auto l = And();
    while (l && Keyword("or")) {
      auto r = And();
      if (!r) return nullptr;
      l = Join(Expr::kOr, std::move(l), std::move(r));
    }
    return l;
  }
  std::unique_ptr<Expr> And() {
    auto l = Factor();
    while (l && Keyword("and")) {
      auto r = Factor();
      if (!r) return nullptr;
      l = Join(Expr::kAnd, std::move(l), std::move(r));
    }
    return l;
  }
  std::unique_ptr<Expr> Factor() {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '(') {
      ++pos_;
      auto e = Or();
      if (!e) return nullptr;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Fail("missing ')'");
      ++pos_;
      return e;
    }
    auto e = std::make_unique<Expr>();
    e->attr = Word();
    if (e->attr.empty()) return Fail("expected an attribute at " + std::to_string(pos_));
    e->op = core::ToLower(Word());
    static const std::set<std::string> kOps{"eq", "ne", "sw", "co", "gt", "ge", "lt", "le", "pr"};
    if (!kOps.count(e->op)) return Fail("unknown operator '" + e->op + "' after " + e->attr);
    if (!check_(e->attr, e->op)) return Fail("unsupported: " + e->attr + " " + e->op);
    if (e->op == "pr") return e;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '"') {
      ++pos_;
      bool closed = false;
      while (pos_ < s_.size()) {
        char c = s_[pos_++];
        if (c == '\\' && pos_ < s_.size()) {
          e->value += s_[pos_++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          e->value += c;
        }
      }
      if (!closed) return Fail("unterminated string");
    } else {
      e->value = Word();
      if (e->value.empty()) return Fail("expected a value after " + e->attr + " " + e->op);
    }
    return e;
  }

  std::string_view s_;
  AttrCheck check_;
  size_t pos_ = 0;
  std::string err_;
};

bool Eval(const Expr& e, const AttrLookup& get) {
  if (e.kind == Expr::kAnd) return Eval(*e.l, get) && Eval(*e.r, get);
  if (e.kind == Expr::kOr) return Eval(*e.l, get) || Eval(*e.r, get);
  auto v = get(e.attr);
  if (e.op == "pr") return v.has_value() && !v->empty();
  if (!v) return e.op == "ne";
  std::string a = core::ToLower(*v), b = core::ToLower(e.value);
  if (e.op == "eq") return a == b;
  if (e.op == "ne") return a != b;
  if (e.op == "sw") return a.rfind(b, 0) == 0;
  if (e.op == "co") return a.find(b) != std::string::npos;
  if (e.op == "gt") return a > b;
  if (e.op == "ge") return a >= b;
  if (e.op == "lt") return a < b;
  if (e.op == "le") return a <= b;
  return false;
}

std::optional<std::string> JsonText(const Json& j) {
  if (j.is_null()) return std::nullopt;
  if (j.is_string()) return j.get<std::string>();
  return core::DumpCompact(j);
}

AttrLookup UserAttrs(const User& u) {
  return [&u](const std::string& attr) -> std::optional<std::string> {
    if (attr == "id") return u.id;
    if (attr == "status") return u.status;
    if (attr == "created") return u.created;
    if (attr == "activated") return u.activated;
    if (attr == "statusChanged") return u.status_changed;
    if (attr == "lastUpdated") return u.last_updated;
    if (attr == "passwordChanged") return u.password_changed;
    if (attr.rfind("profile.", 0) == 0) {
      std::string k = attr.substr(8);
      if (!u.profile.is_object() || !u.profile.contains(k)) return std::nullopt;
      return JsonText(u.profile[k]);
    }
    return std::nullopt;
  };
}

AttrLookup AppAttrs(const App& a) {
  return [&a](const std::string& attr) -> std::optional<std::string> {
    if (attr == "id") return a.id;
    if (attr == "status") return a.status;
    if (attr == "name") return a.name;
    if (attr == "label") return a.label;
    if (attr == "signOnMode") return a.sign_on_mode;
    return std::nullopt;
  };
}

// Okta's answer to a search or filter it cannot run: 400 E0000031.
void SendInvalidSearch(httplib::Response& res, const std::string& detail) {
  Json b = Json::object();
  b["errorCode"] = "E0000031";
  b["errorSummary"] = "Invalid search criteria.";
  b["errorLink"] = "E0000031";
  b["errorId"] = "oae" + core::NewRequestId();
  b["errorCauses"] = Json::array({Json{{"errorSummary", detail}}});
  SendJson(res, 400, b);
}

// Parses the `param` query parameter (absent → null expression); on a bad
// expression answers 400 and returns false.
bool ParseParam(const httplib::Request& req, httplib::Response& res, const char* param, const AttrCheck& check,
                std::unique_ptr<Expr>* out) {
  if (!req.has_param(param)) return true;
  std::string text = req.get_param_value(param);
  if (text.find_first_not_of(" \t") == std::string::npos) return true;
  auto e = ExprParser(text, check).Parse();
  if (!e.ok()) {
    SendInvalidSearch(res, std::string(param) + ": " + e.error().detail);
    return false;
  }
  *out = std::move(*e);
  return true;
}

bool UserSearchable(const std::string& attr, const std::string&) {
  static const std::set<std::string> kTop{"id", "status", "created", "activated", "statusChanged", "lastUpdated",
                                          "passwordChanged"};
  return kTop.count(attr) || (attr.rfind("profile.", 0) == 0 && attr.size() > 8);
}
// Okta's users `filter`: status eq, lastUpdated eq/gt/ge/lt/le, id eq,
// profile.login/email/firstName/lastName eq.
bool UserFilterable(const std::string& attr, const std::string& op) {
  if (attr == "lastUpdated") return op == "eq" || op == "gt" || op == "ge" || op == "lt" || op == "le";
  static const std::set<std::string> kEq{"status", "id", "profile.login", "profile.email", "profile.firstName",
                                         "profile.lastName"};
  return kEq.count(attr) && op == "eq";
}
// Apps `filter`: status eq, name eq (also id eq).
bool AppFilterable(const std::string& attr, const std::string& op) {
  return (attr == "status" || attr == "name" || attr == "id") && op == "eq";
}

}  // namespace

void RegisterApiRoutes(httplib::Server& s, const RouteContext& ctx) {
  Org& org = *ctx.org;
  auto base = ctx.base_url;
  std::string token = ctx.api_token;

  // ---- users ----
  s.Post("/api/v1/users", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    Json profile = body->value("profile", Json());
    Reply(res, org.CreateUser(profile, PasswordOf(*body), QueryFlag(req, "activate", true)),
          [&](const User& u) { return RenderUser(u, base()); });
  });
  s.Get("/api/v1/users", [&org, base](const httplib::Request& req, httplib::Response& res) {
    int limit = Limit(req, 200);
    std::string q = req.has_param("q") ? req.get_param_value("q") : "";
    std::unique_ptr<Expr> search, filter;
    if (!ParseParam(req, res, "search", UserSearchable, &search)) return;
    if (!ParseParam(req, res, "filter", UserFilterable, &filter)) return;
    std::vector<User> users;
    for (auto& u : org.ListUsers(After(req), -1)) {
      if (!MatchesQuery(u, q)) continue;
      if (u.status == "DEPROVISIONED" && !search && !filter) {
        // Okta's default listing omits deactivated users.
        continue;
      }
      if (search && !Eval(*search, UserAttrs(u))) continue;
      if (filter && !Eval(*filter, UserAttrs(u))) continue;
      users.push_back(u);
      if (static_cast<int>(users.size()) > limit) break;
    }
    SetPageLinks(res, req, base() + "/api/v1/users", limit, users);
    Json a = Json::array();
    for (const auto& u : users) a.push_back(RenderUser(u, base()));
    SendJson(res, 200, a);
  });
  s.Get(R"(/api/v1/users/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    Reply(res, org.GetUser(req.matches[1]), [&](const User& u) { return RenderUser(u, base()); });
  });
  auto update_user = [&org, base](bool partial) {
    return [&org, base, partial](const httplib::Request& req, httplib::Response& res) {
      auto body = Body(req);
      if (!body.ok()) return SendError(res, body.error());
      std::string pw = PasswordOf(*body);
      auto u = org.GetUser(req.matches[1]);
      if (!u.ok()) return SendError(res, u.error());
      Reply(res, org.UpdateUser(u->id, body->value("profile", Json()), partial,
                                pw.empty() ? std::nullopt : std::optional<std::string>(pw)),
            [&](const User& x) { return RenderUser(x, base()); });
    };
  };
  s.Post(R"(/api/v1/users/([^/]+))", update_user(true));
  s.Put(R"(/api/v1/users/([^/]+))", update_user(false));
  s.Delete(R"(/api/v1/users/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.DeleteUser(req.matches[1]));
  });
  s.Post(R"(/api/v1/users/([^/]+)/lifecycle/([a-z_]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    auto r = org.UserLifecycle(req.matches[1], req.matches[2]);
    if (!r.ok()) return SendError(res, r.error());
    SendJson(res, 200, Json::object());
  });
  s.Get(R"(/api/v1/users/([^/]+)/groups)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto u = org.GetUser(req.matches[1]);
    if (!u.ok()) return SendError(res, u.error());
    Json a = Json::array();
    for (const auto& g : org.ListGroupsOfUser(u->id)) a.push_back(RenderGroup(g, base()));
    SendJson(res, 200, a);
  });

  // ---- groups ----
  s.Post("/api/v1/groups", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    Json p = body->value("profile", Json::object());
    Reply(res, org.CreateGroup(p.value("name", ""), p.is_object() && p.contains("description") && p["description"].is_string() ? p["description"].get<std::string>() : ""),
          [&](const Group& g) { return RenderGroup(g, base()); });
  });
  s.Get("/api/v1/groups", [&org, base](const httplib::Request& req, httplib::Response& res) {
    int limit = Limit(req, 200);
    std::string q = req.has_param("q") ? core::ToLower(req.get_param_value("q")) : "";
    std::vector<Group> groups;
    for (auto& g : org.ListGroups(After(req), -1)) {
      if (!q.empty() && core::ToLower(g.name).rfind(q, 0) != 0) continue;
      groups.push_back(g);
      if (static_cast<int>(groups.size()) > limit) break;
    }
    SetPageLinks(res, req, base() + "/api/v1/groups", limit, groups);
    Json a = Json::array();
    for (const auto& g : groups) a.push_back(RenderGroup(g, base()));
    SendJson(res, 200, a);
  });
  s.Get(R"(/api/v1/groups/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    Reply(res, org.GetGroup(req.matches[1]), [&](const Group& g) { return RenderGroup(g, base()); });
  });
  s.Put(R"(/api/v1/groups/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    Json p = body->value("profile", Json::object());
    Reply(res, org.UpdateGroup(req.matches[1], p.value("name", ""), p.contains("description") && p["description"].is_string() ? p["description"].get<std::string>() : ""),
          [&](const Group& g) { return RenderGroup(g, base()); });
  });
  s.Delete(R"(/api/v1/groups/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.DeleteGroup(req.matches[1]));
  });
  s.Get(R"(/api/v1/groups/([^/]+)/users)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto g = org.GetGroup(req.matches[1]);
    if (!g.ok()) return SendError(res, g.error());
    Json a = Json::array();
    for (const auto& u : org.ListGroupMembers(g->id)) a.push_back(RenderUser(u, base()));
    SendJson(res, 200, a);
  });
  s.Put(R"(/api/v1/groups/([^/]+)/users/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.AddGroupMember(req.matches[1], req.matches[2]));
  });
  s.Delete(R"(/api/v1/groups/([^/]+)/users/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.RemoveGroupMember(req.matches[1], req.matches[2]));
  });

  // ---- apps ----
  s.Post("/api/v1/apps", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    App a;
    a.name = body->value("name", "");
    if (a.name == "template_swa" || a.name == "template_saml_2_0") a.name.clear();
    a.label = body->value("label", "");
    a.sign_on_mode = body->value("signOnMode", "AUTO_LOGIN");
    a.settings = body->value("settings", Json::object());
    Reply(res, org.CreateApp(a, QueryFlag(req, "activate", true)), [&](const App& x) { return RenderApp(x, base()); });
  });
  s.Get("/api/v1/apps", [&org, base](const httplib::Request& req, httplib::Response& res) {
    int limit = Limit(req, 20);
    // q: label or name starts with it, case-insensitive (Okta).
    std::string q = req.has_param("q") ? core::ToLower(req.get_param_value("q")) : "";
    std::unique_ptr<Expr> filter;
    if (!ParseParam(req, res, "filter", AppFilterable, &filter)) return;
    std::vector<App> apps;
    for (auto& x : org.ListApps(After(req), -1)) {
      if (!q.empty() && core::ToLower(x.label).rfind(q, 0) != 0 && core::ToLower(x.name).rfind(q, 0) != 0) continue;
      if (filter && !Eval(*filter, AppAttrs(x))) continue;
      apps.push_back(x);
      if (static_cast<int>(apps.size()) > limit) break;
    }
    SetPageLinks(res, req, base() + "/api/v1/apps", limit, apps);
    Json a = Json::array();
    for (const auto& x : apps) a.push_back(RenderApp(x, base()));
    SendJson(res, 200, a);
  });
  s.Get(R"(/api/v1/apps/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    Reply(res, org.GetApp(req.matches[1]), [&](const App& x) { return RenderApp(x, base()); });
  });
  s.Put(R"(/api/v1/apps/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    auto cur = org.GetApp(req.matches[1]);
    if (!cur.ok()) return SendError(res, cur.error());
    App a = *cur;
    a.label = body->value("label", a.label);
    if (body->contains("settings")) a.settings = (*body)["settings"];
    Reply(res, org.UpdateApp(a), [&](const App& x) { return RenderApp(x, base()); });
  });
  s.Delete(R"(/api/v1/apps/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.DeleteApp(req.matches[1]));
  });
  s.Post(R"(/api/v1/apps/([^/]+)/lifecycle/(activate|deactivate))",
         [&org](const httplib::Request& req, httplib::Response& res) {
           auto r = org.SetAppStatus(req.matches[1], req.matches[2] == "activate");
           if (!r.ok()) return SendError(res, r.error());
           SendJson(res, 200, Json::object());
         });

  // connections/default: the SCIM connection (base URL + credentials).
  s.Get(R"(/api/v1/apps/([^/]+)/connections/default)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    Reply(res, org.GetApp(req.matches[1]), [&](const App& x) { return RenderConnection(x, base()); });
  });
  s.Post(R"(/api/v1/apps/([^/]+)/connections/default)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    auto cur = org.GetApp(req.matches[1]);
    if (!cur.ok()) return SendError(res, cur.error());
    Provisioning p = cur->prov;
    if (auto st = ApplyConnection(*body, &p); !st.ok()) return SendError(res, st.error());
    if (QueryFlag(req, "activate", false)) p.enabled = true;
    Reply(res, org.SetProvisioning(cur->id, p), [&](const App& x) { return RenderConnection(x, base()); });
  });
  s.Post(R"(/api/v1/apps/([^/]+)/connections/default/lifecycle/(activate|deactivate))",
         [&org](const httplib::Request& req, httplib::Response& res) {
           auto cur = org.GetApp(req.matches[1]);
           if (!cur.ok()) return SendError(res, cur.error());
           Provisioning p = cur->prov;
           p.enabled = req.matches[2] == "activate";
           if (p.enabled && p.base_url.empty()) {
             return SendError(res, core::MakeError(core::ErrorCode::kInvalidValue, "baseUrl: set the connection first"));
           }
           auto r = org.SetProvisioning(cur->id, p);
           if (!r.ok()) return SendError(res, r.error());
           res.status = 204;
         });

  // features: USER_PROVISIONING carries the To App toggles.
  s.Get(R"(/api/v1/apps/([^/]+)/features)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto a = org.GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    if (!a->prov.scim_enabled) return SendJson(res, 200, Json::array());
    SendJson(res, 200, Json::array({RenderProvisioningFeature(*a, base())}));
  });
  s.Get(R"(/api/v1/apps/([^/]+)/features/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto a = org.GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    if (req.matches[2] != "USER_PROVISIONING" || !a->prov.scim_enabled) {
      return SendError(res, core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " +
                                                                            std::string(req.matches[2]) + " (AppFeature)"));
    }
    SendJson(res, 200, RenderProvisioningFeature(*a, base()));
  });
  s.Put(R"(/api/v1/apps/([^/]+)/features/USER_PROVISIONING)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    auto a = org.GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    Provisioning p = a->prov;
    if (auto st = ApplyProvisioningFeature(*body, &p); !st.ok()) return SendError(res, st.error());
    Reply(res, org.SetProvisioning(a->id, p), [&](const App& x) { return RenderProvisioningFeature(x, base()); });
  });

  // app users
  s.Get(R"(/api/v1/apps/([^/]+)/users)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto a = org.GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    Json arr = Json::array();
    for (const auto& au : org.ListAppUsers(a->id)) arr.push_back(RenderAppUser(au, base()));
    SendJson(res, 200, arr);
  });
  s.Post(R"(/api/v1/apps/([^/]+)/users)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    std::string uid = body->value("id", "");
    std::string name;
    if (body->contains("credentials") && (*body)["credentials"].is_object()) name = (*body)["credentials"].value("userName", "");
    Reply(res, org.AssignUser(req.matches[1], uid, name), [&](const AppUser& au) { return RenderAppUser(au, base()); });
  });
  s.Get(R"(/api/v1/apps/([^/]+)/users/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    Reply(res, org.GetAppUser(req.matches[1], req.matches[2]), [&](const AppUser& au) { return RenderAppUser(au, base()); });
  });
  s.Post(R"(/api/v1/apps/([^/]+)/users/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    std::string name;
    if (body->contains("credentials") && (*body)["credentials"].is_object()) name = (*body)["credentials"].value("userName", "");
    Reply(res, org.UpdateAppUser(req.matches[1], req.matches[2], name),
          [&](const AppUser& au) { return RenderAppUser(au, base()); });
  });
  s.Delete(R"(/api/v1/apps/([^/]+)/users/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.UnassignUser(req.matches[1], req.matches[2]));
  });

  // app groups
  s.Get(R"(/api/v1/apps/([^/]+)/groups)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto a = org.GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    Json arr = Json::array();
    for (const auto& ag : org.ListAppGroups(a->id)) arr.push_back(RenderAppGroup(ag, base()));
    SendJson(res, 200, arr);
  });
  s.Put(R"(/api/v1/apps/([^/]+)/groups/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    int prio = body->contains("priority") && (*body)["priority"].is_number_integer() ? (*body)["priority"].get<int>() : 0;
    Reply(res, org.AssignGroup(req.matches[1], req.matches[2], prio),
          [&](const AppGroup& ag) { return RenderAppGroup(ag, base()); });
  });
  s.Get(R"(/api/v1/apps/([^/]+)/groups/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    Reply(res, org.GetAppGroup(req.matches[1], req.matches[2]), [&](const AppGroup& ag) { return RenderAppGroup(ag, base()); });
  });
  s.Delete(R"(/api/v1/apps/([^/]+)/groups/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.UnassignGroup(req.matches[1], req.matches[2]));
  });

  // group push mappings
  s.Get(R"(/api/v1/apps/([^/]+)/group-push/mappings)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto a = org.GetApp(req.matches[1]);
    if (!a.ok()) return SendError(res, a.error());
    Json arr = Json::array();
    for (const auto& m : org.ListGroupPushes(a->id)) arr.push_back(RenderGroupPush(m, base()));
    SendJson(res, 200, arr);
  });
  s.Post(R"(/api/v1/apps/([^/]+)/group-push/mappings)", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    std::string status = body->value("status", "ACTIVE");
    Reply(res,
          org.CreateGroupPush(req.matches[1], body->value("sourceGroupId", ""), body->value("targetGroupName", ""),
                              body->value("targetGroupId", ""), body->value("linkExisting", false), status == "ACTIVE"),
          [&](const GroupPush& m) { return RenderGroupPush(m, base()); }, 201);  // Okta: 201 Created
  });
  s.Get(R"(/api/v1/apps/([^/]+)/group-push/mappings/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    Reply(res, org.GetGroupPush(req.matches[1], req.matches[2]), [&](const GroupPush& m) { return RenderGroupPush(m, base()); });
  });
  s.Patch(R"(/api/v1/apps/([^/]+)/group-push/mappings/([^/]+))", [&org, base](const httplib::Request& req, httplib::Response& res) {
    auto body = Body(req);
    if (!body.ok()) return SendError(res, body.error());
    std::string status = body->value("status", "");
    if (status != "ACTIVE" && status != "INACTIVE") {
      return SendError(res, core::MakeError(core::ErrorCode::kInvalidValue, "status: must be ACTIVE or INACTIVE"));
    }
    Reply(res, org.SetGroupPushStatus(req.matches[1], req.matches[2], status == "ACTIVE"),
          [&](const GroupPush& m) { return RenderGroupPush(m, base()); });
  });
  s.Delete(R"(/api/v1/apps/([^/]+)/group-push/mappings/([^/]+))", [&org](const httplib::Request& req, httplib::Response& res) {
    ReplyStatus(res, org.DeleteGroupPush(req.matches[1], req.matches[2], QueryFlag(req, "deleteTargetGroup", false)));
  });

  // System Log
  s.Get("/api/v1/logs", [&org, base](const httplib::Request& req, httplib::Response& res) {
    int limit = Limit(req, 100);
    std::string filter = req.has_param("filter") ? req.get_param_value("filter") : "";
    std::string want_type;
    if (auto p = filter.find("eventType eq \""); p != std::string::npos) {
      auto start = p + 14;
      want_type = filter.substr(start, filter.find('"', start) - start);
    }
    std::string since = req.has_param("since") ? req.get_param_value("since") : "";
    std::string until = req.has_param("until") ? req.get_param_value("until") : "";
    struct Row {
      int64_t seq;
      Json e;
    };
    std::vector<Row> rows;
    for (auto& [seq, e] : org.store().ListLogs(After(req), -1)) {
      std::string published = e.value("published", "");
      if (!want_type.empty() && e.value("eventType", "") != want_type) continue;
      if (!since.empty() && published < since) continue;
      if (!until.empty() && published >= until) continue;
      rows.push_back({seq, e});
      if (static_cast<int>(rows.size()) > limit) break;
    }
    SetPageLinks(res, req, base() + "/api/v1/logs", limit, rows);
    Json a = Json::array();
    for (const auto& r : rows) a.push_back(r.e);
    SendJson(res, 200, a);
  });

  // Everything else under /api/v1.
  (void)token;
}

}  // namespace okta
