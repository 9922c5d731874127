#include "scim_server/device_store.h"

#include "core/secret.h"
#include "core/x25519_box.h"

namespace scim {

namespace {
const std::vector<core::Migration>& DeviceMigrations() {
  static const std::vector<core::Migration> kMigrations = {
      {1, "CREATE TABLE devices (user_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, private_key TEXT NOT NULL)"}};
  return kMigrations;
}
}  // namespace

core::Result<std::unique_ptr<DeviceStore>> DeviceStore::Open(const std::string& path) {
  auto pool = core::DbPool::Open(path, DeviceMigrations());
  if (!pool.ok()) return pool.error();
  return std::unique_ptr<DeviceStore>(new DeviceStore(std::move(*pool)));
}

core::Result<std::string> DeviceStore::PublicKeyFor(const std::string& user_id) {
  return pool_->Write([&](core::Db& db) -> core::Result<std::string> {
    auto find = db.Prepare("SELECT public_key FROM devices WHERE user_id = ?");
    if (!find.ok()) return find.error();
    (*find)->Bind(1, user_id);
    auto row = (*find)->Step();
    if (!row.ok()) return row.error();
    std::string out;
    if (*row) {
      std::string b64 = (*find)->ColumnText(0);
      (*find)->Reset();
      if (!core::Base64Decode(b64, &out)) return core::Error{core::ErrorCode::kInternal, "corrupt device key"};
      return out;
    }
    core::KeyPair pair = core::GenerateX25519KeyPair();
    auto ins = db.Prepare("INSERT INTO devices(user_id, public_key, private_key) VALUES(?,?,?)");
    if (!ins.ok()) return ins.error();
    (*ins)->Bind(1, user_id).Bind(2, core::Base64Encode(pair.public_key)).Bind(3, core::Base64Encode(pair.private_key));
    if (auto s = (*ins)->Exec(); !s.ok()) return s.error();
    return pair.public_key;
  });
}

std::optional<std::string> DeviceStore::PrivateKeyFor(const std::string& user_id) {
  return pool_->Read([&](core::Db& db) -> std::optional<std::string> {
    auto find = db.Prepare("SELECT private_key FROM devices WHERE user_id = ?");
    if (!find.ok()) return std::nullopt;
    (*find)->Bind(1, user_id);
    auto row = (*find)->Step();
    if (!row.ok() || !*row) return std::nullopt;
    std::string b64 = (*find)->ColumnText(0);
    (*find)->Reset();
    std::string out;
    if (!core::Base64Decode(b64, &out)) return std::nullopt;
    return out;
  });
}

}  // namespace scim
