#include "scim_server/filter_sql.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "scim_server/store_schema.h"

namespace scim {
namespace {

using core::ErrorCode;
using Ids = std::vector<std::string>;

void Bind(core::Stmt& stmt, const std::vector<SqlParam>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i) + 1;
    std::visit(
        [&](const auto& p) {
          using P = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<P, std::nullptr_t>) {
            stmt.BindNull(idx);
          } else {
            stmt.Bind(idx, p);
          }
        },
        params[i]);
  }
}

void Exec(core::Db& db, const std::string& sql, const std::vector<SqlParam>& params) {
  auto stmt = db.PrepareOnce(sql);
  REQUIRE(stmt.ok());
  Bind(*stmt, params);
  auto status = stmt->Exec();
  INFO(sql << ": " << (status.ok() ? "" : status.error().detail));
  REQUIRE(status.ok());
}

std::string S(const Json& obj, const char* key) { return obj.contains(key) ? obj[key].get<std::string>() : ""; }
SqlParam OptionalText(const Json& obj, const char* key) {
  if (!obj.contains(key)) return nullptr;
  return obj[key].get<std::string>();
}

// A store with five users and three groups, inserted with plain SQL the way
// the user store lays them out (see store_schema.h). `users` keeps each User
// as served (with id, meta and groups) for comparing with EvaluateFilter.
class Fixture {
 public:
  Fixture() {
    auto pool = core::DbPool::Open(":memory:", StoreMigrations());
    REQUIRE(pool.ok());
    pool_ = std::move(pool).value();
    AddUser(R"({"id": "u1", "externalId": "ExtA", "userName": "Alice@Example.com", "displayName": "Alice Smith",
      "active": true, "name": {"givenName": "Alice", "familyName": "Smith"}, "title": "Engineer",
      "emails": [{"value": "alice@example.com", "type": "work", "primary": true},
                 {"value": "alice@home.net", "type": "home"}],
      "addresses": [{"type": "work", "locality": "Paris"}],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D", "employeeNumber": "100"},
      "meta": {"created": "2023-06-01T00:00:00.000Z", "lastModified": "2023-12-31T23:59:59.999Z", "version": 3}})");
    AddUser(R"({"id": "u2", "externalId": "exta", "userName": "bob@example.com", "active": false,
      "name": {"givenName": "Bob"}, "title": "",
      "emails": [{"value": "bob@example.com", "type": "home"}, {"value": "bob.work@corp.com", "type": "work"}],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"},
      "meta": {"created": "2023-06-02T00:00:00.000Z", "lastModified": "2024-03-01T10:00:00.000Z", "version": 1}})");
    AddUser(R"({"id": "u3", "userName": "carol@other.org", "displayName": "Carol", "active": true,
      "phoneNumbers": [{"value": "555-1234", "type": "work"}],
      "addresses": [{"type": "home", "locality": "Lyon"}],
      "meta": {"created": "2023-06-03T00:00:00.000Z", "lastModified": "2024-06-01T00:00:00.000Z", "version": 1}})");
    AddUser(R"({"id": "u4", "userName": "dave_100%@example.com", "displayName": "Dave", "active": true,
      "emails": [{"value": "dave@example.com", "type": "work"}],
      "meta": {"created": "2023-06-04T00:00:00.000Z", "lastModified": "2024-01-01T00:00:00.000Z", "version": 1}})");
    AddUser(R"({"id": "u5", "userName": "daveX100x@example.com", "active": true, "title": "Engineering Manager",
      "meta": {"created": "2023-06-05T00:00:00.000Z", "lastModified": "2022-01-01T00:00:00.000Z", "version": 1}})");
    AddGroup("g1", "Admins", {"u1", "u2"});
    AddGroup("g2", "Users", {"u3"});
    AddGroup("g3", "Empty", {});
  }

  // The ids a filter selects, in id order; a compile error fails the test.
  Ids Select(const std::string& filter, ResourceKind kind = ResourceKind::kUser) {
    auto where = Compile(filter, kind);
    if (!where.ok()) FAIL("compile error for [" << filter << "]: " << where.error().detail);
    return Run("SELECT t.id FROM " + Table(kind) + " t WHERE " + where->sql + " ORDER BY t.id", where->params);
  }

  core::Result<SqlWhere> Compile(const std::string& filter, ResourceKind kind = ResourceKind::kUser) {
    auto node = ParseFilter(filter);
    if (!node.ok()) FAIL("parse error for [" << filter << "]: " << node.error().detail);
    return CompileFilter(**node, kind);
  }

  std::string Plan(const std::string& filter, ResourceKind kind = ResourceKind::kUser) {
    auto where = Compile(filter, kind);
    REQUIRE(where.ok());
    std::string sql = "EXPLAIN QUERY PLAN SELECT t.id FROM " + Table(kind) + " t WHERE " + where->sql;
    return pool_->Read([&](core::Db& db) {
      auto stmt = db.PrepareOnce(sql);
      REQUIRE(stmt.ok());
      Bind(*stmt, where->params);
      std::string plan;
      while (true) {
        auto row = stmt->Step();
        REQUIRE(row.ok());
        if (!*row) break;
        plan += stmt->ColumnText(3) + "\n";
      }
      return plan;
    });
  }

  Ids SortedBy(const AttrPath& path, const std::string& direction) {
    auto key = CompileSortKey(path, ResourceKind::kUser);
    if (!key.ok()) FAIL("sort key error: " << key.error().detail);
    return Run("SELECT t.id FROM users t ORDER BY " + *key + " " + direction + ", t.id", {});
  }

  // The ids EvaluateFilter selects from the served Users.
  Ids Evaluate(const std::string& filter) {
    auto node = ParseFilter(filter);
    REQUIRE(node.ok());
    Ids ids;
    for (const Json& user : users_) {
      auto match = EvaluateFilter(**node, user, ResourceKind::kUser);
      if (!match.ok()) FAIL("evaluation error for [" << filter << "]: " << match.error().detail);
      if (*match) ids.push_back(user["id"].get<std::string>());
    }
    return ids;
  }

 private:
  static std::string Table(ResourceKind kind) { return kind == ResourceKind::kUser ? "users" : "groups"; }

  Ids Run(const std::string& sql, const std::vector<SqlParam>& params) {
    return pool_->Read([&](core::Db& db) {
      auto stmt = db.PrepareOnce(sql);
      INFO(sql);
      if (!stmt.ok()) FAIL("prepare failed: " << stmt.error().detail);
      Bind(*stmt, params);
      Ids ids;
      while (true) {
        auto row = stmt->Step();
        if (!row.ok()) FAIL("step failed: " << row.error().detail);
        if (!*row) break;
        ids.push_back(stmt->ColumnText(0));
      }
      return ids;
    });
  }

  void AddUser(const char* text) {
    Json user = Json::parse(text);
    const Json& meta = user["meta"];
    Json data = user;
    data.erase("id");
    data.erase("meta");
    pool_->Write([&](core::Db& db) {
      Exec(db,
           "INSERT INTO users (id, user_name, external_id, display_name, active, created, last_modified, version, "
           "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {S(user, "id"), S(user, "userName"), OptionalText(user, "externalId"), OptionalText(user, "displayName"),
            int64_t{user.value("active", true) ? 1 : 0}, S(meta, "created"), S(meta, "lastModified"),
            meta["version"].get<int64_t>(), data.dump()});
      int64_t pk = db.LastInsertRowId();
      for (const char* attr : {"emails", "phoneNumbers", "ims", "photos", "entitlements", "roles", "x509Certificates"}) {
        if (!user.contains(attr)) continue;
        for (const Json& v : user[attr]) {
          Exec(db, "INSERT INTO user_values (user_pk, attr, value, type, is_primary, display) VALUES (?, ?, ?, ?, ?, ?)",
               {pk, std::string(attr), OptionalText(v, "value"), OptionalText(v, "type"),
                int64_t{v.value("primary", false) ? 1 : 0}, OptionalText(v, "display")});
        }
      }
    });
    // As served: meta rendered, and groups filled in by AddGroup.
    user["meta"]["resourceType"] = "User";
    user["meta"]["version"] = "W/\"" + std::to_string(meta["version"].get<int64_t>()) + "\"";
    user["groups"] = Json::array();
    users_.push_back(user);
  }

  void AddGroup(const std::string& id, const std::string& name, const std::vector<std::string>& members) {
    pool_->Write([&](core::Db& db) {
      Exec(db,
           "INSERT INTO groups (id, display_name, created, last_modified, version, data) "
           "VALUES (?, ?, '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z', 1, ?)",
           {id, name, Json{{"displayName", name}}.dump()});
      int64_t pk = db.LastInsertRowId();
      for (const auto& member : members) {
        Exec(db, "INSERT INTO group_members (group_pk, user_pk) SELECT ?, pk FROM users WHERE id = ?", {pk, member});
      }
    });
    for (Json& user : users_) {
      if (std::find(members.begin(), members.end(), user["id"].get<std::string>()) != members.end()) {
        user["groups"].push_back({{"value", id}, {"display", name}, {"type", "direct"}});
      }
    }
  }

  std::unique_ptr<core::DbPool> pool_;
  std::vector<Json> users_;
};

