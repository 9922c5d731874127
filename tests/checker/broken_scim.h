// BrokenScim: a small in-memory SCIM 2.0 service provider behind the
// ScimSender seam (no sockets), correct by default, with one switch per
// defect that the checker has to pin on the right check. Users and groups in
// creation order; filters `attr eq "value"` on userName, emails/email,
// displayName; PATCH path-less replace, members add/replace and
// members[value eq "…"] removal; bearer token "good-token". Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "mock_okta/scim_client.h"

namespace testing_check {

struct Defects {
  bool total_as_string = false;             // totalResults "3" instead of 3
  bool case_sensitive_filter = false;       // userName eq matches case-sensitively
  bool no_pathless_patch = false;           // PATCH ops without "path" → 400
  bool put_rejects_meta = false;            // PUT carrying "meta" → 400
  bool not_found_for_empty_filter = false;  // a filter matching nobody → 404
  bool empty_201 = false;                   // POST /Users answers 201 with no body
  bool ignore_start_index = false;          // lists always start at 1
  bool refuse_member_filter_path = false;   // remove path members[value eq …] → 400
  bool plus_in_filter_500 = false;          // a '+' in a filter value → 500
  bool plain_401 = false;                   // 401 with a text body, not a SCIM error
  bool no_groups = false;                   // no /Groups endpoint at all (404)
  bool user_puts_time_out = false;          // PUT /Users/{id} never answers (the sender's "Read timed out")
  int rate_limited_creates = 0;             // the first N POST /Users answer 429 (not a defect by itself)
  std::string retry_after;                  // their Retry-After header ("" = none)
};

class BrokenScim final : public okta::ScimSender {
 public:
  using Json = core::Json;
  explicit BrokenScim(Defects d = {}) : d_(d) {}

  okta::ScimExchange Send(const std::string&, const okta::ScimRequest& req, int) override {
    std::lock_guard<std::mutex> lk(mu_);
    ++requests_;
    std::string auth;
    for (const auto& h : req.headers) {
      if (core::EqualsCi(h.name, "Authorization")) auth = h.value;
    }
    if (auth != "Bearer good-token") {
      if (!d_.plain_401) return Error(401, "Invalid credentials");
      okta::ScimExchange ex;
      ex.status = 401;
      ex.headers = {{"Content-Type", "text/plain"}};
      ex.body = "Unauthorized";
      return ex;
    }
    bool users = req.path.rfind("/Users", 0) == 0, groups = req.path.rfind("/Groups", 0) == 0;
    if ((!users && !groups) || (groups && d_.no_groups)) return Error(404, "no such endpoint");
    size_t n = users ? 6 : 7;
    std::string id = req.path.size() > n + 1 ? req.path.substr(n + 1) : "";
    if (id.empty() && req.method == "GET") return List(users, Params(req.query));
    if (id.empty() && req.method == "POST" && users && d_.rate_limited_creates > 0) {
      --d_.rate_limited_creates;
      okta::ScimExchange ex = Error(429, "Too many requests");
      if (!d_.retry_after.empty()) ex.headers.push_back({"Retry-After", d_.retry_after});
      return ex;
    }
    if (id.empty() && req.method == "POST") return Create(users, req.body);
    auto& store = users ? users_ : groups_;
    auto it = store.find(id);
    if (it == store.end()) return Error(404, "Resource " + id + " not found");
    if (req.method == "GET") return Answer(200, it->second);
    if (req.method == "DELETE") {
      store.erase(it);
      okta::ScimExchange ex;
      ex.status = 204;
      return ex;
    }
    auto body = core::ParseJson(req.body);
    if (!body.ok() || !body->is_object()) return Error(400, "body is not JSON");
    if (req.method == "PUT" && users && d_.user_puts_time_out) {
      okta::ScimExchange ex;
      ex.error = "Read timed out";
      return ex;
    }
    if (req.method == "PUT") return Put(it->second, *body);
    if (req.method == "PATCH") return Patch(it->second, *body);
    return Error(405, "method not allowed");
  }

  int requests() {
    std::lock_guard<std::mutex> lk(mu_);
    return requests_;
  }

