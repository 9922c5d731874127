#include "scim_server/filter.h"

#include <catch2/catch.hpp>

#include <string>

namespace scim {
namespace {

using core::ErrorCode;

std::unique_ptr<FilterNode> MustParse(const std::string& text) {
  auto parsed = ParseFilter(text);
  INFO("filter: " << text);
  if (!parsed.ok()) FAIL("parse error: " << parsed.error().detail);
  return std::move(parsed).value();
}

// A compact rendering of the AST, so tests can state the expected shape.
std::string Show(const FilterNode& node) {
  switch (node.kind) {
    case FilterNode::Kind::kAnd: return "(" + Show(*node.left) + " AND " + Show(*node.right) + ")";
    case FilterNode::Kind::kOr: return "(" + Show(*node.left) + " OR " + Show(*node.right) + ")";
    case FilterNode::Kind::kNot: return "NOT " + Show(*node.left);
    case FilterNode::Kind::kValuePath: return node.path.ToString() + "[" + Show(*node.left) + "]";
    case FilterNode::Kind::kCompare: {
      std::string out = node.path.ToString() + " " + CompareOpName(node.op);
      if (node.op != CompareOp::kPr) out += " " + node.value.dump();
      return out;
    }
  }
  return "?";
}

std::string ShowFilter(const std::string& text) { return Show(*MustParse(text)); }

bool Eval(const std::string& filter, const Json& object, ResourceKind kind = ResourceKind::kUser) {
  auto node = MustParse(filter);
  auto result = EvaluateFilter(*node, object, kind);
  INFO("filter: " << filter);
  if (!result.ok()) FAIL("evaluation error: " << result.error().detail);
  return *result;
}

core::Error EvalError(const std::string& filter, const Json& object, ResourceKind kind = ResourceKind::kUser) {
  auto node = MustParse(filter);
  auto result = EvaluateFilter(*node, object, kind);
  INFO("filter: " << filter);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

TEST_CASE("every comparison operator parses, case-insensitively", "[scim][filter]") {
  struct Case {
    const char* text;
    CompareOp op;
  };
  const Case cases[] = {
      {"userName eq \"a\"", CompareOp::kEq}, {"userName NE \"a\"", CompareOp::kNe},
      {"userName Co \"a\"", CompareOp::kCo}, {"userName sW \"a\"", CompareOp::kSw},
      {"userName ew \"a\"", CompareOp::kEw}, {"meta.created gt \"a\"", CompareOp::kGt},
      {"meta.created GE \"a\"", CompareOp::kGe}, {"meta.created lt \"a\"", CompareOp::kLt},
      {"meta.created le \"a\"", CompareOp::kLe}, {"title PR", CompareOp::kPr},
  };
  for (const auto& c : cases) {
    auto node = MustParse(c.text);
    CHECK(node->kind == FilterNode::Kind::kCompare);
    CHECK(node->op == c.op);
    if (c.op == CompareOp::kPr) {
      CHECK(node->value.is_null());
    } else {
      CHECK(node->value == "a");
    }
  }
  CHECK(std::string(CompareOpName(CompareOp::kGe)) == "ge");
}

TEST_CASE("Okta's lookup filter parses into one eq comparison", "[scim][filter]") {
  auto node = MustParse("userName eq \"test.user@okta.local\"");
  CHECK(node->kind == FilterNode::Kind::kCompare);
  CHECK(node->path.attr == "userName");
  CHECK(node->path.urn.empty());
  CHECK(node->path.sub.empty());
  CHECK(node->value == "test.user@okta.local");
}

TEST_CASE("not binds tighter than and, and and tighter than or", "[scim][filter]") {
  CHECK(ShowFilter("a eq 1 or b eq 2 and c eq 3") == "(a eq 1 OR (b eq 2 AND c eq 3))");
  CHECK(ShowFilter("a eq 1 and b eq 2 or c eq 3") == "((a eq 1 AND b eq 2) OR c eq 3)");
  CHECK(ShowFilter("not (a pr) and b pr") == "(NOT a pr AND b pr)");
  CHECK(ShowFilter("a pr or not (b pr) and c pr") == "(a pr OR (NOT b pr AND c pr))");
  CHECK(ShowFilter("a pr AND b pr Or c pr") == "((a pr AND b pr) OR c pr)");
  CHECK(ShowFilter("a pr and b pr and c pr") == "((a pr AND b pr) AND c pr)");
}

TEST_CASE("parentheses override precedence and may nest", "[scim][filter]") {
  CHECK(ShowFilter("(a eq 1 or b eq 2) and c eq 3") == "((a eq 1 OR b eq 2) AND c eq 3)");
  CHECK(ShowFilter("((a pr))") == "a pr");
  CHECK(ShowFilter("( a pr )and(b pr)") == "(a pr AND b pr)");
  CHECK(ShowFilter("NOT(a pr or b pr)") == "NOT (a pr OR b pr)");
  CHECK(ShowFilter("not (not (a pr))") == "NOT NOT a pr");
}

TEST_CASE("value paths hold a filter over the elements of a multi-valued attribute", "[scim][filter]") {
  auto node = MustParse("emails[type eq \"work\" and value co \"@example.com\"]");
  REQUIRE(node->kind == FilterNode::Kind::kValuePath);
  CHECK(node->path.attr == "emails");
  CHECK(node->path.sub.empty());
  CHECK(Show(*node->left) == "(type eq \"work\" AND value co \"@example.com\")");
  CHECK(ShowFilter("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")") ==
        "(userType eq \"Employee\" AND (emails co \"example.com\" OR emails.value co \"example.org\"))");
  CHECK(ShowFilter("emails[type eq \"work\"] and not (emails[primary eq true])") ==
        "(emails[type eq \"work\"] AND NOT emails[primary eq true])");
  CHECK(ShowFilter("members[not (value eq \"x\")]") == "members[NOT value eq \"x\"]");
}

TEST_CASE("URN-qualified attribute names split at the last colon", "[scim][filter]") {
  auto node = MustParse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"");
  CHECK(node->path.urn == kEnterpriseUserSchema);
  CHECK(node->path.attr == "employeeNumber");
  CHECK(node->path.sub.empty());

  node = MustParse("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw \"Bar\"");
  CHECK(node->path.urn == kUserSchema);
  CHECK(node->path.attr == "name");
  CHECK(node->path.sub == "givenName");

  node = MustParse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq \"x\"]");
  REQUIRE(node->kind == FilterNode::Kind::kValuePath);
  CHECK(node->path.urn == kEnterpriseUserSchema);
  CHECK(node->path.attr == "manager");

