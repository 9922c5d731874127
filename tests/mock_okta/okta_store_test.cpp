#include "mock_okta/okta_store.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <set>
#include <unistd.h>

#include "mock_okta/okta_ids.h"

using namespace okta;

TEST_CASE("Okta ids are a 3-character prefix and 17 base62 characters, reproducible with a seed", "[okta][ids]") {
  OktaIds a(42), b(42);
  std::string id = a.NewId("00u");
  CHECK(id.size() == 20);
  CHECK(id.rfind("00u", 0) == 0);
  for (char c : id.substr(3)) CHECK(std::isalnum(static_cast<unsigned char>(c)));
  CHECK(b.NewId("00u") == id);
  std::string pw = a.NewPassword();
  CHECK(pw.size() == 8);
  CHECK(a.NewUuid().size() == 36);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(a.NewId("00g"));
  CHECK(seen.size() == 1000);
}

TEST_CASE("the store keeps users in insertion order, enforces unique logins and pages by seq", "[okta][store]") {
  auto store = OktaStore::Open(":memory:");
  REQUIRE(store.ok());
  OktaStore& s = **store;
  for (int i = 0; i < 3; ++i) {
    User u;
    u.id = "00u" + std::to_string(i);
    u.profile = core::Json{{"login", "u" + std::to_string(i) + "@x"}};
    REQUIRE(s.PutUser(u).ok());
  }
  User dup;
  dup.id = "00uX";
  dup.profile = core::Json{{"login", "U1@X"}};
  auto st = s.PutUser(dup);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == core::ErrorCode::kConflict);
  auto first = s.ListUsers(0, 2);
  REQUIRE(first.size() == 2);
  auto rest = s.ListUsers(first.back().seq, 10);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].id == "00u2");
  CHECK(s.LookupUserByLogin("u2@X")->id == "00u2");
  // Updating keeps the position.
  User again = *s.LookupUser("00u0");
  again.profile["firstName"] = "Z";
  REQUIRE(s.PutUser(again).ok());
  CHECK(s.ListUsers(0, 1)[0].profile["firstName"] == "Z");
}

TEST_CASE("memberships, app users and push mappings round-trip", "[okta][store]") {
  auto store = OktaStore::Open(":memory:");
  REQUIRE(store.ok());
  OktaStore& s = **store;
  REQUIRE(s.AddMember("g1", "u1").ok());
  REQUIRE(s.AddMember("g1", "u2").ok());
  REQUIRE(s.AddMember("g1", "u1").ok());
  CHECK(s.ListMemberIds("g1") == std::vector<std::string>{"u1", "u2"});
  CHECK(s.ListGroupIdsOfUser("u2") == std::vector<std::string>{"g1"});
  REQUIRE(s.RemoveMember("g1", "u1").ok());
  CHECK_FALSE(s.IsMember("g1", "u1"));

  AppUser au;
  au.app_id = "a1";
  au.user_id = "u2";
  au.external_id = "remote-1";
  au.via_groups = {"g1"};
  REQUIRE(s.PutAppUser(au).ok());
  auto back = s.LookupAppUser("a1", "u2");
  REQUIRE(back);
  CHECK(back->external_id == "remote-1");
  CHECK(back->via_groups == std::vector<std::string>{"g1"});
  CHECK(s.ListAppUsersOfUser("u2").size() == 1);

  GroupPush m;
  m.id = "gPm1";
  m.app_id = "a1";
  m.source_group_id = "g1";
  m.pushed_member_ids = {"u2"};
  REQUIRE(s.PutGroupPush(m).ok());
  CHECK(s.ListGroupPushesOfGroup("g1").size() == 1);
  CHECK(s.ListGroupPushes("a1")[0].pushed_member_ids == std::vector<std::string>{"u2"});
  CHECK(s.ListGroupPushes("other").empty());
}

