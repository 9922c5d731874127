// OktaStore: the mock Okta's SQLite database (okta.db). Each entity is a row
// of indexed key columns plus its JSON form; `seq` keeps insertion order for
// Okta's cursor paging. Thread-safe (core::DbPool); the domain serialises
// multi-row changes under its own lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "core/sqlite.h"
#include "mock_okta/model.h"
#include "mock_okta/row_cache.h"

namespace okta {

class OktaStore {
 public:
  // Errors: kInternal when the file cannot be opened or migrated.
  static core::Result<std::unique_ptr<OktaStore>> Open(const std::string& path);

  // Users. Put inserts or replaces; a login taken by another user → kConflict.
  core::Status PutUser(const User& u);
  std::optional<User> LookupUser(const std::string& id);
  std::optional<User> LookupUserByLogin(const std::string& login);
  // In seq order, after `after_seq` (0: from the start), at most `limit`.
  std::vector<User> ListUsers(int64_t after_seq, int limit);
  core::Status DeleteUser(const std::string& id);

  core::Status PutGroup(const Group& g);
  std::optional<Group> LookupGroup(const std::string& id);
  std::vector<Group> ListGroups(int64_t after_seq, int limit);
  core::Status DeleteGroup(const std::string& id);

  core::Status AddMember(const std::string& group_id, const std::string& user_id);
  core::Status RemoveMember(const std::string& group_id, const std::string& user_id);
  bool IsMember(const std::string& group_id, const std::string& user_id);
  std::vector<std::string> ListMemberIds(const std::string& group_id);  // in the order added
  std::vector<std::string> ListGroupIdsOfUser(const std::string& user_id);

  core::Status PutApp(const App& a);
  std::optional<App> LookupApp(const std::string& id);
  std::vector<App> ListApps(int64_t after_seq, int limit);
  core::Status DeleteApp(const std::string& id);

  core::Status PutAppUser(const AppUser& au);
  std::optional<AppUser> LookupAppUser(const std::string& app_id, const std::string& user_id);
  // Reads, changes and writes back one app user: `change` gets the stored
  // app user and returns whether to write it back. Returns whether there was
  // one (kept false when the pair is not assigned). The provisioning
  // workers' write: an app user held in memory is changed there at once and
  // written to the table by the writing thread, in order with the log,
  // traffic and job journal appends (every other read and write of app
  // users writes what is pending first, so none of them sees an older row).
  core::Result<bool> UpdateAppUser(const std::string& app_id, const std::string& user_id,
                                   const std::function<bool(AppUser&)>& change);
  std::vector<AppUser> ListAppUsers(const std::string& app_id);
  std::vector<AppUser> ListAppUsersOfUser(const std::string& user_id);
  core::Status DeleteAppUser(const std::string& app_id, const std::string& user_id);

  core::Status PutAppGroup(const AppGroup& ag);
  std::optional<AppGroup> LookupAppGroup(const std::string& app_id, const std::string& group_id);
  std::vector<AppGroup> ListAppGroups(const std::string& app_id);
  std::vector<AppGroup> ListAppGroupsOfGroup(const std::string& group_id);
  core::Status DeleteAppGroup(const std::string& app_id, const std::string& group_id);

  core::Status PutGroupPush(const GroupPush& p);
  std::optional<GroupPush> LookupGroupPush(const std::string& id);
  std::vector<GroupPush> ListGroupPushes(const std::string& app_id);
  std::vector<GroupPush> ListGroupPushesOfGroup(const std::string& group_id);
  // Whether the app has any group-push mapping (read on every provisioned
  // user: answered from memory once known, until a mapping is written).
  bool AppHasGroupPushes(const std::string& app_id);
  core::Status DeleteGroupPush(const std::string& id);

