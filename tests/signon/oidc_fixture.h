// A mock Okta on a manual clock with one user, one group and OIDC apps, and
// a raw HTTP client that does not follow redirects (the tests read Location).
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "core/http.h"
#include "core/json_util.h"
#include "core/secret.h"
#include "mock_okta/signon/jwt.h"
#include "tests/mock_okta/harness.h"

namespace testing_signon {

using core::Json;
using testing_okta::Reply;

struct Raw {
  int status = 0;
  std::string body, location, set_cookie, www_authenticate;
  Json json;
  // A query (or fragment) parameter of Location.
  std::string Param(const std::string& key) const {
    auto q = location.find_first_of("?#");
    if (q == std::string::npos) return "";
    httplib::Params p;
    httplib::detail::parse_query_text(location.substr(q + 1), p);
    auto it = p.find(key);
    return it == p.end() ? "" : it->second;
  }
};

inline const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWlLqV1M";
inline const std::string kRedirect = "http://localhost:3000/authorization-code/callback";

class Oidc : public testing_okta::Harness {
 public:
  Oidc() {
    base = okta().base_url();
    http = core::MakeClient(base, 5, 30);
    user_id = CreateUser("alice@example.com", "Alice", "Example", Json{{"department", "R&D"}});
    other_id = CreateUser("bob@example.com", "Bob", "Outsider");
    group_id = CreateGroup("Engineering");
    REQUIRE(Call("PUT", "/api/v1/groups/" + group_id + "/users/" + user_id).status == 204);
    auto web = Call("POST", "/api/v1/apps", WebApp("Web App", "web", "client_secret_basic"));
    REQUIRE(web.status == 200);
    client_id = web.body["credentials"]["oauthClient"]["client_id"].get<std::string>();
    secret = web.body["credentials"]["oauthClient"]["client_secret"].get<std::string>();
    REQUIRE(Call("PUT", "/api/v1/apps/" + client_id + "/groups/" + group_id, Json::object()).status == 200);
  }
  ~Oidc() { http.reset(); }

  static Json WebApp(const std::string& label, const std::string& type, const std::string& method) {
    Json grants =
        type == "service" ? Json::array({"client_credentials"}) : Json::array({"authorization_code", "refresh_token"});
    Json oc{{"grant_types", grants}, {"application_type", type}};
    if (type != "service") {
      oc["redirect_uris"] = Json::array({kRedirect});
      oc["post_logout_redirect_uris"] = Json::array({"http://localhost:3000/"});
      oc["response_types"] = Json::array({"code"});
    }
    return Json{{"label", label},
                {"signOnMode", "OPENID_CONNECT"},
                {"credentials", Json{{"oauthClient", Json{{"token_endpoint_auth_method", method}}}}},
                {"settings", Json{{"oauthClient", oc}}}};
  }

  Raw Send(const std::string& method, const std::string& target, const std::string& body = "",
           const std::string& type = "application/x-www-form-urlencoded", httplib::Headers headers = {}) {
    httplib::Request req;
    req.method = method;
    req.path = target;
    req.headers = std::move(headers);
    if (!body.empty() || method == "POST") {
      req.body = body;
      req.headers.emplace("Content-Type", type);
    }
    auto res = http->send(req);
    Raw r;
    if (!res) return r;
    r.status = res->status;
    r.body = res->body;
    r.location = res->get_header_value("Location");
    r.set_cookie = res->get_header_value("Set-Cookie");
    r.www_authenticate = res->get_header_value("WWW-Authenticate");
    auto j = Json::parse(res->body, nullptr, false);
    if (!j.is_discarded()) r.json = j;
    return r;
  }
  Raw Get(const std::string& target, httplib::Headers h = {}) { return Send("GET", target, "", "", std::move(h)); }

  static std::string Form(const std::vector<std::pair<std::string, std::string>>& kv) {
    std::string s;
    for (const auto& [k, v] : kv) s += (s.empty() ? "" : "&") + core::UrlEncode(k) + "=" + core::UrlEncode(v);
    return s;
  }

  std::string SessionToken(const std::string& login = "alice@example.com", const std::string& password = "Passw0rd!") {
    auto r = Send("POST", "/api/v1/authn", core::DumpCompact(Json{{"username", login}, {"password", password}}),
                  "application/json");
    REQUIRE(r.status == 200);
    return r.json["sessionToken"].get<std::string>();
  }

  // authorize with the session token; returns the redirect.
  Raw Authorize(const std::string& server_path, std::vector<std::pair<std::string, std::string>> extra = {},
                const std::string& cid = "", const std::string& token = "") {
    std::vector<std::pair<std::string, std::string>> q{{"client_id", cid.empty() ? client_id : cid},
                                                       {"response_type", "code"},
                                                       {"scope", "openid profile email offline_access"},
                                                       {"redirect_uri", kRedirect},
                                                       {"state", "st-1"},
                                                       {"nonce", "n-1"},
                                                       {"code_challenge", okta::signon::PkceS256(kVerifier)},
                                                       {"code_challenge_method", "S256"},
                                                       {"sessionToken", token.empty() ? SessionToken() : token}};
    for (auto& [k, v] : extra) {
      bool replaced = false;
      for (auto& kv : q) {
        if (kv.first == k) {
          kv.second = v;
          replaced = true;
        }
      }
      if (!replaced) q.emplace_back(k, v);
    }
    std::vector<std::pair<std::string, std::string>> kept;
    for (auto& kv : q) {
      if (kv.second != "<omit>") kept.push_back(kv);
    }
    return Get(server_path + "/v1/authorize?" + Form(kept));
  }

  Raw Token(const std::string& server_path, const std::vector<std::pair<std::string, std::string>>& form,
            const std::string& id = "", const std::string& sec = "") {
    httplib::Headers h;
    std::string cid = id.empty() ? client_id : id;
    std::string s = id.empty() ? secret : sec;
    if (!s.empty()) h.emplace("Authorization", "Basic " + core::Base64Encode(cid + ":" + s));
    return Send("POST", server_path + "/v1/token", Form(form), "application/x-www-form-urlencoded", h);
  }

  Raw Exchange(const std::string& server_path, const std::string& code) {
    return Token(server_path, {{"grant_type", "authorization_code"},
                               {"code", code},
                               {"redirect_uri", kRedirect},
                               {"code_verifier", kVerifier}});
  }

  // The full happy path: a token response.
  Json SignIn(const std::string& server_path) {
    auto a = Authorize(server_path);
    REQUIRE(a.status == 302);
    REQUIRE(!a.Param("code").empty());
    auto t = Exchange(server_path, a.Param("code"));
    REQUIRE(t.status == 200);
    return t.json;
  }

  static Json Payload(const std::string& jwt) {
    auto d = okta::signon::DecodeJwt(jwt);
    REQUIRE(d.ok());
    return d->payload;
  }

  std::string base, user_id, other_id, group_id, client_id, secret;
  std::unique_ptr<httplib::Client> http;
};

}  // namespace testing_signon