TEST_CASE("the facts every job reads are cached and forgotten by the writes they depend on", "[okta][store]") {
  auto store = OktaStore::Open(":memory:");
  REQUIRE(store.ok());
  OktaStore& s = **store;
  // Group pushes per app: cached after the first read, forgotten by a put or delete.
  CHECK_FALSE(s.AppHasGroupPushes("a1"));
  GroupPush m;
  m.id = "gPm1";
  m.app_id = "a1";
  m.source_group_id = "g1";
  REQUIRE(s.PutGroupPush(m).ok());
  CHECK(s.AppHasGroupPushes("a1"));
  CHECK_FALSE(s.AppHasGroupPushes("a2"));
  REQUIRE(s.DeleteGroupPush("gPm1").ok());
  CHECK_FALSE(s.AppHasGroupPushes("a1"));

  // Unresolved tasks: "none" is cached, and a task written afterwards is seen.
  CHECK(s.ListUnresolvedTasks("a1").empty());
  Task t;
  t.id = "tsk1";
  t.app_id = "a1";
  REQUIRE(s.PutTask(t).ok());
  REQUIRE(s.ListUnresolvedTasks("a1").size() == 1);
  t.status = TaskStatus::kResolved;
  REQUIRE(s.PutTask(t).ok());
  CHECK(s.ListUnresolvedTasks("a1").empty());
  CHECK(s.ListUnresolvedTasks("a1").empty());  // now from memory
  // A batch that is rolled back leaves no stale fact behind.
  t.status = TaskStatus::kOpen;
  CHECK_FALSE(s.Batch([&] {
                 REQUIRE(s.PutTask(t).ok());
                 CHECK(s.ListUnresolvedTasks("a1").size() == 1);  // inside the batch: its own write
                 return core::MakeError(core::ErrorCode::kInternal, "undo");
               }).ok());
  CHECK(s.ListUnresolvedTasks("a1").empty());
  CHECK(s.LookupTask("tsk1")->status == TaskStatus::kResolved);

  // One app user read, changed and written back in one transaction.
  auto missing = s.UpdateAppUser("a1", "u9", [](AppUser&) { return true; });
  REQUIRE(missing.ok());
  CHECK_FALSE(*missing);
  AppUser au;
  au.app_id = "a1";
  au.user_id = "u1";
  REQUIRE(s.PutAppUser(au).ok());
  auto changed = s.UpdateAppUser("a1", "u1", [](AppUser& a) {
    a.external_id = "remote-7";
    return true;
  });
  REQUIRE(changed.ok());
  CHECK(*changed);
  CHECK(s.LookupAppUser("a1", "u1")->external_id == "remote-7");
  auto kept = s.UpdateAppUser("a1", "u1", [](AppUser& a) {
    a.external_id = "not-written";
    return false;
  });
  REQUIRE(kept.ok());
  CHECK(s.LookupAppUser("a1", "u1")->external_id == "remote-7");
}

TEST_CASE("users and app users are served from memory as written, and only committed rows stay", "[okta][store]") {
  char dir[] = "/tmp/okta_store_cache_XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  std::string path = std::string(dir) + "/okta.db";
  {
    auto store = OktaStore::Open(path);  // a file store: reads use their own connections
    REQUIRE(store.ok());
    OktaStore& s = **store;
    User u;
    u.id = "00u1";
    u.profile = core::Json{{"login", "ann@example.com"}};
    REQUIRE(s.PutUser(u).ok());
    AppUser au;
    au.app_id = "0oa1";
    au.user_id = "00u1";
    au.user_name = "ann";
    REQUIRE(s.PutAppUser(au).ok());

    // Written rows are answered from memory, with the seq the table gave them.
    auto before_u = s.user_cache_stats();
    auto before_au = s.app_user_cache_stats();
    REQUIRE(s.LookupUser("00u1"));
    CHECK(s.LookupUser("00u1")->profile["login"] == "ann@example.com");
    CHECK(s.LookupUser("00u1")->seq == s.ListUsers(0, 10).at(0).seq);
    CHECK(s.LookupAppUser("0oa1", "00u1")->seq == s.ListAppUsers("0oa1").at(0).seq);
    CHECK(s.user_cache_stats().hits == before_u.hits + 3);
    CHECK(s.user_cache_stats().misses == before_u.misses);
    CHECK(s.app_user_cache_stats().hits == before_au.hits + 1);
    CHECK(s.app_user_cache_stats().misses == before_au.misses);
    CHECK_FALSE(s.LookupAppUser("0oa1", "00u2"));  // a miss, not cached as anything

    // A batch that is rolled back leaves the stored row, in memory and on disk.
    CHECK_FALSE(s.Batch([&] {
                   AppUser changed = au;
                   changed.user_name = "not-kept";
                   REQUIRE(s.PutAppUser(changed).ok());
                   CHECK(s.LookupAppUser("0oa1", "00u1")->user_name == "not-kept");  // its own write
                   return core::MakeError(core::ErrorCode::kInternal, "undo");
                 }).ok());
    CHECK(s.LookupAppUser("0oa1", "00u1")->user_name == "ann");
    CHECK(s.ListAppUsers("0oa1").at(0).user_name == "ann");

    // A committed batch's rows are cached as written.
    REQUIRE(s.Batch([&] {
                 AppUser changed = au;
                 changed.user_name = "ann2";
                 return s.PutAppUser(changed);
               }).ok());
    auto hits = s.app_user_cache_stats().hits;
    CHECK(s.LookupAppUser("0oa1", "00u1")->user_name == "ann2");
    CHECK(s.app_user_cache_stats().hits == hits + 1);

    // UpdateAppUser changes the cached row and the table alike.
    REQUIRE(*s.UpdateAppUser("0oa1", "00u1", [](AppUser& a) {
      a.external_id = "remote-1";
      return true;
    }));
    CHECK(s.LookupAppUser("0oa1", "00u1")->external_id == "remote-1");
    CHECK(s.ListAppUsers("0oa1").at(0).external_id == "remote-1");
    // That write is deferred to the writing thread: a later direct write
    // still wins, in memory and in the table, before and after the flush.
    REQUIRE(*s.UpdateAppUser("0oa1", "00u1", [](AppUser& a) {
      a.user_name = "deferred";
      return true;
    }));
    AppUser later = *s.LookupAppUser("0oa1", "00u1");
    CHECK(later.user_name == "deferred");
    later.user_name = "direct";
    REQUIRE(s.PutAppUser(later).ok());
    CHECK(s.ListAppUsers("0oa1").at(0).user_name == "direct");
    REQUIRE(s.FlushAppends().ok());
    CHECK(s.ListAppUsersOfUser("00u1").at(0).user_name == "direct");
    CHECK(s.LookupAppUser("0oa1", "00u1")->user_name == "direct");

    // Deletes and a reset leave nothing behind in memory.
    REQUIRE(s.DeleteAppUser("0oa1", "00u1").ok());
    CHECK_FALSE(s.LookupAppUser("0oa1", "00u1"));
    REQUIRE(s.ResetAll().ok());
    CHECK_FALSE(s.LookupUser("00u1"));
  }
  {
    // Reopened: nothing in memory, everything read back from the file.
    auto store = OktaStore::Open(path);
    REQUIRE(store.ok());
    User u;
    u.id = "00u3";
    u.profile = core::Json{{"login", "bo@example.com"}};
    REQUIRE((*store)->PutUser(u).ok());
    AppUser au;
    au.app_id = "0oa1";
    au.user_id = "00u3";
    REQUIRE((*store)->PutAppUser(au).ok());
    REQUIRE(*(*store)->UpdateAppUser("0oa1", "00u3", [](AppUser& a) {  // deferred, then the store closes
      a.external_id = "remote-3";
      return true;
    }));
  }
  {
    auto store = OktaStore::Open(path);
    REQUIRE(store.ok());
    CHECK((*store)->LookupUser("00u3")->profile["login"] == "bo@example.com");
    CHECK((*store)->user_cache_stats().misses == 1);
    CHECK((*store)->LookupUser("00u3"));
    CHECK((*store)->user_cache_stats().hits == 1);  // the read was kept
    CHECK((*store)->LookupAppUser("0oa1", "00u3")->external_id == "remote-3");  // written when the store closed
  }
  for (const char* f : {"/okta.db", "/okta.db-wal", "/okta.db-shm"}) std::remove((std::string(dir) + f).c_str());
  ::rmdir(dir);
}

