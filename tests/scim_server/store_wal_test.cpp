// The SCIM store's WAL stays bounded under a mixed load (store_wal.h): with a
// read always in flight, SQLite's own checkpoints never restart the WAL.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/sqlite.h"
#include "scim_server/scim_store.h"
#include "scim_server/store_wal.h"

namespace fs = std::filesystem;

namespace {

// A folder of its own, so concurrent runs do not collide.
fs::path FreshDir() {
  std::random_device rd;
  fs::path dir = fs::temp_directory_path() / ("okta-sandbox-wal-test-" + std::to_string(rd()) + std::to_string(rd()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

int64_t FileSize(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

// Overlapping reads, like HTTP readers under load: a new read transaction
// starts on one connection before the one on the other connection ends, so
// some read holds a snapshot at every moment.
class ReadRelay {
 public:
  explicit ReadRelay(const std::string& path) {
    for (auto& c : conns_) {
      auto db = core::Db::Open(path, core::DbOptions{true, 5000});
      REQUIRE(db.ok());
      c = std::move(*db);
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~ReadRelay() {
    stop_ = true;
    thread_.join();
  }
  int64_t reads() const { return reads_; }

 private:
  void Run() {
    int cur = 0;
    (void)conns_[cur]->Exec("BEGIN; SELECT count(*) FROM users");
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      int next = 1 - cur;
      if (conns_[next]->Exec("BEGIN; SELECT count(*) FROM users").ok()) ++reads_;
      (void)conns_[cur]->Exec("COMMIT");
      cur = next;
    }
    (void)conns_[cur]->Exec("COMMIT");
  }

  std::unique_ptr<core::Db> conns_[2];
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> reads_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("the WAL stays bounded while overlapping reads keep the store busy", "[scim][store][wal]") {
  const fs::path dir = FreshDir();
  const std::string path = (dir / "scim.db").string();
  core::SystemClock clock;
  core::UuidV7Source ids(clock);
  scim::store::WalOptions wal;
  wal.interval = std::chrono::milliseconds(10);
  wal.max_bytes = int64_t{1} << 20;
  wal.reader_wait = std::chrono::milliseconds(500);
  auto store = scim::ScimStore::Open(path, clock, ids, wal);
  REQUIRE(store.ok());

  constexpr int kUsers = 300;
  const std::string filler(20000, 'x');  // a few pages of WAL per commit
  int64_t largest = 0;
  {
    ReadRelay relay(path);
    for (int i = 0; i < kUsers; ++i) {
      auto u = (*store)->CreateUser(
          {{"userName", "user" + std::to_string(i) + "@example.com"}, {"displayName", filler + std::to_string(i)}});
      REQUIRE(u.ok());
      largest = std::max(largest, FileSize(path + "-wal"));
    }
    CHECK(relay.reads() > 100);  // the reads did overlap the whole run
  }
  const int64_t db_bytes = FileSize(path);
  INFO("largest WAL " << largest << " bytes; database " << db_bytes << " bytes");
  CHECK(largest < 4 * (int64_t{1} << 20));
  CHECK((*store)->CountUsers() == kUsers);
  auto check = core::Db::Open(path, core::DbOptions{true, 5000});
  REQUIRE(check.ok());
  auto st = (*check)->PrepareOnce("PRAGMA integrity_check");
  REQUIRE(st.ok());
  REQUIRE(*st->Step());
  CHECK(st->ColumnText(0) == "ok");
  store->reset();
  fs::remove_all(dir);
}
