#include "scim_server/seed_store.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/sqlite.h"
#include "scim_server/schema.h"
#include "scim_server/store_schema.h"

namespace scim {

using core::Db;
using core::Error;
using core::ErrorCode;
using core::Status;
using core::Stmt;

namespace {

// Rows per transaction: large enough that the commit cost vanishes, small
// enough that the WAL stays a few tens of MB between checkpoints.
constexpr int64_t kBatchRows = 10000;

constexpr std::string_view kFirstNames[] = {
    "Alice",  "Bob",     "Carol",   "David",  "Emma",    "Farid",  "Grace",  "Hiro",    "Ines",    "James",
    "Kemal",  "Laura",   "Mateo",   "Nadia",  "Oliver",  "Priya",  "Quinn",  "Rosa",    "Sven",    "Tara",
    "Umar",   "Vera",    "Wei",     "Ximena", "Yusuf",   "Zoe",    "Amara",  "Bruno",   "Chloe",   "Dmitri",
    "Elena",  "Finn",    "Gita",    "Hassan", "Ivy",     "Jonas",  "Kira",   "Liam",    "Maya",    "Noah",
    "Olga",   "Pavel",   "Rania",   "Samuel", "Tomas",   "Uma",    "Victor", "Wanda",   "Yara",    "Zane"};
constexpr std::string_view kLastNames[] = {
    "Smith",   "Garcia",  "Chen",     "Müller",  "Okafor",  "Kowalski", "Silva",   "Nguyen",  "Patel",   "Rossi",
    "Jensen",  "Haddad",  "Tanaka",   "Dubois",  "Novak",   "Ivanova",  "Kim",     "Larsen",  "Moreau",  "Santos",
    "Fischer", "Ahmed",   "Yamamoto", "Lopez",   "Berg",    "Costa",    "Horvat",  "Lindqvist", "Murphy", "Nowak",
    "Olsen",   "Park",    "Quispe",   "Reyes",   "Schmidt", "Toivonen", "Usman",   "Varga",   "Weber",   "Zhang"};
constexpr std::string_view kDepartments[] = {"Engineering", "Sales",   "Marketing", "Finance", "Support",
                                             "Legal",       "People",  "Security",  "Design",  "Operations"};

// ASCII-folded spelling for the parts of an email address.
std::string AsciiLower(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {  // ü
      out += "ue";
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

#define SEED_TRY(expr)                   \
  do {                                   \
    auto _s = (expr);                    \
    if (!_s.ok()) return _s.error();     \
  } while (0)

core::Result<int64_t> ScalarInt(Db& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.error();
  auto row = (*st)->Step();
  if (!row.ok()) return row.error();
  int64_t v = *row ? (*st)->ColumnInt(0) : 0;
  (*st)->Reset();
  return v;
}

// The canonical JSON of a seeded User, in the key order CanonicalizeResource
// produces for this body (schemas, then attributes as given, then the
// extension); seed_test checks the two agree.
void UserData(std::string& out, std::string_view first, std::string_view last, const std::string& user_name,
              int64_t employee_number, std::string_view department, bool active) {
  out.clear();
  out += R"({"schemas":[")";
  out += kUserSchema;
  out += R"(",")";
  out += kEnterpriseUserSchema;
  out += R"("],"userName":")";
  out += user_name;
  out += R"(","name":{"givenName":")";
  out += first;
  out += R"(","familyName":")";
  out += last;
  out += R"(","formatted":")";
  out += first;
  out += ' ';
  out += last;
  out += R"("},"displayName":")";
  out += first;
  out += ' ';
  out += last;
  out += R"(","emails":[{"value":")";
  out += user_name;
  out += R"(","type":"work","primary":true}],"active":)";
  out += active ? "true" : "false";
  out += R"(,")";
  out += kEnterpriseUserSchema;
  out += R"(":{"employeeNumber":")";
  out += std::to_string(employee_number);
  out += R"(","department":")";
  out += department;
  out += R"("}})";
}

