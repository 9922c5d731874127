#include <catch2/catch.hpp>

#include <string>

#include "core/secret.h"
#include "core/x25519_box.h"
#include "encryption_stub/stub_requests.h"

using namespace encryption;

namespace {

std::string MemberJson(const std::string& id, const std::string& key_b64) {
  return R"({"memberId":")" + id + R"(","publicKey":")" + key_b64 + R"("})";
}

}  // namespace

TEST_CASE("a create-group body needs a string groupId without bars", "[encryption][requests]") {
  std::string id;
  ApiError err;
  REQUIRE(ParseCreateGroup(R"({"groupId":"g-1"})", &id, &err));
  CHECK(id == "g-1");

  CHECK_FALSE(ParseCreateGroup("{not json", &id, &err));
  CHECK(err.status == 400);
  CHECK(err.code == "invalidJson");
  CHECK_FALSE(ParseCreateGroup("[]", &id, &err));
  CHECK(err.code == "invalidRequest");
  CHECK_FALSE(ParseCreateGroup("{}", &id, &err));
  CHECK(err.code == "invalidRequest");
  CHECK(err.message.find("groupId") != std::string::npos);
  CHECK_FALSE(ParseCreateGroup(R"({"groupId":7})", &id, &err));
  CHECK(err.code == "invalidRequest");
  CHECK_FALSE(ParseCreateGroup(R"({"groupId":""})", &id, &err));
  CHECK_FALSE(ParseCreateGroup(R"({"groupId":"a|b"})", &id, &err));
  CHECK_FALSE(ParseCreateGroup(R"({"groupId":"a\nb"})", &id, &err));
  CHECK_FALSE(ParseCreateGroup(R"({"groupId":")" + std::string(257, 'x') + R"("})", &id, &err));
}

TEST_CASE("an add-member body needs a base64 32-byte public key", "[encryption][requests]") {
  std::string pub = core::GenerateX25519KeyPair().public_key;
  MemberKey m;
  ApiError err;
  REQUIRE(ParseAddMember(MemberJson("u1", core::Base64Encode(pub)), &m, &err));
  CHECK(m.member_id == "u1");
  CHECK(m.public_key == pub);

  CHECK_FALSE(ParseAddMember(MemberJson("u1", "***not base64***"), &m, &err));
  CHECK(err.code == "invalidBase64");
  CHECK_FALSE(ParseAddMember(MemberJson("u1", core::Base64Encode(pub.substr(0, 16))), &m, &err));
  CHECK(err.code == "invalidKey");
  CHECK(err.status == 400);
  CHECK_FALSE(ParseAddMember(R"({"memberId":"u1"})", &m, &err));
  CHECK(err.code == "invalidRequest");
  CHECK_FALSE(ParseAddMember(R"({"publicKey":"AAAA"})", &m, &err));
  CHECK(err.code == "invalidRequest");
}

TEST_CASE("a rotate body lists distinct members and may pin the expected version", "[encryption][requests]") {
  std::string k = core::Base64Encode(core::GenerateX25519KeyPair().public_key);
  RotateRequest r;
  ApiError err;
  REQUIRE(ParseRotate(R"({"members":[)" + MemberJson("a", k) + "," + MemberJson("b", k) + "]}", &r, &err));
  CHECK(r.members.size() == 2);
  CHECK_FALSE(r.expected_version.has_value());
  REQUIRE(ParseRotate(R"({"members":[],"expectedKeyVersion":3})", &r, &err));
  CHECK(r.members.empty());
  CHECK(r.expected_version == 3);

  CHECK_FALSE(ParseRotate("{}", &r, &err));
  CHECK(err.code == "invalidRequest");
  CHECK_FALSE(ParseRotate(R"({"members":{}})", &r, &err));
  CHECK_FALSE(ParseRotate(R"({"members":[)" + MemberJson("a", k) + "," + MemberJson("a", k) + "]}", &r, &err));
  CHECK(err.message.find("twice") != std::string::npos);
  CHECK_FALSE(ParseRotate(R"({"members":[1]})", &r, &err));
  CHECK_FALSE(ParseRotate(R"({"members":[],"expectedKeyVersion":"1"})", &r, &err));
  CHECK_FALSE(ParseRotate(R"({"members":[],"expectedKeyVersion":0})", &r, &err));
}

TEST_CASE("a fault body is range-checked and missing fields mean off", "[encryption][requests]") {
  Fault f;
  ApiError err;
  REQUIRE(ParseFault(R"({"down":true,"delayMs":50,"failStatus":500})", &f, &err));
  CHECK(f.down);
  CHECK(f.delay_ms == 50);
  CHECK(f.fail_status == 500);
  REQUIRE(ParseFault("{}", &f, &err));
  CHECK_FALSE(f.down);
  CHECK(f.delay_ms == 0);
  CHECK(f.fail_status == 0);

  CHECK_FALSE(ParseFault(R"({"down":"yes"})", &f, &err));
  CHECK_FALSE(ParseFault(R"({"delayMs":-1})", &f, &err));
  CHECK_FALSE(ParseFault(R"({"delayMs":600000})", &f, &err));
  CHECK_FALSE(ParseFault(R"({"failStatus":200})", &f, &err));
  CHECK_FALSE(ParseFault(R"({"failStatus":600})", &f, &err));
  CHECK(err.status == 400);
  CHECK(RenderFault(Fault{true, 5, 502}).dump() == R"({"down":true,"delayMs":5,"failStatus":502})");
}

TEST_CASE("service errors map to one wire status and code each", "[encryption][requests]") {
  using core::ErrorCode;
  CHECK(ToApiError({ErrorCode::kNotFound, "x"}).status == 404);
  CHECK(ToApiError({ErrorCode::kConflict, "x"}).code == "keyVersionConflict");
  CHECK(ToApiError({ErrorCode::kInvalidValue, "x"}).code == "invalidKey");
  CHECK(ToApiError({ErrorCode::kInternal, "x"}).status == 500);
  CHECK(RenderError(MakeApiError(404, "notFound", "m")).dump() == R"({"error":"notFound","message":"m"})");
}
