// ScimStore's Group methods (scim_store.h); Users, settings and Open are in
// scim_store.cpp, the shared row and member helpers in store_rows.h and
// store_members.h.
#include <set>
#include <utility>

#include "scim_server/scim_store.h"
#include "scim_server/store_hook.h"
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
  // Decided once, so that a two-phase write plans and commits the same group.
  StoredGroup g;
  g.meta.id = ids_.NewUuid();
  g.meta.created = g.meta.last_modified = core::FormatIso8601(clock_.Now());
  g.meta.version = 1;
  g.data = data;
  const std::string text = core::DumpCompact(data);
  Status written = HookedWrite(
      [&](Db& db, store::HookRun& run) -> Status {
        core::Transaction tx(db);
        TRY_STATUS(tx.begin_status());
        auto st = Prep(db,
                       "INSERT INTO groups(id, display_name, external_id, created, last_modified, version, data) "
                       "VALUES(?,?,?,?,?,?,?)");
        if (!st.ok()) return st.error();
        Stmt& s = **st;
        s.Bind(1, g.meta.id).Bind(2, StringOr(data, "displayName"));
        if (data.contains("externalId")) s.Bind(3, StringOr(data, "externalId")); else s.BindNull(3);
        s.Bind(4, g.meta.created).Bind(5, g.meta.last_modified).Bind(6, g.meta.version).Bind(7, text);
        if (auto r = s.Exec(); !r.ok()) {
          return Conflict(r.error().code,
                          "a Group with displayName '" + StringOr(data, "displayName") + "' already exists",
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
        auto keys = run.Call(ev);
        if (!keys.ok()) return keys.error();
        TRY_STATUS(ApplyGroupKeys(db, pk, {}, *keys));
        auto members = LoadMembers(db, pk);
        if (!members.ok()) return members.error();
        g.members = std::move(*members);
        return run.Finish(tx);
      },
      /*user_write=*/false);
  if (!written.ok()) return written.error();
  return g;
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

namespace {
// Writes a group's changed attributes and bumps its version.
Status UpdateGroupRow(Db& db, int64_t pk, StoredGroup& group, const Json& data, const core::Clock& clock) {
  group.data = data;
  group.meta.last_modified = core::FormatIso8601(clock.Now());
  group.meta.version += 1;
  auto st = Prep(db,
                 "UPDATE groups SET display_name = ?, external_id = ?, last_modified = ?, version = ?, data = ? "
                 "WHERE pk = ?");
  if (!st.ok()) return st.error();
  Stmt& s = **st;
  s.Bind(1, StringOr(data, "displayName"));
  if (data.contains("externalId")) s.Bind(2, StringOr(data, "externalId")); else s.BindNull(2);
  s.Bind(3, group.meta.last_modified).Bind(4, group.meta.version).Bind(5, core::DumpCompact(data)).Bind(6, pk);
  if (auto r = s.Exec(); !r.ok()) {
    return Conflict(r.error().code, "a Group with displayName '" + StringOr(data, "displayName") + "' already exists",
                    r.error().detail);
  }
  return Status::Ok();
}
}  // namespace

Result<StoredGroup> ScimStore::ModifyGroup(const std::string& id, const GroupMutator& mutate,
                                           std::optional<int64_t> expected, bool with_members) {
  StoredGroup out;
  Status written = HookedWrite(
      [&](Db& db, store::HookRun& run) -> Status {
        core::Transaction tx(db);
        TRY_STATUS(tx.begin_status());
        auto row = LoadGroup(db, id, /*with_members=*/false);
        if (!row.ok()) return row.error();
        TRY_STATUS(CheckVersion(row->group.meta, expected));
        Json data = row->group.data;
        std::vector<MemberChange> changes;
        TRY_STATUS(mutate(data, &changes));
        std::set<std::string> added, removed;
        TRY_STATUS(ApplyMemberChanges(db, row->pk, changes, &added, &removed));
        if (data != row->group.data || !added.empty() || !removed.empty()) {
          TRY_STATUS(UpdateGroupRow(db, row->pk, row->group, data, clock_));
          GroupWriteEvent ev{GroupWriteEvent::Kind::kUpdate, id, {added.begin(), added.end()},
                             {removed.begin(), removed.end()}, {}};
          ev.remaining = [&db, pk = row->pk] { return MemberIds(db, pk); };
          auto keys = run.Call(ev);
          if (!keys.ok()) return keys.error();
          TRY_STATUS(ApplyGroupKeys(db, row->pk, ev.removed, *keys));
        }
        if (with_members) {
          auto members = LoadMembers(db, row->pk);
          if (!members.ok()) return members.error();
          row->group.members = std::move(*members);
        }
        out = std::move(row->group);
        return run.Finish(tx);
      },
      /*user_write=*/false);
  if (!written.ok()) return written.error();
  return out;
}

Status ScimStore::DeleteGroup(const std::string& id, std::optional<int64_t> expected) {
  return HookedWrite(
      [&](Db& db, store::HookRun& run) -> Status {
        core::Transaction tx(db);
        TRY_STATUS(tx.begin_status());
        auto row = LoadGroup(db, id, false);
        if (!row.ok()) return row.error();
        TRY_STATUS(CheckVersion(row->group.meta, expected));
        auto st = Prep(db, "DELETE FROM groups WHERE pk = ?");
        if (!st.ok()) return st.error();
        (*st)->Bind(1, row->pk);
        TRY_STATUS((*st)->Exec());
        auto keys = run.Call(GroupWriteEvent{GroupWriteEvent::Kind::kDelete, id, {}, {}, {}});
        if (!keys.ok()) return keys.error();
        return run.Finish(tx);
      },
      /*user_write=*/false);
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
