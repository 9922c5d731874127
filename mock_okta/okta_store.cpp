#include "mock_okta/okta_store.h"

#include <algorithm>

#include "core/log.h"

namespace okta {

thread_local const OktaStore* OktaStore::batch_store_ = nullptr;

using core::Json;
using core::Status;

namespace {

// Every entity table has the same shape: a two-part key (k2 = '' for
// single-key entities), a secondary lookup column x, the insertion seq and
// the JSON document.
std::string EntityTable(const std::string& name, const std::string& x_collate) {
  return "CREATE TABLE " + name + " (k1 TEXT NOT NULL, k2 TEXT NOT NULL DEFAULT '', x TEXT NOT NULL DEFAULT ''" +
         x_collate +
         ", seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (k1, k2));"
         "CREATE INDEX " +
         name + "_x ON " + name +
         " (x, seq);"
         "CREATE INDEX " +
         name + "_k2 ON " + name +
         " (k2, seq);"
         "CREATE UNIQUE INDEX " +
         name + "_seq ON " + name + " (seq);";
}

std::vector<core::Migration> Migrations() {
  std::string v1 = EntityTable("users", " COLLATE NOCASE") + EntityTable("groups_", "") +
                   EntityTable("memberships", "") + EntityTable("apps", "") + EntityTable("app_users", "") +
                   EntityTable("app_groups", "") + EntityTable("group_pushes", "") + EntityTable("tasks", "") +
                   "CREATE TABLE logs (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);"
                   "CREATE TABLE traffic (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);";
  // v2: sign-on documents (authorization servers, signing keys, the org id).
  std::string v2 = EntityTable("docs", "");
  return {{1, v1}, {2, v2}};
}

template <class T>
std::optional<T> Decode(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j.template get<T>();
}

template <class T>
std::vector<T> DecodeAll(const std::vector<std::pair<int64_t, std::string>>& rows) {
  std::vector<T> out;
  for (const auto& [seq, text] : rows) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) continue;
    T t = j.template get<T>();
    t.seq = seq;
    out.push_back(std::move(t));
  }
  return out;
}

template <class T>
std::string Encode(const T& t) {
  return nlohmann::json(t).dump();
}

}  // namespace

core::Result<std::unique_ptr<OktaStore>> OktaStore::Open(const std::string& path) {
  auto pool = core::DbPool::Open(path, Migrations());
  if (!pool.ok()) return pool.error();
  if (!(*pool)->in_memory()) {
    // Checkpoints run on the store's writing thread (FlushLoop), not inside
    // whichever write happens to cross SQLite's threshold: a provisioning
    // worker never waits for one. The WAL is truncated back to 64 MB.
    // The write connection may cache up to 32 MB of pages (SQLite's default
    // is 2 MB): a batch such as assigning a group of 10,000 users then stays
    // in memory until its commit instead of spilling pages to the WAL.
    auto st = (*pool)->Write([](core::Db& db) {
      auto s = db.Exec("PRAGMA wal_autocheckpoint=0");
      if (s.ok()) s = db.Exec("PRAGMA cache_size=-32768");
      return s.ok() ? db.Exec("PRAGMA journal_size_limit=67108864") : s;
    });
    if (!st.ok()) return st.error();
  }
  return std::unique_ptr<OktaStore>(new OktaStore(std::move(*pool)));
}

Status OktaStore::PutRow(core::Db& db, const char* table, const std::string& k1, const std::string& k2,
                         const std::string& x, const std::string& data, int64_t* seq) {
  std::string t = table;
  auto st = db.Prepare("INSERT INTO " + t +
                       " (k1, k2, x, seq, data) VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM " + t +
                       "), ?) ON CONFLICT (k1, k2) DO UPDATE SET x = excluded.x, data = excluded.data RETURNING seq");
  if (!st.ok()) return st.error();
  (*st)->Bind(1, k1).Bind(2, k2).Bind(3, x).Bind(4, data);
  while (true) {  // one row: the row's seq (RETURNING)
    auto row = (*st)->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Status::Ok();
    if (seq) *seq = (*st)->ColumnInt(0);
  }
}