const Ids kAllUsers = {"u1", "u2", "u3", "u4", "u5"};

TEST_CASE("Okta's userName lookup is case-insensitive and uses the index", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("userName eq \"ALICE@example.COM\"") == Ids{"u1"});
  CHECK(f.Select("userName eq \"bob@example.com\"") == Ids{"u2"});
  CHECK(f.Select("userName eq \"\"").empty());  // Okta has been seen sending this
  CHECK(f.Select("userName eq \"nobody@example.com\"").empty());
  std::string plan = f.Plan("userName eq \"alice@example.com\"");
  INFO(plan);
  CHECK((plan.find("USING INDEX") != std::string::npos || plan.find("USING COVERING INDEX") != std::string::npos));
  CHECK(plan.find("SCAN t") == std::string::npos);
}

TEST_CASE("emails filters match any element and use the user_values index", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("emails eq \"alice@home.net\"") == Ids{"u1"});
  CHECK(f.Select("emails.value eq \"DAVE@example.com\"") == Ids{"u4"});
  CHECK(f.Select("emails.type eq \"home\"") == Ids{"u1", "u2"});
  CHECK(f.Select("emails[primary eq true]") == Ids{"u1"});
  CHECK(f.Select("emails pr") == Ids{"u1", "u2", "u4"});
  CHECK(f.Select("phoneNumbers.value sw \"555\"") == Ids{"u3"});
  for (const char* filter : {"emails.value eq \"alice@example.com\"", "emails eq \"alice@example.com\"",
                             "email eq \"alice@example.com\""}) {
    std::string plan = f.Plan(filter);
    INFO(filter << "\n" << plan);
    CHECK((plan.find("USING INDEX") != std::string::npos || plan.find("USING COVERING INDEX") != std::string::npos));
    CHECK(plan.find("SCAN t") == std::string::npos);
  }
}