  node = MustParse("meta.lastModified gt \"2011-05-13T04:42:34Z\"");
  CHECK(node->path.attr == "meta");
  CHECK(node->path.sub == "lastModified");
}

TEST_CASE("string literals decode JSON escapes", "[scim][filter]") {
  auto node = MustParse(R"(displayName eq "say \"hi\" \\ caf\u00e9 \ud83d\ude00 a\/b\t")");
  CHECK(node->value.get<std::string>() == "say \"hi\" \\ caf\xC3\xA9 \xF0\x9F\x98\x80 a/b\t");
  CHECK(MustParse("userName eq \"\"")->value == "");
  CHECK(MustParse("title eq \"a and b or not (c)\"")->value == "a and b or not (c)");
  CHECK(MustParse("title eq \"]\"")->value == "]");
}

TEST_CASE("numbers, booleans and null are typed literals", "[scim][filter]") {
  auto node = MustParse("x eq 42");
  CHECK(node->value.is_number_integer());
  CHECK(node->value.get<int64_t>() == 42);
  node = MustParse("x ge -3.25");
  CHECK(node->value.is_number_float());
  CHECK(node->value.get<double>() == Approx(-3.25));
  CHECK(MustParse("x lt 1e3")->value.get<double>() == Approx(1000));
  CHECK(MustParse("x eq 0")->value.get<int64_t>() == 0);
  CHECK(MustParse("active eq true")->value == true);
  CHECK(MustParse("active eq False")->value == false);
  CHECK(MustParse("title eq null")->value.is_null());
}

TEST_CASE("invalid filters are rejected with the problem and its position", "[scim][filter]") {
  struct Case {
    const char* text;
    const char* detail;  // a substring of the expected detail
  };
  const Case cases[] = {
      {"", "empty filter"},
      {"   ", "empty filter"},
      {"userName", "expected an operator after 'userName' at position 9"},
      {"userName eq", "expected a value after 'eq'"},
      {"userName eq ", "expected a value after 'eq' but found the end of the filter at position 13"},
      {"userName eq \"abc", "unterminated string starting at position 13"},
      {"userName eq \"abc\\\"", "unterminated string"},
      {"userName eq \"a\\qb\"", "invalid string"},
      {"userName eq \"a\\u12\"", "invalid string"},
      {"userName like \"a\"", "unknown operator 'like' at position 10"},
      {"userName = \"a\"", "expected an operator after 'userName'"},
      {"userName eq \"a\" garbage", "unexpected 'garbage' at position 17"},
      {"userName eq \"a\" and", "expected an attribute name, '(' or 'not' but found the end of the filter"},
      {"userName eq \"a\" or ", "expected an attribute name"},
      {"(userName eq \"a\"", "expected ')' to close the '(' at position 1"},
      {"userName eq \"a\")", "unbalanced ')' at position 16"},
      {"()", "expected an attribute name, '(' or 'not', found ')' at position 2"},
      {"not userName eq \"a\"", "expected '(' after 'not'"},
      {"userName eq bob", "expected a value (string, number, true, false or null) after 'eq'"},
      {"userName eq 'a'", "expected a value"},
      {"active eq yes", "expected a value"},
      {"x eq 1.", "invalid number '1.'"},
      {"x eq -", "invalid number '-'"},
      {"x eq 01", "invalid number '01'"},
      {"[type eq \"work\"]", "expected an attribute name, '(' or 'not', found '[' at position 1"},
      {"userName eq [", "expected a value"},
      {"emails[type eq \"work\"", "expected ']' to close the '[' at position 7"},
      {"emails[type[value eq \"x\"] eq \"y\"]", "a value filter cannot contain another '['"},
      {"emails.value[type eq \"work\"]", "must follow an attribute without a sub-attribute"},
      {"emails[type eq \"work\"].value eq \"x\"", "only allowed in PATCH paths"},
      {"emails[]", "expected an attribute name"},
      {"9lives eq 1", "invalid attribute name '9lives'"},
      {"name.givenName.x eq 1", "invalid attribute name"},
      {"foo:bar eq 1", "a ':' is only allowed in a URN prefix"},
      {"urn:ietf:params:scim:schemas:core:2.0:User: eq 1", "invalid attribute name"},
      {"userName pr pr", "unexpected 'pr'"},
      {"userName eq \"a\" \"b\"", "unexpected '\"b\"'"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseFilter(c.text);
    INFO("filter: [" << c.text << "]");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidFilter);
    CHECK_THAT(parsed.error().detail, Catch::Contains(c.detail));
  }
}

TEST_CASE("deep nesting is refused beyond 64 levels", "[scim][filter]") {
  auto nested = [](int depth, const std::string& open) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += open;
    text += "a pr";
    text += std::string(depth, ')');
    return text;
  };
  CHECK(ParseFilter(nested(64, "(")).ok());
  CHECK(ParseFilter(nested(64, "not (")).ok());
  auto too_deep = ParseFilter(nested(65, "("));
  REQUIRE_FALSE(too_deep.ok());
  CHECK(too_deep.error().code == ErrorCode::kInvalidFilter);
  CHECK_THAT(too_deep.error().detail, Catch::Contains("deeper than 64"));
  CHECK_FALSE(ParseFilter(nested(100000, "not (")).ok());
  CHECK_FALSE(ParseFilter(std::string(100000, '(')).ok());
}

