#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

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
  auto dir = std::filesystem::temp_directory_path() / ("okta-sandbox-sqlite-test-" + std::to_string(::getpid()));
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
  auto dir = std::filesystem::temp_directory_path() / ("okta-sandbox-sqlite-stale-" + std::to_string(::getpid()));
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

namespace {

// A fresh file database (group commit matters for files; WAL + FULL sync).
struct TempDb {
  std::filesystem::path dir;
  std::unique_ptr<DbPool> pool;
  explicit TempDb(const char* name, PoolOptions options = {}) {
    dir = std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto p = DbPool::Open((dir / "t.db").string(), {{1, "CREATE TABLE t(a TEXT UNIQUE)"}}, options);
    REQUIRE(p.ok());
    pool = std::move(*p);
  }
  ~TempDb() {
    pool.reset();
    std::filesystem::remove_all(dir);
  }
  int64_t Count() {
    return pool->Read([](Db& db) {
      auto st = db.Prepare("SELECT count(*) FROM t");
      REQUIRE(*(*st)->Step());
      return (*st)->ColumnInt(0);
    });
  }
};

// One write as the stores do it: its own Transaction, an error aborts it.
Status InsertRow(Db& db, const std::string& value) {
  Transaction tx(db);
  if (!tx.begin_status().ok()) return tx.begin_status();
  auto st = db.Prepare("INSERT INTO t VALUES(?)");
  if (!st.ok()) return st.error();
  (*st)->Bind(1, value);
  if (auto s = (*st)->Exec(); !s.ok()) return s;
  return tx.Commit();
}

}  // namespace

TEST_CASE("a Transaction inside an open transaction is a savepoint that rolls back alone", "[core][sqlite]") {
  auto pool = DbPool::Open(":memory:", {{1, "CREATE TABLE t(a TEXT UNIQUE)"}});
  REQUIRE(pool.ok());
  (*pool)->Write([](Db& db) {
    REQUIRE(db.Exec("BEGIN").ok());
    CHECK(InsertRow(db, "kept").ok());
    {
      Transaction inner(db);
      REQUIRE(inner.begin_status().ok());
      REQUIRE(db.Exec("INSERT INTO t VALUES('dropped')").ok());
    }  // not committed: only this savepoint is rolled back
    auto dup = InsertRow(db, "kept");
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::kConflict);
    CHECK(sqlite3_get_autocommit(db.raw()) == 0);  // the outer transaction is still open
    REQUIRE(db.Exec("COMMIT").ok());
    auto st = db.PrepareOnce("SELECT group_concat(a) FROM t");
    REQUIRE(*st->Step());
    CHECK(st->ColumnText(0) == "kept");
  });
}

TEST_CASE("group commit: concurrent writers each get their own result, all rows are stored", "[core][sqlite]") {
  PoolOptions durable;
  durable.durable = true;
  TempDb t("okta-sandbox-group-commit", durable);
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        // Every thread also tries one value another thread owns: exactly one of
        // each pair wins, and the loser's failure must not undo anyone else.
        std::string value = j == 0 ? "shared" : "v" + std::to_string(i) + "-" + std::to_string(j);
        Status s = t.pool->WriteGrouped([&](Db& db) { return InsertRow(db, value); });
        if (s.ok()) ++ok;
        else if (s.error().code == ErrorCode::kConflict) ++conflicts;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == kThreads * (kPerThread - 1) + 1);
  CHECK(conflicts == kThreads - 1);
  CHECK(t.Count() == ok);
  t.pool->Read([](Db& db) {
    auto st = db.PrepareOnce("PRAGMA synchronous");
    REQUIRE(*st->Step());
    CHECK(st->ColumnInt(0) == 2);  // FULL
  });
}

TEST_CASE("a write that throws inside a group commit does not take the others with it", "[core][sqlite]") {
  TempDb t("okta-sandbox-group-throw");
  // (Catch2's assertions are not thread-safe: the threads only count.)
  std::atomic<int> thrown{0}, ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 20; ++j) {
        std::string value = std::to_string(i) + "-" + std::to_string(j);
        try {
          Status s = t.pool->WriteGrouped([&](Db& db) -> Status {
            Transaction tx(db);
            if (auto s = db.Exec("INSERT INTO t VALUES('" + value + "')"); !s.ok()) return s;
            if (j % 5 == 0) throw std::runtime_error("boom");
            return tx.Commit();
          });
          if (s.ok()) ++ok;
        } catch (const std::runtime_error&) {
          ++thrown;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(thrown == 16);
  CHECK(ok == 64);
  CHECK(t.Count() == 64);
}

TEST_CASE("Batch: writes share one transaction, reads see them, a failed write rolls back alone", "[core][sqlite]") {
  TempDb t("okta-sandbox-batch");
  int64_t seen_inside = -1;
  Status failed;
  Status committed = t.pool->Batch([&] {
    REQUIRE(t.pool->Write([](Db& db) { return InsertRow(db, "a"); }).ok());
    REQUIRE(t.pool->WriteGrouped([](Db& db) { return InsertRow(db, "b"); }).ok());
    failed = t.pool->Write([](Db& db) { return InsertRow(db, "a"); });
    seen_inside = t.Count();  // a read inside the batch sees its writes
  });
  CHECK(committed.ok());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kConflict);
  CHECK(seen_inside == 2);
  CHECK(t.Count() == 2);
}

TEST_CASE("reads borrow at most max_readers connections and wait for a free one", "[core][sqlite]") {
  PoolOptions options;
  options.max_readers = 2;
  TempDb t("okta-sandbox-readers", options);
  REQUIRE(t.pool->Write([](Db& db) { return InsertRow(db, "x"); }).ok());
  std::atomic<int> active{0}, peak{0}, rows{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      rows += static_cast<int>(t.pool->Read([&](Db& db) {
        int now = ++active;
        for (int p = peak; now > p && !peak.compare_exchange_weak(p, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        auto st = db.Prepare("SELECT count(*) FROM t");
        int64_t n = (st.ok() && (*st)->Step().ok()) ? (*st)->ColumnInt(0) : -1;
        --active;
        return n;
      }));
    });
  }
  for (auto& th : threads) th.join();
  CHECK(rows == 6);
  CHECK(peak == 2);  // six concurrent reads, never more than two connections at once
}
