// RowCache: decoded rows of one OktaStore table kept in memory, so that the
// provisioning state every job reads (its user, its app user) costs a map
// lookup instead of a SQLite read and a JSON decode.
//
// Rules (OktaStore keeps them; see docs/internals.md):
// - Writers Set or Erase while they hold the store's write connection, so
//   the cache changes in the order the database does.
// - A reader that missed Offers what it read with the epoch it saw before
//   reading: kept only if no write and no batch happened since, so a read
//   that raced a write never puts back the older row.
// - While a batch transaction is open its writes are Set at once (the batch
//   holds the write connection; the domain lock keeps readers out), reads
//   are not kept, and a rolled-back batch Clears the cache.
// - At most `capacity` rows: a full cache drops an arbitrary row to make
//   room, so memory stays bounded however large the org.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace okta {

template <class T>
class RowCache {
 public:
  explicit RowCache(size_t capacity) : capacity_(capacity) {}

  // The cached row, or nullopt with *epoch set for a later Offer.
  std::optional<T> Find(const std::string& key, uint64_t* epoch) {
    std::lock_guard<std::mutex> lk(mu_);
    if (auto it = rows_.find(key); it != rows_.end()) {
      ++hits_;
      return it->second;
    }
    ++misses_;
    *epoch = epoch_;
    return std::nullopt;
  }

  // A row read from the database after Find missed with `epoch`.
  void Offer(const std::string& key, const T& row, uint64_t epoch) {
    std::lock_guard<std::mutex> lk(mu_);
    if (epoch != epoch_ || batches_open_ > 0) return;
    InsertLocked(key, row);
  }

  // A row just written (under the store's write connection).
  void Set(const std::string& key, const T& row) {
    std::lock_guard<std::mutex> lk(mu_);
    ++epoch_;
    InsertLocked(key, row);
  }

  void Erase(const std::string& key) {
    std::lock_guard<std::mutex> lk(mu_);
    ++epoch_;
    rows_.erase(key);
  }

  void Clear() {
    std::lock_guard<std::mutex> lk(mu_);
    ++epoch_;
    rows_.clear();
  }

  // Batches may nest: reads are kept again once the outermost one ended.
  void SetBatchOpen(bool open) {
    std::lock_guard<std::mutex> lk(mu_);
    ++epoch_;
    batches_open_ += open ? 1 : -1;
  }

  struct Stats {
    size_t rows;
    uint64_t hits, misses;
  };
  Stats stats() {
    std::lock_guard<std::mutex> lk(mu_);
    return {rows_.size(), hits_, misses_};
  }

 private:
  void InsertLocked(const std::string& key, const T& row) {
    if (auto it = rows_.find(key); it != rows_.end()) {
      it->second = row;
      return;
    }
    if (capacity_ == 0) return;
    if (rows_.size() >= capacity_) rows_.erase(rows_.begin());
    rows_.emplace(key, row);
  }

  std::mutex mu_;
  size_t capacity_;
  std::unordered_map<std::string, T> rows_;
  uint64_t epoch_ = 0;
  int batches_open_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace okta
