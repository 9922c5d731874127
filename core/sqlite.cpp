#include "core/sqlite.h"

namespace core {

namespace {
Error SqlError(sqlite3* db, const std::string& what) {
  int code = sqlite3_errcode(db);
  ErrorCode ec = ErrorCode::kInternal;
  if ((code & 0xff) == SQLITE_CONSTRAINT) ec = ErrorCode::kConflict;
  return Error{ec, what + ": " + sqlite3_errmsg(db)};
}
}  // namespace

Stmt::~Stmt() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Stmt& Stmt::Bind(int idx, std::string_view text) {
  sqlite3_bind_text(stmt_, idx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Bind(int idx, int64_t v) {
  sqlite3_bind_int64(stmt_, idx, v);
  return *this;
}
Stmt& Stmt::Bind(int idx, double v) {
  sqlite3_bind_double(stmt_, idx, v);
  return *this;
}
Stmt& Stmt::BindNull(int idx) {
  sqlite3_bind_null(stmt_, idx);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqlError(db_, "sqlite step");
}

Status Stmt::Exec() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.error();
    if (!*r) return Status::Ok();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Stmt::ColumnText(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}
std::optional<std::string> Stmt::ColumnTextOrNull(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnText(col);
}
int64_t Stmt::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
bool Stmt::ColumnIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, DbOptions options) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
              (options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    if (raw) sqlite3_close(raw);
    return Error{ErrorCode::kInternal, "cannot open database " + path + ": " + msg};
  }
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Db>(new Db(raw));
}

Db::~Db() {
  cache_.clear();
  sqlite3_close(db_);
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    ErrorCode ec = (rc & 0xff) == SQLITE_CONSTRAINT ? ErrorCode::kConflict : ErrorCode::kInternal;
    return Error{ec, "sqlite: " + msg};
  }
  return Status::Ok();
}

Result<Stmt*> Db::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK) {
    return SqlError(db_, "sqlite prepare");
  }
  auto owned = std::make_unique<Stmt>(db_, stmt);
  Stmt* p = owned.get();
  cache_.emplace(sql, std::move(owned));
  return p;
}

Result<Stmt> Db::PrepareOnce(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return SqlError(db_, "sqlite prepare");
  }
  return Stmt(db_, stmt);
}

void Db::ResetBusyStatements() {
  for (sqlite3_stmt* st = sqlite3_next_stmt(db_, nullptr); st; st = sqlite3_next_stmt(db_, st)) {
    if (sqlite3_stmt_busy(st)) sqlite3_reset(st);
  }
}

int64_t Db::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Db::Changes() const { return sqlite3_changes(db_); }
std::string Db::LastError() const { return sqlite3_errmsg(db_); }

Transaction::Transaction(Db& db)
    : db_(db),
      nested_(sqlite3_get_autocommit(db.raw()) == 0),
      begin_(db.Exec(nested_ ? "SAVEPOINT tx" : "BEGIN IMMEDIATE")) {}

Transaction::~Transaction() {
  if (done_ || !begin_.ok()) return;
  if (nested_) {
    (void)db_.Exec("ROLLBACK TO tx");
    (void)db_.Exec("RELEASE tx");
  } else {
    (void)db_.Exec("ROLLBACK");
  }
}