std::optional<std::string> OktaStore::GetRow(core::Db& db, const char* table, const std::string& k1,
                                             const std::string& k2, int64_t* seq) {
  auto st = db.Prepare(std::string("SELECT data, seq FROM ") + table + " WHERE k1 = ? AND k2 = ?");
  if (!st.ok()) return std::nullopt;
  (*st)->Bind(1, k1).Bind(2, k2);
  auto row = (*st)->Step();
  if (!row.ok() || !*row) return std::nullopt;
  std::string out = (*st)->ColumnText(0);
  if (seq) *seq = (*st)->ColumnInt(1);
  (*st)->Reset();
  return out;
}

Status OktaStore::Put(const char* table, const std::string& k1, const std::string& k2, const std::string& x,
                      const std::string& data) {
  return pool_->Write([&](core::Db& db) { return PutRow(db, table, k1, k2, x, data); });
}

std::optional<std::string> OktaStore::Get(const char* table, const std::string& k1, const std::string& k2,
                                          int64_t* seq) {
  return pool_->Read([&](core::Db& db) { return GetRow(db, table, k1, k2, seq); });
}

std::optional<std::pair<int64_t, std::string>> OktaStore::GetBy(const char* table, const char* col,
                                                                const std::string& v) {
  auto rows = List(table, col, v, 0, 1);
  if (rows.empty()) return std::nullopt;
  return rows[0];
}

std::vector<std::pair<int64_t, std::string>> OktaStore::List(const char* table, const char* col, const std::string& v,
                                                             int64_t after_seq, int limit, const char* also) {
  return pool_->Read([&](core::Db& db) {
    std::vector<std::pair<int64_t, std::string>> out;
    std::string sql = std::string("SELECT seq, data FROM ") + table + " WHERE seq > ?";
    if (col) sql += std::string(" AND ") + col + " = ?";
    if (also) sql += std::string(" AND ") + also;
    sql += " ORDER BY seq LIMIT ?";
    auto st = db.Prepare(sql);
    if (!st.ok()) return out;
    int i = 1;
    (*st)->Bind(i++, after_seq);
    if (col) (*st)->Bind(i++, v);
    (*st)->Bind(i++, static_cast<int64_t>(limit < 0 ? 1000000000 : limit));
    while (true) {
      auto row = (*st)->Step();
      if (!row.ok() || !*row) break;
      out.emplace_back((*st)->ColumnInt(0), (*st)->ColumnText(1));
    }
    (*st)->Reset();
    return out;
  });
}

Status OktaStore::Delete(const char* table, const std::string& k1, const std::string& k2,
                         const std::function<void()>& deleted) {
  return pool_->Write([&](core::Db& db) -> Status {
    auto st = db.Prepare(std::string("DELETE FROM ") + table + " WHERE k1 = ? AND k2 = ?");
    if (!st.ok()) return st.error();
    (*st)->Bind(1, k1).Bind(2, k2);
    Status s = (*st)->Exec();
    if (s.ok() && deleted) deleted();
    return s;
  });
}

// ---- users ----
Status OktaStore::PutUser(const User& u) {
  std::string login = u.profile.value("login", "");
  if (auto other = GetBy("users", "x", login)) {
    auto existing = Decode<User>(other->second);
    if (existing && existing->id != u.id)
      return core::MakeError(core::ErrorCode::kConflict,
                             "login: An object with this field already exists in the current organization");
  }
  return pool_->Write([&](core::Db& db) {
    User row = u;
    Status st = PutRow(db, "users", u.id, "", login, Encode(u), &row.seq);
    if (st.ok()) users_.Set(u.id, row);
    return st;
  });
}
std::optional<User> OktaStore::LookupUser(const std::string& id) {
  uint64_t epoch = 0;
  if (auto hit = users_.Find(id, &epoch)) return hit;
  auto v = DecodeAll<User>(List("users", "k1", id, 0, 1));
  if (v.empty()) return std::nullopt;
  users_.Offer(id, v[0], epoch);
  return v[0];
}
std::optional<User> OktaStore::LookupUserByLogin(const std::string& login) {
  auto v = DecodeAll<User>(List("users", "x", login, 0, 1));
  if (v.empty()) return std::nullopt;
  return v[0];
}
std::vector<User> OktaStore::ListUsers(int64_t after_seq, int limit) {
  return DecodeAll<User>(List("users", nullptr, "", after_seq, limit));
}
Status OktaStore::DeleteUser(const std::string& id) {
  return Delete("users", id, "", [&] { users_.Erase(id); });
}

