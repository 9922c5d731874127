// The group provisioning gate: in the vendor's zero-knowledge design, group
// provisioning works only while the customer's encryption service is
// configured and healthy. While it is off or the service is unreachable,
// group writes fail with a clear SCIM error (Okta shows it in its task) and
// user provisioning keeps working. While it is on, every membership change
// asks the service to wrap the group key for each new member (to the key pair
// on the member's device, see device_store.h), and removing members revokes
// them and rotates the key.
//
// Thread-safe. Settings persist in the SCIM store.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.h"
#include "scim_server/device_store.h"
#include "scim_server/encryption_client.h"
#include "scim_server/scim_store.h"

namespace scim {

enum class GroupGateMode {
  kEncryption,  // the vendor's rule: groups need the encryption service
  kOpen,        // a plain SCIM server: group writes always allowed, no keys
};

struct GroupGateStatus {
  GroupGateMode mode = GroupGateMode::kEncryption;
  bool enabled = false;          // the "group provisioning" setting
  bool configured = false;       // an encryption service URL is set
  std::string encryption_url;
  std::string encryption_status; // "Active", "Unreachable", "Not configured"
  std::string detail;            // why, when not Active
  bool writable = false;         // group writes are accepted right now
};

class GroupGate {
 public:
  GroupGate(ScimStore& store, DeviceStore& devices, GroupGateMode mode);

  // Loads the persisted settings (URL, secret, enabled).
  void Load();
  // Sets the encryption service. Empty url removes it (and disables groups).
  core::Status Configure(const std::string& url, const std::string& secret);
  // Switches group provisioning. Enabling needs a configured, healthy service:
  // otherwise kUnavailable with the reason. Disabling always works.
  core::Status SetEnabled(bool enabled);
  GroupGateStatus Status() const;

  // Before a group write: OK, or kUnavailable saying why groups are refused.
  core::Status CheckWritable() const;
  // The store's hook (see ScimStore::SetGroupWriteHook). It calls the
  // encryption service over HTTP, so the store calls it outside its writer.
  core::Result<std::vector<GroupKeyRecord>> OnGroupWrite(const GroupWriteEvent& event);
  // Whether OnGroupWrite may call out (the store's `calls_out`): in the
  // encryption mode.
  bool CallsOut() const { return mode_ == GroupGateMode::kEncryption; }

 private:
  std::optional<EncryptionClient> Client() const;

  ScimStore& store_;
  DeviceStore& devices_;
  const GroupGateMode mode_;
  mutable std::mutex mu_;
  std::string url_;     // guarded by mu_
  std::string secret_;  // guarded by mu_
  bool enabled_ = false;  // guarded by mu_
};

}  // namespace scim