 private:
  static okta::ScimExchange Answer(int status, const Json& body) {
    okta::ScimExchange ex;
    ex.status = status;
    ex.headers = {{"Content-Type", "application/scim+json"}};
    ex.body = core::DumpCompact(body);
    return ex;
  }
  static okta::ScimExchange Error(int status, const std::string& detail) {
    return Answer(status, Json{{"schemas", Json::array({"urn:ietf:params:scim:api:messages:2.0:Error"})},
                               {"detail", detail},
                               {"status", std::to_string(status)}});
  }
  static std::string Decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }
  static std::map<std::string, std::string> Params(const std::string& q) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (!q.empty() && pos <= q.size()) {
      size_t amp = q.find('&', pos);
      std::string kv = q.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      if (size_t eq = kv.find('='); eq != std::string::npos) out[kv.substr(0, eq)] = Decode(kv.substr(eq + 1));
      if (amp == std::string::npos) break;
      pos = amp + 1;
    }
    return out;
  }
  bool Same(const std::string& a, const std::string& b) const {
    return d_.case_sensitive_filter ? a == b : core::EqualsCi(a, b);
  }
  bool Matches(const Json& r, const std::string& attr, const std::string& value) const {
    if (attr == "email" || attr == "emails" || attr == "emails.value") {
      for (const auto& e : r.value("emails", Json::array())) {
        if (e.is_object() && Same(e.value("value", ""), value)) return true;
      }
      return false;
    }
    const Json* v = core::FindKeyCi(r, attr);
    return v && v->is_string() && Same(v->get<std::string>(), value);
  }

  okta::ScimExchange List(bool users, std::map<std::string, std::string> params) {
    std::string filter = params["filter"];
    std::string attr, value;
    if (!filter.empty()) {
      static const std::regex eq(R"re(^(\S+) eq "((?:[^"\\]|\\.)*)"$)re");
      std::smatch m;
      if (!std::regex_match(filter, m, eq)) return Error(400, "invalid filter");
      attr = m[1];
      for (size_t i = 0; i < m[2].str().size(); ++i) {
        char ch = m[2].str()[i];
        if (ch == '\\' && i + 1 < m[2].str().size()) ch = m[2].str()[++i];
        value += ch;
      }
      if (d_.plus_in_filter_500 && value.find('+') != std::string::npos) return Error(500, "internal error");
    }
    std::vector<Json> all;
    for (const auto& id : order_) {
      auto& store = users ? users_ : groups_;
      auto it = store.find(id);
      if (it != store.end() && (filter.empty() || Matches(it->second, attr, value))) all.push_back(it->second);
    }
    if (!filter.empty() && all.empty() && d_.not_found_for_empty_filter) return Error(404, "no match");
    int start = params.count("startIndex") ? std::max(1, std::atoi(params["startIndex"].c_str())) : 1;
    if (d_.ignore_start_index) start = 1;
    int count = params.count("count") ? std::atoi(params["count"].c_str()) : 100;
    Json res = Json::array();
    for (int i = start - 1; i < static_cast<int>(all.size()) && static_cast<int>(res.size()) < count; ++i) {
      res.push_back(all[static_cast<size_t>(i)]);
    }
    Json total = d_.total_as_string ? Json(std::to_string(all.size())) : Json(all.size());
    return Answer(200, Json{{"schemas", Json::array({"urn:ietf:params:scim:api:messages:2.0:ListResponse"})},
                            {"totalResults", total},
                            {"startIndex", start},
                            {"itemsPerPage", res.size()},
                            {"Resources", res}});
  }

  okta::ScimExchange Create(bool users, const std::string& text) {
    auto body = core::ParseJson(text);
    if (!body.ok() || !body->is_object()) return Error(400, "body is not JSON");
    if (users) {
      std::string name = body->value("userName", "");
      if (name.empty()) return Error(400, "userName is required");
      for (const auto& [id, u] : users_) {
        if (core::EqualsCi(u.value("userName", ""), name)) return Error(409, "userName " + name + " is taken");
      }
    }
    std::string id = (users ? "u-" : "g-") + std::to_string(++next_);
    Json r = Json::object();
    r["id"] = id;
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (it.key() != "id" && it.key() != "password" && it.key() != "meta") r[it.key()] = it.value();
    }
    r["meta"] = Json{{"resourceType", users ? "User" : "Group"}};
    (users ? users_ : groups_)[id] = r;
    order_.push_back(id);
    if (users && d_.empty_201) {
      okta::ScimExchange ex;
      ex.status = 201;
      return ex;
    }
    return Answer(201, r);
  }

  okta::ScimExchange Put(Json& r, const Json& body) {
    if (d_.put_rejects_meta && body.contains("meta")) return Error(400, "Attribute 'meta' is read-only");
    Json kept = Json::object();
    kept["id"] = r["id"];
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (it.key() != "id" && it.key() != "meta" && it.key() != "password") kept[it.key()] = it.value();
    }
    kept["meta"] = r["meta"];
    r = kept;
    return Answer(200, r);
  }

  okta::ScimExchange Patch(Json& r, const Json& body) {
    const Json* ops = core::FindKeyCi(body, "Operations");
    if (!ops || !ops->is_array()) return Error(400, "no Operations");
    for (const auto& op : *ops) {
      std::string o = core::ToLower(op.value("op", "")), p = op.value("path", "");
      if (p.empty()) {
        if (d_.no_pathless_patch) return Error(400, "path is required");
        for (auto v = op["value"].begin(); v != op["value"].end(); ++v) {
          if (v.key() != "id" && v.key() != "password" && v.key() != "schemas") r[v.key()] = v.value();
        }
      } else if (p == "members" && o == "add") {
        if (!r.contains("members") || !r["members"].is_array()) r["members"] = Json::array();
        for (const auto& m : op["value"]) r["members"].push_back(m);
      } else if (p == "members" && o == "replace") {
        r["members"] = op["value"];
      } else if (o == "remove" && p.rfind("members[value eq \"", 0) == 0) {
        if (d_.refuse_member_filter_path) return Error(400, "Unsupported path: " + p);
        std::string v = p.substr(18, p.size() - 20);
        Json kept = Json::array();
        for (const auto& m : r.value("members", Json::array())) {
          if (m.value("value", "") != v) kept.push_back(m);
        }
        r["members"] = kept;
      } else {
        return Error(400, "unsupported PATCH op " + o + " " + p);
      }
    }
    return Answer(200, r);
  }

  Defects d_;
  std::mutex mu_;
  std::map<std::string, Json> users_, groups_;
  std::vector<std::string> order_;
  int next_ = 0, requests_ = 0;
};

}  // namespace testing_check
