// SQLite RAII: a connection (Db), prepared statements (Stmt), transactions,
// and a small pool that gives each thread a read connection and serialises
// writers on one write connection. SQL text itself belongs in *_store.cpp.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace core {

class Db;

// Stmt: a prepared statement. Bind indexes are 1-based, columns 0-based.
// Not thread-safe; belongs to the connection that prepared it.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  ~Stmt();

  Stmt& Bind(int idx, std::string_view text);
  Stmt& Bind(int idx, const std::string& text) { return Bind(idx, std::string_view(text)); }
  Stmt& Bind(int idx, const char* text) { return Bind(idx, std::string_view(text)); }
  Stmt& Bind(int idx, int64_t v);
  Stmt& Bind(int idx, int v) { return Bind(idx, static_cast<int64_t>(v)); }
  Stmt& Bind(int idx, double v);
  Stmt& BindNull(int idx);

  // Step: true when a row is ready, false when done. Errors come back as Error.
  Result<bool> Step();
  // Run to completion, ignoring rows.
  Status Exec();
  void Reset();

  std::string ColumnText(int col) const;
  std::optional<std::string> ColumnTextOrNull(int col) const;
  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct DbOptions {
  bool read_only = false;
  int busy_timeout_ms = 5000;
};

// Db: one connection. Caches prepared statements by SQL text.
class Db {
 public:
  // `path` may be ":memory:" or a URI ("file:...").
  static Result<std::unique_ptr<Db>> Open(const std::string& path, DbOptions options = {});
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  Status Exec(const std::string& sql);
  // A cached statement, reset and with bindings cleared. The reference stays
  // valid until the Db is destroyed; do not hold two uses of it at once.
  Result<Stmt*> Prepare(const std::string& sql);
  // A fresh, uncached statement (for one-off dynamic SQL such as filters).
  Result<Stmt> PrepareOnce(const std::string& sql);
  // Resets every statement of this connection that is mid-way through its
  // rows. A cached statement left on a row keeps a read snapshot open, so
  // later reads on the connection would see stale data; DbPool calls this
  // after every Read/Write.
  void ResetBusyStatements();
  int64_t LastInsertRowId() const;
  int Changes() const;
  std::string LastError() const;
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// Transaction: BEGIN IMMEDIATE in the constructor, ROLLBACK in the destructor
// unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status begin_status() const { return begin_; }
  Status Commit();

 private:
  Db& db_;
  Status begin_;
  bool done_ = false;
};

// A migration: the SQL that moves the schema from version-1 to version.
struct Migration {
  int version;
  std::string sql;
};
// Applies the migrations above PRAGMA user_version, each in its own transaction.
Status Migrate(Db& db, const std::vector<Migration>& migrations);

// DbPool: a write connection guarded by a mutex, and per-thread read
// connections for a file database. For ":memory:" there is one connection,
// shared and serialised for reads and writes. Thread-safe.
class DbPool {
 public:
  // Opens (creating if needed) the database, sets WAL and synchronous=NORMAL
  // for a file database, and runs the migrations.
  static Result<std::unique_ptr<DbPool>> Open(const std::string& path,
                                              const std::vector<Migration>& migrations);
  ~DbPool();

  // Runs fn with exclusive use of the write connection.
  template <class F>
  auto Write(F&& fn) {
    std::lock_guard<std::mutex> lock(write_mu_);
    ResetOnExit reset{*writer_};
    return fn(*writer_);
  }
  // Runs fn with a read connection (the thread's own, or the shared one in memory).
  template <class F>
  auto Read(F&& fn) {
    if (in_memory_) {
      std::lock_guard<std::mutex> lock(write_mu_);
      ResetOnExit reset{*writer_};
      return fn(*writer_);
    }
    Db& reader = ReaderForThisThread();
    ResetOnExit reset{reader};
    return fn(reader);
  }
  bool in_memory() const { return in_memory_; }
  const std::string& path() const { return path_; }

 private:
  DbPool(std::string path, bool in_memory, std::unique_ptr<Db> writer)
      : path_(std::move(path)), in_memory_(in_memory), writer_(std::move(writer)) {}
  Db& ReaderForThisThread();
  struct ResetOnExit {
    Db& db;
    ~ResetOnExit() { db.ResetBusyStatements(); }
  };

  std::string path_;
  bool in_memory_;
  std::mutex write_mu_;
  std::unique_ptr<Db> writer_;
  std::mutex readers_mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<Db>> readers_;
};

}  // namespace core