TEST_CASE("a row cache stays bounded and never keeps a read that raced a write or a batch", "[okta][store]") {
  RowCache<int> c(3);
  for (int i = 0; i < 5; ++i) c.Set("k" + std::to_string(i), i);
  CHECK(c.stats().rows == 3);  // full: a row was dropped for each new one
  c.Set("k4", 40);             // replacing a cached row drops nothing
  CHECK(c.stats().rows == 3);
  uint64_t epoch = 0;
  CHECK(c.Find("k4", &epoch) == std::optional<int>(40));

  // A reader missed, then a write happened before it offered what it read.
  c.Clear();
  REQUIRE_FALSE(c.Find("a", &epoch));
  c.Set("a", 2);  // the write
  c.Offer("a", 1, epoch);
  uint64_t ignored = 0;
  CHECK(c.Find("a", &ignored) == std::optional<int>(2));

  // While a batch is open, reads are not kept; once it ends they are.
  REQUIRE_FALSE(c.Find("b", &epoch));
  c.SetBatchOpen(true);
  c.SetBatchOpen(true);  // nested
  REQUIRE_FALSE(c.Find("b", &epoch));
  c.Offer("b", 1, epoch);
  c.SetBatchOpen(false);
  REQUIRE_FALSE(c.Find("b", &epoch));
  c.Offer("b", 1, epoch);
  CHECK_FALSE(c.Find("b", &ignored));  // the outer batch is still open
  c.SetBatchOpen(false);
  REQUIRE_FALSE(c.Find("b", &epoch));
  c.Offer("b", 1, epoch);
  CHECK(c.Find("b", &ignored) == std::optional<int>(1));

  RowCache<int> none(0);  // capacity 0 caches nothing
  none.Set("x", 1);
  CHECK(none.stats().rows == 0);
}

