// The SCIM store's SQLite schema, versioned. Only *_store.cpp and the filter
// compiler (filter_sql.cpp) depend on these table and column names.
//
// Layout:
// - users / groups: one row per resource. `pk` is an internal integer key;
//   `id` is the public SCIM id (time-ordered UUID). Indexed columns mirror the
//   attributes Okta filters on; `data` holds the canonical resource JSON
//   WITHOUT id, meta, groups (users) and members (groups), which are derived.
// - user_values: one row per element of a multi-valued User attribute that has
//   a `value` sub-attribute (emails, phoneNumbers, ims, photos, entitlements,
//   roles, x509Certificates), so `emails eq`, `emails.value eq` and value paths
//   use an index instead of scanning JSON. `attr` is the canonical attribute
//   name ("emails").
// - group_members: membership, so adding or removing a member never rewrites
//   the group row, and a User's `groups` is one indexed join.
#pragma once

#include <vector>

#include "core/sqlite.h"

namespace scim {

inline const std::vector<core::Migration>& StoreMigrations() {
  static const std::vector<core::Migration> kMigrations = {
      {1, R"SQL(
CREATE TABLE users (
  pk            INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  user_name     TEXT NOT NULL COLLATE NOCASE UNIQUE,
  external_id   TEXT,
  display_name  TEXT COLLATE NOCASE,
  active        INTEGER NOT NULL DEFAULT 1,
  created       TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  version       INTEGER NOT NULL,
  data          TEXT NOT NULL
);
CREATE INDEX users_external_id ON users(external_id);
CREATE INDEX users_display_name ON users(display_name);
CREATE INDEX users_last_modified ON users(last_modified);

CREATE TABLE user_values (
  user_pk    INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
  attr       TEXT NOT NULL,
  value      TEXT COLLATE NOCASE,
  type       TEXT COLLATE NOCASE,
  is_primary INTEGER NOT NULL DEFAULT 0,
  display    TEXT COLLATE NOCASE
);
CREATE INDEX user_values_lookup ON user_values(attr, value);
CREATE INDEX user_values_user ON user_values(user_pk);

CREATE TABLE groups (
  pk            INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL COLLATE NOCASE UNIQUE,
  external_id   TEXT,
  created       TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  version       INTEGER NOT NULL,
  data          TEXT NOT NULL
);
CREATE INDEX groups_external_id ON groups(external_id);
CREATE INDEX groups_last_modified ON groups(last_modified);

CREATE TABLE group_members (
  group_pk INTEGER NOT NULL REFERENCES groups(pk) ON DELETE CASCADE,
  user_pk  INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
  PRIMARY KEY (group_pk, user_pk)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members(user_pk, group_pk);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)SQL"},
      // Wrapped group keys (group provisioning with the encryption service).
      {2, R"SQL(
CREATE TABLE group_keys (
  group_pk    INTEGER NOT NULL REFERENCES groups(pk) ON DELETE CASCADE,
  user_pk     INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
  key_version INTEGER NOT NULL,
  wrapped     TEXT NOT NULL,
  PRIMARY KEY (group_pk, user_pk)
) WITHOUT ROWID;
)SQL"},
  };
  return kMigrations;
}

}  // namespace scim
