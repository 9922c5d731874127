// Bad input gets a clear, standard error and never changes stored data.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <catch2/catch.hpp>

#include "test_server.h"

using core::Json;
using scimtest::ErrorType;
using scimtest::TestServer;

namespace {

// Everything a client can read, to compare before and after.
std::string Snapshot(TestServer& s) {
  return s.Get("/Users?count=1000").body + "\n" + s.Get("/Groups?count=1000").body;
}

}  // namespace

TEST_CASE("malformed, mistyped, huge, deep and unknown input is refused and changes nothing", "[scim][bad_input]") {
  scim::Config config;
  config.max_body_bytes = 64 * 1024;
  TestServer s(config);
  std::string uid = s.CreateUser("keep.me@example.com");
  std::string gid = s.CreateGroup("Keep", {uid});
  const std::string before = Snapshot(s);

  struct Case {
    const char* name;
    std::string method, path, body;
    int status;
    const char* scim_type;  // nullptr: don't check
  };
  std::string huge = R"({"userName":"x@example.com","displayName":")" + std::string(70 * 1024, 'a') + "\"}";
  std::string deep = std::string(500, '[') + std::string(500, ']');
  std::string deep_obj = R"({"userName":"d@example.com","name":)" + std::string(200, '{') + std::string(200, '}') + "}";
  const std::vector<Case> cases = {
      {"truncated JSON", "POST", "/Users", R"({"userName": "a@b.c")", 400, "invalidSyntax"},
      {"not JSON", "POST", "/Users", "userName=a", 400, "invalidSyntax"},
      {"empty body", "POST", "/Users", "", 400, "invalidSyntax"},
      {"array body", "POST", "/Users", "[1,2]", 400, "invalidSyntax"},
      {"number beyond a double", "POST", "/Users", R"({"userName":"big@example.com","x":1e400})", 400, "invalidSyntax"},
      {"wrong type: userName", "POST", "/Users", R"({"userName":42})", 400, "invalidValue"},
      {"wrong type: active", "PUT", "/Users/" + uid, R"({"userName":"keep.me@example.com","active":"yes"})", 400, "invalidValue"},
      {"wrong type: emails", "PUT", "/Users/" + uid, R"({"userName":"keep.me@example.com","emails":"a@b.c"})", 400, "invalidValue"},
      {"unknown attribute", "PUT", "/Users/" + uid, R"({"userName":"keep.me@example.com","shoeSize":44})", 400, "invalidValue"},
      {"unknown schema", "POST", "/Users", R"({"schemas":["urn:x:y"],"userName":"n@example.com"})", 400, "invalidValue"},
      {"huge body", "POST", "/Users", huge, 413, nullptr},
      {"deep nesting", "POST", "/Users", deep, 400, "invalidSyntax"},
      {"deep object nesting", "POST", "/Users", deep_obj, 400, nullptr},
      {"PATCH not a PatchOp", "PATCH", "/Users/" + uid, R"({"Operations":[]})", 400, nullptr},
      {"PATCH bad op", "PATCH", "/Users/" + uid,
       R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"explode","path":"userName","value":"x"}]})", 400, nullptr},
      {"PATCH second op fails", "PATCH", "/Users/" + uid,
       R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Changed"},{"op":"replace","path":"nope","value":1}]})", 400, "invalidPath"},
      {"PATCH removes required userName", "PATCH", "/Users/" + uid,
       R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"userName"}]})", 400, nullptr},
      {"PATCH group unknown member", "PATCH", "/Groups/" + gid,
       R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"value":"no-such-user"}]}]})", 400, "invalidValue"},
      {"PUT group unknown member", "PUT", "/Groups/" + gid, R"({"displayName":"Keep","members":[{"value":"ghost"}]})", 400, "invalidValue"},
      {"invalid filter", "GET", "/Users?filter=userName%20eq", "", 400, "invalidFilter"},
      {"invalid filter operator", "GET", "/Users?filter=userName%20is%20%22x%22", "", 400, "invalidFilter"},
      {"filter on unknown attribute", "GET", "/Users?filter=shoeSize%20eq%201", "", 400, "invalidFilter"},
      {"unbalanced filter", "GET", "/Users?filter=(userName%20eq%20%22x%22", "", 400, "invalidFilter"},
      {"unknown user id", "PUT", "/Users/00000000-0000-0000-0000-000000000000", R"({"userName":"z@example.com"})", 404, nullptr},
      {"unknown group id", "DELETE", "/Groups/unknown", "", 404, nullptr},
      {"duplicate userName on PUT", "POST", "/Users", R"({"userName":"KEEP.ME@example.com"})", 409, "uniqueness"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = s.Send(c.method, c.path, c.body);
    CHECK(r.status == c.status);
    CHECK(r.header("Content-Type").find("application/scim+json") == 0);
    std::string type = ErrorType(r);
    CHECK(type.find('<') == std::string::npos);
    if (c.scim_type) CHECK(type == c.scim_type);
    CHECK(Snapshot(s) == before);
  }
}

