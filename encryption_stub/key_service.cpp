#include "encryption_stub/key_service.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/x25519_box.h"

namespace encryption {

namespace {

using core::Error;
using core::ErrorCode;

core::Result<std::string> NewGroupKey() {
  std::string key(kGroupKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return Error{ErrorCode::kInternal, "RAND_bytes failed"};
  }
  return key;
}

// Clears a plaintext group key once an operation is done with it.
void Wipe(std::string& key) { OPENSSL_cleanse(key.data(), key.size()); }

Error GroupNotFound(const std::string& group_id) {
  return Error{ErrorCode::kNotFound, "group '" + group_id + "' not found"};
}

core::Result<WrappedKey> WrapFor(const GroupRecord& group, const MemberKey& member) {
  auto blob = core::WrapKey(group.group_key, member.public_key,
                            core::KeyWrapAad(group.group_id, member.member_id, group.key_version));
  if (!blob.ok()) {
    if (blob.error().code == ErrorCode::kInvalidValue) {
      return Error{ErrorCode::kInvalidValue, "public key of member '" + member.member_id + "': " + blob.error().detail};
    }
    return blob.error();
  }
  return WrappedKey{member.member_id, group.key_version, std::move(*blob)};
}

}  // namespace

core::Result<GroupInfo> KeyService::CreateGroup(const std::string& group_id) {
  return store_.Write([&](KeyQueries& q) -> core::Result<GroupInfo> {
    auto existing = q.LookupGroup(group_id);
    if (!existing.ok()) return existing.error();
    GroupInfo info;
    if (existing->has_value()) {
      GroupRecord& g = **existing;
      Wipe(g.group_key);
      info.group_id = g.group_id;
      info.key_version = g.key_version;
      info.created_at = g.created_at;
      info.rotated_at = g.rotated_at;
      return info;
    }
    auto key = NewGroupKey();
    if (!key.ok()) return key.error();
    std::string now = core::FormatIso8601(clock_.Now());
    GroupRecord g{group_id, 1, std::move(*key), now, now};
    auto s = q.InsertGroup(g);
    Wipe(g.group_key);
    if (!s.ok()) return s.error();
    info.group_id = group_id;
    info.key_version = 1;
    info.created_at = now;
    info.rotated_at = now;
    info.created = true;
    return info;
  });
}

core::Result<GroupInfo> KeyService::DescribeGroup(const std::string& group_id) {
  return store_.Read([&](KeyQueries& q) -> core::Result<GroupInfo> {
    auto group = q.LookupGroup(group_id);
    if (!group.ok()) return group.error();
    if (!group->has_value()) return GroupNotFound(group_id);
    GroupRecord& g = **group;
    Wipe(g.group_key);
    auto members = q.ListMembers(group_id);
    if (!members.ok()) return members.error();
    GroupInfo info;
    info.group_id = g.group_id;
    info.key_version = g.key_version;
    info.created_at = g.created_at;
    info.rotated_at = g.rotated_at;
    info.members = std::move(*members);
    return info;
  });
}

core::Result<AddMemberResult> KeyService::AddMember(const std::string& group_id, const MemberKey& member) {
  return store_.Write([&](KeyQueries& q) -> core::Result<AddMemberResult> {
    auto group = q.LookupGroup(group_id);
    if (!group.ok()) return group.error();
    if (!group->has_value()) return GroupNotFound(group_id);
    GroupRecord& g = **group;
    auto wrapped = WrapFor(g, member);
    Wipe(g.group_key);
    if (!wrapped.ok()) return wrapped.error();

    auto existing = q.LookupMember(group_id, member.member_id);
    if (!existing.ok()) return existing.error();
    MemberRecord record{member.member_id, member.public_key, g.key_version,
                        existing->has_value() ? (*existing)->added_at : core::FormatIso8601(clock_.Now())};
    if (auto s = q.UpsertMember(group_id, record); !s.ok()) return s.error();
    if (auto s = q.AddWrappedKeys(1); !s.ok()) return s.error();
    return AddMemberResult{std::move(*wrapped), !existing->has_value()};
  });
}

core::Status KeyService::RemoveMember(const std::string& group_id, const std::string& member_id) {
  auto r = store_.Write([&](KeyQueries& q) -> core::Result<bool> {
    auto group = q.LookupGroup(group_id);
    if (!group.ok()) return group.error();
    if (!group->has_value()) return GroupNotFound(group_id);
    Wipe((*group)->group_key);
    auto deleted = q.DeleteMember(group_id, member_id);
    if (!deleted.ok()) return deleted.error();
    if (!*deleted) {
      return Error{ErrorCode::kNotFound, "'" + member_id + "' is not a member of group '" + group_id + "'"};
    }
    return true;
  });
  if (!r.ok()) return r.error();
  return core::Status::Ok();
}

core::Result<RotateResult> KeyService::Rotate(const std::string& group_id, const std::vector<MemberKey>& members,
                                              std::optional<int64_t> expected_version) {
  return store_.Write([&](KeyQueries& q) -> core::Result<RotateResult> {
    auto group = q.LookupGroup(group_id);
    if (!group.ok()) return group.error();
    if (!group->has_value()) return GroupNotFound(group_id);
    GroupRecord& g = **group;
    Wipe(g.group_key);
    if (expected_version && *expected_version != g.key_version) {
      return Error{ErrorCode::kConflict, "group '" + group_id + "' is at key version " +
                                             std::to_string(g.key_version) + ", not " +
                                             std::to_string(*expected_version)};
    }
    auto key = NewGroupKey();
    if (!key.ok()) return key.error();
    g.group_key = std::move(*key);
    g.key_version += 1;
    std::string now = core::FormatIso8601(clock_.Now());

    RotateResult result;
    result.group_id = group_id;
    result.key_version = g.key_version;
    for (const MemberKey& m : members) {
      auto wrapped = WrapFor(g, m);
      if (!wrapped.ok()) {
        Wipe(g.group_key);
        return wrapped.error();
      }
      result.wrapped.push_back(std::move(*wrapped));
    }
    auto s = q.UpdateGroupKey(group_id, g.key_version, g.group_key, now);
    Wipe(g.group_key);
    if (!s.ok()) return s.error();

    auto current = q.ListMembers(group_id);
    if (!current.ok()) return current.error();
    for (const MemberRecord& old : *current) {
      bool kept = false;
      for (const MemberKey& m : members) kept = kept || m.member_id == old.member_id;
      if (kept) continue;
      auto deleted = q.DeleteMember(group_id, old.member_id);
      if (!deleted.ok()) return deleted.error();
      result.revoked.push_back(old.member_id);
    }
    for (const MemberKey& m : members) {
      std::string added_at = now;
      for (const MemberRecord& old : *current) {
        if (old.member_id == m.member_id) added_at = old.added_at;
      }
      if (auto us = q.UpsertMember(group_id, MemberRecord{m.member_id, m.public_key, g.key_version, added_at});
          !us.ok()) {
        return us.error();
      }
    }
    if (auto ws = q.AddWrappedKeys(static_cast<int64_t>(members.size())); !ws.ok()) return ws.error();
    return result;
  });
}

core::Status KeyService::DeleteGroup(const std::string& group_id) {
  auto r = store_.Write([&](KeyQueries& q) -> core::Result<bool> {
    auto deleted = q.DeleteGroup(group_id);
    if (!deleted.ok()) return deleted.error();
    if (!*deleted) return GroupNotFound(group_id);
    return true;
  });
  if (!r.ok()) return r.error();
  return core::Status::Ok();
}

core::Result<StoreCounts> KeyService::Counts() {
  return store_.Read([](KeyQueries& q) { return q.Counts(); });
}

}  // namespace encryption