TEST_CASE("very long and-chains are refused instead of recursing without bound", "[scim][filter]") {
  std::string text = "a pr";
  for (int i = 0; i < 999; ++i) text += " and a pr";
  CHECK(ParseFilter(text).ok());
  text += " and a pr";
  auto parsed = ParseFilter(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().detail, Catch::Contains("more than 1000 comparisons"));
}

TEST_CASE("PATCH paths accept attributes, sub-attributes and value filters", "[scim][filter]") {
  auto path = ParsePatchPath("name.givenName");
  REQUIRE(path.ok());
  CHECK(path->attr.attr == "name");
  CHECK(path->attr.sub == "givenName");
  CHECK(path->filter == nullptr);

  path = ParsePatchPath("members[value eq \"2819c223-7f76-453a-919d-413861904646\"]");
  REQUIRE(path.ok());
  CHECK(path->attr.attr == "members");
  REQUIRE(path->filter != nullptr);
  CHECK(Show(*path->filter) == "value eq \"2819c223-7f76-453a-919d-413861904646\"");
  CHECK(path->sub_after_filter.empty());

  path = ParsePatchPath("emails[type eq \"work\"].value");
  REQUIRE(path.ok());
  CHECK(path->attr.attr == "emails");
  CHECK(path->sub_after_filter == "value");

  path = ParsePatchPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department");
  REQUIRE(path.ok());
  CHECK(path->attr.urn == kEnterpriseUserSchema);
  CHECK(path->attr.attr == "department");

  path = ParsePatchPath("members[value eq \"a\\\"b\"]");
  REQUIRE(path.ok());
  CHECK(path->filter->value == "a\"b");
}

