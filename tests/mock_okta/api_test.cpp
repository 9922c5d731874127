// The /api/v1 subset: SSWS auth, Okta error bodies, Link paging, lifecycle,
// apps with connections/features, assignments and group push mappings.
#include <catch2/catch.hpp>

#include "mock_okta/okta_paging.h"
#include "tests/mock_okta/harness.h"
#include "tests/scim_server/raw_http.h"

using namespace testing_okta;
using core::Json;

TEST_CASE("requests without a valid SSWS token get E0000011", "[okta][api][auth]") {
  Harness h;
  auto r = h.Call("GET", "/api/v1/users", nullptr, false);
  CHECK(r.status == 401);
  CHECK(r.body["errorCode"] == "E0000011");
  CHECK(r.body["errorSummary"] == "Invalid token provided");
  CHECK(r.body["errorLink"] == "E0000011");
  CHECK(r.body["errorId"].get<std::string>().rfind("oae", 0) == 0);
  CHECK(r.body["errorCauses"] == Json::array());
}

TEST_CASE("unknown resources get E0000007 and invalid input E0000001 with causes", "[okta][api][errors]") {
  Harness h;
  auto r = h.Call("GET", "/api/v1/users/00unope");
  CHECK(r.status == 404);
  CHECK(r.body["errorCode"] == "E0000007");
  CHECK(r.body["errorSummary"] == "Not found: Resource not found: 00unope (User)");
  r = h.Call("POST", "/api/v1/users", Json{{"profile", Json{{"login", "a@b.c"}}}});
  CHECK(r.status == 400);
  CHECK(r.body["errorCode"] == "E0000001");
  CHECK(r.body["errorCauses"][0]["errorSummary"] == "email: The field cannot be left blank");
  h.CreateUser("dup@b.c", "D", "Up");
  r = h.Call("POST", "/api/v1/users", Json{{"profile", Json{{"login", "dup@b.c"}, {"email", "dup@b.c"}, {"firstName", "x"}, {"lastName", "y"}}}});
  CHECK(r.status == 400);
  CHECK(r.body["errorCode"] == "E0000001");
  r = h.Call("GET", "/api/v1/nothing-here");
  CHECK(r.status == 404);
  CHECK(r.body["errorCode"] == "E0000007");
}

TEST_CASE("user lists page with limit and a Link rel=next header", "[okta][api][paging]") {
  Harness h;
  for (int i = 0; i < 5; ++i) h.CreateUser("p" + std::to_string(i) + "@x.test", "P", std::to_string(i));
  auto r = h.Call("GET", "/api/v1/users?limit=2");
  REQUIRE(r.body.size() == 2);
  std::string links;
  for (auto it = r.headers.find("Link"); it != r.headers.end() && it->first == "Link"; ++it) links += it->second + "\n";
  CHECK(links.find("rel=\"self\"") != std::string::npos);
  auto p = links.find("; rel=\"next\"");
  REQUIRE(p != std::string::npos);
  auto start = links.rfind('<', p) + 1;
  std::string next = links.substr(start, links.find('>', start) - start);
  std::string path = next.substr(next.find("/api/v1"));
  std::vector<std::string> seen;
  while (true) {
    auto page = h.Call("GET", path);
    for (const auto& u : page.body) seen.push_back(u["profile"]["login"]);
    std::string nl;
    for (auto it = page.headers.find("Link"); it != page.headers.end() && it->first == "Link"; ++it) {
      if (it->second.find("rel=\"next\"") != std::string::npos) nl = it->second;
    }
    if (nl.empty()) break;
    std::string url = nl.substr(1, nl.find('>') - 1);
    path = url.substr(url.find("/api/v1"));
  }
  CHECK(seen == std::vector<std::string>{"p2@x.test", "p3@x.test", "p4@x.test"});
}

