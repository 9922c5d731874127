// OktaStore's append-only side: the System Log and traffic records, the job
// journal, their writing thread (batched inserts, the WAL checkpoint) and
// retention by count and by age. The directory's entities are in
// okta_store.cpp.
#include <pthread.h>

#include <algorithm>

#include "core/log.h"
#include "mock_okta/okta_store.h"

namespace okta {

using core::Json;
using core::Status;

namespace {
std::vector<std::pair<int64_t, Json>> ParseRows(const std::vector<std::pair<int64_t, std::string>>& rows) {
  std::vector<std::pair<int64_t, Json>> out;
  for (const auto& [seq, text] : rows) {
    auto j = core::ParseJson(text);
    if (j.ok()) out.emplace_back(seq, std::move(*j));
  }
  return out;
}
}  // namespace

OktaStore::OktaStore(std::unique_ptr<core::DbPool> pool) : pool_(std::move(pool)) {
  flusher_ = std::thread([this] { FlushLoop(); });
}

OktaStore::~OktaStore() {
  {
    std::lock_guard<std::mutex> lk(append_mu_);
    stop_ = true;
  }
  append_cv_.notify_all();
  flusher_.join();
  if (auto s = FlushAppends(); !s.ok()) spdlog::error("mock_okta: log/traffic write failed: {}", s.error().detail);
}

void OktaStore::Append(const char* table, std::function<std::string()> make, std::string id, std::string id2) {
  bool many;
  {
    std::lock_guard<std::mutex> lk(append_mu_);
    pending_.push_back({table, std::move(make), std::move(id), std::move(id2)});
    many = pending_.size() >= 512;
  }
  if (many) append_cv_.notify_one();
}

void OktaStore::FlushLoop() {
  pthread_setname_np(pthread_self(), "okta-records");
  auto next_checkpoint = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lk(append_mu_);
  while (!stop_) {
    append_cv_.wait_for(lk, std::chrono::milliseconds(50), [this] { return stop_ || pending_.size() >= 512; });
    if (stop_) break;
    lk.unlock();
    if (auto s = FlushAppends(); !s.ok()) spdlog::error("mock_okta: log/traffic write failed: {}", s.error().detail);
    if (std::chrono::steady_clock::now() >= next_checkpoint) {
      TrimExpired();
      if (auto st = Checkpoint(); !st.ok()) spdlog::warn("mock_okta: checkpoint failed: {}", st.error().detail);
      next_checkpoint = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    }
    lk.lock();
  }
}

// PASSIVE on the write connection (the read connections are read-only and
// cannot write the database file): copies into the database what no reader
// still needs and never waits for readers; the WAL then restarts from its
// beginning and journal_size_limit truncates it.
Status OktaStore::Checkpoint() {
  if (pool_->in_memory()) return Status::Ok();
  return pool_->Write([](core::Db& db) { return db.Exec("PRAGMA wal_checkpoint(PASSIVE)"); });
}

Status OktaStore::FlushAppends() {
  std::lock_guard<std::mutex> fl(flush_mu_);
  std::vector<Appended> batch;
  {
    std::lock_guard<std::mutex> lk(append_mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return Status::Ok();
  // The rows' text is made before the write lock is taken, so a directory
  // write (a worker linking a user) waits only for the inserts themselves.
  std::vector<std::pair<const char*, std::string>> rows;
  rows.reserve(batch.size());
  int64_t app_users = 0;
  for (auto& a : batch) {
    rows.emplace_back(a.table, a.make ? a.make() : std::string());
    if (std::string_view(a.table) == "app_users") ++app_users;
  }
  // Written or failed (and reported), they are no longer pending.
  struct Done {
    std::atomic<int64_t>& pending;
    int64_t n;
    ~Done() { pending -= n; }
  } done{app_users_pending_, app_users};
  return pool_->Write([&](core::Db& db) -> Status {
    core::Transaction tx(db);
    if (!tx.begin_status().ok()) return tx.begin_status();
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& [table, text] = rows[i];
      if (std::string_view(table) == "app_users") {
        if (auto s = PutRow(db, "app_users", batch[i].id, batch[i].id2, batch[i].id, text); !s.ok()) return s;
        continue;
      }
      if (std::string_view(table) == "job") {  // the journal: upsert or delete one document
        auto stmt = batch[i].make ? db.Prepare(
                                        "INSERT INTO docs (k1, k2, x, seq, data) VALUES ('job', ?1, 'job', "
                                        "(SELECT COALESCE(MAX(seq), 0) + 1 FROM docs), ?2) ON CONFLICT (k1, k2) DO "
                                        "UPDATE SET data = excluded.data")
                                  : db.Prepare("DELETE FROM docs WHERE k1 = 'job' AND k2 = ?1");
        if (!stmt.ok()) return stmt.error();
        (*stmt)->Bind(1, batch[i].id);
        if (batch[i].make) (*stmt)->Bind(2, text);
        if (auto s = (*stmt)->Exec(); !s.ok()) return s;
        continue;
      }
      auto stmt = db.Prepare(std::string("INSERT INTO ") + table + " (data) VALUES (?)");
      if (!stmt.ok()) return stmt.error();
      (*stmt)->Bind(1, text);
      if (auto s = (*stmt)->Exec(); !s.ok()) return s;
    }
    for (auto [table, max] :
         {std::pair<const char*, int64_t>{"logs", max_logs_.load()}, {"traffic", max_traffic_.load()}}) {
      if (max <= 0) continue;
      auto stmt =
          db.Prepare(std::string("DELETE FROM ") + table + " WHERE seq <= (SELECT MAX(seq) FROM " + table + ") - ?");
      if (!stmt.ok()) return stmt.error();
      (*stmt)->Bind(1, max);
      if (auto s = (*stmt)->Exec(); !s.ok()) return s;
    }
    if (auto s = TrimByAge(db); !s.ok()) return s;
    return tx.Commit();
  });
}

// A mark stands for a window of `Spacing()` from its `at`: every row up to
// its seqs was written by the window's end. Rows go once the window's end is
// older than the limit: never early, at most one window (1 % of the limit,
// at least a second) late, and the marks stay few.
std::chrono::steady_clock::duration OktaStore::AgeWindow() const {
  return std::max<std::chrono::steady_clock::duration>(std::chrono::seconds(1), max_age_ / 100);
}

// Called inside the batch's transaction, holding flush_mu_.
Status OktaStore::TrimByAge(core::Db& db) {
  if (max_age_.count() <= 0) return Status::Ok();
  const auto now = now_ ? now_() : std::chrono::steady_clock::now();
  auto max_seq = [&db](const char* table) -> int64_t {
    auto st = db.Prepare(std::string("SELECT COALESCE(MAX(seq), 0) FROM ") + table);
    if (!st.ok()) return 0;
    auto row = (*st)->Step();
    int64_t v = row.ok() && *row ? (*st)->ColumnInt(0) : 0;
    (*st)->Reset();
    return v;
  };
  AgeMark latest{now, max_seq("logs"), max_seq("traffic")};
  if (!age_marks_.empty() && now - age_marks_.back().at < AgeWindow()) {
    latest.at = age_marks_.back().at;  // still inside the newest window
    age_marks_.back() = latest;
  } else {
    age_marks_.push_back(latest);
  }
  while (!age_marks_.empty() && now - age_marks_.front().at > max_age_ + AgeWindow()) {
    const AgeMark m = age_marks_.front();
    age_marks_.pop_front();
    for (auto [table, seq] : {std::pair<const char*, int64_t>{"logs", m.logs_seq}, {"traffic", m.traffic_seq}}) {
      auto st = db.Prepare(std::string("DELETE FROM ") + table + " WHERE seq <= ?");
      if (!st.ok()) return st.error();
      (*st)->Bind(1, seq);
      if (auto s = (*st)->Exec(); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

void OktaStore::SetMaxAge(std::chrono::seconds max_age, SteadyNow now) {
  std::lock_guard<std::mutex> fl(flush_mu_);
  max_age_ = max_age;
  now_ = std::move(now);
  age_marks_.clear();
  // Rows already stored (from an earlier run) count from now.
  if (auto s = pool_->Write([&](core::Db& db) { return TrimByAge(db); }); !s.ok()) {
    spdlog::error("mock_okta: could not apply the record age limit: {}", s.error().detail);
  }
}

// From the writing thread, so old rows go although nothing new is written.
void OktaStore::TrimExpired() {
  std::lock_guard<std::mutex> fl(flush_mu_);
  if (max_age_.count() <= 0 || age_marks_.empty()) return;
  const auto now = now_ ? now_() : std::chrono::steady_clock::now();
  if (now - age_marks_.front().at <= max_age_ + AgeWindow()) return;
  if (auto s = pool_->Write([&](core::Db& db) { return TrimByAge(db); }); !s.ok()) {
    spdlog::error("mock_okta: could not apply the record age limit: {}", s.error().detail);
  }
}

void OktaStore::JournalJob(const std::string& id, std::function<std::string()> make) {
  Append("job", std::move(make), id);
}

void OktaStore::SetRetention(int64_t max_logs, int64_t max_traffic) {
  max_logs_ = max_logs;
  max_traffic_ = max_traffic;
}

Status OktaStore::AddLog(const Json& event) {
  Append("logs", [event] { return core::DumpCompact(event); });
  return Status::Ok();
}
void OktaStore::AddLogLater(std::function<std::string()> make) { Append("logs", std::move(make)); }
void OktaStore::AddTrafficLater(std::function<std::string()> make) {
  Append("traffic", std::move(make));
}
std::vector<std::pair<int64_t, Json>> OktaStore::ListLogs(int64_t after_seq, int limit) {
  if (auto s = FlushAppends(); !s.ok()) spdlog::error("mock_okta: log/traffic write failed: {}", s.error().detail);
  return ParseRows(List("logs", nullptr, "", after_seq, limit));
}
Status OktaStore::AddTraffic(const Json& record) {
  Append("traffic", [record] { return core::DumpCompact(record); });
  return Status::Ok();
}
std::vector<std::pair<int64_t, Json>> OktaStore::ListTraffic(int64_t after_seq, int limit) {
  if (auto s = FlushAppends(); !s.ok()) spdlog::error("mock_okta: log/traffic write failed: {}", s.error().detail);
  return ParseRows(List("traffic", nullptr, "", after_seq, limit));
}

}  // namespace okta
