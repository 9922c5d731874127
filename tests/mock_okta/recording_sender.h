// RecordingSender: a ScimSender for tests that records every request the
// engine sends (base URL, method, target, headers in the planned order, body)
// and answers without sockets. Answers come from a scripted table first
// (method + path regex → status, headers, body; first match wins; each entry
// answers `times` requests, -1 = forever), otherwise from a minimal in-memory
// SCIM 2.0 service:
//  * GET /Users|/Groups[?filter=attr eq "v"&startIndex&count]: a ListResponse
//    of the stored resources that match (integer totalResults; 0 when none);
//  * POST /Users|/Groups: 201, the body with "id" ("scim-u-1", "scim-g-1", …)
//    put first, "password" dropped and "meta":{"resourceType":…} appended;
//  * GET /X/{id}: 200 with the stored resource (404 SCIM error when unknown);
//  * PUT: replaces the stored resource (id kept, id/meta/password of the body
//    skipped, meta appended) and answers 200 with it;
//  * PATCH: path-less replace merges the value (except "id"); members add,
//    replace and `members[value eq "…"]` remove; answers 200 with the resource;
//  * DELETE: 204.
// Thread-safe (one mutex). Never throws for a well-formed request.
#pragma once

#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "mock_okta/scim_client.h"

namespace testing_okta {

struct RecordedRequest {
  std::string base_url;
  std::string method;
  std::string target;  // path below the base URL with "?query", as planned
  std::vector<okta::Header> headers;
  std::string body;
  int timeout_ms = 0;
  std::string Line() const { return method + " " + target; }
};

struct ScriptedAnswer {
  std::string method;
  std::regex path;  // matched (whole) against the path, without the query
  int status = 200;
  std::vector<okta::Header> headers;
  std::string body;
  int times = 1;  // -1: never consumed
};

class RecordingSender final : public okta::ScimSender {
 public:
  okta::ScimExchange Send(const std::string& base_url, const okta::ScimRequest& req, int timeout_ms) override {
    std::lock_guard<std::mutex> lk(mu_);
    recorded_.push_back(RecordedRequest{base_url, req.method, req.Target(), req.headers, req.body, timeout_ms});
    for (auto it = scripts_.begin(); it != scripts_.end(); ++it) {
      if (it->method != req.method || !std::regex_match(req.path, it->path)) continue;
      okta::ScimExchange ex;
      ex.status = it->status;
      ex.headers = it->headers;
      ex.body = it->body;
      if (it->times > 0 && --it->times == 0) scripts_.erase(it);
      return ex;
    }
    return Serve(req);
  }

