// The Okta expression language behind `search` and `filter`: parsing (tree
// shape, precedence, quoting, keywords), evaluation (each operator, absent
// attributes, case-insensitivity) and the attribute policies. No sockets.
#include "mock_okta/okta_expression.h"

#include <catch2/catch.hpp>

#include <map>
#include <utility>
#include <vector>

#include "core/json_util.h"

using namespace okta;

namespace {

bool AnyAttr(const std::string&, const std::string&) { return true; }

OktaExprPtr MustParse(const std::string& text, const AttrCheck& check = AnyAttr) {
  auto e = ParseOktaExpression(text, check);
  INFO(text);
  REQUIRE(e.ok());
  REQUIRE(*e != nullptr);
  return std::move(*e);
}

std::string ParseError(const std::string& text, const AttrCheck& check = AnyAttr) {
  auto e = ParseOktaExpression(text, check);
  INFO(text);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().code == core::ErrorCode::kInvalidFilter);
  return e.error().detail;
}

AttrLookup Attrs(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& attr) -> std::optional<std::string> {
    auto it = values.find(attr);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

bool Matches(const std::string& text, const AttrLookup& attrs) {
  return EvaluateOktaExpression(*MustParse(text), attrs);
}

// The tree as text: (l and r), (l or r), attr op value.
std::string Show(const OktaExpr& e) {
  if (e.kind == OktaExpr::kAnd) return "(" + Show(*e.l) + " and " + Show(*e.r) + ")";
  if (e.kind == OktaExpr::kOr) return "(" + Show(*e.l) + " or " + Show(*e.r) + ")";
  return e.attr + " " + e.op + (e.op == "pr" ? "" : " [" + e.value + "]");
}

}  // namespace

TEST_CASE("a comparison parses into attribute, lower-case operator and unquoted value", "[okta_expression][parse]") {
  auto e = MustParse(R"(profile.login eq "ann@x.test")");
  CHECK(e->kind == OktaExpr::kCmp);
  CHECK(e->attr == "profile.login");
  CHECK(e->op == "eq");
  CHECK(e->value == "ann@x.test");
  CHECK(e->l == nullptr);
  CHECK(e->r == nullptr);
  CHECK(Show(*MustParse(R"(status EQ "ACTIVE")")) == "status eq [ACTIVE]");
  CHECK(Show(*MustParse("profile.mobilePhone pr")) == "profile.mobilePhone pr");
  CHECK(Show(*MustParse("  id   eq   \"x\"  ")) == "id eq [x]");
  // Every operator is recognised, in any case.
  for (const char* op : {"eq", "ne", "sw", "co", "gt", "ge", "lt", "le", "EQ", "Sw", "cO", "GE"}) {
    CHECK(MustParse(std::string("a ") + op + " \"v\"")->op == core::ToLower(op));
  }
}

TEST_CASE("and binds tighter than or; both associate left; parentheses override", "[okta_expression][parse]") {
  CHECK(Show(*MustParse(R"(a eq "1" or b eq "2" and c eq "3")")) == "(a eq [1] or (b eq [2] and c eq [3]))");
  CHECK(Show(*MustParse(R"(a eq "1" and b eq "2" or c eq "3")")) == "((a eq [1] and b eq [2]) or c eq [3])");
  CHECK(Show(*MustParse(R"((a eq "1" or b eq "2") and c eq "3")")) == "((a eq [1] or b eq [2]) and c eq [3])");
  CHECK(Show(*MustParse(R"(a eq "1" and b eq "2" and c eq "3")")) == "((a eq [1] and b eq [2]) and c eq [3])");
  CHECK(Show(*MustParse(R"(a eq "1" or b eq "2" or c eq "3")")) == "((a eq [1] or b eq [2]) or c eq [3])");
  CHECK(Show(*MustParse(R"(((a eq "1")))")) == "a eq [1]");
  CHECK(Show(*MustParse(R"(a eq "1" AND (b pr OR c eq "3"))")) == "(a eq [1] and (b pr or c eq [3]))");
  CHECK(Show(*MustParse(R"(a eq "1"and b eq "2")")) == "(a eq [1] and b eq [2])");
}

