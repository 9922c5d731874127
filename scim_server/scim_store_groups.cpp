// ScimStore's Group methods (scim_store.h); Users, settings and Open are in
// scim_store.cpp, the shared row and member helpers in store_rows.h and
// store_members.h.
#include <set>
#include <utility>

#include "scim_server/scim_store.h"
#include "scim_server/store_members.h"
#include "scim_server/store_rows.h"

namespace scim {

using core::Db;
using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;
using core::Status;
using core::Stmt;
using namespace store;  // the row and member helpers (store_rows.h, store_members.h)

Result<StoredGroup> ScimStore::CreateGroup(const Json& data, const std::vector<std::string>& member_ids) {
  return pool_->Write([&](Db& db) -> Result<StoredGroup> {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    StoredGroup g;
    g.meta.id = ids_.NewUuid();
    g.meta.created = g.meta.last_modified = core::FormatIso8601(clock_.Now());
    g.meta.version = 1;
    g.data = data;
    auto st = Prep(db,
                   "INSERT INTO groups(id, display_name, external_id, created, last_modified, version, data) "
                   "VALUES(?,?,?,?,?,?,?)");
    if (!st.ok()) return st.error();
    Stmt& s = **st;
    s.Bind(1, g.meta.id).Bind(2, StringOr(data, "displayName"));
    if (data.contains("externalId")) s.Bind(3, StringOr(data, "externalId")); else s.BindNull(3);
    s.Bind(4, g.meta.created).Bind(5, g.meta.last_modified).Bind(6, g.meta.version).Bind(7, core::DumpCompact(data));
    if (auto r = s.Exec(); !r.ok()) {
      return Conflict(r.error().code, "a Group with displayName '" + StringOr(data, "displayName") + "' already exists",
                      r.error().detail);
    }
    int64_t pk = db.LastInsertRowId();
    GroupWriteEvent ev{GroupWriteEvent::Kind::kCreate, g.meta.id, {}, {}, {}};
    for (const auto& m : member_ids) {
      auto added = AddMember(db, pk, m);
      if (!added.ok()) return added.error();
      if (*added) ev.added.push_back(m);
    }
    ev.remaining = [&ev]() -> Result<std::vector<std::string>> { return ev.added; };
    if (group_hook_) {
      auto keys = group_hook_(ev);
      if (!keys.ok()) return keys.error();
      TRY_STATUS(ApplyGroupKeys(db, pk, {}, *keys));
    }
    auto members = LoadMembers(db, pk);
    if (!members.ok()) return members.error();
    g.members = std::move(*members);
    TRY_STATUS(tx.Commit());
    return g;
  });
}

Result<StoredGroup> ScimStore::GetGroup(const std::string& id, bool with_members) {
  return pool_->Read([&](Db& db) -> Result<StoredGroup> {
    auto r = LoadGroup(db, id, with_members);
    if (!r.ok()) return r.error();
    return std::move(r->group);
  });
}

Result<StoredGroup> ScimStore::ReplaceGroup(const std::string& id, const Json& data,
                                            const std::vector<std::string>& member_ids,
                                            std::optional<int64_t> expected) {
  return ModifyGroup(
      id,
      [&](Json& current, std::vector<MemberChange>* changes) {
        current = data;
        changes->push_back({MemberChange::Kind::kRemoveAll, {}});
        changes->push_back({MemberChange::Kind::kAdd, member_ids});
        return Status::Ok();
      },
      expected);
}

Result<StoredGroup> ScimStore::ModifyGroup(const std::string& id, const GroupMutator& mutate,
                                           std::optional<int64_t> expected, bool with_members) {
  return pool_->Write([&](Db& db) -> Result<StoredGroup> {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    auto row = LoadGroup(db, id, /*with_members=*/false);
    if (!row.ok()) return row.error();
    TRY_STATUS(CheckVersion(row->group.meta, expected));
    Json data = row->group.data;
    std::vector<MemberChange> changes;
    TRY_STATUS(mutate(data, &changes));

    // Apply membership changes as set operations; track the net effect.
    std::set<std::string> added, removed;
    for (const auto& c : changes) {
      switch (c.kind) {
        case MemberChange::Kind::kRemoveAll: {
          auto ids = MemberIds(db, row->pk);
          if (!ids.ok()) return ids.error();
          TRY_STATUS(RemoveAllMembers(db, row->pk));
          for (auto& m : *ids) {
            if (!added.erase(m)) removed.insert(m);
          }
          break;
        }
        case MemberChange::Kind::kAdd:
          for (const auto& m : c.ids) {
            auto r = AddMember(db, row->pk, m);
            if (!r.ok()) return r.error();
            if (*r && !removed.erase(m)) added.insert(m);
          }
          break;
        case MemberChange::Kind::kRemove:
          for (const auto& m : c.ids) {
            auto r = RemoveMember(db, row->pk, m);
            if (!r.ok()) return r.error();
            if (*r && !added.erase(m)) removed.insert(m);
          }
          break;
      }
    }
    bool data_changed = data != row->group.data;
    if (data_changed || !added.empty() || !removed.empty()) {
      row->group.data = data;
      row->group.meta.last_modified = core::FormatIso8601(clock_.Now());
      row->group.meta.version += 1;
      auto st = Prep(db,
                     "UPDATE groups SET display_name = ?, external_id = ?, last_modified = ?, version = ?, data = ? "
                     "WHERE pk = ?");
      if (!st.ok()) return st.error();
      Stmt& s = **st;
      s.Bind(1, StringOr(data, "displayName"));
      if (data.contains("externalId")) s.Bind(2, StringOr(data, "externalId")); else s.BindNull(2);
      s.Bind(3, row->group.meta.last_modified).Bind(4, row->group.meta.version).Bind(5, core::DumpCompact(data)).Bind(6, row->pk);
      if (auto r = s.Exec(); !r.ok()) {
        return Conflict(r.error().code,
                        "a Group with displayName '" + StringOr(data, "displayName") + "' already exists",
                        r.error().detail);
      }
      if (group_hook_) {
        GroupWriteEvent ev{GroupWriteEvent::Kind::kUpdate, id, {added.begin(), added.end()},
                           {removed.begin(), removed.end()}, {}};
        ev.remaining = [&db, pk = row->pk] { return MemberIds(db, pk); };
        auto keys = group_hook_(ev);
        if (!keys.ok()) return keys.error();
        TRY_STATUS(ApplyGroupKeys(db, row->pk, ev.removed, *keys));
      }
    }
    if (with_members) {
      auto members = LoadMembers(db, row->pk);
      if (!members.ok()) return members.error();
      row->group.members = std::move(*members);
    }
    TRY_STATUS(tx.Commit());
    return std::move(row->group);
  });
}

Status ScimStore::DeleteGroup(const std::string& id, std::optional<int64_t> expected) {
  return pool_->Write([&](Db& db) -> Status {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    auto row = LoadGroup(db, id, false);
    if (!row.ok()) return row.error();
    TRY_STATUS(CheckVersion(row->group.meta, expected));
    auto st = Prep(db, "DELETE FROM groups WHERE pk = ?");
    if (!st.ok()) return st.error();
    (*st)->Bind(1, row->pk);
    TRY_STATUS((*st)->Exec());
    if (group_hook_) {
      auto keys = group_hook_(GroupWriteEvent{GroupWriteEvent::Kind::kDelete, id, {}, {}, {}});
      if (!keys.ok()) return keys.error();
    }
    return tx.Commit();
  });
}

Result<ListPage<StoredGroup>> ScimStore::ListGroups(const ListQuery& query, bool with_members) {
  return pool_->Read([&](Db& db) {
    return RunList<StoredGroup>(db, "groups", kGroupColumns, ResourceKind::kGroup, query,
                                [with_members](Db& d, int64_t pk, StoredGroup& g) -> Status {
                                  if (!with_members) return Status::Ok();
                                  auto m = LoadMembers(d, pk);
                                  if (!m.ok()) return m.error();
                                  g.members = std::move(*m);
                                  return Status::Ok();
                                });
  });
}

Result<std::vector<GroupKeyRecord>> ScimStore::ListGroupKeys(const std::string& group_id) {
  return pool_->Read([&](Db& db) -> Result<std::vector<GroupKeyRecord>> {
    auto g = LoadGroup(db, group_id, false);
    if (!g.ok()) return g.error();
    auto st = Prep(db, "SELECT u.id, k.key_version, k.wrapped FROM group_keys k JOIN users u ON u.pk = k.user_pk "
                       "WHERE k.group_pk = ? ORDER BY u.pk");
    if (!st.ok()) return st.error();
    (*st)->Bind(1, g->pk);
    std::vector<GroupKeyRecord> out;
    while (true) {
      auto row = (*st)->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.push_back({(*st)->ColumnText(0), (*st)->ColumnInt(1), (*st)->ColumnText(2)});
    }
    return out;
  });
}

}  // namespace scim