TEST_CASE("a bare email on a User is Okta's alias for emails.value", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("email eq \"BOB@example.com\"") == Ids{"u2"});
  CHECK(f.Select("email eq \"bob.work@corp.com\"") == Ids{"u2"});
  CHECK(f.Select("email co \"@example.com\"") == Ids{"u1", "u2", "u4"});
  auto group = f.Compile("email eq \"x\"", ResourceKind::kGroup);
  REQUIRE_FALSE(group.ok());
  CHECK(group.error().code == ErrorCode::kInvalidFilter);
}

TEST_CASE("a value path applies all its conditions to the same element", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("emails[type eq \"work\" and value co \"@example.com\"]") == Ids{"u1", "u4"});
  // Without brackets the conditions may hold on different emails: u2 qualifies.
  CHECK(f.Select("emails.type eq \"work\" and emails.value co \"@example.com\"") == Ids{"u1", "u2", "u4"});
  CHECK(f.Select("emails[not (type eq \"work\")]") == Ids{"u1", "u2"});
  CHECK(f.Select("emails[type eq \"work\"] and not (emails[type eq \"home\"])") == Ids{"u4"});
  CHECK(f.Select("addresses[type eq \"work\" and locality eq \"paris\"]") == Ids{"u1"});
  CHECK(f.Select("addresses[type eq \"home\" and locality eq \"paris\"]").empty());
  CHECK(f.Select("addresses.locality eq \"LYON\"") == Ids{"u3"});
}