namespace {
// The URL of the Link header with rel=`rel` ("" when there is none).
std::string LinkUrl(const Reply& r, const std::string& rel) {
  for (auto it = r.headers.find("Link"); it != r.headers.end() && it->first == "Link"; ++it) {
    if (it->second.find("rel=\"" + rel + "\"") != std::string::npos) return it->second.substr(1, it->second.find('>') - 1);
  }
  return "";
}
std::string PathOf(const std::string& url) { return url.substr(url.find("/api/v1")); }
// Follows rel=next from `path`; returns every item and the paths requested.
Json Collect(Harness& h, std::string path, std::vector<std::string>* paths = nullptr) {
  Json all = Json::array();
  for (int guard = 0; guard < 100 && !path.empty(); ++guard) {
    auto page = h.Call("GET", path);
    REQUIRE(page.status == 200);
    if (paths) paths->push_back(path);
    for (const auto& x : page.body) all.push_back(x);
    std::string next = LinkUrl(page, "next");
    path = next.empty() ? "" : PathOf(next);
  }
  return all;
}
}  // namespace

TEST_CASE("Link rel=next keeps the request's query parameters and replaces only after", "[okta][api][paging]") {
  Harness h;
  for (int i = 0; i < 4; ++i) h.CreateUser("kq" + std::to_string(i) + "@x.test", "K", std::to_string(i));
  for (int i = 0; i < 3; ++i) h.CreateUser("other" + std::to_string(i) + "@x.test", "O", std::to_string(i));
  auto first = h.Call("GET", "/api/v1/users?q=kq&limit=1");
  CHECK(PathOf(LinkUrl(first, "self")) == "/api/v1/users?limit=1&q=kq");
  std::string next = PathOf(LinkUrl(first, "next"));
  CHECK(next.rfind("/api/v1/users?after=", 0) == 0);
  CHECK(next.find("&limit=1&q=kq") != std::string::npos);
  std::vector<std::string> paths;
  Json users = Collect(h, "/api/v1/users?q=kq&limit=1", &paths);
  std::vector<std::string> logins;
  for (const auto& u : users) logins.push_back(u["profile"]["login"]);
  CHECK(logins == std::vector<std::string>{"kq0@x.test", "kq1@x.test", "kq2@x.test", "kq3@x.test"});
  for (const auto& p : paths) CHECK(p.find("after=") == p.rfind("after="));  // after never repeated

  // System Log: the filter stays on every page, percent-encoded.
  std::string filter = "eventType%20eq%20%22user.lifecycle.create%22";
  auto logs = h.Call("GET", "/api/v1/logs?filter=" + filter + "&limit=1");
  // (httplib's client hands header values over URL-decoded; curl shows %20/%22.)
  CHECK(httplib::detail::decode_url(LinkUrl(logs, "next"), false).find("filter=eventType eq \"user.lifecycle.create\"") !=
        std::string::npos);
  Json events = Collect(h, "/api/v1/logs?filter=" + filter + "&limit=1");
  CHECK(events.size() == 7);
  for (const auto& e : events) CHECK(e["eventType"] == "user.lifecycle.create");

  // Without limit in the request the links still carry one.
  auto apps = h.Call("GET", "/api/v1/apps");
  CHECK(PathOf(LinkUrl(apps, "self")) == "/api/v1/apps?limit=20");
}

TEST_CASE("page links keep every query parameter, add limit when absent and replace only after",
          "[okta][api][paging][okta_paging]") {
  const std::string url = "http://127.0.0.1:1/api/v1/users";
  std::multimap<std::string, std::string> params{{"q", "a b"}, {"after", "7"}, {"filter", "status eq \"ACTIVE\""}};
  auto links = okta::BuildPageLinks(url, params, 20, 42);
  CHECK(links.self == url + "?after=7&filter=status%20eq%20%22ACTIVE%22&q=a%20b&limit=20");
  CHECK(links.next == url + "?after=42&filter=status%20eq%20%22ACTIVE%22&q=a%20b&limit=20");
  params.emplace("limit", "5");
  links = okta::BuildPageLinks(url, params, 5, std::nullopt);
  CHECK(links.self == url + "?after=7&filter=status%20eq%20%22ACTIVE%22&limit=5&q=a%20b");
  CHECK(links.next.empty());
  CHECK(okta::BuildPageLinks(url, {}, 200, 3).self == url + "?limit=200");
  CHECK(okta::BuildPageLinks(url, {}, 200, 3).next == url + "?after=3&limit=200");

  httplib::Request req;
  CHECK(okta::ParsePageRequest(req, 200).limit == 200);
  CHECK(okta::ParsePageRequest(req, 200).after == 0);
  req.params = {{"limit", "5000"}, {"after", "12"}};
  CHECK(okta::ParsePageRequest(req, 200).limit == 1000);
  CHECK(okta::ParsePageRequest(req, 200).after == 12);
  req.params = {{"limit", "0"}, {"after", "x"}};
  CHECK(okta::ParsePageRequest(req, 20).limit == 20);
  CHECK(okta::ParsePageRequest(req, 20).after == 0);
  req.params = {{"limit", "nope"}};
  CHECK(okta::ParsePageRequest(req, 20).limit == 20);
}

