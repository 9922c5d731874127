// ScimStore internals (see scim_store.h): Group membership rows and the
// wrapped group keys kept beside them. Every function runs on the write
// connection it is given, inside the caller's transaction.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sqlite.h"
#include "scim_server/scim_store.h"

namespace scim::store {

// The member User ids of a group, in row order.
core::Result<std::vector<std::string>> MemberIds(core::Db& db, int64_t group_pk);
// Adds one member; true when it was not a member before. Errors: kInvalidValue
// (no User has that id).
core::Result<bool> AddMember(core::Db& db, int64_t group_pk, const std::string& user_id);
// Removes one member; true when it was a member.
core::Result<bool> RemoveMember(core::Db& db, int64_t group_pk, const std::string& user_id);
core::Status RemoveAllMembers(core::Db& db, int64_t group_pk);
// Applies a write's member changes in order, as set operations, and adds
// their net effect to `added` and `removed` (a member removed and added back
// is in neither). Errors: AddMember's.
core::Status ApplyMemberChanges(core::Db& db, int64_t group_pk, const std::vector<MemberChange>& changes,
                                std::set<std::string>* added, std::set<std::string>* removed);
// Stores the group-write hook's wrapped keys and drops those of `removed` members.
core::Status ApplyGroupKeys(core::Db& db, int64_t group_pk, const std::vector<std::string>& removed,
                            const std::vector<GroupKeyRecord>& keys);

}  // namespace scim::store