Status Transaction::Commit() {
  if (!begin_.ok()) return begin_;
  auto s = db_.Exec(nested_ ? "RELEASE tx" : "COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

Status Migrate(Db& db, const std::vector<Migration>& migrations) {
  int current = 0;
  {
    auto st = db.PrepareOnce("PRAGMA user_version");
    if (!st.ok()) return st.error();
    auto row = st->Step();
    if (!row.ok()) return row.error();
    current = static_cast<int>(st->ColumnInt(0));
  }
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    Transaction tx(db);
    if (!tx.begin_status().ok()) return tx.begin_status();
    if (auto s = db.Exec(m.sql); !s.ok()) return s;
    if (auto s = db.Exec("PRAGMA user_version = " + std::to_string(m.version)); !s.ok()) return s;
    if (auto s = tx.Commit(); !s.ok()) return s;
    current = m.version;
  }
  return Status::Ok();
}

Result<std::unique_ptr<DbPool>> DbPool::Open(const std::string& path,
                                             const std::vector<Migration>& migrations, PoolOptions options) {
  bool in_memory = path.empty() || path == ":memory:";
  auto db = Db::Open(in_memory ? ":memory:" : path);
  if (!db.ok()) return db.error();
  Db& w = **db;
  if (!in_memory) {
    if (auto s = w.Exec("PRAGMA journal_mode=WAL"); !s.ok()) return s.error();
    if (auto s = w.Exec(options.durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !s.ok())
      return s.error();
  }
  if (options.writer_cache_kib > 0) {
    if (auto s = w.Exec("PRAGMA cache_size=-" + std::to_string(options.writer_cache_kib)); !s.ok()) return s.error();
  }
  if (auto s = w.Exec("PRAGMA foreign_keys=ON"); !s.ok()) return s.error();
  if (auto s = Migrate(w, migrations); !s.ok()) return s.error();
  return std::unique_ptr<DbPool>(new DbPool(in_memory ? ":memory:" : path, in_memory, std::move(*db), options));
}

DbPool::~DbPool() = default;

thread_local const DbPool* DbPool::batch_owner_ = nullptr;

std::unique_ptr<Db> DbPool::AcquireReader() {
  {
    std::unique_lock<std::mutex> lock(readers_mu_);
    reader_free_cv_.wait(lock, [this] {
      return !free_readers_.empty() || options_.max_readers <= 0 || readers_open_ < options_.max_readers;
    });
    if (!free_readers_.empty()) {
      // The most recently used one: its cache is the warmest.
      auto db = std::move(free_readers_.back());
      free_readers_.pop_back();
      return db;
    }
    ++readers_open_;  // reserve a slot, then open outside the lock
  }
  auto db = Db::Open(path_, DbOptions{true, 5000});
  Status s = db.ok() ? Status::Ok() : Status(db.error());
  if (s.ok() && options_.reader_cache_kib > 0) s = (*db)->Exec("PRAGMA cache_size=-" + std::to_string(options_.reader_cache_kib));
  if (!s.ok()) {
    {
      std::lock_guard<std::mutex> lock(readers_mu_);
      --readers_open_;
    }
    reader_free_cv_.notify_one();
    throw std::runtime_error(s.error().detail);
  }
  return std::move(*db);
}

void DbPool::ReleaseReader(std::unique_ptr<Db> db) {
  if (!db) return;
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    free_readers_.push_back(std::move(db));
  }
  reader_free_cv_.notify_one();
}

Status DbPool::Batch(const std::function<void()>& body) {
  if (batch_owner_ == this) {
    body();
    return Status::Ok();
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  ResetOnExit reset{*writer_};
  Transaction tx(*writer_);
  if (!tx.begin_status().ok()) return tx.begin_status();
  struct Owner {
    const DbPool* self;
    explicit Owner(const DbPool* p) : self(p) { batch_owner_ = p; }
    ~Owner() { batch_owner_ = nullptr; }
  } owner(this);
  body();
  writer_->ResetBusyStatements();
  if (sqlite3_get_autocommit(writer_->raw())) {
    return Error{ErrorCode::kInternal, "the database rolled the batch back: " + writer_->LastError()};
  }
  return tx.Commit();
}

// Leader/follower group commit: each caller queues its write; one that finds
// no batch in progress leads: it takes everything queued so far, writes it as
// one transaction, wakes exactly the callers whose writes were in it, and
// hands the lead to the oldest write queued meanwhile. So batches grow with
// the load, a lone writer never waits, and nobody is woken for nothing.
// States change and wakes happen under group_mu_, so a caller cannot return
// (and destroy its GroupOp) before the leader is done with it.
Status DbPool::RunGrouped(std::function<void(Db&)> run) {
  GroupOp me;
  me.run = std::move(run);
  std::unique_lock<std::mutex> lock(group_mu_);
  group_queue_.push_back(&me);
  if (group_leader_) {
    me.wake.wait(lock, [&] { return me.state != GroupOp::State::kQueued; });
  } else {
    group_leader_ = true;
    me.state = GroupOp::State::kLead;
  }
  if (me.state == GroupOp::State::kLead) {
    std::vector<GroupOp*> batch(group_queue_.begin(), group_queue_.end());  // includes me
    group_queue_.clear();
    lock.unlock();
    WriteBatch(batch);
    lock.lock();
    for (GroupOp* op : batch) {
      op->state = GroupOp::State::kDone;
      if (op != &me) op->wake.notify_one();
    }
    if (group_queue_.empty()) {
      group_leader_ = false;
    } else {
      GroupOp* next = group_queue_.front();
      next->state = GroupOp::State::kLead;
      next->wake.notify_one();
    }
  }
  lock.unlock();
  if (me.thrown) std::rethrow_exception(me.thrown);
  return me.status;
}

void DbPool::WriteBatch(const std::vector<GroupOp*>& batch) {
  std::lock_guard<std::mutex> lock(write_mu_);
  Db& w = *writer_;
  ResetOnExit reset{w};
  auto run_one = [&w](GroupOp* op) {
    try {
      op->run(w);
    } catch (...) {
      op->thrown = std::current_exception();
    }
    w.ResetBusyStatements();
  };
  size_t i = 0;
  while (i < batch.size()) {
    if (!w.Exec("BEGIN IMMEDIATE").ok()) {
      // No shared transaction (e.g. another process holds the write lock
      // past the busy timeout): each write commits on its own.
      for (; i < batch.size(); ++i) run_one(batch[i]);
      return;
    }
    size_t start = i;
    bool lost = false;
    for (; i < batch.size() && !lost; ++i) {
      run_one(batch[i]);
      // Some errors (disk full, I/O) make SQLite roll the whole transaction
      // back: the writes of this segment so far are gone, so report them.
      lost = sqlite3_get_autocommit(w.raw()) != 0;
    }
    Status end = lost ? Status(Error{ErrorCode::kInternal, "the database rolled the write back: " + w.LastError()})
                      : w.Exec("COMMIT");
    if (!end.ok() && !lost) (void)w.Exec("ROLLBACK");
    for (size_t j = start; j < i; ++j) batch[j]->status = end;
  }
}

}  // namespace core