namespace {
std::vector<std::string> Logins(const Json& users) {
  std::vector<std::string> out;
  for (const auto& u : users) out.push_back(u["profile"]["login"]);
  return out;
}
}  // namespace

TEST_CASE("GET /api/v1/users honours search, filter and q", "[okta][api][users][search]") {
  Harness h;
  h.CreateUser("ann.lee@corp.test", "Ann", "Lee");
  std::string bob = h.CreateUser("bob.ray@corp.test", "Bob", "Ray");
  h.CreateUser("cat.kim@other.test", "Cat", "Kim");
  std::string dan = h.CreateUser("dan.moe@corp.test", "Dan", "Moe");
  CHECK(h.Call("POST", "/api/v1/users/" + dan + "/lifecycle/deactivate").status == 200);
  using V = std::vector<std::string>;
  auto get = [&](const std::string& query) { return h.Call("GET", "/api/v1/users?" + query); };
  // search: eq / sw / co on profile.*, status, and/or, parentheses; deprovisioned users included.
  CHECK(Logins(get("search=profile.login%20eq%20%22bob.ray%40corp.test%22").body) == V{"bob.ray@corp.test"});
  CHECK(Logins(get("search=profile.login%20eq%20%22BOB.RAY%40corp.test%22").body) == V{"bob.ray@corp.test"});
  CHECK(Logins(get("search=profile.email%20sw%20%22ann%22").body) == V{"ann.lee@corp.test"});
  CHECK(Logins(get("search=profile.login%20co%20%22corp%22").body) ==
        V{"ann.lee@corp.test", "bob.ray@corp.test", "dan.moe@corp.test"});
  CHECK(Logins(get("search=profile.login%20co%20%22corp%22%20and%20status%20eq%20%22ACTIVE%22").body) ==
        V{"ann.lee@corp.test", "bob.ray@corp.test"});
  CHECK(Logins(get("search=status%20eq%20%22DEPROVISIONED%22").body) == V{"dan.moe@corp.test"});
  CHECK(Logins(get("search=profile.firstName%20eq%20%22Cat%22%20or%20profile.lastName%20eq%20%22Ray%22").body) ==
        V{"bob.ray@corp.test", "cat.kim@other.test"});
  CHECK(Logins(get("search=(profile.firstName%20eq%20%22Cat%22%20or%20profile.firstName%20eq%20%22Ann%22)%20and%20"
                   "profile.login%20sw%20%22cat%22").body) == V{"cat.kim@other.test"});
  CHECK(get("search=profile.nope%20eq%20%22x%22").body.empty());
  // filter: status eq, id eq, lastUpdated gt/lt, profile.login eq.
  CHECK(Logins(get("filter=id%20eq%20%22" + bob + "%22").body) == V{"bob.ray@corp.test"});
  CHECK(Logins(get("filter=status%20eq%20%22DEPROVISIONED%22").body) == V{"dan.moe@corp.test"});
  CHECK(Logins(get("filter=status%20eq%20%22ACTIVE%22%20and%20profile.login%20eq%20%22ann.lee%40corp.test%22").body) ==
        V{"ann.lee@corp.test"});
  CHECK(get("filter=lastUpdated%20gt%20%222025-01-01T00%3A00%3A00.000Z%22").body.size() == 4);
  CHECK(get("filter=lastUpdated%20lt%20%222025-01-01T00%3A00%3A00.000Z%22").body.empty());
  // q: prefix on login, email, firstName, lastName; deactivated users omitted.
  CHECK(Logins(get("q=ra").body) == V{"bob.ray@corp.test"});
  CHECK(Logins(get("q=d").body).empty());
  // Expressions Okta cannot run: 400 E0000031.
  for (const char* bad : {"search=profile.login%20eq", "search=profile.login%20like%20%22x%22",
                          "search=profile.login%20eq%20%22x", "search=(status%20eq%20%22ACTIVE%22",
                          "search=status%20eq%20%22ACTIVE%22%20xor%20id%20eq%20%22y%22",
                          "filter=profile.login%20sw%20%22a%22", "filter=profile.nickName%20eq%20%22a%22"}) {
    auto r = get(bad);
    INFO(bad);
    CHECK(r.status == 400);
    CHECK(r.body["errorCode"] == "E0000031");
    CHECK(r.body["errorSummary"] == "Invalid search criteria.");
    CHECK(r.body["errorCauses"].size() == 1);
  }
}