// ---- groups ----
Status OktaStore::PutGroup(const Group& g) { return Put("groups_", g.id, "", g.name, Encode(g)); }
std::optional<Group> OktaStore::LookupGroup(const std::string& id) {
  auto v = DecodeAll<Group>(List("groups_", "k1", id, 0, 1));
  if (v.empty()) return std::nullopt;
  return v[0];
}
std::vector<Group> OktaStore::ListGroups(int64_t after_seq, int limit) {
  return DecodeAll<Group>(List("groups_", nullptr, "", after_seq, limit));
}
Status OktaStore::DeleteGroup(const std::string& id) { return Delete("groups_", id, ""); }

// ---- memberships: k1 = group, k2 = user ----
Status OktaStore::AddMember(const std::string& g, const std::string& u) {
  if (IsMember(g, u)) return Status::Ok();
  return Put("memberships", g, u, g, "{}");
}
Status OktaStore::RemoveMember(const std::string& g, const std::string& u) { return Delete("memberships", g, u); }
bool OktaStore::IsMember(const std::string& g, const std::string& u) { return Get("memberships", g, u).has_value(); }
std::vector<std::string> OktaStore::ListMemberIds(const std::string& g) {
  return pool_->Read([&](core::Db& db) {
    std::vector<std::string> out;
    auto st = db.Prepare("SELECT k2 FROM memberships WHERE k1 = ? ORDER BY seq");
    if (!st.ok()) return out;
    (*st)->Bind(1, g);
    while (true) {
      auto row = (*st)->Step();
      if (!row.ok() || !*row) break;
      out.push_back((*st)->ColumnText(0));
    }
    (*st)->Reset();
    return out;
  });
}
std::vector<std::string> OktaStore::ListGroupIdsOfUser(const std::string& u) {
  return pool_->Read([&](core::Db& db) {
    std::vector<std::string> out;
    auto st = db.Prepare("SELECT k1 FROM memberships WHERE k2 = ? ORDER BY seq");
    if (!st.ok()) return out;
    (*st)->Bind(1, u);
    while (true) {
      auto row = (*st)->Step();
      if (!row.ok() || !*row) break;
      out.push_back((*st)->ColumnText(0));
    }
    (*st)->Reset();
    return out;
  });
}

