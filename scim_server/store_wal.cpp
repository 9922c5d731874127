#include "scim_server/store_wal.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <filesystem>
#include <system_error>

namespace scim::store {

WalKeeper::WalKeeper(core::DbPool& pool, WalOptions options)
    : pool_(pool), options_(options), wal_path_(pool.path() + "-wal") {
  // An ordinary restart of the WAL (when no reader holds it) truncates the
  // file to this size instead of leaving its high-water mark on disk.
  auto limited = pool_.Write(
      [&](core::Db& db) { return db.Exec("PRAGMA journal_size_limit=" + std::to_string(options_.max_bytes)); });
  if (!limited.ok()) spdlog::warn("scim: cannot limit the WAL size: {}", limited.error().detail);
  thread_ = std::thread([this] { Loop(); });
}

WalKeeper::~WalKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int64_t WalKeeper::WalBytes() const {
  std::error_code ec;
  auto size = std::filesystem::file_size(wal_path_, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

bool WalKeeper::Tend() {
  if (WalBytes() <= options_.max_bytes) return false;
  return pool_.Write([&](core::Db& db) {
    sqlite3* raw = db.raw();
    sqlite3_busy_timeout(raw, static_cast<int>(options_.reader_wait.count()));
    int frames = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(raw, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied);
    sqlite3_busy_timeout(raw, core::DbOptions{}.busy_timeout_ms);
    if (rc == SQLITE_BUSY) {
      // A read outlasted reader_wait: the WAL is copied as far as it could
      // be and the next round tries again.
      spdlog::debug("scim: WAL checkpoint waited for a reader ({} of {} frames copied)", copied, frames);
      return false;
    }
    if (rc != SQLITE_OK) {
      spdlog::warn("scim: WAL checkpoint failed: {}", sqlite3_errmsg(raw));
      return false;
    }
    return true;
  });
}

void WalKeeper::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, options_.interval, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    Tend();
    lock.lock();
  }
}

}  // namespace scim::store