TEST_CASE("GET /api/v1/apps honours q and filter", "[okta][api][apps][search]") {
  Harness h;  // has "Test App"
  auto acme = h.Call("POST", "/api/v1/apps?activate=false", Json{{"label", "Acme Portal"}, {"signOnMode", "AUTO_LOGIN"}});
  REQUIRE(acme.status == 200);
  std::string acme_id = acme.body["id"], acme_name = acme.body["name"];
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    for (const auto& a : h.Call("GET", "/api/v1/apps?" + query).body) out.push_back(a["id"]);
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(ids("q=Acme") == V{acme_id});
  CHECK(ids("q=acme%20p") == V{acme_id});
  CHECK(ids("q=Portal").empty());  // prefix, not contains
  CHECK(ids("q=test") == V{h.app_id});
  CHECK(ids("filter=status%20eq%20%22ACTIVE%22") == V{h.app_id});
  CHECK(ids("filter=status%20eq%20%22INACTIVE%22") == V{acme_id});
  CHECK(ids("filter=name%20eq%20%22" + acme_name + "%22") == V{acme_id});
  CHECK(ids("q=Acme&filter=status%20eq%20%22ACTIVE%22").empty());
  auto bad = h.Call("GET", "/api/v1/apps?filter=label%20sw%20%22A%22");
  CHECK(bad.status == 400);
  CHECK(bad.body["errorCode"] == "E0000031");
}

TEST_CASE("user lifecycle follows Okta's statuses", "[okta][api][users]") {
  Harness h;
  auto staged = h.Call("POST", "/api/v1/users?activate=false",
                       Json{{"profile", Json{{"login", "s@x.test"}, {"email", "s@x.test"}, {"firstName", "S"}, {"lastName", "T"}}}});
  CHECK(staged.body["status"] == "STAGED");
  std::string id = staged.body["id"];
  CHECK(id.size() == 20);
  CHECK(h.Call("POST", "/api/v1/users/" + id + "/lifecycle/activate").status == 200);
  CHECK(h.Call("GET", "/api/v1/users/" + id).body["status"] == "ACTIVE");
  CHECK(h.Call("POST", "/api/v1/users/" + id + "/lifecycle/suspend").status == 200);
  CHECK(h.Call("GET", "/api/v1/users/" + id).body["status"] == "SUSPENDED");
  CHECK(h.Call("POST", "/api/v1/users/" + id + "/lifecycle/unsuspend").status == 200);
  CHECK(h.Call("POST", "/api/v1/users/" + id + "/lifecycle/deactivate").status == 200);
  CHECK(h.Call("GET", "/api/v1/users/" + id).body["status"] == "DEPROVISIONED");
  CHECK(h.Call("POST", "/api/v1/users/" + id + "/lifecycle/suspend").status == 400);
  CHECK(h.Call("POST", "/api/v1/users/" + id + "/lifecycle/reactivate").status == 200);
  CHECK(h.Call("GET", "/api/v1/users/s@x.test").body["status"] == "ACTIVE");
  CHECK(h.Call("DELETE", "/api/v1/users/" + id).status == 204);  // deactivates
  CHECK(h.Call("DELETE", "/api/v1/users/" + id).status == 204);  // deletes
  CHECK(h.Call("GET", "/api/v1/users/" + id).status == 404);
}