// ---- apps ----
// Every provisioning job reads its app: decoded apps are kept in memory and
// dropped whenever the app is written (and after every batch).
Status OktaStore::PutApp(const App& a) {
  return Forgetting(Cached::kApp, a.id, [&] { return Put("apps", a.id, "", a.name, Encode(a)); });
}
std::optional<App> OktaStore::LookupApp(const std::string& id) {
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lk(apps_mu_);
    if (auto it = apps_.find(id); it != apps_.end()) return it->second;
    epoch = apps_epoch_;
  }
  auto v = DecodeAll<App>(List("apps", "k1", id, 0, 1));
  if (v.empty()) return std::nullopt;
  std::lock_guard<std::mutex> lk(apps_mu_);
  if (epoch == apps_epoch_) apps_.emplace(id, v[0]);  // no write since the read began
  return v[0];
}
// Writers forget before and after their write (Forgetting): a read that
// began before the write cannot cache what the write changed (its epoch moved on).
Status OktaStore::Forgetting(Cached what, const std::string& app_id, const std::function<Status()>& write) {
  Forget(what, app_id);
  Status s = write();
  Forget(what, app_id);
  return s;
}
void OktaStore::Forget(Cached what, const std::string& app_id) {
  std::lock_guard<std::mutex> lk(apps_mu_);
  ++apps_epoch_;
  switch (what) {
    case Cached::kApp:
      if (!app_id.empty()) {
        apps_.erase(app_id);
        return;
      }
      apps_.clear();
      push_apps_.reset();
      no_task_apps_.clear();
      return;
    case Cached::kPushes: push_apps_.reset(); return;
    case Cached::kTasks: no_task_apps_.clear(); return;
  }
}
std::vector<App> OktaStore::ListApps(int64_t after_seq, int limit) {
  return DecodeAll<App>(List("apps", nullptr, "", after_seq, limit));
}
Status OktaStore::DeleteApp(const std::string& id) {
  return Forgetting(Cached::kApp, id, [&] { return Delete("apps", id, ""); });
}

// ---- app users: k1 = app, k2 = user, x = app ----
// Users and app users are what every provisioning job reads and writes:
// both are kept in memory (RowCache; its header has the rules).
namespace {
std::string AppUserKey(const std::string& app_id, const std::string& user_id) { return app_id + '\n' + user_id; }
}  // namespace
Status OktaStore::PutAppUser(const AppUser& au) {
  std::lock_guard<std::recursive_mutex> lk(app_users_mu_);
  WritePendingAppUsers();
  return pool_->Write([&](core::Db& db) { return PutAppUserRow(db, au); });
}
Status OktaStore::PutAppUserRow(core::Db& db, const AppUser& au) {
  AppUser row = au;
  Status st = PutRow(db, "app_users", au.app_id, au.user_id, au.app_id, Encode(au), &row.seq);
  if (st.ok()) app_users_.Set(AppUserKey(au.app_id, au.user_id), row);
  return st;
}
void OktaStore::WritePendingAppUsers() {
  if (app_users_pending_ == 0) return;  // always so inside a batch (written when it began)
  if (auto s = FlushAppends(); !s.ok()) spdlog::error("mock_okta: app user write failed: {}", s.error().detail);
}
std::optional<AppUser> OktaStore::LookupAppUser(const std::string& app_id, const std::string& user_id) {
  std::string key = AppUserKey(app_id, user_id);
  uint64_t epoch = 0;
  if (auto hit = app_users_.Find(key, &epoch)) return hit;
  WritePendingAppUsers();
  int64_t seq = 0;
  auto au = Decode<AppUser>(Get("app_users", app_id, user_id, &seq));
  if (!au) return std::nullopt;
  au->seq = seq;
  app_users_.Offer(key, *au, epoch);
  return au;
}
core::Result<bool> OktaStore::UpdateAppUser(const std::string& app_id, const std::string& user_id,
                                            const std::function<bool(AppUser&)>& change) {
  std::lock_guard<std::recursive_mutex> lk(app_users_mu_);
  std::string key = AppUserKey(app_id, user_id);
  uint64_t epoch = 0;
  if (batch_store_ != this) {
    // Held in memory: changed there, written by the writing thread.
    if (auto au = app_users_.Find(key, &epoch)) {
      if (!change(*au)) return true;
      app_users_.Set(key, *au);
      ++app_users_pending_;
      Append("app_users", [row = *au] { return Encode(row); }, app_id, user_id);
      return true;
    }
    WritePendingAppUsers();
  }
  bool found = false;
  Status s = pool_->Write([&](core::Db& db) -> Status {
    auto au = app_users_.Find(key, &epoch);  // the write connection is held: a cached row is the stored one
    if (!au) au = Decode<AppUser>(GetRow(db, "app_users", app_id, user_id));
    if (!au) return Status::Ok();
    found = true;
    if (!change(*au)) return Status::Ok();
    return PutAppUserRow(db, *au);
  });
  if (!s.ok()) return s.error();
  return found;
}
std::vector<AppUser> OktaStore::ListAppUsers(const std::string& app_id) {
  WritePendingAppUsers();
  return DecodeAll<AppUser>(List("app_users", "k1", app_id, 0, -1));
}
std::vector<AppUser> OktaStore::ListAppUsersOfUser(const std::string& user_id) {
  WritePendingAppUsers();
  return DecodeAll<AppUser>(List("app_users", "k2", user_id, 0, -1));
}
Status OktaStore::DeleteAppUser(const std::string& a, const std::string& u) {
  std::lock_guard<std::recursive_mutex> lk(app_users_mu_);
  WritePendingAppUsers();
  return Delete("app_users", a, u, [&] { app_users_.Erase(AppUserKey(a, u)); });
}

