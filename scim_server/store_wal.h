// ScimStore internals (see scim_store.h): keeps a file store's WAL bounded.
//
// SQLite's automatic checkpoint (PASSIVE, after a commit) copies WAL frames
// into the database but never waits for readers, and the WAL restarts from its
// beginning only when no reader still uses it. Under a steady mixed load some
// read is always in flight (each one short, but they overlap), so the WAL is
// never restarted and grows without bound, and reads slow down as it does.
//
// The keeper looks at the WAL's size every `interval`; above `max_bytes` it
// takes the write connection (so writers queue on the pool's mutex, not in
// SQLite's busy loop) and runs a TRUNCATE checkpoint: copy what is left, wait
// at most `reader_wait` for reads that started before the copy (reads that
// start after it read the database file and do not hold the WAL), truncate
// the file to zero. If a read outlasts the wait the WAL stays as it is and the
// next round tries again. journal_size_limit caps what an ordinary restart
// leaves on disk too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/sqlite.h"

namespace scim::store {

struct WalOptions {
  std::chrono::milliseconds interval{100};      // how often the WAL's size is looked at
  int64_t max_bytes = int64_t{8} << 20;          // a larger WAL is checkpointed and truncated
  std::chrono::milliseconds reader_wait{200};   // longest the writer waits for older reads
};

class WalKeeper {
 public:
  // Starts the keeper's thread. The pool must be a file database and outlive it.
  WalKeeper(core::DbPool& pool, WalOptions options);
  ~WalKeeper();
  WalKeeper(const WalKeeper&) = delete;
  WalKeeper& operator=(const WalKeeper&) = delete;

  // One round: checkpoints and truncates the WAL if it is over max_bytes.
  // True when it truncated the WAL.
  bool Tend();
  // The WAL file's size in bytes (0 when there is none).
  int64_t WalBytes() const;

 private:
  void Loop();

  core::DbPool& pool_;
  const WalOptions options_;
  const std::string wal_path_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace scim::store