TEST_CASE("invalid PATCH paths are rejected as kInvalidPath", "[scim][filter]") {
  const char* cases[] = {
      "",
      "emails[type eq \"work\"",
      "emails[type eq \"work\"].",
      "emails[type eq \"work\"].9",
      "emails[type eq \"work\"] x",
      "emails.value[type eq \"work\"]",
      "[type eq \"work\"]",
      "userName eq \"x\"",
      "emails[type eq]",
  };
  for (const char* text : cases) {
    auto path = ParsePatchPath(text);
    INFO("path: [" << text << "]");
    REQUIRE_FALSE(path.ok());
    CHECK(path.error().code == ErrorCode::kInvalidPath);
    CHECK_FALSE(path.error().detail.empty());
  }
}

// ---------------------------------------------------------------------------
// Evaluation

Json Alice() {
  return Json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "id": "2819c223-7f76-453a-919d-413861904646",
    "externalId": "AbC-1",
    "userName": "Alice@Example.com",
    "name": {"givenName": "Alice", "familyName": "Smith"},
    "title": "",
    "active": true,
    "emails": [
      {"value": "alice@example.com", "type": "work", "primary": true},
      {"value": "alice@home.net", "type": "home"}
    ],
    "phoneNumbers": [],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"},
    "meta": {"resourceType": "User", "created": "2023-06-01T00:00:00Z",
             "lastModified": "2024-03-01T10:00:00.000Z", "version": "W/\"3\""}
  })");
}

TEST_CASE("evaluation follows the schema's case rules", "[scim][filter]") {
  Json alice = Alice();
  CHECK(Eval("userName eq \"alice@example.COM\"", alice));
  CHECK(Eval("USERNAME Eq \"ALICE@EXAMPLE.COM\"", alice));
  CHECK(Eval("name.givenname sw \"ali\"", alice));
  CHECK(Eval("userName ew \"EXAMPLE.com\"", alice));
  CHECK(Eval("userName co \"@EX\"", alice));
  CHECK(Eval("userName gt \"ALICE\"", alice));
  CHECK(Eval("externalId eq \"AbC-1\"", alice));
  CHECK_FALSE(Eval("externalId eq \"abc-1\"", alice));
  CHECK_FALSE(Eval("externalId sw \"abc\"", alice));
  CHECK_FALSE(Eval("id eq \"2819C223-7F76-453A-919D-413861904646\"", alice));
  CHECK(Eval("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"r&d\"", alice));
  CHECK(Eval("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq \"smith\"", alice));
}

TEST_CASE("evaluation of multi-valued attributes matches when any element matches", "[scim][filter]") {
  Json alice = Alice();
  CHECK(Eval("emails eq \"alice@home.net\"", alice));
  CHECK(Eval("emails.value eq \"ALICE@example.com\"", alice));
  CHECK(Eval("emails.type eq \"home\"", alice));
  CHECK_FALSE(Eval("emails.type eq \"other\"", alice));
  CHECK(Eval("emails[type eq \"work\" and value co \"@example.com\"]", alice));
  CHECK_FALSE(Eval("emails[type eq \"home\" and value co \"@example.com\"]", alice));
  // Without a value path the two conditions may hold on different elements.
  CHECK(Eval("emails.type eq \"home\" and emails.value co \"@example.com\"", alice));
  CHECK(Eval("emails[primary eq true]", alice));
  CHECK_FALSE(Eval("phoneNumbers pr", alice));
  CHECK(Eval("emails pr", alice));
}

TEST_CASE("a bare email on a User is an alias for emails.value", "[scim][filter]") {
  CHECK(Eval("email eq \"alice@home.net\"", Alice()));
  CHECK_FALSE(Eval("email eq \"bob@home.net\"", Alice()));
  CHECK(EvalError("email eq \"x\"", Json::object(), ResourceKind::kGroup).code == ErrorCode::kInvalidFilter);
}