TEST_CASE("quoted values keep spaces and keywords; backslash escapes the next character", "[okta_expression][parse]") {
  CHECK(MustParse(R"(a eq "Ann Lee")")->value == "Ann Lee");
  CHECK(MustParse(R"(a eq "x and y or z")")->value == "x and y or z");
  CHECK(MustParse(R"(a eq "say \"hi\"")")->value == R"(say "hi")");
  CHECK(MustParse(R"(a eq "back\\slash")")->value == R"(back\slash)");
  CHECK(MustParse(R"x(a eq "(paren)")x")->value == "(paren)");
  CHECK(MustParse(R"(a eq "")")->value.empty());
  // Bare values: numbers, booleans, null, dates.
  CHECK(MustParse("a eq 42")->value == "42");
  CHECK(MustParse("a eq -1.5")->value == "-1.5");
  CHECK(MustParse("a eq true")->value == "true");
  CHECK(MustParse("a eq null")->value == "null");
  CHECK(MustParse("a gt 2025-01-01T00:00:00.000Z")->value == "2025-01-01T00:00:00.000Z");
  CHECK(MustParse("a eq +1")->value == "+1");
}

TEST_CASE("malformed expressions are kInvalidFilter errors saying why", "[okta_expression][errors]") {
  CHECK(ParseError("") == "expected an attribute at 0");
  CHECK(ParseError("   ") == "expected an attribute at 3");
  CHECK(ParseError(R"("x" eq "y")") == "expected an attribute at 0");
  CHECK(ParseError("profile.login") == "unknown operator '' after profile.login");
  CHECK(ParseError(R"(profile.login like "x")") == "unknown operator 'like' after profile.login");
  CHECK(ParseError(R"(profile.login eq)") == "expected a value after profile.login eq");
  CHECK(ParseError(R"(profile.login eq "x)") == "unterminated string");
  CHECK(ParseError(R"(a eq "x\")") == "unterminated string");
  CHECK(ParseError(R"((status eq "ACTIVE")") == "missing ')'");
  CHECK(ParseError(R"((a eq "1" or (b eq "2"))") == "missing ')'");
  CHECK(ParseError(R"(status eq "ACTIVE" xor id eq "y")").rfind("unexpected text at ", 0) == 0);
  CHECK(ParseError(R"(status eq "ACTIVE" xor id eq "y")") == "unexpected text at 19");
  CHECK(ParseError(R"x(a eq "1"))x") == "unexpected text at 8");
  CHECK(ParseError(R"(a eq "1" "2")") == "unexpected text at 9");
  CHECK(ParseError(R"(a eq "1" and)") == "expected an attribute at 12");
  CHECK(ParseError(R"(a eq "1" or)") == "expected an attribute at 11");
  CHECK(ParseError(R"(a eq "1" and b)") == "unknown operator '' after b");
  CHECK(ParseError("()") == "expected an attribute at 1");
}

TEST_CASE("the attribute check rejects comparisons it does not allow, first failure wins",
          "[okta_expression][errors]") {
  auto only_status_eq = [](const std::string& attr, const std::string& op) { return attr == "status" && op == "eq"; };
  CHECK(ParseOktaExpression(R"(status eq "ACTIVE")", only_status_eq).ok());
  CHECK(ParseError(R"(status sw "A")", only_status_eq) == "unsupported: status sw");
  CHECK(ParseError(R"(id eq "x")", only_status_eq) == "unsupported: id eq");
  CHECK(ParseError(R"(status eq "A" and id eq "x")", only_status_eq) == "unsupported: id eq");
  CHECK(ParseError(R"(id eq "x" and status eq "A)", only_status_eq) == "unsupported: id eq");
  // The check sees the operator in lower case.
  std::vector<std::pair<std::string, std::string>> seen;
  auto record = [&](const std::string& attr, const std::string& op) {
    seen.emplace_back(attr, op);
    return true;
  };
  MustParse(R"(A EQ "1" Or b PR)", record);
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{{"A", "eq"}, {"b", "pr"}});
}

TEST_CASE("blank text is no expression for the optional parse", "[okta_expression][parse]") {
  auto none = ParseOptionalOktaExpression("", AnyAttr);
  REQUIRE(none.ok());
  CHECK(*none == nullptr);
  auto blank = ParseOptionalOktaExpression(" \t  ", AnyAttr);
  REQUIRE(blank.ok());
  CHECK(*blank == nullptr);
  auto some = ParseOptionalOktaExpression(R"( a eq "1" )", AnyAttr);
  REQUIRE(some.ok());
  REQUIRE(*some != nullptr);
  CHECK((*some)->attr == "a");
  CHECK_FALSE(ParseOptionalOktaExpression("a eq", AnyAttr).ok());
}

TEST_CASE("each operator compares text case-insensitively", "[okta_expression][eval]") {
  auto u = Attrs({{"login", "Ann.Lee@Corp.test"}, {"n", "5"}, {"empty", ""}});
  CHECK(Matches(R"(login eq "ann.lee@corp.TEST")", u));
  CHECK_FALSE(Matches(R"(login eq "ann.lee")", u));
  CHECK(Matches(R"(login ne "bob")", u));
  CHECK_FALSE(Matches(R"(login ne "ANN.LEE@corp.test")", u));
  CHECK(Matches(R"(login sw "ANN.")", u));
  CHECK_FALSE(Matches(R"(login sw "lee")", u));
  CHECK(Matches(R"(login sw "")", u));
  CHECK(Matches(R"(login co "LEE@")", u));
  CHECK_FALSE(Matches(R"(login co "bob")", u));
  CHECK(Matches(R"(login gt "ann")", u));
  CHECK_FALSE(Matches(R"(login gt "b")", u));
  CHECK(Matches(R"(login ge "ann.lee@corp.test")", u));
  CHECK_FALSE(Matches(R"(login gt "ann.lee@corp.test")", u));
  CHECK(Matches(R"(login lt "b")", u));
  CHECK_FALSE(Matches(R"(login lt "ann.lee@corp.test")", u));
  CHECK(Matches(R"(login le "ANN.LEE@CORP.TEST")", u));
  CHECK_FALSE(Matches(R"(login le "a")", u));
  CHECK(Matches("n eq 5", u));
  CHECK(Matches("login pr", u));
  CHECK_FALSE(Matches("empty pr", u));  // present but empty is not "present"
  CHECK_FALSE(Matches("missing pr", u));
}

TEST_CASE("an absent attribute matches only ne", "[okta_expression][eval]") {
  auto none = Attrs({});
  for (const char* op : {"eq", "sw", "co", "gt", "ge", "lt", "le"}) {
    INFO(op);
    CHECK_FALSE(Matches(std::string("x ") + op + " \"\"", none));
  }
  CHECK(Matches(R"(x ne "anything")", none));
}

TEST_CASE("dates compare as ISO 8601 text", "[okta_expression][eval]") {
  auto u = Attrs({{"lastUpdated", "2026-01-01T00:00:00.000Z"}});
  CHECK(Matches(R"(lastUpdated gt "2025-12-31T23:59:59.999Z")", u));
  CHECK(Matches(R"(lastUpdated ge "2026-01-01T00:00:00.000Z")", u));
  CHECK_FALSE(Matches(R"(lastUpdated lt "2026-01-01T00:00:00.000Z")", u));
  CHECK(Matches(R"(lastUpdated le "2026-01-01T00:00:00.000Z")", u));
  CHECK(Matches("lastUpdated lt 2026-01-02T00:00:00.000Z", u));
}

TEST_CASE("and, or and parentheses evaluate as parsed", "[okta_expression][eval]") {
  auto cat = Attrs({{"first", "Cat"}, {"login", "cat.kim@other.test"}, {"status", "ACTIVE"}});
  auto ann = Attrs({{"first", "Ann"}, {"login", "ann.lee@corp.test"}, {"status", "SUSPENDED"}});
  const std::string grouped = R"((first eq "Cat" or first eq "Ann") and login sw "cat")";
  CHECK(Matches(grouped, cat));
  CHECK_FALSE(Matches(grouped, ann));
  // Without parentheses: first eq "Cat" or (first eq "Ann" and login sw "cat").
  const std::string flat = R"(first eq "Cat" or first eq "Ann" and login sw "cat")";
  CHECK(Matches(flat, cat));
  CHECK_FALSE(Matches(flat, ann));
  const std::string flat2 = R"(first eq "Ann" or first eq "Cat" and login sw "ann")";
  CHECK(Matches(flat2, ann));
  CHECK_FALSE(Matches(flat2, cat));
  CHECK(Matches(R"(status eq "ACTIVE" and login co "other")", cat));
  CHECK_FALSE(Matches(R"(status eq "ACTIVE" and login co "corp")", cat));
  CHECK(Matches(R"(status eq "x" or login co "kim")", cat));
  CHECK_FALSE(Matches(R"(status eq "x" or login co "zzz")", cat));
}

TEST_CASE("Okta's attribute policies for users search, users filter and apps filter", "[okta_expression][policy]") {
  for (const char* a : {"id", "status", "created", "activated", "statusChanged", "lastUpdated", "passwordChanged",
                        "profile.login", "profile.nickName"}) {
    INFO(a);
    CHECK(UserSearchable(a, "eq"));
    CHECK(UserSearchable(a, "co"));
  }
  CHECK_FALSE(UserSearchable("profile.", "eq"));
  CHECK_FALSE(UserSearchable("login", "eq"));
  CHECK_FALSE(UserSearchable("label", "eq"));

  for (const char* a : {"status", "id", "profile.login", "profile.email", "profile.firstName", "profile.lastName"}) {
    INFO(a);
    CHECK(UserFilterable(a, "eq"));
    CHECK_FALSE(UserFilterable(a, "sw"));
    CHECK_FALSE(UserFilterable(a, "gt"));
  }
  for (const char* op : {"eq", "gt", "ge", "lt", "le"}) CHECK(UserFilterable("lastUpdated", op));
  CHECK_FALSE(UserFilterable("lastUpdated", "sw"));
  CHECK_FALSE(UserFilterable("lastUpdated", "pr"));
  CHECK_FALSE(UserFilterable("profile.nickName", "eq"));
  CHECK_FALSE(UserFilterable("created", "eq"));

  for (const char* a : {"status", "name", "id"}) {
    INFO(a);
    CHECK(AppFilterable(a, "eq"));
    CHECK_FALSE(AppFilterable(a, "sw"));
  }
  CHECK_FALSE(AppFilterable("label", "eq"));
  CHECK_FALSE(AppFilterable("signOnMode", "eq"));
  // Wired into the parser: the users filter refuses what search allows.
  CHECK(ParseOktaExpression(R"(profile.login sw "a")", UserSearchable).ok());
  CHECK(ParseError(R"(profile.login sw "a")", UserFilterable) == "unsupported: profile.login sw");
  CHECK(ParseError(R"(label sw "A")", AppFilterable) == "unsupported: label sw");
}

TEST_CASE("nesting and length are bounded with a clear error instead of exhausting the stack", "[okta_expression]") {
  auto any = [](const std::string&, const std::string&) { return true; };
  std::string deep;
  for (int i = 0; i < 3000; ++i) deep += "(";
  deep += "status eq \"ACTIVE\"";
  for (int i = 0; i < 3000; ++i) deep += ")";
  auto r = okta::ParseOktaExpression(deep, any);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == core::ErrorCode::kInvalidFilter);
  CHECK(r.error().detail.find("nests deeper than 32") != std::string::npos);

  std::string nested32;
  for (int i = 0; i < 32; ++i) nested32 += "(";
  nested32 += "status eq \"ACTIVE\"";
  for (int i = 0; i < 32; ++i) nested32 += ")";
  CHECK(okta::ParseOktaExpression(nested32, any).ok());

  std::string wide = "status eq \"A\"";
  for (int i = 1; i < 256; ++i) wide += " or status eq \"A\"";
  CHECK(okta::ParseOktaExpression(wide, any).ok());
  wide += " or status eq \"A\"";
  auto too_wide = okta::ParseOktaExpression(wide, any);
  REQUIRE_FALSE(too_wide.ok());
  CHECK(too_wide.error().detail.find("more than 256 comparisons") != std::string::npos);
}
