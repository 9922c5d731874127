// The root search's paging and merging (RunRootSearch) against a fake page
// source: no store, no sockets.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "scim_server/list_query.h"
#include "scim_server/root_search.h"

using namespace scim;
using core::Json;

namespace {

// Each type's resources in the order the store would return them.
struct FakeSource {
  std::vector<std::optional<std::string>> users, groups;
  std::optional<core::Error> user_error, group_error;
  std::vector<std::string> calls;

  RootPageSource Source() {
    return [this](ResourceKind kind, int64_t start, int64_t count, std::vector<RootHit>* out) -> core::Result<int64_t> {
      bool user = kind == ResourceKind::kUser;
      calls.push_back(std::string(user ? "U" : "G") + std::to_string(start) + "+" + std::to_string(count));
      if (user && user_error) return *user_error;
      if (!user && group_error) return *group_error;
      const auto& items = user ? users : groups;
      for (int64_t i = start - 1; i < start - 1 + count && i < static_cast<int64_t>(items.size()); ++i) {
        std::string name = std::string(user ? "u" : "g") + std::to_string(i + 1);
        out->push_back(RootHit{items[i], Json{{"id", name}}});
      }
      return static_cast<int64_t>(items.size());
    };
  }
};

std::vector<std::string> Ids(const Json& list) {
  std::vector<std::string> ids;
  for (const auto& r : list["Resources"]) ids.push_back(r["id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("an unsorted root search pages through Users, then Groups", "[root_search]") {
  FakeSource f;
  f.users = {std::nullopt, std::nullopt, std::nullopt};
  f.groups = {std::nullopt, std::nullopt};
  auto list = RunRootSearch(f.Source(), Paging{3, 2, false}, nullptr);
  REQUIRE(list.ok());
  CHECK((*list)["totalResults"] == 5);
  CHECK((*list)["startIndex"] == 3);
  CHECK((*list)["itemsPerPage"] == 2);
  CHECK(Ids(*list) == std::vector<std::string>{"u3", "g1"});
  CHECK(f.calls == std::vector<std::string>{"U1+0", "G1+0", "U3+1", "G1+1"});

  auto groups_only = RunRootSearch(f.Source(), Paging{5, 10, false}, nullptr);
  REQUIRE(groups_only.ok());
  CHECK(Ids(*groups_only) == std::vector<std::string>{"g2"});
}

TEST_CASE("a sorted root search merges both types, Users first on ties", "[root_search]") {
  FakeSource f;
  f.users = {std::nullopt, "apple", "Cherry"};
  f.groups = {"Banana", "cherry"};
  const RootSortKey* key = FindRootSortKey("DISPLAYNAME");
  REQUIRE(key != nullptr);
  CHECK_FALSE(key->case_exact);
  auto list = RunRootSearch(f.Source(), Paging{1, 10, false}, key);
  REQUIRE(list.ok());
  CHECK(Ids(*list) == std::vector<std::string>{"u1", "u2", "g1", "u3", "g2"});

  FakeSource d;
  d.users = {"b", "a"};
  d.groups = {"c", "a"};
  auto desc = RunRootSearch(d.Source(), Paging{2, 2, true}, key);
  REQUIRE(desc.ok());
  CHECK(Ids(*desc) == std::vector<std::string>{"u1", "u2"});
  CHECK((*desc)["totalResults"] == 4);
}

TEST_CASE("a root search skips a type whose query names what only the other type has", "[root_search]") {
  FakeSource f;
  f.users = {std::nullopt};
  f.groups = {std::nullopt};
  f.group_error = core::Error{core::ErrorCode::kInvalidFilter, "unknown attribute 'userName'"};
  auto list = RunRootSearch(f.Source(), Paging{1, 10, false}, nullptr);
  REQUIRE(list.ok());
  CHECK((*list)["totalResults"] == 1);
  CHECK(Ids(*list) == std::vector<std::string>{"u1"});

  f.user_error = core::Error{core::ErrorCode::kInvalidFilter, "unknown attribute 'x'"};
  auto neither = RunRootSearch(f.Source(), Paging{1, 10, false}, nullptr);
  REQUIRE_FALSE(neither.ok());
  CHECK(neither.error().code == core::ErrorCode::kInvalidFilter);

  FakeSource broken;
  broken.user_error = core::Error{core::ErrorCode::kInternal, "disk"};
  auto internal = RunRootSearch(broken.Source(), Paging{1, 10, false}, nullptr);
  REQUIRE_FALSE(internal.ok());
  CHECK(internal.error().code == core::ErrorCode::kInternal);
}

TEST_CASE("a sorted root search pages only through the first 100000 results", "[root_search]") {
  FakeSource f;
  const RootSortKey* key = FindRootSortKey("id");
  auto list = RunRootSearch(f.Source(), Paging{99990, 20, false}, key);
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().code == core::ErrorCode::kTooMany);
  CHECK(FindRootSortKey("userName") == nullptr);
}

TEST_CASE("root sort keys order absent values first and fold ASCII case when asked", "[root_search]") {
  CHECK(CompareRootKeys(std::nullopt, std::string("a"), true) < 0);
  CHECK(CompareRootKeys(std::string("a"), std::nullopt, true) > 0);
  CHECK(CompareRootKeys(std::nullopt, std::nullopt, true) == 0);
  CHECK(CompareRootKeys(std::string("B"), std::string("a"), true) < 0);
  CHECK(CompareRootKeys(std::string("B"), std::string("a"), false) > 0);
  CHECK(CompareRootKeys(std::string("ab"), std::string("AB"), false) == 0);
  CHECK(CompareRootKeys(std::string("a"), std::string("AB"), false) < 0);
}

TEST_CASE("list paging clamps startIndex and count and checks sortOrder", "[list_query]") {
  SearchParams sp;
  sp.start_index = 0;
  sp.count = 5000;
  auto p = PagingOf(sp, 1000);
  REQUIRE(p.ok());
  CHECK(p->start_index == 1);
  CHECK(p->count == 1000);
  CHECK_FALSE(p->descending);
  sp.count = -1;
  sp.sort_order = "DESCENDING";
  p = PagingOf(sp, 50);
  REQUIRE(p.ok());
  CHECK(p->count == 50);
  CHECK(p->descending);
  sp.sort_order = "sideways";
  CHECK(PagingOf(sp, 50).error().code == core::ErrorCode::kInvalidValue);
}

TEST_CASE("a SearchRequest body reads keys case-insensitively and joins attribute lists", "[list_query]") {
  auto sp = SearchFromBody(Json{{"Filter", "userName eq \"a\""},
                                {"attributes", Json::array({"userName", "emails"})},
                                {"startIndex", 3},
                                {"COUNT", 7}});
  REQUIRE(sp.ok());
  CHECK(sp->filter == "userName eq \"a\"");
  CHECK(sp->attributes == "userName,emails");
  CHECK(sp->start_index == 3);
  CHECK(sp->count == 7);
  CHECK(SearchFromBody(Json{{"count", "7"}}).error().code == core::ErrorCode::kInvalidValue);
  CHECK(SearchFromBody(Json::array()).error().code == core::ErrorCode::kInvalidSyntax);
}
