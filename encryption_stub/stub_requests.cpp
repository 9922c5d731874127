#include "encryption_stub/stub_requests.h"

#include "core/secret.h"
#include "core/x25519_box.h"

namespace encryption {

namespace {

ApiError BadRequest(std::string code, std::string message) {
  return MakeApiError(400, std::move(code), std::move(message));
}

// The body as a JSON object, or 400 invalidJson / invalidRequest.
bool ParseObject(std::string_view body, core::Json* out, ApiError* err) {
  auto parsed = core::ParseJson(body);
  if (!parsed.ok()) {
    *err = BadRequest("invalidJson", "request body is not valid JSON: " + parsed.error().detail);
    return false;
  }
  if (!parsed->is_object()) {
    *err = BadRequest("invalidRequest", "request body must be a JSON object");
    return false;
  }
  *out = std::move(*parsed);
  return true;
}

// obj[name] as a string; missing or not a string → 400 invalidRequest.
bool RequireString(const core::Json& obj, const char* name, std::string* out, ApiError* err) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    *err = BadRequest("invalidRequest", std::string("missing field \"") + name + "\"");
    return false;
  }
  if (!it->is_string()) {
    *err = BadRequest("invalidRequest", std::string("field \"") + name + "\" must be a string");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

// A {"memberId","publicKey"} object into a MemberKey.
bool ParseMemberKey(const core::Json& obj, MemberKey* member, ApiError* err) {
  if (!obj.is_object()) {
    *err = BadRequest("invalidRequest", "each member must be an object with memberId and publicKey");
    return false;
  }
  std::string encoded;
  if (!RequireString(obj, "memberId", &member->member_id, err) || !ValidateId("memberId", member->member_id, err) ||
      !RequireString(obj, "publicKey", &encoded, err)) {
    return false;
  }
  if (!core::Base64Decode(encoded, &member->public_key)) {
    *err = BadRequest("invalidBase64", "publicKey of member '" + member->member_id + "' is not valid base64");
    return false;
  }
  if (member->public_key.size() != core::kX25519KeyBytes) {
    *err = BadRequest("invalidKey", "publicKey of member '" + member->member_id +
                                        "' must be a raw 32-byte X25519 public key, got " +
                                        std::to_string(member->public_key.size()) + " bytes");
    return false;
  }
  return true;
}

// obj[name] as an integer in [lo, hi]; absent or null leaves *out alone.
bool OptionalInt(const core::Json& obj, const char* name, int64_t lo, int64_t hi, std::optional<int64_t>* out,
                 ApiError* err) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    *err = BadRequest("invalidRequest", std::string("field \"") + name + "\" must be an integer in " +
                                            std::to_string(lo) + ".." + std::to_string(hi));
    return false;
  }
  *out = it->get<int64_t>();
  return true;
}

}  // namespace

ApiError MakeApiError(int status, std::string code, std::string message) {
  return ApiError{status, std::move(code), std::move(message)};
}

ApiError ToApiError(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kNotFound:
      return MakeApiError(404, "notFound", error.detail);
    case core::ErrorCode::kConflict:
      return MakeApiError(409, "keyVersionConflict", error.detail);
    case core::ErrorCode::kInvalidValue:
      return MakeApiError(400, "invalidKey", error.detail);
    case core::ErrorCode::kUnavailable:
      return MakeApiError(503, "unavailable", error.detail);
    default:
      return MakeApiError(500, "internal", error.detail);
  }
}

core::Json RenderError(const ApiError& error) {
  core::Json j;
  j["error"] = error.code;
  j["message"] = error.message;
  return j;
}

bool ValidateId(std::string_view what, const std::string& id, ApiError* err) {
  if (id.empty() || id.size() > kMaxIdBytes) {
    *err = BadRequest("invalidRequest", std::string(what) + " must be 1.." + std::to_string(kMaxIdBytes) + " bytes");
    return false;
  }
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (c == '|' || u < 0x20 || u == 0x7f) {
      *err = BadRequest("invalidRequest", std::string(what) + " must not contain '|' or control characters");
      return false;
    }
  }
  return true;
}

bool ParseCreateGroup(std::string_view body, std::string* group_id, ApiError* err) {
  core::Json obj;
  return ParseObject(body, &obj, err) && RequireString(obj, "groupId", group_id, err) &&
         ValidateId("groupId", *group_id, err);
}

bool ParseAddMember(std::string_view body, MemberKey* member, ApiError* err) {
  core::Json obj;
  return ParseObject(body, &obj, err) && ParseMemberKey(obj, member, err);
}

bool ParseRotate(std::string_view body, RotateRequest* request, ApiError* err) {
  core::Json obj;
  if (!ParseObject(body, &obj, err)) return false;
  auto it = obj.find("members");
  if (it == obj.end() || it->is_null()) {
    *err = BadRequest("invalidRequest", "missing field \"members\" (the members that keep access; may be [])");
    return false;
  }
  if (!it->is_array()) {
    *err = BadRequest("invalidRequest", "field \"members\" must be an array");
    return false;
  }
  request->members.clear();
  for (const core::Json& item : *it) {
    MemberKey m;
    if (!ParseMemberKey(item, &m, err)) return false;
    for (const MemberKey& seen : request->members) {
      if (seen.member_id == m.member_id) {
        *err = BadRequest("invalidRequest", "member '" + m.member_id + "' is listed twice");
        return false;
      }
    }
    request->members.push_back(std::move(m));
  }
  return OptionalInt(obj, "expectedKeyVersion", 1, INT64_MAX, &request->expected_version, err);
}

bool ParseFault(std::string_view body, Fault* fault, ApiError* err) {
  core::Json obj;
  if (!ParseObject(body, &obj, err)) return false;
  Fault f;
  if (auto it = obj.find("down"); it != obj.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      *err = BadRequest("invalidRequest", "field \"down\" must be a boolean");
      return false;
    }
    f.down = it->get<bool>();
  }
  std::optional<int64_t> delay, status;
  if (!OptionalInt(obj, "delayMs", 0, kMaxDelayMs, &delay, err) ||
      !OptionalInt(obj, "failStatus", 0, 599, &status, err)) {
    return false;
  }
  if (status && *status != 0 && *status < 400) {
    *err = BadRequest("invalidRequest", "field \"failStatus\" must be 0 (off) or 400..599");
    return false;
  }
  f.delay_ms = static_cast<int>(delay.value_or(0));
  f.fail_status = static_cast<int>(status.value_or(0));
  *fault = f;
  return true;
}

core::Json RenderFault(const Fault& fault) {
  core::Json j;
  j["down"] = fault.down;
  j["delayMs"] = fault.delay_ms;
  j["failStatus"] = fault.fail_status;
  return j;
}

}  // namespace encryption