Status SeedUsers(Db& db, int64_t count, std::mt19937_64& rng, const core::Clock& clock, core::IdSource& ids) {
  auto max_pk = ScalarInt(db, "SELECT COALESCE(MAX(pk), 0) FROM users");
  if (!max_pk.ok()) return max_pk.error();
  auto ins_user = db.Prepare(
      "INSERT INTO users(pk, id, user_name, external_id, display_name, active, created, last_modified, version, data) "
      "VALUES(?,?,?,NULL,?,?,?,?,1,?)");
  if (!ins_user.ok()) return ins_user.error();
  auto ins_email = db.Prepare(
      "INSERT INTO user_values(user_pk, attr, value, type, is_primary, display) VALUES(?,'emails',?,'work',1,NULL)");
  if (!ins_email.ok()) return ins_email.error();
  Stmt& user = **ins_user;
  Stmt& email = **ins_email;

  std::string data, user_name, display;
  data.reserve(512);
  for (int64_t done = 0; done < count;) {
    core::Transaction tx(db);
    SEED_TRY(tx.begin_status());
    const std::string now = core::FormatIso8601(clock.Now());
    int64_t end = std::min(count, done + kBatchRows / 2);  // two rows per User
    for (; done < end; ++done) {
      int64_t pk = *max_pk + done + 1;
      std::string_view first = kFirstNames[rng() % std::size(kFirstNames)];
      std::string_view last = kLastNames[rng() % std::size(kLastNames)];
      std::string_view department = kDepartments[rng() % std::size(kDepartments)];
      bool active = rng() % 50 != 0;  // a few deactivated Users, as in a real directory
      user_name = AsciiLower(first) + "." + AsciiLower(last) + "." + std::to_string(pk) + "@example.com";
      display.assign(first).append(" ").append(last);
      UserData(data, first, last, user_name, 100000 + pk, department, active);
      user.Reset();  // a statement must be reset before it is bound again
      user.Bind(1, pk).Bind(2, ids.NewUuid()).Bind(3, user_name).Bind(4, display);
      user.Bind(5, static_cast<int64_t>(active)).Bind(6, now).Bind(7, now).Bind(8, data);
      SEED_TRY(user.Exec());
      email.Reset();
      email.Bind(1, pk).Bind(2, user_name);
      SEED_TRY(email.Exec());
    }
    SEED_TRY(tx.Commit());
  }
  return Status::Ok();
}

Status SeedGroups(Db& db, int64_t count, int64_t members_per_group, std::mt19937_64& rng, const core::Clock& clock,
                  core::IdSource& ids) {
  auto max_pk = ScalarInt(db, "SELECT COALESCE(MAX(pk), 0) FROM groups");
  if (!max_pk.ok()) return max_pk.error();
  auto users = ScalarInt(db, "SELECT count(*) FROM users");
  if (!users.ok()) return users.error();
  auto max_user = ScalarInt(db, "SELECT COALESCE(MAX(pk), 0) FROM users");
  if (!max_user.ok()) return max_user.error();
  const int64_t members = std::min(members_per_group, *users);

  auto ins_group = db.Prepare(
      "INSERT INTO groups(pk, id, display_name, external_id, created, last_modified, version, data) "
      "VALUES(?,?,?,NULL,?,?,1,?)");
  if (!ins_group.ok()) return ins_group.error();
  // A run of consecutive Users from a start key; a second statement wraps
  // around to the lowest keys. Gaps left by deleted Users are skipped.
  auto ins_run = db.Prepare(
      "INSERT OR IGNORE INTO group_members(group_pk, user_pk) SELECT ?, pk FROM users WHERE pk >= ? ORDER BY pk LIMIT ?");
  if (!ins_run.ok()) return ins_run.error();
  auto ins_wrap = db.Prepare(
      "INSERT OR IGNORE INTO group_members(group_pk, user_pk) SELECT ?, pk FROM users WHERE pk < ? ORDER BY pk LIMIT ?");
  if (!ins_wrap.ok()) return ins_wrap.error();

  std::string name, data;
  int64_t rows_in_tx = 0;
  std::optional<core::Transaction> tx;
  std::string now;
  for (int64_t j = 0; j < count; ++j) {
    if (!tx) {
      tx.emplace(db);
      SEED_TRY(tx->begin_status());
      now = core::FormatIso8601(clock.Now());
      rows_in_tx = 0;
    }
    int64_t pk = *max_pk + j + 1;
    name.assign(kDepartments[rng() % std::size(kDepartments)]).append(" ").append(std::to_string(pk));
    data.assign(R"({"schemas":[")").append(kGroupSchema).append(R"("],"displayName":")").append(name).append(R"("})");
    Stmt& g = **ins_group;
    g.Reset();
    g.Bind(1, pk).Bind(2, ids.NewUuid()).Bind(3, name).Bind(4, now).Bind(5, now).Bind(6, data);
    SEED_TRY(g.Exec());
    if (members > 0) {
      int64_t start = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(*max_user));
      (*ins_run)->Reset();
      (*ins_run)->Bind(1, pk).Bind(2, start).Bind(3, members);
      SEED_TRY((*ins_run)->Exec());
      int64_t got = db.Changes();
      if (got < members) {
        (*ins_wrap)->Reset();
        (*ins_wrap)->Bind(1, pk).Bind(2, start).Bind(3, members - got);
        SEED_TRY((*ins_wrap)->Exec());
      }
    }
    rows_in_tx += 1 + members;
    if (rows_in_tx >= kBatchRows || j + 1 == count) {
      SEED_TRY(tx->Commit());
      tx.reset();
    }
  }
  return Status::Ok();
}