TEST_CASE("meta.lastModified compares as instants whatever the literal's format", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("meta.lastModified gt \"2024-01-01T00:00:00Z\"") == Ids{"u2", "u3"});
  CHECK(f.Select("meta.lastModified ge \"2024-01-01T01:00:00+01:00\"") == Ids{"u2", "u3", "u4"});
  CHECK(f.Select("meta.lastModified lt \"2024-01-01T00:00:00.000Z\"") == Ids{"u1", "u5"});
  CHECK(f.Select("meta.lastModified eq \"2023-12-31T23:59:59.999Z\"") == Ids{"u1"});
  CHECK(f.Select("meta.created le \"2023-06-02T00:00:00Z\"") == Ids{"u1", "u2"});
  auto bad = f.Compile("meta.lastModified gt \"last week\"");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidFilter);
  CHECK_FALSE(f.Compile("meta.lastModified co \"2024\"").ok());
  // Beyond what an instant holds (it used to wrap around and match recent users).
  auto far = f.Compile("meta.lastModified gt \"2300-01-01T00:00:00Z\"");
  REQUIRE_FALSE(far.ok());
  CHECK(far.error().code == ErrorCode::kInvalidFilter);
  CHECK(far.error().detail.find("2261") != std::string::npos);
  std::string plan = f.Plan("meta.lastModified gt \"2024-01-01T00:00:00Z\"");
  INFO(plan);
  CHECK(plan.find("users_last_modified") != std::string::npos);
}

TEST_CASE("externalId and id compare case-exactly", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("externalId eq \"ExtA\"") == Ids{"u1"});
  CHECK(f.Select("externalId eq \"exta\"") == Ids{"u2"});
  CHECK(f.Select("externalId sw \"Ext\"") == Ids{"u1"});
  CHECK(f.Select("externalId ew \"tA\"") == Ids{"u1"});
  CHECK(f.Select("externalId ew \"\"") == Ids{"u1", "u2"});
  CHECK(f.Select("externalId co \"xt\"") == Ids{"u1", "u2"});
  CHECK(f.Select("externalId co \"XT\"").empty());
  CHECK(f.Select("externalId gt \"Z\"") == Ids{"u2"});  // binary: lower case sorts after upper
  CHECK(f.Select("id eq \"u1\"") == Ids{"u1"});
  CHECK(f.Select("id eq \"U1\"").empty());
}

TEST_CASE("extension and sub-attributes are read from the JSON document", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"r&d\"") == Ids{"u1"});
  CHECK(f.Select("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr") == Ids{"u1", "u2"});
  CHECK(f.Select("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"100\"") ==
        Ids{"u1"});
  CHECK(f.Select("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"bob\"") == Ids{"u2"});
  // The registry resolves an unqualified name that only an extension defines.
  CHECK(f.Select("department eq \"SALES\"") == Ids{"u2"});
  CHECK(f.Select("name.givenName sw \"AL\"") == Ids{"u1"});
  CHECK(f.Select("name pr") == Ids{"u1", "u2"});
}

TEST_CASE("string operators honour case rules and escape LIKE wildcards", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("userName co \"_100%\"") == Ids{"u4"});
  CHECK(f.Select("userName sw \"dave_\"") == Ids{"u4"});
  CHECK(f.Select("userName sw \"DAVE\"") == Ids{"u4", "u5"});
  CHECK(f.Select("userName ew \"@EXAMPLE.COM\"") == Ids{"u1", "u2", "u4", "u5"});
  CHECK(f.Select("title co \"ENG\"") == Ids{"u1", "u5"});
  CHECK(f.Select("title ew \"manager\"") == Ids{"u5"});
  CHECK(f.Select("title gt \"engineer\"") == Ids{"u5"});
  CHECK(f.Select("displayName le \"carol\"") == Ids{"u1", "u3"});
}