TEST_CASE("dateTimes compare as instants", "[scim][filter]") {
  Json alice = Alice();
  CHECK(Eval("meta.lastModified gt \"2024-01-01T00:00:00Z\"", alice));
  CHECK(Eval("meta.lastModified eq \"2024-03-01T11:00:00+01:00\"", alice));
  CHECK(Eval("meta.lastModified ge \"2024-03-01T10:00:00Z\"", alice));
  CHECK_FALSE(Eval("meta.lastModified gt \"2024-03-01T10:00:00Z\"", alice));
  CHECK(Eval("meta.created lt \"2023-06-01T00:00:00.001Z\"", alice));
  auto error = EvalError("meta.lastModified gt \"yesterday\"", alice);
  CHECK(error.code == ErrorCode::kInvalidFilter);
  CHECK_THAT(error.detail, Catch::Contains("dateTime"));
}

TEST_CASE("pr means present and neither null nor empty", "[scim][filter]") {
  Json alice = Alice();
  CHECK(Eval("userName pr", alice));
  CHECK_FALSE(Eval("title pr", alice));       // ""
  CHECK_FALSE(Eval("nickName pr", alice));    // absent
  CHECK_FALSE(Eval("phoneNumbers pr", alice));  // []
  CHECK(Eval("name pr", alice));
  CHECK(Eval("title eq null", alice));
  CHECK(Eval("nickName eq null", alice));
  CHECK_FALSE(Eval("userName eq null", alice));
  CHECK(Eval("userName ne null", alice));
}

TEST_CASE("ne and not treat a missing attribute consistently with the SQL compiler", "[scim][filter]") {
  Json alice = Alice();
  // A comparison on no value is false, ne included; not() is its complement.
  CHECK_FALSE(Eval("nickName ne \"x\"", alice));
  CHECK(Eval("not (nickName eq \"x\")", alice));
  CHECK(Eval("userName ne \"bob\"", alice));
  CHECK_FALSE(Eval("not (userName ne \"bob\")", alice));
}

TEST_CASE("booleans and type mismatches follow the attribute's type", "[scim][filter]") {
  Json alice = Alice();
  CHECK(Eval("active eq true", alice));
  CHECK(Eval("active ne false", alice));
  CHECK(EvalError("active gt true", alice).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("active eq \"true\"", alice).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("userName eq 1", alice).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("name eq \"x\"", alice).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("userName gt null", alice).code == ErrorCode::kInvalidFilter);
}

TEST_CASE("unknown attributes are an error even when the data would not match", "[scim][filter]") {
  Json alice = Alice();
  auto error = EvalError("noSuchThing eq \"x\"", alice);
  CHECK(error.code == ErrorCode::kInvalidFilter);
  CHECK_THAT(error.detail, Catch::Contains("noSuchThing"));
  CHECK(EvalError("userName eq \"Alice@Example.com\" or bogus pr", alice).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("emails[bogus eq \"x\"]", Json::object()).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("name.bogus eq \"x\"", alice).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("userName[value eq \"x\"]", alice).code == ErrorCode::kInvalidFilter);
  CHECK(EvalError("members eq \"x\"", alice).code == ErrorCode::kInvalidFilter);
}

TEST_CASE("with a parent attribute, names resolve to its sub-attributes", "[scim][filter]") {
  // PATCH evaluates `members[value eq "x"]` one element at a time.
  const AttributeDef* members = SchemaRegistry::Default().Resolve(ResourceKind::kGroup, {"", "members", ""})->attr;
  auto node = MustParse("VALUE eq \"u1\" and type pr");
  auto match = EvaluateFilter(*node, Json{{"value", "u1"}, {"type", "User"}}, ResourceKind::kGroup, members);
  REQUIRE(match.ok());
  CHECK(*match);
  match = EvaluateFilter(*node, Json{{"value", "u2"}, {"type", "User"}}, ResourceKind::kGroup, members);
  REQUIRE(match.ok());
  CHECK_FALSE(*match);
  auto unknown = EvaluateFilter(*MustParse("userName eq \"x\""), Json::object(), ResourceKind::kGroup, members);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::kInvalidFilter);
}

}  // namespace
}  // namespace scim
