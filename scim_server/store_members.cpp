#include "scim_server/store_members.h"

#include "scim_server/store_rows.h"

namespace scim::store {

using core::Db;
using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;
using core::Status;
using core::Stmt;

Result<std::vector<std::string>> MemberIds(Db& db, int64_t group_pk) {
  return CollectRows<std::string>(
      db, "SELECT u.id FROM group_members m JOIN users u ON u.pk = m.user_pk WHERE m.group_pk = ? ORDER BY u.pk",
      group_pk, [](const Stmt& s) { return s.ColumnText(0); });
}

// Adds one member; returns true when it was not a member before.
Result<bool> AddMember(Db& db, int64_t group_pk, const std::string& user_id) {
  auto find = Prep(db, "SELECT pk FROM users WHERE id = ?");
  if (!find.ok()) return find.error();
  (*find)->Bind(1, user_id);
  auto row = (*find)->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{ErrorCode::kInvalidValue, "member '" + user_id + "' is not an existing User id"};
  int64_t user_pk = (*find)->ColumnInt(0);
  (*find)->Reset();
  auto ins = Prep(db, "INSERT OR IGNORE INTO group_members(group_pk, user_pk) VALUES(?, ?)");
  if (!ins.ok()) return ins.error();
  (*ins)->Bind(1, group_pk).Bind(2, user_pk);
  TRY_STATUS((*ins)->Exec());
  return db.Changes() > 0;
}

Result<bool> RemoveMember(Db& db, int64_t group_pk, const std::string& user_id) {
  auto del = Prep(db, "DELETE FROM group_members WHERE group_pk = ? AND user_pk = (SELECT pk FROM users WHERE id = ?)");
  if (!del.ok()) return del.error();
  (*del)->Bind(1, group_pk).Bind(2, user_id);
  TRY_STATUS((*del)->Exec());
  return db.Changes() > 0;
}

Status RemoveAllMembers(Db& db, int64_t group_pk) {
  auto del = Prep(db, "DELETE FROM group_members WHERE group_pk = ?");
  if (!del.ok()) return del.error();
  (*del)->Bind(1, group_pk);
  return (*del)->Exec();
}

Status ApplyMemberChanges(Db& db, int64_t group_pk, const std::vector<MemberChange>& changes,
                          std::set<std::string>* added, std::set<std::string>* removed) {
  for (const auto& c : changes) {
    switch (c.kind) {
      case MemberChange::Kind::kRemoveAll: {
        auto ids = MemberIds(db, group_pk);
        if (!ids.ok()) return ids.error();
        TRY_STATUS(RemoveAllMembers(db, group_pk));
        for (auto& m : *ids) {
          if (!added->erase(m)) removed->insert(m);
        }
        break;
      }
      case MemberChange::Kind::kAdd:
        for (const auto& m : c.ids) {
          auto r = AddMember(db, group_pk, m);
          if (!r.ok()) return r.error();
          if (*r && !removed->erase(m)) added->insert(m);
        }
        break;
      case MemberChange::Kind::kRemove:
        for (const auto& m : c.ids) {
          auto r = RemoveMember(db, group_pk, m);
          if (!r.ok()) return r.error();
          if (*r && !added->erase(m)) removed->insert(m);
        }
        break;
    }
  }
  return Status::Ok();
}

// Stores the hook's wrapped keys and drops those of removed members.
Status ApplyGroupKeys(Db& db, int64_t group_pk, const std::vector<std::string>& removed,
                      const std::vector<GroupKeyRecord>& keys) {
  for (const auto& id : removed) {
    auto del = Prep(db, "DELETE FROM group_keys WHERE group_pk = ? AND user_pk = (SELECT pk FROM users WHERE id = ?)");
    if (!del.ok()) return del.error();
    (*del)->Bind(1, group_pk).Bind(2, id);
    TRY_STATUS((*del)->Exec());
  }
  for (const auto& k : keys) {
    auto up = Prep(db,
                   "INSERT INTO group_keys(group_pk, user_pk, key_version, wrapped) "
                   "SELECT ?, pk, ?, ? FROM users WHERE id = ? "
                   "ON CONFLICT(group_pk, user_pk) DO UPDATE SET key_version = excluded.key_version, wrapped = excluded.wrapped");
    if (!up.ok()) return up.error();
    (*up)->Bind(1, group_pk).Bind(2, k.key_version).Bind(3, k.wrapped_b64).Bind(4, k.user_id);
    TRY_STATUS((*up)->Exec());
  }
  return Status::Ok();
}

}  // namespace scim::store