  void Script(const std::string& method, const std::string& path_regex, int status, std::string body = "",
              std::vector<okta::Header> headers = {}, int times = 1) {
    std::lock_guard<std::mutex> lk(mu_);
    scripts_.push_back(ScriptedAnswer{method, std::regex(path_regex), status, std::move(headers), std::move(body), times});
  }
  // Stores a user as if created earlier (id first, meta last); returns its id.
  std::string AddUser(const core::Json& user) {
    std::lock_guard<std::mutex> lk(mu_);
    return StoreNew(true, user);
  }
  std::string AddGroup(const core::Json& group) {
    std::lock_guard<std::mutex> lk(mu_);
    return StoreNew(false, group);
  }
  core::Json User(const std::string& id) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = users_.find(id);
    return it == users_.end() ? core::Json() : it->second;
  }
  core::Json Group(const std::string& id) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = groups_.find(id);
    return it == groups_.end() ? core::Json() : it->second;
  }
  std::vector<RecordedRequest> requests() {
    std::lock_guard<std::mutex> lk(mu_);
    return recorded_;
  }
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    for (const auto& r : requests()) out.push_back(r.Line());
    return out;
  }
  void Clear() {
    std::lock_guard<std::mutex> lk(mu_);
    recorded_.clear();
  }

 private:
  using Json = core::Json;

  static okta::ScimExchange Answer(int status, const Json& body) {
    okta::ScimExchange ex;
    ex.status = status;
    ex.headers = {{"Content-Type", "application/scim+json; charset=utf-8"}};
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
        out += static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }
  static std::map<std::string, std::string> Params(const std::string& query) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos <= query.size() && !query.empty()) {
      size_t amp = query.find('&', pos);
      std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      size_t eq = kv.find('=');
      if (eq != std::string::npos) out[kv.substr(0, eq)] = Decode(kv.substr(eq + 1));
      if (amp == std::string::npos) break;
      pos = amp + 1;
    }
    return out;
  }
  static bool Matches(const Json& r, const std::string& attr, const std::string& value) {
    if (attr == "email" || attr == "emails" || attr == "emails.value") {
      const Json* emails = core::FindKeyCi(r, "emails");
      if (!emails || !emails->is_array()) return false;
      for (const auto& e : *emails) {
        if (e.is_object() && core::EqualsCi(e.value("value", ""), value)) return true;
      }
      return false;
    }
    const Json* v = core::FindKeyCi(r, attr);
    return v && v->is_string() && core::EqualsCi(v->get<std::string>(), value);
  }

  std::string StoreNew(bool user, const Json& body) {
    std::string id = (user ? "scim-u-" : "scim-g-") + std::to_string(user ? ++next_user_ : ++next_group_);
    Json r = Json::object();
    r["id"] = id;
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (it.key() != "id" && it.key() != "password" && it.key() != "meta") r[it.key()] = it.value();
    }
    r["meta"] = Json{{"resourceType", user ? "User" : "Group"}};
    (user ? users_ : groups_)[id] = r;
    order_.push_back(id);
    return id;
  }

  okta::ScimExchange Serve(const okta::ScimRequest& req) {
    bool users = req.path.rfind("/Users", 0) == 0;
    bool groups = req.path.rfind("/Groups", 0) == 0;
    if (!users && !groups) return Error(404, "no such endpoint");
    auto& store = users ? users_ : groups_;
    size_t prefix = users ? 6 : 7;
    std::string id = req.path.size() > prefix + 1 ? req.path.substr(prefix + 1) : "";
    if (req.method == "GET" && id.empty()) {
      auto params = Params(req.query);
      std::vector<Json> all;
      std::smatch m;
      static const std::regex eq(R"(^(\S+) eq "(.*)\"$)");
      const std::string filter = params.count("filter") ? params["filter"] : "";
      for (const auto& oid : order_) {
        auto it = store.find(oid);
        if (it == store.end()) continue;
        if (!filter.empty() && (!std::regex_match(filter, m, eq) || !Matches(it->second, m[1], m[2]))) continue;
        all.push_back(it->second);
      }
      int start = params.count("startIndex") ? std::atoi(params["startIndex"].c_str()) : 1;
      int count = params.count("count") ? std::atoi(params["count"].c_str()) : 100;
      Json res = Json::array();
      for (int i = start - 1; i >= 0 && i < static_cast<int>(all.size()) && static_cast<int>(res.size()) < count; ++i) {
        res.push_back(all[i]);
      }
      return Answer(200, Json{{"schemas", Json::array({"urn:ietf:params:scim:api:messages:2.0:ListResponse"})},
                              {"totalResults", all.size()},
                              {"startIndex", start},
                              {"itemsPerPage", res.size()},
                              {"Resources", res}});
    }
    if (req.method == "POST" && id.empty()) {
      auto body = core::ParseJson(req.body);
      if (!body.ok() || !body->is_object()) return Error(400, "bad json");
      return Answer(201, store[StoreNew(users, *body)]);
    }
    auto it = store.find(id);
    if (it == store.end()) return Error(404, "Resource " + id + " not found");
    Json& r = it->second;
    if (req.method == "GET") return Answer(200, r);
    if (req.method == "DELETE") {
      store.erase(it);
      okta::ScimExchange ex;
      ex.status = 204;
      return ex;
    }
    auto body = core::ParseJson(req.body);
    if (!body.ok() || !body->is_object()) return Error(400, "bad json");
    if (req.method == "PUT") {
      Json meta = r["meta"];
      r = Json::object();
      r["id"] = id;
      for (auto b = body->begin(); b != body->end(); ++b) {
        if (b.key() != "id" && b.key() != "meta" && b.key() != "password") r[b.key()] = b.value();
      }
      r["meta"] = meta;
      return Answer(200, r);
    }
    if (req.method != "PATCH") return Error(405, "method not allowed");
    const Json* ops = core::FindKeyCi(*body, "Operations");
    if (!ops || !ops->is_array()) return Error(400, "no Operations");
    for (const auto& op : *ops) {
      std::string o = op.value("op", "");
      std::string p = op.value("path", "");
      if (p.empty() && op.contains("value") && op["value"].is_object()) {
        for (auto v = op["value"].begin(); v != op["value"].end(); ++v) {
          if (v.key() != "id" && v.key() != "password") r[v.key()] = v.value();
        }
      } else if (p == "members" && o == "add") {
        if (!r.contains("members") || !r["members"].is_array()) r["members"] = Json::array();
        for (const auto& mem : op["value"]) r["members"].push_back(mem);
      } else if (p == "members" && o == "replace") {
        r["members"] = op["value"];
      } else if (o == "remove" && p.rfind("members[value eq \"", 0) == 0 && p.size() >= 20) {
        std::string v = p.substr(18, p.size() - 20);
        Json kept = Json::array();
        for (const auto& mem : r.value("members", Json::array())) {
          if (mem.value("value", "") != v) kept.push_back(mem);
        }
        r["members"] = kept;
      }
    }
    return Answer(200, r);
  }

  std::mutex mu_;
  std::vector<RecordedRequest> recorded_;
  std::deque<ScriptedAnswer> scripts_;
  std::map<std::string, Json> users_, groups_;
  std::vector<std::string> order_;  // creation order, for list answers
  int next_user_ = 0, next_group_ = 0;
};

}  // namespace testing_okta