  core::Status PutTask(const Task& t);
  std::optional<Task> LookupTask(const std::string& id);
  std::vector<Task> ListTasks();
  // Read on every successful job: an app known to have none is answered
  // from memory until a task is written.
  std::vector<Task> ListUnresolvedTasks(const std::string& app_id);
  // Runs body with every write of this thread in one transaction, committed
  // when body returns Ok (rolled back otherwise). Returns body's status, or
  // the commit's error.
  core::Status Batch(const std::function<core::Status()>& body);

  // Empties every table (the console's "reset everything"), in one transaction.
  core::Status ResetAll();

  // Sign-on documents (mock_okta/signon): JSON by kind and id, e.g.
  // ("auth_server", "default"), ("signing_keys", "org"). Listed in the order
  // first written.
  core::Status PutDoc(const std::string& kind, const std::string& id, const core::Json& doc);
  std::optional<core::Json> GetDoc(const std::string& kind, const std::string& id);
  std::vector<core::Json> ListDocs(const std::string& kind);
  core::Status DeleteDoc(const std::string& kind, const std::string& id);

  // System Log events and traffic records: append-only JSON documents.
  // Appends are buffered and written in batches by a background thread
  // (every 50 ms, or sooner when many are waiting), in the order appended;
  // every List of them writes what is pending first, so a reader never
  // misses an append that returned. A process killed mid-run loses at most
  // the last moments of log and traffic (this is a mock; see docs). A failed
  // batch write is reported to the process log.
  core::Status AddLog(const core::Json& event);
  // Appends the event `make` returns as JSON text, built later on the
  // writing thread.
  void AddLogLater(std::function<std::string()> make);
  // Appends the record `make` returns as JSON text; `make` runs later on
  // the writing thread, so building a large record costs the caller nothing.
  void AddTrafficLater(std::function<std::string()> make);
  std::vector<std::pair<int64_t, core::Json>> ListLogs(int64_t after_seq, int limit);
  core::Status AddTraffic(const core::Json& record);
  std::vector<std::pair<int64_t, core::Json>> ListTraffic(int64_t after_seq, int limit);
  // The provisioning job journal (documents of kind "job"): a `make` saves
  // (upserts) the job as the JSON text it returns, built on the writing
  // thread; null deletes it. Written in order with the log and traffic
  // appends (so a process killed mid-run may lose the last moments of it,
  // like the log).
  void JournalJob(const std::string& id, std::function<std::string()> make);
  // Writes the pending appends (log, traffic, journal, app users) now.
  core::Status FlushAppends();
  // Copies the WAL into the database (the writing thread does this every
  // 0.5 s; SQLite's automatic checkpoints are off). Ok for ":memory:".
  core::Status Checkpoint();
  // Keeps at most this many System Log events and traffic records: after
  // each batch write the oldest beyond the limit are deleted (0: no limit).
  void SetRetention(int64_t max_logs, int64_t max_traffic);
  // Also deletes events and records written more than `max_age` ago (0: no
  // age limit). Age is real elapsed time on this process's steady clock, not
  // the sandbox clock (moving that must not drop traffic); rows written before
  // the store was opened count from the moment it was opened. `now` replaces
  // the steady clock in tests.
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
  void SetMaxAge(std::chrono::seconds max_age, SteadyNow now = nullptr);
  // Deletes what the age limit has expired (the writing thread calls it every
  // 0.5 s, so old rows go although nothing new is written).
  void TrimExpired();

  // Users and app users kept in memory (each); beyond that the store reads
  // SQLite again for the rows it dropped.
  static constexpr size_t kCachedRows = 25000;
  // Rows cached, and cache hits and misses since the store opened (tests).
  RowCache<User>::Stats user_cache_stats() { return users_.stats(); }
  RowCache<AppUser>::Stats app_user_cache_stats() { return app_users_.stats(); }

  ~OktaStore();
  OktaStore(const OktaStore&) = delete;
  OktaStore& operator=(const OktaStore&) = delete;

