#include <catch2/catch.hpp>

#include <filesystem>

#include "core/sqlite.h"

using namespace core;

TEST_CASE("migrations run once and bump user_version", "[core][sqlite]") {
  std::vector<Migration> m = {{1, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE)"},
                              {2, "ALTER TABLE t ADD COLUMN c TEXT"}};
  auto pool = DbPool::Open(":memory:", m);
  REQUIRE(pool.ok());
  int version = (*pool)->Read([](Db& db) {
    auto st = db.PrepareOnce("PRAGMA user_version");
    REQUIRE(st.ok());
    REQUIRE(*st->Step());
    return static_cast<int>(st->ColumnInt(0));
  });
  CHECK(version == 2);
}

TEST_CASE("a transaction that is not committed rolls back", "[core][sqlite]") {
  auto pool = DbPool::Open(":memory:", {{1, "CREATE TABLE t(a TEXT UNIQUE)"}});
  REQUIRE(pool.ok());
  (*pool)->Write([](Db& db) {
    {
      Transaction tx(db);
      REQUIRE(db.Exec("INSERT INTO t VALUES('x')").ok());
    }
    auto st = db.Prepare("SELECT count(*) FROM t");
    REQUIRE(st.ok());
    REQUIRE(*(*st)->Step());
    CHECK((*st)->ColumnInt(0) == 0);
  });
}

TEST_CASE("unique violations come back as kConflict", "[core][sqlite]") {
  auto pool = DbPool::Open(":memory:", {{1, "CREATE TABLE t(a TEXT UNIQUE)"}});
  REQUIRE(pool.ok());
  (*pool)->Write([](Db& db) {
    auto st = db.Prepare("INSERT INTO t VALUES(?)");
    REQUIRE(st.ok());
    (*st)->Bind(1, "x");
    REQUIRE((*st)->Exec().ok());
    auto st2 = db.Prepare("INSERT INTO t VALUES(?)");
    (*st2)->Bind(1, "x");
    auto s = (*st2)->Exec();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::kConflict);
  });
}

TEST_CASE("a file database is in WAL mode and its data survives reopening", "[core][sqlite]") {
  auto dir = std::filesystem::temp_directory_path() / "okta-sandbox-sqlite-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.db").string();
  std::vector<Migration> m = {{1, "CREATE TABLE t(a TEXT)"}};
  {
    auto pool = DbPool::Open(path, m);
    REQUIRE(pool.ok());
    (*pool)->Write([](Db& db) { REQUIRE(db.Exec("INSERT INTO t VALUES('kept')").ok()); });
  }
  auto pool = DbPool::Open(path, m);
  REQUIRE(pool.ok());
  (*pool)->Read([](Db& db) {
    auto st = db.PrepareOnce("SELECT a FROM t");
    REQUIRE(*st->Step());
    CHECK(st->ColumnText(0) == "kept");
    auto mode = db.PrepareOnce("PRAGMA journal_mode");
    REQUIRE(*mode->Step());
    CHECK(mode->ColumnText(0) == "wal");
  });
  std::filesystem::remove_all(dir);
}

TEST_CASE("a cached statement left on a row does not pin a stale snapshot", "[core][sqlite]") {
  auto dir = std::filesystem::temp_directory_path() / "okta-sandbox-sqlite-stale";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto pool = DbPool::Open((dir / "t.db").string(), {{1, "CREATE TABLE t(a INTEGER)"}});
  REQUIRE(pool.ok());
  auto count = [&] {
    return (*pool)->Read([](Db& db) {
      auto st = db.Prepare("SELECT count(*) FROM t");
      REQUIRE(*(*st)->Step());
      return (*st)->ColumnInt(0);  // deliberately not reset
    });
  };
  CHECK(count() == 0);
  (*pool)->Write([](Db& db) { REQUIRE(db.Exec("INSERT INTO t VALUES(1)").ok()); });
  CHECK(count() == 1);
  std::filesystem::remove_all(dir);
}