TEST_CASE("ne, not and pr are correct when the attribute is missing", "[scim][filter_sql]") {
  Fixture f;
  // A comparison on a missing value is false, ne included; not() is its exact complement.
  CHECK(f.Select("title ne \"Engineer\"") == Ids{"u2", "u5"});
  CHECK(f.Select("not (title eq \"Engineer\")") == Ids{"u2", "u3", "u4", "u5"});
  CHECK(f.Select("displayName ne \"carol\"") == Ids{"u1", "u4"});
  CHECK(f.Select("not (displayName eq \"carol\")") == Ids{"u1", "u2", "u4", "u5"});
  CHECK(f.Select("not (userName sw \"alice\")") == Ids{"u2", "u3", "u4", "u5"});
  CHECK(f.Select("not (not (userName sw \"alice\"))") == Ids{"u1"});
  CHECK(f.Select("title pr") == Ids{"u1", "u5"});  // u2's title is ""
  CHECK(f.Select("not (title pr)") == Ids{"u2", "u3", "u4"});
  CHECK(f.Select("title eq null") == Ids{"u2", "u3", "u4"});
  CHECK(f.Select("title ne null") == Ids{"u1", "u5"});
  CHECK(f.Select("displayName pr") == Ids{"u1", "u3", "u4"});
  CHECK(f.Select("not (emails pr)") == Ids{"u3", "u5"});
  CHECK(f.Select("title pr or displayName pr") == Ids{"u1", "u3", "u4", "u5"});
  CHECK(f.Select("not (title ne \"x\" and displayName pr)") == Ids{"u2", "u3", "u4", "u5"});
}

TEST_CASE("active and other booleans compare with true and false only", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("active eq false") == Ids{"u2"});
  CHECK(f.Select("active eq true") == Ids{"u1", "u3", "u4", "u5"});
  CHECK(f.Select("active ne true") == Ids{"u2"});
}

TEST_CASE("operators and literals that do not suit the attribute are invalid filters", "[scim][filter_sql]") {
  Fixture f;
  const char* cases[] = {
      "active gt true",         "active eq \"true\"",       "active co \"t\"",      "userName eq 5",
      "userName eq true",       "name eq \"x\"",            "emails co 1",          "noSuchAttr eq \"x\"",
      "name.noSuchSub eq \"x\"", "emails[noSuch eq \"x\"]", "userName[value eq 1]", "members eq \"x\"",
      "meta.version co \"1\"",  "meta.version eq \"abc\"", "userName gt null",     "meta gt \"x\"",
  };
  for (const char* filter : cases) {
    auto where = f.Compile(filter);
    INFO(filter);
    REQUIRE_FALSE(where.ok());
    CHECK(where.error().code == ErrorCode::kInvalidFilter);
    CHECK_FALSE(where.error().detail.empty());
  }
}

TEST_CASE("meta.version, meta.resourceType and groups are filterable on Users", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.Select("meta.version eq \"W/\\\"3\\\"\"") == Ids{"u1"});
  CHECK(f.Select("meta.resourceType eq \"User\"") == kAllUsers);
  CHECK(f.Select("groups.display eq \"admins\"") == Ids{"u1", "u2"});
  CHECK(f.Select("groups eq \"g2\"") == Ids{"u3"});
  CHECK(f.Select("groups[value eq \"g1\" and display sw \"Adm\"]") == Ids{"u1", "u2"});
  CHECK(f.Select("not (groups pr)") == Ids{"u4", "u5"});
}

TEST_CASE("Group filters resolve members through group_members", "[scim][filter_sql]") {
  Fixture f;
  const auto kGroup = ResourceKind::kGroup;
  CHECK(f.Select("displayName eq \"ADMINS\"", kGroup) == Ids{"g1"});
  CHECK(f.Select("members.value eq \"u1\"", kGroup) == Ids{"g1"});
  CHECK(f.Select("members eq \"u3\"", kGroup) == Ids{"g2"});
  CHECK(f.Select("members[value eq \"u2\"]", kGroup) == Ids{"g1"});
  CHECK(f.Select("members[display sw \"alice\" and value eq \"u1\"]", kGroup) == Ids{"g1"});
  CHECK(f.Select("members.display co \"carol\"", kGroup) == Ids{"g2"});
  CHECK(f.Select("members pr", kGroup) == Ids{"g1", "g2"});
  CHECK(f.Select("not (members pr)", kGroup) == Ids{"g3"});
  CHECK(f.Select("meta.resourceType eq \"Group\"", kGroup) == Ids{"g1", "g2", "g3"});
  auto user_attr = f.Compile("userName eq \"x\"", kGroup);
  REQUIRE_FALSE(user_attr.ok());
  CHECK(user_attr.error().code == ErrorCode::kInvalidFilter);
}