TEST_CASE("groups, members and a user's groups", "[okta][api][groups]") {
  Harness h;
  std::string uid = h.CreateUser("m@x.test", "M", "X");
  std::string gid = h.CreateGroup("Engineering");
  CHECK(gid.rfind("00g", 0) == 0);
  CHECK(h.Call("PUT", "/api/v1/groups/" + gid + "/users/" + uid).status == 204);
  CHECK(h.Call("GET", "/api/v1/groups/" + gid + "/users").body[0]["id"] == uid);
  CHECK(h.Call("GET", "/api/v1/users/" + uid + "/groups").body[0]["profile"]["name"] == "Engineering");
  CHECK(h.Call("DELETE", "/api/v1/groups/" + gid + "/users/" + uid).status == 204);
  CHECK(h.Call("GET", "/api/v1/groups/" + gid + "/users").body.empty());
  CHECK(h.Call("DELETE", "/api/v1/groups/" + gid).status == 204);
}

TEST_CASE("apps expose connections/default and the USER_PROVISIONING feature", "[okta][api][apps]") {
  Harness h;
  auto app = h.Call("GET", "/api/v1/apps/" + h.app_id).body;
  CHECK(app["id"].get<std::string>().rfind("0oa", 0) == 0);
  CHECK(app["signOnMode"] == "AUTO_LOGIN");
  auto conn = h.Call("GET", "/api/v1/apps/" + h.app_id + "/connections/default").body;
  CHECK(conn["authScheme"] == "TOKEN");
  CHECK(conn["status"] == "ENABLED");
  CHECK(conn["baseUrl"] == h.scim.base_url());
  auto features = h.Call("GET", "/api/v1/apps/" + h.app_id + "/features").body;
  REQUIRE(features.size() == 1);
  CHECK(features[0]["name"] == "USER_PROVISIONING");
  CHECK(features[0]["capabilities"]["create"]["lifecycleCreate"]["status"] == "ENABLED");
  auto put = h.Call("PUT", "/api/v1/apps/" + h.app_id + "/features/USER_PROVISIONING",
                    Json{{"create", Json{{"lifecycleCreate", Json{{"status", "DISABLED"}}}}},
                         {"update", Json{{"password", Json{{"status", "ENABLED"}}}}}});
  CHECK(put.status == 200);
  CHECK(put.body["capabilities"]["create"]["lifecycleCreate"]["status"] == "DISABLED");
  CHECK(put.body["capabilities"]["update"]["password"]["status"] == "ENABLED");
  auto settings = h.Call("GET", "/sandbox/apps/" + h.app_id + "/provisioning").body;
  CHECK(settings["createUsers"] == false);
  CHECK(settings["syncPassword"] == true);
  CHECK(settings["token"] == "********");
  CHECK(h.Call("PATCH", "/sandbox/apps/" + h.app_id + "/provisioning", Json{{"clientProfile", "nope"}}).status == 400);
  CHECK(h.Call("PATCH", "/sandbox/apps/" + h.app_id + "/provisioning", Json{{"noSuchSetting", 1}}).status == 400);
  CHECK(h.Call("DELETE", "/api/v1/apps/" + h.app_id).status == 400);  // active
  CHECK(h.Call("POST", "/api/v1/apps/" + h.app_id + "/lifecycle/deactivate").status == 200);
  CHECK(h.Call("GET", "/api/v1/apps/" + h.app_id).body["status"] == "INACTIVE");
}

TEST_CASE("group assignment assigns members and removal from the group unassigns them", "[okta][api][assign]") {
  Harness h;
  std::string uid = h.CreateUser("g@x.test", "G", "X");
  std::string gid = h.CreateGroup("App Users");
  h.Call("PUT", "/api/v1/groups/" + gid + "/users/" + uid);
  auto rs = h.Do([&] { CHECK(h.Call("PUT", "/api/v1/apps/" + h.app_id + "/groups/" + gid, Json::object()).status == 200); });
  CHECK(rs.size() == 2);  // lookup + POST
  auto au = h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).body;
  CHECK(au["scope"] == "GROUP");
  CHECK(h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 400);
  auto off = h.Do([&] { h.Call("DELETE", "/api/v1/groups/" + gid + "/users/" + uid); });
  CHECK(off.size() == 2);  // GET + PUT active:false
  CHECK(h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 404);
}

