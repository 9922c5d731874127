// A small recording SCIM server for mock_okta tests: remembers every request
// as received (raw target, headers, body), answers from scripted responses
// first, and otherwise behaves like a minimal in-memory SCIM 2.0 service
// (users and groups, eq filters, POST/GET/PUT/PATCH/DELETE).
#pragma once

#include <httplib.h>

#include <deque>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/http.h"
#include "core/json_util.h"

namespace testing_okta {

using core::Json;

struct Received {
  std::string method;
  std::string target;  // raw request target, e.g. /scim/v2/Users?filter=...
  httplib::Headers headers;
  std::string body;
  std::string Header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
  std::string Line() const { return method + " " + target; }
};

struct Scripted {
  std::string method;
  std::regex path;  // matched against the path below /scim/v2
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int delay_ms = 0;
  int times = 1;
};

class FakeScim {
 public:
  FakeScim() : listener_(server_) {
    core::ConfigureServer(server_, core::HttpServerOptions{});
    server_.set_read_timeout(10, 0);
    auto h = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
    server_.Get(R"(/scim/v2/.*)", h);
    server_.Post(R"(/scim/v2/.*)", h);
    server_.Put(R"(/scim/v2/.*)", h);
    server_.Patch(R"(/scim/v2/.*)", h);
    server_.Delete(R"(/scim/v2/.*)", h);
    port_ = *listener_.Start("127.0.0.1", 0);
  }
  ~FakeScim() { listener_.Stop(); }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/scim/v2"; }
  int port() const { return port_; }

  void Script(const std::string& method, const std::string& path_regex, int status, std::string body = "",
              std::vector<std::pair<std::string, std::string>> headers = {}, int times = 1, int delay_ms = 0) {
    std::lock_guard<std::mutex> lk(mu_);
    scripts_.push_back(Scripted{method, std::regex(path_regex), status, std::move(body), std::move(headers), delay_ms, times});
  }
  std::vector<Received> requests() {
    std::lock_guard<std::mutex> lk(mu_);
    return received_;
  }
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    for (const auto& r : requests()) out.push_back(r.Line());
    return out;
  }
  void ClearRequests() {
    std::lock_guard<std::mutex> lk(mu_);
    received_.clear();
  }
  // Seeds a user as if created earlier; returns its id.
  std::string AddUser(Json user) {
    std::lock_guard<std::mutex> lk(mu_);
    std::string id = "u" + std::to_string(++next_);
    Json u = Json::object();
    u["id"] = id;
    for (auto it = user.begin(); it != user.end(); ++it) u[it.key()] = it.value();
    u["meta"] = Json{{"resourceType", "User"}, {"location", base_url() + "/Users/" + id}};
    users_[id] = u;
    return id;
  }
  Json user(const std::string& id) {
    std::lock_guard<std::mutex> lk(mu_);
    return users_.count(id) ? users_[id] : Json();
  }
  Json group(const std::string& id) {
    std::lock_guard<std::mutex> lk(mu_);
    return groups_.count(id) ? groups_[id] : Json();
  }
  size_t user_count() {
    std::lock_guard<std::mutex> lk(mu_);
    return users_.size();
  }

