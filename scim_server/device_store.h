// Stands in for the users' own devices. In a zero-knowledge product a user's
// private key never leaves their device; the sandbox keeps each provisioned
// user's X25519 key pair in a separate database (devices.db beside scim.db),
// never in the SCIM store, which holds only public keys' results: wrapped
// group keys. Tests and the console use the private keys to show that a
// member can open what the encryption service wrapped for them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/sqlite.h"

namespace scim {

class DeviceStore {
 public:
  // `path` ":memory:" or a file. Errors: kInternal.
  static core::Result<std::unique_ptr<DeviceStore>> Open(const std::string& path);
  // The user's raw 32-byte public key, creating the key pair on first use.
  core::Result<std::string> PublicKeyFor(const std::string& user_id);
  // The user's raw private key, or nullopt if the user has no device yet.
  std::optional<std::string> PrivateKeyFor(const std::string& user_id);

 private:
  explicit DeviceStore(std::unique_ptr<core::DbPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<core::DbPool> pool_;
};

}  // namespace scim