TEST_CASE("a file store survives reopening", "[okta][store]") {
  std::string path = "/tmp/okta_store_test_" + std::to_string(::getpid()) + ".db";
  std::remove(path.c_str());
  {
    auto store = OktaStore::Open(path);
    REQUIRE(store.ok());
    Group g;
    g.id = "00g1";
    g.name = "Eng";
    REQUIRE((*store)->PutGroup(g).ok());
    REQUIRE((*store)->AddLog(core::Json{{"eventType", "x"}}).ok());
  }
  {
    auto store = OktaStore::Open(path);
    REQUIRE(store.ok());
    CHECK((*store)->LookupGroup("00g1")->name == "Eng");
    CHECK((*store)->ListLogs(0, 10).size() == 1);
  }
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

TEST_CASE("log and traffic appends are written in order and a read sees every append that returned", "[okta_store]") {
  auto store = okta::OktaStore::Open(":memory:");
  REQUIRE(store.ok());
  for (int i = 0; i < 1200; ++i) {
    REQUIRE((*store)->AddTraffic(core::Json{{"n", i}}).ok());
    if (i % 3 == 0) REQUIRE((*store)->AddLog(core::Json{{"n", i}}).ok());
  }
  auto traffic = (*store)->ListTraffic(0, -1);
  REQUIRE(traffic.size() == 1200);
  for (int i = 0; i < 1200; ++i) CHECK(traffic[i].second["n"] == i);
  auto logs = (*store)->ListLogs(0, -1);
  REQUIRE(logs.size() == 400);
  CHECK(logs.back().second["n"] == 1197);
  // Reset empties what was written and what was still pending.
  REQUIRE((*store)->AddLog(core::Json{{"n", -1}}).ok());
  REQUIRE((*store)->ResetAll().ok());
  CHECK((*store)->ListLogs(0, -1).empty());
  CHECK((*store)->ListTraffic(0, -1).empty());
}

TEST_CASE("retention keeps only the newest log events and traffic records", "[okta_store]") {
  auto store = okta::OktaStore::Open(":memory:");
  REQUIRE(store.ok());
  (*store)->SetRetention(50, 100);
  for (int i = 1; i <= 250; ++i) {
    REQUIRE((*store)->AddTraffic(core::Json{{"n", i}}).ok());
    REQUIRE((*store)->AddLog(core::Json{{"n", i}}).ok());
  }
  auto traffic = (*store)->ListTraffic(0, -1);
  REQUIRE(traffic.size() == 100);
  CHECK(traffic.front().second["n"] == 151);
  CHECK(traffic.back().second["n"] == 250);
  auto logs = (*store)->ListLogs(0, -1);
  REQUIRE(logs.size() == 50);
  CHECK(logs.front().second["n"] == 201);
}

TEST_CASE("retention by age deletes events and records older than the limit", "[okta_store]") {
  auto store = okta::OktaStore::Open(":memory:");
  REQUIRE(store.ok());
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  (*store)->SetMaxAge(std::chrono::seconds(100), [&t] { return t; });
  auto write = [&](int from, int to) {
    for (int i = from; i <= to; ++i) {
      REQUIRE((*store)->AddTraffic(core::Json{{"n", i}}).ok());
      REQUIRE((*store)->AddLog(core::Json{{"n", i}}).ok());
    }
    REQUIRE((*store)->FlushAppends().ok());
  };
  write(1, 10);                         // at 0 s
  t += std::chrono::seconds(60);
  write(11, 20);                        // at 60 s
  t += std::chrono::seconds(42);        // 102 s: the first ten are over 100 s (+ the 1 s window) old
  (*store)->TrimExpired();              // nothing new written: the writing thread's call
  auto traffic = (*store)->ListTraffic(0, -1);
  REQUIRE(traffic.size() == 10);
  CHECK(traffic.front().second["n"] == 11);
  CHECK((*store)->ListLogs(0, -1).size() == 10);
  t += std::chrono::seconds(30);        // 131 s: the rest is 71 s old, kept
  write(21, 25);
  CHECK((*store)->ListTraffic(0, -1).size() == 15);
  t += std::chrono::seconds(1000);
  (*store)->TrimExpired();
  CHECK((*store)->ListTraffic(0, -1).empty());
  CHECK((*store)->ListLogs(0, -1).empty());
}

TEST_CASE("the store's own checkpoint copies the WAL into a file database", "[okta_store]") {
  std::string path = "/tmp/okta_store_checkpoint_test_" + std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  {
    auto store = okta::OktaStore::Open(path);
    REQUIRE(store.ok());
    for (int i = 0; i < 500; ++i) REQUIRE((*store)->AddTraffic(core::Json{{"n", std::string(2000, 'x')}}).ok());
    REQUIRE((*store)->FlushAppends().ok());
    auto st = (*store)->Checkpoint();
    INFO((st.ok() ? std::string("ok") : st.error().detail));
    CHECK(st.ok());
    CHECK((*store)->ListTraffic(0, -1).size() == 500);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}
