#include "scim_server/encryption_client.h"

#include "core/http.h"
#include "core/json_util.h"
#include "core/secret.h"

namespace scim {

using core::Error;
using core::ErrorCode;
using core::Json;

namespace {

struct Reply {
  int status = 0;
  Json body;
};

core::Result<Reply> Call(const std::string& base_url, const std::string& secret, int timeout, const std::string& method,
                         const std::string& path, const Json* body) {
  auto url = core::ParseUrl(base_url);
  if (!url.ok()) return Error{ErrorCode::kUnavailable, "the encryption service URL is invalid: " + url.error().detail};
  auto client = core::MakeClient(url->Origin(), timeout, timeout);
  httplib::Headers headers = {{"Authorization", "Bearer " + secret}};
  std::string full = url->path + path;
  std::string payload = body ? core::DumpCompact(*body) : "";
  httplib::Result r{nullptr, httplib::Error::Unknown};
  if (method == "GET") r = client->Get(full.c_str(), headers);
  else if (method == "POST") r = client->Post(full.c_str(), headers, payload, "application/json");
  else if (method == "DELETE") r = client->Delete(full.c_str(), headers);
  if (!r) {
    return Error{ErrorCode::kUnavailable, "the encryption service at " + base_url + " is unreachable (" +
                                              httplib::to_string(r.error()) + ")"};
  }
  Reply out;
  out.status = r->status;
  if (!r->body.empty()) {
    auto j = core::ParseJson(r->body);
    if (j.ok()) out.body = *j;
  }
  return out;
}

Error Failed(const std::string& what, const Reply& r) {
  std::string message = r.body.is_object() ? r.body.value("message", std::string()) : std::string();
  return Error{ErrorCode::kUnavailable, "the encryption service failed to " + what + " (HTTP " +
                                            std::to_string(r.status) + (message.empty() ? "" : ": " + message) + ")"};
}

core::Result<WrappedGroupKey> ParseWrapped(const Json& j) {
  if (!j.is_object() || !j.contains("memberId") || !j.contains("keyVersion") || !j.contains("wrappedKey"))
    return Error{ErrorCode::kUnavailable, "the encryption service answered without a wrapped key"};
  WrappedGroupKey k;
  k.member_id = j["memberId"].get<std::string>();
  k.key_version = j["keyVersion"].get<int64_t>();
  k.wrapped_b64 = j["wrappedKey"].get<std::string>();
  return k;
}

}  // namespace

EncryptionClient::EncryptionClient(std::string base_url, std::string secret, int timeout_sec)
    : base_url_(std::move(base_url)), secret_(std::move(secret)), timeout_sec_(timeout_sec) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

core::Status EncryptionClient::Health() const {
  auto r = Call(base_url_, secret_, timeout_sec_, "GET", "/v1/health", nullptr);
  if (!r.ok()) return r.error();
  if (r->status != 200 || !r->body.is_object() || r->body.value("status", "") != "Active") {
    return Error{ErrorCode::kUnavailable, "the encryption service at " + base_url_ + " is not active (health: HTTP " +
                                              std::to_string(r->status) + ")"};
  }
  return core::Status::Ok();
}

core::Status EncryptionClient::CreateGroup(const std::string& group_id) const {
  Json body = {{"groupId", group_id}};
  auto r = Call(base_url_, secret_, timeout_sec_, "POST", "/v1/groups", &body);
  if (!r.ok()) return r.error();
  if (r->status != 200 && r->status != 201) return Failed("create the group key", *r);
  return core::Status::Ok();
}

core::Result<WrappedGroupKey> EncryptionClient::AddMember(const std::string& group_id, const std::string& member_id,
                                                         const std::string& public_key) const {
  Json body = {{"memberId", member_id}, {"publicKey", core::Base64Encode(public_key)}};
  auto r = Call(base_url_, secret_, timeout_sec_, "POST", "/v1/groups/" + core::UrlEncode(group_id) + "/members", &body);
  if (!r.ok()) return r.error();
  if (r->status != 200 && r->status != 201) return Failed("wrap the group key for member " + member_id, *r);
  return ParseWrapped(r->body);
}

core::Status EncryptionClient::RemoveMember(const std::string& group_id, const std::string& member_id) const {
  auto r = Call(base_url_, secret_, timeout_sec_, "DELETE",
                "/v1/groups/" + core::UrlEncode(group_id) + "/members/" + core::UrlEncode(member_id), nullptr);
  if (!r.ok()) return r.error();
  if (r->status != 204 && r->status != 200 && r->status != 404) return Failed("revoke member " + member_id, *r);
  return core::Status::Ok();
}

core::Result<std::vector<WrappedGroupKey>> EncryptionClient::Rotate(
    const std::string& group_id, const std::vector<std::pair<std::string, std::string>>& members) const {
  Json list = Json::array();
  for (const auto& [id, key] : members) list.push_back({{"memberId", id}, {"publicKey", core::Base64Encode(key)}});
  Json body = {{"members", list}};
  auto r = Call(base_url_, secret_, timeout_sec_, "POST", "/v1/groups/" + core::UrlEncode(group_id) + "/rotate", &body);
  if (!r.ok()) return r.error();
  if (r->status != 200) return Failed("rotate the group key", *r);
  std::vector<WrappedGroupKey> out;
  for (const auto& m : r->body.value("members", Json::array())) {
    auto k = ParseWrapped(m);
    if (!k.ok()) return k.error();
    out.push_back(std::move(*k));
  }
  return out;
}

core::Status EncryptionClient::DeleteGroup(const std::string& group_id) const {
  auto r = Call(base_url_, secret_, timeout_sec_, "DELETE", "/v1/groups/" + core::UrlEncode(group_id), nullptr);
  if (!r.ok()) return r.error();
  if (r->status != 204 && r->status != 200 && r->status != 404) return Failed("delete the group key", *r);
  return core::Status::Ok();
}

}  // namespace scim
