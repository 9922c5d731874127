// HTTP client for the encryption service contract (docs/encryption-service.md).
// The SCIM server never includes the stub's headers: any service that speaks
// this contract (the bundled stub, or one of your own) can be plugged in.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace scim {

struct WrappedGroupKey {
  std::string member_id;
  int64_t key_version = 0;
  std::string wrapped_b64;  // base64 of the wrapped blob
};

// Thread-safe: each call uses its own connection. Every failure (connection
// refused, timeout, non-2xx answer) is kUnavailable with a detail that says
// what the service answered, in words Okta can show in a task.
class EncryptionClient {
 public:
  EncryptionClient(std::string base_url, std::string secret, int timeout_sec = 10);

  // OK when GET /v1/health answers 200 {"status":"Active"}.
  core::Status Health() const;
  core::Status CreateGroup(const std::string& group_id) const;
  // Wraps the group's current key for one member (public key: raw 32 bytes).
  core::Result<WrappedGroupKey> AddMember(const std::string& group_id, const std::string& member_id,
                                          const std::string& public_key) const;
  // A member the service does not know is not an error.
  core::Status RemoveMember(const std::string& group_id, const std::string& member_id) const;
  // New group key, wrapped for each of `members` (id, raw public key).
  core::Result<std::vector<WrappedGroupKey>> Rotate(
      const std::string& group_id, const std::vector<std::pair<std::string, std::string>>& members) const;
  // A group the service does not know is not an error.
  core::Status DeleteGroup(const std::string& group_id) const;

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string secret_;
  int timeout_sec_;
};

}  // namespace scim
