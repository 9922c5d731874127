// Fills a SCIM store fast with a realistic directory, for rehearsing large
// directories and for benchmarks (`okta-sandbox scim-server seed`).
//
// Rows are written straight into the store's tables (store_schema.h) in large
// transactions, in exactly the form ScimStore writes them: `data` is the
// canonical JSON CanonicalizeResource produces, `user_values` mirrors each
// email, ids are time-ordered UUIDs (UUIDv7 layout), version 1, created ==
// lastModified == the time of the batch. A store seeded this way is served,
// filtered and patched like one filled through the API.
//
// Speed (1,000,000 Users in ~30 s of CPU on the 2-core dev box): batches of
// ~10,000 rows, synchronous=OFF, a 256 MB page cache, secondary indexes
// rebuilt once after a large load, and no journal while filling an EMPTY
// store (the store returns to WAL at the end). Run it while no server has
// the store open: a crash mid-seed can damage a store that was empty, and
// an appended seed is visible batch by batch.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace scim {

// Appends `users` Users and `groups` Groups to the store at `db_path`
// (created and migrated when missing; ":memory:" is refused because nothing
// would survive). Each Group gets `members_per_group` members (capped at the
// number of Users in the store): a run of consecutive Users starting at a
// random one, wrapping around. Names, departments and member runs derive from
// `seed` only, so two runs with the same arguments on empty stores produce
// the same directory (ids and times come from the clock).
// Users are named "<first>.<last>.<n>@example.com" with n counting on from
// the store's largest User key, so seeding twice appends rather than
// conflicts; Groups are "<department> <n>".
// Errors: kInvalidValue (negative counts, ":memory:"), kInternal (SQLite).
core::Status SeedStore(const std::string& db_path, int64_t users, int64_t groups, int64_t members_per_group,
                       uint64_t seed);

}  // namespace scim