// From this many Users on, the secondary indexes are rebuilt after the load.
constexpr int64_t kRebuildIndexesFrom = 50000;

// Drops the explicit (non-constraint) indexes on the tables the User load
// writes, returning their CREATE statements.
core::Result<std::vector<std::string>> DropIndexes(Db& db) {
  std::vector<std::pair<std::string, std::string>> found;
  {
    auto st = db.PrepareOnce(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('users', 'user_values')");
    if (!st.ok()) return st.error();
    while (true) {
      auto row = st->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      found.emplace_back(st->ColumnText(0), st->ColumnText(1));
    }
  }
  std::vector<std::string> sqls;
  for (const auto& [name, sql] : found) {
    SEED_TRY(db.Exec("DROP INDEX \"" + name + "\""));
    sqls.push_back(sql);
  }
  return sqls;
}

}  // namespace

Status SeedStore(const std::string& db_path, int64_t users, int64_t groups, int64_t members_per_group,
                 uint64_t seed) {
  if (users < 0 || groups < 0 || members_per_group < 0) {
    return Error{ErrorCode::kInvalidValue, "users, groups and members per group must not be negative"};
  }
  if (db_path.empty() || db_path == ":memory:") {
    return Error{ErrorCode::kInvalidValue, "seeding needs a database file; an in-memory store would be lost"};
  }
  auto pool = core::DbPool::Open(db_path, StoreMigrations());
  if (!pool.ok()) return pool.error();
  core::SystemClock clock;
  core::UuidV7Source ids(clock, seed);
  std::mt19937_64 rng(seed);
  return (*pool)->Write([&](Db& db) -> Status {
    // A bulk load: no fsync per batch and a big page cache so the
    // random-order userName/email index inserts stay in memory. Into an empty
    // store, no journal either (each page is written once instead of to the
    // WAL and again at the checkpoint): a crash can then leave a damaged
    // file, but it held nothing but the half-done seed.
    auto existing = ScalarInt(db, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM groups)");
    if (!existing.ok()) return existing.error();
    const bool fresh = *existing == 0;
    if (fresh) SEED_TRY(db.Exec("PRAGMA journal_mode=OFF"));
    SEED_TRY(db.Exec("PRAGMA synchronous=OFF"));
    SEED_TRY(db.Exec("PRAGMA cache_size=-262144"));
    // Secondary indexes are cheaper to build once, sorted, than to grow in
    // random order row by row: drop them for a large load and recreate them
    // from their own SQL (so they stay exactly what the migrations made).
    std::vector<std::string> indexes;
    if (users >= kRebuildIndexesFrom) {
      auto saved = DropIndexes(db);
      if (!saved.ok()) return saved.error();
      indexes = std::move(*saved);
    }
    Status loaded = SeedUsers(db, users, rng, clock, ids);
    for (const auto& sql : indexes) SEED_TRY(db.Exec(sql));  // also after a failed load
    SEED_TRY(loaded);
    SEED_TRY(SeedGroups(db, groups, members_per_group, rng, clock, ids));
    if (fresh) SEED_TRY(db.Exec("PRAGMA journal_mode=WAL"));
    SEED_TRY(db.Exec("PRAGMA synchronous=NORMAL"));
    // Fold the WAL into the database so the next start does not replay it.
    return db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  });
}

}  // namespace scim
