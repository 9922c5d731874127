// In-process SCIM server on a free port, plus a client that speaks to it.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "core/http.h"
#include "core/json_util.h"
#include "scim_server/scim_server.h"

namespace scimtest {

inline constexpr const char* kToken = "test-token-123";

struct Reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  core::Json json;  // parsed body, or null
  std::string header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
};

class TestServer {
 public:
  // Unless `gate` is set, groups are writable without an encryption service
  // (the gate has its own tests in group_gate_test.cpp).
  explicit TestServer(scim::Config config = {}, bool gate = false) {
    config.port = 0;
    if (!gate) config.groups_need_encryption = false;
    if (config.token.empty()) config.token = kToken;
    server_ = std::make_unique<scim::ScimServer>(config);
    auto port = server_->Start();
    if (!port.ok()) throw std::runtime_error(port.error().detail);
    client_ = core::MakeClient("http://127.0.0.1:" + std::to_string(*port));
  }
  scim::ScimServer& server() { return *server_; }
  std::string base() const { return "/scim/v2"; }

  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             httplib::Headers headers = {}, bool auth = true) {
    if (auth && headers.find("Authorization") == headers.end())
      headers.emplace("Authorization", std::string("Bearer ") + kToken);
    std::string full = path.rfind("/scim/v2", 0) == 0 ? path : base() + path;
    httplib::Result r{nullptr, httplib::Error::Unknown};
    const char* ct = "application/scim+json";
    if (method == "GET") r = client_->Get(full.c_str(), headers);
    else if (method == "DELETE") r = client_->Delete(full.c_str(), headers);
    else if (method == "POST") r = client_->Post(full.c_str(), headers, body, ct);
    else if (method == "PUT") r = client_->Put(full.c_str(), headers, body, ct);
    else if (method == "PATCH") r = client_->Patch(full.c_str(), headers, body, ct);
    Reply out;
    if (!r) throw std::runtime_error("HTTP request failed: " + httplib::to_string(r.error()));
    out.status = r->status;
    out.body = r->body;
    out.headers = r->headers;
    if (!r->body.empty()) {
      auto j = core::ParseJson(r->body);
      if (j.ok()) out.json = *j;
    }
    return out;
  }
  Reply Get(const std::string& p) { return Send("GET", p); }
  Reply Post(const std::string& p, const core::Json& b) { return Send("POST", p, core::DumpCompact(b)); }
  Reply Put(const std::string& p, const core::Json& b) { return Send("PUT", p, core::DumpCompact(b)); }
  Reply Patch(const std::string& p, const core::Json& b) { return Send("PATCH", p, core::DumpCompact(b)); }
  Reply Delete(const std::string& p) { return Send("DELETE", p); }

  // Creates a user and returns its id (throws when the server refuses).
  std::string CreateUser(const std::string& user_name, const std::string& email = "") {
    core::Json body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                       {"userName", user_name},
                       {"name", {{"givenName", "Given"}, {"familyName", "Family"}}},
                       {"emails", {{{"value", email.empty() ? user_name : email}, {"type", "work"}, {"primary", true}}}},
                       {"active", true}};
    auto r = Post("/Users", body);
    if (r.status != 201) throw std::runtime_error("create user failed: " + r.body);
    return r.json["id"].get<std::string>();
  }
  std::string CreateGroup(const std::string& name, const std::vector<std::string>& members = {}) {
    core::Json m = core::Json::array();
    for (const auto& id : members) m.push_back({{"value", id}});
    auto r = Post("/Groups", {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:Group"}}, {"displayName", name}, {"members", m}});
    if (r.status != 201) throw std::runtime_error("create group failed: " + r.body);
    return r.json["id"].get<std::string>();
  }

 private:
  std::unique_ptr<scim::ScimServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

// Asserts the RFC 7644 §3.12 error shape; returns scimType ("" if none).
inline std::string ErrorType(const Reply& r) {
  if (!r.json.is_object()) return "<not json>";
  auto schemas = r.json.value("schemas", core::Json::array());
  if (schemas.empty() || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error") return "<not an Error>";
  if (!r.json.contains("status") || !r.json["status"].is_string() || r.json["status"] != std::to_string(r.status))
    return "<bad status field>";
  if (!r.json.contains("detail") || !r.json["detail"].is_string()) return "<no detail>";
  return r.json.value("scimType", "");
}

}  // namespace scimtest