 private:
  explicit OktaStore(std::unique_ptr<core::DbPool> pool);
  struct Appended {
    const char* table;  // "logs", "traffic", "job" (journal: `id`, and no `make` for a delete), or "app_users"
    std::function<std::string()> make;  // the row's JSON text
    std::string id, id2;                // job id; app and user id of an app user
  };
  // App users: a write or read of the table first writes the pending ones
  // (unless none are pending); app_users_mu_ keeps new ones from being
  // deferred meanwhile (and for the whole of a batch).
  void WritePendingAppUsers();
  std::recursive_mutex app_users_mu_;
  std::atomic<int64_t> app_users_pending_{0};
  // The store whose Batch this thread is running (null: none).
  static thread_local const OktaStore* batch_store_;
  void Append(const char* table, std::function<std::string()> make, std::string id = "", std::string id2 = "");
  void FlushLoop();
  core::Status Put(const char* table, const std::string& k1, const std::string& k2, const std::string& x,
                   const std::string& data);
  // Inserts or replaces a row; `seq` (when set) gets the row's seq.
  static core::Status PutRow(core::Db& db, const char* table, const std::string& k1, const std::string& k2,
                             const std::string& x, const std::string& data, int64_t* seq = nullptr);
  static std::optional<std::string> GetRow(core::Db& db, const char* table, const std::string& k1,
                                           const std::string& k2, int64_t* seq = nullptr);
  std::optional<std::string> Get(const char* table, const std::string& k1, const std::string& k2,
                                 int64_t* seq = nullptr);
  core::Status PutAppUserRow(core::Db& db, const AppUser& au);
  std::optional<std::pair<int64_t, std::string>> GetBy(const char* table, const char* col, const std::string& v);
  // Rows after `after_seq` in seq order; `col` = `v` when col is set, and the
  // SQL condition `also` when set (a literal of this file, never user input).
  std::vector<std::pair<int64_t, std::string>> List(const char* table, const char* col, const std::string& v,
                                                    int64_t after_seq, int limit, const char* also = nullptr);
  // `deleted` runs after a successful delete, still on the write connection.
  core::Status Delete(const char* table, const std::string& k1, const std::string& k2,
                      const std::function<void()>& deleted = nullptr);

  std::unique_ptr<core::DbPool> pool_;
  std::mutex append_mu_;  // guards pending_ and stop_
  std::condition_variable append_cv_;
  std::vector<Appended> pending_;
  bool stop_ = false;
  std::mutex apps_mu_;  // guards apps_, push_apps_, no_task_apps_ and apps_epoch_
  std::unordered_map<std::string, App> apps_;
  // Facts every provisioning job reads, cached like the apps: the apps with
  // group-push mappings (nullopt: not read yet), and the apps known to have
  // no unresolved task.
  std::optional<std::unordered_set<std::string>> push_apps_;
  std::unordered_set<std::string> no_task_apps_;
  uint64_t apps_epoch_ = 0;  // bumped by every write they depend on, so a read that raced one is not cached
  enum class Cached { kApp, kPushes, kTasks };
  void Forget(Cached what, const std::string& app_id = "");  // kApp with "" = everything
  // Runs `write` between two Forget calls.
  core::Status Forgetting(Cached what, const std::string& app_id, const std::function<core::Status()>& write);
  // The provisioning state jobs read, in memory (row_cache.h): at most
  // kCachedRows users and kCachedRows app users.
  RowCache<User> users_{kCachedRows};
  RowCache<AppUser> app_users_{kCachedRows};
  std::atomic<int64_t> max_logs_{0}, max_traffic_{0};
  // Age retention, guarded by flush_mu_ (see AgeWindow in the .cpp).
  struct AgeMark {
    std::chrono::steady_clock::time_point at;
    int64_t logs_seq, traffic_seq;
  };
  std::chrono::seconds max_age_{0};
  SteadyNow now_;
  std::deque<AgeMark> age_marks_;
  core::Status TrimByAge(core::Db& db);
  std::chrono::steady_clock::duration AgeWindow() const;
  std::mutex flush_mu_;  // one flush at a time, so rows keep the append order
  std::thread flusher_;
};

}  // namespace okta
