// SQLite RAII: a connection (Db), prepared statements (Stmt), transactions,
// and a small pool that gives each thread a read connection and serialises
// writers on one write connection. SQL text itself belongs in *_store.cpp.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
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
// unless Commit() succeeded. Inside an open transaction (a group commit or a
// DbPool::Batch) it is a SAVEPOINT instead: Commit() releases it and the
// destructor rolls back only this transaction's changes, so one failed write
// in a batch leaves the others alone.
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
  bool nested_;
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

struct PoolOptions {
  // synchronous=FULL: a commit returns only after the WAL is synced to disk,
  // so an acknowledged write survives a power cut, not only a crash of the
  // process (NORMAL). Pair it with WriteGrouped so concurrent writers share
  // one sync.
  bool durable = false;
  int writer_cache_kib = 0;  // PRAGMA cache_size for the write connection (0: SQLite's 2 MB)
  int reader_cache_kib = 0;  // the same for each read connection
  // At most this many read connections (0: one per concurrent read). A Read
  // that finds all of them lent waits for one; this bounds the memory their
  // caches take whatever the number of HTTP worker threads.
  int max_readers = 0;
};

// DbPool: a write connection guarded by a mutex, and read connections for a
// file database, lent to one Read at a time and kept for the next (up to
// PoolOptions::max_readers; their page caches are most of what a busy server
// holds in memory). For ":memory:" there is one connection, shared and
// serialised for reads and writes. Thread-safe.
class DbPool {
 public:
  // Opens (creating if needed) the database, sets WAL and synchronous
  // (NORMAL, or FULL when options.durable) for a file database, and runs the
  // migrations.
  static Result<std::unique_ptr<DbPool>> Open(const std::string& path,
                                              const std::vector<Migration>& migrations,
                                              PoolOptions options = {});
  ~DbPool();

  // Runs fn with exclusive use of the write connection.
  template <class F>
  auto Write(F&& fn) {
    if (batch_owner_ == this) return fn(*writer_);
    std::lock_guard<std::mutex> lock(write_mu_);
    ResetOnExit reset{*writer_};
    return fn(*writer_);
  }

  // Group commit. fn runs on the write connection like Write, but calls that
  // arrive while another batch is being written wait and then run together:
  // one after another in one transaction (each fn's own core::Transaction
  // becomes a savepoint), committed once. Returns fn's result once its batch
  // has committed, or the commit's error (nothing of fn is then stored).
  template <class F>
  auto WriteGrouped(F&& fn) -> std::invoke_result_t<F&, Db&> {
    using R = std::invoke_result_t<F&, Db&>;
    if (batch_owner_ == this) return fn(*writer_);
    std::optional<R> result;
    Status committed = RunGrouped([&](Db& db) { result.emplace(fn(db)); });
    if (!committed.ok() && (!result || result->ok())) return R(committed.error());
    return std::move(*result);
  }

  // Runs body with every Write, WriteGrouped and Read of this pool on this
  // thread going to the write connection inside one transaction, committed
  // when body returns (each write still rolls back alone on its error). For
  // many small writes in one request (SCIM /Bulk). Returns the commit status.
  Status Batch(const std::function<void()>& body);

  // Runs fn with a read connection (a free one from the pool, or the shared one in memory).
  template <class F>
  auto Read(F&& fn) {
    if (batch_owner_ == this) return fn(*writer_);
    if (in_memory_) {
      std::lock_guard<std::mutex> lock(write_mu_);
      ResetOnExit reset{*writer_};
      return fn(*writer_);
    }
    Lent reader(*this, AcquireReader());
    ResetOnExit reset{*reader.db};
    return fn(*reader.db);
  }
  bool in_memory() const { return in_memory_; }
  const std::string& path() const { return path_; }

 private:
  DbPool(std::string path, bool in_memory, std::unique_ptr<Db> writer, PoolOptions options)
      : path_(std::move(path)), in_memory_(in_memory), options_(options), writer_(std::move(writer)) {}
  std::unique_ptr<Db> AcquireReader();
  void ReleaseReader(std::unique_ptr<Db> db);
  struct Lent {
    DbPool& pool;
    std::unique_ptr<Db> db;
    Lent(DbPool& p, std::unique_ptr<Db> d) : pool(p), db(std::move(d)) {}
    ~Lent() { pool.ReleaseReader(std::move(db)); }
  };

  struct GroupOp {
    std::function<void(Db&)> run;
    Status status;
    std::exception_ptr thrown;
    enum class State { kQueued, kLead, kDone } state = State::kQueued;  // guarded by group_mu_
    std::condition_variable wake;  // waited on with group_mu_
  };
  Status RunGrouped(std::function<void(Db&)> run);
  void WriteBatch(const std::vector<GroupOp*>& batch);

  static thread_local const DbPool* batch_owner_;
  struct ResetOnExit {
    Db& db;
    ~ResetOnExit() { db.ResetBusyStatements(); }
  };

  std::string path_;
  bool in_memory_;
  PoolOptions options_;
  std::mutex write_mu_;
  std::mutex group_mu_;  // guards group_queue_, group_leader_ and every queued GroupOp::state
  std::deque<GroupOp*> group_queue_;
  bool group_leader_ = false;
  std::unique_ptr<Db> writer_;
  std::mutex readers_mu_;
  std::condition_variable reader_free_cv_;
  std::vector<std::unique_ptr<Db>> free_readers_;
  int readers_open_ = 0;
};

}  // namespace core
