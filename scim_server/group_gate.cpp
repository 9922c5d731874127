#include "scim_server/group_gate.h"

#include <spdlog/spdlog.h>

namespace scim {

using core::Error;
using core::ErrorCode;

namespace {
constexpr const char* kUrlSetting = "encryption.url";
constexpr const char* kSecretSetting = "encryption.secret";
constexpr const char* kEnabledSetting = "groups.enabled";
constexpr const char* kNeedsService =
    "Group provisioning is not active: it needs the encryption service. ";
}  // namespace

GroupGate::GroupGate(ScimStore& store, DeviceStore& devices, GroupGateMode mode)
    : store_(store), devices_(devices), mode_(mode) {}

void GroupGate::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  url_ = store_.GetSetting(kUrlSetting).value_or("");
  secret_ = store_.GetSetting(kSecretSetting).value_or("");
  enabled_ = store_.GetSetting(kEnabledSetting).value_or("false") == "true";
}

core::Status GroupGate::Configure(const std::string& url, const std::string& secret) {
  if (auto s = store_.SetSetting(kUrlSetting, url); !s.ok()) return s;
  if (auto s = store_.SetSetting(kSecretSetting, secret); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  url_ = url;
  secret_ = secret;
  if (url.empty() && enabled_) {
    enabled_ = false;
    return store_.SetSetting(kEnabledSetting, "false");
  }
  return core::Status::Ok();
}

std::optional<EncryptionClient> GroupGate::Client() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (url_.empty()) return std::nullopt;
  return EncryptionClient(url_, secret_);
}

core::Status GroupGate::SetEnabled(bool enabled) {
  if (enabled) {
    auto client = Client();
    if (!client) {
      return Error{ErrorCode::kUnavailable,
                   "group provisioning cannot be enabled: no encryption service is configured"};
    }
    if (auto h = client->Health(); !h.ok()) {
      return Error{ErrorCode::kUnavailable, "group provisioning cannot be enabled: " + h.error().detail};
    }
  }
  if (auto s = store_.SetSetting(kEnabledSetting, enabled ? "true" : "false"); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  enabled_ = enabled;
  spdlog::info("scim: group provisioning {}", enabled ? "enabled" : "disabled");
  return core::Status::Ok();
}

GroupGateStatus GroupGate::Status() const {
  GroupGateStatus st;
  st.mode = mode_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    st.enabled = enabled_;
    st.encryption_url = url_;
    st.configured = !url_.empty();
  }
  if (!st.configured) {
    st.encryption_status = "Not configured";
  } else if (auto h = Client()->Health(); h.ok()) {
    st.encryption_status = "Active";
  } else {
    st.encryption_status = "Unreachable";
    st.detail = h.error().detail;
  }
  st.writable = mode_ == GroupGateMode::kOpen || (st.enabled && st.encryption_status == "Active");
  return st;
}

core::Status GroupGate::CheckWritable() const {
  if (mode_ == GroupGateMode::kOpen) return core::Status::Ok();
  bool enabled;
  {
    std::lock_guard<std::mutex> lock(mu_);
    enabled = enabled_;
  }
  if (!enabled) {
    return Error{ErrorCode::kUnavailable,
                 std::string(kNeedsService) + "Deploy the encryption service and switch group provisioning on in the "
                                              "service provider's admin panel; user provisioning is not affected."};
  }
  auto client = Client();
  if (!client) return Error{ErrorCode::kUnavailable, std::string(kNeedsService) + "No encryption service is configured."};
  if (auto h = client->Health(); !h.ok()) {
    return Error{ErrorCode::kUnavailable, std::string(kNeedsService) + h.error().detail + "."};
  }
  return core::Status::Ok();
}

core::Result<std::vector<GroupKeyRecord>> GroupGate::OnGroupWrite(const GroupWriteEvent& ev) {
  std::vector<GroupKeyRecord> keys;
  if (mode_ == GroupGateMode::kOpen) return keys;
  auto client = Client();
  if (!client) return Error{ErrorCode::kUnavailable, std::string(kNeedsService) + "No encryption service is configured."};
  auto wrap_for = [&](const std::string& user_id) -> core::Status {
    auto pub = devices_.PublicKeyFor(user_id);
    if (!pub.ok()) return pub.error();
    auto w = client->AddMember(ev.group_id, user_id, *pub);
    if (!w.ok()) return w.error();
    keys.push_back({user_id, w->key_version, w->wrapped_b64});
    return core::Status::Ok();
  };
  switch (ev.kind) {
    case GroupWriteEvent::Kind::kCreate:
      if (auto s = client->CreateGroup(ev.group_id); !s.ok()) return s.error();
      for (const auto& id : ev.added) {
        if (auto s = wrap_for(id); !s.ok()) return s.error();
      }
      return keys;
    case GroupWriteEvent::Kind::kUpdate: {
      // The service may not know a group created while the gate was open or
      // before a restart of an in-memory stub: creating is idempotent.
      if (auto s = client->CreateGroup(ev.group_id); !s.ok()) return s.error();
      if (ev.removed.empty()) {
        for (const auto& id : ev.added) {
          if (auto s = wrap_for(id); !s.ok()) return s.error();
        }
        return keys;
      }
      // A member left: revoke it and rotate, so the remaining members get a
      // key the removed one never saw.
      for (const auto& id : ev.removed) {
        if (auto s = client->RemoveMember(ev.group_id, id); !s.ok()) return s.error();
      }
      auto remaining = ev.remaining ? ev.remaining() : core::Result<std::vector<std::string>>(std::vector<std::string>{});
      if (!remaining.ok()) return remaining.error();
      std::vector<std::pair<std::string, std::string>> members;
      for (const auto& id : *remaining) {
        auto pub = devices_.PublicKeyFor(id);
        if (!pub.ok()) return pub.error();
        members.emplace_back(id, *pub);
      }
      auto rotated = client->Rotate(ev.group_id, members);
      if (!rotated.ok()) return rotated.error();
      for (auto& w : *rotated) keys.push_back({w.member_id, w.key_version, w.wrapped_b64});
      return keys;
    }
    case GroupWriteEvent::Kind::kDelete:
      if (auto s = client->DeleteGroup(ev.group_id); !s.ok()) return s.error();
      return keys;
  }
  return keys;
}

}  // namespace scim