TEST_CASE("no literal ever appears in the SQL text", "[scim][filter_sql]") {
  Fixture f;
  struct Case {
    const char* filter;
    const char* literal;
  };
  const Case cases[] = {
      {"userName eq \"x' OR '1'='1\"", "OR '1'"},
      {"title co \"zebra%\"", "zebra"},
      {"externalId sw \"prefix-xyz\"", "prefix-xyz"},
      {"externalId ew \"suffix-xyz\"", "suffix-xyz"},
      {"emails[type eq \"worktype\" and value co \"@corp\"]", "worktype"},
      {"emails[type eq \"worktype\" and value co \"@corp\"]", "@corp"},
      {"meta.lastModified gt \"2024-01-01T00:00:00Z\"", "2024"},
      {"active eq true", "true"},
      {"members.value eq \"member-xyz\"", "member-xyz"},
      {"meta.resourceType eq \"User\"", "'User'"},
  };
  for (const auto& c : cases) {
    bool group = std::string(c.filter).rfind("members", 0) == 0;
    auto where = f.Compile(c.filter, group ? ResourceKind::kGroup : ResourceKind::kUser);
    INFO(c.filter);
    REQUIRE(where.ok());
    INFO(where->sql);
    CHECK(where->sql.find(c.literal) == std::string::npos);
    CHECK_FALSE(where->params.empty());
  }
  CHECK(f.Select("userName eq \"x' OR '1'='1\"").empty());
}

TEST_CASE("the SQL compiler and the in-memory evaluator agree", "[scim][filter_sql]") {
  Fixture f;
  const char* filters[] = {
      "userName eq \"ALICE@example.COM\"",
      "email eq \"bob@example.com\"",
      "emails[type eq \"work\" and value co \"@example.com\"]",
      "emails.type eq \"work\" and emails.value co \"@example.com\"",
      "emails[not (type eq \"work\")]",
      "meta.lastModified gt \"2024-01-01T00:00:00Z\"",
      "meta.lastModified le \"2024-01-01T01:00:00+01:00\"",
      "externalId eq \"exta\"",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"sales\"",
      "title ne \"Engineer\"",
      "not (title eq \"Engineer\")",
      "title pr or displayName pr",
      "not (title pr) and active eq true",
      "title eq null",
      "userName co \"_100%\"",
      "title gt \"engineer\"",
      "displayName le \"carol\"",
      "groups.display eq \"admins\"",
      "addresses[type eq \"work\" and locality eq \"paris\"]",
      "meta.version eq \"W/\\\"3\\\"\"",
      "not (emails pr)",
      "name.givenName sw \"b\" or emails.value ew \"example.com\"",
  };
  for (const char* filter : filters) {
    INFO(filter);
    CHECK(f.Select(filter) == f.Evaluate(filter));
  }
}

TEST_CASE("sort keys order by the mapped column with the attribute's collation", "[scim][filter_sql]") {
  Fixture f;
  CHECK(f.SortedBy({"", "meta", "lastModified"}, "ASC") == Ids{"u5", "u1", "u4", "u2", "u3"});
  CHECK(f.SortedBy({"", "title", ""}, "DESC") == Ids{"u5", "u1", "u2", "u3", "u4"});
  CHECK(f.SortedBy({"", "emails", ""}, "ASC") == Ids{"u3", "u5", "u1", "u2", "u4"});
  CHECK(f.SortedBy({"", "userName", ""}, "DESC") == Ids{"u5", "u4", "u3", "u2", "u1"});
  auto key = CompileSortKey({"", "userName", ""}, ResourceKind::kUser);
  REQUIRE(key.ok());
  CHECK(*key == "t.user_name COLLATE NOCASE");
  auto complex = CompileSortKey({"", "name", ""}, ResourceKind::kUser);
  REQUIRE_FALSE(complex.ok());
  CHECK(complex.error().code == ErrorCode::kInvalidValue);
  auto unknown = CompileSortKey({"", "bogus", ""}, ResourceKind::kUser);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::kInvalidValue);
}

}  // namespace
}  // namespace scim