TEST_CASE("group push mappings are listed, deactivated and block deleting the Okta group", "[okta][api][push]") {
  Harness h;
  std::string gid = h.CreateGroup("Pushed");
  auto m = h.Call("POST", "/api/v1/apps/" + h.app_id + "/group-push/mappings", Json{{"sourceGroupId", gid}});
  REQUIRE(m.status == 201);  // Okta answers 201 Created (G2)
  CHECK(m.body["id"].get<std::string>().rfind("gPm", 0) == 0);
  h.Wait();
  auto list = h.Call("GET", "/api/v1/apps/" + h.app_id + "/group-push/mappings").body;
  REQUIRE(list.size() == 1);
  CHECK(list[0]["targetGroupId"].is_string());
  CHECK(h.Call("DELETE", "/api/v1/groups/" + gid).status == 400);
  auto off = h.Call("PATCH", "/api/v1/apps/" + h.app_id + "/group-push/mappings/" + m.body["id"].get<std::string>(),
                    Json{{"status", "INACTIVE"}});
  CHECK(off.body["status"] == "INACTIVE");
}

TEST_CASE("creating a group push mapping answers 201 Created with the mapping", "[okta][api][push]") {
  Harness h;
  std::string gid = h.CreateGroup("Created");
  auto m = h.Call("POST", "/api/v1/apps/" + h.app_id + "/group-push/mappings",
                  Json{{"sourceGroupId", gid}, {"targetGroupName", "Created"}, {"status", "ACTIVE"}});
  CHECK(m.status == 201);
  CHECK(m.body["sourceGroupId"] == gid);
  CHECK(m.body["status"] == "ACTIVE");
  auto bad = h.Call("POST", "/api/v1/apps/" + h.app_id + "/group-push/mappings", Json{{"sourceGroupId", "00gnope"}});
  CHECK(bad.status >= 400);
  h.Wait();
}

TEST_CASE("the System Log lists events with Okta's fields", "[okta][api][logs]") {
  Harness h;
  h.CreateUser("l@x.test", "L", "X");
  auto logs = h.Call("GET", "/api/v1/logs?limit=1000").body;
  REQUIRE(!logs.empty());
  bool found = false;
  for (const auto& e : logs) {
    if (e["eventType"] == "user.lifecycle.create") {
      found = true;
      CHECK(e["outcome"]["result"] == "SUCCESS");
      CHECK(e["published"] == "2026-01-01T00:00:00.000Z");
      CHECK(e["uuid"].get<std::string>().size() == 36);
    }
  }
  CHECK(found);
}

TEST_CASE("the preset creates the NordPass-style app once", "[okta][api][preset]") {
  core::ManualClock clock(Epoch());
  okta::Config c;
  c.port = 0;
  c.clock = &clock;
  c.preset = okta::PresetApp{"http://127.0.0.1:7020/scim/v2", "secret"};
  okta::MockOkta okta(c);
  REQUIRE(okta.Start().ok());
  CHECK(okta.api_token().size() >= 30);
  auto client = core::MakeClient(okta.base_url());
  auto res = client->Get("/api/v1/apps", {{"Authorization", "SSWS " + okta.api_token()}});
  REQUIRE(res);
  auto apps = *core::ParseJson(res->body);
  REQUIRE(apps.size() == 1);
  CHECK(apps[0]["label"] == "NordPass Provisioning");
  std::string id = apps[0]["id"];
  auto s = *core::ParseJson(client->Get("/sandbox/apps/" + id + "/provisioning")->body);
  CHECK(s["uniqueField"] == "email");
  CHECK(s["clientProfile"] == "aiw_put");
  CHECK(s["enabled"] == true);
  CHECK(s["pushGroups"] == true);
  CHECK(s["importGroups"] == false);
  client.reset();
  okta.Stop();
}