// ---- app groups ----
Status OktaStore::PutAppGroup(const AppGroup& ag) {
  return Put("app_groups", ag.app_id, ag.group_id, ag.app_id, Encode(ag));
}
std::optional<AppGroup> OktaStore::LookupAppGroup(const std::string& a, const std::string& g) {
  return Decode<AppGroup>(Get("app_groups", a, g));
}
std::vector<AppGroup> OktaStore::ListAppGroups(const std::string& a) {
  return DecodeAll<AppGroup>(List("app_groups", "k1", a, 0, -1));
}
std::vector<AppGroup> OktaStore::ListAppGroupsOfGroup(const std::string& g) {
  return DecodeAll<AppGroup>(List("app_groups", "k2", g, 0, -1));
}
Status OktaStore::DeleteAppGroup(const std::string& a, const std::string& g) { return Delete("app_groups", a, g); }

// ---- group push mappings: k1 = id, k2 = '', x = source group; app in JSON ----
Status OktaStore::PutGroupPush(const GroupPush& p) {
  return Forgetting(Cached::kPushes, "", [&] { return Put("group_pushes", p.id, "", p.source_group_id, Encode(p)); });
}
std::optional<GroupPush> OktaStore::LookupGroupPush(const std::string& id) {
  return Decode<GroupPush>(Get("group_pushes", id, ""));
}
std::vector<GroupPush> OktaStore::ListGroupPushes(const std::string& app_id) {
  std::vector<GroupPush> out;
  for (auto& p : DecodeAll<GroupPush>(List("group_pushes", nullptr, "", 0, -1))) {
    if (p.app_id == app_id) out.push_back(std::move(p));
  }
  return out;
}
std::vector<GroupPush> OktaStore::ListGroupPushesOfGroup(const std::string& g) {
  return DecodeAll<GroupPush>(List("group_pushes", "x", g, 0, -1));
}
Status OktaStore::DeleteGroupPush(const std::string& id) {
  return Forgetting(Cached::kPushes, "", [&] { return Delete("group_pushes", id, ""); });
}
bool OktaStore::AppHasGroupPushes(const std::string& app_id) {
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lk(apps_mu_);
    if (push_apps_) return push_apps_->count(app_id) > 0;
    epoch = apps_epoch_;
  }
  std::unordered_set<std::string> apps;
  for (auto& p : DecodeAll<GroupPush>(List("group_pushes", nullptr, "", 0, -1))) apps.insert(p.app_id);
  bool has = apps.count(app_id) > 0;
  std::lock_guard<std::mutex> lk(apps_mu_);
  if (epoch == apps_epoch_) push_apps_ = std::move(apps);
  return has;
}

