#include "encryption_stub/key_store.h"

#include "core/secret.h"

namespace encryption {

namespace {

// The schema, in one place. WITHOUT ROWID: every lookup is by the text key.
const std::vector<core::Migration>& Migrations() {
  static const std::vector<core::Migration> kMigrations = {
      {1,
       "CREATE TABLE groups ("
       "  group_id TEXT PRIMARY KEY,"
       "  key_version INTEGER NOT NULL,"
       "  group_key TEXT NOT NULL,"  // base64 of the raw key
       "  created_at TEXT NOT NULL,"
       "  rotated_at TEXT NOT NULL"
       ") WITHOUT ROWID;"
       "CREATE TABLE members ("
       "  group_id TEXT NOT NULL REFERENCES groups(group_id) ON DELETE CASCADE,"
       "  member_id TEXT NOT NULL,"
       "  public_key TEXT NOT NULL,"  // base64 of the raw X25519 public key
       "  key_version INTEGER NOT NULL,"
       "  added_at TEXT NOT NULL,"
       "  PRIMARY KEY (group_id, member_id)"
       ") WITHOUT ROWID;"
       "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
       "INSERT INTO counters(name, value) VALUES ('wrapped_keys', 0);"},
  };
  return kMigrations;
}

// A cached statement left mid-result keeps its connection's read transaction
// open, so later reads on that connection would see an old snapshot. Every
// query resets its statement when done.
struct ResetOnExit {
  core::Stmt* stmt;
  ~ResetOnExit() { stmt->Reset(); }
};

core::Result<std::string> DecodeColumn(const core::Stmt& st, int col) {
  std::string raw;
  if (!core::Base64Decode(st.ColumnText(col), &raw)) {
    return core::Error{core::ErrorCode::kInternal, "key store holds a malformed key"};
  }
  return raw;
}

core::Result<MemberRecord> ReadMember(const core::Stmt& st) {
  MemberRecord m;
  m.member_id = st.ColumnText(0);
  auto pub = DecodeColumn(st, 1);
  if (!pub.ok()) return pub.error();
  m.public_key = std::move(*pub);
  m.key_version = st.ColumnInt(2);
  m.added_at = st.ColumnText(3);
  return m;
}

core::Result<int64_t> ScalarInt(core::Db& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  auto row = (*st)->Step();
  if (!row.ok()) return row.error();
  return *row ? (*st)->ColumnInt(0) : 0;
}

}  // namespace

core::Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& path) {
  auto pool = core::DbPool::Open(path, Migrations());
  if (!pool.ok()) return pool.error();
  return std::unique_ptr<KeyStore>(new KeyStore(std::move(*pool)));
}

core::Result<std::optional<GroupRecord>> KeyQueries::LookupGroup(const std::string& group_id) {
  auto st = db_.Prepare(
      "SELECT group_id, key_version, group_key, created_at, rotated_at FROM groups WHERE group_id = ?1");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group_id);
  auto row = (*st)->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<GroupRecord>();
  GroupRecord g;
  g.group_id = (*st)->ColumnText(0);
  g.key_version = (*st)->ColumnInt(1);
  auto key = DecodeColumn(**st, 2);
  if (!key.ok()) return key.error();
  g.group_key = std::move(*key);
  g.created_at = (*st)->ColumnText(3);
  g.rotated_at = (*st)->ColumnText(4);
  return std::optional<GroupRecord>(std::move(g));
}

core::Status KeyQueries::InsertGroup(const GroupRecord& group) {
  auto st = db_.Prepare(
      "INSERT INTO groups(group_id, key_version, group_key, created_at, rotated_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group.group_id)
      .Bind(2, group.key_version)
      .Bind(3, core::Base64Encode(group.group_key))
      .Bind(4, group.created_at)
      .Bind(5, group.rotated_at);
  return (*st)->Exec();
}

core::Status KeyQueries::UpdateGroupKey(const std::string& group_id, int64_t key_version,
                                        const std::string& group_key, const std::string& rotated_at) {
  auto st = db_.Prepare("UPDATE groups SET key_version = ?2, group_key = ?3, rotated_at = ?4 WHERE group_id = ?1");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group_id).Bind(2, key_version).Bind(3, core::Base64Encode(group_key)).Bind(4, rotated_at);
  return (*st)->Exec();
}

core::Result<bool> KeyQueries::DeleteGroup(const std::string& group_id) {
  auto st = db_.Prepare("DELETE FROM groups WHERE group_id = ?1");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group_id);
  if (auto s = (*st)->Exec(); !s.ok()) return s.error();
  return db_.Changes() > 0;
}

core::Result<std::optional<MemberRecord>> KeyQueries::LookupMember(const std::string& group_id,
                                                                   const std::string& member_id) {
  auto st = db_.Prepare(
      "SELECT member_id, public_key, key_version, added_at FROM members WHERE group_id = ?1 AND member_id = ?2");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group_id).Bind(2, member_id);
  auto row = (*st)->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<MemberRecord>();
  auto m = ReadMember(**st);
  if (!m.ok()) return m.error();
  return std::optional<MemberRecord>(std::move(*m));
}

core::Result<std::vector<MemberRecord>> KeyQueries::ListMembers(const std::string& group_id) {
  auto st = db_.Prepare(
      "SELECT member_id, public_key, key_version, added_at FROM members WHERE group_id = ?1 ORDER BY member_id");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group_id);
  std::vector<MemberRecord> out;
  while (true) {
    auto row = (*st)->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    auto m = ReadMember(**st);
    if (!m.ok()) return m.error();
    out.push_back(std::move(*m));
  }
  return out;
}

core::Status KeyQueries::UpsertMember(const std::string& group_id, const MemberRecord& member) {
  auto st = db_.Prepare(
      "INSERT INTO members(group_id, member_id, public_key, key_version, added_at) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(group_id, member_id) DO UPDATE SET public_key = excluded.public_key, "
      "key_version = excluded.key_version");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group_id)
      .Bind(2, member.member_id)
      .Bind(3, core::Base64Encode(member.public_key))
      .Bind(4, member.key_version)
      .Bind(5, member.added_at);
  return (*st)->Exec();
}

core::Result<bool> KeyQueries::DeleteMember(const std::string& group_id, const std::string& member_id) {
  auto st = db_.Prepare("DELETE FROM members WHERE group_id = ?1 AND member_id = ?2");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, group_id).Bind(2, member_id);
  if (auto s = (*st)->Exec(); !s.ok()) return s.error();
  return db_.Changes() > 0;
}

core::Status KeyQueries::AddWrappedKeys(int64_t n) {
  auto st = db_.Prepare("UPDATE counters SET value = value + ?1 WHERE name = 'wrapped_keys'");
  if (!st.ok()) return st.error();
  ResetOnExit reset{*st};
  (*st)->Bind(1, n);
  return (*st)->Exec();
}

core::Result<StoreCounts> KeyQueries::Counts() {
  StoreCounts c;
  auto groups = ScalarInt(db_, "SELECT count(*) FROM groups");
  if (!groups.ok()) return groups.error();
  auto members = ScalarInt(db_, "SELECT count(*) FROM members");
  if (!members.ok()) return members.error();
  auto wrapped = ScalarInt(db_, "SELECT value FROM counters WHERE name = 'wrapped_keys'");
  if (!wrapped.ok()) return wrapped.error();
  c.groups = *groups;
  c.members = *members;
  c.wrapped_keys = *wrapped;
  return c;
}

}  // namespace encryption