TEST_CASE("a doubled slash redirects with 308 to the same origin, never to another host", "[okta][api][redirect]") {
  Harness h;
  auto ok = h.Call("GET", "//api/v1/users?limit=2");
  CHECK(ok.status == 308);
  CHECK(ok.headers.find("Location")->second == "/api/v1/users?limit=2");
  // Raw bytes: httplib's client decodes Location, which would hide the difference.
  for (const char* evil : {"//%5Cevil.example/", "///evil.example/", "//%5C%5Cevil.example/x"}) {
    INFO(evil);
    scimtest::RawConnection conn(h.okta().port());
    auto r = conn.Send(std::string("GET ") + evil + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    REQUIRE(r.status == 308);
    std::string location = r.header("location");
    INFO(location);
    CHECK(location.rfind("/", 0) == 0);
    CHECK(location.rfind("//", 0) != 0);
    CHECK(location.find('\\') == std::string::npos);
  }
}

TEST_CASE("wrongly typed body fields get 400 E0000001, not a 500", "[okta][api][errors]") {
  Harness h;
  auto group = h.Call("POST", "/api/v1/groups", Json{{"profile", Json{{"name", 5}}}});
  CHECK(group.status == 400);
  CHECK(group.body["errorCode"] == "E0000001");
  auto assign = h.Call("POST", "/api/v1/apps/" + h.app_id + "/users", Json{{"id", 5}});
  CHECK(assign.status == 400);
  CHECK(assign.body["errorCode"] == "E0000001");
  auto array = h.Call("POST", "/api/v1/users?activate=true",
                      Json{{"profile", Json{{"login", Json::array({"a"})}, {"email", "x@example.com"},
                                            {"firstName", "X"}, {"lastName", "Y"}}}});
  CHECK(array.status == 400);
  // Nothing was created by the refused requests.
  CHECK(h.Call("GET", "/api/v1/groups").body.size() == 0);
}

TEST_CASE("local controls refuse other web origins and foreign Host names; sign-on endpoints do not",
          "[okta][api][origin]") {
  Harness h;
  std::string self = h.okta().base_url();
  // One connection per request: a refused request's body is never read (the
  // refusal comes before it), so its connection is not fit for another request.
  auto send = [&](const std::string& method, const std::string& path, httplib::Headers headers,
                  const std::string& body = "{}") {
    auto client = core::MakeClient(self, 5, 30);
    client->set_keep_alive(false);
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = std::move(headers);
    if (method != "GET") {
      req.body = body;
      req.headers.emplace("Content-Type", "application/json");
    }
    auto res = client->send(req);
    return res ? res->status : 0;
  };
  std::string user = h.CreateUser("keep@example.com", "Keep", "Me");
  httplib::Headers evil{{"Origin", "https://evil.example"}};
  CHECK(send("POST", "/sandbox/reset", evil) == 403);
  CHECK(send("POST", "/sandbox/time", evil, R"({"advanceSeconds":3600})") == 403);
  CHECK(send("POST", "/sandbox/engine", evil, R"({"paused":true})") == 403);
  httplib::Headers evil_api = evil;
  evil_api.emplace("Authorization", "SSWS test-api-token");
  CHECK(send("DELETE", "/api/v1/users/" + user, evil_api) == 403);
  CHECK(h.Call("GET", "/api/v1/users/" + user).status == 200);  // nothing changed
  CHECK(h.Call("GET", "/sandbox/time").body.value("offsetMs", int64_t{0}) == 0);
  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example.
  CHECK(send("GET", "/sandbox/console/session", {{"Host", "evil.example"}}) == 403);
  CHECK(send("GET", "/sandbox/tasks", {{"Host", "evil.example:7010"}}) == 403);
  // This machine's own pages: loopback names, same Origin.
  CHECK(send("GET", "/sandbox/tasks", {{"Host", "localhost"}}) == 200);
  CHECK(send("POST", "/sandbox/engine", {{"Origin", self}}, R"({"paused":false})") == 200);
  // Sign-on endpoints answer other origins by design.
  CHECK(send("GET", "/.well-known/openid-configuration", evil) == 200);
  CHECK(send("POST", "/oauth2/default/v1/token", evil, "") != 403);
}

TEST_CASE("a member who joins an assigned group is unassigned again when leaving it", "[okta][api][assign]") {
  Harness h;
  std::string gid = h.CreateGroup("Joined Later");
  REQUIRE(h.Call("PUT", "/api/v1/apps/" + h.app_id + "/groups/" + gid, Json::object()).status == 200);
  std::string uid = h.CreateUser("later@x.test", "La", "Ter");
  h.Do([&] { REQUIRE(h.Call("PUT", "/api/v1/groups/" + gid + "/users/" + uid).status == 204); });
  auto au = h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).body;
  CHECK(au["scope"] == "GROUP");
  CHECK(h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 400);  // not a direct assignment
  auto off = h.Do([&] { h.Call("DELETE", "/api/v1/groups/" + gid + "/users/" + uid); });
  CHECK(off.size() == 2);  // GET + PUT active:false
  CHECK(h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 404);
}