 private:
  static void Send(httplib::Response& res, int status, const Json& body) {
    res.status = status;
    res.set_content(core::DumpCompact(body), "application/scim+json");
  }
  static Json Error(int status, const std::string& detail) {
    return Json{{"schemas", Json::array({"urn:ietf:params:scim:api:messages:2.0:Error"})},
                {"detail", detail},
                {"status", std::to_string(status)}};
  }
  static Json ListOf(const std::vector<Json>& all, int start, int count) {
    Json res = Json::array();
    for (int i = start - 1; i < static_cast<int>(all.size()) && static_cast<int>(res.size()) < count; ++i) {
      if (i >= 0) res.push_back(all[i]);
    }
    return Json{{"schemas", Json::array({"urn:ietf:params:scim:api:messages:2.0:ListResponse"})},
                {"totalResults", all.size()},
                {"startIndex", start},
                {"itemsPerPage", res.size()},
                {"Resources", res}};
  }
  static bool Matches(const Json& r, const std::string& attr, const std::string& value) {
    if (attr == "email" || attr == "emails" || attr == "emails.value") {
      if (!r.contains("emails")) return false;
      for (const auto& e : r["emails"]) {
        if (core::EqualsCi(e.value("value", ""), value)) return true;
      }
      return false;
    }
    const Json* v = core::FindKeyCi(r, attr);
    return v && v->is_string() && core::EqualsCi(v->get<std::string>(), value);
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    std::string path = req.path.substr(std::string("/scim/v2").size());
    int delay = 0;
    {
      std::lock_guard<std::mutex> lk(mu_);
      received_.push_back(Received{req.method, req.target, req.headers, req.body});
      for (auto it = scripts_.begin(); it != scripts_.end(); ++it) {
        if (it->method == req.method && std::regex_match(path, it->path)) {
          res.status = it->status;
          for (const auto& [k, v] : it->headers) res.set_header(k, v);
          if (!it->body.empty()) res.set_content(it->body, "application/scim+json");
          delay = it->delay_ms;
          if (--it->times <= 0) scripts_.erase(it);
          if (delay == 0) return;
          break;
        }
      }
    }
    if (delay > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      return;
    }
    std::lock_guard<std::mutex> lk(mu_);
    bool users = path.rfind("/Users", 0) == 0;
    bool groups = path.rfind("/Groups", 0) == 0;
    if (!users && !groups) return Send(res, 404, Error(404, "no such endpoint"));
    auto& store = users ? users_ : groups_;
    std::string id = path.size() > (users ? 7u : 8u) ? path.substr(users ? 7 : 8) : "";
    if (req.method == "GET" && id.empty()) {
      std::vector<Json> all;
      std::string filter = req.has_param("filter") ? req.get_param_value("filter") : "";
      std::smatch m;
      std::regex eq(R"(^(\S+) eq "(.*)\"$)");
      for (const auto& [k, v] : store) {
        if (!filter.empty()) {
          if (!std::regex_match(filter, m, eq) || !Matches(v, m[1], m[2])) continue;
        }
        all.push_back(v);
      }
      int start = req.has_param("startIndex") ? std::stoi(req.get_param_value("startIndex")) : 1;
      int count = req.has_param("count") ? std::stoi(req.get_param_value("count")) : 100;
      return Send(res, 200, ListOf(all, start, count));
    }
    if (req.method == "POST" && id.empty()) {
      auto body = core::ParseJson(req.body);
      if (!body.ok()) return Send(res, 400, Error(400, "bad json"));
      if (users) {
        for (const auto& [k, v] : store) {
          if (core::EqualsCi(v.value("userName", ""), body->value("userName", "")))
            return Send(res, 409, Error(409, "User already exists"));
        }
      }
      std::string nid = (users ? "u" : "g") + std::to_string(++next_);
      Json r = Json::object();
      r["id"] = nid;
      for (auto it = body->begin(); it != body->end(); ++it) {
        if (it.key() != "password") r[it.key()] = it.value();
      }
      r["meta"] = Json{{"resourceType", users ? "User" : "Group"},
                       {"location", base_url() + (users ? "/Users/" : "/Groups/") + nid}};
      store[nid] = r;
      return Send(res, 201, r);
    }
    if (!store.count(id)) return Send(res, 404, Error(404, "Resource " + id + " not found"));
    Json& r = store[id];
    if (req.method == "GET") return Send(res, 200, r);
    if (req.method == "DELETE") {
      store.erase(id);
      res.status = 204;
      return;
    }
    auto body = core::ParseJson(req.body);
    if (!body.ok()) return Send(res, 400, Error(400, "bad json"));
    if (req.method == "PUT") {
      Json meta = r["meta"];
      r = Json::object();
      r["id"] = id;
      for (auto it = body->begin(); it != body->end(); ++it) {
        if (it.key() != "id" && it.key() != "meta" && it.key() != "password") r[it.key()] = it.value();
      }
      r["meta"] = meta;
      return Send(res, 200, r);
    }
    // PATCH
    for (const auto& op : (*body)["Operations"]) {
      std::string o = op.value("op", "");
      std::string p = op.value("path", "");
      if (p.empty() && op.contains("value")) {
        for (auto it = op["value"].begin(); it != op["value"].end(); ++it) {
          if (it.key() != "id") r[it.key()] = it.value();
        }
      } else if (p == "members" && o == "add") {
        if (!r.contains("members")) r["members"] = Json::array();
        for (const auto& mem : op["value"]) r["members"].push_back(mem);
      } else if (p == "members" && o == "replace") {
        r["members"] = op["value"];
      } else if (o == "remove" && p.rfind("members[value eq \"", 0) == 0) {
        std::string v = p.substr(18, p.size() - 20);
        Json kept = Json::array();
        for (const auto& mem : r["members"]) {
          if (mem.value("value", "") != v) kept.push_back(mem);
        }
        r["members"] = kept;
      }
    }
    return Send(res, 200, r);
  }

  httplib::Server server_;
  core::HttpListener listener_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<Received> received_;
  std::deque<Scripted> scripts_;
  std::map<std::string, Json> users_, groups_;
  int next_ = 0;
};

}  // namespace testing_okta