// ---- tasks ----
Status OktaStore::PutTask(const Task& t) {
  return Forgetting(Cached::kTasks, "", [&] { return Put("tasks", t.id, "", t.app_id, Encode(t)); });
}
std::optional<Task> OktaStore::LookupTask(const std::string& id) { return Decode<Task>(Get("tasks", id, "")); }
Status OktaStore::ResetAll() {
  std::lock_guard<std::recursive_mutex> lk(app_users_mu_);
  if (auto s = FlushAppends(); !s.ok()) return s;
  Forget(Cached::kApp);
  return pool_->Write([&](core::Db& db) -> Status {
    users_.Clear();
    app_users_.Clear();
    core::Transaction tx(db);
    if (!tx.begin_status().ok()) return tx.begin_status();
    for (const char* t : {"users", "groups_", "memberships", "apps", "app_users", "app_groups", "group_pushes", "tasks",
                          "logs", "traffic", "docs"}) {
      if (auto st = db.Exec(std::string("DELETE FROM ") + t); !st.ok()) return st;
    }
    Status committed = tx.Commit();
    users_.Clear();  // a read that raced the commit may have put a row back
    app_users_.Clear();
    return committed;
  });
}

Status OktaStore::PutDoc(const std::string& kind, const std::string& id, const Json& doc) {
  return Put("docs", kind, id, kind, doc.dump());
}

std::optional<Json> OktaStore::GetDoc(const std::string& kind, const std::string& id) {
  auto text = Get("docs", kind, id);
  if (!text) return std::nullopt;
  auto j = Json::parse(*text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::vector<Json> OktaStore::ListDocs(const std::string& kind) {
  std::vector<Json> out;
  for (const auto& [seq, text] : List("docs", "x", kind, 0, -1)) {
    auto j = Json::parse(text, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

Status OktaStore::DeleteDoc(const std::string& kind, const std::string& id) { return Delete("docs", kind, id); }

std::vector<Task> OktaStore::ListTasks() { return DecodeAll<Task>(List("tasks", nullptr, "", 0, -1)); }
// Read on every successful job (a success may resolve tasks): only the app's
// unresolved tasks are decoded, however many resolved ones the app has.
std::vector<Task> OktaStore::ListUnresolvedTasks(const std::string& app_id) {
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lk(apps_mu_);
    if (no_task_apps_.count(app_id)) return {};
    epoch = apps_epoch_;
  }
  auto tasks = DecodeAll<Task>(List("tasks", "x", app_id, 0, -1, "json_extract(data, '$.status') != 'RESOLVED'"));
  if (tasks.empty()) {
    std::lock_guard<std::mutex> lk(apps_mu_);
    if (epoch == apps_epoch_) no_task_apps_.insert(app_id);
  }
  return tasks;
}

Status OktaStore::Batch(const std::function<Status()>& body) {
  // DbPool::Batch commits whatever its body wrote; leaving it by an exception
  // rolls the transaction back instead, which is how a failed body undoes
  // its earlier writes.
  struct Abort {};
  Status result;
  // No app user write is deferred while the batch runs, and none is pending
  // when it begins: the batch reads the table as it is.
  std::lock_guard<std::recursive_mutex> lk(app_users_mu_);
  WritePendingAppUsers();
  // While it runs, this thread's app-user writes join the batch (batch_store_),
  // users and app users written are cached as written (the batch holds the
  // write connection) and reads are not cached; a batch that is not
  // committed drops both caches.
  struct Open {
    OktaStore& s;
    const OktaStore* outer = batch_store_;
    bool committed = false;
    explicit Open(OktaStore& st) : s(st) {
      batch_store_ = &s;
      s.users_.SetBatchOpen(true);
      s.app_users_.SetBatchOpen(true);
    }
    ~Open() {
      if (!committed) {
        s.users_.Clear();
        s.app_users_.Clear();
      }
      s.users_.SetBatchOpen(false);
      s.app_users_.SetBatchOpen(false);
      batch_store_ = outer;
    }
  } open(*this);
  try {
    Status committed = pool_->Batch([&] {
      result = body();
      if (!result.ok()) throw Abort{};
    });
    open.committed = committed.ok();
    // A reader on another connection may have cached, between a write of
    // the batch and this commit, what it saw before the write.
    Forget(Cached::kApp);
    if (!committed.ok()) return committed;
  } catch (const Abort&) {
    Forget(Cached::kApp);  // what the batch wrote was rolled back
    return result;
  }
  return result;
}

}  // namespace okta