TEST_CASE("the store keeps its data across a restart", "[scim][storage]") {
  auto dir = std::filesystem::temp_directory_path() / ("okta-sandbox-scim-restart-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  scim::Config config;
  config.db_path = (dir / "scim.db").string();
  std::string uid, gid;
  {
    TestServer s(config);
    uid = s.CreateUser("persist@example.com");
    gid = s.CreateGroup("Persisted", {uid});
  }
  TestServer s(config);
  auto u = s.Get("/Users/" + uid);
  REQUIRE(u.status == 200);
  CHECK(u.json["userName"] == "persist@example.com");
  CHECK(u.json["groups"][0]["value"] == gid);
  std::filesystem::remove_all(dir);
}

TEST_CASE("without a configured token one is generated once and kept in the store", "[scim][auth][storage]") {
  auto dir = std::filesystem::temp_directory_path() / ("okta-sandbox-scim-token-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  scim::Config config;
  config.port = 0;
  config.db_path = (dir / "scim.db").string();
  std::string first;
  {
    scim::ScimServer server(config);
    REQUIRE(server.Start().ok());
    first = server.token();
    CHECK(first.size() >= 32);
  }
  scim::ScimServer server(config);
  REQUIRE(server.Start().ok());
  CHECK(server.token() == first);
  std::filesystem::remove_all(dir);
}

TEST_CASE("concurrent writers and readers are safe", "[scim][concurrency]") {
  auto dir = std::filesystem::temp_directory_path() / ("okta-sandbox-scim-concurrency-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  scim::Config config;
  config.db_path = (dir / "scim.db").string();
  TestServer s(config);
  std::string gid = s.CreateGroup("Everyone");
  constexpr int kThreads = 4, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      TestServer* server = &s;
      auto client = core::MakeClient("http://127.0.0.1:" + std::to_string(server->server().port()));
      httplib::Headers h = {{"Authorization", std::string("Bearer ") + scimtest::kToken}};
      for (int i = 0; i < kPerThread; ++i) {
        std::string name = "u" + std::to_string(t) + "-" + std::to_string(i) + "@example.com";
        auto r = client->Post("/scim/v2/Users", h, R"({"userName":")" + name + "\"}", "application/scim+json");
        if (!r || r->status != 201) { ++failures; continue; }
        auto id = core::ParseJson(r->body)->at("id").get<std::string>();
        std::string patch = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":")" + id + "\"}]}]}";
        auto p = client->Patch(("/scim/v2/Groups/" + gid).c_str(), h, patch, "application/scim+json");
        if (!p || p->status != 200) ++failures;
        auto g = client->Get("/scim/v2/Users?filter=userName%20eq%20%22" + name + "%22", h);
        if (!g || g->status != 200) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(s.Get("/Users?count=0").json["totalResults"] == kThreads * kPerThread);
  CHECK(s.Get("/Groups/" + gid).json["members"].size() == kThreads * kPerThread);
  std::filesystem::remove_all(dir);
}

TEST_CASE("long or/and chains and negative counts get answers, not 500s", "[scim][bad_input]") {
  TestServer s;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(s.CreateUser("chain" + std::to_string(i) + "@example.com"));
  // 1,000 terms (the parser's limit): SQLite once overflowed its parser stack from ~90.
  std::string ors;
  for (int i = 0; i < 1000; ++i) {
    if (i) ors += " or ";
    ors += "userName eq \"chain" + std::to_string(i % 500) + "@example.com\"";
  }
  auto r = s.Post("/Users/.search", Json{{"filter", ors}});
  INFO(r.body.substr(0, 300));
  REQUIRE(r.status == 200);
  CHECK(r.json["totalResults"] == 3);
  std::string ands = "userName pr";
  for (int i = 0; i < 300; ++i) ands += " and active eq true";
  auto a = s.Post("/Users/.search", Json{{"filter", ands}});
  REQUIRE(a.status == 200);
  CHECK(a.json["totalResults"] == 3);
  // Mixed: (x or y) and z keeps its meaning after regrouping.
  auto m = s.Post("/Users/.search", Json{{"filter", "(userName eq \"chain0@example.com\" or userName eq "
                                                    "\"chain1@example.com\" or userName eq \"x@y.z\") and active eq true"}});
  CHECK(m.json["totalResults"] == 2);
  // RFC 7644 §3.4.2.4: a negative count is 0.
  auto neg = s.Get("/Users?count=-5");
  REQUIRE(neg.status == 200);
  CHECK(neg.json["totalResults"] == 3);
  CHECK(neg.json["itemsPerPage"] == 0);
  CHECK((!neg.json.contains("Resources") || neg.json["Resources"].empty()));
  auto negb = s.Post("/Users/.search", Json{{"count", -5}});
  CHECK(negb.json["itemsPerPage"] == 0);
}

TEST_CASE("a body announced over the limit is refused at once, without waiting for it", "[scim][bad_input]") {
  scim::Config config;
  config.max_body_bytes = 64 * 1024;
  TestServer s(config);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(s.server().port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  // 100 MB announced, 11 bytes sent, then nothing: the answer must not need the rest.
  std::string head = "POST /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                     std::string(scimtest::kToken) +
                     "\r\nContent-Type: application/scim+json\r\nContent-Length: 100000000\r\n\r\n{\"userName\"";
  REQUIRE(::send(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()));
  pollfd p{fd, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 3000) == 1);  // the server used to read (and wait for) the whole body first: 30 s
  char buf[512];
  ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
  ::close(fd);
  REQUIRE(n > 0);
  std::string reply(buf, static_cast<size_t>(n));
  CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(reply.find("Connection: close") != std::string::npos);
  CHECK(s.Get("/Users").status == 200);  // and the server still answers
}
